"""The cast: one person per role in Kampung Seri Mawar, and an outsider who belongs only
to Woking East. Built by the same demo seeder the site and benchmarks use."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.conf import settings
from django.db import connection

from kampung.communities.models import Community
from kampung.demo import DEMO_LOGINS, seed_demo
from kampung.people.models import Member, Role, User

PASSWORD = settings.KAMPUNG_DEMO_PASSWORD


def pytest_collection_modifyitems(config, items):
    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(
        reason="PostgreSQL only (needs real row locks and concurrent transactions); "
        "run with DATABASE_URL=postgresql://postgres@127.0.0.1:5432/kampung make test"
    )
    for item in items:
        if "postgres_only" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session", autouse=True)
def _let_flush_empty_the_audit_log():
    """Transactional tests empty every table with Django's flush; the audit table's
    triggers refuse that unless the purge switch is on (see kampung.audit.purge)."""
    from django.core.management.commands import flush

    from kampung.audit.purge import allow_purge

    original = flush.Command.handle

    def handle(self, *args, **options):
        with allow_purge():
            return original(self, *args, **options)

    flush.Command.handle = handle
    yield
    flush.Command.handle = original


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: no dashboard figures or rate counts left
    over from another test."""
    from django.core.cache import cache

    from kampung.matching import kept

    cache.clear()
    kept.forget()
    yield
    cache.clear()
    kept.forget()


@dataclass
class Cast:
    community: Community
    other: Community
    users: dict[str, User]
    members: dict[str, Member]

    def user(self, role: str) -> User:
        return self.users[role]


CAST_SEED = {"members": 40, "seed": 7}
_seeded = {"present": False}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The demo neighbourhood is seeded once for the run, committed, and every test that
    wraps itself in a transaction (the default) starts from it and rolls back: seeding it
    again for each of a thousand tests cost more than half of the suite's time."""
    with django_db_blocker.unblock():
        seed_demo(**CAST_SEED)
    _seeded["present"] = True


def _flush() -> None:
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0)
    _seeded["present"] = False


def _transactional(item) -> bool:
    """As pytest-django decides it when it orders the tests (transactional ones last)."""
    from pytest_django.plugin import validate_django_db

    marker = item.get_closest_marker("django_db")
    if marker and any(validate_django_db(marker)[:2]):
        return True
    names = getattr(item, "fixturenames", [])
    return "transactional_db" in names or "live_server" in names


@pytest.fixture
def empty_db(transactional_db):
    """A database with nothing in it, for tests of the seeder itself: transactional
    (Django empties it again afterwards)."""


@pytest.fixture(autouse=True)
def _transactional_tests_start_from_an_empty_database(request, django_db_blocker):
    """Django empties the database after each transactional test, so they start from
    nothing, as they always have; the first of them would otherwise meet the run's seed
    (and so would the live server and the worker it starts)."""
    if not _transactional(request.node):
        yield
        return
    if _seeded["present"]:
        with django_db_blocker.unblock():
            _flush()
    yield
    _seeded["present"] = False


@pytest.fixture
def cast(request, db) -> Cast:
    if not Community.objects.filter(slug="woking-east").exists():
        # A transactional test (its database is emptied before and after), or a test
        # run after one: seed here.
        seed_demo(**CAST_SEED)
    community = Community.objects.get(slug="kampung-seri-mawar")
    other = Community.objects.get(slug="woking-east")
    users, members = {}, {}
    for email, _name, role, slug in DEMO_LOGINS:
        key = "outsider" if slug == "woking-east" else str(role)
        users[key] = User.objects.get(email=email)
        members[key] = Member.objects.get(user=users[key])
    return Cast(community, other, users, members)


@pytest.fixture
def resident_without_login(cast) -> Member:
    """A seeded member with no login, no email, in the main community."""
    return Member.objects.filter(community=cast.community, user__isnull=True).order_by("pk").first()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate limits and cached figures live in the cache; each test starts with none."""
    from django.core.cache import cache

    from kampung.matching import kept

    cache.clear()
    kept.forget()
    yield
    cache.clear()
    kept.forget()


@pytest.fixture
def csrf_client():
    """A test client that checks CSRF tokens as the real site does (Django's default test
    client skips the check, which once hid that token-authenticated writes failed)."""
    from django.test import Client

    return Client(enforce_csrf_checks=True)


def csrf_token_from(client, path: str = "/login/") -> str:
    """The CSRF token as the site's pages hand it out: render a page and read the token
    its forms (and htmx's X-CSRFToken header) carry."""
    import re

    html = client.get(path, follow=True).content.decode()
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert found, f"no CSRF token on {path}"
    return found.group(1)


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login


__all__ = ["Cast", "PASSWORD", "Role", "csrf_token_from"]

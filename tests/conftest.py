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


@pytest.fixture
def cast(db) -> Cast:
    seed_demo(members=40, seed=7)
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

"""Every community-owned table is keyed by community (docs/scaling.md): each of
Kampung's tables either has a required `community` foreign key of its own, or is listed
here (and in the document) with the reason it has none. Keyed rows always carry their
parent's community, however they are written: save(), bulk_create, a many-to-many
add(), the posting engine's plain SQL, or the migrations that filled the rows already
there."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.models import F

from kampung.assets.models import Asset, AssetTag, Tag
from kampung.communities.models import Community, KeyedByCommunity
from kampung.people.models import Consent, ConsentPurpose, Member
from kampung.timebank import actions as timebank
from kampung.timebank.models import Account, Posting

# Tables without a community key of their own, and why (docs/scaling.md says the same).
NOT_KEYED = {
    # Reference tables: small or global, read by every community (Citus copies them to
    # every node).
    "communities_community": "the communities themselves (looked up by slug)",
    "communities_organisation": "an organisation may work in several communities",
    "assets_tag": "the shared taxonomies",
    "people_user": "a login is global: one person may be a member of several communities",
    "people_user_groups": "Django's permissions of a login",
    "people_user_user_permissions": "Django's permissions of a login",
    "people_apitoken": "a login's token, for every community the login belongs to",
    "timebank_idempotencykey": "per login (the key the client chose); points at the work",
    # Kept on one node: the background machinery's own bookkeeping.
    "notices_sent": "keys of scheduled messages already sent",
    "notices_schedulerun": "one row per periodic job",
    "notices_workerbeat": "one row per worker process",
    # Keyed where there is a community, empty where there is none.
    "audit_auditevent": "logins and site-wide changes belong to no community",
    "notices_email": "a password reset belongs to no community",
}


def _tables():
    for model in apps.get_models(include_auto_created=True):
        if model.__module__.startswith("kampung.") or model._meta.app_label in {
            "communities",
            "people",
            "audit",
            "notices",
            "assets",
            "timebank",
            "workshops",
            "matching",
        }:
            yield model


def _keyed(model) -> bool:
    try:
        field = model._meta.get_field("community")
    except FieldDoesNotExist:
        return False
    return (
        getattr(field, "many_to_one", False)
        and field.related_model is Community
        and not field.null
        and field.concrete
    )


def test_every_table_is_keyed_by_community_or_says_why_not():
    tables = {m._meta.db_table: m for m in _tables()}
    unkeyed = {t for t, m in tables.items() if not _keyed(m)}
    assert unkeyed == set(NOT_KEYED)
    assert set(NOT_KEYED) <= set(tables)  # nothing listed that does not exist


def test_the_child_tables_are_keyed_through_their_parent():
    children = {m._meta.db_table for m in _tables() if issubclass(m, KeyedByCommunity)}
    assert children == {
        "matching_match",
        "matching_matchmessage",
        "matching_strengthsprofile",
        "matching_need_tags",
        "matching_offer_tags",
        "matching_notification",
        "notices_preference",
        "people_consent",
        "people_backgroundcheck",
        "people_member_supported_by",
        "assets_asset_tags",
        "workshops_workshopitem",
        "timebank_posting",
        "timebank_sessionattendance",
        "timebank_groupsession_attendees",
        # Gift and take: a listing's photos and requests, keyed through the listing.
        "sharing_photo",
        "sharing_giftrequest",
        "skillshare_sessionhost",
        "skillshare_signup",
        "skillshare_attendance",
        "skillshare_credit",
        "skillshare_calendarkey",
    }


def _mismatched(model) -> int:
    """Rows whose community is not their parent's."""
    return model._base_manager.exclude(community=F(f"{model.COMMUNITY_FROM}__community")).count()


def _write_what_the_demo_does_not(cast):
    """A match with a message (and its notifications), a message choice, a group
    session with an attendee who has a login, a workshop item: each by its action."""
    from django.utils import timezone

    from kampung.matching import actions as matching
    from kampung.matching.models import Need, Offer
    from kampung.notices import actions as notices
    from kampung.workshops import actions as workshops

    volunteer, resident = cast.members["volunteer"], cast.members["resident"]
    need = Need.objects.get(community=cast.community, title="Help setting up my new phone")
    match = matching.propose_match(
        by=cast.user("coordinator"),
        need=need,
        candidate_id=f"offer:{Offer.objects.get(member=volunteer).pk}",
    )
    matching.answer_match(by=cast.user("volunteer"), match=match, accept=True)
    matching.send_match_message(by=cast.user("resident"), match=match, text="Tuesday?")
    notices.choose_how(by=cast.user("resident"), member=resident, choices={"matching": "email"})
    others = Member.objects.filter(community=cast.community, user=None).order_by("pk")[:2]
    timebank.record_session(
        by=cast.user("coordinator"),
        community=cast.community,
        title="Chair yoga",
        host=others[0],
        attendees=[others[1], volunteer],
        minutes=60,
        basis="per_attendee",
        idempotency_key="keys-session",
    )
    workshop = workshops.open_workshop(
        by=cast.user("coordinator"),
        community=cast.community,
        title="Block 12 mapping evening",
        held_on=timezone.localdate(),
    )
    workshops.add_item(
        workshop=workshop,
        participant="p1",
        name="Football",
        category="association",
        location_kind="comes_to_you",
    )
    # A skill-sharing session with a co-host, a sign-up, attendance, its credit and a
    # personal calendar link.
    import datetime as dt

    from kampung.skillshare import actions as skillshare

    session = skillshare.create_session(
        by=cast.user("volunteer"),
        community=cast.community,
        cohosts=[others[0]],
        title="Tech and tea (keys)",
        online_link="https://meet.example.org/keys",
        capacity=4,
        starts_on=timezone.localdate() - dt.timedelta(days=7),
        start_time=dt.time(10, 0),
        end_time=dt.time(11, 0),
        repeat="weekly",
    )
    # Added eight days ago, first met a week ago: that date has started and ended, whatever
    # the time of day the test runs (attendance waits for the start, credit for the end).
    from kampung.skillshare.models import Session

    Session.objects.filter(pk=session.pk).update(created_at=timezone.now() - dt.timedelta(days=8))
    session.refresh_from_db()
    skillshare.sign_up(by=cast.user("resident"), session=session)
    skillshare.take_attendance(
        by=cast.user("volunteer"),
        session=session,
        occurs_on=session.starts_on,
        attendees=[resident],
    )
    skillshare.credit_attendance(
        by=cast.user("coordinator"), session=session, occurs_on=session.starts_on, basis="per_host"
    )
    skillshare.new_calendar_link(by=cast.user("resident"), community=cast.community)


def test_every_keyed_row_has_its_parents_community(cast):
    """The demo writes through every path there is: actions (save), the seeder's bulk
    inserts, many-to-many add() and set(), the posting engine."""
    tx = timebank.give_credits(  # to another community: postings in both
        by=cast.user("resident"),
        community=cast.community,
        to_account=timebank.account_for_member(cast.members["outsider"]),
        minutes=15,
        idempotency_key="keys-gift",
    )
    assert {p.community_id for p in tx.postings.all()} == {cast.community.pk, cast.other.pk}
    _write_what_the_demo_does_not(cast)
    for model in _tables():
        if issubclass(model, KeyedByCommunity):
            assert model._base_manager.exists(), model.__name__
            assert _mismatched(model) == 0, model.__name__
    call_command("ledger", "verify")  # includes "posting keyed by its account's community"


def test_a_row_is_refused_another_community_than_its_parents(cast):
    member = cast.members["resident"]
    with pytest.raises(ValueError, match="community"):
        Consent.objects.create(
            member=member,
            community=cast.other,
            purpose=ConsentPurpose.STORIES,
            wording_version="2026-11",
            recorded_by=cast.user("coordinator"),
        )


def test_links_added_without_a_community_get_their_parents(cast):
    asset = Asset.objects.filter(community=cast.community).first()
    tag = Tag.objects.exclude(assets=asset).first()
    asset.tags.add(tag)
    link = AssetTag.objects.get(asset=asset, tag=tag)
    assert link.community_id == cast.community.pk
    # bulk_create with parents given by id only: one query for all their communities.
    other = Asset.objects.filter(community=cast.other).first()
    AssetTag.objects.bulk_create([AssetTag(asset_id=other.pk, tag=tag)])
    assert AssetTag.objects.get(asset=other, tag=tag).community_id == cast.other.pk


MIGRATED = {
    "timebank": ("0004_home_page_queue_indexes", "0006_attendees_keyed_by_community"),
    "people": ("0004_background_checks", "0006_supported_by_keyed_by_community"),
}


@pytest.mark.django_db(transaction=True)
def test_the_migrations_fill_rows_already_there_and_keep_the_ledger_append_only():
    executor = MigrationExecutor(connection)
    before = [(app, old) for app, (old, _new) in MIGRATED.items()]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    community = old.get_model("communities", "Community").objects.create(
        slug="before", name="Before", centre_lat=1.3, centre_lng=103.9, timezone="UTC"
    )
    user = old.get_model("people", "User").objects.create(email="before@example.org")
    members = [
        old.get_model("people", "Member").objects.create(community=community, display_name=n)
        for n in ("Giver", "Taker")
    ]
    old.get_model("people", "Consent").objects.create(
        member=members[0], purpose="stories", wording_version="1", recorded_by=user
    )
    accounts = [
        old.get_model("timebank", "Account").objects.create(
            community=community, kind="member", member=m, number=f"BFOR-000{i}"
        )
        for i, m in enumerate(members)
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        tx = old.get_model("timebank", "Transaction").objects.create(
            community=community, kind="gift", created_by=user
        )
        cursor.execute(
            "INSERT INTO timebank_posting (transaction_id, account_id, amount, balance_after) "
            "VALUES (%s, %s, -30, -30), (%s, %s, 30, 30)",
            [tx.pk, accounts[0].pk, tx.pk, accounts[1].pk],
        )
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    postings = list(Posting.objects.filter(transaction_id=tx.pk))
    assert [p.community_id for p in postings] == [community.pk, community.pk]
    assert Consent.objects.get(member_id=members[0].pk).community_id == community.pk
    for sql in (
        "UPDATE timebank_posting SET amount = 1 WHERE id = %s",
        "DELETE FROM timebank_posting WHERE id = %s",
    ):
        with pytest.raises(Exception, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql, [postings[0].pk])
    assert Account.objects.filter(community_id=community.pk).count() == 2
    assert Member.objects.filter(community_id=community.pk).count() == 2

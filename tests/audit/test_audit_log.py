"""The audit log: staff views of personal records and every change are written, with
who and on whose behalf; rows can never be changed or removed."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from kampung.audit.context import acting
from kampung.audit.models import AppendOnlyError, AuditEvent
from kampung.people import actions
from kampung.people.models import ConsentPurpose


def test_it_logs_a_coordinator_opening_a_personal_record(cast, client, resident_without_login):
    client.force_login(cast.user("coordinator"))
    url = reverse("member_detail", args=[cast.community.slug, resident_without_login.pk])
    assert client.get(url).status_code == 200
    event = AuditEvent.objects.get(action="view", object_id=str(resident_without_login.pk))
    assert event.actor == cast.user("coordinator")
    assert event.community == cast.community
    assert event.via == "web"


def test_it_does_not_log_a_member_reading_their_own_record(cast, client):
    me = cast.members["resident"]
    client.force_login(cast.user("resident"))
    client.get(reverse("member_detail", args=[cast.community.slug, me.pk]))
    assert not AuditEvent.objects.filter(action="view", object_id=str(me.pk)).exists()


def test_it_logs_consent_given_on_behalf_with_both_people(cast, resident_without_login):
    coordinator = cast.user("coordinator")
    with acting(coordinator, via="web"):
        consent = actions.record_consent(
            by=coordinator, member=resident_without_login, purpose=ConsentPurpose.STORIES
        )
    assert consent.recorded_on_behalf
    event = AuditEvent.objects.get(object_type="people.Consent", object_id=str(consent.pk))
    assert event.action == "create"
    assert event.actor == coordinator
    assert event.on_behalf_of == resident_without_login


def test_it_logs_changes_with_old_and_new_values_and_redacts_contact_details(cast):
    # The resident changes her own details (staff may not change the email or phone of
    # someone with a login).
    resident = cast.user("resident")
    member = cast.members["resident"]
    with acting(resident):
        actions.update_member(
            by=resident, member=member, display_name="Rosnah B.", phone="+65 1234 5678"
        )
    event = AuditEvent.objects.filter(
        object_type="people.Member", object_id=str(member.pk), action="update"
    ).first()
    assert event.changes["display_name"] == ["Rosnah", "Rosnah B."]
    assert event.changes["phone"] == "(changed)"
    assert "5678" not in str(event.changes)


def test_it_refuses_to_change_or_delete_rows_through_the_model(cast):
    event = AuditEvent.objects.first()
    event.summary = "tampered"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().update(summary="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


def test_the_database_refuses_raw_updates_and_deletes(cast):
    for sql in ("UPDATE audit_auditevent SET summary = 'x'", "DELETE FROM audit_auditevent"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql)
    assert AuditEvent.objects.exclude(summary="x").count() == AuditEvent.objects.count()


def test_it_logs_failed_and_successful_logins(cast, client):
    client.post(reverse("login"), {"username": "resident@demo.kampung.test", "password": "wrong"})
    assert AuditEvent.objects.filter(
        action="login_failed", summary__contains="resident@demo.kampung.test"
    ).exists()
    client.post(
        reverse("login"),
        {"username": "resident@demo.kampung.test", "password": "kampung-demo-2026"},
    )
    assert AuditEvent.objects.filter(action="login", actor=cast.user("resident")).exists()


def test_administrators_filter_the_log_by_action_and_person(cast, client, resident_without_login):
    client.force_login(cast.user("coordinator"))
    client.get(reverse("member_detail", args=[cast.community.slug, resident_without_login.pk]))
    client.force_login(cast.user("admin"))
    url = reverse("audit_log", args=[cast.community.slug])
    page = client.get(url, {"action": "view", "actor": "coordinator@"})
    assert page.status_code == 200
    rows = list(page.context["page"])
    assert rows and all(e.action == "view" and e.actor == cast.user("coordinator") for e in rows)
    api = client.get(f"/api/v1/communities/{cast.community.slug}/audit", {"action": "view"})
    assert api.status_code == 200
    assert api.json()["items"][0]["actor"] == "coordinator@demo.kampung.test"


def test_the_log_never_shows_another_communitys_events(cast, client):
    client.force_login(cast.user("admin"))
    page = client.get(reverse("audit_log", args=[cast.community.slug]))
    assert all(e.community_id == cast.community.pk for e in page.context["page"])


def test_opening_a_member_in_the_django_admin_is_logged(cast, client, resident_without_login):
    from kampung.people.models import User

    root = User.objects.create_superuser("root@example.org", "a-long-pass-phrase-42")
    client.force_login(root)
    url = reverse("admin:people_member_change", args=[resident_without_login.pk])
    assert client.get(url).status_code == 200
    event = AuditEvent.objects.get(action="view", object_id=str(resident_without_login.pk))
    assert event.actor == root and event.via == "admin"


def test_an_impossible_since_date_is_explained_not_a_crash(cast, client):
    client.force_login(cast.user("admin"))
    url = reverse("audit_log", args=[cast.community.slug])
    for bad in ("2026-13-45", "yesterday"):
        response = client.get(url, {"since": bad})
        assert response.status_code == 200
        assert "must be a real date" in response.content.decode()

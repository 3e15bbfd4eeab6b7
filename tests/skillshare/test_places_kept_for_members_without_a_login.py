"""Members without a login cannot cancel or answer for themselves: a community developer
or the host does it for them from the session's page (as the time bank's
"timebank.act_for_member"), and the waiting list moves as usual. Staff also sign such a
member up from a paper sheet. Never for someone with a login."""

from __future__ import annotations

from django.urls import reverse

from kampung.people.models import Member
from kampung.skillshare import actions
from kampung.skillshare.demo import TITLE
from kampung.skillshare.models import Session, SignUp


def _tech_and_tea(cast):
    return Session.objects.get(community=cast.community, title=TITLE)


def test_the_community_developer_cancels_a_place_and_the_waiting_list_moves(client, cast):
    session = _tech_and_tea(cast)
    booked = SignUp.objects.filter(session=session, state="booked").order_by("pk").first()
    first_waiting = SignUp.objects.filter(session=session, state="waiting").order_by("pk").first()
    client.force_login(cast.user("coordinator"))
    page = client.get(reverse("session_detail", args=[cast.community.slug, session.pk]))
    text = page.content.decode()
    assert f"Cancel the place of {booked.member.display_name}" in text
    assert "Waiting list, in order" in text and first_waiting.member.display_name in text
    url = reverse("session_leave", args=[cast.community.slug, session.pk, booked.pk])
    text = client.post(url, follow=True).content.decode()
    booked.refresh_from_db()
    first_waiting.refresh_from_db()
    assert booked.state == "cancelled" and first_waiting.state == "offered"
    assert "offered a place, not answered yet" in text
    # They said yes on the phone: the community developer answers for them.
    url = reverse("session_answer", args=[cast.community.slug, session.pk, first_waiting.pk])
    client.post(url, {"answer": "yes"})
    first_waiting.refresh_from_db()
    assert first_waiting.state == "booked"


def test_the_host_cancels_a_place_of_someone_without_a_login(client, cast):
    session = _tech_and_tea(cast)
    booked = SignUp.objects.filter(session=session, state="booked").order_by("pk").first()
    client.force_login(cast.user("volunteer"))
    client.post(reverse("session_leave", args=[cast.community.slug, session.pk, booked.pk]))
    booked.refresh_from_db()
    assert booked.state == "cancelled"


def test_nobody_else_cancels_a_place_for_someone(client, cast):
    session = _tech_and_tea(cast)
    booked = SignUp.objects.filter(session=session, state="booked").order_by("pk").first()
    client.force_login(cast.user("resident"))
    url = reverse("session_leave", args=[cast.community.slug, session.pk, booked.pk])
    assert client.post(url).status_code == 404
    booked.refresh_from_db()
    assert booked.state == "booked"


def test_a_place_of_someone_with_a_login_is_theirs_to_cancel(client, cast, neighbours):
    session = _tech_and_tea(cast)
    SignUp.objects.filter(session=session, state="booked").order_by("pk").first().delete()
    theirs = actions.sign_up(by=neighbours[0], session=session)
    client.force_login(cast.user("coordinator"))
    url = reverse("session_leave", args=[cast.community.slug, session.pk, theirs.pk])
    assert client.post(url).status_code == 404
    theirs.refresh_from_db()
    assert theirs.state == "booked"


def test_staff_sign_up_someone_without_a_login_from_a_paper_sheet(client, cast):
    session = _tech_and_tea(cast)
    client.force_login(cast.user("coordinator"))
    detail = reverse("session_detail", args=[cast.community.slug, session.pk])
    assert "Sign up someone without a login" in client.get(detail).content.decode()
    taken = SignUp.objects.filter(session=session).values("member_id")
    person = (
        Member.objects.filter(community=cast.community, user=None, is_active=True)
        .exclude(pk__in=taken)
        .first()
    )
    url = reverse("session_sign_up", args=[cast.community.slug, session.pk])
    text = client.post(url, {"member": person.pk, "occurs_on": "series"}, follow=True)
    assert f"{person.display_name} is on the waiting list" in text.content.decode()
    assert SignUp.objects.get(session=session, member=person).state == "waiting"
    # Someone with a login signs up themselves.
    resident = cast.members["resident"]
    client.post(url, {"member": resident.pk, "occurs_on": "series"})
    assert not SignUp.objects.filter(session=session, member=resident).exists()

"""The session pages on a phone: the list with filters, a session, sign-up and the
waiting list, create with clear errors, cancel a date, attendance, crediting with a
check-answers step, and my sessions with the calendar link."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from kampung.skillshare.models import Credit, Session, SignUp


def test_the_list_shows_coming_dates_and_filters(client, cast, make_session):
    make_session(title="Knitting circle", topic="sewing", languages=["ms"])
    make_session(title="Phone help", topic="it-help", languages=["en"])
    client.force_login(cast.user("resident"))
    url = reverse("session_list", args=[cast.community.slug])
    assert url == f"/c/{cast.community.slug}/sessions/"
    page = client.get(url).content.decode()
    assert "Knitting circle" in page and "Phone help" in page
    page = client.get(url, {"topic": "sewing"}).content.decode()
    assert "Knitting circle" in page and "Phone help" not in page
    page = client.get(url, {"language": "en"}).content.decode()
    assert "Phone help" in page and "Knitting circle" not in page
    other_day = (dt.date.today().weekday() + 3) % 7
    page = client.get(url, {"day": other_day}).content.decode()
    assert "Phone help" not in page


def test_the_outsider_is_not_told_the_sessions_exist(client, cast, make_session):
    session = make_session()
    client.force_login(cast.user("outsider"))
    assert client.get(reverse("session_list", args=[cast.community.slug])).status_code == 404
    assert (
        client.get(reverse("session_detail", args=[cast.community.slug, session.pk])).status_code
        == 404
    )


def test_signing_up_for_a_full_session_lands_on_the_waiting_list(
    client, cast, make_session, neighbours
):
    session = make_session(capacity=1)
    client.force_login(neighbours[0])
    url = reverse("session_sign_up", args=[cast.community.slug, session.pk])
    client.post(url, {"occurs_on": "series"})
    client.force_login(neighbours[1])
    page = client.post(url, {"occurs_on": "series"}, follow=True).content.decode()
    assert "waiting list" in page and "number 1 in line" in page


def test_a_full_session_without_waiting_list_says_so(client, cast, make_session, neighbours):
    session = make_session(capacity=1, waiting_list=False)
    url = reverse("session_sign_up", args=[cast.community.slug, session.pk])
    client.force_login(neighbours[0])
    client.post(url, {"occurs_on": "series"})
    client.force_login(neighbours[1])
    page = client.post(url, {"occurs_on": "series"}, follow=True).content.decode()
    assert "full and keeps no waiting list" in page
    assert SignUp.objects.filter(session=session).count() == 1


def test_a_made_up_date_is_refused_on_the_page(client, cast, make_session, neighbours):
    session = make_session()
    client.force_login(neighbours[0])
    url = reverse("session_sign_up", args=[cast.community.slug, session.pk])
    wrong = (session.starts_on + dt.timedelta(days=1)).isoformat()
    page = client.post(url, {"occurs_on": wrong}, follow=True).content.decode()
    assert "not one of this session" in page
    assert not SignUp.objects.filter(session=session).exists()


def test_creating_a_session_with_an_end_before_the_start_shows_the_error(client, cast):
    client.force_login(cast.user("volunteer"))
    url = reverse("session_create", args=[cast.community.slug])
    response = client.post(
        url,
        {
            "title": "Chess",
            "online_link": "https://meet.example.org/chess",
            "starts_on": dt.date.today().isoformat(),
            "start_time": "10:00",
            "end_time": "09:00",
            "repeat": "weekly",
            "capacity": "8",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "error-summary" in page and "The end must be after the start" in page
    assert not Session.objects.filter(title="Chess").exists()


def _second_tuesday_next_year() -> dt.date:
    first = dt.date(dt.date.today().year + 1, 1, 1)
    return first + dt.timedelta(days=(1 - first.weekday()) % 7 + 7)


SECOND_TUESDAY = _second_tuesday_next_year()  # within the two years ahead a first date may be


def test_creating_a_session_from_simple_choices_stores_an_rrule(client, cast):
    client.force_login(cast.user("volunteer"))
    url = reverse("session_create", args=[cast.community.slug])
    response = client.post(
        url,
        {
            "title": "Chess",
            "online_link": "https://meet.example.org/chess",
            "starts_on": str(SECOND_TUESDAY),
            "start_time": "10:00",
            "end_time": "11:30",
            "repeat": "monthly",
            "nth": "2",
            "capacity": "8",
            "waiting_list": "on",
        },
    )
    assert response.status_code == 302
    session = Session.objects.get(title="Chess")
    assert session.rrule == "FREQ=MONTHLY;BYDAY=2TU" and session.minutes == 90
    assert session.starts_on == SECOND_TUESDAY


def test_host_pages_attendance_and_credit_with_check_answers(
    client, cast, make_past_session, neighbours
):
    session = make_past_session(capacity=4)
    from kampung.skillshare import actions

    for user in neighbours[:2]:
        actions.sign_up(by=user, session=session)
    slug = cast.community.slug
    client.force_login(cast.user("volunteer"))
    page = client.get(reverse("session_detail", args=[slug, session.pk])).content.decode()
    assert "Take attendance" in page and "Neighbour 0" in page
    url = reverse("session_attendance", args=[slug, session.pk])
    page = client.get(url).content.decode()
    assert "Neighbour 1" in page and "big-tick" in page
    ids = [m.pk for m in session.signups.all().select_related("member") for m in [m.member]]
    client.post(url, {"date": session.starts_on.isoformat(), "came": ids[:1]})
    assert client.get(reverse("session_credit", args=[slug, session.pk])).status_code == 403

    client.force_login(cast.user("coordinator"))
    credit = reverse("session_credit", args=[slug, session.pk])
    day = session.starts_on.isoformat()
    page = client.post(credit, {"date": day, "basis": "per_host"}).content.decode()
    assert "Check before you credit" in page and "Neighbour 0" in page
    assert not Credit.objects.exists()
    client.post(credit, {"date": day, "basis": "per_host", "confirm": "1"})
    assert Credit.objects.filter(session=session).count() == 1


def test_cancel_a_date_page(client, cast, make_session):
    session = make_session()
    client.force_login(cast.user("volunteer"))
    url = reverse("session_cancel_date", args=[cast.community.slug, session.pk])
    day = session.dates(session.starts_on, session.starts_on + dt.timedelta(days=20))[1].date()
    assert client.get(url).status_code == 200
    client.post(url, {"occurs_on": day.isoformat()})
    session.refresh_from_db()
    assert session.exceptions == [day.isoformat()]
    page = client.post(url, {"occurs_on": "2001-01-01"}).content.decode()
    assert "not one of this session" in page


def test_my_sessions_makes_a_calendar_link_shown_once(client, cast, make_session, neighbours):
    from kampung.skillshare import actions

    session = make_session()
    actions.sign_up(by=neighbours[0], session=session)
    client.force_login(neighbours[0])
    url = reverse("session_mine", args=[cast.community.slug])
    page = client.get(url).content.decode()
    assert "Mending clinic" in page and "Make a new link" in page
    page = client.post(url).content.decode()
    assert "/sessions/my/" in page and ".ics" in page
    assert "/sessions/my/" not in client.get(url).content.decode()

"""Logs never hold personal data: the main flows (logging in, a wrong password, a
password reset, asking for help, suggesting a helper, answering, messaging, the time
bank, the worker's reminders and emails) are run with every logger at DEBUG, and no
line names a person, their contact details or anything they wrote."""

from __future__ import annotations

import logging

import pytest
from django.test import TestCase
from django.urls import reverse

from kampung.matching import actions as matching
from kampung.matching.models import Need, Offer
from kampung.notices import jobs
from kampung.notices.models import Preference

SECRET_TEXT = "Zebra-quartz worry about my landlord"
MESSAGE = "Marmalade-violet: my door code is 4417"


@pytest.mark.django_db(transaction=True)
def test_the_main_flows_log_nothing_personal(cast, client, caplog):
    caplog.set_level(logging.DEBUG)
    rosnah, vijay = cast.members["resident"], cast.members["volunteer"]
    Preference.objects.create(member=vijay, kind="matching", how="email")
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(reverse("login"), {"username": "resident@demo.kampung.test", "password": "no"})
        client.post(reverse("password_reset"), {"email": "resident@demo.kampung.test"})
        client.force_login(cast.user("resident"))
        client.post(
            reverse("need_create", args=[cast.community.slug]),
            {"title": SECRET_TEXT, "description": SECRET_TEXT, "mode": "online", "urgency": "1"},
        )
        need = Need.objects.get(community=cast.community, title="Help setting up my new phone")
        offer = Offer.objects.get(member=vijay)
        match = matching.propose_match(
            by=cast.user("coordinator"), need=need, candidate_id=f"offer:{offer.pk}"
        )
        client.force_login(cast.user("volunteer"))
        client.post(
            reverse("match_answer", args=[cast.community.slug, match.pk]), {"answer": "yes"}
        )
        client.post(
            reverse("match_message", args=[cast.community.slug, match.pk]), {"text": MESSAGE}
        )
        client.get(reverse("timebank_home", args=[cast.community.slug]))
        client.get("/c/no-such-community/")
        client.get("/healthz")
        jobs.run_all_now()
    from kampung.notices import worker

    worker.run(once=True, worker_id="log-test")
    # The flows really ran (a test that logs nothing proves nothing).
    assert Need.objects.filter(title=SECRET_TEXT).exists()
    match.refresh_from_db()
    assert match.status == "accepted" and match.messages.filter(text=MESSAGE).exists()
    assert caplog.records, "the flows ran with logging on"
    # The message and every text attached to the record (not its timestamps, whose
    # digits could hold any short number).
    logged = "\n".join(
        f"{r.name} {r.getMessage()} "
        + " ".join(str(v) for v in r.__dict__.values() if not isinstance(v, int | float))
        for r in caplog.records
    )
    personal = [
        SECRET_TEXT,
        MESSAGE,
        "door code is 4417",
        rosnah.display_name,
        vijay.display_name,
        "resident@demo.kampung.test",
        "volunteer@demo.kampung.test",
    ] + [p for p in (rosnah.phone, vijay.phone) if p]
    for value in personal:
        assert value not in logged, f"{value!r} appears in the logs"

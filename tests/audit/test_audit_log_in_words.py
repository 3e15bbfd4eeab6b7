"""The audit log reads in words on a phone: kinds of record by name, changes as
"Status: Open → Met", how it was done ("on the website"), and no database words."""

from __future__ import annotations

import re

from django.urls import reverse

from kampung.audit.context import acting
from kampung.matching import actions
from kampung.matching.models import Need


def test_the_audit_log_says_what_changed_in_words(cast, client):
    need = Need.objects.get(community=cast.community, title="Help setting up my new phone")
    with acting(cast.user("coordinator"), via="web"):
        actions.close_need(by=cast.user("coordinator"), need=need, status=Need.Status.MET)
    client.force_login(cast.user("admin"))
    html = client.get(
        reverse("audit_log", args=[cast.community.slug]), {"object_type": "matching.Need"}
    ).content.decode()
    # The filter offers kinds of record by name.
    assert '<option value="matching.Need" selected>Request for help</option>' in html
    html = re.sub(r"<[^>]+>", " ", html)  # what a person reads, not the markup
    assert "Request for help" in html and "Status: Open → Met" in html
    assert "on the website" in html
    for database_word in ("matching.Need", "community_id", "&#x27;status&#x27;", "{&#x27;"):
        assert database_word not in html, database_word


def test_a_changed_phone_number_is_said_to_have_changed_never_shown(cast, client):
    from kampung.people.models import Member

    person = Member.objects.filter(community=cast.community, user=None).first()
    with acting(cast.user("coordinator"), via="web"):
        person.phone = "+65 9111 2222"
        person.save()
    client.force_login(cast.user("admin"))
    html = client.get(
        reverse("audit_log", args=[cast.community.slug]), {"object_type": "people.Member"}
    ).content.decode()
    assert "Phone" in html and "changed (not shown)" in html
    assert "9111 2222" not in html

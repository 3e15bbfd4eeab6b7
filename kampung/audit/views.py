from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from kampung import policy
from kampung.audit import words
from kampung.audit.models import AuditEvent
from kampung.pagination import CappedPaginator
from kampung.web import community_for


@login_required
def audit_log(request, slug: str):
    community = community_for(request, slug)
    policy.require(request.user, "audit.view", community)
    events = AuditEvent.objects.filter(community=community).select_related("actor", "on_behalf_of")
    filters = {
        k: request.GET.get(k, "").strip() for k in ("action", "actor", "object_type", "since")
    }
    if filters["action"]:
        events = events.filter(action=filters["action"])
    if filters["actor"]:
        events = events.filter(actor__email__icontains=filters["actor"])
    if filters["object_type"]:
        events = events.filter(object_type=filters["object_type"])
    try:
        since = parse_date(filters["since"]) if filters["since"] else None
    except ValueError:  # well-formed but impossible, e.g. 2026-13-45
        since = None
    if filters["since"] and since is None:
        messages.error(request, _("“Since” must be a real date, like 2026-11-01."))
    elif since:
        events = events.filter(at__date__gte=since)
    page = CappedPaginator(events, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/log.html",
        {
            "community": community,
            "page": page,
            "filters": filters,
            "actions": AuditEvent.Action.choices,
            "object_types": words.record_types(),
            "entries": [
                {
                    "event": e,
                    "kind": words.kind_of_record(e.object_type),
                    "via": words.via_words(e.via),
                    "changes": words.change_lines(e),
                }
                for e in page
            ],
            "page_title": _("Audit log"),
        },
    )

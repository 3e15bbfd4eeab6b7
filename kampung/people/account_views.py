"""Pages about one's own login: API tokens (list, make one, revoke), and for
administrators the tokens and login lockouts of the people in their community."""

from __future__ import annotations

from axes.models import AccessAttempt
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kampung import policy
from kampung.audit import log
from kampung.audit.models import AuditEvent
from kampung.people import actions
from kampung.people.models import ApiToken
from kampung.ratelimits import limit
from kampung.web import community_for


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("What is it for?"),
        max_length=100,
        help_text=gettext_lazy("For example: the lunch club's spreadsheet."),
    )
    expires_days = forms.IntegerField(
        label=gettext_lazy("Stops working after (days)"),
        min_value=1,
        max_value=actions.MAX_TOKEN_DAYS,
        initial=settings.KAMPUNG_TOKEN_DAYS,
    )


@login_required
def token_list(request, slug: str):
    community = community_for(request, slug)
    if policy.membership(request.user, community) is None and not request.user.is_superuser:
        raise PermissionDenied
    form = TokenForm(request.POST or None, initial={"expires_days": settings.KAMPUNG_TOKEN_DAYS})
    new_secret = None
    if request.method == "POST" and form.is_valid():
        limit(request, group="api-token-create", key="user", rate="10/h")
        try:
            token, new_secret = actions.create_api_token(
                user=request.user,
                name=form.cleaned_data["name"],
                expires_days=form.cleaned_data["expires_days"],
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form = TokenForm(initial={"expires_days": settings.KAMPUNG_TOKEN_DAYS})
    owners = policy.token_owners_in(request.user, community)
    tokens = (
        ApiToken.objects.filter(user__in=owners)
        .select_related("user")
        .order_by("user__display_name", "-created_at")
    )
    mine = [t for t in tokens if t.user_id == request.user.pk]
    others = [t for t in tokens if t.user_id != request.user.pk]
    return render(
        request,
        "people/tokens.html",
        {
            "community": community,
            "form": form,
            "new_secret": new_secret,
            "mine": mine,
            "others": others,
            "now": timezone.now(),
            "page_title": _("Your API tokens"),
        },
    )


@login_required
@require_POST
def token_revoke(request, slug: str, prefix: str):
    community = community_for(request, slug)
    token = ApiToken.objects.select_related("user").filter(prefix=prefix[:12]).first()
    if token is None or not policy.may_manage_tokens_of(request.user, token.user):
        raise Http404
    actions.revoke_api_token(by=request.user, token=token)
    messages.success(request, _("The token %(name)s no longer works.") % {"name": token.name})
    return redirect("token_list", slug=community.slug)


def _current_lockouts(community):
    emails = list(
        community.members.filter(is_active=True, user__isnull=False).values_list(
            "user__email", "display_name"
        )
    )
    names = dict(emails)
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    attempts = AccessAttempt.objects.filter(
        username__in=names,
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
        attempt_time__gte=since,
    ).order_by("-attempt_time")
    return [
        {
            "email": a.username,
            "name": names[a.username],
            "ip_address": a.ip_address,
            "failures": a.failures_since_start,
            "until": a.attempt_time + settings.AXES_COOLOFF_TIME,
        }
        for a in attempts
    ]


@login_required
def lockouts(request, slug: str):
    community = community_for(request, slug)
    policy.require(request.user, "lockouts.manage", community)
    rows = _current_lockouts(community)
    if rows:  # the names, emails and addresses of people: a staff view of personal data
        log.record(
            AuditEvent.Action.VIEW,
            community,
            summary=f"Viewed {len(rows)} login lockouts",
            actor=request.user,
        )
    return render(
        request,
        "people/lockouts.html",
        {"community": community, "rows": rows, "page_title": _("Login lockouts")},
    )


@login_required
@require_POST
def lockout_clear(request, slug: str):
    community = community_for(request, slug)
    email = request.POST.get("email", "")[:254]
    try:
        name = actions.clear_lockouts(by=request.user, community=community, email=email)
    except ValidationError:
        raise Http404 from None
    messages.success(request, _("%(name)s can log in again.") % {"name": name})
    return redirect("lockouts", slug=community.slug)

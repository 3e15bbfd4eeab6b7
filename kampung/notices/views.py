"""Pages: a member's Messages, how they want to be told, the one-click unsubscribe
(no login), and the administrators' background work page."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from kampung import errors, policy
from kampung.audit.log import record_view
from kampung.notices import actions, jobs, kinds
from kampung.notices.models import Email, How, Notification, ScheduleRun
from kampung.people.models import Member
from kampung.ratelimits import limit
from kampung.web import community_for, show_error


@login_required
def notifications(request, slug: str):
    community = community_for(request, slug)
    me = policy.membership(request.user, community)
    items = list(Notification.objects.filter(member=me)[:100]) if me else []
    page = render(
        request,
        "notices/messages.html",
        {"community": community, "items": items, "me": me, "page_title": _("Messages")},
    )
    if me:
        Notification.objects.filter(member=me, read_at=None).update(read_at=timezone.now())
    return page


class ChoicesForm(forms.Form):
    def __init__(self, *args, current: dict[str, str], someone_else: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in kinds.choosable():
            self.fields[kind.code] = forms.ChoiceField(
                label=kind.label,
                help_text=kind.hint,
                choices=[(c, _choice_label(kind, c, someone_else)) for c in kind.choices],
                widget=forms.RadioSelect,
                initial=current.get(kind.code, kind.default),
            )


def _choice_label(kind, code: str, someone_else: bool = False) -> str:
    """In the member's words; for someone without a login (who never sees the site), in
    the words of the community developer choosing for them."""
    if kind.code == kinds.WEEKLY_DIGEST.code:
        if someone_else:
            return {How.SITE: _("No round-up"), How.EMAIL: _("Email them the round-up")}[code]
        return {How.SITE: _("No round-up"), How.EMAIL: _("Send me the round-up by email")}[code]
    if someone_else:
        return {
            How.SITE: _("Not by email (a community developer tells them)"),
            How.EMAIL: _("Email them straight away"),
            How.DAILY: _("Email them once a day"),
        }[code]
    return str(dict(How.choices)[code])


def _member_for_choices(request, community, member_id: int | None) -> Member:
    if member_id is None:
        me = policy.membership(request.user, community)
        if me is None:
            raise Http404
        return me
    member = get_object_or_404(Member, pk=member_id, community=community)
    policy.require(request.user, "member.edit_contacts", community, member)
    return member


@login_required
def message_choices(request, slug: str, member_id: int | None = None):
    """How a member is told about each kind of message (the member themself, or a
    community developer for someone without a login)."""
    community = community_for(request, slug)
    member = _member_for_choices(request, community, member_id)
    current = {
        p.kind: p.how for p in member.message_choices.all()
    }  # one query; a missing kind is its default
    someone_else = member.user_id != request.user.pk
    if someone_else:
        record_view(member, viewer=request.user, reason="Opened how Kampung tells them")
    form = ChoicesForm(request.POST or None, current=current, someone_else=someone_else)
    if request.method == "POST":
        limit(request, group="message-choices", key="user", rate=settings.KAMPUNG_FORM_RATE)
    if request.method == "POST" and form.is_valid():
        try:
            actions.choose_how(by=request.user, member=member, choices=form.cleaned_data)
        except errors.REFUSALS as exc:
            show_error(request, exc, form)
        else:
            if someone_else:
                messages.success(
                    request,
                    _("Saved. This is how Kampung will tell %(name)s from now on.")
                    % {"name": member.display_name},
                )
            else:
                messages.success(
                    request, _("Saved. This is how Kampung will tell you from now on.")
                )
            return redirect(request.path)
    return render(
        request,
        "notices/choices.html",
        {
            "community": community,
            "member": member,
            "form": form,
            "has_email": bool(actions.email_address(member)),
            "for_someone_else": someone_else,
            "page_title": _("How Kampung tells %(name)s") % {"name": member.display_name}
            if someone_else
            else _("How Kampung tells you"),
        },
    )


# RFC 8058: mail programs POST "List-Unsubscribe=One-Click" to the link with no cookies
# and no CSRF token; the signed token in the address is the only permission needed.
@csrf_exempt
def unsubscribe(request, token: str):
    if request.method == "POST":
        limit(request, group="unsubscribe", key="ip", rate=settings.KAMPUNG_FORM_RATE)
        try:
            member, kind = actions.unsubscribe(token=token)
        except errors.DomainError as exc:
            return render(
                request,
                "notices/unsubscribe.html",
                {"problem": exc.message, "page_title": _("Stop these emails")},
                status=400,
            )
        return render(
            request,
            "notices/unsubscribe.html",
            {"done": True, "kind": kind, "member": member, "page_title": _("Emails stopped")},
        )
    try:
        from kampung.notices import mail

        _member_id, code = mail.read_unsubscribe_token(token)
        kind = kinds.kind(code)
    except Exception:
        return render(
            request,
            "notices/unsubscribe.html",
            {
                "problem": _("This link is not one Kampung sent, or it is damaged."),
                "page_title": _("Stop these emails"),
            },
            status=400,
        )
    member = Member.objects.filter(pk=_member_id).first()
    if member is not None and actions.how_member_is_told(member, kind.code) == How.SITE:
        return render(  # the link opened again: say so, rather than ask again
            request,
            "notices/unsubscribe.html",
            {"done": True, "already": True, "kind": kind, "page_title": _("Emails stopped")},
        )
    return render(
        request,
        "notices/unsubscribe.html",
        {"kind": kind, "token": token, "page_title": _("Stop these emails")},
    )


@login_required
def background_work(request, slug: str):
    """For administrators: every schedule with its last run, next run and outcome, and
    the emails that could not be sent (to be tried again)."""
    community = community_for(request, slug)
    policy.require(request.user, "tasks.manage", community)
    runs = {r.name: r for r in ScheduleRun.objects.all()}
    schedules = [{"job": job, "run": runs.get(job.name)} for job in jobs.JOBS.values()]
    failed = list(
        Email.objects.filter(community=community, status=Email.Status.FAILED).select_related(
            "member"
        )[:50]
    )
    waiting = Email.objects.filter(community=community, status=Email.Status.QUEUED).count()
    return render(
        request,
        "notices/background.html",
        {
            "community": community,
            "schedules": schedules,
            "failed": failed,
            "waiting": waiting,
            "page_title": _("Background work"),
        },
    )


@login_required
@require_POST
def retry_email(request, slug: str, email_id: int):
    community = community_for(request, slug)
    policy.require(request.user, "tasks.manage", community)
    limit(request, group="retry-email", key="user", rate=settings.KAMPUNG_FORM_RATE)
    email = get_object_or_404(Email, pk=email_id, community=community)
    try:
        actions.retry_email(by=request.user, email=email)
    except errors.REFUSALS as exc:
        show_error(request, exc)
    else:
        messages.success(request, _("It will be sent again in a moment."))
    return redirect("background_work", slug=community.slug)

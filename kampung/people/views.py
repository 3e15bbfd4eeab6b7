"""Pages about members: the directory, a personal record (audit-logged), adding a member
and recording or withdrawing consent."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kampung import policy
from kampung.audit.log import record_list_view, record_view
from kampung.audit.models import AuditEvent
from kampung.errors import REFUSALS
from kampung.pagination import CappedPaginator
from kampung.people import actions, queries
from kampung.people.forms import (
    CheckForm,
    ConsentForm,
    MemberEditForm,
    MemberForm,
    RoleForm,
    WithdrawCheckForm,
)
from kampung.people.models import BackgroundCheck, Consent, Member
from kampung.people.skills import LANGUAGE_NAMES, SKILLS
from kampung.web import add_errors, community_for, show_error


@login_required
def member_list(request, slug: str):
    community = community_for(request, slug)
    policy.require(request.user, "member.view_directory", community)
    members = policy.visible_members(request.user, community)
    q = request.GET.get("q", "").strip()
    if q:
        members = queries.named(members, q)
    page = CappedPaginator(members.only("id", "display_name", "role", "joined_on"), 25).get_page(
        request.GET.get("page")
    )
    due = []
    if policy.can(request.user, "check.view_due", community):
        due = queries.checks_due_for_renewal(community, within_days=30)
        record_list_view(
            [c.member for c in due],
            viewer=request.user,
            reason="Saw their background check in the checks expiring soon",
        )
    return render(
        request,
        "people/member_list.html",
        {
            "community": community,
            "page": page,
            "q": q,
            "checks_due": due,
            "can_create": policy.can(request.user, "member.create", community),
            "page_title": _("People"),
        },
    )


@login_required
def member_detail(request, slug: str, member_id: int):
    community = community_for(request, slug)
    member = get_object_or_404(
        Member.objects.select_related("user"), pk=member_id, community=community
    )
    policy.require(request.user, "member.view_personal", community, member)
    if member.user_id != request.user.pk:
        record_view(member, viewer=request.user)
    return render(request, "people/member_detail.html", _member_page(request, community, member))


def _member_page(request, community, member, *, check_form=None) -> dict:
    """What the member page shows, for the page itself and for showing it again with a
    background-check form's errors."""
    history = AuditEvent.objects.none()
    if policy.can(request.user, "audit.view", community):
        history = AuditEvent.objects.filter(object_type="people.Member", object_id=str(member.pk))[
            :20
        ]
    return {
        "community": community,
        "member": member,
        "languages": [LANGUAGE_NAMES.get(c, c) for c in member.languages],
        "skills": [SKILLS.get(s, s) for s in member.skills],
        "consents": member.consents.select_related("recorded_by", "withdrawn_by"),
        "consent_form": ConsentForm(),
        "can_consent": policy.can(request.user, "consent.record", community, member),
        "on_behalf": member.user_id != request.user.pk,
        "history": history,
        **_checks_context(request.user, community, member, form=check_form),
        "can_edit": policy.can(request.user, "member.edit", community, member),
        "can_choose_messages": policy.can(request.user, "member.edit_contacts", community, member),
        "role_form": RoleForm(
            initial={"role": member.role, "organisation": member.organisation_id},
            community=community,
        )
        if policy.can(request.user, "roles.manage", community, member)
        else None,
        "page_title": member.display_name,
    }


@login_required
def my_record(request, slug: str):
    community = community_for(request, slug)
    me = policy.membership(request.user, community)
    if me is None:
        raise PermissionDenied
    return redirect("member_detail", slug=slug, member_id=me.pk)


@login_required
def member_create(request, slug: str):
    community = community_for(request, slug)
    policy.require(request.user, "member.create", community)
    form = MemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            member = actions.create_member(
                by=request.user, community=community, **form.cleaned_data
            )
        except REFUSALS as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("%(name)s was added.") % {"name": member.display_name})
            return redirect("member_detail", slug=slug, member_id=member.pk)
    return render(
        request,
        "people/member_form.html",
        {
            "community": community,
            "form": form,
            "page_title": _("Add a person"),
        },
    )


@login_required
def member_edit(request, slug: str, member_id: int):
    community = community_for(request, slug)
    member = get_object_or_404(Member, pk=member_id, community=community)
    policy.require(request.user, "member.edit", community, member)
    if member.user_id != request.user.pk:
        # The form shows their email and phone.
        record_view(member, viewer=request.user, reason="Opened their details to change them")
    initial = {
        f: getattr(member, f) for f in ("display_name", "email", "phone", "languages", "skills")
    }
    form = MemberEditForm(request.POST or None, initial=initial)
    own_contacts = not policy.can(request.user, "member.edit_contacts", community, member)
    if own_contacts:
        # They keep their own email and phone (they have a login): not shown or changed here.
        del form.fields["email"], form.fields["phone"]
    if request.method == "POST" and form.is_valid():
        changed = {f: form.cleaned_data[f] for f in form.changed_data}
        try:
            actions.update_member(by=request.user, member=member, **changed)
        except REFUSALS as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("member_detail", slug=slug, member_id=member.pk)
    return render(
        request,
        "people/member_form.html",
        {
            "community": community,
            "form": form,
            "member": member,
            "own_contacts": own_contacts,
            "page_title": _("Change details for %(name)s") % {"name": member.display_name},
        },
    )


@login_required
@require_POST
def member_role(request, slug: str, member_id: int):
    community = community_for(request, slug)
    member = get_object_or_404(Member, pk=member_id, community=community)
    policy.require(request.user, "roles.manage", community, member)
    form = RoleForm(request.POST, community=community)
    if form.is_valid():
        try:
            actions.change_role(by=request.user, member=member, **form.cleaned_data)
        except REFUSALS as exc:
            show_error(request, exc)
        else:
            messages.success(
                request, _("Role changed to %(role)s.") % {"role": member.get_role_display()}
            )
    else:
        messages.error(request, _("Choose a role from the list."))
    return redirect("member_detail", slug=slug, member_id=member.pk)


@login_required
@require_POST
def consent_record(request, slug: str, member_id: int):
    community = community_for(request, slug)
    member = get_object_or_404(Member, pk=member_id, community=community)
    form = ConsentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose what they agreed to."))
    else:
        try:
            actions.record_consent(
                by=request.user, member=member, purpose=form.cleaned_data["purpose"]
            )
            messages.success(request, _("Consent recorded."))
        except REFUSALS as exc:
            show_error(request, exc)
    return redirect("member_detail", slug=slug, member_id=member.pk)


@login_required
@require_POST
def consent_withdraw(request, slug: str, consent_id: int):
    community = community_for(request, slug)
    consent = get_object_or_404(
        Consent.objects.select_related("member"), pk=consent_id, community=community
    )
    try:
        actions.withdraw_consent(by=request.user, consent=consent)
        messages.success(request, _("Consent withdrawn."))
    except REFUSALS as exc:
        show_error(request, exc)
    return redirect("member_detail", slug=slug, member_id=consent.member_id)


def _checks_context(user, community, member, form=None) -> dict:
    """The "Background checks" section: the checks with their state today, and the
    form for staff (who never record their own)."""
    if not policy.can(user, "check.view", community, member):
        return {"show_checks": False}
    today = queries.today_in(community)
    checks = member.checks.select_related("recorded_by", "withdrawn_by")
    can_record = policy.can(user, "check.record", community, member)
    return {
        "show_checks": True,
        "checks": [(c, c.state(today)) for c in checks],
        "check_form": (form or CheckForm()) if can_record else None,
        "can_withdraw_check": policy.can(user, "check.withdraw", community, member),
        "own_record": member.user_id == user.pk,
    }


@login_required
@require_POST
def check_record(request, slug: str, member_id: int):
    community = community_for(request, slug)
    member = get_object_or_404(Member, pk=member_id, community=community)
    policy.require(request.user, "check.record", community, member)
    form = CheckForm(request.POST)
    if form.is_valid():
        try:
            actions.record_check(by=request.user, member=member, **form.cleaned_data)
        except REFUSALS as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request,
                _("Background check recorded for %(name)s.") % {"name": member.display_name},
            )
            return redirect(reverse("member_detail", args=[slug, member.pk]) + "#checks-h")
    # Show the record again with the form's errors (nothing was stored).
    record_view(member, viewer=request.user, reason="Recording a background check")
    messages.error(request, _("The check was not recorded: see the form below."))
    return render(
        request,
        "people/member_detail.html",
        _member_page(request, community, member, check_form=form),
        status=422,
    )


@login_required
@require_POST
def check_withdraw(request, slug: str, check_id: int):
    community = community_for(request, slug)
    check = get_object_or_404(
        BackgroundCheck.objects.select_related("member"), pk=check_id, community=community
    )
    form = WithdrawCheckForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    if not form.is_valid():
        messages.error(request, _("Keep the reason under 300 characters."))
    else:
        try:
            actions.withdraw_check(by=request.user, check=check, reason=reason)
            messages.success(request, _("Check withdrawn. Matching no longer counts it."))
        except REFUSALS as exc:
            show_error(request, exc)
    return redirect(reverse("member_detail", args=[slug, check.member_id]) + "#checks-h")

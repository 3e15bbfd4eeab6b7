"""Writes to people: each function is one atomic use case, checks permission through
kampung.policy, and raises a domain error the page or API turns into a message."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kampung import policy
from kampung.audit.context import acting
from kampung.errors import Conflict, Invalid
from kampung.people.models import (
    ApiToken,
    BackgroundCheck,
    Clearance,
    Consent,
    ConsentPurpose,
    Member,
    Role,
    User,
)

CURRENT_CONSENT_WORDING = "2026-11"


class ConsentError(Conflict):
    """A consent cannot be recorded or withdrawn as asked (recorded already, withdrawn
    already)."""

    code = "consent_conflict"


def _check(user, action, community, obj=None):
    policy.require(user, action, community, obj)


@transaction.atomic
def create_member(
    *,
    by: User,
    community,
    display_name: str,
    email: str = "",
    phone: str = "",
    languages=(),
    skills=(),
    role: str = Role.RESIDENT,
    birth_year=None,
    area_lat=None,
    area_lng=None,
    organisation=None,
) -> Member:
    _check(by, "member.create", community)
    if role != Role.RESIDENT and not policy.can(by, "roles.manage", community):
        role = Role.RESIDENT  # only administrators hand out other roles
    member = Member(
        community=community,
        display_name=display_name.strip(),
        email=email.strip().lower(),
        phone=phone.strip(),
        languages=list(languages),
        skills=list(skills),
        role=role,
        birth_year=birth_year,
        area_lat=area_lat,
        area_lng=area_lng,
        organisation=organisation,
    )
    member.full_clean()
    member.save()
    return member


@transaction.atomic
def update_member(*, by: User, member: Member, **fields) -> Member:
    _check(by, "member.edit", member.community, member)
    allowed = {"display_name", "email", "phone", "languages", "skills", "area_lat", "area_lng"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in unknown})
    contacts = {"email", "phone"} & set(fields)
    if contacts and not policy.can(by, "member.edit_contacts", member.community, member):
        raise Invalid(
            {
                name: _(
                    "%(name)s has their own login, so only they can change their email and phone."
                )
                % {"name": member.display_name}
                for name in sorted(contacts)
            },
            status=403,
            code="forbidden",
        )
    for name, value in fields.items():
        setattr(member, name, value)
    member.full_clean()
    member.save(update_fields=list(fields))
    return member


@transaction.atomic
def change_role(*, by: User, member: Member, role: str, organisation=None) -> Member:
    """Give `member` another role in their community. Partner staff must name the
    organisation they work for, and it must work in this community."""
    _check(by, "roles.manage", member.community, member)
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role %(role)s.") % {"role": role}})
    if role == Role.PARTNER:
        if organisation is None:
            raise ValidationError({"organisation": _("Partner staff need an organisation.")})
        if not organisation.communities.filter(pk=member.community_id).exists():
            raise ValidationError(
                {"organisation": _("That organisation does not work in this community.")}
            )
    else:
        organisation = None
    if member.user_id == by.pk and role != Role.ADMIN:
        raise ValidationError({"role": _("You cannot remove your own administrator role.")})
    member.role = role
    member.organisation = organisation
    member.save(update_fields=["role", "organisation"])
    return member


@transaction.atomic
def record_consent(
    *, by: User, member: Member, purpose: str, wording_version: str = CURRENT_CONSENT_WORDING
) -> Consent:
    """Record that `member` agreed to `purpose`. When a coordinator records it for a member,
    the consent and its audit row say it was given on the member's behalf."""
    _check(by, "consent.record", member.community, member)
    if purpose not in ConsentPurpose.values:
        raise ValidationError(
            {"purpose": _("Unknown consent purpose %(purpose)s.") % {"purpose": purpose}}
        )
    on_behalf = member.user_id != by.pk
    with acting(by, on_behalf_of=member if on_behalf else None):
        if member.consents.active().filter(purpose=purpose).exists():
            raise ConsentError(_("This consent is already recorded."))
        try:
            with transaction.atomic():
                return Consent.objects.create(
                    member=member,
                    purpose=purpose,
                    wording_version=wording_version,
                    recorded_by=by,
                    recorded_on_behalf=on_behalf,
                )
        except IntegrityError:
            raise ConsentError(_("This consent is already recorded.")) from None


@transaction.atomic
def withdraw_consent(*, by: User, consent: Consent) -> Consent:
    member = consent.member
    _check(by, "consent.withdraw", member.community, member)
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.withdrawn_at is not None:
        raise ConsentError(_("This consent was already withdrawn."))
    with acting(by, on_behalf_of=member if member.user_id != by.pk else None):
        consent.withdrawn_at = timezone.now()
        consent.withdrawn_by = by
        consent.save(update_fields=["withdrawn_at", "withdrawn_by"])
    return consent


MAX_TOKEN_DAYS = 366


@transaction.atomic
def create_api_token(
    *, user: User, name: str = "integration", expires_days: int | None = None
) -> tuple[ApiToken, str]:
    """A token for `user` themselves (nobody makes one for someone else). Returns the
    row and the secret, which is shown once and never stored (only its SHA-256)."""
    from django.conf import settings

    days = settings.KAMPUNG_TOKEN_DAYS if expires_days is None else expires_days
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_TOKEN_DAYS:
        raise ValidationError(
            {"expires_days": _("Choose between 1 and %(max)s days.") % {"max": MAX_TOKEN_DAYS}}
        )
    name = (name or "").strip() or "integration"
    if len(name) > 100:
        raise ValidationError({"name": _("Use at most 100 characters.")})
    secret = "kpg_" + secrets.token_urlsafe(32)
    while ApiToken.objects.filter(prefix=secret[:12]).exists():  # prefixes name tokens
        secret = "kpg_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=secret[:12],
        digest=ApiToken.digest_of(secret),
        expires_at=timezone.now() + timedelta(days=days),
    )
    return token, secret


@transaction.atomic
def revoke_api_token(*, by: User | None, token: ApiToken) -> ApiToken:
    """Revoke `token`: its owner, or an administrator of a community the owner belongs
    to (kampung.policy.may_manage_tokens_of). `by=None` is the operator's CLI."""
    if by is not None and not policy.may_manage_tokens_of(by, token.user):
        raise PermissionDenied("token.revoke")
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.revoked_by = by
        token.save(update_fields=["revoked_at", "revoked_by"])
    return token


def user_for_token(secret: str) -> User | None:
    """The user of a usable token: not revoked, not expired, its user active."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(
            digest=ApiToken.digest_of(secret),
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
            user__is_active=True,
        )
        .first()
    )
    if token is None:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user


@transaction.atomic
def clear_lockouts(*, by: User, community, email: str) -> str:
    """An administrator unlocks the login of a member of their community. Returns the
    member's name. Audit-logged (axes' records are not Kampung models)."""
    from kampung.audit import log
    from kampung.audit.models import AuditEvent
    from kampung.people.login import normalise_email, unlock

    policy.require(by, "lockouts.manage", community)
    email = normalise_email(email)
    member = (
        Member.objects.filter(community=community, is_active=True, user__email=email).first()
        if email
        else None
    )
    if member is None:
        raise ValidationError({"email": _("Nobody in this community logs in with that email.")})
    unlock(email)
    log.record(
        AuditEvent.Action.UPDATE,
        member,
        summary=f"Cleared the login lockouts of {member.display_name}",
        actor=by,
    )
    return member.display_name


@transaction.atomic
def record_check(
    *,
    by: User,
    member: Member,
    level: int,
    checked_on,
    expires_on,
    checked_by: str,
    reference: str = "",
    kind: str = "",
) -> BackgroundCheck:
    """Record that `member` has had a background check (never the certificate itself).
    Community developers and administrators only, and never for themselves."""
    from kampung.people.queries import today_in

    _check(by, "check.record", member.community, member)
    errors: dict[str, str] = {}
    if level not in (Clearance.BASIC, Clearance.ENHANCED):
        errors["level"] = _("Choose a basic or an enhanced check.")
    today = today_in(member.community)
    if checked_on is None:
        errors["checked_on"] = _("Give the date of the check.")
    elif checked_on > today:
        errors["checked_on"] = _("The date checked cannot be in the future.")
    if expires_on is None:
        errors["expires_on"] = _("Give the date the check expires.")
    elif checked_on is not None and expires_on <= checked_on:
        errors["expires_on"] = _("The expiry date must come after the date checked.")
    checked_by = (checked_by or "").strip()
    if not checked_by:
        errors["checked_by"] = _("Say who did the check (an organisation or a name).")
    if errors:
        raise ValidationError(errors)
    check = BackgroundCheck(
        member=member,
        level=level,
        kind=(kind or "").strip(),
        checked_on=checked_on,
        expires_on=expires_on,
        checked_by=checked_by,
        reference=(reference or "").strip(),
        recorded_by=by,
    )
    check.full_clean(exclude=["member", "recorded_by"])
    check.save()
    return check


@transaction.atomic
def withdraw_check(*, by: User, check: BackgroundCheck, reason: str = "") -> BackgroundCheck:
    """Withdraw a check (revoked, recorded by mistake): matching stops counting it at
    once. The record stays, marked withdrawn."""
    member = check.member
    _check(by, "check.withdraw", member.community, member)
    check = BackgroundCheck.objects.select_for_update().get(pk=check.pk)
    if check.withdrawn_at is not None:
        raise Conflict(_("This check was already withdrawn."), code="check_withdrawn")
    reason = (reason or "").strip()
    if len(reason) > 300:
        raise ValidationError({"reason": _("Use at most 300 characters.")})
    check.withdrawn_at = timezone.now()
    check.withdrawn_by = by
    check.withdrawn_reason = reason
    check.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawn_reason"])
    return check

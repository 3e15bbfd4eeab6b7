"""Writes to people: each function is one atomic use case, checks permission through
kampung.policy, and raises a domain error the page or API turns into a message."""

from __future__ import annotations

import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kampung import policy
from kampung.audit.context import acting
from kampung.errors import Conflict
from kampung.people.models import ApiToken, Consent, ConsentPurpose, Member, Role, User

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


@transaction.atomic
def create_api_token(*, user: User, name: str = "integration") -> tuple[ApiToken, str]:
    """Returns the token row and the secret, which is shown once and never stored."""
    secret = "kpg_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, prefix=secret[:12], digest=ApiToken.digest_of(secret)
    )
    return token, secret


def user_for_token(secret: str) -> User | None:
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=ApiToken.digest_of(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user

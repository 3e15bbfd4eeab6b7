"""Who sees what about the other side of a match.

- Until the helper says yes, the person asking does not see who was asked (only "a
  helper has been asked"); after a no, not who said no. Staff see names.
- From the helper's yes on, each side sees the other's name and only the contact
  details that side chose to share on this match (Match.helper_shares/asker_shares);
  a detail the person does not have shows as nothing. Messages through the site are
  always available to both sides.
- Staff who are not a side of the match see the same shared details, and opening the
  match (page or API) writes an audit "view" event for each person on it."""

from __future__ import annotations

from django.utils.translation import gettext as _

from kampung import policy
from kampung.audit.log import record_view
from kampung.matching.models import Match, Share
from kampung.people.models import ConsentPurpose, Member

SHOWN = (Match.Status.ACCEPTED, Match.Status.IN_PROGRESS, Match.Status.COMPLETED)


def asker_of(need) -> Member | None:
    from kampung.matching.queries import asker_of as _asker_of

    return _asker_of(need)


def side_of(user, match: Match) -> str | None:
    """ "helper", "asker" or None (staff, or nobody) for `user` on `match`."""
    from kampung.matching.queries import speaks_for_asker

    me = policy.membership(user, match.need.community)
    if me is None:
        return None
    if me.pk == match.helper_id:
        return "helper"
    if speaks_for_asker(me, match.need):
        return "asker"
    return None


def is_staff_viewer(user, match: Match) -> bool:
    return side_of(user, match) is None and policy.can(user, "need.view_all", match.need.community)


def helper_label(user, match: Match) -> str:
    """The helper's name as `user` may see it."""
    if match.helper_id is None or side_of(user, match) != "asker":
        return match.candidate_name
    if match.status in SHOWN or (
        match.status == Match.Status.CANCELLED and match.answered_at is not None
    ):
        return match.candidate_name
    if match.status == Match.Status.DECLINED:
        return _("The person asked cannot help this time")
    return _("A helper has been asked")


def details(member: Member | None, share: str) -> dict:
    """What `member` shares: phone and email only as chosen and only if they have it."""
    if member is None:
        return {}
    out = {}
    if share in (Share.PHONE, Share.BOTH) and member.phone:
        out["phone"] = member.phone
    if share in (Share.EMAIL, Share.BOTH) and member.email:
        out["email"] = member.email
    return out


def contacts_for(user, match: Match) -> list[dict]:
    """The people on the match other than `user`, each with what they shared."""
    if match.status not in SHOWN:
        return []
    mine = side_of(user, match)
    need = match.need
    out = []
    if mine != "asker" and (need.member_id or need.organisation_id):
        asker = asker_of(need)
        entry = {
            "side": "asker",
            "name": need.organisation.name if need.organisation_id else asker.display_name,
            "chosen": bool(match.asker_shares),
            **details(asker, match.asker_shares),
        }
        if need.organisation_id and asker is not None:
            entry["person"] = asker.display_name
        out.append(entry)
    if mine != "helper" and match.helper_id:
        out.append(
            {
                "side": "helper",
                "name": match.helper.display_name,
                "chosen": bool(match.helper_shares),
                **details(match.helper, match.helper_shares),
            }
        )
    return out


def standing_choice(member: Member | None) -> str:
    """What the form pre-ticks: everything the member has, if they gave the standing
    "share my contact details" consent; otherwise messages only."""
    if member is None:
        return Share.NONE
    if not member.consents.active().filter(purpose=ConsentPurpose.CONTACT_SHARING).exists():
        return Share.NONE
    if member.phone and member.email:
        return Share.BOTH
    return Share.PHONE if member.phone else Share.EMAIL if member.email else Share.NONE


def log_staff_view(user, match: Match, *, via: str = "page") -> None:
    """A staff member (not a side of the match) opened it: one view event per person."""
    if not is_staff_viewer(user, match):
        return
    people = {m.pk: m for m in (asker_of(match.need), match.helper) if m is not None}
    for person in people.values():
        if person.user_id != user.pk:
            record_view(
                person,
                viewer=user,
                reason=f"Viewed the match {match.pk} ({via}) and its messages",
            )

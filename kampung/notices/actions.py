"""Telling members things, and their choices of how.

`notify` is what other apps call inside their own actions: the message in the site is
written in the caller's transaction (so it is never lost), and the email, if the member
chose email, is an outbox row written in the same transaction and sent by a background
task once the transaction commits. A mail server that is down delays or, in the end,
fails the email; it never undoes the change or the message in the site."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kampung import policy
from kampung.audit.context import acting
from kampung.errors import Invalid
from kampung.notices import kinds, mail
from kampung.notices.models import Email, How, Notification, Preference, Sent
from kampung.people.models import Member

SUBJECT_LENGTH = 200


def how_member_is_told(member: Member, kind: str) -> str:
    """Their choice; else the kind's default for someone with a login. A person without
    a login was added by a community developer: nothing is emailed to them unless they
    said so (and a community developer recorded it for them)."""
    choice = Preference.objects.filter(member=member, kind=kind).values_list("how", flat=True)
    chosen = choice.first()
    if chosen:
        return chosen
    return kinds.kind(kind).default if member.user_id else How.SITE


def email_address(member: Member) -> str:
    if member.email:
        return member.email
    return member.user.email if member.user_id and member.user else ""


def language_of(member: Member) -> str:
    """The member's first language that the site is translated into, else the default."""
    available = {code for code, _name in settings.LANGUAGES}
    for code in member.languages or []:
        if code in available:
            return code
    return settings.LANGUAGE_CODE


def _subject_from(text: str) -> str:
    """The message's first words, cut at a word, for an email subject line."""
    text = " ".join(text.split())
    if len(text) <= 70:
        return text
    return text[:70].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def notify(
    member: Member | None,
    text: str,
    url: str = "",
    *,
    kind: str = "matching",
    subject: str = "",
):
    """A message for `member` in the site, and by email if they chose email for `kind`."""
    if member is None:
        return None
    kinds.kind(kind)  # an unknown kind is a programming error: fail loudly
    note = Notification.objects.create(member=member, text=text[:300], url=url[:300], kind=kind)
    if how_member_is_told(member, kind) == How.EMAIL and email_address(member):
        with translation.override(language_of(member)):
            body = _("Hello %(name)s,\n\n%(text)s\n") % {"name": member.display_name, "text": text}
            if url:
                body += "\n" + _("Open it in Kampung: %(url)s") % {"url": mail.absolute(url)} + "\n"
            queue_email(
                member=member,
                kind=kind,
                subject=_("Kampung: %(text)s") % {"text": subject or _subject_from(text)},
                text=body,
            )
    return note


def queue_email(
    *,
    kind: str,
    subject: str,
    text: str,
    member: Member | None = None,
    to: str = "",
    html: str = "",
    unsubscribe: bool = True,
) -> Email:
    """Put one email in the outbox; the `send_email` task sends it after commit."""
    to = to or (email_address(member) if member is not None else "")
    if not to:
        raise Invalid({"to": _("There is no email address to send to.")})
    unsubscribe_url = ""
    if unsubscribe and member is not None:
        unsubscribe_url = mail.unsubscribe_url(member.pk, kind)
        with translation.override(language_of(member)):
            text = (
                text.rstrip()
                + "\n\n-- \n"
                + _(
                    "You get this because you chose email for “%(kind)s”.\n"
                    "Stop these emails (one click, no login): %(stop)s\n"
                    "Choose how Kampung tells you: %(choose)s\n"
                )
                % {
                    "kind": kinds.kind(kind).label,
                    "stop": unsubscribe_url,
                    "choose": mail.absolute(
                        reverse("message_choices", args=[member.community.slug])
                    ),
                }
            )
    email = Email.objects.create(
        member=member,
        community_id=member.community_id if member is not None else None,
        to=to,
        kind=kind,
        subject=" ".join(subject.split())[:SUBJECT_LENGTH],
        text=text,
        html=html,
        unsubscribe_url=unsubscribe_url,
    )
    from kampung.notices.tasks import send_email

    transaction.on_commit(lambda: send_email.enqueue(email.pk))
    return email


@transaction.atomic
def choose_how(*, by, member: Member, choices: dict[str, str]) -> list[Preference]:
    """Save how `member` is told about each kind. Only the member themself, or a community
    developer for a member without a login (as with their contact details)."""
    policy.require(by, "member.edit_contacts", member.community, member)
    errors = {}
    offered = {k.code for k in kinds.choosable()}
    for code, how in choices.items():
        if code not in offered:
            errors[code] = _("Unknown kind of message.")
        elif how not in kinds.KINDS[code].choices:
            errors[code] = _("Choose one of the ways offered.")
    if errors:
        raise Invalid(errors)
    saved = []
    on_behalf = member if member.user_id != by.pk else None
    with acting(by, on_behalf_of=on_behalf):
        for code, how in choices.items():
            pref, _created = Preference.objects.update_or_create(
                member=member, kind=code, defaults={"how": how}
            )
            saved.append(pref)
    # Nothing waiting in the outbox goes out against the new choice.
    Email.objects.filter(
        member=member,
        kind__in=[code for code, how in choices.items() if how == How.SITE],
        status=Email.Status.QUEUED,
    ).update(status=Email.Status.CANCELLED)
    return saved


@transaction.atomic
def unsubscribe(*, token: str) -> tuple[Member, kinds.Kind]:
    """The one-click link in an email: no login; the signed token is the permission. The
    member is told in the site only from now on (for a round-up: none is sent)."""
    from django.core import signing

    try:
        member_id, code = mail.read_unsubscribe_token(token)
        kind = kinds.kind(code)
    except (signing.BadSignature, ValueError):
        raise Invalid(
            {"token": _("This link is not one Kampung sent, or it is damaged.")}
        ) from None
    member = Member.objects.filter(pk=member_id).select_related("community").first()
    if member is None:
        raise Invalid({"token": _("This link is no longer in use.")})
    if kind.code == kinds.DAILY_EMAIL.code:
        # The daily email's link stops the daily email, whatever kinds it carried.
        stopped = list(
            Preference.objects.filter(member=member, how=How.DAILY).values_list("kind", flat=True)
        )
        Preference.objects.filter(member=member, how=How.DAILY).update(how=How.SITE)
    else:
        Preference.objects.update_or_create(
            member=member, kind=kind.code, defaults={"how": How.SITE}
        )
        stopped = [kind.code]
    Email.objects.filter(
        member=member, kind__in=[*stopped, kind.code], status=Email.Status.QUEUED
    ).update(status=Email.Status.CANCELLED)
    return member, kind


def once(key: str) -> bool:
    """True the first time a key is seen (and records it); False ever after. Call it in
    the same transaction as what it guards, so a rolled-back send can be retried."""
    _sent, created = Sent.objects.get_or_create(key=key[:200])
    return created


@transaction.atomic
def retry_email(*, by, email: Email) -> Email:
    """An administrator sends a failed email again."""
    policy.require(by, "tasks.manage", email.community)
    if email.status != Email.Status.FAILED:
        raise Invalid({"email": _("Only an email that could not be sent can be tried again.")})
    member = email.member
    if member is not None and email.kind != kinds.ACCOUNT.code:
        # Their wishes and address as they are now, not as they were when it was written.
        wanted = how_member_is_told(member, email.kind)
        if email.kind == kinds.DAILY_EMAIL.code:
            wanted = How.DAILY if member.message_choices.filter(how=How.DAILY).exists() else ""
        if not member.is_active or wanted not in (How.EMAIL, How.DAILY):
            raise Invalid({"email": _("They no longer want these emails: it will not be sent.")})
        address = email_address(member)
        if not address:
            raise Invalid({"email": _("They have no email address any more.")})
        email.to = address
    email.status, email.attempts, email.next_try_at = Email.Status.QUEUED, 0, timezone.now()
    email.save(update_fields=["status", "attempts", "next_try_at", "to"])
    from kampung.notices.tasks import send_email

    transaction.on_commit(lambda: send_email.enqueue(email.pk))
    return email


def purge_sent(*, older_than: timedelta = timedelta(days=30)) -> int:
    """Sent and cancelled emails are kept a month (to answer "did it go?"), then removed."""
    cutoff = timezone.now() - older_than
    deleted, _rows = Email.objects.filter(
        status__in=[Email.Status.SENT, Email.Status.CANCELLED], created_at__lt=cutoff
    ).delete()
    return deleted

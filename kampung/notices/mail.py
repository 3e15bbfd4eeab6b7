"""Emails as Kampung sends them: a plain-text part always (an HTML part only as its
copy), the member's language, and a one-click unsubscribe link that needs no login
(signed, RFC 8058 List-Unsubscribe-Post)."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse

UNSUBSCRIBE_SALT = "kampung.notices.unsubscribe"


def unsubscribe_token(member_id: int, kind: str) -> str:
    return signing.dumps({"m": member_id, "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[int, str]:
    """(member id, kind) from a token; signing.BadSignature when it was not ours.
    Tokens do not expire: an old email's link must still work."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    if not isinstance(data, dict) or not isinstance(data.get("m"), int):
        raise signing.BadSignature("not an unsubscribe token")
    return data["m"], str(data.get("k", ""))


def absolute(path: str) -> str:
    base = settings.KAMPUNG_PUBLIC_URL or "http://127.0.0.1:8000"
    return f"{base}{path}"


def unsubscribe_url(member_id: int, kind: str) -> str:
    return absolute(reverse("unsubscribe", args=[unsubscribe_token(member_id, kind)]))


def build(email) -> EmailMultiAlternatives:
    """The message for one outbox row."""
    headers = {}
    if email.unsubscribe_url:
        headers["List-Unsubscribe"] = f"<{email.unsubscribe_url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
        headers=headers,
    )
    if email.html:
        message.attach_alternative(email.html, "text/html")
    return message

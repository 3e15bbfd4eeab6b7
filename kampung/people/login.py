"""Logging in and getting back in: the login page (emails in any capitals), the rules
that slow an attacker without locking out the owner, and the password reset that
unlocks an account.

- django-axes locks one (email, address) pair after AXES_FAILURE_LIMIT wrong passwords
  for AXES_COOLOFF_TIME; tries during the lock do not renew it, and another address is
  not affected (a community centre's shared address cannot lock a member out at home).
- Past KAMPUNG_LOGIN_SLOW_AFTER failures for one email within an hour, from any
  addresses, that email gets one try per KAMPUNG_LOGIN_SLOW_SECONDS: it slows a
  distributed guesser and never refuses the right password for longer than that.
- Login posts are rate limited per address (KAMPUNG_LOGIN_RATE), reset requests per
  address and email (KAMPUNG_PASSWORD_RESET_RATE).
- A successful password reset clears every lockout and the slow-down for that email.
"""

from __future__ import annotations

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.core.cache import cache
from django.dispatch import receiver
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kampung.audit import log
from kampung.audit.models import AuditEvent
from kampung.people.models import Member
from kampung.ratelimits import RateLimited, limit

SLOW_WINDOW_SECONDS = 3600


def normalise_email(value) -> str:
    return str(value or "").strip().lower()


def axes_username(request, credentials=None) -> str:
    """AXES_USERNAME_CALLABLE: lockouts are kept per lower-cased email."""
    source = credentials if credentials is not None else getattr(request, "POST", {})
    return normalise_email(source.get(settings.AXES_USERNAME_FORM_FIELD))[:150]


def _failures_key(email: str) -> str:
    return f"login-failures:{email}"


@receiver(user_login_failed)
def count_failure(sender, credentials, request=None, **kwargs):
    email = normalise_email(credentials.get("username") or credentials.get("email"))
    if not email:
        return
    key = _failures_key(email)
    cache.add(key, 0, SLOW_WINDOW_SECONDS)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, SLOW_WINDOW_SECONDS)


def seconds_to_wait(email: str) -> int:
    """0 if this try may go ahead; otherwise how long until the email's next turn."""
    if not email or cache.get(_failures_key(email), 0) < settings.KAMPUNG_LOGIN_SLOW_AFTER:
        return 0
    interval = settings.KAMPUNG_LOGIN_SLOW_SECONDS
    if cache.add(f"login-turn:{email}", 1, interval):
        return 0  # this try takes the turn
    return interval


def unlock(email: str) -> None:
    """Clear every lockout and the slow-down for `email` (after a password reset, or by
    an administrator)."""
    email = normalise_email(email)
    axes_reset(username=email)
    cache.delete_many([_failures_key(email), f"login-turn:{email}"])


class LoginForm(auth_forms.AuthenticationForm):
    def clean_username(self):
        return normalise_email(self.cleaned_data.get("username"))


class LoginView(auth_views.LoginView):
    template_name = "kampung/login.html"
    redirect_authenticated_user = True
    form_class = LoginForm

    def post(self, request, *args, **kwargs):
        limit(request, group="login", key="ip", rate=settings.KAMPUNG_LOGIN_RATE)
        wait = seconds_to_wait(normalise_email(request.POST.get("username")))
        if wait:
            raise RateLimited(
                wait,
                _(
                    "Many wrong passwords have been tried for this account, so each try "
                    "has to wait a few seconds. Please wait and try again, or reset your "
                    "password."
                ),
            )
        return super().post(request, *args, **kwargs)


def _reset_key(group, request) -> str:
    ip = request.META.get("REMOTE_ADDR", "")
    return f"{ip}:{normalise_email(request.POST.get('email'))}"


class QueuedPasswordResetForm(auth_forms.PasswordResetForm):
    """Django's reset form, its email sent by the background worker like every other."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        from django.template import loader

        from kampung.notices.actions import queue_email

        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        queue_email(kind="account", to=to_email, subject=subject, text=body, unsubscribe=False)


class PasswordResetView(auth_views.PasswordResetView):
    form_class = QueuedPasswordResetForm
    template_name = "kampung/password_reset_form.html"
    email_template_name = "kampung/password_reset_email.txt"
    subject_template_name = "kampung/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")
    extra_context = {"page_title": gettext_lazy("Forgotten your password?")}

    def post(self, request, *args, **kwargs):
        limit(
            request,
            group="password-reset",
            key=_reset_key,
            rate=settings.KAMPUNG_PASSWORD_RESET_RATE,
            message=_(
                "A reset link has been asked for this email several times already. Please "
                "check your inbox (and spam folder), or wait and try again later."
            ),
        )
        return super().post(request, *args, **kwargs)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "kampung/password_reset_done.html"
    extra_context = {"page_title": gettext_lazy("Check your email")}


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "kampung/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")
    extra_context = {"page_title": gettext_lazy("Choose a new password")}

    def form_valid(self, form):
        response = super().form_valid(form)
        unlock(form.user.email)
        _record_per_community(
            AuditEvent.Action.UPDATE,
            form.user.email,
            f"Chose a new password with a reset link: {form.user.email}",
            form.user,
            form.user,
        )
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "kampung/password_reset_complete.html"
    extra_context = {"page_title": gettext_lazy("Password changed")}


def _communities_of(email: str) -> list[int]:
    """The communities an account belongs to, for its login events: each community's
    administrators see their people's logins in their own audit log."""
    if not email:
        return []
    return sorted(
        set(
            Member.objects.filter(user__email=email, is_active=True).values_list(
                "community_id", flat=True
            )
        )
    )


def _record_per_community(action, email: str, summary: str, actor=None, instance=None):
    for community_id in _communities_of(email) or [None]:
        log.record(action, instance, summary=summary, community_id=community_id, actor=actor)


@receiver(user_logged_in)
def record_login(sender, request, user, **kwargs):
    _record_per_community(AuditEvent.Action.LOGIN, user.email, user.email, user, user)


@receiver(user_logged_out)
def record_logout(sender, request, user, **kwargs):
    if user is not None:
        _record_per_community(AuditEvent.Action.LOGOUT, user.email, user.email, user, user)


@receiver(user_login_failed)
def record_failed_login(sender, credentials, request=None, **kwargs):
    # Recorded here, not in kampung.audit, because it needs people's memberships.
    # Never store the password; the email tried is enough to spot an attack.
    # One event per community the account belongs to, so each community's administrators
    # see it; an email with no account gets one event outside any community. The person
    # trying sees the same page either way.
    tried = str(credentials.get("username") or credentials.get("email") or "")[:150]
    _record_per_community(
        AuditEvent.Action.LOGIN_FAILED, tried.strip().lower(), f"Failed login for {tried}"
    )

"""Domain errors: the one shape every refusal in Kampung takes.

An action refuses by raising a `DomainError` (or a subclass an app defines): a stable
machine `code` for integrations, a `message` for people, optional `fields` naming what
was wrong ({field: [messages]}), and the HTTP `status` the API answers with. The API turns
every one into the one error body in one handler (kampung.api); pages turn every one into
field errors or a message with one helper (kampung.web.show_error).

`Invalid` is the refusal of bad input. It is also a Django `ValidationError`, so form
machinery and `model.full_clean()` errors and ours are handled alike.

This module imports nothing from Kampung and nothing of Django but ValidationError.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

FieldErrors = dict[str, list[str]]


def _as_fields(value: Any) -> FieldErrors:
    """{field: message or [messages]} -> {field: [messages]} as plain strings."""
    out: FieldErrors = {}
    for field, messages in dict(value).items():
        if isinstance(messages, list | tuple):
            out[str(field)] = [str(m) for m in messages]
        else:
            out[str(field)] = [str(messages)]
    return out


class DomainError(Exception):
    """A write or read refused for a reason people can understand."""

    code = "refused"
    status = 422
    default_message = "This request was refused."

    def __init__(
        self,
        message: str = "",
        *,
        fields: dict | None = None,
        code: str | None = None,
        status: int | None = None,
        extra: dict | None = None,
    ) -> None:
        self.fields: FieldErrors = _as_fields(fields or {})
        self.message = str(message) if message else self._first_message()
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        # More members for the API's error body (e.g. an import's row-by-row problems).
        self.extra: dict = dict(extra or {})
        super().__init__(self.message)

    def _first_message(self) -> str:
        for messages in self.fields.values():
            if messages:
                return messages[0]
        return self.default_message

    @property
    def all_messages(self) -> list[str]:
        """Every message, the summary first unless a field repeats it."""
        found = [m for messages in self.fields.values() for m in messages]
        return found if self.message in found else [self.message, *found]

    def __str__(self) -> str:
        return self.message


class Invalid(DomainError, ValidationError):
    """Input that breaks a rule. `Invalid({"minutes": "Give at least one minute."})`
    names the field; `Invalid("...")` is about the request as a whole."""

    code = "invalid"
    status = 422
    default_message = "Some fields are not valid."
    # Always a plain string, as in DomainError (ValidationError's may be a lazy string).
    message: str

    def __init__(
        self,
        errors: dict | str,
        *,
        message: str = "",
        code: str | None = None,
        status: int | None = None,
    ) -> None:
        fields = _as_fields(errors) if isinstance(errors, dict) else {"__all__": [str(errors)]}
        ValidationError.__init__(self, fields)
        self.fields = fields
        self.message = message or (
            fields["__all__"][0] if set(fields) == {"__all__"} else self.default_message
        )
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        self.extra = {}

    def __str__(self) -> str:
        return self.message


class NotFound(DomainError):
    code = "not_found"
    status = 404
    default_message = "Not found."


class Conflict(DomainError):
    """The request clashes with what is already there (recorded twice, answered already)."""

    code = "conflict"
    status = 409


# What a page or endpoint catches around an action: our refusals and Django's own
# ValidationError from a model's full_clean().
REFUSALS = (DomainError, ValidationError)


def from_validation_error(exc: ValidationError) -> Invalid:
    """A Django ValidationError (from full_clean, a form) as our Invalid."""
    if isinstance(exc, Invalid):
        return exc
    if hasattr(exc, "error_dict"):
        return Invalid(exc.message_dict)
    return Invalid({"__all__": exc.messages})

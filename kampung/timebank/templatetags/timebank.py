from django import template

from kampung.timebank.ledger import format_minutes

register = template.Library()


@register.filter
def minutes(value) -> str:
    return format_minutes(int(value))


@register.filter
def minutes_signed(value) -> str:
    return format_minutes(int(value), signed=True)


@register.simple_tag
def new_key():
    """A hidden idempotency key of its own for one form: a page with many small forms
    (a Confirm and a Decline per row) gives each its own, so sending one never makes
    another look like a repeat."""
    import uuid

    from django.utils.html import format_html

    return format_html('<input type="hidden" name="idempotency_key" value="{}">', uuid.uuid4().hex)

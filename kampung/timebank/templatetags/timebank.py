from django import template

from kampung.timebank.ledger import format_minutes

register = template.Library()


@register.filter
def minutes(value) -> str:
    return format_minutes(int(value))


@register.filter
def minutes_signed(value) -> str:
    return format_minutes(int(value), signed=True)

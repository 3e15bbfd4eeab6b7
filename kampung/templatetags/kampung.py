from django import template

from kampung import policy

register = template.Library()


@register.simple_tag(takes_context=True)
def can(context, action, community, obj=None):
    """{% can "member.create" community as allowed %}: the same rule the view enforces."""
    return policy.can(context["request"].user, action, community, obj)


@register.simple_tag(takes_context=True)
def role_in(context, community) -> str:
    """{% role_in community as role %}: the person's role here ("" for none)."""
    member = policy.membership(context["request"].user, community)
    return member.role if member is not None else ""


@register.simple_tag(takes_context=True)
def unread_messages(context, community) -> int:
    """{% unread_messages community as n %}: the member's unread in-site notifications."""
    from kampung.notices.models import Notification

    member = policy.membership(context["request"].user, community)
    if member is None:
        return 0
    return Notification.objects.filter(member=member, read_at=None).count()


@register.simple_tag(takes_context=True)
def nav_current(context, page: str, *sections: str):
    """{% nav_current "timebank_home" "timebank_" %}: aria-current="page" on the page
    itself, aria-current="true" on any page of its section (url names starting with one
    of `sections`), so people can see where they are on subpages too."""
    from django.utils.safestring import mark_safe

    match = getattr(context.get("request"), "resolver_match", None)
    name = getattr(match, "url_name", None) or ""
    if name == page:
        return mark_safe('aria-current="page"')  # noqa: S308 (a constant)
    if any(name.startswith(s) for s in sections):
        return mark_safe('aria-current="true"')  # noqa: S308 (a constant)
    return ""


@register.filter
def timeuntil_minutes(delta) -> str:
    """A timedelta as people say it: "15 minutes", "1 hour"."""
    from django.utils.translation import ngettext

    minutes = max(1, round(delta.total_seconds() / 60))
    if minutes % 60 == 0:
        hours = minutes // 60
        return ngettext("%(n)s hour", "%(n)s hours", hours) % {"n": hours}
    return ngettext("%(n)s minute", "%(n)s minutes", minutes) % {"n": minutes}

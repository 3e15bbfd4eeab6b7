from django import template

from kampung import policy

register = template.Library()


@register.simple_tag(takes_context=True)
def can(context, action, community, obj=None):
    """{% can "member.create" community as allowed %}: the same rule the view enforces."""
    return policy.can(context["request"].user, action, community, obj)


@register.simple_tag(takes_context=True)
def unread_messages(context, community) -> int:
    """{% unread_messages community as n %}: the member's unread in-site notifications."""
    from kampung.matching.models import Notification

    member = policy.membership(context["request"].user, community)
    if member is None:
        return 0
    return Notification.objects.filter(member=member, read_at=None).count()

from django import template

from kampung import policy

register = template.Library()


@register.simple_tag(takes_context=True)
def can(context, action, community, obj=None):
    """{% can "member.create" community as allowed %}: the same rule the view enforces."""
    return policy.can(context["request"].user, action, community, obj)

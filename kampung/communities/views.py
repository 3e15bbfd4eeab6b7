from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _

from kampung import policy
from kampung.communities.models import Organisation
from kampung.pagination import CappedPaginator
from kampung.web import community_for


@login_required
def organisation_list(request, slug: str):
    community = community_for(request, slug)
    policy.require(request.user, "organisation.view", community)
    organisations = community.organisations.all()
    kind = request.GET.get("kind", "")
    if kind in Organisation.Kind.values:
        organisations = organisations.filter(kind=kind)
    page = CappedPaginator(organisations, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "communities/organisation_list.html",
        {
            "community": community,
            "page": page,
            "kind": kind,
            "kinds": Organisation.Kind.choices,
            "page_title": _("Organisations"),
        },
    )

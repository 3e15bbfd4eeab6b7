"""Gift and take pages: browse and search, list an item (with photos), a listing with
"I'd like this", the giver's choice of who receives it, the handover, my gifts and
requests, the community's settings and repeated no-shows. Each page validates, calls one
action and renders."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from kampung import policy
from kampung.audit.log import record_view
from kampung.errors import REFUSALS
from kampung.pagination import CappedPaginator
from kampung.sharing import actions, contacts, queries, rules
from kampung.sharing.forms import (
    AskForm,
    ChooseForm,
    ListingForm,
    PhotosForm,
    SearchForm,
    SettingsForm,
    TakeDownForm,
)
from kampung.sharing.models import GiftRequest, Listing, Photo
from kampung.uploads import too_large
from kampung.web import add_errors, community_for, show_error

PER_PAGE = 12  # a phone shows about five; more pages cost less than long ones
TOO_LARGE = _lazy("This photo is too large: choose one of at most 5 MB.")


def _listing(request, slug: str, listing_id: int) -> Listing:
    community = community_for(request, slug)
    policy.require(request.user, "gift.browse", community)
    listing = get_object_or_404(
        Listing.objects.select_related("giver", "shop", "community"),
        pk=listing_id,
        community=community,
    )
    listing.community = community
    if not queries.may_see_listing(request.user, listing):
        raise Http404
    return listing


@login_required
def gift_list(request, slug: str):
    community = community_for(request, slug)
    policy.require(request.user, "gift.browse", community)
    form = SearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    found = queries.search(
        community,
        text=filters.get("q", ""),
        category=filters.get("category", ""),
        area=filters.get("area", ""),
    ).prefetch_related("photos")
    page = CappedPaginator(found, PER_PAGE).get_page(request.GET.get("page"))
    me = policy.membership(request.user, community)
    may_give = policy.can(request.user, "gift.list", community) or bool(
        queries.shops_for(request.user, community)
    )
    return render(
        request,
        "sharing/list.html",
        {
            "community": community,
            "form": form,
            "page": page,
            "searched": bool(filters and any(filters.values())),
            "people_waiting": queries.people_waiting_for(me),
            "may_give": may_give,
            "may_view_no_shows": policy.can(request.user, "gift.view_no_shows", community),
            "may_change_settings": policy.can(request.user, "gift.settings", community),
            "page_title": _("Gift and take"),
        },
    )


@login_required
def gift_create(request, slug: str):
    community = community_for(request, slug)
    shops = queries.shops_for(request.user, community)
    if not (policy.can(request.user, "gift.list", community) or shops):
        raise PermissionDenied("gift.list")
    initial = {}
    shop_id = request.GET.get("shop", "")
    if shop_id and any(str(s.pk) == shop_id for s in shops):
        initial["shop"] = shop_id
    form = ListingForm(request.POST or None, request.FILES or None, shops=shops, initial=initial)
    if request.method == "POST" and too_large(request):
        form.is_valid()
        form.add_error("photos", TOO_LARGE)
    elif request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        shop = form.shops.get(data.pop("shop", "") or "")
        try:
            listing = actions.list_item(by=request.user, community=community, shop=shop, **data)
        except REFUSALS as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request, _("Your item is listed. We will tell you when someone would like it.")
            )
            return redirect("gift_detail", slug=slug, listing_id=listing.pk)
    return render(
        request,
        "sharing/create.html",
        {"community": community, "form": form, "page_title": _("List an item to give away")},
    )


def _detail_context(
    request, listing: Listing, ask_form=None, photos_form=None, take_down_form=None
) -> dict:
    community = listing.community
    user = request.user
    me = policy.membership(user, community)
    is_giver = policy.can(user, "gift.manage", community, listing)
    mine = None
    if me is not None:
        mine = listing.requests.filter(member=me).order_by("-created_at", "-pk").first()
    waiting = []
    if is_giver:
        waiting = list(
            listing.requests.filter(status=GiftRequest.Status.WAITING).select_related("member")
        )
    may_ask = (
        not is_giver
        and listing.giver_id != getattr(me, "pk", None)
        and listing.status == Listing.Status.OPEN
        and policy.can(user, "gift.ask", community, listing)
        and (mine is None or mine.status not in GiftRequest.OPEN)
    )
    may_take_down = (
        not is_giver
        and listing.status in (Listing.Status.OPEN, Listing.Status.PROMISED)
        and policy.can(user, "gift.moderate", community, listing)
    )
    if may_ask and ask_form is None:
        ask_form = AskForm(initial={"shares": contacts.standing_choice(me)})
    return {
        "community": community,
        "listing": listing,
        "photos": list(listing.photos.all()),
        "is_giver": is_giver,
        "mine": mine,
        "waiting": waiting,
        "may_ask": may_ask,
        "ask_form": ask_form,
        "photos_form": photos_form or (PhotosForm() if is_giver else None),
        "contacts": contacts.contacts_for(user, listing),
        "chosen": contacts.chosen_request(listing),
        "may_take_down": may_take_down,
        "take_down_form": take_down_form or (TakeDownForm() if may_take_down else None),
        "had_no_show": is_giver
        and listing.requests.filter(status=GiftRequest.Status.NO_SHOW).exists(),
        "page_title": listing.title,
    }


@login_required
def gift_detail(request, slug: str, listing_id: int):
    listing = _listing(request, slug, listing_id)
    return render(request, "sharing/detail.html", _detail_context(request, listing))


@login_required
def gift_ask(request, slug: str, listing_id: int):
    listing = _listing(request, slug, listing_id)
    if request.method != "POST":
        return redirect("gift_detail", slug=slug, listing_id=listing.pk)
    form = AskForm(request.POST)
    if form.is_valid():
        try:
            actions.ask_for_item(by=request.user, listing=listing, **form.cleaned_data)
        except REFUSALS as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request,
                _("We told the giver you would like it. You will hear when they choose."),
            )
            return redirect("gift_detail", slug=slug, listing_id=listing.pk)
    context = _detail_context(request, listing, ask_form=form)
    context["may_ask"] = True
    context["ask_form"] = form
    return render(request, "sharing/detail.html", context, status=422)


@login_required
def gift_choose(request, slug: str, listing_id: int):
    listing = _listing(request, slug, listing_id)
    policy.require(request.user, "gift.manage", listing.community, listing)
    waiting = list(
        listing.requests.filter(status=GiftRequest.Status.WAITING).select_related("member")
    )
    for r in waiting:
        r.label = r.member.display_name
    me = policy.membership(request.user, listing.community)
    initial = {"shares": "" if listing.shop_id else contacts.standing_choice(me)}
    first = rules.first_come([(r.pk, r.created_at.timestamp()) for r in waiting])
    if first is not None:  # first come, first served, unless the giver chooses another
        initial["request"] = str(first)
    form = ChooseForm(request.POST or None, requests=waiting, initial=initial)
    if request.method == "POST" and listing.status == Listing.Status.PROMISED:
        messages.error(request, _("You have already chosen who receives this item."))
        return redirect("gift_detail", slug=slug, listing_id=listing.pk)
    if request.method == "POST" and form.is_valid():
        chosen = next(r for r in waiting if str(r.pk) == form.cleaned_data["request"])
        try:
            actions.choose_receiver(
                by=request.user,
                listing=listing,
                request=chosen,
                shares=form.cleaned_data["shares"],
            )
        except REFUSALS as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request,
                _("You chose %(name)s. You can now see each other's contact details below.")
                % {"name": chosen.member.display_name},
            )
            return redirect("gift_detail", slug=slug, listing_id=listing.pk)
    return render(
        request,
        "sharing/choose.html",
        {
            "community": listing.community,
            "listing": listing,
            "waiting": waiting,
            "form": form,
            "page_title": _("Choose who receives “%(title)s”") % {"title": listing.title},
        },
    )


def _post_action(request, slug, listing_id, write, done: str):
    listing = _listing(request, slug, listing_id)
    try:
        write(listing)
    except REFUSALS as exc:
        show_error(request, exc)
    else:
        messages.success(request, done)
    return redirect("gift_detail", slug=slug, listing_id=listing.pk)


@login_required
@require_POST
def gift_take_down(request, slug: str, listing_id: int):
    listing = _listing(request, slug, listing_id)
    policy.require(request.user, "gift.moderate", listing.community, listing)
    form = TakeDownForm(request.POST)
    if form.is_valid():
        try:
            actions.take_down_listing(
                by=request.user, listing=listing, reason=form.cleaned_data["reason"]
            )
        except REFUSALS as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Taken down. We told the giver why."))
            return redirect("gift_list", slug=slug)
    context = _detail_context(request, listing, take_down_form=form)
    return render(request, "sharing/detail.html", context, status=422)


@login_required
@require_POST
def gift_collected(request, slug: str, listing_id: int):
    return _post_action(
        request,
        slug,
        listing_id,
        lambda listing: actions.mark_collected(by=request.user, listing=listing),
        _("Marked as collected. Thank you for giving it a new home."),
    )


@login_required
@require_POST
def gift_no_show(request, slug: str, listing_id: int):
    return _post_action(
        request,
        slug,
        listing_id,
        lambda listing: actions.record_no_show(by=request.user, listing=listing),
        _("Recorded that they did not come. The item is listed again for someone else."),
    )


@login_required
@require_POST
def gift_withdraw(request, slug: str, listing_id: int):
    return _post_action(
        request,
        slug,
        listing_id,
        lambda listing: actions.withdraw_listing(by=request.user, listing=listing),
        _("The item is taken down."),
    )


@login_required
@require_POST
def gift_photos_add(request, slug: str, listing_id: int):
    listing = _listing(request, slug, listing_id)
    form = PhotosForm(request.POST, request.FILES)
    if too_large(request):
        form.is_valid()
        form.add_error("photos", TOO_LARGE)
    elif form.is_valid():
        try:
            actions.add_photos(by=request.user, listing=listing, photos=form.cleaned_data["photos"])
        except REFUSALS as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Photos added."))
            return redirect("gift_detail", slug=slug, listing_id=listing.pk)
    context = _detail_context(request, listing, photos_form=form)
    return render(request, "sharing/detail.html", context, status=422)


@login_required
@require_POST
def gift_request_withdraw(request, slug: str, request_id: int):
    community = community_for(request, slug)
    found = get_object_or_404(
        GiftRequest.objects.select_related("listing"), pk=request_id, community=community
    )
    found.listing.community = community
    try:
        actions.withdraw_request(by=request.user, request=found)
    except REFUSALS as exc:
        show_error(request, exc)
    else:
        messages.success(request, _("Your request is withdrawn."))
    return redirect("gift_mine", slug=slug)


@login_required
def gift_photo(request, slug: str, listing_id: int, key: str):
    """A listing's photo, for those who may see the listing (never a public address)."""
    listing = _listing(request, slug, listing_id)
    if not key.replace("-", "").replace("_", "").isalnum() or len(key) > 64:
        raise Http404
    photo = get_object_or_404(Photo, listing=listing, file=f"gifts/{key}.jpg")
    try:
        handle = default_storage.open(photo.file.name, "rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def gift_mine(request, slug: str):
    community = community_for(request, slug)
    policy.require(request.user, "gift.browse", community)
    me = policy.membership(request.user, community)
    listings = list(queries.listings_of(request.user, community)[:100])
    my_requests = []
    if me is not None:
        my_requests = list(
            GiftRequest.objects.filter(member=me)
            .select_related("listing", "listing__giver", "listing__shop")
            .order_by("-created_at", "-pk")[:100]
        )
    return render(
        request,
        "sharing/mine.html",
        {
            "community": community,
            "listings": listings,
            "my_requests": my_requests,
            "open_statuses": GiftRequest.OPEN,
            "limit": queries.settings_for(community).max_open_requests,
            "n_open": sum(1 for r in my_requests if r.status in GiftRequest.OPEN),
            "page_title": _("My gifts and requests"),
        },
    )


@login_required
def gift_settings(request, slug: str):
    community = community_for(request, slug)
    policy.require(request.user, "gift.settings", community)
    current = queries.settings_for(community)
    form = SettingsForm(
        request.POST or None, initial={"max_open_requests": current.max_open_requests}
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.change_settings(by=request.user, community=community, **form.cleaned_data)
        except REFUSALS as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("gift_settings", slug=slug)
    return render(
        request,
        "sharing/settings.html",
        {"community": community, "form": form, "page_title": _("Gift and take settings")},
    )


@login_required
def gift_no_shows(request, slug: str):
    """Members who did not come for promised items twice or more: a staff view of
    personal data, so each person listed is an audit "view" event."""
    community = community_for(request, slug)
    policy.require(request.user, "gift.view_no_shows", community)
    people = list(queries.repeated_no_shows(community)[:200])
    for person in people:
        record_view(person, viewer=request.user, reason="Listed among repeated gift no-shows")
    return render(
        request,
        "sharing/no_shows.html",
        {"community": community, "people": people, "page_title": _("Items not collected")},
    )

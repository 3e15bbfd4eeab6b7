"""The API of gift and take, under /api/v1/communities/<slug>/gifts/.

Listing an item takes multipart/form-data (its fields, and up to four files in
`photos`); adding photos later too. Photos are answered as JPEG bytes, to those who may
see the listing. Every other write is JSON."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from ninja import Field, File, Form, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from kampung import policy
from kampung.api_types import Id
from kampung.errors import Invalid
from kampung.sharing import actions, contacts, queries
from kampung.sharing.models import (
    AREA_MAX,
    MESSAGE_MAX,
    TAKE_DOWN_REASON_MAX,
    TITLE_MAX,
    Category,
    Condition,
    GiftRequest,
    Listing,
    Photo,
    Share,
)
from kampung.uploads import too_large
from kampung.web import community_for

router = Router(tags=["gift and take"])


class PhotoOut(Schema):
    id: int
    width: int
    height: int
    url: str

    @staticmethod
    def resolve_url(obj):
        return (
            f"/api/v1/communities/{obj.listing.community.slug}/gifts/{obj.listing_id}"
            f"/photos/{obj.pk}"
        )


class ListingOut(Schema):
    id: int
    title: str
    category: str
    condition: str
    description: str
    pickup_area: str
    available_until: dt.date
    status: str
    giver_name: str
    shop: int | None = Field(None, alias="shop_id")
    created_at: dt.datetime
    photos: list[PhotoOut]
    taken_down_reason: str = Field("", description="Why a community developer took it down")

    @staticmethod
    def resolve_photos(obj):
        return list(obj.photos.all())


class ListingIn(Schema):
    title: str = Field(..., min_length=1, max_length=TITLE_MAX)
    category: str = Field(..., json_schema_extra={"enum": Category.values})
    condition: str = Field(Condition.GOOD, json_schema_extra={"enum": Condition.values})
    description: str = Field("", max_length=2000)
    pickup_area: str = Field("", max_length=AREA_MAX)
    available_until: dt.date | None = None
    shop_id: Id | None = Field(
        None, description="A Gift and Take shop (an asset) to list the item for"
    )


class TakeDownIn(Schema):
    reason: str = Field(..., min_length=1, max_length=TAKE_DOWN_REASON_MAX)


class AskIn(Schema):
    message: str = Field("", max_length=MESSAGE_MAX)
    shares: str = Field("", json_schema_extra={"enum": Share.values})


class RequestOut(Schema):
    id: int
    listing: int = Field(..., alias="listing_id")
    name: str
    message: str
    status: str
    created_at: dt.datetime

    @staticmethod
    def resolve_name(obj):
        return obj.member.display_name


class ChooseIn(Schema):
    request_id: Id
    shares: str = Field("", json_schema_extra={"enum": Share.values})


class ContactOut(Schema):
    side: str
    name: str
    phone: str = ""
    email: str = ""
    contact: str = ""


class HandoverOut(Schema):
    listing: ListingOut
    contacts: list[ContactOut]


def _listing(request, slug: str, listing_id: int) -> Listing:
    community = community_for(request, slug)
    policy.require(request.user, "gift.browse", community)
    listing = get_object_or_404(
        Listing.objects.select_related("giver", "shop"), pk=listing_id, community=community
    )
    listing.community = community
    if not queries.may_see_listing(request.user, listing):
        raise Http404
    return listing


def _handover(request, listing: Listing) -> dict:
    listing.refresh_from_db()
    return {"listing": listing, "contacts": contacts.contacts_for(request.user, listing)}


def _files_or_refuse(request, photos) -> list:
    if too_large(request):
        raise Invalid({"photos": "This photo is too large: choose one of at most 5 MB."})
    return list(photos or [])


@router.get("/communities/{slug}/gifts", response=list[ListingOut])
@paginate
def search_listings(request, slug: str, q: str = "", category: str = "", area: str = ""):
    """Available items, newest first: `q` words in the title (up to 100 characters),
    `category` one of the kinds of item, `area` the start of the pickup area."""
    community = community_for(request, slug)
    policy.require(request.user, "gift.browse", community)
    if category and category not in Category.values:
        raise Invalid({"category": "Choose one of the kinds of item, or leave it out."})
    if len(q) > 100 or len(area) > AREA_MAX:
        raise Invalid({"q": "Search with at most 100 characters."})
    return queries.search(community, text=q, category=category, area=area).prefetch_related(
        "photos"
    )


@router.post("/communities/{slug}/gifts", response={201: ListingOut})
def list_item(
    request,
    slug: str,
    payload: Form[ListingIn],
    photos: File[list[UploadedFile]] = None,
):
    """List an item (multipart/form-data: the fields, and up to 4 files in `photos`)."""
    community = community_for(request, slug)
    data = payload.dict()
    shop_id = data.pop("shop_id")
    shop = None
    if shop_id is not None:
        shop = queries.shops_in(community).filter(pk=shop_id).first()
        if shop is None:
            raise Invalid({"shop_id": "Choose a Gift and Take shop in this community."})
    listing = actions.list_item(
        by=request.user,
        community=community,
        shop=shop,
        photos=_files_or_refuse(request, photos),
        **data,
    )
    return Status(201, listing)


@router.get("/communities/{slug}/gifts/mine", response=list[ListingOut])
@paginate
def my_listings(request, slug: str):
    community = community_for(request, slug)
    policy.require(request.user, "gift.browse", community)
    return queries.listings_of(request.user, community).prefetch_related("photos")


@router.get("/communities/{slug}/gifts/requests/mine", response=list[RequestOut])
@paginate
def my_requests(request, slug: str):
    community = community_for(request, slug)
    policy.require(request.user, "gift.browse", community)
    me = policy.membership(request.user, community)
    if me is None:
        return GiftRequest.objects.none()
    return (
        GiftRequest.objects.filter(member=me, community=community)
        .select_related("member")
        .order_by("-created_at", "-pk")
    )


@router.get("/communities/{slug}/gifts/{int:listing_id}", response=HandoverOut)
def get_listing(request, slug: str, listing_id: int):
    """The item, and once the giver has chosen, what each side shares with the other."""
    listing = _listing(request, slug, listing_id)
    return _handover(request, listing)


@router.post("/communities/{slug}/gifts/{int:listing_id}/photos", response={201: list[PhotoOut]})
def add_photos(request, slug: str, listing_id: int, photos: File[list[UploadedFile]] = None):
    listing = _listing(request, slug, listing_id)
    files = _files_or_refuse(request, photos)
    if not files:
        raise Invalid({"photos": "Send one or more photos in the multipart field `photos`."})
    return Status(201, actions.add_photos(by=request.user, listing=listing, photos=files))


@router.get("/communities/{slug}/gifts/{int:listing_id}/photos/{int:photo_id}")
def get_photo(request, slug: str, listing_id: int, photo_id: int):
    """The photo as JPEG (its metadata was removed when it was stored)."""
    listing = _listing(request, slug, listing_id)
    photo = get_object_or_404(Photo, pk=photo_id, listing=listing)
    try:
        handle = default_storage.open(photo.file.name, "rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@router.get("/communities/{slug}/gifts/{int:listing_id}/requests", response=list[RequestOut])
def list_requests(request, slug: str, listing_id: int):
    """Who would like the item: for its giver."""
    listing = _listing(request, slug, listing_id)
    if not policy.can(request.user, "gift.manage", listing.community, listing):
        raise PermissionDenied("gift.manage")
    return list(listing.requests.select_related("member"))


@router.post("/communities/{slug}/gifts/{int:listing_id}/requests", response={201: RequestOut})
def ask_for_item(request, slug: str, listing_id: int, payload: AskIn):
    """ "I'd like this", with an optional message and what the giver may see once they
    choose you."""
    listing = _listing(request, slug, listing_id)
    return Status(201, actions.ask_for_item(by=request.user, listing=listing, **payload.dict()))


@router.post("/communities/{slug}/gifts/{int:listing_id}/choose", response=HandoverOut)
def choose_receiver(request, slug: str, listing_id: int, payload: ChooseIn):
    listing = _listing(request, slug, listing_id)
    policy.require(request.user, "gift.manage", listing.community, listing)
    found = GiftRequest.objects.filter(pk=payload.request_id, listing=listing).first()
    if found is None:
        raise Invalid({"request_id": "Choose one of the people who are waiting for this item."})
    actions.choose_receiver(by=request.user, listing=listing, request=found, shares=payload.shares)
    return _handover(request, listing)


@router.post("/communities/{slug}/gifts/{int:listing_id}/collected", response=HandoverOut)
def mark_collected(request, slug: str, listing_id: int):
    listing = _listing(request, slug, listing_id)
    actions.mark_collected(by=request.user, listing=listing)
    return _handover(request, listing)


@router.post("/communities/{slug}/gifts/{int:listing_id}/no-show", response=HandoverOut)
def record_no_show(request, slug: str, listing_id: int):
    listing = _listing(request, slug, listing_id)
    actions.record_no_show(by=request.user, listing=listing)
    return _handover(request, listing)


@router.post("/communities/{slug}/gifts/{int:listing_id}/withdraw", response=ListingOut)
def withdraw_listing(request, slug: str, listing_id: int):
    listing = _listing(request, slug, listing_id)
    return actions.withdraw_listing(by=request.user, listing=listing)


@router.post("/communities/{slug}/gifts/{int:listing_id}/take-down", response=ListingOut)
def take_down_listing(request, slug: str, listing_id: int, payload: TakeDownIn):
    """A community developer takes down someone else's listing, saying why (the giver
    is told the reason)."""
    listing = _listing(request, slug, listing_id)
    return actions.take_down_listing(by=request.user, listing=listing, reason=payload.reason)


@router.post("/communities/{slug}/gifts/requests/{int:request_id}/withdraw", response=RequestOut)
def withdraw_request(request, slug: str, request_id: int):
    community = community_for(request, slug)
    found = get_object_or_404(
        GiftRequest.objects.select_related("listing", "member"), pk=request_id, community=community
    )
    found.listing.community = community
    return actions.withdraw_request(by=request.user, request=found)

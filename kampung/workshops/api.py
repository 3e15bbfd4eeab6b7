"""Workshop endpoints: facilitators open workshops, read the board, edit, mark, merge and
publish items; participants add items with the workshop's token and no login."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Field, Router, Schema, Status

from kampung import limits, policy
from kampung.api_types import Id, one_of
from kampung.assets.models import Asset, Category
from kampung.web import community_for, public_url
from kampung.workshops import actions, participants
from kampung.workshops.models import MAX_ITEMS, Workshop, WorkshopItem

router = Router(tags=["workshops"])


class ItemOut(Schema):
    id: int
    name: str
    category: str
    description: str
    location_kind: str
    lat: float | None
    lng: float | None
    address: str
    offered_by: str
    added_by_name: str
    status: str
    merged_into: int | None = Field(None, alias="merged_into_id")
    published_asset: int | None = Field(None, alias="published_asset_id")
    created_at: datetime


class WorkshopOut(Schema):
    id: int
    title: str
    held_on: date
    venue: str
    prompt: str
    status: str
    join_url: str

    @staticmethod
    def resolve_join_url(obj, context):
        return public_url(context["request"], reverse("workshop_join", args=[obj.token]))


class BoardOut(WorkshopOut):
    items: list[ItemOut]

    @staticmethod
    def resolve_items(obj):
        return list(obj.items.all())


class WorkshopIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    held_on: date
    venue: str = Field("", max_length=200)
    prompt: str = Field("", max_length=300)


class ItemIn(Schema):
    name: str = Field(..., max_length=200)
    category: str = Field(..., json_schema_extra={"enum": Category.values})
    description: str = Field("", max_length=limits.DESCRIPTION_MAX)
    location_kind: str = Field("point", json_schema_extra={"enum": Asset.LocationKind.values})
    lat: float | None = Field(None, ge=-90, le=90)
    lng: float | None = Field(None, ge=-180, le=180)
    address: str = Field("", max_length=200)
    offered_by: str = Field("", max_length=200)


class JoinItemIn(ItemIn):
    added_by_name: str = Field("", max_length=100)
    participant: str = Field(
        ...,
        min_length=1,
        max_length=100,
        description="The participant id from `POST /api/v1/workshops/{token}/participants` "
        "(signed by the server for this workshop; a made-up or other workshop's id is "
        "refused): it groups one person's items and caps how many they can add.",
    )


class ParticipantOut(Schema):
    participant: str


class ItemPatch(Schema):
    """Send only the fields to change. Text fields cannot be null (send "" to empty
    one); lat and lng can (null: no point on the map)."""

    name: str = Field(None, max_length=200)
    category: str = Field(None, json_schema_extra={"enum": Category.values})
    description: str = Field(None, max_length=limits.DESCRIPTION_MAX)
    location_kind: str = Field(None, json_schema_extra={"enum": Asset.LocationKind.values})
    lat: float | None = Field(None, ge=-90, le=90)
    lng: float | None = Field(None, ge=-180, le=180)
    address: str = Field(None, max_length=200)
    offered_by: str = Field(None, max_length=200)


class MarkIn(Schema):
    items: list[Id] = Field(..., max_length=MAX_ITEMS)
    status: str = Field(
        ...,
        description="new, accepted or rejected",
        json_schema_extra={"enum": ["new", "accepted", "rejected"]},
    )


class MergeIn(Schema):
    keep: Id
    others: list[Id] = Field(..., min_length=1, max_length=MAX_ITEMS)


class PublishOut(Schema):
    published: list[int]


def _workshop(request, slug: str, workshop_id: int) -> Workshop:
    community = community_for(request, slug)
    policy.require(request.user, "workshop.run", community)
    return get_object_or_404(Workshop, pk=workshop_id, community=community)


@router.get("/communities/{slug}/workshops", response=list[WorkshopOut])
def list_workshops(request, slug: str):
    community = community_for(request, slug)
    policy.require(request.user, "workshop.run", community)
    return Workshop.objects.filter(community=community)


@router.post("/communities/{slug}/workshops", response={201: WorkshopOut})
def open_workshop(request, slug: str, payload: WorkshopIn):
    community = community_for(request, slug)
    return Status(
        201, actions.open_workshop(by=request.user, community=community, **payload.dict())
    )


@router.get("/communities/{slug}/workshops/{workshop_id}", response=BoardOut)
def get_board(request, slug: str, workshop_id: int):
    return _workshop(request, slug, workshop_id)


@router.post("/communities/{slug}/workshops/{workshop_id}/status", response=WorkshopOut)
def set_status(
    request, slug: str, workshop_id: int, status: Annotated[str, one_of(Workshop.Status.values)]
):
    workshop = _workshop(request, slug, workshop_id)
    return actions.set_workshop_status(by=request.user, workshop=workshop, status=status)


@router.patch("/communities/{slug}/workshops/{workshop_id}/items/{item_id}", response=ItemOut)
def change_item(request, slug: str, workshop_id: int, item_id: int, payload: ItemPatch):
    workshop = _workshop(request, slug, workshop_id)
    item = get_object_or_404(WorkshopItem, pk=item_id, workshop=workshop)
    return actions.change_item(by=request.user, item=item, **payload.dict(exclude_unset=True))


@router.post("/communities/{slug}/workshops/{workshop_id}/mark")
def mark_items(request, slug: str, workshop_id: int, payload: MarkIn):
    workshop = _workshop(request, slug, workshop_id)
    n = actions.mark_items(
        by=request.user, workshop=workshop, item_ids=payload.items, status=payload.status
    )
    return {"marked": n}


@router.post("/communities/{slug}/workshops/{workshop_id}/merge", response=ItemOut)
def merge_items(request, slug: str, workshop_id: int, payload: MergeIn):
    workshop = _workshop(request, slug, workshop_id)
    return actions.merge_items(
        by=request.user, workshop=workshop, keep_id=payload.keep, other_ids=payload.others
    )


@router.post("/communities/{slug}/workshops/{workshop_id}/publish", response=PublishOut)
def publish(request, slug: str, workshop_id: int):
    workshop = _workshop(request, slug, workshop_id)
    assets = actions.publish_items(by=request.user, workshop=workshop)
    return {"published": [a.pk for a in assets]}


@router.post(
    "/workshops/{token}/participants",
    response={201: ParticipantOut, 429: dict},
    auth=None,
)
def join_as_participant(request, token: str):
    """For participants: a new participant id for this workshop, to send with every item.
    Rate limited per address (429 with Retry-After)."""
    workshop = get_object_or_404(Workshop, token=token)
    participants.limit_participants(request, workshop)
    return Status(201, {"participant": participants.issue(workshop)})


@router.post("/workshops/{token}/items", response={201: ItemOut, 429: dict}, auth=None)
def join_add_item(request, token: str, payload: JoinItemIn):
    """For participants: the workshop's token (from its link) is the only credential, and
    the participant id from `.../participants` says who adds. Rate limited per address
    and per workshop (429 with Retry-After)."""
    workshop = get_object_or_404(Workshop, token=token)
    data = payload.dict()
    key = participants.key_of(workshop, data.pop("participant"))
    participants.limit_items(request, workshop)
    item = actions.add_item(
        workshop=workshop,
        participant=key,
        added_by_name=data.pop("added_by_name"),
        user=request.user,
        **data,
    )
    return Status(201, item)

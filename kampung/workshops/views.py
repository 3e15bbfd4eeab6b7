"""Workshop pages. Facilitators (community developers) open a workshop, show its link and
QR code, and run the live board; participants use the link, with or without an account."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Max
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kampung import api_types, policy
from kampung.assets.models import Category
from kampung.errors import REFUSALS
from kampung.web import add_errors, community_for, pick_map_context, public_url, show_error
from kampung.workshops import actions, participants, queries
from kampung.workshops.errors import MergeOutdated
from kampung.workshops.forms import (
    SHORT_CATEGORY,
    ItemForm,
    JoinForm,
    MergeForm,
    WorkshopForm,
)
from kampung.workshops.models import Workshop, WorkshopItem
from kampung.workshops.qr import qr_svg

PARTICIPANT_KEY = "kampung_workshop_participant"


def _workshop(request, slug: str, workshop_id: int) -> Workshop:
    community = community_for(request, slug)
    policy.require(request.user, "workshop.run", community)
    return get_object_or_404(
        Workshop.objects.select_related("community", "facilitator"),
        pk=workshop_id,
        community=community,
    )


def join_url(request, workshop: Workshop) -> str:
    return public_url(request, reverse("workshop_join", args=[workshop.token]))


@login_required
def workshop_list(request, slug: str):
    community = community_for(request, slug)
    policy.require(request.user, "workshop.run", community)
    workshops = (
        Workshop.objects.filter(community=community)
        .select_related("facilitator")
        .annotate(n_items=Count("items"))
    )
    form = WorkshopForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            workshop = actions.open_workshop(
                by=request.user, community=community, **form.cleaned_data
            )
        except REFUSALS as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Workshop opened. Share the link or QR code below."))
            return redirect("workshop_board", slug=slug, workshop_id=workshop.pk)
    return render(
        request,
        "workshops/list.html",
        {
            "community": community,
            "workshops": workshops,
            "form": form,
            "page_title": _("Asset-mapping workshops"),
        },
    )


def _board_state(workshop: Workshop) -> str:
    """Changes whenever anything on the board changes; the live board polls with it."""
    agg = workshop.items.aggregate(n=Count("id"), last=Max("updated_at"))
    last = agg["last"].timestamp() if agg["last"] else 0
    return f"{agg['n']}-{last:.6f}-{workshop.status}"


GROUPS = [
    (WorkshopItem.Status.NEW, gettext_lazy("New — to look at")),
    (WorkshopItem.Status.ACCEPTED, gettext_lazy("Accepted — ready to publish")),
    (WorkshopItem.Status.PUBLISHED, gettext_lazy("On the map")),
    (WorkshopItem.Status.REJECTED, gettext_lazy("Set aside")),
    (WorkshopItem.Status.MERGED, gettext_lazy("Merged into another item")),
]


def _board_context(workshop: Workshop) -> dict:
    items = list(workshop.items.select_related("merged_into", "published_asset"))
    by_status = {status: [] for status, _label in GROUPS}
    added_by = queries.added_by(workshop)
    for item in items:
        item.short_category = SHORT_CATEGORY.get(item.category, item.category)
        item.added_by_all = added_by.get(item.pk, "")
        by_status[item.status].append(item)
    counts = {c: 0 for c in Category.values}
    for item in items:
        if item.status != WorkshopItem.Status.MERGED:
            counts[item.category] += 1
    points = [
        {"id": i.pk, "name": i.name, "category": i.category, "lat": i.lat, "lng": i.lng}
        for i in items
        if i.lat is not None and i.status != WorkshopItem.Status.MERGED
    ]
    return {
        "community": workshop.community,
        "workshop": workshop,
        "groups": [(status, label, by_status[status]) for status, label in GROUPS],
        "category_counts": [(SHORT_CATEGORY[c], c, counts[c]) for c in Category.values],
        "n_items": sum(1 for i in items if i.status != WorkshopItem.Status.MERGED),
        "n_accepted": len(by_status[WorkshopItem.Status.ACCEPTED]),
        "n_new": len(by_status[WorkshopItem.Status.NEW]),
        "points": points,
        "state": _board_state(workshop),
    }


@login_required
def workshop_board(request, slug: str, workshop_id: int):
    workshop = _workshop(request, slug, workshop_id)
    context = _board_context(workshop)
    context.update(
        {
            "join_url": join_url(request, workshop),
            "qr": qr_svg(join_url(request, workshop)),
            "tile_url": settings.KAMPUNG_TILE_URL,
            "tile_attribution": settings.KAMPUNG_TILE_ATTRIBUTION,
            "page_title": workshop.title,
            # The page shows messages at its top; the board itself shows them only
            # when it is sent alone (an htmx swap), so each is shown once.
            "messages_at_top": True,
        }
    )
    return render(request, "workshops/board.html", context)


@login_required
def workshop_board_live(request, slug: str, workshop_id: int):
    """The board's items, for htmx polling: 204 (nothing to swap) if nothing changed."""
    workshop = _workshop(request, slug, workshop_id)
    if request.GET.get("state") == _board_state(workshop):
        return HttpResponse(status=204)
    return render(request, "workshops/_board.html", _board_context(workshop))


def _board_response(request, workshop: Workshop):
    if request.htmx:
        return render(request, "workshops/_board.html", _board_context(workshop))
    return redirect("workshop_board", slug=workshop.community.slug, workshop_id=workshop.pk)


# A database id fits in 63 bits (the API's bound, api_types.MAX_ID): a longer number is
# no item, and must not reach the driver, which raises OverflowError (the attack's 500).


def _ids(values) -> list[int]:
    """Item ids from a form; anything that is not one is left out."""
    ids = []
    for value in values:
        value = str(value).strip()
        if value.isdigit() and len(value) <= 19 and 0 < int(value) <= api_types.MAX_ID:
            ids.append(int(value))
    return ids


def _selected(request) -> list[int]:
    return _ids(request.POST.getlist("items"))


def _do(request, write) -> None:
    try:
        write()
    except REFUSALS as exc:
        show_error(request, exc)


@login_required
@require_POST
def workshop_mark(request, slug: str, workshop_id: int):
    """Accept / set aside / back to new: one item (its button) or all new items."""
    workshop = _workshop(request, slug, workshop_id)
    status, ids = request.POST.get("status", ""), _selected(request)
    one = request.POST.get("one", "")  # an item's own button: "accepted:12"
    if one:
        status, _sep, item_id = one.partition(":")
        ids = _ids([item_id])
    elif request.POST.get("all_new"):
        status = WorkshopItem.Status.ACCEPTED
        ids = list(
            workshop.items.filter(status=WorkshopItem.Status.NEW).values_list("pk", flat=True)
        )
    if not ids:
        messages.error(request, _("Tick the items first."))
        return _board_response(request, workshop)
    _do(
        request,
        lambda: actions.mark_items(by=request.user, workshop=workshop, item_ids=ids, status=status),
    )
    return _board_response(request, workshop)


@login_required
@require_POST
def workshop_merge(request, slug: str, workshop_id: int):
    """The board's "Merge ticked items": on to the review page for those items."""
    workshop = _workshop(request, slug, workshop_id)
    ids = sorted(set(_selected(request)))
    if len(ids) < 2:
        messages.error(request, _("Tick at least two items to merge."))
        return _board_response(request, workshop)
    url = reverse("workshop_merge_review", args=[slug, workshop.pk])
    return redirect(f"{url}?{urlencode([('items', i) for i in ids])}")


@login_required
def workshop_merge_review(request, slug: str, workshop_id: int):
    """Check the merge: for each field where the items differ, the facilitator picks
    the value to keep (the most complete one is ticked), then confirms."""
    workshop = _workshop(request, slug, workshop_id)
    source = request.POST if request.method == "POST" else request.GET
    try:
        raw = source.getlist("items")
        ids = _ids(raw)
        if len(ids) != len(raw):
            raise ValidationError({"items": _("Some of those items are not on this board.")})
        plan = queries.plan_for(workshop, ids)
    except (ValueError, *REFUSALS) as exc:
        if isinstance(exc, ValueError):
            exc = ValidationError({"items": _("Tick at least two items to merge.")})
        show_error(request, exc)
        return redirect("workshop_board", slug=slug, workshop_id=workshop.pk)
    form = MergeForm(request.POST or None, plan=plan)
    outdated = ""
    if request.method == "POST" and form.is_valid():
        try:
            kept = actions.merge_items(
                by=request.user,
                workshop=workshop,
                keep_id=plan.keep.pk,
                other_ids=[i.pk for i in plan.items[1:]],
                picks=form.picks(),
                # The page always sends the fingerprint of what it showed: a missing or
                # empty one is "out of date" (never a way round the check).
                expected=request.POST.get("fingerprint", "") or "missing",
            )
        except MergeOutdated as exc:
            # Start again from the items as they are now, saying why.
            try:
                plan = queries.plan_for(workshop, ids)
            except REFUSALS as gone:
                show_error(request, gone)
                return redirect("workshop_board", slug=slug, workshop_id=workshop.pk)
            form, outdated = MergeForm(plan=plan), exc.message
        except REFUSALS as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Merged into “%(name)s”.") % {"name": kept.name})
            return redirect("workshop_board", slug=slug, workshop_id=workshop.pk)
    added_by = queries.added_by(workshop)
    for item in plan.items:
        item.short_category = SHORT_CATEGORY.get(item.category, item.category)
        item.added_by_all = added_by.get(item.pk, "")
    return render(
        request,
        "workshops/merge_review.html",
        {
            "community": workshop.community,
            "workshop": workshop,
            "plan": plan,
            "form": form,
            "outdated": outdated,
            "page_title": _("Merge %(n)s items into one") % {"n": len(plan.items)},
        },
    )


@login_required
@require_POST
def workshop_publish(request, slug: str, workshop_id: int):
    workshop = _workshop(request, slug, workshop_id)

    def publish():
        assets = actions.publish_items(by=request.user, workshop=workshop)
        messages.success(
            request,
            _("%(n)s items are now in the asset register.") % {"n": len(assets)},
        )

    _do(request, publish)
    return _board_response(request, workshop)


@login_required
@require_POST
def workshop_status(request, slug: str, workshop_id: int):
    workshop = _workshop(request, slug, workshop_id)
    _do(
        request,
        lambda: actions.set_workshop_status(
            by=request.user, workshop=workshop, status=request.POST.get("status", "")
        ),
    )
    return redirect("workshop_board", slug=slug, workshop_id=workshop.pk)


@login_required
def workshop_item_edit(request, slug: str, workshop_id: int, item_id: int):
    workshop = _workshop(request, slug, workshop_id)
    item = get_object_or_404(WorkshopItem, pk=item_id, workshop=workshop)
    initial = {name: getattr(item, name) for name in ItemForm.base_fields}
    form = ItemForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            item = actions.change_item(by=request.user, item=item, **form.cleaned_data)
        except REFUSALS as exc:
            add_errors(form, exc)
        else:
            if request.POST.get("accept"):
                actions.mark_items(
                    by=request.user,
                    workshop=workshop,
                    item_ids=[item.pk],
                    status=WorkshopItem.Status.ACCEPTED,
                )
            messages.success(request, _("Saved “%(name)s”.") % {"name": item.name})
            return redirect("workshop_board", slug=slug, workshop_id=workshop.pk)
    return render(
        request,
        "workshops/item_edit.html",
        {
            "community": workshop.community,
            "workshop": workshop,
            "item": item,
            "form": form,
            **pick_map_context(item.lat, item.lng, fallback=workshop.community),
            "page_title": _("Change “%(name)s”") % {"name": item.name},
        },
    )


@login_required
def workshop_poster(request, slug: str, workshop_id: int):
    """A page to project or print: the QR code and link, large."""
    workshop = _workshop(request, slug, workshop_id)
    return render(
        request,
        "workshops/poster.html",
        {
            "community": workshop.community,
            "workshop": workshop,
            "join_url": join_url(request, workshop),
            "qr": qr_svg(join_url(request, workshop)),
            "page_title": workshop.title,
        },
    )


# --- Participants (no login needed) --------------------------------------------------------


def _participant_key(request, workshop: Workshop) -> str:
    """This browser's key for `workshop`: the session keeps a signed participant id the
    server issued for this workshop (kampung.workshops.participants)."""
    session_key = f"{PARTICIPANT_KEY}:{workshop.pk}"
    signed = request.session.get(session_key, "")
    try:
        return participants.key_of(workshop, signed)
    except ValidationError:
        participants.limit_participants(request, workshop)
        signed = participants.issue(workshop)
        request.session[session_key] = signed
        return participants.key_of(workshop, signed)


def workshop_join(request, token: str):
    workshop = Workshop.objects.select_related("community").filter(token=token).first()
    if workshop is None:
        raise Http404
    workshop.community.use_local_time()
    key = _participant_key(request, workshop)
    name = request.session.get("kampung_workshop_name", "")
    form = JoinForm(request.POST or None, initial={"added_by_name": name})
    if request.method == "POST":
        participants.limit_items(request, workshop)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        added_by = data.pop("added_by_name")
        try:
            item = actions.add_item(
                workshop=workshop,
                participant=key,
                user=request.user,
                added_by_name=added_by,
                **data,
            )
        except REFUSALS as exc:
            add_errors(form, exc)
        else:
            request.session["kampung_workshop_name"] = added_by
            messages.success(
                request,
                _("Thank you! “%(name)s” is on the board. Add another?") % {"name": item.name},
            )
            return redirect("workshop_join", token=token)
    mine = list(workshop.items.filter(participant=key).order_by("-created_at")[:50])
    # What the whole room has added so far, as counts per kind only: items can name
    # people, and this page is open to anyone holding the link.
    kinds = dict(Category.choices)
    tally = [
        (kinds.get(row["category"], row["category"]), row["n"])
        for row in workshop.items.exclude(status=WorkshopItem.Status.REJECTED)
        .exclude(status=WorkshopItem.Status.MERGED)
        .values("category")
        .annotate(n=Count("id"))
        .order_by("-n", "category")
    ]
    return render(
        request,
        "workshops/join.html",
        {
            "workshop": workshop,
            "form": form,
            "mine": mine,
            "tally": tally,
            "room_total": sum(n for _kind, n in tally),
            **pick_map_context(None, None, fallback=workshop.community),
            "page_title": workshop.title,
        },
    )


@require_POST
def workshop_withdraw(request, token: str, item_id: int):
    workshop = Workshop.objects.filter(token=token).first()
    if workshop is None:
        raise Http404
    try:
        name = actions.withdraw_item(
            workshop=workshop, participant=_participant_key(request, workshop), item_id=item_id
        )
    except REFUSALS as exc:
        show_error(request, exc)
    else:
        messages.success(request, _("“%(name)s” is taken off the board.") % {"name": name})
    return redirect("workshop_join", token=token)

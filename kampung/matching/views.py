"""Pages for needs, offers and matches: post a need on a phone, the coordinator's view of
a need with explained candidates, a match's page for both sides, and batch allocation."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from kampung import policy
from kampung.assets.rules import ACCESSIBILITY
from kampung.audit.log import record_view
from kampung.errors import REFUSALS
from kampung.matching import actions, contacts, core, kept
from kampung.matching import candidates as cand
from kampung.matching.forms import (
    BatchReviewForm,
    CompleteForm,
    NeedForm,
    NeedKindForm,
    OfferForm,
    StrengthsForm,
    when_from_slots,
)
from kampung.matching.models import (
    Match,
    Need,
    Offer,
    Share,
    StrengthsProfile,
)
from kampung.pagination import CappedPaginator
from kampung.people.models import Member, Role
from kampung.people.skills import LANGUAGE_NAMES
from kampung.ratelimits import limit
from kampung.web import add_errors, community_for, pick_map_context, show_error

FACTOR_NAMES = {
    "fit": gettext_lazy("Skill or service fit"),
    "text": gettext_lazy("Words in common"),
    "distance": gettext_lazy("Distance"),
    "time": gettext_lazy("Free at the right time"),
    "language": gettext_lazy("Shared language"),
    "access": gettext_lazy("Accessibility"),
    "fairness": gettext_lazy("Spreading the asks"),
}


@login_required
def need_list(request, slug: str):
    community = community_for(request, slug)
    policy.require(request.user, "need.post", community)
    staff = policy.can(request.user, "need.view_all", community)
    me = policy.membership(request.user, community)
    needs = (
        cand.needs_of(request.user, community)
        .select_related("member", "organisation")
        .prefetch_related("tags")
    )
    status = request.GET.get("status", "open")
    if status in Need.Status.values:
        needs = needs.filter(status=status)
    # The home page's work queue links here: open requests nobody has been asked about,
    # and those whose helper has not answered for a few days.
    unmatched = staff and request.GET.get("unmatched") == "1"
    waiting = staff and request.GET.get("waiting") == "1"
    if unmatched:
        needs = needs.filter(pk__in=cand.unmatched_needs(community).values("pk"))
    if waiting:
        needs = needs.filter(pk__in=cand.needs_waiting_for_an_answer(community).values("pk"))
    page = CappedPaginator(needs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "matching/need_list.html",
        {
            "community": community,
            "needs": page.object_list,
            "page": page,
            "status": status,
            "statuses": Need.Status.choices,
            "unmatched": unmatched,
            "waiting": waiting,
            "waiting_days": cand.STALE_SUGGESTION_DAYS,
            "staff": staff,
            "page_title": _("Requests for help")
            if staff
            else (
                _("%(org)s's requests") % {"org": me.organisation}
                if me is not None and me.role == "partner" and me.organisation_id
                else _("My requests")
            ),
        },
    )


@login_required
def need_create(request, slug: str):
    community = community_for(request, slug)
    policy.require(request.user, "need.post", community)
    staff = policy.can(request.user, "need.post_for_others", community)
    members = Member.objects.in_community(community).order_by("display_name") if staff else None
    organisations = community.organisations.order_by("name")
    if not staff:
        me = policy.membership(request.user, community)
        mine = me.organisation_id if me is not None and me.role == Role.PARTNER else None
        organisations = organisations.filter(pk=mine) if mine else organisations.none()
    form = NeedForm(request.POST or None, staff=staff, members=members, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        tag = data.pop("tag")
        try:
            need = actions.post_need(
                by=request.user, community=community, tags=[tag] if tag else [], **data
            )
        except REFUSALS as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request,
                _("Thank you. Your request is in; a community developer will look for someone."),
            )
            return redirect("need_detail", slug=slug, need_id=need.pk)
    return render(
        request,
        "matching/need_form.html",
        {
            "community": community,
            "form": form,
            "page_title": _("Ask for help"),
            **_pick_map_context(request, community),
        },
    )


def _pick_map_context(request, community) -> dict:
    """The pick map starts on the member's own area, or the neighbourhood."""
    me = policy.membership(request.user, community)
    return pick_map_context(
        me.area_lat if me else None, me.area_lng if me else None, fallback=community
    )


def _need(request, community, need_id) -> Need:
    need = get_object_or_404(
        Need.objects.select_related("member", "organisation", "posted_by").prefetch_related("tags"),
        pk=need_id,
        community=community,
    )
    policy.require(request.user, "need.view", community, need)
    return need


def _factor_rows(factors) -> list[dict]:
    return [
        {
            "name": FACTOR_NAMES.get(f["name"], f["name"]),
            "points": f["points"],
            "weight": f["weight"],
            "pct": int(round(100 * f["points"] / f["weight"])) if f["weight"] else 0,
            "explanation": f["explanation"],
        }
        for f in factors
    ]


def _fit_badge(fit: float) -> dict:
    """How well a helper fits, on the one scale both the request page and the batch
    page use: words and a percent ("Good fit: 85%"), the stronger of the skill or
    service fit and the words in common (core.fit_of)."""
    pct = int(round(100 * fit))
    level = "good" if fit >= 0.7 else "fair" if fit >= 0.5 else "weak"
    return {"pct": pct, "words": _fit_words(fit), "level": level}


def _stored_fit(factors) -> float:
    """core.fit_of for a match as it was scored when proposed (its stored factors)."""
    scores = [
        f["points"] / f["weight"]
        for f in factors
        if f.get("name") in ("fit", "text") and f.get("weight")
    ]
    return max(scores, default=0.0)


@login_required
def need_detail(request, slug: str, need_id: int):
    community = community_for(request, slug)
    need = _need(request, community, need_id)
    asker = actions.asker_of(need)
    if (
        policy.can(request.user, "need.view_all", community, need)
        and asker is not None
        and asker.user_id != request.user.pk
    ):
        record_view(asker, viewer=request.user, reason=f"Viewed the request {need.pk}")
    matches = list(need.matches.select_related("need", "offer", "asset", "helper"))
    context = {
        "community": community,
        "need": need,
        "matches": [(m, contacts.helper_label(request.user, m)) for m in matches],
        "page_title": need.title,
        "can_propose": policy.can(request.user, "match.propose", community, need)
        and need.status == Need.Status.OPEN,
        "can_close": policy.can(request.user, "need.edit", community, need)
        and need.status in (Need.Status.OPEN, Need.Status.MATCHED),
        # "It's sorted" is the asker's own words; staff close a request for them.
        "closing_for_someone": not (
            need.posted_by_id == request.user.pk
            or (asker is not None and asker.user_id == request.user.pk)
        ),
        "languages": [str(LANGUAGE_NAMES.get(c, c)) for c in need.languages],
        "accessibility": [str(ACCESSIBILITY.get(a, a)) for a in need.accessibility],
    }
    if policy.can(request.user, "need.edit", community, need) and need.status in (
        Need.Status.OPEN,
        Need.Status.MATCHED,
    ):
        kind = next(iter(need.tags.all()), None)
        # A guess is shown chosen, so the person can see it and confirm or change it.
        context["kind_form"] = NeedKindForm(initial={"tag": kind.code if kind else ""})
        if need.kind_guessed:
            context["kind_form"].fields["tag"].label = _("Kampung guessed this: is it right?")
    try:
        _add_candidates(request, need, context)
    except kept.NotReady as exc:
        context["not_ready"] = exc.message
    return render(request, "matching/need_detail.html", context)


def _add_candidates(request, need, context) -> None:
    """Who could help, from the community's kept candidate index."""
    if not context["can_propose"] and need.status == Need.Status.OPEN:
        # The person asking sees places, groups and organisations that may help (not
        # people: a person is only suggested by a community developer, with their yes).
        ranked = kept.rank_need(
            request.user, need, limit=5, kinds=frozenset({"asset"}), summary=False
        )
        context["self_help"] = [
            {"name": ranked.by_id[m.candidate_id].name,
             "asset_id": int(str(m.candidate_id).split(":")[1]),
             "why": m.factor("fit").explanation or m.factor("text").explanation}
            for m in ranked.matches
        ]  # fmt: skip
    if context["can_propose"]:
        ranked = kept.rank_need(request.user, need, limit=10)
        headings = cand.headings([ranked.by_id[m.candidate_id] for m in ranked.matches])
        context["candidates"] = [
            {
                "id": m.candidate_id,
                "name": headings[m.candidate_id][0],
                "what": headings[m.candidate_id][1],
                "kind": m.kind,
                "fit": _fit_badge(core.fit_of(m)),
                "factors": _factor_rows(
                    [
                        {"name": f.name, "points": f.points, "weight": f.weight,
                         "explanation": f.explanation}
                        for f in m.factors
                    ]
                ),
            }
            for m in ranked.matches
        ]  # fmt: skip
        context["excluded"] = cand.not_suggested_sentences(need, ranked.not_suggested)


@login_required
@require_POST
def match_propose(request, slug: str, need_id: int):
    community = community_for(request, slug)
    need = _need(request, community, need_id)
    try:
        match = actions.propose_match(
            by=request.user,
            need=need,
            candidate_id=request.POST.get("candidate", ""),
            note=request.POST.get("note", ""),
        )
    except REFUSALS as exc:
        show_error(request, exc)
        return redirect("need_detail", slug=slug, need_id=need.pk)
    what = match.candidate_name
    who = match.helper.display_name if match.helper else ""
    named = _("%(who)s — %(what)s") % {"who": who, "what": what} if who and who != what else what
    if match.helper is not None and not match.helper.has_device:
        text = _("Suggested %(who)s. They have no login: tell them, then record their answer here.")
    elif match.helper is not None:
        text = _("Suggested %(who)s. They will see it on their Kampung page.")
    else:
        text = _("Suggested %(who)s.")
    messages.success(request, text % {"who": named})
    return redirect("match_detail", slug=slug, match_id=match.pk)


def _match(request, community, match_id) -> Match:
    match = get_object_or_404(
        Match.objects.select_related("need__member", "need__community", "offer", "asset", "helper"),
        pk=match_id,
        community=community,
    )
    policy.require(request.user, "match.view", community, match)
    return match


@login_required
def match_detail(request, slug: str, match_id: int):
    community = community_for(request, slug)
    match = _match(request, community, match_id)
    me = policy.membership(request.user, community)
    is_helper = me is not None and me.pk == match.helper_id
    from kampung.timebank.models import Exchange

    exchange = Exchange.objects.filter(community=community, match_id=match.pk).first()
    need = match.need
    if need.organisation_id is not None:
        may_record = policy.can(
            request.user, "timebank.charge_organisation", community, need.organisation
        )
    else:
        may_record = need.member_id is not None
    asker = actions.asker_of(need)
    contacts.log_staff_view(request.user, match)
    side = contacts.side_of(request.user, match)
    shown = match.status in contacts.SHOWN
    # Who may say what is shared: my own side, or staff for a side without a login.
    share_sides = [
        s
        for s in ("helper", "asker")
        if shown
        and (side == s or side is None)
        and policy.can(request.user, f"match.share_as_{s}", community, match)
    ]
    share_forms = [
        {
            "side": s,
            "current": getattr(match, f"{s}_shares")
            or contacts.standing_choice(match.helper if s == "helper" else asker),
            "chosen": bool(getattr(match, f"{s}_shares")),
            "person": match.helper if s == "helper" else asker,
            "other": (match.helper.display_name if match.helper else match.candidate_name)
            if s == "asker"
            else (need.organisation.name if need.organisation_id else asker),
        }
        for s in share_sides
    ]
    return render(
        request,
        "matching/match_detail.html",
        {
            "asker": asker,
            "helper_label": contacts.helper_label(request.user, match),
            "contacts": contacts.contacts_for(request.user, match),
            "side": side,
            "share_forms": share_forms,
            "share_choices": Share.choices,
            "answer_share": contacts.standing_choice(match.helper),
            "messages_list": match.messages.select_related("sender")
            if policy.can(request.user, "match.read_messages", community, match) and shown
            else [],
            "can_message": shown and policy.can(request.user, "match.message", community, match),
            "can_record_timebank": may_record
            and match.helper_id is not None
            and exchange is None
            and policy.can(request.user, "match.progress", community, match),
            "community": community,
            "match": match,
            "need": match.need,
            "factors": _factor_rows(match.factors)
            if policy.can(request.user, "match.view_reasons", community, match)
            else [],
            "fit": _fit_badge(_stored_fit(match.factors)),
            "is_helper": is_helper,
            "exchange": exchange,
            "can_answer": match.status == Match.Status.PROPOSED
            and policy.can(request.user, "match.respond", community, match),
            "can_progress": policy.can(request.user, "match.progress", community, match),
            "complete_form": CompleteForm(),
            "page_title": _("Request: %(need)s") % {"need": match.need.title},
        },
    )


@login_required
@require_POST
def match_answer(request, slug: str, match_id: int):
    community = community_for(request, slug)
    match = _match(request, community, match_id)
    accept = request.POST.get("answer") == "yes"
    try:
        actions.answer_match(
            by=request.user,
            match=match,
            accept=accept,
            reason=request.POST.get("reason", ""),
            share=request.POST.get("share", Share.NONE) if accept else Share.NONE,
        )
    except REFUSALS as exc:
        show_error(request, exc)
    else:
        me = policy.membership(request.user, community)
        if me is not None and me.pk == match.helper_id:
            text = (
                _("Thank you for saying yes! You can send a message below.")
                if accept
                else _("Thanks for letting us know.")
            )
        else:  # staff, for a helper without a login
            text = (
                _("Recorded that %(name)s can help.")
                if accept
                else _("Recorded that %(name)s cannot help this time.")
            ) % {"name": match.helper.display_name if match.helper else match.candidate_name}
        messages.success(request, text)
    return redirect("match_detail", slug=slug, match_id=match.pk)


@login_required
@require_POST
def match_share(request, slug: str, match_id: int):
    community = community_for(request, slug)
    match = _match(request, community, match_id)
    try:
        actions.choose_what_to_share(
            by=request.user,
            match=match,
            share=request.POST.get("share", ""),
            side=request.POST.get("side") or None,
        )
    except REFUSALS as exc:
        show_error(request, exc)
    else:
        messages.success(request, _("Saved what you share."))
    return redirect("match_detail", slug=slug, match_id=match.pk)


@login_required
@require_POST
def match_message(request, slug: str, match_id: int):
    community = community_for(request, slug)
    match = _match(request, community, match_id)
    try:
        actions.send_match_message(by=request.user, match=match, text=request.POST.get("text", ""))
    except REFUSALS as exc:
        show_error(request, exc)
    else:
        messages.success(request, _("Message sent."))
    return redirect("match_detail", slug=slug, match_id=match.pk)


@login_required
@require_POST
def match_progress(request, slug: str, match_id: int):
    community = community_for(request, slug)
    match = _match(request, community, match_id)
    step = request.POST.get("step")
    try:
        if step == "start":
            actions.start_match(by=request.user, match=match)
            messages.success(request, _("Marked as under way."))
        elif step == "complete":
            form = CompleteForm(request.POST)
            if not form.is_valid():
                raise ValidationError({k: [str(e) for e in v] for k, v in form.errors.items()})
            total = form.cleaned_data["hours"] * 60 + form.cleaned_data["minutes"]
            actions.complete_match(
                by=request.user, match=match, minutes=total, feedback=form.cleaned_data["feedback"]
            )
            messages.success(request, _("Marked as done. Thank you!"))
        elif step == "timebank":
            actions.record_in_timebank(by=request.user, match=match)
            messages.success(
                request,
                _("Recorded in the time bank. It counts once the other side confirms it there."),
            )
        elif step == "cancel":
            actions.cancel_match(
                by=request.user, match=match, reason=request.POST.get("reason", "")
            )
            messages.success(request, _("Cancelled."))
    except REFUSALS as exc:
        show_error(request, exc)
    return redirect("match_detail", slug=slug, match_id=match.pk)


@login_required
def offer_list(request, slug: str):
    community = community_for(request, slug)
    policy.require(request.user, "offer.post", community)
    me = policy.membership(request.user, community)
    profile = StrengthsProfile.objects.filter(member=me).first() if me else None
    # Two forms on one page: only the one that was sent is bound (a GET binds neither,
    # so both show their initial values).
    which = request.POST.get("which") if request.method == "POST" else None
    form = OfferForm(request.POST if which == "offer" else None)
    strengths = StrengthsForm(
        request.POST if which == "strengths" else None,
        initial={
            "interests": profile.interests if profile else "",
            "lived_experience": profile.lived_experience if profile else "",
            "availability": when_from_slots(profile.availability) if profile else [],
            "travel_km": profile.travel_km if profile else 1.0,
            "open_to_requests": profile.open_to_requests if profile else False,
            "max_at_once": profile.max_at_once if profile else 2,
        },
    )
    if request.method == "POST" and which == "strengths" and me and strengths.is_valid():
        try:
            actions.save_strengths(by=request.user, member=me, **strengths.cleaned_data)
        except REFUSALS as exc:
            add_errors(strengths, exc)
        else:
            messages.success(request, _("Your strengths are saved."))
            return redirect("offer_list", slug=slug)
    if request.method == "POST" and which == "offer" and form.is_valid():
        data = dict(form.cleaned_data)
        tag = data.pop("tag")
        try:
            actions.post_offer(
                by=request.user, community=community, tags=[tag] if tag else [], **data
            )
        except REFUSALS as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Thank you! Your offer is in."))
            return redirect("offer_list", slug=slug)
    helping = Match.objects.filter(helper=me).select_related("need").order_by("-proposed_at")[:50]
    return render(
        request,
        "matching/offer_list.html",
        {
            "community": community,
            "offers": Offer.objects.filter(community=community, member=me).prefetch_related("tags"),
            "helping": helping,
            "form": form,
            "strengths": strengths,
            "page_title": _("What I offer"),
            **_pick_map_context(request, community),
        },
    )


BATCH_SALT = "kampung.matching.batch-suggestion"
BATCH_MAX_AGE = 6 * 3600  # a review left open longer is computed again


def _fit_words(fit: float) -> str:
    if fit >= 0.7:
        return _("Good fit")
    if fit >= 0.5:
        return _("Fair fit")
    return _("Weak fit")


def _sign_pair(request, community, need_id: int, candidate_id: str, min_fit: float) -> str:
    """A suggestion on the review page, signed so that what comes back is only what
    this coordinator was shown here (the scores are computed again when sending)."""
    return signing.dumps(
        [community.pk, request.user.pk, need_id, candidate_id, min_fit], salt=BATCH_SALT
    )


def _unsign_pairs(request, community, values) -> tuple[list[tuple[int, str]], float, int]:
    """(pairs, minimum fit, how many values were out of date or not ours)."""
    pairs, min_fit, bad = [], core.DEFAULT_MIN_FIT, 0
    for value in values[:500]:
        try:
            cid, uid, need_id, candidate_id, fit = signing.loads(
                value, salt=BATCH_SALT, max_age=BATCH_MAX_AGE
            )
        except (signing.BadSignature, ValueError, TypeError):
            bad += 1
            continue
        if (cid, uid) != (community.pk, request.user.pk):
            bad += 1
            continue
        pairs.append((int(need_id), str(candidate_id)))
        min_fit = float(fit)
    return pairs, min_fit, bad


@login_required
@require_POST
def allocate(request, slug: str):
    """Suggest helpers for all open requests: check, then confirm. The first post shows
    the suggestions Kampung would make (each ticked, with its fit and why), and the
    requests with no good match; the coordinator unticks any and sends the rest."""
    community = community_for(request, slug)
    # Each plan reads the whole community's requests and helpers: not on a loop.
    limit(request, group="allocate", key="user", rate=settings.KAMPUNG_FORM_RATE)
    if request.POST.get("step") == "send":
        return _allocation_send(request, community)
    form = BatchReviewForm(request.POST if "min_fit" in request.POST else None)
    min_fit = form.cleaned_data["min_fit"] / 100 if form.is_valid() else core.DEFAULT_MIN_FIT
    try:
        plan = actions.plan_allocation(by=request.user, community=community, min_fit=min_fit)
    except REFUSALS as exc:
        show_error(request, exc)
        return redirect("need_list", slug=slug)
    rows = [
        {
            "pair": p,
            "token": _sign_pair(request, community, p.need.pk, p.candidate_id, plan.min_fit),
            "fit_pct": int(round(100 * p.fit)),
            "fit_words": _fit_words(p.fit),
        }
        for p in plan.pairs
    ]
    return render(
        request,
        "matching/allocation_review.html",
        {
            "community": community,
            "form": form if form.is_bound else BatchReviewForm(),
            "rows": rows,
            "plan": plan,
            "min_fit_pct": int(round(100 * plan.min_fit)),
            "page_title": _("Check the suggestions before sending them"),
        },
    )


def _allocation_send(request, community):
    pairs, min_fit, bad = _unsign_pairs(request, community, request.POST.getlist("pair"))
    if not pairs:
        messages.error(
            request,
            _("Nothing was sent: tick at least one suggestion.")
            if not bad
            else _("Nothing was sent: the list was out of date. Here it is again."),
        )
        return redirect("need_list", slug=community.slug)
    try:
        proposed, skipped = actions.send_suggestions(
            by=request.user, community=community, pairs=pairs, min_fit=min_fit
        )
    except REFUSALS as exc:
        show_error(request, exc)
        return redirect("need_list", slug=community.slug)
    if bad:
        skipped.append((None, _("Some suggestions were out of date and were not sent.")))
    if proposed:
        messages.success(
            request,
            ngettext(
                "%(n)s suggestion sent. Each helper is asked and can say no.",
                "%(n)s suggestions sent. Each helper is asked and can say no.",
                len(proposed),
            )
            % {"n": len(proposed)},
        )
    return render(
        request,
        "matching/allocation.html",
        {
            "community": community,
            "proposed": proposed,
            "skipped": skipped,
            "page_title": _("Suggestions sent"),
        },
    )


@login_required
@require_POST
def need_close(request, slug: str, need_id: int):
    """The person asking (or a community developer) says the request is sorted, or
    withdraws it."""
    community = community_for(request, slug)
    need = _need(request, community, need_id)
    status = request.POST.get("status", "")
    try:
        actions.close_need(by=request.user, need=need, status=status)
    except REFUSALS as exc:
        show_error(request, exc)
    else:
        messages.success(
            request,
            _("Marked as sorted. Thank you for letting us know.")
            if status == Need.Status.MET
            else _("Withdrawn. Nobody new will be asked to help with it."),
        )
    return redirect("need_detail", slug=slug, need_id=need.pk)


@login_required
@require_POST
def need_kind(request, slug: str, need_id: int):
    """The person asking or a community developer says what kind of help it is."""
    community = community_for(request, slug)
    need = _need(request, community, need_id)
    limit(request, group="need-kind", key="user", rate=settings.KAMPUNG_FORM_RATE)
    form = NeedKindForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a kind of help from the list."))
        return redirect("need_detail", slug=slug, need_id=need.pk)
    try:
        actions.change_need_kind(by=request.user, need=need, tag=form.cleaned_data["tag"])
    except REFUSALS as exc:
        show_error(request, exc)
    else:
        messages.success(request, _("Saved the kind of help."))
    return redirect("need_detail", slug=slug, need_id=need.pk)


OFFER_STATUS_MESSAGES = {
    Offer.Status.PAUSED: gettext_lazy("Paused. Nobody will be asked about it until you resume."),
    Offer.Status.ACTIVE: gettext_lazy("Your offer is open again."),
    Offer.Status.CLOSED: gettext_lazy("Withdrawn. Thank you for offering."),
}


@login_required
@require_POST
def offer_status(request, slug: str, offer_id: int):
    """Pause, resume or withdraw one of my offers (its asset on the map follows)."""
    community = community_for(request, slug)
    offer = get_object_or_404(Offer, pk=offer_id, community=community)
    status = request.POST.get("status", "")
    try:
        actions.change_offer(by=request.user, offer=offer, status=status)
    except REFUSALS as exc:
        show_error(request, exc)
    else:
        messages.success(request, OFFER_STATUS_MESSAGES[status])
    return redirect("offer_list", slug=slug)

from __future__ import annotations

import re
from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from kampung import limits
from kampung.assets import hours
from kampung.assets.models import Asset, Category, Tag
from kampung.assets.rules import ACCESSIBILITY
from kampung.people.skills import LANGUAGE_NAMES
from kampung.web import PickPlace

WHERE = [
    (Asset.LocationKind.POINT, _("At a place (tap the map)")),
    (Asset.LocationKind.ONLINE, _("Online")),
    (Asset.LocationKind.COMES_TO_YOU, _("It comes to you")),
]
# "1.3521, 103.8198" as map apps show a position; a space or semicolon also separates.
_POSITION = re.compile(r"^\s*(-?\d{1,3}(?:\.\d+)?)\s*[,; ]\s*(-?\d{1,3}(?:\.\d+)?)\s*$")


@dataclass(frozen=True)
class TagChoice:
    code: str
    title: str
    # What the search box also matches: the broader service types above it ("Food" for
    # "Food Pantry"), so typing "food" finds every kind of food help.
    search: str


def tag_groups(chosen=()) -> list[tuple[str, str, list[TagChoice]]]:
    """The tag picker's options: (key, group heading, choices), skills first. Each label
    appears once in its group: Open Eligibility lists some services under several parents
    ("Help Pay for Food" under Food and under Money), and one tick is enough. When the
    asset already has one of those codes, that code is the one offered, so saving without
    touching the tags changes nothing. Terms added by administrators count as service
    types; a label that is also a skill is offered only among the skills."""
    chosen = set(chosen)
    tags = list(
        Tag.objects.order_by("title", "code").values_list("scheme", "code", "title", "parent_code")
    )
    titles = {code: title for _scheme, code, title, _parent in tags}
    parents = {code: parent for _scheme, code, _title, parent in tags if parent}

    def broader(code: str) -> list[str]:
        out, seen = [], {code}
        while code in parents and parents[code] not in seen:
            code = parents[code]
            seen.add(code)
            out.append(titles.get(code, ""))
        return out

    groups: dict[str, dict[str, TagChoice]] = {"skills": {}, "services": {}}
    for scheme, code, title, _parent in sorted(
        tags, key=lambda t: (t[0] != "skill", t[1] not in chosen)
    ):
        group = "skills" if scheme == Tag.Scheme.SKILL else "services"
        key = title.casefold().strip()
        if group == "services" and key in groups["skills"] and code not in chosen:
            continue
        found = groups[group].get(key)
        words = [w for w in broader(code) if w]
        if found is None:
            groups[group][key] = TagChoice(code, title, " ".join([title, *words]))
        else:
            # Also found under these broader names, under the code already offered.
            more = [w for w in words if w not in found.search]
            if more:
                search = " ".join([found.search, *more])
                groups[group][key] = TagChoice(found.code, found.title, search)

    def ordered(choices: dict[str, TagChoice]) -> list[TagChoice]:
        # What is ticked comes first, so it stays in sight above the long list.
        return sorted(choices.values(), key=lambda c: (c.code not in chosen, c.title.casefold()))

    return [
        ("skills", str(_("Skills")), ordered(groups["skills"])),
        ("services", str(_("Service types")), ordered(groups["services"])),
    ]


class AssetForm(PickPlace):
    """Adding or changing an asset. Where it is comes from a tap on the map (the hidden
    lat/lng of PickPlace) or, behind "Type the position instead", a typed position."""

    name = forms.CharField(label=_("What is it called?"), max_length=200)
    category = forms.ChoiceField(label=_("What kind of asset is it?"), choices=Category.choices)
    subtype = forms.CharField(
        label=_("More precisely (optional)"),
        max_length=64,
        required=False,
        help_text=_("For example: void deck, youth group, community fridge"),
    )
    description = forms.CharField(
        max_length=limits.DESCRIPTION_MAX,
        label=_("Description (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    location_kind = forms.ChoiceField(
        label=_("Where is it?"),
        choices=WHERE,
        initial=Asset.LocationKind.POINT,
        widget=forms.RadioSelect,
    )
    position = forms.CharField(
        label=_("Position"),
        max_length=60,
        required=False,
        widget=forms.TextInput(attrs={"data-pick-typed": "", "autocomplete": "off"}),
        help_text=_(
            "Two numbers with a comma between them, as map apps show them, "
            "for example 1.3521, 103.8198. Leave empty if you tapped the map."
        ),
    )
    tags = forms.MultipleChoiceField(
        label=_("What it offers (optional)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    accessibility = forms.MultipleChoiceField(
        label=_("Accessibility"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(k, _(v)) for k, v in ACCESSIBILITY.items()],
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=list(LANGUAGE_NAMES.items()),
    )
    opening_hours = forms.CharField(
        label=_("Opening times (optional)"),
        required=False,
        max_length=500,
        help_text=_(
            "Days and times, separated by semicolons, like: "
            "Mon-Fri 09:00-17:00; Sat 10:00-12:00, 14:00-16:00"
        ),
    )
    cost = forms.ChoiceField(label=_("Cost"), choices=Asset.Cost.choices)
    capacity = forms.IntegerField(
        label=_("How many people it can take (optional)"), required=False, min_value=0
    )
    contact = forms.CharField(
        label=_("How to get in touch (optional)"), max_length=200, required=False
    )
    visibility = forms.ChoiceField(
        label=_("Who can see it"),
        choices=Asset.Visibility.choices,
        initial=Asset.Visibility.MEMBERS,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        chosen = self["tags"].value() or []
        self.tag_groups = tag_groups(chosen)
        self.fields["tags"].choices = [
            (c.code, c.title) for _key, _label, choices in self.tag_groups for c in choices
        ]
        self.chosen_tag_titles = [
            c.title
            for _key, _label, choices in self.tag_groups
            for c in choices
            if c.code in chosen
        ]
        # Codes the asset already has but the picker offers under another code (a
        # duplicate label) stay valid, so an untouched edit keeps them.
        offered = {c.code for _key, _label, choices in self.tag_groups for c in choices}
        extra = [code for code in chosen if code not in offered]
        if extra:
            self.fields["tags"].choices += list(
                Tag.objects.filter(code__in=extra).values_list("code", "title")
            )

    def clean_opening_hours(self):
        try:
            return hours.parse_opening_hours(self.cleaned_data.get("opening_hours") or "")
        except hours.HoursError as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean_position(self):
        text = self.cleaned_data.get("position", "").strip()
        if not text:
            return None
        found = _POSITION.match(text)
        lat, lng = (float(found[1]), float(found[2])) if found else (None, None)
        if lat is None or lng is None or not (-90 <= lat <= 90 and -180 <= lng <= 180):
            raise forms.ValidationError(
                _("Type the position as two numbers with a comma, for example 1.3521, 103.8198.")
            )
        return lat, lng

    def clean(self):
        data = super().clean()
        typed = data.pop("position", None)
        if typed is not None:
            # Typing is a deliberate act: it wins over a mark left on the map.
            data["lat"], data["lng"] = typed
        if (
            data.get("location_kind") == Asset.LocationKind.POINT
            and (data.get("lat") is None or data.get("lng") is None)
            and "position" not in self.errors
        ):
            self.add_error(
                "lat",
                _("Tap the map where it is, or choose “Online” or “It comes to you”."),
            )
        return data

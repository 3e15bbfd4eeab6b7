"""The forms of session pages: plain choices that the actions turn into an RRULE."""

from __future__ import annotations

import math
from collections import Counter

from django import forms
from django.utils.translation import gettext_lazy as _

from kampung import limits, policy
from kampung.assets.models import Asset, Category
from kampung.assets.rules import ACCESSIBILITY
from kampung.people.skills import LANGUAGE_NAMES, SKILLS
from kampung.skillshare.models import MAX_CAPACITY

REPEAT_CHOICES = [
    ("once", _("Once, on the first date")),
    ("weekly", _("Every week, on the same day")),
    ("fortnightly", _("Every two weeks, on the same day")),
    ("monthly", _("Once a month, on the same weekday")),
]
NTH_CHOICES = [
    ("", _("The same week as the first date")),
    ("1", _("The first one of the month")),
    ("2", _("The second one")),
    ("3", _("The third one")),
    ("4", _("The fourth one")),
    ("-1", _("The last one of the month")),
]
DAYS = [
    ("", _("Any day")),
    ("0", _("Monday")),
    ("1", _("Tuesday")),
    ("2", _("Wednesday")),
    ("3", _("Thursday")),
    ("4", _("Friday")),
    ("5", _("Saturday")),
    ("6", _("Sunday")),
]
TOPICS = [("", _("Any topic"))] + [(code, label) for code, label in SKILLS.items()]
BASES = [
    ("per_host", _("The host earns the session's time once (shared by those who came)")),
    ("per_attendee", _("Each person who came gives the host the session's time")),
]


def places_for(user, community, keep: Asset | None = None):
    """The places a person may choose: active places they may see (at most 500), and the
    session's own place. Not a sliced queryset: a form's choice is checked by filtering
    it, and a sliced one cannot be filtered (every saved choice was refused)."""
    ids = list(
        policy.visible_assets(user, community)
        .filter(category=Category.PLACE, status=Asset.Status.ACTIVE)
        .order_by("name", "pk")
        .values_list("pk", flat=True)[:500]
    )
    if keep is not None:
        ids.append(keep.pk)
    return (
        Asset.objects.filter(pk__in=ids)
        .select_related("steward_organisation")
        .order_by("name", "pk")
    )


_COMPASS = [
    _("north"),
    _("north-east"),
    _("east"),
    _("south-east"),
    _("south"),
    _("south-west"),
    _("west"),
    _("north-west"),
]


def where_in_words(asset: Asset, community) -> str:
    """Where a place is, from the community's centre: "about 300 m north-east"."""
    if asset.lat is None or asset.lng is None or community.centre_lat is None:
        return ""
    north = (asset.lat - community.centre_lat) * 111_320
    east = (asset.lng - community.centre_lng) * 111_320 * math.cos(math.radians(asset.lat))
    metres = math.hypot(north, east)
    if metres < 50:
        return str(_("at the centre of the area"))
    point = _COMPASS[round(math.degrees(math.atan2(east, north)) % 360 / 45) % 8]
    far = f"{round(metres, -2):.0f} m" if metres < 1000 else f"{metres / 1000:.1f} km"
    return str(_("about %(far)s %(point)s of the centre") % {"far": far, "point": point})


class PlaceChoice(forms.ModelChoiceField):
    """A place's name, and when several share a name, what it is, who looks after it and
    where it is in words, so each choice can be told apart."""

    def __init__(self, *args, **kwargs):
        self.community = None
        self.shared_names: set[str] = set()
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj):
        if obj.name not in self.shared_names:
            return obj.name
        hints = [obj.subtype] if obj.subtype and obj.subtype.lower() not in obj.name.lower() else []
        if obj.steward_organisation_id:
            hints.append(_("looked after by %(org)s") % {"org": obj.steward_organisation.name})
        where = where_in_words(obj, self.community) if self.community else ""
        if where:
            hints.append(where)
        return f"{obj.name} ({', '.join(str(h) for h in hints)})" if hints else obj.name


class SessionForm(forms.Form):
    title = forms.CharField(
        label=_("Name of the session"),
        max_length=200,
        help_text=_("For example “Tech and tea” or “Mending clinic”."),
    )
    description = forms.CharField(
        label=_("What people will learn or do"),
        max_length=limits.DESCRIPTION_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    topic = forms.ChoiceField(
        label=_("Topic"),
        choices=[("", _("No topic"))] + TOPICS[1:],
        required=False,
    )
    place = PlaceChoice(
        label=_("Where it is held"),
        queryset=Asset.objects.none(),
        required=False,
        empty_label=_("Online only"),
        help_text=_("A place on the community map."),
    )
    online_link = forms.CharField(
        label=_("Online link (optional)"),
        max_length=300,
        required=False,
        help_text=_("For a video call, the link people open, starting with https://"),
    )
    starts_on = forms.DateField(
        label=_("First date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    start_time = forms.TimeField(
        label=_("Starts at"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    end_time = forms.TimeField(label=_("Ends at"), widget=forms.TimeInput(attrs={"type": "time"}))
    repeat = forms.ChoiceField(
        label=_("How often"), choices=REPEAT_CHOICES, widget=forms.RadioSelect, initial="once"
    )
    nth = forms.TypedChoiceField(
        label=_("For once a month: which week"),
        choices=NTH_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
    )
    ends_on = forms.DateField(
        label=_("Last date (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty if it goes on."),
    )
    capacity = forms.IntegerField(
        label=_("How many people can come"),
        min_value=1,
        max_value=MAX_CAPACITY,
        error_messages={
            "min_value": _("At least 1 person must be able to come."),
            "max_value": _("At most %(limit_value)s people."),
        },
    )
    waiting_list = forms.BooleanField(
        label=_("Keep a waiting list when it is full"), required=False, initial=True
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages spoken"),
        choices=list(LANGUAGE_NAMES.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    accessibility = forms.MultipleChoiceField(
        label=_("Accessibility"),
        choices=list(ACCESSIBILITY.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    is_public = forms.BooleanField(
        label=_("Show it in the public calendar (anyone with the link can see it)"),
        required=False,
    )

    def __init__(self, *args, user, community, keep_place=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["place"]
        field.queryset = places_for(user, community, keep_place)
        field.community = community
        names = Counter(a.name for a in field.queryset)
        field.shared_names = {n for n, count in names.items() if count > 1}


class FilterForm(forms.Form):
    topic = forms.ChoiceField(label=_("Topic"), choices=TOPICS, required=False)
    language = forms.ChoiceField(
        label=_("Language"),
        choices=[("", _("Any language"))] + list(LANGUAGE_NAMES.items()),
        required=False,
    )
    day = forms.TypedChoiceField(
        label=_("Day"), choices=DAYS, coerce=int, empty_value=None, required=False
    )
    access = forms.ChoiceField(
        label=_("Accessibility"),
        choices=[("", _("Any"))] + list(ACCESSIBILITY.items()),
        required=False,
    )


class CreditForm(forms.Form):
    basis = forms.ChoiceField(
        label=_("How the time is counted"),
        choices=BASES,
        widget=forms.RadioSelect,
        initial="per_host",
    )

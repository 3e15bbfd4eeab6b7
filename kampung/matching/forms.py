from django import forms
from django.utils.translation import gettext_lazy as _

from kampung import limits
from kampung.assets.models import Asset, Tag
from kampung.assets.rules import ACCESSIBILITY
from kampung.matching.models import Clearance, Mode, Offer, Urgency
from kampung.people.skills import LANGUAGE_NAMES
from kampung.web import PickPlace

DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
PARTS = {
    "morning": ("09:00", "12:00"),
    "afternoon": ("12:00", "17:00"),
    "evening": ("17:00", "21:00"),
}
WHEN_CHOICES = [(f"{d}-{part}", f"{DAYS[d]} {part}") for d in range(7) for part in PARTS]


def slots_from_when(values) -> list[dict]:
    """["1-afternoon"] -> [{"day": 1, "opens": "12:00", "closes": "17:00"}]"""
    out = []
    for value in values:
        day, _sep, part = value.partition("-")
        opens, closes = PARTS[part]
        out.append({"day": int(day), "opens": opens, "closes": closes})
    return out


def when_from_slots(slots) -> list[str]:
    by_times = {v: k for k, v in PARTS.items()}
    return [
        f"{s['day']}-{by_times[(s['opens'], s['closes'])]}"
        for s in slots or ()
        if (s["opens"], s["closes"]) in by_times
    ]


class WhenField(forms.MultipleChoiceField):
    """Weekly availability as ticks: each day's morning, afternoon and evening."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.setdefault("choices", WHEN_CHOICES)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)


def _kind_choices():
    skills = [(t.code, t.title) for t in Tag.objects.filter(scheme="skill").order_by("title")]
    services = [
        (t.code, t.title) for t in Tag.objects.filter(scheme="oe", parent_code="").order_by("title")
    ]
    return [
        ("", _("Not sure — let the text speak")),
        (_("Skills"), skills),
        (_("Services"), services),
    ]


class NeedForm(PickPlace):
    title = forms.CharField(
        label=_("What do you need?"),
        max_length=200,
        help_text=_("In a few words, e.g. “A lift to the polyclinic on Tuesday”"),
    )
    description = forms.CharField(
        max_length=limits.DESCRIPTION_MAX,
        label=_("Tell us more (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What would help, and anything the helper should know."),
    )
    tag = forms.ChoiceField(label=_("What kind of help is it? (optional)"), required=False)
    mode = forms.ChoiceField(
        label=_("How"), choices=Mode.choices, initial=Mode.IN_PERSON, widget=forms.RadioSelect
    )
    urgency = forms.TypedChoiceField(
        label=_("How soon"),
        choices=Urgency.choices,
        coerce=int,
        initial=Urgency.NORMAL,
        widget=forms.RadioSelect,
    )
    needed_from = forms.DateField(
        label=_("From (optional)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    needed_by = forms.DateField(
        label=_("By (optional)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages you are comfortable in"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=list(LANGUAGE_NAMES.items()),
    )
    accessibility = forms.MultipleChoiceField(
        label=_("Anything the place or helper must have"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(k, _(v)) for k, v in ACCESSIBILITY.items()],
    )
    for_household = forms.BooleanField(
        label=_("This is for my household, not only me"), required=False
    )

    def __init__(self, *args, staff=False, members=None, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tag"].choices = _kind_choices()
        if staff:
            self.fields["member"] = forms.ModelChoiceField(
                label=_("Who is it for?"),
                queryset=members,
                required=False,
                empty_label=_("Me"),
            )
        if organisations is not None and organisations.exists():
            self.fields["organisation"] = forms.ModelChoiceField(
                label=_("Is this request from an organisation? (optional)"),
                queryset=organisations,
                required=False,
                empty_label=_("No, it is for a person"),
                help_text=_(
                    "For example a lunch club that needs a volunteer driver. Its staff "
                    "then see the request and who may help."
                ),
            )
        if staff:
            self.fields["safeguarding"] = forms.TypedChoiceField(
                label=_("Background check the helper needs"),
                choices=Clearance.choices,
                coerce=int,
                initial=Clearance.NONE,
                widget=forms.RadioSelect,
            )


class OfferForm(PickPlace):
    kind = forms.ChoiceField(
        label=_("What do you offer?"), choices=Offer.Kind.choices, widget=forms.RadioSelect
    )
    title = forms.CharField(
        label=_("In a few words"),
        max_length=200,
        help_text=_("e.g. “Help with phones and tablets”, “Lifts to appointments”"),
    )
    description = forms.CharField(
        max_length=limits.DESCRIPTION_MAX,
        label=_("More about it (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    tag = forms.ChoiceField(label=_("What kind of help is it? (optional)"), required=False)
    location_kind = forms.ChoiceField(
        label=_("Where"),
        choices=Asset.LocationKind.choices,
        initial=Asset.LocationKind.COMES_TO_YOU,
        widget=forms.RadioSelect,
    )
    travel_km = forms.FloatField(
        label=_("How far you can go (km)"), min_value=0, max_value=200, initial=2
    )
    capacity = forms.IntegerField(
        label=_("How many requests you can take at once with this offer"),
        min_value=1,
        max_value=50,
        initial=1,
        help_text=_(
            "Your own limit across all your offers (under “My strengths”, 2 unless you "
            "change it) applies too."
        ),
    )
    availability = WhenField(label=_("When you are usually free (optional)"))
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=list(LANGUAGE_NAMES.items()),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tag"].choices = _kind_choices()

    def clean_availability(self):
        return slots_from_when(self.cleaned_data["availability"])


class StrengthsForm(forms.Form):
    interests = forms.CharField(
        max_length=limits.DESCRIPTION_MAX,
        label=_("What you enjoy and care about (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    lived_experience = forms.CharField(
        max_length=limits.DESCRIPTION_MAX,
        label=_(
            "Experience you are willing to share with someone going through the same (optional)"
        ),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: caring for a parent with dementia, recovering from depression."),
    )
    availability = WhenField(label=_("When you are usually free"))
    travel_km = forms.FloatField(label=_("How far you can travel (km)"), min_value=0, max_value=200)
    open_to_requests = forms.BooleanField(
        label=_("Community developers may ask me when someone needs what I can do"),
        required=False,
    )
    max_at_once = forms.IntegerField(
        label=_("How many requests can you help with at the same time?"),
        min_value=1,
        max_value=10,
        initial=2,
        required=False,
        help_text=_("Counting all your offers. Nobody will ask you about more than this."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    def clean_availability(self):
        return slots_from_when(self.cleaned_data["availability"])

    def clean_max_at_once(self):
        value = self.cleaned_data.get("max_at_once")
        return 2 if value is None else value


class CompleteForm(forms.Form):
    hours = forms.IntegerField(label=_("Hours"), min_value=0, max_value=24, initial=1)
    minutes = forms.IntegerField(label=_("Minutes"), min_value=0, max_value=59, initial=0)
    feedback = forms.CharField(
        max_length=limits.NOTE_MAX,
        label=_("How did it go? (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class BatchReviewForm(forms.Form):
    """The review of a batch of suggestions: how well a helper must fit to be suggested."""

    min_fit = forms.IntegerField(
        label=_("Only suggest helpers who fit at least (%)"),
        min_value=0,
        max_value=100,
        initial=35,
        help_text=_(
            "How closely what they offer matches the request. Requests with nobody this "
            "close are listed under “No good match”."
        ),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class NeedKindForm(forms.Form):
    """Change the kind of help a request is (Kampung guesses it when nobody says)."""

    tag = forms.ChoiceField(label=_("What kind of help is it?"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tag"].choices = _kind_choices()

"""The forms of session pages: plain choices that the actions turn into an RRULE."""

from __future__ import annotations

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


def places_for(user, community):
    return (
        policy.visible_assets(user, community)
        .filter(category=Category.PLACE, status=Asset.Status.ACTIVE)
        .order_by("name", "pk")[:500]
    )


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
    place = forms.ModelChoiceField(
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

    def __init__(self, *args, user, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = places_for(user, community)


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

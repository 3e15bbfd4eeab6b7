from django import forms
from django.utils.translation import gettext_lazy as _

from kampung import limits
from kampung.assets import hours
from kampung.assets.models import Asset, Category, Tag
from kampung.assets.rules import ACCESSIBILITY
from kampung.people.skills import LANGUAGE_NAMES


class AssetForm(forms.Form):
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
    location_kind = forms.ChoiceField(label=_("Where"), choices=Asset.LocationKind.choices)
    lat = forms.FloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90)
    lng = forms.FloatField(label=_("Longitude"), required=False, min_value=-180, max_value=180)
    tags = forms.MultipleChoiceField(
        label=_("Service types and skills"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
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

    def clean_opening_hours(self):
        try:
            return hours.parse_opening_hours(self.cleaned_data.get("opening_hours") or "")
        except hours.HoursError as exc:
            raise forms.ValidationError(str(exc)) from None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tags"].choices = [
            (t.code, f"{t.get_scheme_display()}: {t.title}")
            for t in Tag.objects.order_by("scheme", "title")
        ]

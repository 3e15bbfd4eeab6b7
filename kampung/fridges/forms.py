"""Forms of the fridge pages. They check the shape of what was typed; the rules (dates,
temperatures, who may) are the actions'."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kampung.assets.models import Asset
from kampung.fridges.models import SUBTYPES, Condition, Deposit, Fill
from kampung.fridges.photos import MAX_BYTES
from kampung.web import PickPlace

FILL_CHOICES = [(str(v), label) for v, label in Fill.choices]


class ReportForm(forms.Form):
    fill = forms.TypedChoiceField(
        label=_("How full is it?"),
        choices=FILL_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how full it is.")},
    )
    condition = forms.ChoiceField(
        label=_("How is the fridge?"),
        choices=Condition.choices,
        initial=Condition.FINE,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how the fridge is.")},
    )
    temperature_c = forms.FloatField(
        label=_("Temperature inside, in °C (optional)"),
        required=False,
        help_text=_("Read the thermometer inside the door, for example 4."),
        widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal"}),
        error_messages={"invalid": _("Write the temperature as a number, like 4.")},
    )


class PublicReportForm(ReportForm):
    photo = forms.FileField(
        label=_("A photo (optional)"),
        required=False,
        help_text=_("At most 5 MB. Kampung removes the place and the phone's details from it."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
    )

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if photo and photo.size > MAX_BYTES:
            raise forms.ValidationError(_("The photo is too large: send one of at most 5 MB."))
        return photo


class DepositForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What kind of food?"),
        choices=Deposit.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what kind of food it is.")},
    )
    amount = forms.ChoiceField(
        label=_("Roughly how much?"),
        choices=Deposit.Amount.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose roughly how much.")},
    )
    use_by = forms.DateField(
        label=_("Use-by date"),
        required=False,
        help_text=_("From the packet. Not needed for prepared food."),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Write the date like 2026-12-01.")},
    )
    made_on = forms.DateField(
        label=_("Prepared food: the day it was made"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Write the date like 2026-12-01.")},
    )


class FridgeForm(PickPlace):
    name = forms.CharField(label=_("Name"), max_length=200)
    subtype = forms.ChoiceField(
        label=_("Fridge or pantry"), choices=[(s, _(s)) for s in SUBTYPES], widget=forms.RadioSelect
    )
    description = forms.CharField(
        label=_("Where exactly, and anything else to know"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    always_open = forms.BooleanField(label=_("Open 24 hours"), required=False)
    opening_hours = forms.CharField(
        label=_("Opening times (if not 24 hours)"),
        required=False,
        max_length=500,
        help_text=_("For example: Mon-Fri 09:00-17:00; Sat 10:00-12:00"),
    )
    rules = forms.CharField(
        label=_("What it does not accept (one per line)"),
        required=False,
        max_length=2500,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    prepared_food_days = forms.IntegerField(
        label=_("Days prepared food may stay"), min_value=1, max_value=14, initial=2
    )
    credit_minutes = forms.IntegerField(
        label=_("Time credits for each check, in minutes (0 for none)"),
        min_value=0,
        max_value=240,
        initial=0,
    )
    visibility = forms.ChoiceField(
        label=_("Who can see it on the map"),
        choices=[
            (Asset.Visibility.PUBLIC, _("Everyone (also in the open feed for other apps)")),
            (Asset.Visibility.MEMBERS, _("Members of this community")),
        ],
        widget=forms.RadioSelect,
        initial=Asset.Visibility.PUBLIC,
    )
    host = forms.ModelChoiceField(
        label=_("Host"), queryset=None, required=False, empty_label=_("No host yet")
    )

    def __init__(self, *args, community=None, may_change_host=True, **kwargs):
        super().__init__(*args, **kwargs)
        from django.db.models import Q

        from kampung.people.models import Member, Role

        # People who could host: those who act in the site (not every resident on record).
        self.fields["host"].queryset = (
            Member.objects.filter(community=community, is_active=True)
            .filter(
                Q(user__isnull=False, role__in=[Role.VOLUNTEER, Role.COORDINATOR, Role.ADMIN])
                | Q(pk=self.initial.get("host") or 0)
            )
            .order_by("display_name")
        )
        if not may_change_host:
            del self.fields["host"]


class ResolveForm(forms.Form):
    action_taken = forms.CharField(
        label=_("What was done?"),
        max_length=300,
        help_text=_("For example: threw the rice away; turned the fridge colder."),
    )


class SlotsForm(forms.Form):
    first_day = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    days = forms.IntegerField(label=_("For how many days"), min_value=1, max_value=31, initial=7)


class LogPeriodForm(forms.Form):
    first = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    last = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))

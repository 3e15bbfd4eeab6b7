"""Forms of gift and take's pages: they check shapes; the rules are in actions."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kampung.sharing.models import (
    AREA_MAX,
    MAX_PHOTOS,
    MESSAGE_MAX,
    TAKE_DOWN_REASON_MAX,
    TITLE_MAX,
    Category,
    Condition,
    Share,
)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Up to four files; each is checked as a picture by the action (not here)."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [f for f in files if f]


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Words"), max_length=100, required=False)
    category = forms.ChoiceField(
        label=_("Kind of item"),
        choices=[("", _("Any kind"))] + list(Category.choices),
        required=False,
    )
    area = forms.CharField(label=_("Pickup area"), max_length=AREA_MAX, required=False)


class ListingForm(forms.Form):
    title = forms.CharField(
        label=_("What is it?"),
        max_length=TITLE_MAX,
        help_text=_("A few words, for example “Baby cot with mattress”. No prices: it is free."),
    )
    category = forms.ChoiceField(label=_("Kind of item"), choices=Category.choices)
    condition = forms.ChoiceField(
        label=_("Condition"), choices=Condition.choices, initial=Condition.GOOD
    )
    description = forms.CharField(
        label=_("More about it (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    pickup_area = forms.CharField(
        label=_("Pickup area"),
        max_length=AREA_MAX,
        help_text=_(
            "Roughly where to pick it up: a neighbourhood, block or street name. Never your "
            "address: you share that later, with the person you choose."
        ),
    )
    available_until = forms.DateField(
        label=_("Available until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The last day it can be picked up. Two weeks from today if you leave it."),
    )
    photos = PhotosField(
        label=_("Photos (optional, up to 4)"),
        required=False,
        help_text=_("JPEG or PNG pictures, each at most 5 MB."),
        widget=MultipleFileInput(attrs={"accept": "image/*", "multiple": True}),
    )

    def __init__(self, *args, shops=None, **kwargs):
        super().__init__(*args, **kwargs)
        if shops:
            self.fields["shop"] = forms.ChoiceField(
                label=_("Who gives it?"),
                choices=[("", _("Me, my own item"))] + [(str(s.pk), s.name) for s in shops],
                required=False,
                help_text=_("Choose a Gift and Take shop to list an item it holds for a donor."),
            )
            self.order_fields(["shop"])
        self.shops = {str(s.pk): s for s in (shops or [])}

    def clean_photos(self):
        photos = self.cleaned_data.get("photos") or []
        if len(photos) > MAX_PHOTOS:
            raise forms.ValidationError(_("At most %(n)d photos of one item.") % {"n": MAX_PHOTOS})
        return photos


class TakeDownForm(forms.Form):
    reason = forms.CharField(
        label=_("Why are you taking it down?"),
        help_text=_("The giver will read this."),
        max_length=TAKE_DOWN_REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why you are taking it down: the giver will read it.")},
    )


class AskForm(forms.Form):
    message = forms.CharField(
        label=_("A message to the giver (optional)"),
        max_length=MESSAGE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example when you could pick it up."),
    )
    shares = forms.ChoiceField(
        label=_("If the giver chooses you, what may they see?"),
        choices=Share.choices,
        required=False,
        widget=forms.RadioSelect,
    )


class ChooseForm(forms.Form):
    request = forms.ChoiceField(label=_("Who receives it?"), widget=forms.RadioSelect)
    shares = forms.ChoiceField(
        label=_("What may they see of your contact details?"),
        choices=Share.choices,
        required=False,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, requests=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["request"].choices = [(str(r.pk), r.label) for r in requests]


class PhotosForm(forms.Form):
    photos = PhotosField(
        label=_("Choose photos"),
        help_text=_("JPEG or PNG pictures, each at most 5 MB; up to 4 in all."),
        widget=MultipleFileInput(attrs={"accept": "image/*", "multiple": True}),
    )


class SettingsForm(forms.Form):
    max_open_requests = forms.IntegerField(
        label=_("How many items one person may ask for at once"),
        min_value=1,
        max_value=50,
        help_text=_("Open requests: waiting for the giver, or promised and not yet collected."),
    )

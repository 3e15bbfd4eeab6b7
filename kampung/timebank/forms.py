"""Time bank forms. Time is entered as hours and minutes and becomes whole minutes;
every form carries a hidden idempotency key so a double-click or a resent page never
posts twice."""

from __future__ import annotations

import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kampung.timebank.ledger import MAX_MINUTES


class KeyedForm(forms.Form):
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=100)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("idempotency_key", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)


class TimeForm(KeyedForm):
    hours = forms.IntegerField(
        label=_("Hours"),
        min_value=0,
        max_value=MAX_MINUTES // 60,
        initial=1,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    minutes = forms.IntegerField(
        label=_("Minutes"),
        min_value=0,
        max_value=59,
        initial=0,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": 5}),
    )

    def clean(self):
        data = super().clean()
        hours, minutes = data.get("hours"), data.get("minutes") or 0
        if hours is not None:
            data["total_minutes"] = hours * 60 + minutes
            if data["total_minutes"] <= 0:
                self.add_error("hours", _("Give a time of at least one minute."))
        return data


class ExchangeForm(TimeForm):
    direction = forms.ChoiceField(
        label=_("Who gave the time?"),
        choices=[("gave", _("I helped them")), ("received", _("They helped me"))],
        widget=forms.RadioSelect,
        initial="gave",
    )
    other_account = forms.CharField(
        label=_("Their account number"),
        max_length=12,
        help_text=_("It is on their time bank page, like ABCD-EFGH."),
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off"}),
    )
    description = forms.CharField(label=_("What was done"), max_length=300)
    occurred_on = forms.DateField(
        label=_("Date"), initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"})
    )
    field_order = ["direction", "other_account", "hours", "minutes", "description", "occurred_on"]


class GiftForm(TimeForm):
    to = forms.ChoiceField(
        label=_("Give to"),
        choices=[
            ("person", _("A person (here or in another community)")),
            ("pool", _("The community pool, for people who need help")),
        ],
        widget=forms.RadioSelect,
        initial="person",
    )
    to_account = forms.CharField(
        label=_("Their account number"),
        max_length=12,
        required=False,
        help_text=_("Only for a person. Ask them: it is on their time bank page."),
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off"}),
    )
    note = forms.CharField(label=_("Note (optional)"), max_length=300, required=False)
    field_order = ["to", "to_account", "hours", "minutes", "note"]

    def clean(self):
        data = super().clean()
        if data.get("to") == "person" and not (data.get("to_account") or "").strip():
            self.add_error("to_account", _("Give their account number."))
        return data


class AllocationForm(TimeForm):
    to_account = forms.CharField(label=_("Account number of the person"), max_length=12)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        help_text=_("Why these credits are given. Kept with the entry for anyone auditing it."),
    )
    field_order = ["to_account", "hours", "minutes", "reason"]


class ReverseForm(KeyedForm):
    reason = forms.CharField(
        label=_("Why is this being corrected?"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

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


def _members(community):
    from kampung.people.models import Member

    return Member.objects.filter(community=community, is_active=True).order_by("display_name")


class SessionForm(TimeForm):
    """A community developer records a class, an outing or a workshop at once for
    everyone who took part."""

    title = forms.CharField(
        label=_("What was the session?"),
        max_length=200,
        help_text=_("For example: Chair yoga at the community hall."),
    )
    host = forms.ModelChoiceField(
        label=_("Who ran it?"), queryset=None, empty_label=_("Choose the host")
    )
    attendees = forms.ModelMultipleChoiceField(
        label=_("Who took part?"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick everyone who came, apart from the host."),
    )
    basis = forms.ChoiceField(
        label=_("How are the credits counted?"),
        choices=[
            ("per_attendee", _("Each person who came gives the host the session's time")),
            ("per_host", _("The host earns the session's time once, shared by everyone who came")),
        ],
        widget=forms.RadioSelect,
        initial="per_host",
    )
    occurred_on = forms.DateField(
        label=_("Date"), initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"})
    )
    field_order = ["title", "host", "attendees", "hours", "minutes", "basis", "occurred_on"]

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host"].queryset = _members(community)
        self.fields["attendees"].queryset = _members(community)
        self.fields["hours"].label = _("How long was it? Hours")

    def clean(self):
        data = super().clean()
        host, attendees = data.get("host"), data.get("attendees")
        if host is not None and attendees is not None:
            others = [a for a in attendees if a.pk != host.pk]
            if not others:
                self.add_error("attendees", _("Tick at least one person besides the host."))
            data["attendees"] = others
        return data


class CareForm(TimeForm):
    """A community developer records help given, for members who cannot record it
    themselves, optionally paid for by an organisation."""

    provider = forms.ModelChoiceField(
        label=_("Who gave the time?"), queryset=None, empty_label=_("Choose a person")
    )
    receiver = forms.ModelChoiceField(
        label=_("Who was helped?"), queryset=None, empty_label=_("Choose a person")
    )
    paid_by = forms.ModelChoiceField(
        label=_("Who pays the credits?"),
        queryset=None,
        required=False,
        empty_label=_("The person who was helped"),
        help_text=_(
            "An organisation can pay for care given to someone who cannot give time back, "
            "such as an older neighbour."
        ),
    )
    description = forms.CharField(label=_("What was done"), max_length=300)
    occurred_on = forms.DateField(
        label=_("Date"), initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"})
    )
    field_order = [
        "provider",
        "receiver",
        "paid_by",
        "hours",
        "minutes",
        "description",
        "occurred_on",
    ]

    def __init__(self, *args, community, **kwargs):
        from kampung.timebank.models import Account

        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = _members(community)
        self.fields["receiver"].queryset = _members(community)
        self.fields["paid_by"].queryset = Account.objects.filter(
            community=community, kind=Account.Kind.ORGANISATION, is_open=True
        ).select_related("organisation")
        self.fields["paid_by"].label_from_instance = lambda account: account.label

    def clean(self):
        data = super().clean()
        if data.get("provider") and data.get("provider") == data.get("receiver"):
            self.add_error("receiver", _("Choose someone other than the person who gave the time."))
        return data


class LimitsForm(forms.Form):
    """Limits in hours, in the words a coordinator uses: how much someone may owe, and
    how much they may hold."""

    may_owe = forms.DecimalField(
        label=_("May owe up to (hours)"),
        required=False,
        max_digits=6,
        decimal_places=2,
        min_value=-1000,
        max_value=1000,
        help_text=_(
            "0 means the balance cannot go below zero. Leave empty for no limit. "
            "A negative number means they must keep at least that much."
        ),
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.25"}),
    )
    may_hold = forms.DecimalField(
        label=_("May hold at most (hours)"),
        required=False,
        max_digits=6,
        decimal_places=2,
        min_value=0,
        max_value=100000,
        help_text=_("Leave empty for no limit."),
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.25"}),
    )

    @staticmethod
    def initial_for(account) -> dict:
        def hours(minutes):
            if minutes is None:
                return None
            return minutes // 60 if minutes % 60 == 0 else round(minutes / 60, 2)

        lower = account.lower_limit
        return {
            "may_owe": None if lower is None else hours(-lower),
            "may_hold": hours(account.upper_limit),
        }

    def clean(self):
        data = super().clean()
        owe, hold = data.get("may_owe"), data.get("may_hold")
        data["lower_limit"] = None if owe is None else -round(owe * 60)
        data["upper_limit"] = None if hold is None else round(hold * 60)
        lower, upper = data["lower_limit"], data["upper_limit"]
        if lower is not None and upper is not None and lower > upper:
            self.add_error("may_hold", _("This must be more than the lowest balance allowed."))
        return data

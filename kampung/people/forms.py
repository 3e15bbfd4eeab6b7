from django import forms
from django.utils.translation import gettext_lazy as _

from kampung import limits
from kampung.communities.models import Organisation
from kampung.people.models import Clearance, ConsentPurpose, Role
from kampung.people.skills import LANGUAGE_NAMES, SKILLS


class MemberForm(forms.Form):
    display_name = forms.CharField(label=_("Name they like to be called"), max_length=150)
    email = forms.EmailField(label=_("Email (optional)"), required=False)
    phone = forms.CharField(label=_("Phone (optional)"), max_length=40, required=False)
    languages = forms.MultipleChoiceField(
        label=_("Languages they speak"),
        choices=list(LANGUAGE_NAMES.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    skills = forms.MultipleChoiceField(
        label=_("Skills they are happy to share"),
        choices=list(SKILLS.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    birth_year = forms.IntegerField(
        label=_("Year of birth (optional)"), min_value=1900, max_value=2030, required=False
    )


class MemberEditForm(MemberForm):
    """The same questions as adding a person, without the year of birth (fixed once
    given, and only coordinators need it)."""

    birth_year = None


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role in this community"), choices=Role.choices)
    organisation = forms.ModelChoiceField(
        label=_("Organisation (for partner staff)"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("No organisation"),
    )

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = community.organisations.all()


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(label=_("What they agreed to"), choices=ConsentPurpose.choices)


class CheckForm(forms.Form):
    """A background check as a community developer records it: never the certificate."""

    level = forms.TypedChoiceField(
        label=_("Level"),
        coerce=int,
        choices=[
            (Clearance.BASIC, Clearance.BASIC.label),
            (Clearance.ENHANCED, Clearance.ENHANCED.label),
        ],
    )
    kind = forms.CharField(
        label=_("Kind of check (optional)"),
        max_length=limits.CHECK_KIND_MAX,
        required=False,
        help_text=_("For example: police record check."),
    )
    checked_on = forms.DateField(
        label=_("Date checked"), widget=forms.DateInput(attrs={"type": "date"})
    )
    expires_on = forms.DateField(
        label=_("Expiry date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    checked_by = forms.CharField(
        label=_("Who checked"),
        max_length=limits.CHECK_BY_MAX,
        help_text=_("The organisation or the person who did the check."),
    )
    reference = forms.CharField(
        label=_("Reference (optional)"),
        max_length=limits.CHECK_REFERENCE_MAX,
        required=False,
        help_text=_("The certificate's number, not the certificate itself."),
    )


class WithdrawCheckForm(forms.Form):
    reason = forms.CharField(
        label=_("Why (optional)"), max_length=limits.CHECK_REASON_MAX, required=False
    )

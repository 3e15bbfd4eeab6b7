from django import forms
from django.utils.translation import gettext_lazy as _

from kampung.communities.models import Organisation
from kampung.people.models import ConsentPurpose, Role
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
    )

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = community.organisations.all()


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(label=_("What they agreed to"), choices=ConsentPurpose.choices)

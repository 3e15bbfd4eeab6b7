from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kampung import limits
from kampung.assets.models import Asset, Category
from kampung.web import PickPlace
from kampung.workshops import merging, queries

# What each kind of asset means, in the words a participant would use.
CATEGORY_HINTS = {
    Category.PERSONAL: _("Someone's skill, know-how or experience"),
    Category.ASSOCIATION: _("A group or club people run together"),
    Category.INSTITUTION: _("An organisation: school, shop, clinic, charity, agency"),
    Category.PLACE: _("A place or space: a void deck, park, kitchen, library, online space"),
    Category.CONNECTION: _("A link between people or groups: a network, a friendship"),
}
SHORT_CATEGORY = {
    Category.PERSONAL: _("Skill"),
    Category.ASSOCIATION: _("Group"),
    Category.INSTITUTION: _("Organisation"),
    Category.PLACE: _("Place"),
    Category.CONNECTION: _("Connection"),
}
WHERE = [
    (Asset.LocationKind.POINT, _("At a place (tap the map or type an address)")),
    (Asset.LocationKind.ONLINE, _("Online")),
    (Asset.LocationKind.COMES_TO_YOU, _("It comes to you")),
]


class WorkshopForm(forms.Form):
    title = forms.CharField(label=_("Name of the event"), max_length=200)
    held_on = forms.DateField(
        label=_("Date"), initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"})
    )
    venue = forms.CharField(label=_("Where it is held (optional)"), max_length=200, required=False)
    prompt = forms.CharField(
        label=_("Question for participants (optional)"),
        max_length=300,
        required=False,
        help_text=_("Shown on their phones, e.g. “What makes our estate a good place to live?”"),
    )


class ItemForm(PickPlace):
    """What a participant fills in on their phone, and what the facilitator edits."""

    name = forms.CharField(
        label=_("What is it?"),
        max_length=200,
        help_text=_("A few words, e.g. “Mdm Tan’s sewing”, “Block 12 void deck”, “Youth football”"),
    )
    category = forms.ChoiceField(
        label=_("What kind of thing is it?"),
        choices=[(value, CATEGORY_HINTS[value]) for value in Category.values],
        widget=forms.RadioSelect,
    )
    location_kind = forms.ChoiceField(
        label=_("Where is it?"),
        choices=WHERE,
        initial=Asset.LocationKind.POINT,
        widget=forms.RadioSelect,
    )
    address = forms.CharField(
        label=_("Address or landmark"),
        max_length=200,
        required=False,
        help_text=_("If you did not tap the map, e.g. “next to the wet market”"),
    )
    offered_by = forms.CharField(
        label=_("Who offers it? (optional)"),
        max_length=200,
        required=False,
        help_text=_("Only name people who are happy to be named."),
    )
    description = forms.CharField(
        max_length=limits.DESCRIPTION_MAX,
        label=_("Anything else? (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class JoinForm(ItemForm):
    added_by_name = forms.CharField(
        label=_("Your first name (optional)"),
        max_length=100,
        required=False,
        help_text=_("So the facilitator can thank you."),
    )


MERGE_LABELS = {
    "name": _("What it is called"),
    "category": _("Kind of thing"),
    "place": _("Where it is"),
    "address": _("Address or landmark"),
    "offered_by": _("Who offers it"),
    "description": _("More about it"),
}


def describe(field: str, value) -> str:
    """One option on the merge review page, in plain words."""
    if field == "category":
        return str(SHORT_CATEGORY.get(value, value))
    if field == "place":
        kind, lat, lng = value
        if kind == Asset.LocationKind.POINT:
            if lat is None:
                return str(_("At a place, not yet on the map"))
            return str(_("On the map"))
        return str(dict(WHERE).get(kind, kind))
    return str(value) if str(value).strip() else str(_("(left empty)"))


class MergeForm(forms.Form):
    """One set of radio buttons per field where the items differ; the most complete
    value (kampung.workshops.merging) is the first option and is ticked to start with."""

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        values = [queries.item_values(i) for i in plan.items]
        for choice in plan.choices:
            options = []
            for index, value in enumerate(choice.options):
                label = describe(choice.field, value)
                found = merging.sources(choice.field, value, values)
                if choice.field == "name":
                    pass  # the name is its own source
                elif found:
                    names = ", ".join(f"“{plan.items[i].name}”" for i in found)
                    label = _("%(value)s (from %(names)s)") % {"value": label, "names": names}
                elif choice.field == "place":
                    label = _("%(value)s (the address says where)") % {"value": label}
                else:
                    label = _("%(value)s (all of them together)") % {"value": label}
                if index == 0:
                    label = _("%(value)s — suggested") % {"value": label}
                options.append((str(index), label))
            self.fields[choice.field] = forms.ChoiceField(
                label=MERGE_LABELS[choice.field],
                choices=options,
                initial="0",
                widget=forms.RadioSelect,
            )

    def picks(self) -> dict[str, int]:
        return {name: int(value) for name, value in self.cleaned_data.items()}

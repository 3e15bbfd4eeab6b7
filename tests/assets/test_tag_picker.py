"""The asset form's tags: ticks in two groups, "Skills" and "Service types", each label
once and without the taxonomy's name in front; the search box is the page's own script."""

from __future__ import annotations

import re

from django.urls import reverse

from kampung.assets import actions
from kampung.assets.forms import AssetForm
from kampung.assets.models import Category, Tag


def test_each_label_appears_once_without_a_scheme_prefix(cast):
    groups = AssetForm().tag_groups
    assert [label for _key, label, _choices in groups] == ["Skills", "Service types"]
    labels = [c.title for _key, _label, choices in groups for c in choices]
    assert len(labels) == len({t.casefold() for t in labels})  # none twice, in any group
    assert not [t for t in labels if "Open Eligibility" in t or ":" in t]
    # Open Eligibility lists "Help Pay for Food" under two parents: one tick is offered,
    # and searching either parent's name finds it.
    assert Tag.objects.filter(title="Help Pay for Food").count() > 1
    services = dict((k, c) for k, _label, c in groups)["services"]
    food = [c for c in services if c.title == "Help Pay for Food"]
    assert len(food) == 1 and "Food" in food[0].search and "Money" in food[0].search


def test_skills_and_service_types_are_grouped_where_they_belong(cast):
    groups = {key: choices for key, _label, choices in AssetForm().tag_groups}
    skill_codes = set(Tag.objects.filter(scheme="skill").values_list("code", flat=True))
    assert {c.code for c in groups["skills"]} == skill_codes
    assert not skill_codes & {c.code for c in groups["services"]}
    assert "Food Pantry" in [c.title for c in groups["services"]]


def test_the_page_shows_groups_and_ticked_tags_first(cast, client):
    asset = actions.add_asset(
        by=cast.user("coordinator"),
        community=cast.community,
        name="Block 3 food bank",
        category=Category.PLACE,
        lat=1.3531,
        lng=103.9442,
        tags=["102-04", "cooking"],
    )
    client.force_login(cast.user("coordinator"))
    html = client.get(reverse("asset_edit", args=[cast.community.slug, asset.pk])).content.decode()
    assert "Open Eligibility" not in html
    assert '<select name="tags"' not in html and "multiple" not in html  # no Ctrl-click list
    assert html.count('type="checkbox" name="tags"') == len(
        [c for _k, _l, cs in AssetForm().tag_groups for c in cs]
    )
    legends = re.findall(r"<legend>([^<]+?) <span", html)
    assert legends == ["Skills", "Service types"]
    assert 'src="/static/kampung/tagpicker.js"' in html
    # Within each group the ticked tag is the first tick.
    boxes = re.findall(r'<fieldset class="tag-group".*?</fieldset>', html, re.S)
    firsts = [re.search(r'value="([^"]+)"( checked)?', box).groups() for box in boxes]
    assert firsts == [("cooking", " checked"), ("102-04", " checked")]
    # The search box waits for the script; without it the whole list is there.
    assert re.search(r'class="tag-search" hidden', html)


def test_an_asset_tagged_with_a_duplicate_code_keeps_it_when_saved_untouched(cast, client):
    codes = list(
        Tag.objects.filter(title="Help Pay for Food")
        .order_by("code")
        .values_list("code", flat=True)
    )
    later = codes[-1]  # not the one offered to someone choosing afresh
    asset = actions.add_asset(
        by=cast.user("coordinator"),
        community=cast.community,
        name="Food vouchers desk",
        category=Category.INSTITUTION,
        lat=1.3531,
        lng=103.9442,
        tags=[later],
    )
    client.force_login(cast.user("coordinator"))
    url = reverse("asset_edit", args=[cast.community.slug, asset.pk])
    form = client.get(url).context["form"]
    offered = [
        c.code for _k, _l, cs in form.tag_groups for c in cs if c.title == "Help Pay for Food"
    ]
    assert offered == [later]
    assert [c.code for _k, _l, cs in AssetForm().tag_groups for c in cs
            if c.title == "Help Pay for Food"] == [codes[0]]  # fmt: skip

"""Load the tag taxonomies: Open Eligibility service types (CC BY-SA 3.0, Open
Eligibility project; see data/OE-SOURCE.md) and Kampung's skills list."""

from __future__ import annotations

import json
from pathlib import Path

OE_PATH = Path(__file__).resolve().parent / "data" / "oe.json"


def open_eligibility_terms() -> list[tuple[str, str, str]]:
    """(code, title, parent code) for every term, top level first."""
    data = json.loads(OE_PATH.read_text(encoding="utf-8"))
    out: list[tuple[str, str, str]] = []

    def walk(nodes, parent, depth):
        for node in nodes:
            out.append((node["@id"], node["@title"], parent))
            for key in ("second_level", "third_level", "fourth_level"):
                if key in node:
                    walk(node[key], node["@id"], depth + 1)

    walk(data["taxonomy"]["top_level"], "", 0)
    return out


def load_tags(Tag) -> int:
    """Create any missing tags; returns how many were created. Idempotent."""
    from kampung.people.skills import SKILLS

    existing = set(Tag.objects.values_list("scheme", "code"))
    rows = [
        Tag(scheme="oe", code=code, title=title, parent_code=parent)
        for code, title, parent in open_eligibility_terms()
        if ("oe", code) not in existing
    ]
    rows += [
        Tag(scheme="skill", code=code, title=str(title))
        for code, title in SKILLS.items()
        if ("skill", code) not in existing
    ]
    Tag.objects.bulk_create(rows)
    return len(rows)

"""The concept map covers Kampung's vocabularies and stays in step with them."""

from kampung.assets.rules import ACCESSIBILITY
from kampung.assets.taxonomy import open_eligibility_terms
from kampung.matching.core.synonyms import (
    ACCESSIBILITY_NAMES,
    CONCEPTS,
    LANGUAGE_NAMES,
    SKILL_LABELS,
    concepts_in,
    related,
)
from kampung.people.skills import LANGUAGE_NAMES as PEOPLE_LANGUAGES
from kampung.people.skills import SKILLS


def test_it_knows_every_skill_language_and_access_feature():
    assert set(SKILL_LABELS) == set(SKILLS)
    assert {k: str(v) for k, v in SKILLS.items()} == SKILL_LABELS
    assert set(LANGUAGE_NAMES) == set(PEOPLE_LANGUAGES)
    assert set(ACCESSIBILITY_NAMES) == set(ACCESSIBILITY)


def test_every_skill_has_everyday_phrases():
    for skill in SKILLS:
        phrases = [p for codes, ps in CONCEPTS if skill in codes for p in ps]
        assert len(phrases) >= 8, skill


def test_every_open_eligibility_top_level_term_has_phrases():
    tops = {code for code, _title, parent in open_eligibility_terms() if not parent}
    covered = {code for codes, _ps in CONCEPTS for code in codes}
    assert tops <= covered


def test_everyday_words_find_the_skill():
    cases = {
        "Can someone help with my phone?": "it-help",
        "my tablet won't connect to the wifi": "it-help",
        "I need a lift to the clinic": "driving",
        "mum is lonely and would like some company": "befriending",
        "a hot meal a few times a week": "cooking",
        "the hedge needs cutting back": "gardening",
        "shorten my curtains": "sewing",
        "the kitchen tap is leaking": "diy-repairs",
        "help with a council tax form": "bookkeeping",
        "someone to translate a letter": "interpreting",
    }
    for text, skill in cases.items():
        assert skill in concepts_in(text), text


def test_phrases_do_not_overlap():
    # "video call" is IT help, and not also "video" (photography).
    assert "photography" not in concepts_in("teach me to video call")


def test_related_codes_are_scored_below_the_code_itself():
    rel = related("102")
    assert rel["102"] == 1.0
    assert 0 < rel["102-05"] < 1.0
    assert 0 < rel["cooking"] < 1.0

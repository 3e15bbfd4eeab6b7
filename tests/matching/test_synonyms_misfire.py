"""Synonym matches need a minimum strength and never fire on generic words: the two
explanations coordinators saw ("Mentions 'trained' — close to Driving and lifts",
"Offers Work — matches 'youth'") are gone, and the index agrees with the reference."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kampung.matching.core import Candidate, CandidateIndex, Need, rank, rank_with_exclusions
from kampung.matching.core.score import MIN_FIT
from kampung.matching.core.synonyms import GENERIC_WORDS, SKILL_LABELS, concepts_in

HOME = (1.3530, 103.9440)


def _need(text, **kw):
    return Need(id="n", text=text, lat=HOME[0], lng=HOME[1], **kw)


def _explanations(need, cands):
    matches, _ = rank_with_exclusions(need, cands)
    assert CandidateIndex.build(cands).rank(need, k=None) == rank(need, cands)
    return [f.explanation for m in matches for f in m.factors]


def test_trained_is_not_a_train_ride():
    first_aider = Candidate(
        id=1, kind="profile", name="Mei", text="I am a trained first aider, happy to help.",
        lat=HOME[0], lng=HOME[1], travel_km=2.0, comes_to_you=True,
    )  # fmt: skip
    words = _explanations(_need("A lift to the hospital on Tuesday"), [first_aider])
    assert not any("'trained'" in w for w in words)
    assert not any("Driving and lifts" in w and "Mentions" in w for w in words)


def test_youth_alone_is_not_a_job():
    job_centre = Candidate(
        id=2, kind="asset", name="Employment centre", categories=frozenset({"110"}),
        lat=HOME[0], lng=HOME[1],
    )  # fmt: skip
    words = _explanations(_need("Something for the youth in our block"), [job_centre])
    assert "Offers Work — matches 'youth'" not in words
    assert words == []  # nothing else links them: not suggested at all


@pytest.mark.parametrize("word", ["trained", "youth", "help", "work", "training", "volunteer"])
def test_a_generic_word_alone_shows_no_concept(word):
    assert word in GENERIC_WORDS
    assert concepts_in(f"I can {word}") == {}


def test_phrases_with_generic_words_and_real_words_still_count():
    assert "youth-mentoring" in concepts_in("mentoring young people")
    assert "it-help" in concepts_in("help with my phone")
    assert "105" in concepts_in("I take the train to work")  # the MRT is still transport


def test_a_weak_link_below_the_minimum_does_not_count_as_a_fit():
    """A weak word in the request ("tea"), then a distant relation: too weak to fit."""
    need = _need("Fancy a cup of tea sometime?")
    barber = Candidate(
        id=3, kind="profile", name="Raj", skills=frozenset({"haircutting"}),
        lat=HOME[0], lng=HOME[1], travel_km=2.0, comes_to_you=True,
    )  # fmt: skip
    matches, _excluded = rank_with_exclusions(need, [barber])
    for m in matches:
        assert m.factor("fit").score == 0.0 or m.factor("fit").score >= MIN_FIT


# The demo walk: on "A lift to the eye clinic" the only helper offered was "Cooking an
# extra portion", "Mentions 'cooking' — close to Driving and lifts" and "Their
# description shares 'cant'".
EYE_CLINIC = (
    "A lift to the eye clinic. Since the 27 bus stopped coming up our road I can't get "
    "to my appointments."
)
COOK = Candidate(
    id="cook", kind="offer", name="Cooking an extra portion", skills=frozenset({"cooking"}),
    text="I cook every evening and can make a plate for a neighbour who can't cook right now.",
    lat=HOME[0], lng=HOME[1], travel_km=2.0, comes_to_you=True,
)  # fmt: skip


def test_cooking_is_not_close_to_driving():
    """Driving is related to food *delivery*; that must not spread to all of Food
    (which "cooking" shows), or every cook is "close to Driving and lifts"."""
    from kampung.matching.core.synonyms import related

    assert "102" not in related("driving")
    assert "102-03" in related("driving")  # delivering food is still close to driving
    words = _explanations(_need(EYE_CLINIC, categories=frozenset({"driving"})), [COOK])
    assert not any("close to Driving and lifts" in w for w in words)


def test_a_cook_is_not_suggested_for_a_lift_on_a_contraction():
    matches, excluded = rank_with_exclusions(_need(EYE_CLINIC), [COOK])
    assert matches == []
    assert [e.code for e in excluded] == ["irrelevant"]


@pytest.mark.parametrize(
    "word", ["cant", "can't", "can’t", "don't", "dont", "won't", "i'm", "i've", "out", "get",
             "need", "want", "someone", "help"],
)  # fmt: skip
def test_stop_words_and_contractions_are_never_shared_words_or_concepts(word):
    from kampung.matching.core.text import terms

    assert terms(f"{word} {word}") == []
    assert concepts_in(word) == {}
    asker = _need(f"Tea {word}")
    other = Candidate(
        id="x", name="Tea", text=f"{word} {word} {word}", lat=HOME[0], lng=HOME[1],
        travel_km=2.0, comes_to_you=True,
    )  # fmt: skip
    for m in rank(asker, [other]):
        assert f"'{word}" not in m.factor("text").explanation


def test_just_out_of_hospital_is_not_an_outing():
    """ "out" stems like "outing" (a befriending word): a stop word alone is no concept."""
    found = concepts_in("Hot meals for a few days. Just out of hospital and can't stand.")
    assert "befriending" not in found
    assert "cooking" in found


def test_words_beside_a_chosen_kind_are_side_mentions():
    """ "The lift in our block is often broken" on a request for an older neighbour:
    'broken' (repairs) and 'lift' (driving) are read, but below a good fit."""
    from kampung.matching.core.score import DEFAULT_MIN_FIT, fit_of

    text = "Help carrying groceries upstairs. The lift in our block is often broken."
    repairs = Candidate(
        id="r", name="Small repairs at home", skills=frozenset({"diy-repairs"}),
        text="Leaking taps, shelves, loose door handles.", lat=HOME[0], lng=HOME[1],
        travel_km=2.0, comes_to_you=True,
    )  # fmt: skip
    chosen = _need(text, categories=frozenset({"eldercare"}))
    (m,) = rank(chosen, [repairs])
    assert fit_of(m) < DEFAULT_MIN_FIT
    assert rank(chosen, [repairs], min_fit=DEFAULT_MIN_FIT) == []
    # A kind related to the chosen one still counts in full.
    visitor = Candidate(
        id="v", name="Visits", skills=frozenset({"befriending"}), lat=HOME[0], lng=HOME[1],
        travel_km=2.0, comes_to_you=True,
    )  # fmt: skip
    assert fit_of(rank(chosen, [visitor])[0]) >= DEFAULT_MIN_FIT


@settings(max_examples=60, deadline=None)
@given(
    chosen=st.sampled_from(sorted(SKILL_LABELS)),
    other=st.sampled_from(sorted(SKILL_LABELS)),
)
def test_a_kind_only_the_words_show_never_outweighs_the_chosen_one(chosen, other):
    """Whatever the words say, a helper offering a kind of help unrelated to the one
    chosen (and sharing no words) fits less than a batch's minimum."""
    from kampung.matching.core.score import DEFAULT_MIN_FIT
    from kampung.matching.core.synonyms import CONCEPTS, related

    if related(chosen).get(other, 0.0) > 0.0:
        return
    phrase = next(p for codes, ps in CONCEPTS if other in codes for p in ps if "~" not in p)
    need = _need(f"Please. {phrase}", categories=frozenset({chosen}))
    helper = Candidate(
        id="h", name="Offer", skills=frozenset({other}), lat=HOME[0], lng=HOME[1],
        travel_km=2.0, comes_to_you=True,
    )  # fmt: skip
    for m in rank(need, [helper]):
        assert m.factor("fit").score < DEFAULT_MIN_FIT

"""Synonym matches need a minimum strength and never fire on generic words: the two
explanations coordinators saw ("Mentions 'trained' — close to Driving and lifts",
"Offers Work — matches 'youth'") are gone, and the index agrees with the reference."""

from __future__ import annotations

import pytest

from kampung.matching.core import Candidate, CandidateIndex, Need, rank, rank_with_exclusions
from kampung.matching.core.score import MIN_FIT
from kampung.matching.core.synonyms import GENERIC_WORDS, concepts_in

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

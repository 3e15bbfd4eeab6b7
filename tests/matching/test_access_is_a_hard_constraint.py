"""A must-have access need (wheelchair access, step-free access, an accessible toilet) is
a hard constraint for transport and "comes to you" help too, judged on the offer's own
access (an accessible vehicle), not the venue's. The reference scorer and the index
agree."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kampung.matching.core import Candidate, CandidateIndex, Need, rank, rank_with_exclusions

HOME = (1.3530, 103.9440)
NEAR = (1.3580, 103.9440)  # about 0.6 km


def hospital_lift(**kw) -> Need:
    base = dict(
        id="n1",
        text="A lift to the hospital. I use a wheelchair.",
        lat=HOME[0],
        lng=HOME[1],
        accessibility=frozenset({"wheelchair"}),
    )
    return Need(**{**base, **kw})


def driver(id: int, accessibility=frozenset(), **kw) -> Candidate:
    base = dict(
        id=id,
        kind="offer",
        owner_id=f"m{id}",
        name="Lifts to clinic appointments",
        skills=frozenset({"driving"}),
        text="I drive and can take you to the polyclinic or hospital and wait.",
        lat=NEAR[0],
        lng=NEAR[1],
        travel_km=5.0,
        comes_to_you=True,
        accessibility=accessibility,
    )
    return Candidate(**{**base, **kw})


ORDINARY_CAR = driver(1)
ACCESSIBLE_VAN = driver(2, accessibility=frozenset({"wheelchair"}), name="Wheelchair taxi")


def test_a_wheelchair_user_is_never_offered_an_ordinary_car():
    matches, excluded = rank_with_exclusions(hospital_lift(), [ORDINARY_CAR, ACCESSIBLE_VAN])
    assert [m.candidate_id for m in matches] == [2]
    (ex,) = excluded
    assert ex.candidate_id == 1 and ex.code == "access"
    assert ex.reason == "Needs wheelchair access; their vehicle does not have it"
    assert "venue's access does not matter" not in str(matches)
    index = CandidateIndex.build([ORDINARY_CAR, ACCESSIBLE_VAN])
    assert [m.candidate_id for m in index.rank(hospital_lift(), k=10)] == [2]
    assert index.rank(hospital_lift(), k=10) == rank(
        hospital_lift(), [ORDINARY_CAR, ACCESSIBLE_VAN]
    )


def test_a_driver_is_judged_on_their_vehicle_even_for_a_request_that_does_not_say_lift():
    need = hospital_lift(text="Getting to my appointment", categories=frozenset({"105-02"}))
    assert [m.candidate_id for m in rank(need, [ORDINARY_CAR, ACCESSIBLE_VAN])] == [2]
    assert CandidateIndex.build([ORDINARY_CAR, ACCESSIBLE_VAN]).rank(need, k=5) == rank(
        need, [ORDINARY_CAR, ACCESSIBLE_VAN]
    )


def test_nobody_with_an_accessible_vehicle_says_so():
    index = CandidateIndex.build([ORDINARY_CAR])
    ctx = index.context(hospital_lift())
    assert index.rank(hospital_lift(), k=5) == []
    assert index.why_none(ctx)[0] == "access"


def test_help_at_home_needs_no_accessible_vehicle():
    """Phone help at home: the helper comes to the person, nobody travels."""
    need = Need(
        id="n2", text="Help with my phone", lat=HOME[0], lng=HOME[1],
        accessibility=frozenset({"wheelchair"}),
    )  # fmt: skip
    helper = Candidate(
        id=3, kind="profile", owner_id="m3", name="Vijay", skills=frozenset({"it-help"}),
        lat=NEAR[0], lng=NEAR[1], travel_km=3.0, comes_to_you=True,
    )  # fmt: skip
    (m,) = rank(need, [helper])
    assert m.factor("access").explanation == "Comes to you, so the venue's access does not matter"


def test_a_place_without_step_free_access_is_not_offered():
    need = Need(
        id="n3", text="Somewhere to learn computers", lat=HOME[0], lng=HOME[1],
        travel_km=3.0, accessibility=frozenset({"step_free"}),
    )  # fmt: skip
    upstairs = Candidate(
        id=4, kind="asset", name="Computer class", skills=frozenset({"it-help"}),
        lat=NEAR[0], lng=NEAR[1],
    )  # fmt: skip
    ramp = Candidate(
        id=5, kind="asset", name="Library computer class", skills=frozenset({"it-help"}),
        lat=NEAR[0], lng=NEAR[1], accessibility=frozenset({"step_free"}),
    )  # fmt: skip
    assert [m.candidate_id for m in rank(need, [upstairs, ramp])] == [5]


@settings(max_examples=150, deadline=None)
@given(
    cars=st.lists(
        st.tuples(
            st.booleans(),  # wheelchair accessible
            st.booleans(),  # comes to you
            st.floats(-0.02, 0.02),
            st.sampled_from([0.0, 1.0, 5.0]),
        ),
        min_size=1,
        max_size=8,
    ),
    wants=st.sampled_from([{"wheelchair"}, {"wheelchair", "hearing_loop"}, {"step_free"}]),
    k=st.sampled_from([None, 1, 3]),
)
def test_no_ordinary_car_for_a_wheelchair_user_and_the_index_agrees(cars, wants, k):
    cands = [
        driver(
            i,
            accessibility=frozenset({"wheelchair", "step_free"}) if accessible else frozenset(),
            comes_to_you=comes,
            lat=HOME[0] + dlat,
            travel_km=km,
        )
        for i, (accessible, comes, dlat, km) in enumerate(cars)
    ]
    need = hospital_lift(accessibility=frozenset(wants))
    expected = rank(need, cands, limit=k)
    for m in expected:
        assert cands[m.candidate_id].accessibility >= (frozenset(wants) - {"hearing_loop"})
    assert CandidateIndex.build(cands).rank(need, k) == expected

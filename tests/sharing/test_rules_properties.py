"""Property tests of the plain rules (kampung.sharing.rules) and the photo cleaner."""

from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from kampung import photos
from kampung.photos import LONGEST_SIDE, clean_photo
from kampung.sharing import rules

sides = st.integers(min_value=1, max_value=20000)


@given(sides, sides, st.integers(min_value=1, max_value=5000))
def test_a_shrunk_picture_fits_keeps_its_shape_and_is_never_enlarged(w, h, longest):
    nw, nh = photos.fit_within(w, h, longest)
    assert max(nw, nh) <= max(longest, 1) or (nw, nh) == (w, h)
    assert nw <= w and nh <= h and nw >= 1 and nh >= 1
    if max(w, h) <= longest:
        assert (nw, nh) == (w, h)
    else:
        # The shape is kept to within the rounding of one pixel.
        assert abs(nw * h - nh * w) <= max(w, h)


@given(st.integers(min_value=0, max_value=60), st.integers(min_value=1, max_value=60))
def test_the_open_request_limit_allows_exactly_limit_requests(open_now, limit):
    assert rules.may_open_another(open_now, limit) == (open_now < limit)


@given(st.lists(st.tuples(st.integers(1, 10**6), st.floats(0, 1e9)), unique_by=lambda r: r[0]))
def test_first_come_is_the_earliest_request(requests):
    chosen = rules.first_come(requests)
    if not requests:
        assert chosen is None
    else:
        earliest = min(t for _id, t in requests)
        assert dict(requests)[chosen] == earliest


@given(st.text(max_size=60))
def test_an_area_key_is_lower_case_and_squeezed(area):
    key = rules.area_key(area)
    assert key == key.lower() and "  " not in key and key == key.strip()
    assert rules.area_key(key) == key


@given(st.sampled_from(["$5", "RM 10", "S$3", "£2.50", "20 dollars", "5 ringgit", "price 5"]))
def test_prices_are_recognised(text):
    assert rules.looks_like_price(f"Baby cot {text}")


@given(st.sampled_from(["Baby cot", "Children's books (10)", "Rice cooker 1 litre", "Blk 123"]))
def test_plain_titles_are_not_prices(text):
    assert not rules.looks_like_price(text)


@settings(max_examples=15, deadline=None)
@given(st.integers(1, 2500), st.integers(1, 2500))
def test_any_photo_comes_out_a_jpeg_within_bounds_without_metadata(w, h):
    source = io.BytesIO()
    Image.new("RGB", (w, h), "blue").save(source, format="PNG", pnginfo=None)
    data, nw, nh = clean_photo(source.getvalue())
    out = Image.open(io.BytesIO(data))
    assert out.format == "JPEG" and out.size == (nw, nh)
    assert max(nw, nh) <= LONGEST_SIDE
    assert dict(out.getexif()) == {}

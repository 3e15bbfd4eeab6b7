"""The index's per-signature fit only touches signatures sharing a code with the need;
it must give exactly what gathering every signature's codes gives."""

from __future__ import annotations

import numpy as np

from bench.matching import make_candidates, make_needs
from kampung.matching.core import CandidateIndex


def test_the_sparse_signature_fit_equals_the_full_one():
    cands, hubs = make_candidates(4000, 5)
    index = CandidateIndex.build(cands)
    needs = make_needs(150, 6, hubs)
    nonzero = 0
    for need in needs:
        ctx = index.context(need)
        fast = index._sig_fit(ctx)
        assert np.array_equal(fast, index._sig_fit_padded(ctx)), need
        nonzero += int((fast > 0).sum())
    assert nonzero > 0

"""The segmentation's dynamic programming finds the same optimum as trying every segmentation."""
from __future__ import annotations

import itertools

import numpy as np
import pytest

from captioner.agenda.segment import Segmenter


def score(seg: Segmenter, starts: tuple[int, ...]) -> float:
    """The score of one segmentation, item k beginning at sentence starts[k], written out plainly."""
    n, k_count = seg.n, seg.k
    total = seg.allowed[0, starts[0]]
    for k in range(k_count):
        a, b = starts[k], starts[k + 1] if k + 1 < k_count else n
        if k > 0:
            if a == starts[k - 1]:  # item k-1 was empty
                total += seg.empty[k - 1, a] + seg.anchor[k, a] + seg.allowed[k, a]
            else:
                total += seg.evidence[a] + seg.anchor[k, a] + seg.allowed[k, a]
        if b > a:
            total += seg.content[k, b] - seg.content[k, a]
            total -= seg._penalty(k, np.array(seg.times[b] - seg.times[a]))
        elif k == k_count - 1:
            total += seg.empty[k, a]
    return float(total)


def exhaustive(seg: Segmenter) -> float:
    """The best score over every way to give the items consecutive (possibly empty) blocks."""
    return max(score(seg, starts) for starts in itertools.combinations_with_replacement(range(seg.n + 1), seg.k))


@pytest.mark.parametrize("seed", range(60))
def test_dynamic_programming_is_exact(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 8))
    k_count = int(rng.integers(1, min(5, n + 1) + 1))
    parents = [bool(rng.random() < 0.25) and k < k_count - 1 for k in range(k_count)]
    fixed: list[int | None] = [None] * k_count
    if rng.random() < 0.4:
        fixed[int(rng.integers(0, k_count))] = int(rng.integers(0, n + 1))
    times = np.concatenate([[0.0], np.sort(rng.random(n - 1) * 20), [21.0]])
    seg = Segmenter(rng.random((n, k_count)), rng.random((n, k_count)), rng.random(n) - 0.3, times,
                    short=float(rng.random() * 8), fixed=fixed, parents=parents, named=rng.random(k_count))
    expected = exhaustive(seg)
    if not np.isfinite(expected):
        assert not np.isfinite(seg.best_score())
        return
    assert seg.best_score() == pytest.approx(expected)
    for k in range(k_count):  # forward + backward give the same optimum through every item
        assert seg.total(k).max() == pytest.approx(expected)
    starts = seg.best_starts()  # and the backtracked segmentation scores it
    assert starts == sorted(starts)
    assert score(seg, tuple(starts)) == pytest.approx(expected)
    for k, position in enumerate(fixed):
        if position is not None:
            assert starts[k] == position
    absent = seg.absent(starts)
    assert not any(absent[k] for k in range(k_count) if parents[k] or fixed[k] is not None)

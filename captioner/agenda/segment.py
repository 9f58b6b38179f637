"""Placing agenda items on a sentence sequence: a monotonic segmentation by dynamic programming."""
from __future__ import annotations

import numpy as np

from captioner.errors import CaptionerError

W_CONTENT = 1.0  # weight of what the sentences of a block say about its item
W_ABSENT = 0.4  # the evidence an item needs to be placed rather than reported as not found
W_SHORT = 2.0  # the most a very short chapter pays


class Segmenter:
    """Monotonic segmentation of sentences 0..n into one block per agenda item (in the order parents before their sub-items), by dynamic programming.

    State (k, j): item k begins at sentence j. Entering a new position b from a
    block that ends there earns the block's content score, the boundary
    evidence at b and the next item's anchor at b. A block may also be empty
    (the next item begins at the same sentence): for a parent that goes straight
    to its first sub-item, or an item with a given start, that costs nothing;
    for any other item it means "absent from the recording": it forgoes its
    anchor and earns ``W_ABSENT``, so an item is only placed where the evidence
    for it is worth more than that. Evidence at a position is counted once.
    An item's block shorter than ``short`` seconds pays a penalty growing as it
    shrinks: two strong breaks a sentence apart rarely both begin agenda items.
    """

    def __init__(self, similarity: np.ndarray, anchor: np.ndarray, evidence: np.ndarray, times: np.ndarray,
                 short: float, fixed: list[int | None], parents: list[bool], named: np.ndarray | None = None):
        """similarity[sentence, item], anchor[sentence, item] and evidence[sentence] are scores;
        times[j] is where sentence j begins (times[n]: the end); fixed[k] is the sentence a given
        start time puts item k at; parents[k] says whether item k has sub-items; named[k] (0..1)
        how surely item k is named somewhere in the transcript."""
        n, k_count = similarity.shape[0], similarity.shape[1]
        self.n, self.k, self.parents = n, k_count, parents
        self.times, self.short = times, max(short, 1e-6)
        self.content = np.zeros((k_count, n + 1))
        self.content[:, 1:] = np.cumsum(W_CONTENT * similarity.T, axis=1)
        self.anchor = np.zeros((k_count, n + 1))
        self.anchor[:, :n] = anchor.T
        self.evidence = np.append(evidence, 0.0)
        self.allowed = np.zeros((k_count, n + 1))
        for k, position in enumerate(fixed):
            if position is not None:
                self.allowed[k] = -np.inf
                self.allowed[k, position] = 0.0
        if fixed[0] is None:
            self.allowed[0, 1:] = -np.inf  # the first item begins with the recording
        self.optional = [not parent and position is None for parent, position in zip(parents, fixed)]
        # What an empty block adds. An absent item gives back the anchor it was entered with, and
        # saves W_ABSENT: placing an item must gain more than that.
        # An item named somewhere in the transcript (named[k], 0..1) is surely there: leaving it out earns less.
        named = np.zeros(k_count) if named is None else np.clip(named, 0.0, 1.0)
        self.empty = np.array([W_ABSENT * (1.0 - named[k]) - self.anchor[k] if self.optional[k] else np.zeros(n + 1)
                               for k in range(k_count)])
        # latest[b]: the last start a with a block [a, b) at least `short` long; earliest[a]: the first end b
        self.latest = np.searchsorted(times, times - self.short, side="right") - 1
        self.earliest = np.searchsorted(times, times + self.short, side="left")
        self.reach = int(max(1, (np.arange(n + 1) - self.latest).max()))
        self.forward = self._forward()
        self.backward = self._backward()

    def _enter(self, k: int) -> np.ndarray:
        """Score of item k beginning at each position after a non-empty block."""
        return self.evidence + self.anchor[k] + self.allowed[k]

    def _penalty(self, k: int, length: np.ndarray) -> np.ndarray:
        if self.parents[k]:
            return np.zeros_like(length)
        return W_SHORT * np.clip(1.0 - length / self.short, 0.0, 1.0)

    def _forward(self) -> np.ndarray:
        n, positions = self.n, np.arange(self.n + 1)
        forward = np.full((self.k, n + 1), -np.inf)
        forward[0] = self.allowed[0]
        for k in range(1, self.k):
            base = forward[k - 1] - self.content[k - 1]
            running = np.maximum.accumulate(base)
            # blocks of at least `short` seconds: the best start a <= min(latest[b], b - 1)
            last_start = np.minimum(self.latest, positions - 1)
            best = np.where(last_start >= 0, running[np.clip(last_start, 0, n)], -np.inf)
            for d in range(1, self.reach + 1):  # shorter blocks, one length at a time
                b = positions[d:]
                a = b - d
                short = a > self.latest[b]
                value = base[a] - self._penalty(k - 1, self.times[b] - self.times[a])
                best[d:] = np.where(short, np.maximum(best[d:], value), best[d:])
            value = best + self.content[k - 1] + self._enter(k)
            empty = forward[k - 1] + self.empty[k - 1] + self.anchor[k] + self.allowed[k]
            forward[k] = np.maximum(value, empty)
        return forward

    def _backward(self) -> np.ndarray:
        n, positions = self.n, np.arange(self.n + 1)
        backward = np.full((self.k, n + 1), -np.inf)
        last = self.k - 1
        backward[last] = self.content[last, n] - self.content[last] - self._penalty(last, self.times[n] - self.times)
        backward[last, n] = self.empty[last, n]
        for k in range(last - 1, -1, -1):
            after = self.content[k] + self._enter(k + 1) + backward[k + 1]
            running = np.maximum.accumulate(after[::-1])[::-1]  # best b >= a
            first_end = np.maximum(self.earliest, positions + 1)
            best = np.where(first_end <= n, running[np.clip(first_end, 0, n)], -np.inf)
            for d in range(1, self.reach + 1):
                a = positions[: n + 1 - d]
                b = a + d
                short = b < self.earliest[a]
                value = after[b] - self._penalty(k, self.times[b] - self.times[a])
                best[: n + 1 - d] = np.where(short, np.maximum(best[: n + 1 - d], value), best[: n + 1 - d])
            value = best - self.content[k]
            empty = self.empty[k] + self.anchor[k + 1] + self.allowed[k + 1] + backward[k + 1]
            backward[k] = np.maximum(value, empty)
        return backward

    def best_score(self) -> float:
        return float(self.total(0).max())

    def total(self, k: int) -> np.ndarray:
        """Best total score with item k beginning at each sentence."""
        return self.forward[k] + self.backward[k]

    def best_starts(self) -> list[int]:
        if not np.isfinite(self.best_score()):
            raise CaptionerError("the agenda's start times leave no room for the items between them; "
                                 "check the start times against the recording")
        starts = [int(np.argmax(self.total(0)))]
        for k in range(self.k - 1):
            a = starts[-1]
            values = np.full(self.n + 1, -np.inf)
            ends = np.arange(a + 1, self.n + 1)
            values[ends] = (self.content[k, ends] - self.content[k, a] + self._enter(k + 1)[ends]
                            + self.backward[k + 1, ends] - self._penalty(k, self.times[ends] - self.times[a]))
            values[a] = self.empty[k, a] + self.anchor[k + 1, a] + self.allowed[k + 1, a] + self.backward[k + 1, a]
            starts.append(int(np.argmax(values)))
        return starts

    def absent(self, starts: list[int]) -> list[bool]:
        """Which optional items the segmentation leaves empty, that is, did not find."""
        ends = starts[1:] + [self.n]
        return [self.optional[k] and ends[k] == starts[k] for k in range(self.k)]

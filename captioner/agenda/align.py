"""Align a transcript to its agenda: one chapter per agenda item, in order, covering the recording.

How it works
------------
1. The words are cut into sentences (a word that ends a sentence, a long
   pause, or a change of speaker ends one). Chapter boundaries can only fall at
   sentence starts.
2. Each sentence is scored against each agenda item: the item's title,
   description, keywords and speakers, expanded through the glossary and a few
   generic meeting words ("Q & A" -> question, answer), weighted so that words
   that name one item only and occur in few sentences count most.
3. Each sentence start gets boundary evidence: the pause before it, transition
   phrases ("moving on to", "over to you", "thank you"), a change of speaker,
   a shift of vocabulary (TextTiling-style), and, for each item, whether its
   words are said in the first sentences after it.
4. Dynamic programming cuts the sentence sequence into consecutive blocks, one
   per item in agenda order, maximising the total; start times given by the
   agenda are hard constraints and are kept exactly (``Chapter.fixed``).
   Forward and backward passes give, for each boundary, the margin between the
   chosen position and the best other one: that is its confidence.
5. An item may be left out: the segmentation may give it an empty block, at a
   fixed cost, and does so when nothing in the transcript supports a place for
   it (neither its words nor a clear break). Such an item is *not found*: it
   gets no chapter, and a warning names it, so that no chapter points at an
   invented place. Items with a given start time are always kept.

Parents with sub-items get a chapter spanning their sub-items (level 2, 3...);
the part of a parent before its first sub-item may be empty.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from captioner.agenda.evidence import Sentence, anchor, boundary_evidence, similarity, split_sentences
from captioner.agenda.items import Agenda, AgendaItem
from captioner.agenda.segment import Segmenter
from captioner.clock import clock
from captioner.errors import CaptionerError
from captioner.model import Chapter, Transcript

__all__ = ["align_agenda", "chapter_boundaries", "split_sentences"]

CONFIDENCE_SCALE = 1.0  # score margin that gives a confidence of 1 - 1/e
LOW_CONFIDENCE = 0.3  # boundaries less sure than this are reported
W_ANCHOR = 2.0  # weight of an item being named at the start of its block
SHORT_CHAPTER = 20.0  # seconds: chapters shorter than this (or than SHORT_SHARE of an even share) pay
SHORT_SHARE = 0.4


@dataclass
class _Slot:
    """One agenda item in the order the alignment places them (parents before their sub-items)."""
    item: AgendaItem
    index: int
    parent: int | None
    depth: int
    has_children: bool
    fixed_start: float | None
    first_sentence: int | None = None  # where a fixed start forces the block to begin


# --- public API ------------------------------------------------------------------

def align_agenda(transcript: Transcript, agenda: Agenda, glossary: Any = None) -> tuple[list[Chapter], list[str]]:
    """Chapters for the agenda's items on this transcript, and warnings for a producer to read."""
    slots = _slots(agenda)
    if not slots:
        raise CaptionerError("the agenda has no items; list at least one agenda item")
    sentences = split_sentences(transcript.words)
    duration = max([transcript.duration or 0.0] + [s.end for s in sentences])
    _check_fixed_starts(slots, sentences, duration)
    needing = sum(1 for slot in slots if _needs_sentences(slot))
    if not sentences:
        if needing:
            raise CaptionerError("the transcript has no words, so agenda items cannot be placed; "
                                 "check the recording has speech, or give every item a start time")
    elif needing > len(sentences):
        raise CaptionerError(f"the agenda has {needing} items to place but the transcript has only "
                             f"{len(sentences)} sentences; shorten the agenda or check the transcript")

    warnings: list[str] = []
    starts, margins, found = _place(slots, sentences, duration, glossary)
    times = _slot_times(slots, starts, sentences)
    confidences = [1.0 if slot.fixed_start is not None else 1.0 - math.exp(-max(m, 0.0) / CONFIDENCE_SCALE)
                   for slot, m in zip(slots, margins)]

    kept = []
    for k, slot in enumerate(slots):
        if slot.fixed_start is not None or found[k]:
            kept.append(k)
            if confidences[k] < LOW_CONFIDENCE and slot.fixed_start is None and k > 0:
                warnings.append(f"agenda item '{slot.item.title}' starts at {clock(times[k])} with low "
                                f"confidence ({confidences[k]:.2f}); check it, or give it a start time")
        else:
            warnings.append(f"agenda item '{slot.item.title}' was not found in the transcript, so it has no "
                            "chapter; if it was held, give it a start time in the agenda")
    if not kept:
        kept = [0]
    chapters = _chapters(slots, kept, times, confidences, duration, agenda)
    return chapters, warnings


def chapter_boundaries(chapters: list[Chapter]) -> list[float]:
    """The times where a chapter (of any level) begins after the start: caption cues must not straddle them."""
    return sorted({round(c.start, 3) for c in chapters if c.start > 0})


# --- slots and constraints ------------------------------------------------------------

def _slots(agenda: Agenda) -> list[_Slot]:
    slots: list[_Slot] = []

    def visit(items: list[AgendaItem], parent: int | None, depth: int) -> None:
        for item in items:
            index = len(slots)
            slots.append(_Slot(item=item, index=index, parent=parent, depth=depth,
                               has_children=bool(item.items), fixed_start=item.start))
            visit(item.items, index, depth + 1)

    visit(agenda.items, None, 1)
    return slots


def _needs_sentences(slot: _Slot) -> bool:
    """Does the item need sentences of its own? A parent may go straight to its first sub-item,
    and a given start time places an item even where no sentence starts before the next one."""
    return not slot.has_children and slot.fixed_start is None


def _check_fixed_starts(slots: list[_Slot], sentences: list[Sentence], duration: float) -> None:
    previous: _Slot | None = None
    for slot in slots:
        start = slot.fixed_start
        if start is None:
            continue
        if start >= duration:
            raise CaptionerError(f"agenda item '{slot.item.title}' starts at {clock(start)}, past the end of "
                                 f"the recording ({clock(duration)}); fix its start time")
        if previous is not None:
            ancestor = _is_ancestor(slots, previous.index, slot.index)
            if start < previous.fixed_start or (start == previous.fixed_start and not ancestor):
                raise CaptionerError(f"agenda start times are out of order: '{slot.item.title}' at {clock(start)} "
                                     f"comes after '{previous.item.title}' at {clock(previous.fixed_start)}; "
                                     "list items in the order they happen")
        # the block begins with the first sentence whose middle is at or after the given time
        slot.first_sentence = next((j for j, s in enumerate(sentences) if (s.start + s.end) / 2 >= start),
                                   len(sentences))
        previous = slot


def _is_ancestor(slots: list[_Slot], ancestor: int, index: int) -> bool:
    parent = slots[index].parent
    while parent is not None:
        if parent == ancestor:
            return True
        parent = slots[parent].parent
    return False


# --- placement -----------------------------------------------------------------------------

def _place(slots: list[_Slot], sentences: list[Sentence], duration: float,
           glossary: Any) -> tuple[list[int], list[float], list[bool]]:
    """Start sentence of every slot, the margin of each start, and whether each item was found."""
    n, k_count = len(sentences), len(slots)
    if n == 0:
        return [0] * k_count, [0.0] * k_count, [True] * k_count
    parents = [slots[slot.parent].item if slot.parent is not None else None for slot in slots]
    content, title = similarity([slot.item for slot in slots], parents, sentences, glossary)
    times = np.array([0.0] + [s.start for s in sentences[1:]] + [duration])
    dp = Segmenter(content, W_ANCHOR * anchor(title, sentences), boundary_evidence(sentences), times,
                   short=min(SHORT_CHAPTER, SHORT_SHARE * duration / k_count),
                   fixed=[slot.first_sentence for slot in slots], parents=[slot.has_children for slot in slots],
                   named=title.max(axis=0))
    starts = dp.best_starts()
    best = dp.best_score()
    margins = []
    for k, j in enumerate(starts):
        others = dp.total(k)
        others[j] = -np.inf
        runner_up = others.max()
        margins.append(float(best - runner_up) if np.isfinite(runner_up) else 10.0)
    found = [not absent for absent in dp.absent(starts)]
    return starts, margins, found


# --- chapters ---------------------------------------------------------------------------------

def _slot_times(slots: list[_Slot], starts: list[int], sentences: list[Sentence]) -> list[float]:
    times = []
    for slot, j in zip(slots, starts):
        if slot.fixed_start is not None:
            times.append(slot.fixed_start)
        elif j == 0 and slot.index == 0:
            times.append(0.0)
        elif j < len(sentences):
            times.append(sentences[j].start)
        else:
            times.append(math.inf)  # an empty block at the very end: placed by the next rule
    # an empty parent block begins where its first sub-item does (which may be a given time)
    for k in range(len(slots) - 2, -1, -1):
        if starts[k] == starts[k + 1] and slots[k].fixed_start is None:
            times[k] = times[k + 1]
    return times


def _chapters(slots: list[_Slot], kept: list[int], times: list[float], confidences: list[float],
              duration: float, agenda: Agenda) -> list[Chapter]:
    chapters: list[Chapter] = []
    first_time = min(times[k] for k in kept)
    if first_time > 0 and slots[kept[0]].fixed_start is not None:
        chapters.append(Chapter(title=agenda.title or "Start", start=0.0, end=_time(first_time, duration), level=1))
    for k in kept:
        slot = slots[k]
        start = times[k] if (k != kept[0] or slot.fixed_start is not None) else 0.0
        # the chapter ends where the next kept slot at the same or a shallower depth begins
        end = duration
        for later in kept:
            if later > k and slots[later].depth <= slot.depth:
                end = times[later]
                break
        chapters.append(Chapter(
            title=slot.item.title, start=_time(start, duration), end=_time(end, duration),
            confidence=round(float(confidences[k]), 3), level=slot.depth,
            speakers=list(slot.item.speakers), fixed=slot.fixed_start is not None))
    return [c for c in chapters if c.end > c.start or c.fixed]


def _time(seconds: float, duration: float) -> float:
    """A chapter time as a plain float, to the millisecond; the end of the recording exactly."""
    return float(duration) if seconds >= duration else round(float(seconds), 3)

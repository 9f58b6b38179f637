"""Edits from a subtitle file someone corrected elsewhere (Subtitle Edit, YouTube Studio, Amara):
its words aligned with the transcript's, each difference one word edit, each re-timed cue one
timing edit (captioner edit --from FILE).

The file's text is compared word by word with the transcript as written (difflib's longest
matching blocks; a capital or a comma changed is a correction), so cues may have been split,
merged or re-broken freely; speaker labels ("NAME:", ">>", a dialogue dash) are not words. A
cue whose times differ from the published cue of the same text by more than `RETIMED` seconds
was re-timed by the producer: its words get those times.
"""
from __future__ import annotations

import difflib
import re
from typing import Sequence

from captioner.correct.edits import Edits, TimingEdit, WordEdit, context, norm
from captioner.model import Cue, Word

JOIN_WORDS = 2  # unchanged words between two differences that make them one correction
RETIMED = 0.25  # seconds a cue's start or end must move to count as the producer's timing
_LABEL = re.compile(r"^\s*(?:-\s*)?(?:>>\s*|[^\s:a-z][^:a-z]{0,40}:\s+)?")


def cue_words(cue: Cue) -> list[str]:
    """The words of a cue as written, speaker labels left out."""
    out = []
    for line in cue.lines:
        out += _LABEL.sub("", line, count=1).split()
    return [w for w in out if norm(w)]


def edits_from_subtitles(words: Sequence[Word], published: Sequence[Cue], corrected: Sequence[Cue]) -> Edits:
    """The edits that turn the transcript's words into the corrected file's, and its re-timings."""
    new: list[str] = []
    for cue in corrected:
        new += cue_words(cue)
    words = [w for w in words if norm(w.text)]  # a lone punctuation mark is not a word a caption shows
    edits = Edits(words=word_differences(words, 0, len(words), new))
    edits.timing = _retimed(published, corrected)
    return edits


def word_differences(words: Sequence[Word], first: int, end: int, new: Sequence[str]) -> list[WordEdit]:
    """One word edit for each run of words[first:end] that differs from the words `new` (as written:
    a capital or a comma is a correction too), with the words around it in `words` as context."""
    matcher = difflib.SequenceMatcher(None, [w.text for w in words[first:end]], list(new), autojunk=False)
    found = []
    for a0, a1, b0, b1 in _changed_runs(matcher.get_opcodes()):
        a0, a1 = a0 + first, a1 + first
        said = " ".join(w.text for w in words[a0:a1])
        correct = " ".join(new[b0:b1])
        if a1 > a0:
            start, end_time = words[a0].start, words[a1 - 1].end
        else:  # an insertion: at the gap before word a0
            start = words[a0 - 1].end if a0 > 0 else 0.0
            end_time = words[a0].start if a0 < len(words) else start
        found.append(WordEdit(round(start, 3), round(end_time, 3), said, correct, *context(words, a0, a1)))
    return found


def _changed_runs(opcodes) -> list[tuple[int, int, int, int]]:
    """The differences, those apart by at most `JOIN_WORDS` unchanged words taken as one: "a new
    top order" -> "A View to a Border" is one correction, not three around the "a" they share."""
    runs: list[list[int]] = []
    for k, (op, a0, a1, b0, b1) in enumerate(opcodes):
        if op == "equal":
            continue
        previous = opcodes[k - 1] if k > 0 else None
        if runs and previous is not None and previous[0] == "equal" and previous[2] - previous[1] <= JOIN_WORDS \
                and runs[-1][1] == previous[1]:
            runs[-1][1], runs[-1][3] = a1, b1
        else:
            runs.append([a0, a1, b0, b1])
    return [tuple(run) for run in runs]


def _retimed(published: Sequence[Cue], corrected: Sequence[Cue]) -> list[TimingEdit]:
    """Corrected cues whose text is that of a published cue near it, at other times."""
    out = []
    by_text: dict[tuple[str, ...], list[Cue]] = {}
    for cue in published:
        by_text.setdefault(tuple(norm(w) for w in cue_words(cue)), []).append(cue)
    for cue in corrected:
        text = cue_words(cue)
        same = by_text.get(tuple(norm(w) for w in text), [])
        if not same or not text:
            continue
        nearest = min(same, key=lambda c: abs(c.start - cue.start))
        moved = max(abs(nearest.start - cue.start), abs(nearest.end - cue.end))
        if RETIMED < moved <= 10.0:
            out.append(TimingEdit(round(cue.start, 3), round(cue.end, 3), " ".join(text)))
    return out

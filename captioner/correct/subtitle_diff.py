"""Edits from a subtitle file someone corrected elsewhere (Subtitle Edit, YouTube Studio, Amara):
its words aligned with the transcript's, each difference one word edit, each re-timed cue one
timing edit (captioner edit --from FILE).

The file's text is compared word by word with the transcript (difflib's longest matching
blocks, on words folded to lower case without punctuation), so cues may have been split,
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
    old = [norm(w.text) for w in words]
    matcher = difflib.SequenceMatcher(None, old, [norm(t) for t in new], autojunk=False)
    edits = Edits()
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op == "equal":
            continue
        said = " ".join(w.text for w in words[a0:a1])
        correct = " ".join(new[b0:b1])
        if a1 > a0:
            start, end = words[a0].start, words[a1 - 1].end
        else:  # an insertion: at the gap before word a0
            start = words[a0 - 1].end if a0 > 0 else 0.0
            end = words[a0].start if a0 < len(words) else start
        edits.words.append(WordEdit(round(start, 3), round(end, 3), said, correct, *context(words, a0, a1)))
    edits.timing = _retimed(published, corrected)
    return edits


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

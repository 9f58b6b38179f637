"""Sentences for translation: our own splitter, and source cues -> timed sentences.

A sentence may span several cues and a cue may hold several sentences. Each
sentence gets the time span of the text it covers: within a cue, time is shared
out in proportion to characters. Sentences never cross a speaker change or a
chapter boundary, so laying a translation back over a sentence's span keeps both.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from captioner.lang import is_unspaced
from captioner.model import Cue

# Words that end with a period without ending a sentence (compared in lower case).
ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof st jr sr sen rep gov gen col lt sgt capt cmdr adm amb hon rev fr
    mt ft no nos vol vols fig figs p pp para paras art arts sec ch cf vs approx dept est
    inc ltd co corp bros jan feb mar apr jun jul aug sep sept oct nov dec
    sr sra srta dra lic ing av mme mlle mm""".split()
)
# Abbreviations that also end sentences often: a boundary when a capital follows.
SOMETIMES_FINAL = frozenset({"etc", "inc", "ltd", "co", "corp"})
# Words that usually start a sentence, so a dotted acronym before them ends one.
SENTENCE_STARTERS = frozenset(
    """the this that these those we i it its they he she you our my their there here
    but and so yet in on at for as if when what how why who thank thanks now then
    let please today also however""".split()
)
ENDERS = ".?!…。？！؟"
CLOSERS = "\"'”’»)]}"
OPENERS = "\"'“‘«([{¿¡"
UNSPACED_ENDERS = "。？！"

_DOTTED_ACRONYM = re.compile(r"^(?:[A-Za-z]\.){2,}$")  # U.N. U.S. e.g. i.e.
_INITIAL = re.compile(r"^[A-Z]\.$")  # J. in "J. Smith"
_CANDIDATE = re.compile(r"[.?!…。？！؟]+[\"'”’»)\]}]*")
MAX_SENTENCE_CHARS = 400  # a run-on text with no sentence end is cut at a cue boundary past this


def _token_before(text: str, end: int) -> str:
    start = end
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    return text[start:end]


def _next_word(text: str, start: int) -> str:
    match = re.match(r"\s*[\"'“‘«(\[¿¡]*(\S*)", text[start:])
    return match.group(1) if match else ""


def _is_boundary(text: str, match: re.Match) -> bool:
    end = match.end()
    marks = match.group(0)
    if any(ch in UNSPACED_ENDERS for ch in marks):
        return True  # Chinese/Japanese full stops need no space after them
    if end < len(text) and not text[end].isspace():
        return False  # "2.5", "un.org", "U.N" inside a token
    following = _next_word(text, end)
    if not following:
        return True  # end of text
    first = following[0]
    if first.islower():
        return False  # "... e.g. the", "Wait... then"
    if not marks.startswith("."):
        return True  # ? ! … ؟ then a capital, digit or symbol
    token = _token_before(text, match.start() + 1).lstrip(OPENERS)  # up to and with the first '.'
    word = token[:-1].lower()
    if word in SOMETIMES_FINAL:
        return True
    if word in ABBREVIATIONS:
        return False  # "Mr. Smith", "No. 5"
    if _INITIAL.match(token):
        return False  # "J. Smith"
    if _DOTTED_ACRONYM.match(token):
        return following.strip(".,;:").lower() in SENTENCE_STARTERS
    return True


def sentence_spans(text: str, language: str | None = None) -> list[tuple[int, int]]:
    """(start, end) character offsets of the sentences in `text`, whitespace trimmed."""
    spans = []
    start = 0
    for match in _CANDIDATE.finditer(text):
        if _is_boundary(text, match):
            spans.append((start, match.end()))
            start = match.end()
    spans.append((start, len(text)))
    trimmed = []
    for a, b in spans:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if a < b:
            trimmed.append((a, b))
    return trimmed


def split_sentences(text: str, language: str | None = None) -> list[str]:
    """Plain text -> sentences (abbreviation-, number- and acronym-aware)."""
    return [text[a:b] for a, b in sentence_spans(text, language)]


@dataclass
class Sentence:
    """One unit of translation: its text, the time it is spoken, and where it came from."""

    text: str
    start: float
    end: float
    speaker: str | None = None
    cues: list[int] = field(default_factory=list)  # indices of the source cues it draws on


def word_joiner(language: str | None) -> str:
    return "" if is_unspaced(language) else " "


def _runs(cues: list[Cue], boundaries) -> list[list[int]]:
    """Indices of consecutive non-empty cues with one speaker and no chapter boundary between."""
    cuts = sorted(float(b) for b in boundaries)
    runs: list[list[int]] = []
    previous: Cue | None = None
    for index, cue in enumerate(cues):
        if not cue.text.strip():
            continue
        if (
            previous is None
            or cue.speaker != previous.speaker
            or any(previous.end - 1e-6 <= b <= cue.start + 1e-6 for b in cuts)
        ):
            runs.append([])
        runs[-1].append(index)
        previous = cue
    return runs


def _cut_long(spans: list[tuple[int, int]], cue_ends: list[int]) -> list[tuple[int, int]]:
    """Cut sentences longer than MAX_SENTENCE_CHARS at cue boundaries inside them."""
    out = []
    for a, b in spans:
        while b - a > MAX_SENTENCE_CHARS:
            inside = [e for e in cue_ends if a < e < b and e - a <= MAX_SENTENCE_CHARS]
            if not inside:
                break
            out.append((a, inside[-1]))
            a = inside[-1]
        out.append((a, b))
    return out


def sentences_from_cues(cues: list[Cue], language: str | None = None, boundaries=()) -> list[Sentence]:
    """Group source cues into timed sentences.

    The cues' text is joined and split with `sentence_spans`; a sentence also ends
    where the speaker changes, where a chapter boundary falls between two cues, and
    (text with no punctuation) at a cue boundary past MAX_SENTENCE_CHARS.
    """
    joiner = word_joiner(language)
    sentences: list[Sentence] = []
    for run in _runs(cues, boundaries):
        texts = [joiner.join(line.strip() for line in cues[i].lines if line.strip()) for i in run]
        offsets = []
        position = 0
        for text in texts:
            offsets.append(position)
            position += len(text) + len(joiner)
        full = joiner.join(texts)
        ends = [o + len(t) for o, t in zip(offsets, texts)]

        def locate(x: int, is_end: bool) -> tuple[int, float]:
            """(cue position in run, time) of character offset x."""
            for k in range(len(run)):
                lo, hi = offsets[k], ends[k]
                if (lo <= x < hi) or (is_end and lo < x <= hi):
                    cue = cues[run[k]]
                    return k, cue.start + cue.duration * (x - lo) / max(1, hi - lo)
            k = max(k for k in range(len(run)) if offsets[k] <= x) if x >= 0 else 0
            cue = cues[run[k]]
            return k, (cue.end if is_end else cue.start)

        spans = _cut_long(sentence_spans(full, language), ends)
        starts = [locate(a, False) for a, _ in spans]
        for n, (a, b) in enumerate(spans):
            k0, t0 = starts[n]
            k1, t1 = locate(b, True)
            if n + 1 < len(spans) and starts[n + 1][0] == k1:
                t1 = starts[n + 1][1]  # two sentences in one cue meet exactly
            sentences.append(Sentence(
                text=full[a:b],
                start=t0,
                end=max(t0, t1),
                speaker=cues[run[k0]].speaker,
                cues=[run[k] for k in range(k0, k1 + 1)],
            ))
    return sentences

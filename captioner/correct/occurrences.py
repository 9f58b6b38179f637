"""Where each glossary term occurs in the transcripts already made, in its sentence: what a
translator reviewing the term needs to see (`captioner glossary review`)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from captioner.correct.spelling import find_terms
from captioner.errors import InputFileError
from captioner.glossary.model import Glossary
from captioner.workspace import TRANSCRIPT, read_transcript


def sentence_around(words, first: int, end: int, limit: int = 14) -> str:
    """The sentence around words[first:end], at most ``limit`` words either side."""
    start = first
    while start > 0 and first - start < limit and not words[start - 1].ends_sentence:
        start -= 1
    stop = end
    while stop < len(words) and stop - end < limit and not words[stop - 1].ends_sentence:
        stop += 1
    text = " ".join(w.text for w in words[start:stop])
    return ("…" if start > 0 and not words[start - 1].ends_sentence else "") + text + \
           ("…" if stop < len(words) and not words[stop - 1].ends_sentence else "")


@dataclass
class Occurrence:
    recording: str
    start: float
    sentence: str


def term_occurrences(glossary: Glossary, transcripts_dir: Path,
                     warn: Callable[[str], None] = lambda message: None) -> tuple[dict[str, list[Occurrence]], int]:
    """Each concept's occurrences (recording, time, sentence) in every OUT/<stem>/transcript.json
    under `transcripts_dir`, and how many transcripts were read; `warn` hears those skipped."""
    found: dict[str, list[Occurrence]] = {}
    paths = sorted(transcripts_dir.glob(f"*/{TRANSCRIPT}")) if transcripts_dir.is_dir() else []
    for path in paths:
        try:
            transcript = read_transcript(path)
        except InputFileError as exc:
            warn(f"skipped: {exc}")
            continue
        recording = path.parent.name
        words = transcript.words
        offsets, total = [], 0
        for segment in transcript.segments:
            offsets.append(total)
            total += len(segment.words)
        for occ in find_terms(transcript, glossary):
            if transcript.segments[occ.segment].words:
                first = offsets[occ.segment] + occ.first_word
                sentence = sentence_around(words, first, offsets[occ.segment] + occ.end_word)
            else:
                sentence = transcript.segments[occ.segment].text.strip()
            found.setdefault(occ.concept, []).append(Occurrence(recording, occ.start, sentence))
    return found, len(paths)

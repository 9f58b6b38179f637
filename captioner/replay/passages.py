"""The transcript as readers see it: sections per chapter, passages per speaker turn or pause.

The source language's passages come from the recognised words (they carry the
glossary corrections); a translation's passages gather its cues into the same
time spans, so every language has the same sections and timestamps.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

from captioner.lang import is_unspaced
from captioner.model import Chapter, Cue, Transcript, Word

# A long pause after a sentence starts a new passage.
PAUSE_SECONDS = 2.0
# A passage ends at the first sentence end after this many words...
SOFT_MAX_WORDS = 80
# ...and at this many words regardless, so a run-on transcript still gets paragraphs.
HARD_MAX_WORDS = 220

# Languages written without spaces between words.


@dataclass
class Passage:
    start: float
    end: float
    text: str
    speaker: str | None = None


@dataclass
class Section:
    """The passages of one chapter (or of the whole recording when there is no agenda)."""
    index: int
    title: str | None
    start: float
    level: int = 1
    speakers: list[str] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)


def ordered_chapters(chapters: list[Chapter]) -> list[Chapter]:
    return sorted(chapters, key=lambda c: (c.start, c.level))


def _section_skeleton(chapters: list[Chapter]) -> list[Section]:
    ordered = ordered_chapters(chapters)
    sections = [Section(index=i + 1, title=c.title, start=c.start, level=max(1, c.level), speakers=list(c.speakers))
                for i, c in enumerate(ordered)]
    # Speech before the first chapter (or a recording with no agenda) goes in an untitled section 0.
    if not sections or sections[0].start > 0:
        sections.insert(0, Section(index=0, title=None, start=0.0))
    return sections


def _section_of(sections: list[Section], time: float) -> int:
    found = 0
    for position, section in enumerate(sections):
        if section.start <= time + 1e-6:
            found = position
        else:
            break
    return found


def _join(pieces: list[str], language: str) -> str:
    glue = "" if is_unspaced(language) else " "
    return glue.join(p.strip() for p in pieces if p.strip())


def _words_of(transcript: Transcript) -> list[Word]:
    words: list[Word] = []
    for segment in transcript.segments:
        if segment.words:
            words.extend(segment.words)
        elif segment.text.strip():  # recognised without word timestamps: the segment is the unit
            words.append(Word(text=segment.text.strip(), start=segment.start, end=segment.end))
    return words


def source_sections(transcript: Transcript) -> list[Section]:
    """Sections with passages made from the transcript's words; empty sections are dropped
    except chapters, which keep their heading so the chapter list and transcript agree."""
    sections = _section_skeleton(transcript.chapters)
    language = transcript.language
    current: list[Word] = []
    current_section = -1

    def flush() -> None:
        if current:
            sections[current_section].passages.append(Passage(
                start=current[0].start, end=current[-1].end,
                text=_join([w.text for w in current], language), speaker=current[0].speaker))
            current.clear()

    for word in _words_of(transcript):
        section = _section_of(sections, word.start)
        if current:
            previous = current[-1]
            sentence_done = previous.ends_sentence
            if (section != current_section
                    or word.speaker != previous.speaker
                    or (sentence_done and word.start - previous.end >= PAUSE_SECONDS)
                    or (sentence_done and len(current) >= SOFT_MAX_WORDS)
                    or len(current) >= HARD_MAX_WORDS):
                flush()
        current_section = section
        current.append(word)
    flush()
    return [s for s in sections if s.passages or s.title is not None]


def translated_sections(source: list[Section], cues: list[Cue], language: str) -> list[Section]:
    """The source's sections and passage spans, filled with this language's cues.

    A cue belongs to the passage whose span holds its midpoint; a passage no cue
    falls in is left out.
    """
    spans: list[tuple[int, int, float]] = [(si, pi, p.start) for si, s in enumerate(source) for pi, p in enumerate(s.passages)]
    result = [Section(index=s.index, title=s.title, start=s.start, level=s.level, speakers=list(s.speakers)) for s in source]
    if not spans:
        return result
    buckets: dict[tuple[int, int], list[Cue]] = {}
    starts = [span[2] for span in spans]
    for cue in sorted(cues, key=lambda c: c.start):
        position = max(0, bisect_right(starts, (cue.start + cue.end) / 2 + 1e-6) - 1)
        si, pi, _ = spans[position]
        buckets.setdefault((si, pi), []).append(cue)
    for (si, pi), bucket in sorted(buckets.items()):
        passage = source[si].passages[pi]
        result[si].passages.append(Passage(
            start=min(c.start for c in bucket), end=max(c.end for c in bucket),
            text=_join([c.text for c in bucket], language),
            speaker=passage.speaker or bucket[0].speaker))
    for section in result:
        section.passages.sort(key=lambda p: p.start)
    return result


def iso_duration(seconds: float) -> str:
    """A <time datetime> value: PT1H2M3.5S."""
    seconds = max(0.0, float(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    out = "PT"
    if hours:
        out += f"{int(hours)}H"
    if minutes:
        out += f"{int(minutes)}M"
    out += f"{secs:.3f}".rstrip("0").rstrip(".") + "S"
    return out

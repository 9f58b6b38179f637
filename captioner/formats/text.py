"""A plain-text transcript: paragraphs, chapter headings, speaker names.

A new paragraph starts after a pause longer than PARAGRAPH_PAUSE seconds, at a
change of speaker, at a chapter start, and at the first sentence end once a
paragraph has grown past PARAGRAPH_CHARS characters. Each chapter gets a heading
line with its start time (chapters without speech too, so the outline is whole);
where the speaker changes (and after a chapter heading) the paragraph starts
with a label in the caption style (`label_style`, as `Profile.speaker_labels`):
``name`` gives ``Maria Fernández: ...`` (the name as written: a transcript is
read, not watched), ``chevrons`` gives ``>> ...``, ``none`` nothing.
"""
from __future__ import annotations

import textwrap
from bisect import bisect_right
from dataclasses import dataclass

from captioner.clock import timestamp
from captioner.errors import CaptionerError
from captioner.formats.labels import CHEVRONS, DEFAULT_LABEL_STYLE, LABEL_STYLES, line_speakers
from captioner.lang import is_unspaced
from captioner.model import Cue, Transcript, Word

PARAGRAPH_PAUSE = 1.5
PARAGRAPH_CHARS = 700
WRAP_COLUMNS = 78


@dataclass
class _Unit:
    start: float
    end: float
    text: str
    speaker: str | None
    ends_sentence: bool


def _units(transcript: Transcript, cues: list[Cue] | None, sep: str) -> list[_Unit]:
    if cues is None:
        return [
            _Unit(w.start, w.end, w.text.strip(), w.speaker, w.ends_sentence)
            for w in transcript.words
            if w.text.strip()
        ]
    units = []
    for cue in cues:
        lines = [(line.strip(), who) for line, who in zip(cue.lines, line_speakers(cue)) if line.strip()]
        runs: list[tuple[list[str], str | None]] = []  # consecutive lines of one speaker
        for line, who in lines:
            if runs and runs[-1][1] == who:
                runs[-1][0].append(line)
            else:
                runs.append(([line], who))
        total = sum(len(line) for line, _ in lines) or 1
        t = cue.start
        for texts, who in runs:  # a dialogue cue's time is shared out by characters
            text = sep.join(texts)
            end = t + cue.duration * sum(len(x) for x in texts) / total
            units.append(_Unit(t, end, text, who, Word(text, 0, 0).ends_sentence))
            t = end
    return units


def _label(speaker: str, style: str) -> str:
    if style == "name":
        return f"{' '.join(speaker.split())}: "
    if style == "chevrons":
        return f"{CHEVRONS} "
    return ""


def _heading(title: str, start: float) -> str:
    return f"{' '.join(title.split())} [{timestamp(start)[:8]}]"


def write_text(transcript: Transcript, cues: list[Cue] | None = None, language: str | None = None,
               label_style: str = DEFAULT_LABEL_STYLE) -> str:
    """The transcript as paragraphs of text: from its words, or from `cues` (e.g. a
    translation; `language` then says how to join them, default the transcript's).
    `label_style` ("name", "chevrons", "none") says how a speaker change is shown."""
    if label_style not in LABEL_STYLES:
        raise CaptionerError(f"unknown speaker label style {label_style!r}; use one of {', '.join(LABEL_STYLES)}")
    language = language or transcript.language
    sep = "" if is_unspaced(language) else " "
    units = _units(transcript, cues, sep)
    chapters = sorted(transcript.chapters, key=lambda c: c.start)
    chapter_starts = [c.start for c in chapters]

    blocks: list[str] = []
    paragraph: list[str] = []
    paragraph_chars = 0
    speaker_shown: str | None = None

    def flush() -> None:
        nonlocal paragraph, paragraph_chars
        if paragraph:
            text = sep.join(paragraph)
            if sep:
                text = textwrap.fill(text, WRAP_COLUMNS, break_long_words=False, break_on_hyphens=False)
            blocks.append(text)
        paragraph, paragraph_chars = [], 0

    next_chapter = 0
    previous: _Unit | None = None
    for unit in units:
        chapter_index = bisect_right(chapter_starts, unit.start)
        new_chapter = chapter_index > next_chapter
        new_speaker = unit.speaker is not None and unit.speaker != speaker_shown
        pause = previous is not None and unit.start - previous.end > PARAGRAPH_PAUSE
        too_long = previous is not None and previous.ends_sentence and paragraph_chars > PARAGRAPH_CHARS
        if new_chapter or new_speaker or pause or too_long:
            flush()
        if new_chapter:
            for chapter in chapters[next_chapter:chapter_index]:
                blocks.append(_heading(chapter.title, chapter.start))
            next_chapter = chapter_index
        text = unit.text
        if new_speaker or (unit.speaker is not None and not paragraph and new_chapter):
            text = _label(unit.speaker, label_style) + text
            speaker_shown = unit.speaker
        paragraph.append(text)
        paragraph_chars += len(unit.text) + len(sep)
        previous = unit
    flush()
    for chapter in chapters[next_chapter:]:
        blocks.append(_heading(chapter.title, chapter.start))
    return "\n\n".join(blocks) + "\n" if blocks else ""

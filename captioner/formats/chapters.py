"""Chapter lists for players and video sites: a WebVTT chapters track and YouTube's chapters.txt.

Both want a flat, ordered, non-overlapping list, while an agenda may nest items.
`display_chapters` flattens: every moment belongs to the deepest chapter that
covers it; a parent keeps the time before its first sub-item, and when it has
none the first sub-item carries the parent's title too ("West Africa: Accra").
"""
from __future__ import annotations

import math

from captioner.clock import timestamp
from captioner.model import Chapter

YOUTUBE_MIN_SECONDS = 10  # YouTube ignores a chapter list with a chapter shorter than this
YOUTUBE_MIN_CHAPTERS = 3


def display_chapters(chapters: list[Chapter]) -> list[Chapter]:
    """A flat, consecutive, non-overlapping list from possibly nested chapters, in time order."""
    chapters = [c for c in chapters if c.end > c.start]
    if not chapters:
        return []
    cuts = sorted({t for c in chapters for t in (c.start, c.end)})
    pieces: list[tuple[float, float, Chapter]] = []
    for start, end in zip(cuts, cuts[1:]):
        covering = [c for c in chapters if c.start <= start and c.end >= end]
        if not covering:
            continue
        deepest = max(covering, key=lambda c: (c.level, c.start))
        if pieces and pieces[-1][2] is deepest and math.isclose(pieces[-1][1], start):
            pieces[-1] = (pieces[-1][0], end, deepest)
        else:
            pieces.append((start, end, deepest))
    shown: set[int] = set()
    result = []
    for start, end, chapter in pieces:
        title = chapter.title
        if id(chapter) not in shown:
            # a parent that never shows on its own lends its title to the sub-item at its start
            parents = [c for c in chapters if c.level < chapter.level and math.isclose(c.start, start)
                       and id(c) not in shown and c.end >= end]
            for parent in sorted(parents, key=lambda c: c.level, reverse=True):
                title = f"{parent.title}: {title}"
                shown.add(id(parent))
        shown.add(id(chapter))
        result.append(Chapter(title=title, start=start, end=end, confidence=chapter.confidence,
                              level=chapter.level, speakers=list(chapter.speakers), fixed=chapter.fixed))
    return result


def write_chapters_vtt(chapters: list[Chapter]) -> str:
    """A WebVTT chapters track (valid for the W3C webvtt-parser in chapters mode): one cue a chapter."""
    from captioner.formats.vtt import escape_text

    blocks = ["WEBVTT\n"]
    for number, chapter in enumerate(display_chapters(chapters), start=1):
        title = escape_text(" ".join(chapter.title.split())) or f"Chapter {number}"
        blocks.append(f"chapter-{number}\n{timestamp(chapter.start)} --> {timestamp(chapter.end)}\n{title}\n")
    return "\n".join(blocks)


def write_chapters_txt(chapters: list[Chapter], duration: float | None = None) -> tuple[str, list[str]]:
    """YouTube's chapter list ("00:00 Title" a line, from 00:00, each at least 10 s), and warnings.

    A chapter too short for YouTube is merged into the one before it (its line is
    dropped); a first chapter too short gives 00:00 to the one after it.
    """
    flat = display_chapters(chapters)
    warnings: list[str] = []
    if not flat:
        return "", ["no chapters to list"]
    end = duration if duration is not None else flat[-1].end
    long_form = end >= 3600
    entries = [[math.floor(c.start), " ".join(c.title.split())] for c in flat]
    entries[0][0] = 0
    kept: list[list] = []
    for entry in entries:
        while kept and entry[0] - kept[-1][0] < YOUTUBE_MIN_SECONDS:
            short = kept.pop()
            if not kept:  # the first chapter must stay at 00:00: the next one takes its place
                warnings.append(f"chapter '{short[1]}' is shorter than {YOUTUBE_MIN_SECONDS} s; "
                                f"chapters.txt lists '{entry[1]}' from 00:00")
                entry = [0, entry[1]]
                break
            warnings.append(f"chapter '{short[1]}' is shorter than {YOUTUBE_MIN_SECONDS} s; "
                            "chapters.txt merges it into the chapter before it")
        kept.append(entry)
    while len(kept) > 1 and end - kept[-1][0] < YOUTUBE_MIN_SECONDS:
        short = kept.pop()
        warnings.append(f"chapter '{short[1]}' is shorter than {YOUTUBE_MIN_SECONDS} s; "
                        "chapters.txt merges it into the chapter before it")
    if len(kept) < YOUTUBE_MIN_CHAPTERS:
        warnings.append(f"chapters.txt has {len(kept)} chapter(s); YouTube shows chapters only from "
                        f"{YOUTUBE_MIN_CHAPTERS} on")
    lines = [f"{_youtube_time(start, long_form)} {title}" for start, title in kept]
    return "".join(line + "\n" for line in lines), warnings


def _youtube_time(seconds: int, long_form: bool) -> str:
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    if long_form:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes:02d}:{secs:02d}"

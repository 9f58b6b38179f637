"""SubRip (.srt) with pysrt.

Speaker labels and dialogue hyphens (`Cue.labels`) are written as the start of
their lines, as viewers see them: ``MARIA FERNÁNDEZ: Good morning``.
In right-to-left languages (ar, he, fa, ur, ...) each line starts with U+200F
(RIGHT-TO-LEFT MARK) so that players which lay lines out left-to-right still put
leading and trailing punctuation on the correct side; readers drop the mark.
A label comes after the mark, at the start of the text.
"""
from __future__ import annotations

import io
import re

import pysrt

from captioner.errors import InputFileError
from captioner.formats.common import RLM
from captioner.formats.labels import shown_lines
from captioner.lang import is_rtl
from captioner.model import Cue

_TAG = re.compile(r"</?[a-zA-Z][^<>]*>|\{\\[^{}]*\}")  # <i>, <font color=..>, {\an8}
_MARKS = "\u200e\u200f"


def _safe_line(line: str) -> str:
    # "-->" in text would read as a timing line; blank lines would end the cue.
    return line.replace("-->", "->").strip()


def write_srt(cues: list[Cue], language: str | None = None) -> str:
    """SRT text of the cues, numbered from 1, with '\\n' line ends."""
    rtl = is_rtl(language)
    subs = pysrt.SubRipFile()
    for number, cue in enumerate(cues, start=1):
        lines = [_safe_line(line) for line in shown_lines(cue)]
        lines = [line for line in lines if line]
        if rtl:
            lines = [RLM + line for line in lines]
        subs.append(
            pysrt.SubRipItem(
                index=number,
                start=pysrt.SubRipTime.from_ordinal(max(0, round(cue.start * 1000))),
                end=pysrt.SubRipTime.from_ordinal(max(0, round(cue.end * 1000))),
                text="\n".join(lines),
            )
        )
    out = io.StringIO()
    subs.write_into(out, eol="\n")
    return out.getvalue()


def clean_line(line: str) -> str:
    """A subtitle line as a viewer reads it: no formatting tags, no direction marks."""
    return _TAG.sub("", line).strip(_MARKS + " \t")


# A SubRip timing line: HH:MM:SS,mmm --> HH:MM:SS,mmm (a full stop for the comma, and coordinates
# after it, are common and tolerated).
_TIMING = re.compile(r"^\d{1,2}:\d{1,2}:\d{1,2}[,.]\d{1,3}\s*-->\s*\d{1,2}:\d{1,2}:\d{1,2}[,.]\d{1,3}(?:\s.*)?$")


def malformed_block(text: str) -> str | None:
    """The first block of an SRT text whose timing line cannot be read, as 'line N: ...'; None if none.
    pysrt drops such a block and its words without a word."""
    start = None
    lines = text.split("\n") + [""]
    for number, line in enumerate(lines, start=1):
        if line.strip() and start is None:
            start = number
        elif not line.strip() and start is not None:
            block = [b.strip() for b in lines[start - 1:number - 1]]
            timing = 1 if block[0].isdigit() and len(block) > 1 else 0
            if not _TIMING.match(block[timing]):
                return (f"line {start + timing}: not an SRT cue timing (HH:MM:SS,mmm --> HH:MM:SS,mmm): "
                        f"\"{block[timing][:60]}\"")
            start = None
    return None


def read_srt(text: str) -> list[Cue]:
    """Cues of an SRT file (BOM, CRLF, coordinates after the times and tags are tolerated). A block
    whose timing line cannot be read is an InputFileError naming its line, not dropped."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        return []
    if "-->" not in text:
        raise InputFileError("no subtitles found: not an SRT or WebVTT file")
    problem = malformed_block(text)
    if problem:
        raise InputFileError(problem)
    try:
        items = pysrt.from_string(text, error_handling=pysrt.ERROR_PASS)
    except Exception as exc:  # pysrt raises its own errors for unparsable input
        raise InputFileError(f"not a readable SRT file ({exc})") from None
    if not items:
        raise InputFileError("no subtitles found: not an SRT or WebVTT file")
    cues = []
    for item in items:
        lines = [clean_line(line) for line in item.text.split("\n")]
        cues.append(
            Cue(start=item.start.ordinal / 1000, end=item.end.ordinal / 1000, lines=[line for line in lines if line])
        )
    return cues

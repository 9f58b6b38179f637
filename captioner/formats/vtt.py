"""WebVTT written to the W3C spec, and a tolerant reader of anyone's WebVTT.

Writing: a `WEBVTT` header, a blank line after every block, cue timings as
`HH:MM:SS.mmm --> HH:MM:SS.mmm`, `&`, `<` and `>` escaped as `&amp;`, `&lt;`,
`&gt;` (so no `-->` can appear in cue text), and a `<v Speaker>` voice span when a
cue has a speaker. In right-to-left languages (ar, he, fa, ur, ...) each line
starts with U+200F (RIGHT-TO-LEFT MARK) so that punctuation at the ends of a
line is placed on the correct side; the reader drops the mark.
"""
from __future__ import annotations

import html
import re

from captioner.errors import InputFileError
from captioner.formats import RLM, timestamp
from captioner.model import Cue
from captioner.rules import is_rtl

_MARKS = "\u200e\u200f"
_TIME = r"(?:(\d+):)?(\d{1,2}):(\d{1,2})(?:[.,](\d{1,3}))?"
_TIMING = re.compile(rf"^\s*{_TIME}\s*-->\s*{_TIME}(?:\s.*)?$")
_VOICE = re.compile(r"<v(?:\.[^\s>]*)?[ \t]+([^>]*)>")
_TAG = re.compile(r"</?[^<>]*>")


def escape_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _escape_annotation(name: str) -> str:
    return escape_text(" ".join(name.split()))


def _cue_block(ident: str, start: float, end: float, lines: list[str]) -> str:
    return f"{ident}\n{timestamp(start)} --> {timestamp(end)}\n" + "".join(line + "\n" for line in lines)


def write_vtt(cues: list[Cue], language: str | None = None) -> str:
    """WebVTT text of the cues (ids 1, 2, ...); `language` decides right-to-left marks."""
    rtl = is_rtl(language)
    blocks = ["WEBVTT\n"]
    for number, cue in enumerate(cues, start=1):
        lines = [escape_text(" ".join(line.split())) for line in cue.lines]
        lines = [line for line in lines if line]
        if rtl:
            lines = [RLM + line for line in lines]
        if cue.speaker and lines:
            lines[0] = f"<v {_escape_annotation(cue.speaker)}>" + lines[0]
            lines[-1] += "</v>"
        blocks.append(_cue_block(str(number), cue.start, cue.end, lines))
    return "\n".join(blocks)


def _seconds(h: str | None, m: str, s: str, frac: str | None) -> float:
    ms = int((frac or "0").ljust(3, "0"))
    return int(h or 0) * 3600 + int(m) * 60 + int(s) + ms / 1000


def _payload(lines: list[str]) -> tuple[list[str], str | None]:
    speaker = None
    text_lines = []
    for line in lines:
        voice = _VOICE.search(line)
        if voice and speaker is None:
            speaker = html.unescape(voice.group(1)).strip() or None
        clean = html.unescape(_TAG.sub("", line)).replace("\u00a0", " ").strip(_MARKS + " \t")
        if clean:
            text_lines.append(clean)
    return text_lines, speaker


def _is_block_keyword(line: str, word: str) -> bool:
    return line == word or line.startswith((word + " ", word + "\t"))


def read_vtt(text: str) -> list[Cue]:
    """Cues of a WebVTT file: settings, NOTE/STYLE/REGION blocks, tags and entities handled;
    `<v Name>` gives the cue's speaker. A cue whose timing line cannot be read is skipped."""
    lines = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    first = lines[0]
    if not first.startswith("WEBVTT") or (len(first) > 6 and first[6] not in " \t"):
        raise InputFileError("not a WebVTT file: the first line must be WEBVTT")
    i = 1
    while i < len(lines) and lines[i].strip() and "-->" not in lines[i]:
        i += 1  # header lines
    cues: list[Cue] = []
    skipped = 0
    n = len(lines)
    while i < n:
        line = lines[i]
        if not line.strip():
            i += 1
            continue
        if "-->" not in line and any(_is_block_keyword(line, k) for k in ("NOTE", "STYLE", "REGION")):
            while i < n and lines[i].strip():
                i += 1
            continue
        if "-->" not in line:  # a cue identifier
            i += 1
            if i >= n or "-->" not in lines[i]:
                skipped += 1
                while i < n and lines[i].strip():
                    i += 1
                continue
        timing = _TIMING.match(lines[i])
        i += 1
        payload = []
        while i < n and lines[i].strip() and "-->" not in lines[i]:
            payload.append(lines[i])
            i += 1
        if timing is None:
            skipped += 1
            continue
        g = timing.groups()
        text_lines, speaker = _payload(payload)
        cues.append(Cue(start=_seconds(*g[0:4]), end=_seconds(*g[4:8]), lines=text_lines, speaker=speaker))
    if not cues and skipped:
        raise InputFileError(f"no readable cues: {skipped} cue block(s) with unreadable timings")
    return cues

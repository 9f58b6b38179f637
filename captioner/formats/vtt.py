"""WebVTT written to the W3C spec, and a tolerant reader of anyone's WebVTT.

Writing: a `WEBVTT` header, a blank line after every block, cue timings as
`HH:MM:SS.mmm --> HH:MM:SS.mmm`, `&`, `<` and `>` escaped as `&amp;`, `&lt;`,
`&gt;` (so no `-->` can appear in cue text), and a `<v Speaker>` voice span when a
cue has a speaker (a dialogue cue: one span a line, each its speaker's).
Players differ in whether they show the voice's name, so the visible speaker
label (`Cue.labels`: ``MARIA FERNÁNDEZ:``, ``>>``, a dialogue hyphen) is also
written as text, exactly as in SRT: every player shows who speaks, and `qc`
counts it like the rest of the line. In right-to-left languages (ar, he, fa,
ur, ...) each line starts with U+200F (RIGHT-TO-LEFT MARK), before any label, so
that punctuation at the ends of a line is placed on the correct side; the
reader drops the mark, and gives a label it recognises back as `Cue.labels`.
"""
from __future__ import annotations

import html
import re

from captioner.clock import timestamp
from captioner.errors import InputFileError
from captioner.formats.common import RLM
from captioner.formats.labels import line_speakers, shown_lines, split_label
from captioner.lang import is_rtl
from captioner.model import Cue

_MARKS = "\u200e\u200f"
# W3C WebVTT: hours optional (two digits or more), minutes and seconds two digits each, below 60,
# a full stop and three digits of milliseconds.
_TIME = r"(?:(\d{2,}):)?([0-5]\d):([0-5]\d)\.(\d{3})"
_TIMING = re.compile(rf"^{_TIME}[ \t]+-->[ \t]+{_TIME}(?:[ \t].*)?$")
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
        shown = [(escape_text(" ".join(line.split())), who) for line, who in zip(shown_lines(cue), line_speakers(cue))]
        shown = [(line, who) for line, who in shown if line]
        if rtl:
            shown = [(RLM + line, who) for line, who in shown]
        if cue.speakers:  # a dialogue cue: each line in its speaker's voice
            lines = [f"<v {_escape_annotation(who)}>{line}</v>" if who else line for line, who in shown]
        else:
            lines = [line for line, _ in shown]
            if cue.speaker and lines:
                lines[0] = f"<v {_escape_annotation(cue.speaker)}>" + lines[0]
                lines[-1] += "</v>"
        blocks.append(_cue_block(str(number), cue.start, cue.end, lines))
    return "\n".join(blocks)


def _seconds(h: str | None, m: str, s: str, frac: str | None) -> float:
    ms = int((frac or "0").ljust(3, "0"))
    return int(h or 0) * 3600 + int(m) * 60 + int(s) + ms / 1000


def _payload(lines: list[str]) -> tuple[list[str], str | None, list[str | None]]:
    """Text lines, the cue's speaker (its first voice), and the voice each text line is in."""
    speaker = None
    current = None
    text_lines = []
    voices = []
    for line in lines:
        voice = _VOICE.search(line)
        if voice:
            current = html.unescape(voice.group(1)).strip() or None
            if speaker is None:
                speaker = current
        clean = html.unescape(_TAG.sub("", line)).replace("\u00a0", " ").strip(_MARKS + " \t")
        if clean:
            text_lines.append(clean)
            voices.append(current)
    return text_lines, speaker, voices


def _cue(start: float, end: float, payload: list[str]) -> Cue:
    """A cue from its payload; labels we write (a name, >>, dialogue hyphens) go back to Cue.labels."""
    lines, speaker, voices = _payload(payload)
    dialogue = len(lines) > 1 and None not in voices and len(set(voices)) > 1
    labels = []
    for k, line in enumerate(lines):
        if k and not dialogue:
            break
        label, lines[k] = split_label(line, voices[k], dialogue)
        labels.append(label)
    while labels and not labels[-1]:
        labels.pop()
    return Cue(start=start, end=end, lines=lines, speaker=speaker, speakers=voices if dialogue else [], labels=labels)


def _is_block_keyword(line: str, word: str) -> bool:
    return line == word or line.startswith((word + " ", word + "\t"))


def read_vtt(text: str) -> list[Cue]:
    """Cues of a WebVTT file: settings, NOTE/STYLE/REGION blocks, tags and entities handled;
    `<v Name>` gives the cue's speaker. As strict as the writer: a cue whose timing line is not
    WebVTT's ("00:00:01,000", "->") would be dropped by a player, so it is an InputFileError
    naming its line, not skipped."""
    lines = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    first = lines[0]
    if not first.startswith("WEBVTT") or (len(first) > 6 and first[6] not in " \t"):
        raise InputFileError("not a WebVTT file: the first line must be WEBVTT")
    i = 1
    while i < len(lines) and lines[i].strip() and "-->" not in lines[i]:
        i += 1  # header lines
    cues: list[Cue] = []
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
                raise InputFileError(f"line {min(i + 1, n)}: a cue without a timing line (HH:MM:SS.mmm --> HH:MM:SS.mmm) "
                                     f"after \"{line.strip()[:40]}\"; players drop it")
        timing = _TIMING.match(lines[i].strip())
        if timing is None:
            raise InputFileError(f"line {i + 1}: not a WebVTT cue timing (HH:MM:SS.mmm --> HH:MM:SS.mmm): "
                                 f"\"{lines[i].strip()[:60]}\"")
        i += 1
        payload = []
        while i < n and lines[i].strip() and "-->" not in lines[i]:
            payload.append(lines[i])
            i += 1
        g = timing.groups()
        cues.append(_cue(_seconds(*g[0:4]), _seconds(*g[4:8]), payload))
    return cues

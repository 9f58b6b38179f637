"""Dataclasses shared by every stage, with a JSON round-trip.

Times are seconds (float) from the start of the media.
"""
from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SENTENCE_END = (".", "?", "!", "…", "。", "？", "！")
UNSURE = " (unsure)"  # ends the label of a voice that may be two people (speakers/names.py): shown as >>


@dataclass
class Word:
    text: str  # as spoken, with attached punctuation, no leading space
    start: float
    end: float
    probability: float = 1.0
    speaker: str | None = None

    @property
    def ends_sentence(self) -> bool:
        return self.text.rstrip('"\')]»”’').endswith(SENTENCE_END)


@dataclass
class Segment:
    start: float
    end: float
    text: str
    words: list[Word] = field(default_factory=list)
    avg_logprob: float | None = None
    no_speech_prob: float | None = None


@dataclass
class MediaInfo:
    path: str
    sha256: str
    duration: float
    has_video: bool = False
    channels: int = 1
    sample_rate: int | None = None
    format: str | None = None


@dataclass
class Chapter:
    title: str
    start: float
    end: float
    confidence: float = 1.0
    level: int = 1
    speakers: list[str] = field(default_factory=list)
    fixed: bool = False  # start time given by the agenda and kept exactly


@dataclass
class Correction:
    start: float
    end: float
    before: str
    after: str
    score: float
    rule: str
    concept: str | None = None


@dataclass
class Transcript:
    language: str
    duration: float
    segments: list[Segment] = field(default_factory=list)
    language_probability: float | None = None
    # How the language was chosen: forced, the model's only one, or detected (see spoken_language.py)
    language_detection: dict[str, Any] = field(default_factory=dict)
    model: str | None = None
    options: dict[str, Any] = field(default_factory=dict)
    media: MediaInfo | None = None
    timings: dict[str, float] = field(default_factory=dict)
    chapters: list[Chapter] = field(default_factory=list)
    corrections: list[Correction] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Stretches of sound recognition left without words, decoded again alone (speech_repair.py)
    repairs: list[dict[str, Any]] = field(default_factory=list)
    # Sound, sound near words, and what is still without words after repair (speech_repair.py)
    sound_coverage: dict[str, Any] = field(default_factory=dict)

    @property
    def words(self) -> list[Word]:
        return [w for s in self.segments for w in s.words]

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)


@dataclass
class Cue:
    start: float
    end: float
    lines: list[str]  # the words said, one string a line; no speaker labels
    speaker: str | None = None  # who speaks (a dialogue cue: who speaks its first line)
    # A dialogue cue (two speakers' turns, one a line): the speaker of each line; else empty.
    speakers: list[str] = field(default_factory=list)
    # What is shown before each line ("MARIA FERNÁNDEZ:", ">>", "-", "- MARIA:"; "" for nothing);
    # may be shorter than `lines`. See captioner/formats/labels.py.
    labels: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(self.lines)

    @property
    def duration(self) -> float:
        return self.end - self.start


@dataclass
class CueTrack:
    language: str
    cues: list[Cue] = field(default_factory=list)
    engine: str | None = None  # translation engine, None for the source language


# --- JSON round trip -------------------------------------------------------

def to_dict(obj: Any) -> Any:
    if dataclasses.is_dataclass(obj):
        return {f.name: to_dict(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, (list, tuple)):
        return [to_dict(x) for x in obj]
    if isinstance(obj, dict):
        return {k: to_dict(v) for k, v in obj.items()}
    return obj


_NESTED = {
    "segments": Segment,
    "words": Word,
    "media": MediaInfo,
    "chapters": Chapter,
    "corrections": Correction,
    "cues": Cue,
}


def from_dict(cls: type, data: dict) -> Any:
    names = {f.name for f in dataclasses.fields(cls)}
    kwargs = {}
    for key, value in data.items():
        if key not in names:
            continue  # written by a newer version: ignore rather than fail
        nested = _NESTED.get(key)
        if nested is not None and value is not None:
            value = [from_dict(nested, v) for v in value] if isinstance(value, list) else from_dict(nested, value)
        kwargs[key] = value
    return cls(**kwargs)


def transcript_to_json(t: Transcript) -> str:
    return json.dumps(to_dict(t), ensure_ascii=False, indent=1)


def transcript_from_json(text: str) -> Transcript:
    return from_dict(Transcript, json.loads(text))


def load_transcript(path: Path) -> Transcript:
    return transcript_from_json(Path(path).read_text(encoding="utf-8"))


def track_to_json(track: CueTrack) -> str:
    return json.dumps(to_dict(track), ensure_ascii=False, indent=1)


def track_from_json(text: str) -> CueTrack:
    return from_dict(CueTrack, json.loads(text))

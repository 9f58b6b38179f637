"""Translation units (one per source sentence) and the reviewed texts translators send back.

Files, under a recording's output folder:
- `review/<lang>.units.json`: what the last translation run made: each sentence's
  source text, times, speaker, machine translation and the text used, plus the
  profile and chapter boundaries it was laid out with. `review export` reads it.
- `review/<lang>.json`: reviewed texts, keyed by source sentence and times. Every
  translation run applies them instead of machine translation, so reviewed text
  is never overwritten.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterable

from captioner.errors import InputFileError
from captioner.fileio import write_text_atomic
from captioner.workspace import Workspace

UNITS_VERSION = 1


@dataclass
class TranslationUnit:
    key: str
    source: str
    start: float
    end: float
    machine: str  # what the engine (with glossary protection) made; "" when not machine-translated
    text: str  # what the subtitles use: the reviewed text where there is one, else `machine`
    speaker: str | None = None
    cues: list[int] = field(default_factory=list)  # source cue indices
    source_cues: list[str] = field(default_factory=list)  # their text, for the translator
    reviewed: bool = False
    terms: list[dict] = field(default_factory=list)  # {"source", "target", "kind", "outcome"}
    condensed: str = ""  # how `text` was shortened to fit its time (translate/condense.py); "" not at all


def unit_key(source: str, start: float, end: float) -> str:
    """Stable id of a source sentence: its words and its times to a tenth of a second."""
    normal = " ".join(source.split())
    payload = f"{normal}\u241f{round(start, 1):.1f}\u241f{round(end, 1):.1f}"
    return hashlib.sha1(payload.encode("utf-8")).hexdigest()[:16]


def units_path(folder: Path, language: str) -> Path:
    return Workspace.at(folder).units(language)


def reviewed_path(folder: Path, language: str) -> Path:
    return Workspace.at(folder).reviewed(language)


def save_units(folder: Path, language: str, units: Iterable[TranslationUnit | dict], meta: dict) -> Path:
    path = units_path(folder, language)
    data = {"version": UNITS_VERSION, **meta, "units": [u if isinstance(u, dict) else asdict(u) for u in units]}
    write_text_atomic(path, json.dumps(data, ensure_ascii=False, indent=1))
    return path


def load_units(folder: Path, language: str) -> tuple[list[TranslationUnit], dict]:
    path = units_path(folder, language)
    if not path.exists():
        raise InputFileError(
            f"{path} not found: no {language} translation to review there; run `captioner run --languages {language}` first"
        )
    data = _read_json(path)
    try:
        units = [TranslationUnit(**{k: v for k, v in u.items() if k in TranslationUnit.__dataclass_fields__})
                 for u in data["units"]]
    except (KeyError, TypeError) as exc:
        raise InputFileError(f"{path}: not a translation units file ({exc}); rerun the translation") from None
    meta = {k: v for k, v in data.items() if k != "units"}
    return units, meta


@dataclass
class ReviewedText:
    key: str
    source: str
    start: float
    end: float
    text: str
    reviewer: str | None = None
    date: str | None = None


def load_reviewed(folder: Path, language: str) -> list[ReviewedText]:
    path = reviewed_path(folder, language)
    if not path.exists():
        return []
    data = _read_json(path)
    try:
        return [ReviewedText(**{k: v for k, v in r.items() if k in ReviewedText.__dataclass_fields__})
                for r in data.get("units", [])]
    except TypeError as exc:
        raise InputFileError(f"{path}: malformed reviewed translations ({exc}); fix or delete the file") from None


def save_reviewed(folder: Path, language: str, reviewed: Iterable[ReviewedText]) -> Path:
    path = reviewed_path(folder, language)
    ordered = sorted(reviewed, key=lambda r: (r.start, r.end, r.key))
    data = {"version": UNITS_VERSION, "language": language, "units": [asdict(r) for r in ordered]}
    write_text_atomic(path, json.dumps(data, ensure_ascii=False, indent=1))
    return path


def match_reviewed(units: list[TranslationUnit], reviewed: Iterable[ReviewedText]) -> tuple[dict[int, ReviewedText], list[ReviewedText]]:
    """Which reviewed text belongs to which unit: by key (source and times), else by source
    text where that text occurs once on both sides. Returns ({unit index: reviewed}, unmatched)."""
    reviewed = list(reviewed)
    by_key = {r.key: r for r in reviewed}
    matched: dict[int, ReviewedText] = {}
    used: set[str] = set()
    for i, unit in enumerate(units):
        r = by_key.get(unit.key)
        if r is not None:
            matched[i] = r
            used.add(r.key)

    def normal(text: str) -> str:
        return " ".join(text.split())

    unit_counts: dict[str, list[int]] = {}
    for i, unit in enumerate(units):
        unit_counts.setdefault(normal(unit.source), []).append(i)
    review_counts: dict[str, list[ReviewedText]] = {}
    for r in reviewed:
        if r.key not in used:
            review_counts.setdefault(normal(r.source), []).append(r)
    for text, rs in review_counts.items():
        indices = unit_counts.get(text, [])
        if len(rs) == 1 and len(indices) == 1 and indices[0] not in matched:
            matched[indices[0]] = rs[0]
            used.add(rs[0].key)
    return matched, [r for r in reviewed if r.key not in used]


def apply_reviewed(units: list[TranslationUnit], reviewed: Iterable[ReviewedText]) -> tuple[set[int], list[ReviewedText]]:
    """Put reviewed texts into their units (text, reviewed=True). Returns the indices of
    the units that got one, and the reviewed texts that matched no unit."""
    matched, unmatched = match_reviewed(units, reviewed)
    for index, r in matched.items():
        units[index].text = r.text
        units[index].reviewed = True
    return set(matched), unmatched


def _read_json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InputFileError(f"{path} line {exc.lineno}: not valid JSON ({exc.msg})") from None
    except OSError as exc:
        raise InputFileError(f"{path} cannot be read ({exc.strerror})") from None
    if not isinstance(data, dict):
        raise InputFileError(f"{path}: expected a JSON object")
    return data


def store_units(folder: Path, stem: str, report: dict) -> Path:
    """Save a translate_track report's units (and the profile and boundaries they were laid
    out with) as review/<lang>.units.json, taking them out of the report so report.json
    stays small. Call it after every translate_track run."""
    meta = {
        "stem": stem,
        "language": report["language"],
        "source_language": report["source_language"],
        "engine": report.get("engine"),
        "profile": report.pop("profile", None),
        "boundaries": report.pop("boundaries", []),
    }
    return save_units(folder, report["language"], report.pop("units", []), meta)

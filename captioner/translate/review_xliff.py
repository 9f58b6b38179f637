"""The review loop: translation units -> XLIFF 2.0 for translators, and reviewed XLIFF back.

`export_review` writes what the last translation run made; `import_review`
reads the reviewed file, stores the reviewed texts (review/<lang>.json, which
every later translation run applies instead of machine translation), and
rebuilds that language's cues from the units with the reviewed text.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from captioner.captions.rules import Profile
from captioner.errors import InputFileError
from captioner.formats.xliff import XliffDocument, XliffUnit, read_xliff, write_xliff
from captioner.model import CueTrack
from captioner.translate.review import (
    ReviewedText,
    TranslationUnit,
    load_reviewed,
    load_units,
    save_reviewed,
    save_units,
)
from captioner.translate.stage import rebuild_track


def units_to_xliff(units: list[TranslationUnit], meta: dict, stem: str) -> XliffDocument:
    return XliffDocument(
        source_language=meta.get("source_language") or "en",
        target_language=meta["language"],
        original=stem,
        units=[
            XliffUnit(
                id=f"u{n}", key=u.key, source=u.source, target=u.text, start=u.start, end=u.end,
                state="reviewed" if u.reviewed else "translated", speaker=u.speaker,
                machine=u.machine, source_cues=list(u.source_cues),
                terms=[t for t in u.terms if t.get("kind") not in ("number", "url", "email")],
            )
            for n, u in enumerate(units, start=1)
        ],
    )


def export_review(folder: Path, stem: str, language: str) -> bytes:
    """XLIFF 2.0 bytes of the `language` translation units saved in `folder`."""
    units, meta = load_units(folder, language)
    return write_xliff(units_to_xliff(units, meta, stem))


@dataclass
class ImportResult:
    stem: str
    language: str
    changed: list[str] = field(default_factory=list)  # unit ids whose text the translator changed
    confirmed: list[str] = field(default_factory=list)  # marked reviewed/final without a change
    unknown: list[str] = field(default_factory=list)  # units that match nothing in the current translation
    empty: list[str] = field(default_factory=list)  # left empty: ignored
    track: CueTrack | None = None


def _profile(meta: dict, language: str) -> Profile | None:
    data = meta.get("profile")
    if not isinstance(data, dict):
        return None
    names = {f.name for f in dataclasses.fields(Profile)}
    return Profile(**{k: v for k, v in data.items() if k in names})


def import_review(data: bytes, out_dir: Path, name: str = "XLIFF file", reviewer: str | None = None,
                  folder: Path | None = None) -> ImportResult:
    """Apply a reviewed XLIFF file to the recording it was exported from (OUT/<original>/)."""
    document = read_xliff(data, name)
    stem = document.original
    folder = Path(folder) if folder is not None else Path(out_dir) / stem
    if not stem or not folder.is_dir():
        raise InputFileError(f"{name}: its recording {stem!r} has no folder {folder}; use --out to say where outputs are")
    language = document.target_language
    units, meta = load_units(folder, language)
    by_key = {u.key: i for i, u in enumerate(units)}
    result = ImportResult(stem, language)
    reviewed = {r.key: r for r in load_reviewed(folder, language)}
    today = dt.date.today().isoformat()
    for item in document.units:
        index = by_key.get(item.key)
        if index is None:
            result.unknown.append(item.id)
            continue
        unit = units[index]
        text = " ".join(item.target.split())
        if not text:
            result.empty.append(item.id)
            continue
        if text != " ".join(unit.text.split()):
            result.changed.append(item.id)
        elif item.state in ("reviewed", "final") and not unit.reviewed:
            result.confirmed.append(item.id)
        else:
            continue
        unit.text, unit.reviewed = text, True
        reviewed[unit.key] = ReviewedText(unit.key, unit.source, unit.start, unit.end, text, reviewer, today)
    save_reviewed(folder, language, reviewed.values())
    save_units(folder, language, units, meta)
    result.track = rebuild_track(units, language, _profile(meta, language), meta.get("boundaries") or (),
                                 meta.get("engine"))
    return result

"""Names for speaker turns: from the agenda, then the producer's corrections.

Naming (`name_speakers`): an agenda item (chapter) that names exactly one
speaker is mostly spoken by that person, so the voice that speaks most in it
carries that name, and the same voice carries it everywhere else. Over all
such chapters, voices and names are matched one to one (Hungarian assignment
on each voice's share of the speaking time in each name's chapters), so two
names never land on one voice. A voice gets a name only if it says at least
`MIN_SHARE` of the speech in that name's chapters. Voices left over are
"Speaker 1", "Speaker 2", ... in order of first appearance.

Corrections (`recordings/<stem>.speakers.yaml`, applied after naming)::

    # Speaker names for view-to-a-border.mp3, applied after detection.
    rename:                      # name as detected: name to show
      Speaker 1: Amina Diallo
      Maria Fernández: María Fernández
    merge:                       # voices that are one person; the LAST name is kept
      - [Speaker 2, Kwame Mensah]
      - [Speaker 3, Speaker 4, Elena Petrović]

Both keys are optional. Renames apply first, all at once (so two names can be
swapped), then merges, which may use the new names. A name that is not among
the detected speakers is reported as a warning, not an error, since the
detected speakers can change when the recording changes.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

import numpy as np

from captioner.errors import InputFileError
from captioner.fileio import read_input_text
from captioner.model import UNSURE, Chapter, Word
from captioner.speakers.diarize import Turn

MIN_SHARE = 0.25  # of a chapter's speech, for its named speaker's voice
TWO_PEOPLE_SHARE = 0.5  # of an unclaimed name's items, said by a voice named after someone else
SPEAKERS_SUFFIX = ".speakers.yaml"
MAX_EDITS_BYTES = 200_000


# --- naming from the agenda -----------------------------------------------------

def name_speakers(turns: Sequence[Turn], chapters: Sequence[Chapter]) -> dict[str, str]:
    """Map each turn label ("S1", ...) to a person's name or "Speaker N".

    A voice that seems to be two people (`_two_people`) gets no name: "Speaker N (unsure)",
    shown as >> at each change (formats/labels.py), rather than one person's name on both."""
    from scipy.optimize import linear_sum_assignment

    labels = _in_order_of_appearance(turns)
    names: list[str] = []
    for chapter in chapters:
        if len(chapter.speakers) == 1 and chapter.speakers[0].strip() and chapter.speakers[0] not in names:
            names.append(chapter.speakers[0])
    mapping: dict[str, str] = {}
    unsure: set[str] = set()
    if labels and names:
        seconds = np.zeros((len(labels), len(names)))  # each voice's speech in each name's chapters
        for chapter in chapters:
            if len(chapter.speakers) == 1 and chapter.speakers[0] in names:
                column = names.index(chapter.speakers[0])
                seconds[:, column] += [_overlap(turns, label, chapter.start, chapter.end) for label in labels]
        # a voice's share of the speech in a name's chapters: long items do not outweigh short ones
        share = seconds / np.maximum(seconds.sum(axis=0, keepdims=True), 1e-9)
        top = share.copy()
        share[share < MIN_SHARE] = 0.0
        rows, columns = linear_sum_assignment(-share)
        for row, column in zip(rows, columns):
            if share[row, column] > 0:
                mapping[labels[row]] = names[column]
        for label in _two_people(top, labels, names, mapping):
            del mapping[label]
            unsure.add(label)
    number = 0
    for label in labels:
        if label not in mapping:
            number += 1
            mapping[label] = f"Speaker {number}" + (UNSURE if label in unsure else "")
    return mapping


def _two_people(share: np.ndarray, labels: list[str], names: list[str], mapping: dict[str, str]) -> list[str]:
    """Voices that are most likely two people the clustering could not tell apart: a voice named
    after one agenda speaker that also says most of another's items, whose name no voice took."""
    taken = set(mapping.values())
    out = []
    for column, name in enumerate(names):
        row = int(np.argmax(share[:, column]))
        if name not in taken and share[row, column] >= TWO_PEOPLE_SHARE and labels[row] in mapping:
            out.append(labels[row])
    return list(dict.fromkeys(out))


def apply_names(turns: Sequence[Turn], mapping: dict[str, str]) -> list[Turn]:
    """The turns with their speaker labels replaced by names (labels not in `mapping` kept)."""
    return [dataclasses.replace(t, speaker=mapping.get(t.speaker, t.speaker)) for t in turns]


def speaking_time(items: Iterable[Word | Turn]) -> dict[str, float]:
    """Seconds of speech per speaker, most first, from named words or turns (unnamed skipped)."""
    totals: dict[str, float] = {}
    for item in items:
        if item.speaker:
            totals[item.speaker] = totals.get(item.speaker, 0.0) + max(0.0, item.end - item.start)
    return {name: round(seconds, 1) for name, seconds in sorted(totals.items(), key=lambda kv: -kv[1])}


def _in_order_of_appearance(turns: Sequence[Turn]) -> list[str]:
    seen: dict[str, None] = {}
    for turn in sorted(turns, key=lambda t: t.start):
        seen.setdefault(turn.speaker, None)
    return list(seen)


def _overlap(turns: Sequence[Turn], label: str, start: float, end: float) -> float:
    return sum(max(0.0, min(end, t.end) - max(start, t.start)) for t in turns if t.speaker == label)


# --- the producer's corrections ------------------------------------------------------

@dataclass
class SpeakerEdits:
    rename: dict[str, str] = field(default_factory=dict)
    merge: list[list[str]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.rename or self.merge)


def find_speaker_edits(media_path: Path) -> Path | None:
    """`<stem>.speakers.yaml` beside a recording, if there is one."""
    candidate = Path(media_path).with_name(Path(media_path).stem + SPEAKERS_SUFFIX)
    return candidate if candidate.is_file() else None


def load_speaker_edits(path: Path) -> SpeakerEdits:
    """Read a speakers file; InputFileError says what is wrong and where."""
    path = Path(path)
    text = read_input_text(path, "speakers file", MAX_EDITS_BYTES)
    return parse_speaker_edits(text, path.name)


def parse_speaker_edits(text: str, source: str = "speakers.yaml") -> SpeakerEdits:
    """Parse the YAML text of a speakers file (safe loader: plain data only)."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        data = YAML(typ="safe").load(text)
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise InputFileError(f"{source}{where}: not valid YAML ({problem}); fix the file or delete it") from None
    if data is None:
        return SpeakerEdits()
    if not isinstance(data, dict):
        raise InputFileError(f"{source}: expected a mapping with 'rename' and/or 'merge', got {_kind(data)}")
    unknown = sorted(str(k) for k in data if k not in ("rename", "merge"))
    if unknown:
        raise InputFileError(f"{source}: unknown key {unknown[0]!r}; a speakers file has 'rename' and 'merge'")
    return SpeakerEdits(rename=_rename(data.get("rename"), source), merge=_merge(data.get("merge"), source))


def _rename(value: Any, source: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InputFileError(f"{source}: 'rename' must map detected names to new names, e.g. 'Speaker 1: Amina Diallo'")
    rename = {}
    for old, new in value.items():
        old_name = _name(old, source, "rename")
        rename[old_name] = _name(new, source, f"rename of {old_name!r}")
    return rename


def _merge(value: Any, source: str) -> list[list[str]]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise InputFileError(f"{source}: 'merge' must be a list of groups, e.g. '- [Speaker 2, Kwame Mensah]'")
    groups, seen = [], set()
    for number, group in enumerate(value, 1):
        if not isinstance(group, list) or len(group) < 2:
            raise InputFileError(
                f"{source}: merge group {number} must list two or more names, e.g. [Speaker 2, Kwame Mensah]"
            )
        names = [_name(n, source, f"merge group {number}") for n in group]
        for name in names[:-1]:
            if name in seen:
                raise InputFileError(f"{source}: {name!r} is merged twice; put it in one merge group only")
            seen.add(name)
        groups.append(names)
    return groups


def _name(value: Any, source: str, where: str) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)) or not str(value).strip():
        raise InputFileError(f"{source}: {where}: {value!r} is not a speaker name")
    return " ".join(str(value).split())


def _kind(value: Any) -> str:
    return {list: "a list", str: "a string"}.get(type(value), type(value).__name__)


def edit_mapping(speakers: Iterable[str], edits: SpeakerEdits) -> tuple[dict[str, str], list[str]]:
    """Where each detected speaker ends up after the edits, and warnings about names not found."""
    present = list(dict.fromkeys(speakers))
    warnings = []
    for old in edits.rename:
        if old not in present:
            warnings.append(f"speakers file: rename of {old!r}, who is not a speaker here ({', '.join(present)})")
    mapping = {name: edits.rename.get(name, name) for name in present}
    renamed = set(mapping.values())
    for group in edits.merge:
        target = group[-1]
        for name in group[:-1]:
            if name not in renamed:
                warnings.append(f"speakers file: merge of {name!r}, who is not a speaker here")
            for old, new in mapping.items():
                if new == name:
                    mapping[old] = target
    return mapping, warnings


def apply_edits(turns: Sequence[Turn], edits: SpeakerEdits) -> tuple[list[Turn], list[str]]:
    """The named turns after the producer's renames and merges, and any warnings."""
    mapping, warnings = edit_mapping((t.speaker for t in turns), edits)
    return apply_names(turns, mapping), warnings

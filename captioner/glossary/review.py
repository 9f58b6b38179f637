"""Reviewed translations taken back into the glossary (`captioner glossary import`): what a
reviewer's file changes, what it contradicts, and the YAML files rewritten with their comments kept."""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from captioner.errors import InputFileError
from captioner.fileio import write_text_atomic
from captioner.glossary.formats import decode_text, read_yaml, update_yaml
from captioner.glossary.model import Glossary, Translation
from captioner.glossary.text import compact


@dataclass
class ImportPlan:
    # YAML glossary file -> (concept id, language, the reviewed translation)
    changes: dict[str, list[tuple[str, str, Translation]]] = field(default_factory=dict)
    conflicts: list[str] = field(default_factory=list)  # differs from an approved translation
    unknown: list[str] = field(default_factory=list)  # terms the glossary does not have
    unchanged: int = 0

    def by_status(self) -> dict[str, int]:
        counts = {status: 0 for status in ("approved", "proposed", "deprecated")}
        for updates in self.changes.values():
            for _, _, translation in updates:
                counts[translation.status] += 1
        return counts

    @property
    def count(self) -> int:
        return sum(len(v) for v in self.changes.values())


def plan_import(imported: Glossary, base: Glossary, source: str, reviewer: str | None = None,
                languages: set[str] | None = None, force: bool = False, into: str | None = None,
                today: str | None = None, approve_all: bool = False) -> ImportPlan:
    """What importing `imported` (a reviewer's file, named `source`) into `base` would change.

    A translation is approved where the file marks it approved (TBX preferredTerm, a TSV comment's
    "status: approved", YAML's status) or where the reviewer changed its text; deprecated where the
    file marks it so; left as it is otherwise (a proposed translation nobody touched is not
    reviewed). `approve_all` approves every translation in the file (deprecated ones stay
    deprecated).
    InputFileError when an approval names no reviewer or comes from a file that cannot be
    rewritten in place."""
    today = today or _dt.date.today().isoformat()
    plan = ImportPlan()
    missing_reviewer = []
    for concept in imported:
        target = base.get(concept.id)
        if target is None or compact(target.term) != compact(concept.term):
            target = base.lookup(concept.term) or (base.lookup(concept.acronym) if concept.acronym else None)
        if target is None:
            plan.unknown.append(concept.term)
            continue
        for lang, tr in concept.translations.items():
            if languages is not None and lang not in languages:
                continue
            old = target.translations.get(lang)
            changed = old is None or " ".join(old.term.split()) != " ".join(tr.term.split())
            if tr.status == "deprecated":
                status = "deprecated"
            elif approve_all or changed or tr.status == "approved":
                status = "approved"
            else:
                status = None  # proposed in the file and not touched: the reviewer said nothing of it
            if status is None or (not changed and old.status == status):
                plan.unchanged += 1
                continue
            who = reviewer or tr.reviewer
            if not who:
                missing_reviewer.append(f"{target.term} ({lang})")
                continue
            new = Translation(term=tr.term, status=status, reviewer=who,
                              reviewed=today if reviewer or not tr.reviewed else tr.reviewed,
                              source=tr.source, note=tr.note)
            if old is not None and old.status == "approved" and old.term != new.term and not force:
                plan.conflicts.append(f"{target.term} ({lang}): approved '{old.term}', {source} says '{new.term}'")
                continue
            origin = into or (target.origin[0] if target.origin else None)
            if origin is None or Path(origin).suffix.lower() not in (".yaml", ".yml"):
                raise InputFileError(f"'{target.term}' comes from {origin}, which cannot be updated in place; "
                                     "pass --into a YAML glossary")
            plan.changes.setdefault(origin, []).append((target.id, lang, new))
    if missing_reviewer:
        raise InputFileError(f"{len(missing_reviewer)} translations in {source} name no reviewer "
                             f"(first: {missing_reviewer[0]}); say who reviewed them with --reviewer NAME")
    return plan


def apply_import(plan: ImportPlan, dry_run: bool = False) -> None:
    """Rewrite each YAML glossary the plan changes, comments kept; a file that would not load
    again is never written."""
    for path, updates in plan.changes.items():
        rewrite_yaml_glossary(Path(path), lambda text: update_yaml(text, path, updates), dry_run)


def rewrite_yaml_glossary(path: Path, update: Callable[[str], str], dry_run: bool = False,
                          new_file: str | None = None) -> None:
    """Rewrite a YAML glossary file through `update` (its text -> the new text), atomically; a
    text that would not load again is never written. `new_file`: the text to start from where
    there is no file yet (otherwise the file must exist)."""
    text = new_file if new_file is not None and not path.is_file() else decode_text(path.read_bytes(), str(path))
    new_text = update(text)
    read_yaml(new_text, str(path))
    if not dry_run:
        write_text_atomic(path, new_text)

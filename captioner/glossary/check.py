"""Validate glossary files: what `captioner glossary check` reports, with file and line.

Errors (exit 1): files that cannot be read (YAML, CSV, XML syntax, with the line),
missing or malformed fields, bad statuses and dates, a written form claimed by two
concepts of one file, a known misrecognition that is itself a correct form (the
correction would undo the right word), a misrecognition that is one ordinary
English word (every occurrence of that word would change), an approved translation
without reviewer or date. Warnings: no definition, an approval without a cited
source, a form listed twice in one concept, the same form in two files (the
concepts will be merged).
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable

from captioner.errors import InputFileError
from captioner.glossary.formats import read_glossary
from captioner.glossary.model import Glossary, GlossaryFileError, Problem
from captioner.glossary.text import compact, is_common_word, tokens


def _origin(concept) -> tuple[str, int | None]:
    return concept.origin or ("?", None)


def read_for_check(path: Path) -> tuple[Glossary | None, list[Problem]]:
    """Read one file collecting every problem instead of stopping at the first."""
    problems: list[Problem] = []
    name = str(path)
    try:
        glossary = read_glossary(path, problems)
    except GlossaryFileError as exc:
        return None, problems + [Problem(exc.file, exc.line, exc.detail)]
    except InputFileError as exc:  # unreadable, too large, an unknown format: no line
        detail = str(exc).removeprefix(f"glossary {name}").removeprefix(":").strip()
        return None, problems + [Problem(name, None, detail)]
    return glossary, problems + list(glossary.warnings)


def check_glossary(glossary: Glossary) -> list[Problem]:
    """Problems within one file's concepts."""
    problems: list[Problem] = []
    claimed: dict[str, tuple[str, str]] = {}  # compact form -> (concept id, form)
    written: dict[tuple[str, ...], str] = {}  # the words of a form -> concept id
    for concept in glossary:
        file, line = _origin(concept)
        seen_here: set[str] = set()
        for form in concept.forms():
            written.setdefault(tuple(tokens(form)), concept.id)
        for form in [f for f in (concept.term, concept.acronym, concept.expansion, *concept.variants) if f]:
            key = compact(form)
            if not key:
                problems.append(Problem(file, line, f"'{concept.id}': form '{form}' has no letters or digits"))
                continue
            if form in seen_here:
                problems.append(Problem(file, line, f"'{concept.id}': '{form}' is listed twice", "warning"))
                continue
            seen_here.add(form)
            owner = claimed.get(key)
            if owner and owner[0] != concept.id:
                other = glossary.get(owner[0])
                where = f" (line {_origin(other)[1]})" if other is not None and _origin(other)[1] else ""
                problems.append(Problem(file, line, f"'{form}' of '{concept.id}' is also '{owner[1]}' of "
                                        f"'{owner[0]}'{where}; a term or alias belongs to one concept"))
            else:
                claimed[key] = (concept.id, form)
        if not concept.definition:
            problems.append(Problem(file, line, f"'{concept.id}' has no definition", "warning"))
        for lang, tr in concept.translations.items():
            if tr.status == "approved":
                if not tr.reviewer or not tr.reviewed:
                    problems.append(Problem(file, line, f"'{concept.id}' {lang}: an approved translation needs "
                                            "'reviewer' and 'reviewed' (date)"))
                if not tr.source:
                    problems.append(Problem(file, line, f"'{concept.id}' {lang}: approved without a cited "
                                            "'source'", "warning"))
    for concept in glossary:
        file, line = _origin(concept)
        for sound in concept.sounds_like:
            words = tokens(sound.heard)
            owner = written.get(tuple(words))
            if owner is not None:
                problems.append(Problem(file, line, f"sounds_like '{sound.heard}' of '{concept.id}' is a correct "
                                        f"form of '{owner}'; correction would replace a right word"))
            if len(words) == 1 and is_common_word(words[0]):
                problems.append(Problem(file, line, f"sounds_like '{sound.heard}' of '{concept.id}' is an ordinary "
                                        "English word: every occurrence would be changed; give the phrase around it"))
    return problems


def check_files(paths: Iterable[Path]) -> list[Problem]:
    problems: list[Problem] = []
    seen: dict[str, tuple[str, str]] = {}  # compact term -> (file, concept id)
    for path in paths:
        glossary, found = read_for_check(Path(path))
        problems.extend(found)
        if glossary is None:
            continue
        problems.extend(check_glossary(glossary))
        for concept in glossary:
            key = compact(concept.term)
            if key in seen and seen[key][0] != str(path):
                file, line = _origin(concept)
                problems.append(Problem(file, line, f"'{concept.term}' is also in {seen[key][0]} "
                                        f"('{seen[key][1]}'); the two concepts will be merged", "warning"))
            seen.setdefault(key, (str(path), concept.id))
    return sorted(problems, key=lambda p: (p.file, p.line or 0))

"""What the glossary readers share: problem reports, text decoding, ids and aliases."""
from __future__ import annotations

import re
from typing import Iterable

from captioner.glossary.model import Concept, GlossaryFileError, Problem
from captioner.glossary.text import fold, is_acronym, tokens

MAX_GLOSSARY_BYTES = 20_000_000
DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
ID_RE = re.compile(r"[A-Za-z_][A-Za-z0-9._-]*")  # an XML NCName, so ids can be TBX conceptEntry ids


class ProblemReport:
    """Collects problems, or raises at the first error when no list is given."""

    def __init__(self, name: str, problems: list[Problem] | None):
        self.name = name
        self.problems = problems

    def error(self, line: int | None, message: str) -> None:
        if self.problems is None:
            raise GlossaryFileError(self.name, line, message)
        self.problems.append(Problem(self.name, line, message, "error"))

    def warning(self, line: int | None, message: str, into: list[Problem]) -> None:
        problem = Problem(self.name, line, message, "warning")
        (self.problems if self.problems is not None else into).append(problem)


def decode_text(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise GlossaryFileError(name, line, "not UTF-8 text; save the file as UTF-8") from None


def slug(text: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-") or "concept"
    return s if s[0].isalpha() else f"c-{s}"


def unique_id(base: str, taken: set[str]) -> str:
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    taken.add(candidate)
    return candidate


def split_aliases(term: str, aliases: Iterable[str]) -> tuple[str | None, str | None, list[str]]:
    """Acronym, expansion and variants from a flat alias list (CSV, TSV): the first alias
    in capitals is the acronym of a multi-word term; the first multi-word alias is the
    expansion of a term in capitals; the rest are variants."""
    acronym = expansion = None
    variants: list[str] = []
    for alias in aliases:
        if acronym is None and expansion is None:
            if is_acronym(alias) and not is_acronym(term) and len(tokens(term)) > 1:
                acronym = alias
                continue
            if is_acronym(term) and not is_acronym(alias) and len(tokens(alias)) > 1:
                expansion = alias
                continue
        variants.append(alias)
    return acronym, expansion, variants


def aliases_of(concept: Concept) -> list[str]:
    return [a for a in (concept.acronym, concept.expansion) if a] + list(concept.variants)

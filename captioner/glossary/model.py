"""The glossary model: one Concept per entry, lookup by any written form, merging, hashing.

A concept has one preferred English ``term``; its short and long forms are linked
both ways (``acronym`` when the term is the long form, ``expansion`` when the term
is itself the acronym, as for INTERPOL); ``variants`` are accepted spellings;
``sounds_like`` lists what speech recognition is known to write instead, each
with the form it stands for; ``keep`` marks a name that stays as it is in every
language; ``translations`` holds one rendering per target language with its
review status.

File formats, and reading a glossary file (`load_glossary`), live in
:mod:`captioner.glossary.formats`; the text helpers (folding, tokens, how a form sounds,
how common an English word is) in :mod:`captioner.glossary.text`; choosing the terms that
bias recognition in :mod:`captioner.asr.hotwords`.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass, field
from typing import Iterable, Iterator

from captioner.errors import InputFileError
from captioner.glossary.text import compact

STATUSES = ("proposed", "approved", "deprecated")


class GlossaryFileError(InputFileError):
    """A glossary file that cannot be read, with the file and line it concerns."""

    def __init__(self, file: str, line: int | None, detail: str):
        self.file, self.line, self.detail = file, line, detail
        super().__init__(f"{file} line {line}: {detail}" if line else f"{file}: {detail}")


@dataclass
class Problem:
    """Something wrong in a glossary file, with where it is."""

    file: str
    line: int | None
    message: str
    level: str = "error"  # or "warning"

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.level}: {self.message}"


@dataclass
class Translation:
    term: str
    status: str = "proposed"
    reviewer: str | None = None
    reviewed: str | None = None  # ISO date, YYYY-MM-DD
    source: str | None = None  # the authority cited for an approval
    note: str | None = None


@dataclass
class SoundsLike:
    """A known misrecognition: ``heard`` in a transcript means ``target``."""

    heard: str
    target: str | None = None  # None: the concept's preferred term


@dataclass
class Concept:
    id: str
    term: str
    acronym: str | None = None
    expansion: str | None = None
    variants: list[str] = field(default_factory=list)
    sounds_like: list[SoundsLike] = field(default_factory=list)
    keep: bool = False
    definition: str | None = None
    definition_source: str | None = None
    translations: dict[str, Translation] = field(default_factory=dict)
    # where the concept was read from ("file", line); not part of its content
    origin: tuple[str, int | None] | None = field(default=None, compare=False, repr=False)

    @property
    def short_form(self) -> str | None:
        return self.acronym if self.acronym else (self.term if self.expansion else None)

    @property
    def origin_file(self) -> str | None:
        return self.origin[0] if self.origin else None

    @property
    def full_form(self) -> str:
        return self.expansion or self.term

    def forms(self) -> list[str]:
        """Every accepted written form: term, acronym, expansion, variants."""
        seen: list[str] = []
        for form in (self.term, self.acronym, self.expansion, *self.variants):
            if form and form not in seen:
                seen.append(form)
        return seen

    def sounds_like_pairs(self) -> list[tuple[str, str]]:
        return [(s.heard, s.target or self.term) for s in self.sounds_like]

    def translation(self, lang: str) -> Translation | None:
        """The rendering to use in ``lang`` (approved or proposed), never a deprecated one."""
        t = self.translations.get(lang)
        return t if t is not None and t.status != "deprecated" else None

    def approved(self, lang: str) -> Translation | None:
        t = self.translations.get(lang)
        return t if t is not None and t.status == "approved" else None

    def rendering(self, lang: str) -> str | None:
        """What a translation into ``lang`` should say for this concept, if the glossary knows."""
        t = self.translation(lang)
        if t is not None:
            return t.term
        return self.term if self.keep else None

    def content(self) -> dict:
        data = dataclasses.asdict(self)
        data.pop("origin", None)
        return data


class Glossary:
    """Concepts in order, with lookup by id and by any written form."""

    def __init__(self, concepts: Iterable[Concept] = (), name: str | None = None,
                 source_language: str = "en", warnings: list[Problem] | None = None):
        self.name = name
        self.source_language = source_language
        self.concepts: list[Concept] = []
        self.warnings: list[Problem] = warnings if warnings is not None else []
        self._by_id: dict[str, Concept] = {}
        self._by_form: dict[str, Concept] = {}
        self._files: dict[str, set[str | None]] = {}
        for concept in concepts:
            self.add(concept)

    def add(self, concept: Concept) -> None:
        if concept.id in self._by_id:
            raise ValueError(f"duplicate concept id {concept.id!r}")
        self.concepts.append(concept)
        self._by_id[concept.id] = concept
        self._files[concept.id] = {concept.origin_file}
        self.index_forms(concept)

    def index_forms(self, concept: Concept) -> None:
        """Make the concept's forms findable (again, after they changed); first come, first served."""
        for form in concept.forms():
            self._by_form.setdefault(compact(form), concept)

    def __iter__(self) -> Iterator[Concept]:
        return iter(self.concepts)

    def __len__(self) -> int:
        return len(self.concepts)

    def __repr__(self) -> str:
        return f"Glossary({self.name!r}, {len(self.concepts)} concepts)"

    def files_of(self, concept: Concept) -> set[str | None]:
        """The files a concept was read from: more than one where merging found it in several."""
        return self._files.get(concept.id, {concept.origin_file})

    def get(self, concept_id: str) -> Concept | None:
        return self._by_id.get(concept_id)

    def lookup(self, text: str) -> Concept | None:
        """The concept one of whose forms is ``text``, ignoring case, accents, spaces, hyphens and dots."""
        return self._by_form.get(compact(text))

    def languages(self) -> list[str]:
        seen: list[str] = []
        for concept in self.concepts:
            for lang in concept.translations:
                if lang not in seen:
                    seen.append(lang)
        return seen

    def glossary_hash(self) -> str:
        """A content hash: changes when any concept changes, not with comments or file layout."""
        payload = json.dumps(
            {"source_language": self.source_language, "concepts": [c.content() for c in self.concepts]},
            ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()


# --- merging and loading ---------------------------------------------------

def merge_concept(into: Concept, other: Concept) -> None:
    """Fold ``other`` into ``into``: the later file fills in and overrides, except that an
    approved translation is never replaced by one that is not approved."""
    for name in ("definition", "definition_source"):
        value = getattr(other, name)
        if value:
            setattr(into, name, value)
    into.keep = into.keep or other.keep
    for form in other.forms():
        if compact(form) in {compact(f) for f in into.forms()}:
            _rewrite_form(into, form)  # the later file's writing: "passenger name record" for "Passenger Name Record"
            continue
        if form == other.acronym and not (into.acronym or into.expansion):
            into.acronym = form
        elif form == other.expansion and not (into.acronym or into.expansion):
            into.expansion = form
        else:
            into.variants.append(form)
    known = {(s.heard, s.target) for s in into.sounds_like}
    into.sounds_like.extend(s for s in other.sounds_like if (s.heard, s.target) not in known)
    for lang, new in other.translations.items():
        old = into.translations.get(lang)
        if old is None or new.status == "approved" or old.status != "approved":
            into.translations[lang] = new


def _rewrite_form(concept: Concept, form: str) -> None:
    """Write the concept's form that is ``form`` but for case, hyphens and accents as ``form``."""
    key = compact(form)
    for name in ("term", "acronym", "expansion"):
        value = getattr(concept, name)
        if value and compact(value) == key:
            setattr(concept, name, form)
    concept.variants = [form if compact(v) == key else v for v in concept.variants]


def merge_glossaries(glossaries: Iterable[Glossary]) -> Glossary:
    """One glossary from several; a concept is matched by id, else by its term or acronym."""
    merged = Glossary()
    for glossary in glossaries:
        merged.name = merged.name or glossary.name
        merged.warnings.extend(glossary.warnings)
        for concept in glossary:
            target = merged.get(concept.id) or merged.lookup(concept.term)
            if target is None and concept.acronym:
                target = merged.lookup(concept.acronym)
            if target is None:
                merged.add(dataclasses.replace(
                    concept, variants=list(concept.variants), sounds_like=list(concept.sounds_like),
                    translations=dict(concept.translations)))
            else:
                merge_concept(target, concept)
                merged.index_forms(target)
                merged._files[target.id].add(concept.origin_file)
    return merged

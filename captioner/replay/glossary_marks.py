"""Finding glossary terms in transcript text, to mark them with their definitions.

The glossary is read by duck typing (captioner.glossary.model.Glossary, or anything
with `concepts` whose items name a preferred term, acronym, variants, a
definition and its source), so the page depends on no more than it uses.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Iterable

from captioner.replay.languages import primary


@dataclass
class TermInfo:
    key: str                 # unique, usable in an HTML id
    label: str               # how the glossary names the concept
    definition: str
    source: str | None = None
    definition_language: str | None = None
    forms: dict[str, list[str]] = field(default_factory=dict)  # language -> surface forms to find


def _first(obj: Any, *names: str) -> Any:
    for name in names:
        value = obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)
        if value:
            return value
    return None


def _strings(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    out = []
    for item in value:
        if isinstance(item, str):
            out.append(item)
        else:
            text = _first(item, "text", "term", "value")
            if text:
                out.append(str(text))
    return out


def _rendering(value: Any) -> list[str]:
    """Target terms from a translation entry: a string, a list, or an object with `term` and `status`."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)):
        return [form for item in value for form in _rendering(item)]
    if _first(value, "status") == "deprecated":
        return []
    term = _first(value, "term", "text")
    return [str(term)] if term else []


def _translations(concept: Any) -> dict[str, list[str]]:
    """Per-language target terms, for glossaries that have them."""
    found: dict[str, list[str]] = {}
    value = _first(concept, "translations")
    if isinstance(value, dict):
        for lang, entry in value.items():
            found.setdefault(primary(str(lang)), []).extend(_rendering(entry))
    return found


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "term"


def _source_forms(concept: Any) -> list[str]:
    forms = getattr(concept, "forms", None)
    if callable(forms):
        return [str(f) for f in forms()]
    return [*_strings(_first(concept, "term", "preferred", "preferred_term", "name")),
            *_strings(_first(concept, "acronym", "abbreviation")), *_strings(_first(concept, "expansion")),
            *_strings(_first(concept, "variants", "synonyms"))]


def glossary_terms(glossary: Any, source_language: str) -> list[TermInfo]:
    """The concepts that have a definition, with the forms to look for per language.

    A concept marked `keep` (a name that stays as it is in every language) is
    looked for in every language under its source forms.
    """
    if glossary is None:
        return []
    concepts = _first(glossary, "concepts")
    if concepts is None:
        concepts = glossary if isinstance(glossary, (list, tuple)) else []
    if isinstance(concepts, dict):
        concepts = list(concepts.values())
    definition_language = str(_first(glossary, "source_language") or source_language)
    terms: list[TermInfo] = []
    used_keys: set[str] = set()
    source = primary(source_language)
    for concept in concepts:
        definition = _first(concept, "definition")
        preferred = _first(concept, "term", "preferred", "preferred_term", "name")
        if not definition or not preferred:
            continue
        preferred = str(preferred)
        other = _first(concept, "acronym", "abbreviation", "expansion")
        forms = _source_forms(concept)
        by_language = _translations(concept)
        by_language[source] = forms + by_language.get(source, [])
        if _first(concept, "keep"):
            by_language = {lang: fs + forms for lang, fs in by_language.items()}
            by_language["*"] = forms
        key = base = _slug(str(_first(concept, "id", "key") or preferred))
        n = 2
        while key in used_keys:
            key, n = f"{base}-{n}", n + 1
        used_keys.add(key)
        label = f"{preferred} ({other})" if isinstance(other, str) and other and other != preferred else preferred
        source_of_definition = _first(concept, "definition_source")
        terms.append(TermInfo(
            key=key, label=label, definition=str(definition),
            source=str(source_of_definition) if source_of_definition else None,
            definition_language=str(_first(concept, "definition_language") or definition_language),
            forms={lang: _dedupe(fs) for lang, fs in by_language.items()}))
    return terms


def _dedupe(forms: Iterable[str]) -> list[str]:
    seen, out = set(), []
    for form in forms:
        form = form.strip()
        if form and form not in seen:
            seen.add(form)
            out.append(form)
    return out


def _is_acronym(form: str) -> bool:
    letters = [c for c in form if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


class TermFinder:
    """Splits text into plain pieces and marked terms, for one language.

    Acronyms match case-sensitively (so "IOM" is not "iom"), other terms in any
    case; a match must start and end at word boundaries; the longest form wins.
    """

    def __init__(self, terms: list[TermInfo], language: str):
        self.by_form: dict[str, TermInfo] = {}
        patterns = []
        entries = sorted(((form, term) for term in terms
                          for form in term.forms.get(primary(language), term.forms.get("*", []))),
                         key=lambda e: -len(e[0]))
        for form, term in entries:
            patterns.append(re.escape(form) if _is_acronym(form) else f"(?i:{re.escape(form)})")
            self.by_form.setdefault(form.casefold(), term)
            self.by_form.setdefault(form, term)
        self.pattern = re.compile(r"(?<!\w)(?:" + "|".join(patterns) + r")(?!\w)") if patterns else None

    def split(self, text: str) -> list[str | tuple[str, TermInfo]]:
        if self.pattern is None:
            return [text]
        pieces: list[str | tuple[str, TermInfo]] = []
        at = 0
        for match in self.pattern.finditer(text):
            found = match.group(0)
            term = self.by_form.get(found) or self.by_form.get(found.casefold())
            if term is None:
                continue
            if match.start() > at:
                pieces.append(text[at:match.start()])
            pieces.append((found, term))
            at = match.end()
        if at < len(text):
            pieces.append(text[at:])
        return pieces

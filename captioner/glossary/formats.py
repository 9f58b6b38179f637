"""Glossary files: YAML (native, comments kept on write-back), CSV, TSV and TBX-Basic.

What each format carries:

* YAML: everything.
* TBX-Basic (ISO 30042:2019, DCA style): everything. The term, acronym/expansion
  (``termType`` acronym/fullForm) and variants are English ``termSec``s; a known
  misrecognition is a deprecated English term with a ``captioner:sounds-like``
  note; ``keep`` is a concept note ``captioner:keep``; a translation's status is
  ``preferredTerm-admn-sts`` (approved), ``admittedTerm-admn-sts`` (proposed) or
  ``deprecatedTerm-admn-sts`` (deprecated), its reviewer and date a
  ``transacGrp``, its cited source an ``admin type="source"``, its note a ``note``.
* CSV (``term, aliases, definition, <lang>...``): term, aliases (acronym or
  expansion first, then variants, joined by ``|``), English definition and the
  translated terms. Not carried: ids, sounds-like forms, keep, definition source,
  and the status/reviewer/date/source/note of translations (read back as proposed).
* TSV (``source<TAB>target<TAB>comment``, no header, one language): the term,
  its translation, and in the comment the translation's status, reviewer, date,
  source and note and the English definition (``status: approved | note: ...``).
  Not carried: ids, acronyms, variants, sounds-like forms, keep, definition
  source, other languages; concepts without a translation in that language.

Readers take ``problems``: None to raise InputFileError at the first error (for
loading), or a list to collect every problem and go on (for ``glossary check``).
"""
from __future__ import annotations

import csv
import datetime as _dt
import io
import re
from collections import deque
from pathlib import Path
from typing import Any, Iterable

from captioner.errors import InputFileError
from captioner.glossary.model import (
    STATUSES,
    Concept,
    Glossary,
    GlossaryFileError,
    Problem,
    SoundsLike,
    Translation,
    compact,
    fold,
    is_acronym,
    merge_glossaries,
    tokens,
)

MAX_GLOSSARY_BYTES = 20_000_000
LANG_RE = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")
DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
ID_RE = re.compile(r"[A-Za-z_][A-Za-z0-9._-]*")  # an XML NCName, so ids can be TBX conceptEntry ids


class _Report:
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


def _unique_id(base: str, taken: set[str]) -> str:
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


# === YAML ==================================================================

CONCEPT_KEYS = ("id", "term", "acronym", "expansion", "variants", "sounds_like", "keep",
                "definition", "definition_source", "translations")
TRANSLATION_KEYS = ("term", "status", "reviewer", "reviewed", "source", "note")
TOP_KEYS = ("name", "description", "source_language", "languages", "concepts")
_STANDARD_TAGS = {f"tag:yaml.org,2002:{t}" for t in
                  ("str", "int", "float", "bool", "null", "seq", "map", "timestamp")}


def _yaml():
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt", pure=True)
    yaml.width = 4096  # never re-wrap long lines on write-back
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.preserve_quotes = True
    yaml.allow_unicode = True
    return yaml


def parse_yaml_safely(text: str, name: str) -> Any:
    """Load YAML round-trip (comments kept), refusing aliases and application tags.

    ruamel's round-trip loader builds no Python objects from tags (an unknown tag
    becomes a tagged scalar), but it accepts them silently; aliases would let a
    small file stand for a huge tree ("billion laughs") once something walks it.
    The composed node graph is checked before anything is built from it: a node
    reached twice is an alias, a tag outside the YAML core schema is refused.
    """
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    yaml = _yaml()
    try:
        root = yaml.compose(text)
        if root is None:
            return None
        seen: set[int] = set()
        queue = deque([(root, 1)])  # a node and the line that refers to it, in document order
        while queue:
            node, parent_line = queue.popleft()
            line = node.start_mark.line + 1 if node.start_mark else None
            if id(node) in seen:
                anchor = getattr(node, "anchor", None)
                raise GlossaryFileError(name, parent_line, f"YAML aliases (*{anchor or 'name'}) are not allowed in "
                                        "a glossary; write the value out in full")
            seen.add(id(node))
            tag = str(getattr(node.tag, "value", node.tag))
            if tag not in _STANDARD_TAGS:
                raise GlossaryFileError(name, line, f"YAML tag {tag} is not allowed in a glossary; remove it")
            if isinstance(node.value, list):
                for item in node.value:
                    if isinstance(item, tuple):  # a mapping's (key, value): the value is referred to at its key
                        key_line = item[0].start_mark.line + 1 if item[0].start_mark else line
                        queue.extend([(item[0], key_line), (item[1], key_line)])
                    else:
                        queue.append((item, line))
        return yaml.constructor.construct_document(root)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise GlossaryFileError(name, line, f"not valid YAML ({exc.problem}); fix the syntax") from None
    except YAMLError as exc:
        raise GlossaryFileError(name, None, f"not valid YAML ({exc}); fix the syntax") from None


def _line_of(node: Any, key: Any = None) -> int | None:
    lc = getattr(node, "lc", None)
    if lc is None:
        return None
    try:
        if key is None:
            return lc.line + 1
        if isinstance(key, int):
            return lc.item(key)[0] + 1
        return lc.key(key)[0] + 1
    except (KeyError, IndexError, TypeError, AttributeError):
        return lc.line + 1


def _text(value: Any) -> str | None:
    if type(value).__name__ == "TaggedScalar":  # an explicit !!str
        value = value.value
    if value is None:
        return None
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()[:10]
    if isinstance(value, bool):
        return None
    if isinstance(value, (str, int, float)):
        text = str(value).strip()
        return text or None
    return None


def read_yaml(text: str, name: str = "glossary.yaml", problems: list[Problem] | None = None) -> Glossary:
    """A glossary from YAML text: ``concepts:`` (or a bare list) of concept mappings."""
    report = _Report(name, problems)
    data = parse_yaml_safely(text, name)
    warnings: list[Problem] = []
    meta: dict = {}
    if data is None:
        report.error(1, "the file is empty; add a 'concepts:' list")
        return Glossary(name=name)
    if isinstance(data, list):
        items = data
    elif isinstance(data, dict):
        meta = data
        for key in data:
            if key not in TOP_KEYS:
                report.error(_line_of(data, key), f"unknown key '{key}'; a glossary file has "
                             + ", ".join(TOP_KEYS))
        items = data.get("concepts")
        if items is None:
            report.error(1, "no 'concepts:' list; list the concepts under 'concepts:'")
            items = []
        elif not isinstance(items, list):
            report.error(_line_of(data, "concepts"), "'concepts' must be a list of concepts")
            items = []
    else:
        report.error(1, f"expected a mapping with 'concepts', found {type(data).__name__}")
        return Glossary(name=name)

    source_language = _text(meta.get("source_language")) or "en"
    glossary = Glossary(name=_text(meta.get("name")) or Path(name).stem, source_language=source_language,
                        warnings=warnings)
    for index, node in enumerate(items):
        concept = _concept_from_yaml(node, _line_of(items, index), report)
        if concept is None:
            continue
        if glossary.get(concept.id) is not None:
            other = glossary.get(concept.id).origin
            report.error(concept.origin[1], f"concept id '{concept.id}' is used twice "
                         f"(first at line {other[1] if other else '?'}); give each concept its own id")
            continue
        glossary.add(concept)
    return glossary


def _string_list(node: dict, key: str, report: _Report) -> list[str]:
    value = node.get(key)
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        report.error(_line_of(node, key), f"'{key}' must be a list of strings")
        return []
    out = []
    for i, item in enumerate(value):
        text = _text(item)
        if text is None or isinstance(item, bool):
            report.error(_line_of(value, i), f"'{key}' entries must be non-empty strings")
            continue
        out.append(text)
    return out


def _concept_from_yaml(node: Any, line: int | None, report: _Report) -> Concept | None:
    if not isinstance(node, dict):
        report.error(line, "each concept must be a mapping with at least 'id' and 'term'")
        return None
    line = _line_of(node) or line
    for key in node:
        if key not in CONCEPT_KEYS:
            report.error(_line_of(node, key), f"unknown concept field '{key}'; use one of " + ", ".join(CONCEPT_KEYS))
    concept_id = _text(node.get("id"))
    term = _text(node.get("term"))
    if concept_id is None:
        report.error(line, "concept without 'id'; give it a short unique id such as 'accra-initiative'")
        return None
    if not ID_RE.fullmatch(concept_id):
        report.error(_line_of(node, "id"), f"concept id '{concept_id}' must start with a letter and hold only "
                     "letters, digits, '-', '_' or '.'")
    if term is None:
        report.error(line, f"concept '{concept_id}' has no 'term'; give its preferred English term")
        return None
    keep = node.get("keep", False)
    if not isinstance(keep, bool):
        report.error(_line_of(node, "keep"), f"'keep' of concept '{concept_id}' must be true or false")
        keep = False
    sounds = []
    raw_sounds = node.get("sounds_like") or []
    if isinstance(raw_sounds, str):
        raw_sounds = [raw_sounds]
    if not isinstance(raw_sounds, list):
        report.error(_line_of(node, "sounds_like"), "'sounds_like' must be a list of phrases or 'phrase: target' pairs")
        raw_sounds = []
    for i, item in enumerate(raw_sounds):
        if isinstance(item, dict) and len(item) == 1:
            heard, target = next(iter(item.items()))
            if _text(heard) and _text(target):
                sounds.append(SoundsLike(_text(heard), _text(target)))
                continue
        elif _text(item) and not isinstance(item, bool):
            sounds.append(SoundsLike(_text(item)))
            continue
        report.error(_line_of(raw_sounds, i), "a 'sounds_like' entry is a phrase or 'phrase: target'")
    translations: dict[str, Translation] = {}
    raw_tr = node.get("translations") or {}
    if not isinstance(raw_tr, dict):
        report.error(_line_of(node, "translations"), "'translations' must map language codes to translations")
        raw_tr = {}
    for lang, value in raw_tr.items():
        tr = _translation_from_yaml(str(lang), value, _line_of(raw_tr, lang), report)
        if tr is not None:
            translations[str(lang)] = tr
    return Concept(
        id=concept_id, term=term, acronym=_text(node.get("acronym")), expansion=_text(node.get("expansion")),
        variants=_string_list(node, "variants", report), sounds_like=sounds, keep=keep,
        definition=_text(node.get("definition")), definition_source=_text(node.get("definition_source")),
        translations=translations, origin=(report.name, line))


def _translation_from_yaml(lang: str, value: Any, line: int | None, report: _Report) -> Translation | None:
    if not LANG_RE.fullmatch(lang):
        report.error(line, f"'{lang}' is not a language code; use BCP 47 codes such as es, fr, ar, pt-BR")
    if isinstance(value, str):
        return Translation(term=value.strip()) if value.strip() else None
    if not isinstance(value, dict):
        report.error(line, f"translation '{lang}' must be a term or a mapping with 'term' and 'status'")
        return None
    for key in value:
        if key not in TRANSLATION_KEYS:
            report.error(_line_of(value, key), f"unknown translation field '{key}'; use one of "
                         + ", ".join(TRANSLATION_KEYS))
    term = _text(value.get("term"))
    if term is None:
        report.error(line, f"translation '{lang}' has no 'term'")
        return None
    status = _text(value.get("status")) or "proposed"
    if status not in STATUSES:
        report.error(_line_of(value, "status"), f"status '{status}' of translation '{lang}' must be one of "
                     + ", ".join(STATUSES))
        status = "proposed"
    reviewed = _text(value.get("reviewed"))
    if reviewed is not None and not DATE_RE.fullmatch(reviewed):
        report.error(_line_of(value, "reviewed"), f"'reviewed' of translation '{lang}' must be a date YYYY-MM-DD")
    return Translation(term=term, status=status, reviewer=_text(value.get("reviewer")), reviewed=reviewed,
                       source=_text(value.get("source")), note=_text(value.get("note")))


def _translation_node(tr: Translation, into: Any = None) -> Any:
    from ruamel.yaml.comments import CommentedMap

    node = into if isinstance(into, dict) else CommentedMap()
    if into is None or not isinstance(into, dict):
        node.fa.set_flow_style()
    values = {"term": tr.term, "status": tr.status, "reviewer": tr.reviewer,
              "reviewed": _dt.date.fromisoformat(tr.reviewed) if tr.reviewed and DATE_RE.fullmatch(tr.reviewed)
              else tr.reviewed,
              "source": tr.source, "note": tr.note}
    for key in TRANSLATION_KEYS:
        if values[key] is None:
            node.pop(key, None)
        else:
            node[key] = values[key]
    return node


def _concept_node(concept: Concept) -> Any:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    def flow(items: list) -> CommentedSeq:
        seq = CommentedSeq(items)
        seq.fa.set_flow_style()
        return seq

    node = CommentedMap()
    node["id"] = concept.id
    node["term"] = concept.term
    for key in ("acronym", "expansion"):
        if getattr(concept, key):
            node[key] = getattr(concept, key)
    if concept.variants:
        node["variants"] = flow(list(concept.variants))
    if concept.sounds_like:
        items = []
        for s in concept.sounds_like:
            if s.target:
                pair = CommentedMap([(s.heard, s.target)])
                pair.fa.set_flow_style()
                items.append(pair)
            else:
                items.append(s.heard)
        node["sounds_like"] = flow(items)
    if concept.keep:
        node["keep"] = True
    if concept.definition:
        node["definition"] = concept.definition
    if concept.definition_source:
        node["definition_source"] = concept.definition_source
    if concept.translations:
        tr = CommentedMap()
        for lang, t in concept.translations.items():
            tr[lang] = _translation_node(t)
        node["translations"] = tr
    return node


def _dump(data: Any) -> str:
    out = io.StringIO()
    _yaml().dump(data, out)
    return out.getvalue()


def write_yaml(glossary: Glossary, header: str | None = None) -> str:
    """A new YAML document for ``glossary`` (for conversions; edits go through update_yaml)."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    doc = CommentedMap()
    if glossary.name:
        doc["name"] = glossary.name
    doc["source_language"] = glossary.source_language
    doc["concepts"] = CommentedSeq(_concept_node(c) for c in glossary)
    if header:
        doc.yaml_set_start_comment(header)
    return _dump(doc)


def update_yaml(text: str, name: str, translations: Iterable[tuple[str, str, Translation]] = ()) -> str:
    """Set translations (concept id, language, translation) in a YAML glossary's text,
    keeping every comment, key order and style that is not changed."""
    from ruamel.yaml.comments import CommentedMap

    data = parse_yaml_safely(text, name)
    items = data.get("concepts") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise InputFileError(f"{name}: no 'concepts:' list to update")
    by_id = {str(node.get("id")): node for node in items if isinstance(node, dict)}
    for concept_id, lang, tr in translations:
        node = by_id.get(concept_id)
        if node is None:
            raise InputFileError(f"{name}: no concept with id '{concept_id}' to update")
        table = node.get("translations")
        if not isinstance(table, dict):
            table = CommentedMap()
            node["translations"] = table
        table[lang] = _translation_node(tr, table.get(lang))
    return _dump(data)


# === CSV ===================================================================

CSV_FIXED = ("term", "aliases", "definition")


def write_csv(glossary: Glossary, languages: list[str] | None = None) -> str:
    languages = languages if languages is not None else glossary.languages()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*CSV_FIXED, *languages])
    for concept in glossary:
        row = [concept.term, "|".join(aliases_of(concept)), concept.definition or ""]
        row += [(concept.translations[lang].term if lang in concept.translations else "") for lang in languages]
        writer.writerow(row)
    return out.getvalue()


def read_csv(text: str, name: str = "glossary.csv", problems: list[Problem] | None = None) -> Glossary:
    report = _Report(name, problems)
    glossary = Glossary(name=Path(name).stem)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        report.error(reader.line_num or 1, f"not valid CSV ({exc})")
        return glossary
    if not header:
        report.error(1, "the file is empty; the first row must name the columns: term, aliases, definition, es, ...")
        return glossary
    header = [h.strip() for h in header]
    if "term" not in header:
        report.error(1, "no 'term' column; the first row must name the columns: term, aliases, definition, es, ...")
        return glossary
    langs = []
    for i, column in enumerate(header):
        if column in CSV_FIXED:
            continue
        if not LANG_RE.fullmatch(column):
            report.error(1, f"column {i + 1} '{column}' is neither term, aliases, definition nor a language code")
        langs.append((i, column))
    col = {c: header.index(c) for c in CSV_FIXED if c in header}
    taken: set[str] = set()
    seen_terms: dict[str, int] = {}
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            report.error(reader.line_num, f"not valid CSV ({exc}); check the quotes on this line")
            break
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            report.error(line, f"{len(row)} columns where the header has {len(header)}; "
                         "quote cells that contain commas")
            continue
        term = row[col["term"]].strip()
        if not term:
            report.error(line, "empty 'term'")
            continue
        key = compact(term)
        if key in seen_terms:
            report.error(line, f"term '{term}' is listed twice (also on line {seen_terms[key]})")
            continue
        seen_terms[key] = line
        aliases = [a.strip() for a in row[col["aliases"]].split("|")] if "aliases" in col else []
        acronym, expansion, variants = split_aliases(term, [a for a in aliases if a])
        translations = {lang: Translation(term=row[i].strip()) for i, lang in langs if row[i].strip()}
        definition = row[col["definition"]].strip() if "definition" in col else ""
        glossary.add(Concept(id=_unique_id(slug(term), taken), term=term, acronym=acronym, expansion=expansion,
                             variants=variants, definition=definition or None, translations=translations,
                             origin=(name, line)))
    return glossary


# === TSV (OmegaT, memoQ) =====================================================

_COMMENT_FIELDS = ("status", "reviewer", "reviewed", "source", "note", "definition")


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("|", "/")).strip()


def write_tsv(glossary: Glossary, language: str) -> str:
    lines = []
    for concept in glossary:
        tr = concept.translations.get(language)
        if tr is None:
            continue
        values = {"status": tr.status, "reviewer": tr.reviewer, "reviewed": tr.reviewed, "source": tr.source,
                  "note": tr.note, "definition": concept.definition}
        comment = " | ".join(f"{k}: {_clean(values[k])}" for k in _COMMENT_FIELDS if values[k])
        lines.append(f"{_clean(concept.term)}\t{_clean(tr.term)}\t{comment}")
    return "".join(line + "\n" for line in lines)


def tsv_language_from_name(path: Path) -> str:
    parts = Path(path).name.split(".")
    if len(parts) >= 3 and LANG_RE.fullmatch(parts[-2]):
        return parts[-2]
    raise InputFileError(f"{path}: a TSV glossary holds one language; name it like terms.es.tsv "
                         "or pass the language")


def read_tsv(text: str, language: str, name: str = "glossary.tsv",
             problems: list[Problem] | None = None) -> Glossary:
    report = _Report(name, problems)
    glossary = Glossary(name=Path(name).stem)
    taken: set[str] = set()
    seen: dict[str, int] = {}
    for line_no, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if len(cells) not in (2, 3):
            report.error(line_no, f"{len(cells)} tab-separated columns; a TSV glossary line is "
                         "source<TAB>target<TAB>comment")
            continue
        source, target = cells[0].strip(), cells[1].strip()
        if not source or not target:
            report.error(line_no, "empty source or target term")
            continue
        key = compact(source)
        if key in seen:
            report.error(line_no, f"term '{source}' is listed twice (also on line {seen[key]})")
            continue
        seen[key] = line_no
        fields = _parse_comment(cells[2] if len(cells) == 3 else "")
        status = fields.get("status") or "proposed"
        if status not in STATUSES:
            report.error(line_no, f"status '{status}' must be one of " + ", ".join(STATUSES))
            status = "proposed"
        tr = Translation(term=target, status=status, reviewer=fields.get("reviewer"),
                         reviewed=fields.get("reviewed"), source=fields.get("source"), note=fields.get("note"))
        glossary.add(Concept(id=_unique_id(slug(source), taken), term=source, definition=fields.get("definition"),
                             translations={language: tr}, origin=(name, line_no)))
    return glossary


def _parse_comment(comment: str) -> dict[str, str]:
    """'status: approved | note: ...' -> fields; a comment in another shape is kept as the note."""
    comment = comment.strip()
    if not comment:
        return {}
    fields: dict[str, str] = {}
    for part in comment.split(" | "):
        key, sep, value = part.partition(": ")
        if not sep or key not in _COMMENT_FIELDS:
            return {"note": comment}
        fields[key] = value.strip()
    return fields


# === TBX-Basic (ISO 30042:2019) ==============================================

TBX_NS = "urn:iso:std:iso:30042:ed-2"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_STATUS_TO_TBX = {"approved": "preferredTerm-admn-sts", "proposed": "admittedTerm-admn-sts",
                  "deprecated": "deprecatedTerm-admn-sts"}
_TBX_TO_STATUS = {"preferredTerm-admn-sts": "approved", "admittedTerm-admn-sts": "proposed",
                  "deprecatedTerm-admn-sts": "deprecated", "supersededTerm-admn-sts": "deprecated"}
KEEP_NOTE = "captioner:keep"
SOUNDS_NOTE = "captioner:sounds-like"


def _q(tag: str) -> str:
    return f"{{{TBX_NS}}}{tag}"


def write_tbx(glossary: Glossary, languages: list[str] | None = None) -> bytes:
    from lxml import etree

    if not len(glossary):
        raise InputFileError("the glossary is empty: a TBX file needs at least one concept")
    languages = languages if languages is not None else glossary.languages()
    E = lambda tag, text=None, **attrs: _el(etree, tag, text, attrs)  # noqa: E731
    root = etree.Element(_q("tbx"), nsmap={None: TBX_NS})
    root.set("type", "TBX-Basic")
    root.set("style", "dca")
    root.set(XML_LANG, glossary.source_language)
    header = etree.SubElement(root, _q("tbxHeader"))
    file_desc = etree.SubElement(header, _q("fileDesc"))
    title = etree.SubElement(file_desc, _q("titleStmt"))
    title.append(E("title", glossary.name or "glossary"))
    source = etree.SubElement(file_desc, _q("sourceDesc"))
    source.append(E("p", "Exported by captioner. Sounds-like entries are deprecated English terms noted "
                         f"'{SOUNDS_NOTE}'; names kept in every language are noted '{KEEP_NOTE}'."))
    body = etree.SubElement(etree.SubElement(root, _q("text")), _q("body"))
    for concept in glossary:
        entry = etree.SubElement(body, _q("conceptEntry"), id=concept.id)
        if concept.keep:
            entry.append(E("note", f"{KEEP_NOTE}: a name kept as it is in every language"))
        en = etree.SubElement(entry, _q("langSec"))
        en.set(XML_LANG, glossary.source_language)
        if concept.definition:
            group = etree.SubElement(en, _q("descripGrp"))
            group.append(E("descrip", concept.definition, type="definition"))
            if concept.definition_source:
                group.append(E("admin", concept.definition_source, type="source"))
        term_type = "acronym" if concept.expansion else "fullForm" if concept.acronym else None
        en.append(_term_sec(etree, concept.term, "preferredTerm-admn-sts", term_type))
        if concept.acronym:
            en.append(_term_sec(etree, concept.acronym, "admittedTerm-admn-sts", "acronym"))
        if concept.expansion:
            en.append(_term_sec(etree, concept.expansion, "admittedTerm-admn-sts", "fullForm"))
        for variant in concept.variants:
            en.append(_term_sec(etree, variant, "admittedTerm-admn-sts", "variant"))
        for sound in concept.sounds_like:
            sec = _term_sec(etree, sound.heard, "deprecatedTerm-admn-sts", None)
            sec.append(E("note", SOUNDS_NOTE + (f" → {sound.target}" if sound.target else "")))
            en.append(sec)
        for lang in languages:
            tr = concept.translations.get(lang)
            if tr is None:
                continue
            lang_sec = etree.SubElement(entry, _q("langSec"))
            lang_sec.set(XML_LANG, lang)
            sec = _term_sec(etree, tr.term, _STATUS_TO_TBX[tr.status], None)
            if tr.source:
                sec.append(E("admin", tr.source, type="source"))
            if tr.reviewer or (tr.reviewed and DATE_RE.fullmatch(tr.reviewed)):
                group = etree.SubElement(sec, _q("transacGrp"))
                group.append(E("transac", "modification", type="transactionType"))
                if tr.reviewed and DATE_RE.fullmatch(tr.reviewed):
                    group.append(E("date", tr.reviewed))
                if tr.reviewer:
                    group.append(E("transacNote", tr.reviewer, type="responsibility"))
            if tr.note:
                sec.append(E("note", tr.note))
            lang_sec.append(sec)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _el(etree, tag: str, text: str | None, attrs: dict) -> Any:
    element = etree.Element(_q(tag), **attrs)
    if text is not None:
        element.text = text
    return element


def _term_sec(etree, term: str, status: str, term_type: str | None) -> Any:
    sec = etree.Element(_q("termSec"))
    etree.SubElement(sec, _q("term")).text = term
    if term_type:
        etree.SubElement(sec, _q("termNote"), type="termType").text = term_type
    etree.SubElement(sec, _q("termNote"), type="administrativeStatus").text = status
    return sec


def parse_xml_safely(data: bytes, name: str) -> Any:
    """Parse XML without DTDs, entities or network access; a DOCTYPE is refused."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                             huge_tree=False, remove_comments=True)
    try:
        tree = etree.parse(io.BytesIO(data), parser)
    except etree.XMLSyntaxError as exc:
        line = exc.lineno or (exc.position[0] if exc.position else None)
        raise GlossaryFileError(name, line, f"not well-formed XML ({exc.msg}); fix the markup") from None
    if tree.docinfo.internalDTD is not None or tree.docinfo.doctype:
        raise GlossaryFileError(name, None, "DOCTYPE declarations are not allowed in a TBX file; remove it")
    return tree


def _all_text(element: Any) -> str:
    return re.sub(r"\s+", " ", "".join(element.itertext())).strip()


def read_tbx(data: bytes, name: str = "glossary.tbx", problems: list[Problem] | None = None,
             source_language: str = "en") -> Glossary:
    report = _Report(name, problems)
    root = parse_xml_safely(data, name).getroot()
    if root.tag != _q("tbx"):
        report.error(root.sourceline, f"root element is <{root.tag}>, not TBX 2019 <tbx xmlns=\"{TBX_NS}\">; "
                     "export TBX-Basic in the ISO 30042:2019 form (older 'martif' files are not read)")
        return Glossary(name=Path(name).stem)
    title = root.find(f"{_q('tbxHeader')}/{_q('fileDesc')}/{_q('titleStmt')}/{_q('title')}")
    warnings: list[Problem] = []
    glossary = Glossary(name=_all_text(title) if title is not None else Path(name).stem,
                        source_language=source_language, warnings=warnings)
    taken: set[str] = set()
    for entry in root.iter(_q("conceptEntry")):
        concept = _concept_from_tbx(entry, source_language, report, warnings)
        if concept is None:
            continue
        if concept.id in taken:
            report.error(entry.sourceline, f"conceptEntry id '{concept.id}' is used twice")
            continue
        taken.add(concept.id)
        glossary.add(concept)
    return glossary


def _status_of(sec: Any) -> str | None:
    for note in sec.findall(_q("termNote")):
        if note.get("type") == "administrativeStatus":
            return _all_text(note)
    return None


def _term_type(sec: Any) -> str | None:
    for note in sec.findall(_q("termNote")):
        if note.get("type") == "termType":
            return _all_text(note)
    return None


def _definition(container: Any) -> tuple[str | None, str | None]:
    for el in container:
        if el.tag == _q("descrip") and el.get("type") == "definition":
            return _all_text(el), None
        if el.tag == _q("descripGrp"):
            descrip = el.find(_q("descrip"))
            if descrip is not None and descrip.get("type") == "definition":
                source = next((_all_text(a) for a in el.findall(_q("admin")) if a.get("type") == "source"), None)
                return _all_text(descrip), source
    return None, None


def _concept_from_tbx(entry: Any, source_language: str, report: _Report, warnings: list[Problem]) -> Concept | None:
    concept_id = entry.get("id") or ""
    line = entry.sourceline
    keep = any(_all_text(n).startswith(KEEP_NOTE) for n in entry.findall(_q("note")))
    definition, definition_source = _definition(entry)
    english: list[Any] = []
    targets: dict[str, list[Any]] = {}
    for lang_sec in entry.findall(_q("langSec")):
        lang = lang_sec.get(XML_LANG) or ""
        if lang.split("-")[0].lower() == source_language:
            english.extend(lang_sec.findall(_q("termSec")))
            if definition is None:
                definition, definition_source = _definition(lang_sec)
        else:
            targets.setdefault(lang, []).extend(lang_sec.findall(_q("termSec")))
    if not english:
        report.warning(line, f"conceptEntry '{concept_id}' skipped: it has no term in {source_language}", warnings)
        return None

    def term_of(sec: Any) -> str:
        t = sec.find(_q("term"))
        return _all_text(t) if t is not None else ""

    preferred = next((s for s in english if _status_of(s) == "preferredTerm-admn-sts"), None)
    if preferred is None:
        preferred = next((s for s in english if _TBX_TO_STATUS.get(_status_of(s) or "") != "deprecated"), None)
    if preferred is None or not term_of(preferred):
        report.error(line, f"conceptEntry '{concept_id}' has no usable English term")
        return None
    term = term_of(preferred)
    term_is_short = _term_type(preferred) in ("acronym", "abbreviation", "shortForm")
    acronym = expansion = None
    variants: list[str] = []
    sounds: list[SoundsLike] = []
    for sec in english:
        if sec is preferred or not term_of(sec):
            continue
        text, kind = term_of(sec), _term_type(sec)
        notes = [_all_text(n) for n in sec.findall(_q("note"))]
        sound_note = next((n for n in notes if n.startswith(SOUNDS_NOTE)), None)
        if sound_note is not None:
            target = sound_note[len(SOUNDS_NOTE):].strip().lstrip("→").strip() or None
            sounds.append(SoundsLike(text, target))
        elif _TBX_TO_STATUS.get(_status_of(sec) or "") == "deprecated":
            report.warning(sec.sourceline, f"deprecated English term '{text}' of '{concept_id}' not kept "
                           "(only misrecognitions noted captioner:sounds-like are)", warnings)
        elif kind in ("acronym", "abbreviation", "shortForm") and not term_is_short and acronym is None:
            acronym = text
        elif kind == "fullForm" and term_is_short and expansion is None:
            expansion = text
        else:
            variants.append(text)
    translations: dict[str, Translation] = {}
    rank = {"approved": 0, "proposed": 1, "deprecated": 2}
    for lang, secs in targets.items():
        usable = [s for s in secs if term_of(s)]
        if not usable:
            continue
        usable.sort(key=lambda s: rank[_TBX_TO_STATUS.get(_status_of(s) or "", "proposed")])
        chosen = usable[0]
        for extra in usable[1:]:
            report.warning(extra.sourceline, f"'{concept_id}' has more than one {lang} term; "
                           f"kept '{term_of(chosen)}', dropped '{term_of(extra)}'", warnings)
        reviewer = reviewed = None
        for group in chosen.findall(_q("transacGrp")):
            date = group.find(_q("date"))
            who = group.find(_q("transacNote"))
            reviewed = _all_text(date)[:10] if date is not None else reviewed
            reviewer = _all_text(who) if who is not None else reviewer
        source = next((_all_text(a) for a in chosen.findall(_q("admin")) if a.get("type") == "source"), None)
        notes = [_all_text(n) for n in chosen.findall(_q("note"))]
        translations[lang] = Translation(
            term=term_of(chosen), status=_TBX_TO_STATUS.get(_status_of(chosen) or "", "proposed"),
            reviewer=reviewer, reviewed=reviewed, source=source, note="; ".join(notes) or None)
    if not ID_RE.fullmatch(concept_id):
        report.error(line, f"conceptEntry id '{concept_id}' is missing or not a valid id")
        return None
    return Concept(id=concept_id, term=term, acronym=acronym, expansion=expansion, variants=variants,
                   sounds_like=sounds, keep=keep, definition=definition, definition_source=definition_source,
                   translations=translations, origin=(report.name, line))


def load_glossary(path: Path | str) -> Glossary:
    """Read one glossary file, chosen by its extension; InputFileError names the file and line."""
    path = Path(path)
    suffix = path.suffix.lower()
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputFileError(f"glossary {path} not found; check the path") from None
    except OSError as exc:
        raise InputFileError(f"glossary {path} cannot be read ({exc.strerror})") from None
    if len(data) > MAX_GLOSSARY_BYTES:
        raise InputFileError(f"glossary {path} is larger than {MAX_GLOSSARY_BYTES // 1_000_000} MB; split it")
    name = str(path)
    if suffix in (".yaml", ".yml"):
        return read_yaml(decode_text(data, name), name)
    if suffix == ".csv":
        return read_csv(decode_text(data, name), name)
    if suffix == ".tbx":
        return read_tbx(data, name)
    if suffix == ".tsv":
        lang = tsv_language_from_name(path)
        return read_tsv(decode_text(data, name), lang, name)
    raise InputFileError(f"glossary {path}: unknown format {suffix or '(no extension)'}; "
                         "use .yaml, .csv, .tbx or .<lang>.tsv")


def load_glossaries(paths: Iterable[Path | str]) -> Glossary:
    """Read and merge several glossary files; later files override earlier ones."""
    return merge_glossaries(load_glossary(p) for p in paths)

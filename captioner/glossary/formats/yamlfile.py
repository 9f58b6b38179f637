"""YAML glossaries: everything a glossary holds, comments kept when a file is written back."""
from __future__ import annotations

import datetime as _dt
import io
from collections import deque
from pathlib import Path
from typing import Any, Iterable

from captioner.errors import InputFileError
from captioner.glossary.formats.common import DATE_RE, ID_RE, ProblemReport
from captioner.glossary.model import (
    STATUSES,
    Concept,
    Glossary,
    GlossaryFileError,
    Problem,
    SoundsLike,
    Translation,
)
from captioner.lang import language_tag

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
    report = ProblemReport(name, problems)
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


def _string_list(node: dict, key: str, report: ProblemReport) -> list[str]:
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


def _concept_from_yaml(node: Any, line: int | None, report: ProblemReport) -> Concept | None:
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
            translations[language_tag(str(lang)) or str(lang)] = tr
    return Concept(
        id=concept_id, term=term, acronym=_text(node.get("acronym")), expansion=_text(node.get("expansion")),
        variants=_string_list(node, "variants", report), sounds_like=sounds, keep=keep,
        definition=_text(node.get("definition")), definition_source=_text(node.get("definition_source")),
        translations=translations, origin=(report.name, line))


def _translation_from_yaml(lang: str, value: Any, line: int | None, report: ProblemReport) -> Translation | None:
    if language_tag(lang) is None:
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


def _concept_nodes(text: str, name: str) -> tuple[Any, list, dict[str, Any]]:
    """A YAML glossary's text parsed for a round trip: the document, its concepts' nodes, and
    those nodes by id."""
    data = parse_yaml_safely(text, name)
    items = data.get("concepts") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise InputFileError(f"{name}: no 'concepts:' list to update")
    return data, items, {str(node.get("id")): node for node in items if isinstance(node, dict)}


def update_sounds_like(text: str, name: str, concepts: Iterable[Concept]) -> str:
    """Set the sound-alikes of these concepts in a YAML glossary's text (a concept the file does
    not have is added at its end), keeping every comment, key order and style not changed."""
    from ruamel.yaml.comments import CommentedSeq

    data, items, by_id = _concept_nodes(text, name)
    for concept in concepts:
        node = by_id.get(concept.id)
        if node is None:
            items.append(_concept_node(concept))
            continue
        fresh = _concept_node(concept).get("sounds_like")
        old = node.get("sounds_like")
        if isinstance(old, CommentedSeq) and fresh is not None:
            old.extend(fresh[len(old):])
        elif "sounds_like" in node:
            node["sounds_like"] = fresh
        else:  # where the file's layout puts it: after the written forms
            keys = list(node.keys())
            after = max((keys.index(k) for k in ("term", "acronym", "expansion", "variants") if k in keys), default=-1)
            node.insert(after + 1, "sounds_like", fresh)
    return _dump(data)


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

    data, _, by_id = _concept_nodes(text, name)
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

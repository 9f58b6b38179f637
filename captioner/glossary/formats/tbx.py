"""TBX-Basic glossaries (ISO 30042:2019, DCA style), as terminology tools exchange them."""
from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from captioner.errors import InputFileError
from captioner.glossary.formats.common import DATE_RE, ID_RE, ProblemReport
from captioner.glossary.model import (
    Concept,
    Glossary,
    GlossaryFileError,
    Problem,
    SoundsLike,
    Translation,
)
from captioner.lang import language_tag, primary

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
    report = ProblemReport(name, problems)
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


def _concept_from_tbx(entry: Any, source_language: str, report: ProblemReport, warnings: list[Problem]) -> Concept | None:
    concept_id = entry.get("id") or ""
    line = entry.sourceline
    keep = any(_all_text(n).startswith(KEEP_NOTE) for n in entry.findall(_q("note")))
    definition, definition_source = _definition(entry)
    english: list[Any] = []
    targets: dict[str, list[Any]] = {}
    for lang_sec in entry.findall(_q("langSec")):
        written = lang_sec.get(XML_LANG) or ""
        lang = language_tag(written) or written  # CAT tools write ES, es_ES, es-es
        if primary(lang) == source_language:
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

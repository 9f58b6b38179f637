"""XLIFF 2.0 (OASIS, urn:oasis:names:tc:xliff:document:2.0) for subtitle translators.

One <unit> per source sentence: its <source> is the English sentence, its
<target> the translation the subtitles use. For the translator, <notes> carry
the time span, the speaker, the source cues it was spoken in, the machine
translation and the glossary terms in it; for the round trip, the Metadata
module (urn:oasis:names:tc:xliff:metadata:2.0) carries the unit's key and times.
Segment `state` is `translated` for machine output, `reviewed` (or `final`)
once a translator has worked on it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from captioner.clock import timestamp
from captioner.errors import InputFileError

XLIFF_NS = "urn:oasis:names:tc:xliff:document:2.0"
MDA_NS = "urn:oasis:names:tc:xliff:metadata:2.0"
STATES = ("initial", "translated", "reviewed", "final")
_X = f"{{{XLIFF_NS}}}"
_M = f"{{{MDA_NS}}}"


@dataclass
class XliffUnit:
    id: str
    key: str
    source: str
    target: str
    start: float
    end: float
    state: str = "translated"
    speaker: str | None = None
    machine: str | None = None
    source_cues: list[str] = field(default_factory=list)
    terms: list[dict] = field(default_factory=list)


@dataclass
class XliffDocument:
    source_language: str
    target_language: str
    original: str
    units: list[XliffUnit]


def _clean(text: str) -> str:
    """XML 1.0 cannot hold most control characters; captions should not either."""
    return "".join(ch for ch in text if ch in "\t\n\r" or ord(ch) >= 0x20)


def write_xliff(document: XliffDocument) -> bytes:
    """The document as UTF-8 XLIFF 2.0 bytes."""
    nsmap = {None: XLIFF_NS, "mda": MDA_NS}
    root = etree.Element(_X + "xliff", nsmap=nsmap)
    root.set("version", "2.0")
    root.set("srcLang", document.source_language)
    root.set("trgLang", document.target_language)
    file = etree.SubElement(root, _X + "file", id="f1", original=document.original)
    for unit in document.units:
        element = etree.SubElement(file, _X + "unit", id=unit.id, name=unit.key)
        metadata = etree.SubElement(element, _M + "metadata")
        group = etree.SubElement(metadata, _M + "metaGroup", category="captioner")
        for kind, value in (("key", unit.key), ("start", f"{unit.start:.3f}"), ("end", f"{unit.end:.3f}"),
                            ("speaker", unit.speaker)):
            if value:
                etree.SubElement(group, _M + "meta", type=kind).text = _clean(value)
        notes = etree.SubElement(element, _X + "notes")

        def note(category: str, text: str, applies_to: str | None = None) -> None:
            item = etree.SubElement(notes, _X + "note", category=category)
            if applies_to:
                item.set("appliesTo", applies_to)
            item.text = _clean(text)

        note("time", f"{timestamp(unit.start)} --> {timestamp(unit.end)}")
        if unit.speaker:
            note("speaker", unit.speaker)
        for cue_text in unit.source_cues:
            note("source-cue", cue_text, "source")
        if unit.machine is not None:
            note("machine-translation", unit.machine or "(not machine-translated: reviewed text)", "target")
        for term in unit.terms:
            note("glossary", f"{term['source']} = {term['target']} ({term.get('kind', 'term')})")
        segment = etree.SubElement(element, _X + "segment", id="s1", state=unit.state)
        etree.SubElement(segment, _X + "source").text = _clean(unit.source)
        etree.SubElement(segment, _X + "target").text = _clean(unit.target)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _text(element) -> str:
    """Text of a <source>/<target>, inline codes (<ph>, <pc>, <mrk>...) reduced to their text."""
    if element is None:
        return ""
    return " ".join("".join(element.itertext()).split())


def read_xliff(data: bytes, name: str = "XLIFF file") -> XliffDocument:
    """Parse an XLIFF 2.x file written by write_xliff and edited in any CAT tool."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                             huge_tree=False)
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise InputFileError(f"{name} line {exc.lineno}: not well-formed XML ({exc.msg})") from None
    docinfo = root.getroottree().docinfo
    if docinfo.internalDTD is not None or docinfo.doctype:
        # an entity it declares would come through as text ("&xxe;" in the subtitles), or worse
        raise InputFileError(f"{name}: DOCTYPE declarations are not allowed in an XLIFF file; remove it")
    if root.tag != _X + "xliff" or not str(root.get("version", "")).startswith("2."):
        raise InputFileError(f"{name}: not an XLIFF 2 file (root {root.tag!r}, version {root.get('version')!r})")
    source_language, target_language = root.get("srcLang"), root.get("trgLang")
    if not source_language or not target_language:
        raise InputFileError(f"{name}: the <xliff> element needs srcLang and trgLang")
    files = root.findall(_X + "file")
    if len(files) != 1:
        raise InputFileError(f"{name}: expected one <file> element, found {len(files)}")
    units = []
    for element in files[0].iter(_X + "unit"):
        meta = {m.get("type"): (m.text or "") for m in element.iter(_M + "meta")}
        key = meta.get("key") or element.get("name")
        segments = element.findall(_X + "segment")
        where = f"{name} line {element.sourceline}, unit {element.get('id')!r}"
        if not key or not segments:
            raise InputFileError(f"{where}: no captioner key or no <segment>; export the file again")
        try:
            start, end = float(meta["start"]), float(meta["end"])
        except (KeyError, ValueError):
            raise InputFileError(f"{where}: missing or bad start/end metadata; export the file again") from None
        source = " ".join(_text(s.find(_X + "source")) for s in segments).strip()
        target = " ".join(_text(s.find(_X + "target")) for s in segments).strip()
        states = [s.get("state", "initial") for s in segments]
        state = min(states, key=lambda s: STATES.index(s) if s in STATES else 0)
        units.append(XliffUnit(element.get("id", ""), key, source, target, start, end, state,
                               speaker=meta.get("speaker") or None))
    return XliffDocument(source_language, target_language, files[0].get("original", ""), units)

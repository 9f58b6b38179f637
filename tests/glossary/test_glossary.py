"""The glossary model, the YAML form, and the counter-terrorism glossary itself."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from captioner.asr.hotwords import select_bias_terms
from captioner.errors import InputFileError
from captioner.glossary.formats import (
    default_glossary_files,
    load_glossaries,
    load_glossary,
    read_yaml,
    update_yaml,
    write_yaml,
)
from captioner.glossary.model import Concept, Glossary, Translation
from captioner.glossary.text import compact, spoken_variants

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "glossary"
CT = ROOT / "glossary" / "counter-terrorism.yaml"


@pytest.fixture(scope="session")
def ct():
    return load_glossary(CT)


# --- the model ----------------------------------------------------------------

def test_lookup_by_any_form_links_acronym_and_expansion_both_ways(ct):
    ftf = ct.lookup("FTF")
    assert ftf is ct.lookup("foreign terrorist fighter") is ct.lookup("Foreign Terrorist Fighters")
    assert ftf.short_form == "FTF" and ftf.full_form == "foreign terrorist fighter"
    interpol = ct.lookup("International Criminal Police Organization")
    assert interpol is ct.lookup("interpol") and interpol.term == "INTERPOL"
    assert interpol.short_form == "INTERPOL" and interpol.full_form == "International Criminal Police Organization"
    assert ct.lookup("U.N.C.C.T.").id == "uncct"
    assert ct.lookup("Petrovic").id == "elena-petrovic"  # accents ignored
    assert ct.lookup("hot") is None and ct.lookup("attorneys") is None


def test_translation_helpers_skip_deprecated_and_fall_back_to_kept_names():
    c = Concept(id="x", term="Frontex", keep=True,
                translations={"es": Translation("Frontex", "approved", "R", "2024-01-01"),
                              "fr": Translation("Frontexe", "deprecated")})
    assert c.approved("es").term == "Frontex"
    assert c.translation("fr") is None and c.rendering("fr") == "Frontex"
    c.keep = False
    assert c.rendering("fr") is None


def test_hash_follows_content_not_comments(tmp_path):
    text = (DATA / "sample.yaml").read_text(encoding="utf-8")
    a = read_yaml(text, "a.yaml")
    b = read_yaml("# another comment\n" + text.replace("# --- data ---", "# data section"), "b.yaml")
    assert a.glossary_hash() == b.glossary_hash()
    c = read_yaml(text.replace("The booking record of a passenger.", "The booking record."), "c.yaml")
    assert c.glossary_hash() != a.glossary_hash()


def test_merge_matches_by_id_or_term_and_never_unapproves(tmp_path):
    (tmp_path / "extra.csv").write_text(
        "term,aliases,definition,es,fr\n"
        "FTF,foreign fighters,,combatiente extranjero,combattant terroriste étranger\n"
        "Operation Sanké,,A later operation,Operación Sanké,Opération Sanké\n", encoding="utf-8")
    merged = load_glossaries([DATA / "sample.yaml", tmp_path / "extra.csv"])
    assert len(merged) == 5
    ftf = merged.get("ftf")
    assert "foreign fighters" in ftf.variants
    assert ftf.translations["es"].term == "combatiente terrorista extranjero"  # approved one kept
    assert ftf.translations["fr"].term == "combattant terroriste étranger"
    assert merged.lookup("Operation Sanke").translations["es"].term == "Operación Sanké"


def test_merge_writes_a_form_as_the_later_file_does():
    own = ROOT / "tests" / "data" / "webinars" / "aviation-api-pnr.glossary.csv"
    field = load_glossary(CT)
    assert field.lookup("PNR").term == "Passenger Name Record"
    merged = load_glossaries([CT, own])
    pnr = merged.lookup("PNR")
    assert pnr.term == "passenger name record" and pnr.acronym == "PNR"
    assert merged.lookup("Passenger Name Record") is pnr  # still found however it is written
    assert "passenger name records" in pnr.variants and "Passenger Name Records" not in pnr.variants
    assert len(merged.files_of(pnr)) == 2


def test_default_files_are_the_glossary_folder(tmp_path):
    (tmp_path / "glossary").mkdir()
    for name in ("a.yaml", "b.csv", "c.tbx", "d.es.tsv", "notes.txt"):
        (tmp_path / "glossary" / name).write_text("x")
    # every format the readers know, from one registry: a .tsv is read, so it is found too
    assert [p.name for p in default_glossary_files(tmp_path / "glossary")] == ["a.yaml", "b.csv", "c.tbx", "d.es.tsv"]


def test_spoken_variants_read_capitals_as_letters():
    assert spoken_variants("ComfyUI") == ["comfy ui", "comfy you eye"]
    assert spoken_variants("resolution 2396")[0] == "resolution twenty three ninety six"


# --- YAML --------------------------------------------------------------------------

def test_yaml_write_then_read_gives_the_same_glossary(ct):
    again = read_yaml(write_yaml(ct), "again.yaml")
    assert [c.content() for c in again] == [c.content() for c in ct]
    assert again.glossary_hash() == ct.glossary_hash()


def test_yaml_write_back_keeps_comments_and_touches_only_the_changed_line(tmp_path):
    text = (DATA / "sample.yaml").read_text(encoding="utf-8")
    assert update_yaml(text, "sample.yaml") == text  # a no-op rewrite is byte for byte the same
    new = update_yaml(text, "sample.yaml", [("pnr", "es", Translation(
        "registro de nombres de los pasajeros", "approved", "Ana Ruiz", "2024-06-01", "S/RES/2396 (2017)"))])
    old_lines, new_lines = text.splitlines(), new.splitlines()
    assert len(old_lines) == len(new_lines)
    changed = [(a, b) for a, b in zip(old_lines, new_lines) if a != b]
    assert len(changed) == 1 and "registro de nombres de los pasajeros" in changed[0][1]
    assert "# a name, never translated" in new and "# --- data ---" in new
    tr = read_yaml(new, "x.yaml").get("pnr").translations["es"]
    assert (tr.status, tr.reviewer, tr.reviewed, tr.source) == ("approved", "Ana Ruiz", "2024-06-01", "S/RES/2396 (2017)")


def test_yaml_alias_bombs_and_tags_are_refused():
    with pytest.raises(InputFileError, match=r"alias-bomb.yaml line 2: YAML aliases"):
        load_glossary(DATA / "alias-bomb.yaml")
    with pytest.raises(InputFileError, match=r"tagged.yaml line 3: YAML tag .*python/object"):
        load_glossary(DATA / "tagged.yaml")


def test_yaml_errors_name_file_and_line():
    with pytest.raises(InputFileError, match=r"broken.yaml line 6: not valid YAML"):
        load_glossary(DATA / "broken.yaml")
    with pytest.raises(InputFileError, match=r"bad.yaml line 7: concept id 'uncct' is used twice"):
        load_glossary(DATA / "bad.yaml")
    with pytest.raises(InputFileError, match=r"missing.yaml not found"):
        load_glossary(DATA / "missing.yaml")


# --- the counter-terrorism glossary ---------------------------------------------------

def test_counter_terrorism_glossary_is_large_and_translated(ct):
    assert len(ct) >= 150
    for concept in ct:
        assert set(concept.translations) >= {"es", "fr", "ar"}, concept.id
        assert concept.definition, concept.id
    for term in ("UNOCT", "UNCCT", "CTED", "CTC", "resolution 1373", "resolution 1624", "resolution 2178",
                 "resolution 2396", "resolution 2482", "Global Counter-Terrorism Strategy", "INTERPOL", "I-24/7",
                 "IOM", "MIDAS", "OSCE", "Europol", "Frontex", "ECOWAS", "Accra Initiative", "G5 Sahel", "AU",
                 "UNODC", "FATF", "GCTF", "Operation Koudanlgou", "Project HOTSPOT", "API", "PNR", "biometrics",
                 "watchlist", "SLTD", "integrated border management", "FTF", "returnees", "relocators",
                 "terror-crime nexus", "battlefield evidence", "international human rights law",
                 "international refugee law", "international humanitarian law", "rule of law", "non-refoulement",
                 "11-M", "Madrid", "Barcelona", "Cambrils", "Burkina Faso", "Ghana", "Togo", "Benin",
                 "Côte d'Ivoire", "Western Balkans", "Maria Fernández", "Kwame Mensah", "Elena Petrović",
                 "James Okoro", "Daniel Hartmann"):
        assert ct.lookup(term) is not None, term


def test_speakers_of_the_sample_script_are_in_the_glossary(ct):
    script = ROOT / "recordings" / "view-to-a-border.script.yaml"
    if not script.exists():
        pytest.skip("the sample script is not there")
    from ruamel.yaml import YAML

    speakers = YAML(typ="safe").load(script.read_text(encoding="utf-8"))["speakers"]
    for name in speakers:
        concept = ct.lookup(name)
        assert concept is not None and concept.keep, name


def test_approved_translations_cite_a_source_and_most_stay_proposed(ct):
    approved = {(c.term, lang): t for c in ct for lang, t in c.translations.items() if t.status == "approved"}
    for (term, lang), t in approved.items():
        assert t.reviewer and t.reviewed and t.source, term
    total = sum(len(c.translations) for c in ct)
    assert len(approved) < total * 0.1
    expected = {"foreign terrorist fighter": "combatiente terrorista extranjero",
                "border management": "gestión de fronteras", "biometrics": "biometría", "returnees": "retornados",
                "watchlist": "lista de vigilancia", "Passenger Name Record": "registro de nombres de los pasajeros",
                "Advance Passenger Information": "información anticipada sobre los pasajeros",
                "counter-terrorism": "lucha contra el terrorismo"}
    for term, spanish in expected.items():
        assert approved[(term, "es")].term == spanish


def test_counter_terrorism_glossary_passes_its_own_check():
    from captioner.glossary.check import check_files

    assert check_files([CT]) == []


def test_counter_terrorism_write_back_is_lossless(tmp_path):
    text = CT.read_text(encoding="utf-8")
    assert update_yaml(text, str(CT)) == text


# --- recognition biasing ------------------------------------------------------------------

def _count_words(text: str) -> int:
    return len(text.split()) * 2


def test_bias_terms_put_the_agenda_first_and_keep_the_budget(ct):
    agenda = ("A View to a Border. III. Western Balkans: the UNCCT-INTERPOL Project HOTSPOT. "
              "Speakers: Elena Petrović. Keywords: returnees, SLTD, Côte d'Ivoire.")
    terms = select_bias_terms(ct, agenda, max_tokens=30, count_tokens=_count_words)
    assert sum(_count_words(t) for t in terms) <= 30
    assert set(terms[:6]) <= {"UNCCT", "INTERPOL", "Project HOTSPOT", "Elena Petrović", "returnees", "SLTD",
                              "Côte d'Ivoire", "relocators"}
    assert "Project HOTSPOT" in terms and "Elena Petrović" in terms
    assert not any(compact(t) == compact("rule of law") for t in terms)  # ordinary words need no bias


def test_bias_terms_without_agenda_prefer_known_trouble_and_never_repeat_rare_words(ct):
    terms = select_bias_terms(ct, "", max_tokens=60)
    assert "Accra Initiative" in terms and "Operation Koudanlgou" in terms
    assert "Koudanlgou" not in terms  # already carried by Operation Koudanlgou
    assert len({compact(t) for t in terms}) == len(terms)
    assert select_bias_terms(ct, "", max_tokens=0) == []
    assert select_bias_terms(Glossary(), "anything") == []


def test_bias_terms_fill_up_from_the_recordings_own_glossary_not_the_fields():
    own = ROOT / "tests" / "data" / "webinars" / "maritime-gulf-of-guinea.glossary.csv"
    both = load_glossaries([CT, own])  # the field glossary first: shared concepts keep its entry
    agenda = ("Safe Seas: maritime security in the Gulf of Guinea. Sofia Andersen, Chinedu Eze, Isabel Moreno. "
              "Welcome: UNOCT. The Yaoundé Code of Conduct: ECOWAS, ECCAS, information sharing. "
              "Maritime domain awareness: AIS, UNODC, IMO.")
    terms = select_bias_terms(both, agenda, max_tokens=100)
    # the agenda names most of the webinar's glossary: its other terms come too, also those
    # the field glossary holds as well (World Customs Organization)
    assert {"piracy", "armed robbery at sea", "World Customs Organization"} <= set(terms)
    # it names none of the field glossary's: no guesses from it
    assert not {"Operation Koudanlgou", "relocators", "Project HOTSPOT", "Cambrils"} & set(terms)
    assert "Operation Koudanlgou" in select_bias_terms(both, "", max_tokens=100)  # no agenda: no way to tell


def test_bias_terms_for_a_one_term_glossary():
    g = read_yaml("concepts:\n  - {id: comfyui, term: ComfyUI}\n", "c.yaml")
    assert select_bias_terms(g, "") == ["ComfyUI"]


def test_load_glossaries_reads_every_format(tmp_path):
    shutil.copy(DATA / "comfyui.csv", tmp_path / "tools.csv")
    merged = load_glossaries([DATA / "sample.yaml", tmp_path / "tools.csv"])
    assert merged.lookup("ComfyUI") is not None and merged.lookup("PNR") is not None
    (tmp_path / "x.docx").write_text("x")
    with pytest.raises(InputFileError, match="unknown format"):
        load_glossaries([tmp_path / "x.docx"])

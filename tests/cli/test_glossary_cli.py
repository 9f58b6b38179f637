"""`captioner glossary review|export|import|check` through click's CliRunner, on real files."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from captioner.cli.glossary import glossary_group
from captioner.glossary.formats import load_glossary, read_yaml, write_tsv
from captioner.model import Segment, Transcript, Word, transcript_to_json

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "glossary"
CT = ROOT / "glossary" / "counter-terrorism.yaml"
SCHEMA = Path(__file__).resolve().parents[3] / "shared" / "schemas" / "tbx-basic" / "TBXcoreStructV03.rng"


def run(*args: str):
    return CliRunner().invoke(glossary_group, list(args), catch_exceptions=False)


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A project folder with glossary/sample.yaml, as a producer would have it."""
    (tmp_path / "glossary").mkdir()
    shutil.copy(DATA / "sample.yaml", tmp_path / "glossary" / "sample.yaml")
    monkeypatch.chdir(tmp_path)
    return tmp_path


# --- check -------------------------------------------------------------------------

def test_check_finds_the_planted_problems_with_file_and_line():
    result = run("check", str(DATA / "bad.yaml"), str(DATA / "bad.csv"), str(DATA / "broken.yaml"))
    assert result.exit_code == 1
    out = result.output
    bad = str(DATA / "bad.yaml")
    for expected in (
        f"{bad}:7: error: concept id 'uncct' is used twice",
        f"{bad}:10: error: sounds_like 'hot' of 'hotspot' is an ordinary English word",
        f"{bad}:14: error: 'UNCCT' of 'centre' is also 'UNCCT' of 'uncct'",
        f"{bad}:18: error: concept 'no-term' has no 'term'",
        f"{bad}:24: error: status 'aproved'",
        f"{bad}:25: error: 'reviewer' es: an approved translation needs 'reviewer' and 'reviewed'",
        f"{bad}:32: error: unknown concept field 'sound_like'",
        f"{DATA / 'bad.csv'}:1: error: column 5 'colour'",
        f"{DATA / 'bad.csv'}:3: error: 4 columns where the header has 5",
        f"{DATA / 'bad.csv'}:4: error: term 'uncct' is listed twice",
        f"{DATA / 'bad.csv'}:5: error: not valid CSV",
        f"{DATA / 'broken.yaml'}:6: error: not valid YAML",
    ):
        assert expected in out, expected
    assert "errors" in out and "in 3 files" in out


def test_check_passes_a_good_glossary_and_defaults_to_the_glossary_folder(project):
    result = run("check")
    assert result.exit_code == 0, result.output
    assert "0 errors" in result.output and "in 1 file" in result.output
    assert run("check", str(CT)).exit_code == 0


def test_check_without_glossary_files_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("check")
    assert result.exit_code == 1
    assert "no glossary files in ./glossary/" in result.output and "--glossary" in result.output


# --- export --------------------------------------------------------------------------

def test_export_tbx_to_a_file_validates(project):
    result = run("export", "--format", "tbx", "--lang", "es,fr", "-o", "out/terms.tbx")
    assert result.exit_code == 0, result.output
    doc = etree.parse(str(project / "out" / "terms.tbx"))
    schema = etree.RelaxNG(etree.parse(str(SCHEMA)))
    assert schema.validate(doc), schema.error_log
    langs = {el.get("{http://www.w3.org/XML/1998/namespace}lang") for el in doc.iter("{*}langSec")}
    assert langs == {"en", "es", "fr"}


def test_export_csv_and_tsv_to_standard_output(project):
    csv_out = run("export", "--format", "csv")
    assert csv_out.exit_code == 0
    assert csv_out.output.splitlines()[0] == "term,aliases,definition,es,ar,fr"
    tsv_out = run("export", "--format", "tsv", "--lang", "es", "--unapproved")
    assert tsv_out.exit_code == 0
    sources = [line.split("\t")[0] for line in tsv_out.output.splitlines()]
    assert sources == ["INTERPOL", "Accra Initiative", "Passenger Name Record"]  # FTF es is approved already
    both = run("export", "--format", "tsv")
    assert both.exit_code == 2 and "exactly one" in both.output


# --- import --------------------------------------------------------------------------------

def test_import_tsv_approves_reviewed_translations_and_keeps_comments(project):
    reviewed = project / "reviewed.es.tsv"
    # Accra: marked approved, text as it was; PNR: text changed by the reviewer, no status given
    reviewed.write_text("Accra Initiative\tIniciativa de Accra\tstatus: approved\n"
                        "PNR\tregistro de nombres de los pasajeros\tnote: S/RES/2396 Spanish text\n"
                        "Operation Sanké\tOperación Sanké\t\n", encoding="utf-8")
    result = run("import", str(reviewed), "--reviewer", "Ana Ruiz")
    assert result.exit_code == 0, result.output
    assert "set 2 translations (2 approved, 0 proposed, 0 deprecated), 0 unchanged" in result.output
    assert "'Operation Sanké' is not in the glossary" in result.output
    text = (project / "glossary" / "sample.yaml").read_text(encoding="utf-8")
    assert "# a name, never translated" in text and "# --- data ---" in text
    g = read_yaml(text, "sample.yaml")
    accra = g.get("accra-initiative").translations["es"]
    assert (accra.term, accra.status, accra.reviewer) == ("Iniciativa de Accra", "approved", "Ana Ruiz")
    pnr = g.get("pnr").translations["es"]
    assert pnr.term == "registro de nombres de los pasajeros" and pnr.status == "approved"
    assert pnr.note == "S/RES/2396 Spanish text" and len(pnr.reviewed) == 10
    assert not list((project / "glossary").glob(".*.tmp"))


def test_import_reports_conflicts_and_writes_nothing_unless_forced(project):
    before = (project / "glossary" / "sample.yaml").read_bytes()
    reviewed = project / "reviewed.es.tsv"
    reviewed.write_text("foreign terrorist fighter\tcombatiente extranjero\t\n"
                        "Accra Initiative\tIniciativa de Accra\t\n", encoding="utf-8")
    result = run("import", str(reviewed), "--reviewer", "Luis Gómez")
    assert result.exit_code == 1
    assert ("conflict: foreign terrorist fighter (es): approved 'combatiente terrorista extranjero', "
            in result.output)
    assert "nothing written" in result.output and "--force" in result.output
    assert (project / "glossary" / "sample.yaml").read_bytes() == before
    forced = run("import", str(reviewed), "--reviewer", "Luis Gómez", "--force")
    assert forced.exit_code == 0, forced.output
    g = load_glossary(project / "glossary" / "sample.yaml")
    assert g.get("ftf").translations["es"].term == "combatiente extranjero"
    assert g.get("ftf").translations["es"].reviewer == "Luis Gómez"


def test_import_needs_to_know_the_reviewer_and_dry_run_writes_nothing(project):
    before = (project / "glossary" / "sample.yaml").read_bytes()
    reviewed = project / "reviewed.es.tsv"
    reviewed.write_text("Accra Initiative\tla Iniciativa de Accra\t\n", encoding="utf-8")
    result = run("import", str(reviewed))
    assert result.exit_code == 1 and "--reviewer" in result.output
    dry = run("import", str(reviewed), "--reviewer", "Ana Ruiz", "--dry-run")
    assert dry.exit_code == 0 and "would set 1 translation (1 approved" in dry.output
    assert (project / "glossary" / "sample.yaml").read_bytes() == before


def test_translators_loop_through_tbx(project):
    """Export what needs review, let a translator edit the TBX, import it, review again."""
    assert run("export", "--format", "tbx", "--lang", "fr", "--unapproved", "-o", "fr.tbx").exit_code == 0
    text = (project / "fr.tbx").read_text(encoding="utf-8")
    text = text.replace("<term>Initiative d'Accra</term>", "<term>Initiative d’Accra</term>")
    text = text.replace("deprecatedTerm-admn-sts", "preferredTerm-admn-sts")  # the translator accepts it
    (project / "fr.tbx").write_text(text, encoding="utf-8")
    result = run("import", "fr.tbx", "--reviewer", "Claire Martin", "--lang", "fr")
    assert result.exit_code == 0, result.output
    g = load_glossary(project / "glossary" / "sample.yaml")
    assert g.get("accra-initiative").translations["fr"].term == "Initiative d’Accra"
    assert g.get("accra-initiative").translations["fr"].status == "approved"
    # the translator neither changed nor marked the proposed FTF rendering: it is not approved
    assert g.get("ftf").translations["fr"].status == "proposed"
    assert g.get("ftf").translations["es"].reviewer == "Ana Ruiz"  # other languages untouched
    review = run("review", "--lang", "fr", "--json")
    pending = {item["id"] for item in json.loads(review.output)["pending"]}
    assert pending == {"interpol", "pnr", "ftf"}
    assert run("import", "fr.tbx", "--reviewer", "Claire Martin", "--lang", "fr", "--approve-all").exit_code == 0
    assert load_glossary(project / "glossary" / "sample.yaml").get("ftf").translations["fr"].status == "approved"


# --- review ----------------------------------------------------------------------------------

def _write_transcript(folder: Path, sentences: list[tuple[float, str]]) -> None:
    segments = []
    for start, sentence in sentences:
        words = [Word(text=t, start=start + i * 0.5, end=start + i * 0.5 + 0.4) for i, t in enumerate(sentence.split())]
        segments.append(Segment(start=words[0].start, end=words[-1].end, text=sentence, words=words))
    folder.mkdir(parents=True)
    (folder / "transcript.json").write_text(transcript_to_json(
        Transcript(language="en", duration=4000, segments=segments)), encoding="utf-8")


def test_review_lists_unapproved_concepts_by_frequency_with_context(project):
    _write_transcript(project / "transcripts" / "webinar-1", [
        (61.0, "Airlines send PNR data before departure."),
        (3725.5, "Every Passenger Name Record is kept for five years, says the Accra Initiative."),
        (3731.0, "Foreign terrorist fighters are checked."),
    ])
    _write_transcript(project / "transcripts" / "webinar-2", [(5.0, "The PNR rules apply.")])
    result = run("review", "--lang", "es")
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.startswith("3 of 4 concepts have no approved 'es' translation (2 transcripts searched")
    assert "foreign terrorist fighter" not in out  # approved in Spanish
    pnr_at = out.index("Passenger Name Record (PNR)")
    assert pnr_at < out.index("Accra Initiative") < out.index("INTERPOL")  # most frequent first
    assert "es: Registro de nombres de los pasajeros [proposed]" in out
    assert "3 occurrences" in out
    # the time is where the term is said: the third word of a sentence starting at 61 s
    assert "webinar-1 1:02  Airlines send PNR data before departure." in out
    assert "webinar-1 1:02:06  Every Passenger Name Record is kept for five years, says the Accra Initiative." in out
    assert "webinar-2 0:05  The PNR rules apply." in out
    assert "0 occurrences" in out  # INTERPOL: listed, not found


def test_review_json_and_missing_transcripts_folder(project):
    result = run("review", "--lang", "ar", "--json", "--transcripts", "nowhere")
    data = json.loads(result.output)
    assert data["recordings"] == 0
    by_id = {item["id"]: item for item in data["pending"]}
    assert by_id["interpol"]["status"] == "proposed" and by_id["interpol"]["translation"] == "الإنتربول"
    assert by_id["ftf"]["status"] == "missing"


def test_round_trip_of_the_full_glossary_through_tsv_import(tmp_path, monkeypatch):
    """Exported Spanish TSV of the real glossary imports back onto itself without a conflict."""
    (tmp_path / "glossary").mkdir()
    shutil.copy(CT, tmp_path / "glossary" / CT.name)
    monkeypatch.chdir(tmp_path)
    glossary = load_glossary(CT)
    (tmp_path / "es.tsv").write_text(write_tsv(glossary, "es"), encoding="utf-8")
    result = run("import", "es.tsv", "--lang", "es", "--reviewer", "Ana Ruiz", "--dry-run")
    assert result.exit_code == 0, result.output
    translated = sum(1 for c in glossary if "es" in c.translations)
    assert f"would set 0 translations (0 approved, 0 proposed, 0 deprecated), {translated} unchanged" in result.output
    # one row changed by the reviewer: one approval, not every translation in the file
    lines = (tmp_path / "es.tsv").read_text(encoding="utf-8").splitlines()
    row = next(k for k, line in enumerate(lines) if "status: proposed" in line)
    source, target, comment = lines[row].split("\t")
    lines[row] = "\t".join((source, target + " (revisado)", comment))
    (tmp_path / "es.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    one = run("import", "es.tsv", "--lang", "es", "--reviewer", "Ana Ruiz")
    assert one.exit_code == 0, one.output
    assert f"set 1 translation (1 approved, 0 proposed, 0 deprecated), {translated - 1} unchanged" in one.output
    after = load_glossary(tmp_path / "glossary" / CT.name)
    assert sum(1 for c in after if c.approved("es")) == sum(1 for c in glossary if c.approved("es")) + 1
    everything = run("import", "es.tsv", "--lang", "es", "--reviewer", "Ana Ruiz", "--approve-all", "--dry-run")
    pending = sum(1 for c in after if "es" in c.translations and not c.approved("es")
                  and c.translations["es"].status != "deprecated")
    assert f"would set {pending} translations ({pending} approved" in everything.output


def test_a_listing_into_a_closed_pipe_ends_quietly():
    # `captioner glossary review | head` ended in "internal error BrokenPipeError ... please report it"
    import os
    import subprocess
    import sys

    read, write = os.pipe()
    os.close(read)  # the reader is gone before the first line is written
    try:
        done = subprocess.run([sys.executable, "-m", "captioner.cli.main", "glossary", "review", "--lang", "es"],
                              cwd=Path(__file__).resolve().parents[2], stdout=write, stderr=subprocess.PIPE,
                              text=True, timeout=300)
    finally:
        os.close(write)
    assert done.stderr == "" and done.returncode == 1


def test_languages_is_the_same_flag_as_run_takes():
    # `run --languages es,fr` and `glossary export --lang es,fr` named the same thing twice
    ct = str(Path(__file__).resolve().parents[2] / "glossary" / "counter-terrorism.yaml")
    runner = CliRunner()
    long = runner.invoke(glossary_group, ["export", "--format", "csv", "--languages", "es,fr", "-g", ct])
    short = runner.invoke(glossary_group, ["export", "--format", "csv", "--lang", "es,fr", "-g", ct])
    assert long.exit_code == 0 and long.output == short.output
    assert long.output.splitlines()[0] == "term,aliases,definition,es,fr"

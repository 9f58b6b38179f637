"""XLIFF 2.0 review loop: export, read back with translate-toolkit, edit, import."""
from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner
from lxml import etree

from captioner.cli.languages import review
from captioner.errors import InputFileError
from captioner.formats.srt import read_srt
from captioner.formats.vtt import read_vtt
from captioner.formats.xliff import MDA_NS, XLIFF_NS, read_xliff
from captioner.translate.apertium import ApertiumEngine
from captioner.translate.review import load_reviewed, store_units
from captioner.translate.review_xliff import export_review, import_review
from captioner.translate.stage import translate_track
from tests.support.translate import domain_glossary, sample_source_track

pytestmark = pytest.mark.skipif(
    shutil.which("apertium") is None or ("en", "es") not in ApertiumEngine().pairs(),
    reason="needs Debian apertium and apertium-eng-spa",
)
X = f"{{{XLIFF_NS}}}"


@pytest.fixture(scope="module")
def translated():
    source, boundaries = sample_source_track()
    track, report = translate_track(source, "es", "apertium", domain_glossary(), boundaries)
    return source, boundaries, track, report


@pytest.fixture
def recording(tmp_path, translated):
    """An output folder as the pipeline leaves it: units saved beside the subtitles."""
    source, boundaries, track, report = translated
    folder = tmp_path / "out" / "view-to-a-border"
    store_units(folder, "view-to-a-border", dict(report))
    return folder


@pytest.mark.mt
def test_export_is_xliff_2_that_translate_toolkit_reads_back(recording, translated):
    from translate.storage.xliff2 import Xliff2File

    report = translated[3]
    data = export_review(recording, "view-to-a-border", "es")
    root = etree.fromstring(data)
    assert root.tag == X + "xliff" and root.get("version") == "2.0"
    assert (root.get("srcLang"), root.get("trgLang")) == ("en", "es")
    units = root.findall(f"{X}file/{X}unit")
    assert len(units) == len(report["units"])
    assert len({u.get("id") for u in units}) == len(units)
    for unit in units:  # core schema order: module elements, notes, then segments
        children = [etree.QName(c).namespace for c in unit]
        assert children[0] == MDA_NS and etree.QName(unit[1]).localname == "notes"
        assert all(etree.QName(c).localname == "segment" for c in unit[2:])
        categories = {n.get("category") for n in unit.iter(X + "note")}
        assert {"time", "source-cue", "machine-translation"} <= categories

    store = Xliff2File.parsestring(data)
    assert store.getsourcelanguage() == "en" and store.gettargetlanguage() == "es"
    assert [u.source for u in store.units] == [u["source"] for u in report["units"]]
    assert [u.target for u in store.units] == [u["text"] for u in report["units"]]
    glossary_notes = [n.text for n in root.iter(X + "note") if n.get("category") == "glossary"]
    assert any("= combatientes terroristas extranjeros (approved)" in n for n in glossary_notes)


@pytest.mark.mt
def test_review_round_trip_changes_exactly_the_edited_cues(recording, translated, tmp_path):
    source, boundaries, track, report = translated
    root = etree.fromstring(export_review(recording, "view-to-a-border", "es"))
    units = root.findall(f"{X}file/{X}unit")
    edited = {"u3": "Texto revisado número tres.", "u7": "Otra frase revisada, la séptima."}
    for unit in units:
        if unit.get("id") in edited:
            segment = unit.find(X + "segment")
            segment.find(X + "target").text = edited[unit.get("id")]
            segment.set("state", "reviewed")
    result = import_review(etree.tostring(root), tmp_path / "out", reviewer="Ana")
    assert sorted(result.changed) == ["u3", "u7"] and not result.unknown and not result.confirmed

    spans = {f"u{n}": (u["start"], u["end"]) for n, u in enumerate(report["units"], start=1)}
    margin = 0.5  # a translation may linger this long after its sentence

    def touched(cue) -> bool:
        return any(cue.start < end + margin and start < cue.end for start, end in (spans[k] for k in edited))

    before = [(c.start, c.end, c.lines) for c in track.cues if not touched(c)]
    after = [(c.start, c.end, c.lines) for c in result.track.cues if not touched(c)]
    assert before == after  # every cue away from the edits is exactly as it was
    rebuilt_text = " ".join(c.text for c in result.track.cues)
    assert all(text in rebuilt_text for text in edited.values())
    assert [c.text for c in track.cues if touched(c)] != [c.text for c in result.track.cues if touched(c)]

    reviewed = load_reviewed(recording, "es")
    assert sorted(r.text for r in reviewed) == sorted(edited.values()) and {r.reviewer for r in reviewed} == {"Ana"}

    # A later machine-translation run keeps the reviewed texts: same cues as the import made.
    again, again_report = translate_track(source, "es", "apertium", domain_glossary(), boundaries, reviewed=reviewed)
    assert again_report["reviewed_applied"] == 2
    assert [(c.start, c.end, c.lines) for c in again.cues] == [(c.start, c.end, c.lines) for c in result.track.cues]

    # Importing the same file again changes nothing more.
    assert import_review(etree.tostring(root), tmp_path / "out").changed == []


@pytest.mark.speech_model
@pytest.mark.mt
def test_review_cli_exports_and_imports(sample_out, tmp_path):
    # a real run's folder (English and Spanish); the import rebuilds every Spanish file and the page:
    # it rewrote the .srt and .vtt only, leaving es.txt and index.html with the machine translation
    runner = CliRunner()
    out = tmp_path / "out"
    recording = out / sample_out.stem
    shutil.copytree(sample_out.folder, recording)
    exported = runner.invoke(review, ["export", "--lang", "es", "--out", str(out)])
    assert exported.exit_code == 0, (exported.output, exported.exception)
    xlf = recording / "review" / "view-to-a-border.es.xlf"
    assert exported.output.strip() == str(xlf) and xlf.exists()

    document = read_xliff(xlf.read_bytes())
    reviewed = "Buenas tardes y bienvenidos a todos."
    text = xlf.read_text(encoding="utf-8").replace(
        f"<target>{document.units[0].target}</target>", f"<target>{reviewed}</target>", 1)
    xlf.write_text(text, encoding="utf-8")
    imported = runner.invoke(review, ["import", str(xlf), "--out", str(out)])
    assert imported.exit_code == 0, (imported.output, imported.exception)
    assert "1 unit(s) changed: u1" in imported.output
    cues = read_srt((recording / "view-to-a-border.es.srt").read_text(encoding="utf-8"))
    assert cues and reviewed in " ".join(c.text for c in cues)
    vtt = read_vtt((recording / "view-to-a-border.es.vtt").read_text(encoding="utf-8"))
    assert reviewed in " ".join(c.text for c in vtt)
    txt = " ".join((recording / "view-to-a-border.es.txt").read_text(encoding="utf-8").split())
    assert reviewed in txt and " ".join(document.units[0].target.split()) not in txt

    missing = runner.invoke(review, ["export", "--lang", "fr", "--out", str(out)])
    assert missing.exit_code != 0 and "no recording" in str(missing.exception)


def test_bad_xliff_is_a_one_line_error(tmp_path):
    with pytest.raises(InputFileError, match="line 1: not well-formed XML"):
        read_xliff(b"<xliff", "bad.xlf")
    with pytest.raises(InputFileError, match="not an XLIFF 2 file"):
        read_xliff(b'<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" version="1.2"/>', "old.xlf")
    with pytest.raises(InputFileError, match="has no folder"):
        import_review(b'<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="en" '
                      b'trgLang="es"><file id="f1" original="nowhere"/></xliff>', tmp_path)


def test_an_xliff_with_a_doctype_is_refused_before_any_entity_reaches_the_subtitles(recording, tmp_path):
    # an internal DTD's entity came through as the literal text "&xxe;" in es.srt
    exported = export_review(recording, "view-to-a-border", "es")
    head, body = exported.split(b"?>", 1)
    hostile = head + b'?>\n<!DOCTYPE xliff [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>' + \
        body.replace(b"<target>", b"<target>&xxe; ", 1)
    before = {p.name: p.read_bytes() for p in recording.rglob("*") if p.is_file()}
    with pytest.raises(InputFileError, match="DOCTYPE declarations are not allowed in an XLIFF file"):
        import_review(hostile, recording.parent)
    path = tmp_path / "es.xlf"
    path.write_bytes(hostile)
    result = CliRunner().invoke(review, ["import", str(path), "--out", str(recording.parent)])
    assert result.exit_code != 0 and "DOCTYPE" in result.output + str(result.exception)
    assert {p.name: p.read_bytes() for p in recording.rglob("*") if p.is_file()} == before

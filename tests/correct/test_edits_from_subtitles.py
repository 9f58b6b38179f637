"""Corrections made in any subtitle editor, taken back for good: `captioner edit STEM --from FILE`."""
from __future__ import annotations

import datetime
import json
import shutil

import pytest
import srt
import yaml
from click.testing import CliRunner

from captioner.cli.main import main
from captioner.correct.edits import Edits, WordEdit, apply_edits, load_edits
from captioner.model import Segment, Transcript, Word
from captioner.pipeline.run import RunOptions, run_one
from tests.support.paths import SAMPLE

NEW_WORDS = ("Helsinki", "Tampere", "Turku")


def _transcript(text: str) -> Transcript:
    words = [Word(w, i * 0.5, i * 0.5 + 0.4) for i, w in enumerate(text.split())]
    return Transcript(language="en", duration=len(words) * 0.5, segments=[Segment(0, words[-1].end, text, words)])


def test_an_edit_is_found_again_by_its_words_near_its_time_or_reported():
    transcript = _transcript("welcome to a Muta border, a webinar series of the office")
    edits = Edits(words=[WordEdit(1.0, 2.4, "a Muta border,", "A View to a Border,", "welcome to", "a webinar"),
                         WordEdit(30.0, 31.0, "nowhere", "somewhere")])
    outcome = apply_edits(transcript, edits)
    assert transcript.text == "welcome to A View to a Border, a webinar series of the office"
    words = transcript.words
    assert words[2].start == pytest.approx(1.0) and words[6].end == pytest.approx(2.4)  # the span they replace
    assert all(a.end <= b.start + 1e-6 for a, b in zip(words, words[1:]))
    assert outcome.applied == 1 and outcome.not_placed == [
        "0:30 'nowhere' -> 'somewhere': neither those words nor the words around them are there any more"]
    again = apply_edits(transcript, edits)  # recognition that already gets it right
    assert again.applied == 0 and again.already == 1


@pytest.mark.speech_model
@pytest.mark.mt
def test_an_srt_corrected_by_hand_reaches_every_output_and_outlives_a_rerun(sample_out, tmp_path):
    recordings, out = tmp_path / "recordings", tmp_path / "transcripts"
    recordings.mkdir()
    media = recordings / SAMPLE.name
    shutil.copy(SAMPLE, media)
    shutil.copy(SAMPLE.with_name(SAMPLE.stem + ".agenda.yaml"), recordings)
    stem = sample_out.stem
    shutil.copytree(sample_out.folder, out / stem)  # its cache: recognition is not repeated

    cues = list(srt.parse((out / stem / f"{stem}.en.srt").read_text(encoding="utf-8")))
    changed = []
    for cue, new in zip((cues[3], cues[9], cues[15]), NEW_WORDS):
        lines = cue.content.split("\n")
        words = lines[-1].split()
        changed.append((words[-2], new))
        words[-2] = new  # one word of each of three cues, as a producer would fix a mishearing
        lines[-1] = " ".join(words)
        cue.content = "\n".join(lines)
    moved = cues[20]
    moved.start += datetime.timedelta(seconds=0.6)
    moved.end += datetime.timedelta(seconds=0.6)
    corrected = tmp_path / "corrected.srt"
    corrected.write_text(srt.compose(cues), encoding="utf-8")

    result = CliRunner().invoke(main, ["edit", stem, "--from", str(corrected), "--out", str(out), "--media", str(media)])
    assert result.exit_code == 0, (result.output, result.exception)
    assert "3 word edit(s) and 1 re-timed cue(s)" in result.output and "not placed 0" in result.output
    edits_file = recordings / f"{SAMPLE.stem}.edits.yaml"
    recorded = yaml.safe_load(edits_file.read_text(encoding="utf-8"))
    assert [(e["said"].strip(",."), e["correct"].strip(",.")) for e in recorded["words"]] == \
        [(a.strip(",."), b) for a, b in changed]
    assert len(recorded["timing"]) == 1 and load_edits(edits_file).timing[0].start == pytest.approx(
        moved.start.total_seconds(), abs=0.002)

    def check_outputs():
        folder = out / stem
        for name in (f"{stem}.en.srt", f"{stem}.en.vtt", f"{stem}.en.txt", f"{stem}.es.srt", f"{stem}.es.vtt",
                     f"{stem}.es.txt", "index.html", "transcript.json"):
            text = (folder / name).read_text(encoding="utf-8")
            for new in NEW_WORDS:
                assert new in text, (name, new)
        words = json.loads((folder / "transcript.json").read_text(encoding="utf-8"))["segments"]
        timed = [w for s in words for w in s["words"]]
        first = moved.content.split("\n")[-1].split()[0].strip(",.")
        inside = [w for w in timed if moved.start.total_seconds() - 0.01 <= w["start"]
                  and w["end"] <= moved.end.total_seconds() + 0.01]
        assert inside and any(w["text"].strip(",.") == first for w in inside)  # the producer's timing

    check_outputs()
    rerun = run_one(media, RunOptions(out_dir=out, languages=["es"]))  # a later run re-applies every edit
    assert rerun.report["edits"]["not_placed"] == [] and rerun.report["edits"]["applied"] == 4
    check_outputs()


@pytest.mark.speech_model
def test_edits_made_on_one_model_are_found_again_on_another(sample_out, tmp_path):
    # the same edits file, a run with tiny.en: its words differ, yet each edit lands or is reported
    recordings = tmp_path / "recordings"
    recordings.mkdir()
    media = recordings / SAMPLE.name
    shutil.copy(SAMPLE, media)
    words = sample_out.transcript.words
    picks = [words[k] for k in (12, 40, 80)]
    (recordings / f"{SAMPLE.stem}.edits.yaml").write_text(yaml.safe_dump({"words": [
        {"start": w.start, "end": w.end, "said": w.text, "correct": new, "before": "", "after": ""}
        for w, new in zip(picks, NEW_WORDS)]}), encoding="utf-8")
    options = RunOptions(out_dir=tmp_path / "out", replay=False)
    options.asr.model = "tiny.en"
    result = run_one(media, options)
    outcome = result.report["edits"]
    assert outcome["applied"] + outcome["already_right"] + len(outcome["not_placed"]) == 3
    text = (tmp_path / "out" / SAMPLE.stem / f"{SAMPLE.stem}.en.srt").read_text(encoding="utf-8")
    assert sum(new in text for new in NEW_WORDS) == outcome["applied"] >= 2, outcome


def test_a_speaker_edit_gives_its_span_to_the_producers_name(tmp_path):
    from captioner.correct.edits import SpeakerEdit, apply_speaker_edits, save_edits

    transcript = _transcript("thank you Maria over to you Kwame")
    for w in transcript.words:
        w.speaker = "Speaker 1"
    edits = Edits(speakers=[SpeakerEdit(1.5, 3.4, "Kwame Mensah")])
    assert apply_speaker_edits(transcript.words, edits) == 4
    assert [w.speaker for w in transcript.words] == ["Speaker 1"] * 3 + ["Kwame Mensah"] * 4
    save_edits(tmp_path / "x.edits.yaml", edits, "x")
    assert load_edits(tmp_path / "x.edits.yaml").speakers == edits.speakers

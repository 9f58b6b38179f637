import json
from pathlib import Path

import pysrt
import pytest
from click.testing import CliRunner

from captioner.cli.captions import captions_command, language_from_name, qc_command
from captioner.cli.main import main
from captioner.formats.vtt import read_vtt
from captioner.model import Chapter, MediaInfo, Segment, Transcript, Word, to_dict, transcript_to_json
from tests.support.captions import WEBINAR_TEXT, timed_words

DATA = Path(__file__).resolve().parents[1] / "data" / "captions"


def make_transcript(folder: Path, media: str | None = None) -> Path:
    jfk = [Word(**w) for w in json.loads((DATA / "jfk.words.json").read_text())]
    rest = timed_words(WEBINAR_TEXT, start=jfk[-1].end + 2.0)
    t = Transcript(
        language="en",
        duration=rest[-1].end + 1,
        segments=[Segment(0, jfk[-1].end, "", jfk), Segment(rest[0].start, rest[-1].end, WEBINAR_TEXT, rest)],
        chapters=[Chapter("Opening", 0, rest[0].start), Chapter("The webinar", rest[0].start, rest[-1].end)],
        media=MediaInfo(path=media, sha256="0" * 64, duration=rest[-1].end + 1) if media else None,
    )
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "transcript.json"
    path.write_text(transcript_to_json(t), encoding="utf-8")
    return path


def test_captions_writes_srt_vtt_and_text_that_pass_qc(tmp_path):
    path = make_transcript(tmp_path / "webinar")
    result = CliRunner().invoke(captions_command, [str(path)])
    assert result.exit_code == 0, result.output
    outputs = [tmp_path / "webinar" / f"webinar.en.{ext}" for ext in ("srt", "vtt", "txt")]
    assert all(p.exists() for p in outputs)
    assert "0 breaking a rule" in result.output
    srt_cues = pysrt.open(str(outputs[0]))
    vtt_cues = read_vtt(outputs[1].read_text(encoding="utf-8"))
    assert len(srt_cues) == len(vtt_cues) > 5
    assert vtt_cues[0].text == "And so, my fellow Americans"
    text = outputs[2].read_text(encoding="utf-8")
    assert text.startswith("Opening [00:00:00]\n\nAnd so, my fellow Americans")
    assert "The webinar [00:00:12]" in text
    qc = CliRunner().invoke(qc_command, [str(outputs[0]), str(outputs[1])])
    assert qc.exit_code == 0, qc.output


def test_captions_options_and_stem_from_media(tmp_path):
    path = make_transcript(tmp_path / "t", media="/recordings/view-to-a-border.mp3")
    out = tmp_path / "out"
    result = CliRunner().invoke(captions_command, [str(path), "--out", str(out), "--max-chars", "30",
                                                   "--max-lines", "1"])
    assert result.exit_code == 0, result.output
    cues = read_vtt((out / "view-to-a-border.en.vtt").read_text(encoding="utf-8"))
    assert all(len(c.lines) == 1 and len(c.lines[0]) <= 30 for c in cues)
    qc = CliRunner().invoke(qc_command, [str(out / "view-to-a-border.en.srt"), "--max-chars", "30", "--max-lines", "1"])
    assert qc.exit_code == 0, qc.output


def test_captions_bad_input_is_one_clean_line(tmp_path):
    runner = CliRunner()
    not_json = tmp_path / "transcript.json"
    not_json.write_text("{not json", encoding="utf-8")
    wrong = tmp_path / "other.json"
    wrong.write_text(json.dumps({"segments": []}), encoding="utf-8")
    for path in (tmp_path / "missing.json", not_json, wrong, tmp_path):
        result = runner.invoke(main, ["captions", str(path)])
        assert result.exit_code == 1, (path, result.output)
        lines = [line for line in result.output.splitlines() if line.strip()]
        # the one error path every command shares ("Error: " from this command alone before)
        assert len(lines) == 1 and lines[0].startswith("error: "), result.output
        assert "internal error" not in lines[0]
    assert not list(tmp_path.glob("*.srt"))


def test_empty_transcript_gives_empty_valid_files_and_a_warning(tmp_path):
    path = tmp_path / "silence" / "transcript.json"
    path.parent.mkdir()
    path.write_text(json.dumps(to_dict(Transcript(language="en", duration=30.0))), encoding="utf-8")
    result = CliRunner().invoke(captions_command, [str(path)])
    assert result.exit_code == 0
    assert "no words" in result.output
    assert (tmp_path / "silence" / "silence.en.vtt").read_text() == "WEBVTT\n"
    assert (tmp_path / "silence" / "silence.en.srt").read_text() == ""


def test_language_from_name():
    assert language_from_name(Path("talk.es.srt")) == "es"
    assert language_from_name(Path("talk.zh-Hant.vtt")) == "zh-Hant"
    assert language_from_name(Path("talk.srt")) is None
    assert language_from_name(Path("talk.final.srt")) is None


def test_a_full_disk_or_a_read_only_folder_is_one_line_saying_what_to_do(tmp_path):
    # both gave "internal error OSError ... please report it"
    import subprocess

    import pytest

    path = make_transcript(tmp_path / "webinar")
    for options, problem, advice in (("size=16k", "No space left on device", "free some space"),
                                     ("ro", "Read-only file system", "that file system is read-only")):
        mount = tmp_path / f"mount-{len(options)}"
        mount.mkdir()
        if subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(mount)], capture_output=True).returncode:
            pytest.skip("this test mounts a small or read-only file system, which needs root")
        try:
            if options != "ro":  # fill it
                (mount / "out").mkdir()
                with open(mount / "filler", "wb", buffering=0) as filler:
                    try:
                        while True:
                            filler.write(b"0" * 4096)
                    except OSError:
                        pass
            result = CliRunner().invoke(main, ["captions", str(path), "--out", str(mount / "out")])
        finally:
            subprocess.run(["umount", str(mount)], check=True)
        lines = result.output.strip().splitlines()
        assert result.exit_code == 1 and len(lines) == 1, result.output
        assert lines[0].startswith("error: cannot write") and problem in lines[0] and advice in lines[0], lines
        assert "internal error" not in result.output


@pytest.mark.speech_model
@pytest.mark.mt
def test_captions_writes_the_same_files_as_the_run_that_made_the_transcript(sample_out, tmp_path):
    """`captions` and `run` write a language's files with one writer (pipeline.write_language_files),
    so the same transcript gives the same bytes whichever command wrote them."""
    folder = sample_out.folder
    result = CliRunner().invoke(captions_command, [str(folder / "transcript.json"), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    for ext in ("srt", "vtt", "txt"):
        name = f"{sample_out.stem}.en.{ext}"
        assert (tmp_path / name).read_bytes() == (folder / name).read_bytes(), name

"""`captioner batch`: sequential, process-parallel and Dask runs give the same outputs."""
from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from captioner.asr.recognize import DRAFT_MODEL, AsrOptions
from captioner.cli.main import main
from captioner.pipeline.batch import find_recordings, run_batch
from captioner.pipeline.run import RunOptions
from tests.support.paths import ROOT, real

GLOSSARY = ROOT / "tests" / "data" / "glossary" / "comfyui.csv"


@pytest.fixture(scope="module")
def three_recordings(tmp_path_factory):
    folder = tmp_path_factory.mktemp("recordings")
    for name in ("jfk.flac", "hotwords.mp3", "stereo_diarization.wav"):
        shutil.copy(real(name), folder / name)
    return folder


def options_for(out) -> RunOptions:
    # the default thread counts: a batch job decodes as a run alone does (captioner/threads.py)
    return RunOptions(out_dir=out, asr=AsrOptions(model=DRAFT_MODEL), glossary_paths=[GLOSSARY], replay=False)


def published_files(folder) -> dict[str, str]:
    """Every caption and transcript text a run publishes, by relative path."""
    files = {}
    for path in sorted(folder.rglob("*")):
        if path.suffix in (".srt", ".vtt", ".txt") and ".cache" not in path.parts:
            files[str(path.relative_to(folder))] = path.read_text(encoding="utf-8")
        elif path.name == "transcript.json":
            data = json.loads(path.read_text(encoding="utf-8"))
            files[str(path.relative_to(folder))] = json.dumps(data["segments"])
    return files


@pytest.fixture(scope="module")
def sequential_out(three_recordings, tmp_path_factory):
    out = tmp_path_factory.mktemp("sequential")
    rows = run_batch(find_recordings(three_recordings), options_for(out), jobs=1)
    assert [r["status"] for r in rows] == ["ok", "ok", "ok"]
    return out


@pytest.mark.speech_model
def test_dask_local_cluster_gives_the_same_outputs(three_recordings, sequential_out, tmp_path):
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        rows = run_batch(find_recordings(three_recordings), options_for(tmp_path), scheduler=cluster.scheduler_address)
    assert [r["recording"] for r in rows] == ["hotwords.mp3", "jfk.flac", "stereo_diarization.wav"]
    assert all(r["status"] == "ok" for r in rows), rows
    expected = published_files(sequential_out)
    assert len(expected) >= 12
    assert published_files(tmp_path) == expected
    hotwords = (tmp_path / "hotwords" / "hotwords.en.txt").read_text(encoding="utf-8")
    assert "ComfyUI" in hotwords


@pytest.mark.speech_model
def test_local_jobs_give_the_same_outputs_and_one_failure_does_not_stop_the_rest(three_recordings, sequential_out, tmp_path):
    folder = tmp_path / "in"
    shutil.copytree(three_recordings, folder)
    (folder / "broken.mp3").write_bytes(b"this is not audio\n" * 50)
    out = tmp_path / "out"
    args = ["batch", str(folder), "--out", str(out), "--jobs", "2", "--model", DRAFT_MODEL, "--glossary", str(GLOSSARY),
            "--no-replay", "--quiet"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1
    assert "1 recording(s) failed" in result.stderr
    report = json.loads((out / "batch-report.json").read_text(encoding="utf-8"))
    status = {item["recording"]: item["status"] for item in report["items"]}
    assert status == {"broken.mp3": "failed", "hotwords.mp3": "ok", "jfk.flac": "ok", "stereo_diarization.wav": "ok"}
    broken = next(i for i in report["items"] if i["recording"] == "broken.mp3")
    assert "not an audio or video file" in broken["error"]
    assert "FAILED" in result.output and "jfk.flac" in result.output
    assert published_files(out) == published_files(sequential_out)


def test_batch_of_an_empty_folder_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(main, ["batch", str(tmp_path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "no recordings found" in result.stderr

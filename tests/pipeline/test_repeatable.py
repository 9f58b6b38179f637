"""The same inputs give the same bytes: a run, a run killed with SIGKILL and run again, a `--jobs 2` batch."""
from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.paths import ROOT, SAMPLE, real

pytestmark = pytest.mark.speech_model

CAPTIONER = str(Path(sys.executable).with_name("captioner"))
TIMINGS = {"report.json": ("stages", "seconds_total"), "transcript.json": ("timings",)}


def published(folder: Path) -> dict[str, bytes]:
    """Every file a run publishes, by name; run times taken out of the two that hold them."""
    files = {}
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or ".cache" in path.parts or path.name == ".lock":
            continue
        data = path.read_bytes()
        if path.name in TIMINGS:
            document = json.loads(data)
            for key in TIMINGS[path.name]:
                document.pop(key, None)
            data = json.dumps(document, ensure_ascii=False, sort_keys=True).encode()
        files[str(path.relative_to(folder))] = data
    return files


def killed_once_recognised(command: list[str], stage_file: Path) -> None:
    """Start a run and kill it (SIGKILL) as soon as its recognition stage is stored."""
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 600
    while not stage_file.exists():
        assert process.poll() is None and time.monotonic() < deadline, "the run ended before recognition was stored"
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()


def test_a_run_a_killed_and_resumed_run_and_a_batch_of_the_sample_write_the_same_bytes(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    for source in (SAMPLE, SAMPLE.with_name(SAMPLE.stem + ".agenda.yaml"), real("jfk.flac")):
        shutil.copy(source, inputs / source.name)
    media = str(inputs / SAMPLE.name)
    run = [CAPTIONER, "run", media, "--quiet", "--out"]
    subprocess.run(run + [str(tmp_path / "first")], cwd=ROOT, check=True, capture_output=True)
    killed_once_recognised(run + [str(tmp_path / "resumed")], tmp_path / "resumed" / SAMPLE.stem / ".cache" / "asr.json")
    subprocess.run(run + [str(tmp_path / "resumed")], cwd=ROOT, check=True, capture_output=True)
    subprocess.run([CAPTIONER, "batch", str(inputs), "--out", str(tmp_path / "batch"), "--jobs", "2", "--quiet"],
                   cwd=ROOT, check=True, capture_output=True)
    resumed = json.loads((tmp_path / "resumed" / SAMPLE.stem / "report.json").read_text(encoding="utf-8"))
    assert resumed["stages"]["asr"]["reused"] is True  # the killed run's recognition, taken up again
    first = published(tmp_path / "first" / SAMPLE.stem)
    assert {f"{SAMPLE.stem}.en.srt", f"{SAMPLE.stem}.en.vtt", "transcript.json", "report.json"} <= set(first)
    for other in ("resumed", "batch"):
        again = published(tmp_path / other / SAMPLE.stem)
        assert sorted(again) == sorted(first), other
        differing = [name for name in first if again[name] != first[name]]
        assert differing == [], f"{other}: {differing}"

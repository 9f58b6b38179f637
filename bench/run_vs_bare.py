"""`captioner run` against bare faster-whisper, side by side in one run.

Prints, as JSON:
- the wall time of `captioner run` and of bare faster-whisper (the same default
  model, Whisper base, beam 5, word timestamps, VAD) on the same file, as fresh processes
  (model load included), alternating, several rounds: the ratio of medians;
  also `run_basic`, captioner run without glossary hotwords, listening again,
  speaker detection and page;
- faster-whisper's BatchedInferencePipeline on the same file, to decide by
  measurement whether batching pays on this machine;
- the real-time factor and peak memory (max RSS) of each;
- with --scale: the same on a 30-minute recording made by repeating the sample,
  to show how time and memory grow with length.

    .venv/bin/python bench/run_vs_bare.py [MEDIA] [--rounds 3] [--scale]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "recordings" / "view-to-a-border.mp3"

BARE = r"""
import sys
from faster_whisper import BatchedInferencePipeline, WhisperModel
model = WhisperModel(sys.argv[3], device="cpu", compute_type="int8")
if sys.argv[2] == "batched":
    segments, info = BatchedInferencePipeline(model).transcribe(
        sys.argv[1], beam_size=5, word_timestamps=True, vad_filter=True, language="en", batch_size=8)
else:
    segments, info = model.transcribe(sys.argv[1], beam_size=5, word_timestamps=True, vad_filter=True,
                                      language="en")
print(sum(len(s.words) for s in segments))
"""


def measure(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds and peak resident memory (MiB) of a child process."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    err = proc.stderr.read()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(cmd[:4])} failed: {err.strip().splitlines()[-1:]}")
    return elapsed, usage.ru_maxrss / 1024


def compare(media: Path, rounds: int, work: Path, batched: bool = True) -> dict:
    from captioner.asr.recognize import DEFAULT_MODEL, resolve_model

    target, _ = resolve_model(DEFAULT_MODEL)
    captioner = str(Path(sys.executable).with_name("captioner"))
    kinds = {
        "bare": lambda i: [sys.executable, "-c", BARE, str(media), "sequential", target],
        "run": lambda i: [captioner, "run", str(media), "--out", str(work / f"{media.stem}-{i}"), "--quiet"],
        # what issue 2 asked of `run` (recognition, captions, files), without the term and speaker stages
        "run_basic": lambda i: [captioner, "run", str(media), "--out", str(work / f"{media.stem}-basic-{i}"),
                                "--quiet", "--bias", "none", "--no-listen", "--speakers", "off", "--no-replay"],
    }
    if batched:
        kinds["bare_batched"] = lambda i: [sys.executable, "-c", BARE, str(media), "batched", target]
    times: dict[str, list[float]] = {k: [] for k in kinds}
    memory: dict[str, list[float]] = {k: [] for k in kinds}
    load_before = os.getloadavg()[0]
    for i in range(rounds):
        for kind, cmd in kinds.items():
            seconds, mib = measure(cmd(i))
            times[kind].append(seconds)
            memory[kind].append(mib)
        print(f"{media.name} round {i + 1}: " + ", ".join(f"{k} {v[-1]:.1f} s" for k, v in times.items()),
              file=sys.stderr)
    report = json.loads(next(work.glob(f"{media.stem}-0/*/report.json")).read_text())
    duration = report["duration"]
    median = {k: statistics.median(v) for k, v in times.items()}
    result = {
        "media": media.name,
        "audio_seconds": round(duration, 1),
        "seconds": {k: round(v, 2) for k, v in median.items()},
        "ratio_run_to_bare": round(median["run"] / median["bare"], 3),
        "ratio_run_basic_to_bare": round(median["run_basic"] / median["bare"], 3),
        "real_time_factor": {k: round(v / duration, 4) for k, v in median.items()},
        "peak_memory_mib": {k: round(max(v)) for k, v in memory.items()},
        "run_stage_seconds": {k: v["seconds"] for k, v in report["stages"].items()},
        # other work on the machine while measuring (2 cores: above ~1 the runs shared them)
        "load_average_before_after": [round(load_before, 2), round(os.getloadavg()[0], 2)],
    }
    if batched:
        result["ratio_batched_to_bare"] = round(median["bare_batched"] / median["bare"], 3)
    return result


def repeated(media: Path, times: int, out: Path) -> Path:
    """A long recording: the sample `times` over, as 16 kHz mono MP3."""
    import av

    from captioner.media.audio import decode

    audio = np.tile(decode(media), times)
    with av.open(str(out), "w") as container:
        stream = container.add_stream("libmp3lame", rate=16000)
        stream.layout = "mono"
        stream.bit_rate = 32000
        for start in range(0, len(audio), 16000 * 10):
            frame = av.AudioFrame.from_ndarray(audio[None, start:start + 16000 * 10], format="flt", layout="mono")
            frame.sample_rate = 16000
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("media", nargs="?", type=Path, default=SAMPLE)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--scale", action="store_true", help="also a 30-minute recording (one round)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        results = {"short": compare(args.media, args.rounds, work)}
        if args.scale:
            long_media = repeated(args.media, 9, work / "thirty-minutes.mp3")
            results["long"] = compare(long_media, 1, work, batched=False)
            short, long = results["short"], results["long"]
            length = long["audio_seconds"] / short["audio_seconds"]
            results["growth"] = {
                "length": round(length, 2),
                "run_time": round(long["seconds"]["run"] / short["seconds"]["run"], 2),
                "run_memory": round(long["peak_memory_mib"]["run"] / short["peak_memory_mib"]["run"], 2),
                "run_basic_time": round(long["seconds"]["run_basic"] / short["seconds"]["run_basic"], 2),
                "run_basic_memory": round(long["peak_memory_mib"]["run_basic"] / short["peak_memory_mib"]["run_basic"], 2),
                "bare_time": round(long["seconds"]["bare"] / short["seconds"]["bare"], 2),
                "bare_memory": round(long["peak_memory_mib"]["bare"] / short["peak_memory_mib"]["bare"], 2),
            }
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()

"""The corpus benchmark: captioner against faster-whisper on webinars no rule was chosen on.

The corpus (bench/corpus/, see bench/README.md) holds webinar scripts rendered
by four text-to-speech engines with rooms, noise and telephone lines. Its two
sets are kept apart:

- tuning/: rules and thresholds may be chosen by looking at these;
- test/: only measured. Its figures are the ones the README reports. A rule
  that helps tuning/ and not test/ is not kept.

For every webinar of the chosen set and every model, four systems run as fresh
processes, one after another on the same file (model load included):

- plain: faster-whisper as a newcomer calls it, `model.transcribe(path, beam_size=5)`;
- bare:  the same with `vad_filter=True, word_timestamps=True`;
- basic: `captioner run --bias none --no-listen --no-correct --speakers off`;
- full:  `captioner run` with the webinar's glossary and agenda.

Figures (bench/corpus_metrics.py): WER, sentence coverage, sync, terms,
speakers, chapters, reading-rule compliance, wall time and peak memory; per
file and pooled. The rendered audio is cached by a hash of its inputs
(tests/support/synth.py), so a rerun costs only the recognition.

    .venv/bin/python bench/corpus.py [--set test|tuning] [--models base,tiny.en]
        [--systems plain,bare,basic,full] [--only NAME ...] [--json FILE]
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "bench" / "corpus"
SETS = ("test", "tuning")
SYSTEMS = ("plain", "bare", "basic", "full")
# variants of the full run for re-checking one rule at a time on the tuning set
VARIANTS = {"full-nobias": ["--bias", "none"], "full-hotwords": ["--bias", "hotwords"], "full-nolisten": ["--no-listen"], "full-prompt": ["--bias", "prompt"]}
MODELS = ("base", "tiny.en")
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from corpus_metrics import Cue, false_corrections, measure, pool  # noqa: E402

FASTER_WHISPER = r"""
import json, sys
from faster_whisper import WhisperModel
media, target, mode, out = sys.argv[1:5]
model = WhisperModel(target, device="cpu", compute_type="int8")
options = dict(beam_size=5)
if mode == "bare":
    options.update(vad_filter=True, word_timestamps=True)
if not model.model.is_multilingual:
    options["language"] = "en"
segments, info = model.transcribe(media, **options)
json.dump([[s.start, s.end, s.text.strip()] for s in segments], open(out, "w"))
"""


def scripts(which: str) -> list[Path]:
    return sorted((CORPUS / which).glob("*.script.yaml"))


def render(script: Path, work: Path) -> tuple[Path, dict]:
    from tests.support.synth import make_webinar

    return make_webinar(script, work, seed=0, noise=None, agenda="yaml")


def run_child(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak resident memory (MiB) of a child process.

    The peak is the child's VmHWM, read from /proc while it runs: wait4's ru_maxrss
    would report this process's own size, which a fork passes on to the child."""
    errors_file = tempfile.TemporaryFile("w+")
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=errors_file, text=True)
    peak_kib = 0
    status_file = Path(f"/proc/{process.pid}/status")
    while process.poll() is None:
        try:
            for line in status_file.read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak_kib = max(peak_kib, int(line.split()[1]))
        except (OSError, ValueError):
            pass
        time.sleep(0.1)
    elapsed = time.perf_counter() - started
    errors_file.seek(0)
    errors = errors_file.read()
    errors_file.close()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command[:5])} failed: {errors.strip().splitlines()[-3:]}")
    return elapsed, peak_kib / 1024


def system_command(system: str, model: str, media: Path, glossary: Path, out: Path) -> list[str]:
    if system in ("plain", "bare"):
        from captioner.asr.recognize import resolve_model

        target, _ = resolve_model(model)
        return [sys.executable, "-c", FASTER_WHISPER, str(media), target, system, str(out / "segments.json")]
    captioner = str(Path(sys.executable).with_name("captioner"))
    command = [captioner, "run", str(media), "--out", str(out), "--model", model, "--quiet"]
    if system == "basic":
        return command + ["--bias", "none", "--no-listen", "--no-correct", "--speakers", "off"]
    return command + ["--glossary", str(glossary)] + VARIANTS.get(system, [])


def read_cues(system: str, out: Path, stem: str) -> tuple[list[Cue], dict | None]:
    if system in ("plain", "bare"):
        segments = json.loads((out / "segments.json").read_text(encoding="utf-8"))
        return [Cue(start, end, text) for start, end, text in segments], None
    from captioner.formats.labels import line_speakers
    from captioner.formats.vtt import read_vtt

    folder = out / stem
    report = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    cues = []
    for cue in read_vtt((folder / f"{stem}.en.vtt").read_text(encoding="utf-8")):
        speakers: list[str | None] = []
        for line, speaker in zip(cue.lines, line_speakers(cue)):
            speakers += [speaker] * len(line.split())
        cues.append(Cue(cue.start, cue.end, " ".join(cue.lines), speakers if any(speakers) else []))
    return cues, report


def one(script: Path, model: str, system: str, work: Path) -> dict:
    from captioner.glossary.formats import load_glossary

    stem = script.name[: -len(".script.yaml")]
    media, truth = render(script, work / "media")
    glossary_file = script.with_name(f"{stem}.glossary.csv")
    out = work / f"{stem}-{model}-{system}"
    out.mkdir(parents=True, exist_ok=True)
    seconds, mib = run_child(system_command(system, model, media, glossary_file, out))
    cues, report = read_cues(system, out, stem)
    chapters = report["chapters"] if report and system.startswith("full") else None
    figures = measure(truth, cues, glossary=load_glossary(glossary_file), chapters=chapters)
    figures.update(seconds=round(seconds, 2), peak_mib=round(mib), real_time_factor=round(seconds / truth["duration"], 4))
    if report:
        corrections = json.loads((out / stem / "transcript.json").read_text(encoding="utf-8"))["corrections"]
        figures.update(corrections=len(corrections), false_corrections=false_corrections(truth, corrections))
        figures["compliance"] = report["qc"]["en"]["compliant_fraction"]
        figures["language"] = report.get("language")
    return {"file": stem, "model": model, "system": system, "duration": truth["duration"], **figures}


def summarise(rows: list[dict]) -> dict:
    """Pooled figures per "model system", and the full run's median wall-time ratio to bare
    faster-whisper over the files that have both."""
    order = list(MODELS), [*SYSTEMS, *VARIANTS]
    keys = sorted({(r["model"], r["system"]) for r in rows},
                  key=lambda k: tuple(o.index(v) if v in o else len(o) for o, v in zip(order, k)))
    pooled = {f"{m} {s}": pool([r for r in rows if (r["model"], r["system"]) == (m, s)]) for m, s in keys}
    for model in {m for m, _ in keys}:
        by_file = {(r["file"], r["system"]): r["seconds"] for r in rows if r["model"] == model}
        ratios = [by_file[(f, "full")] / by_file[(f, "bare")] for f, s in by_file if s == "full" and (f, "bare") in by_file]
        if ratios:
            pooled[f"{model} full"]["wall_ratio_to_bare"] = round(statistics.median(ratios), 3)
            pooled[f"{model} full"]["wall_ratio_max"] = round(max(ratios), 3)
    return pooled


def markdown(pooled: dict) -> str:
    """The pooled figures as the README's table."""
    def cell(figures, key, digits=3):
        value = figures.get(key)
        return "–" if value is None else f"{value:.{digits}f}" if isinstance(value, float) else str(value)

    lines = ["| model, system | WER | sentences covered | sync p95 / over 2 s | terms exact | right speaker | "
             "chapter error median / max (s) | cues within rules | real-time factor | wall vs bare (median / max) |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for name, f in pooled.items():
        ratio = (f"{f['wall_ratio_to_bare']:.2f} / {f['wall_ratio_max']:.2f}" if "wall_ratio_to_bare" in f else "–")
        lines.append(
            f"| {name} | {cell(f, 'wer')} | {cell(f, 'coverage')} | {cell(f, 'sync_p95', 2)} / {f.get('sync_over_2s', '–')} "
            f"| {cell(f, 'terms', 2)} | {cell(f, 'speakers', 2)} | {cell(f, 'chapter_median', 1)} / {cell(f, 'chapter_max', 1)} "
            f"| {cell(f, 'compliance', 3)} | {cell(f, 'real_time_factor', 3)} | {ratio} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=SETS, default="test")
    parser.add_argument("--models", default=",".join(MODELS))
    parser.add_argument("--systems", default=",".join(SYSTEMS),
                        help=f"of {', '.join(SYSTEMS)}; variants for tuning: {', '.join(VARIANTS)}")
    parser.add_argument("--only", nargs="*", default=None, help="webinar names (default: the whole set)")
    parser.add_argument("--json", type=Path, default=None, help="also write every figure to this file")
    parser.add_argument("--add", type=Path, nargs="*", default=[],
                        help="rows of earlier runs (their --json files) to pool with this one's")
    parser.add_argument("--markdown", action="store_true", help="print the pooled table as Markdown too")
    parser.add_argument("--keep", type=Path, default=None, help="keep every system's outputs in this folder")
    args = parser.parse_args()
    chosen = [s for s in scripts(args.set) if not args.only or s.name[: -len(".script.yaml")] in args.only]
    models = [m for m in args.models.split(",") if m]
    systems = [s for s in args.systems.split(",") if s]
    rows = []
    with tempfile.TemporaryDirectory(prefix="corpus-bench-") as tmp:
        if args.keep:
            tmp = str(args.keep)
        for script in chosen:
            for model in models:
                for system in systems:
                    row = one(script, model, system, Path(tmp))
                    rows.append(row)
                    print(f"{row['file']} {model} {system}: WER {row['wer']:.3f} coverage {row['coverage']:.2f} "
                          f"sync>2s {row['sync_over_2s']} terms {row.get('terms', 0):.2f} "
                          f"{row['seconds']:.1f} s {row['peak_mib']} MiB", file=sys.stderr, flush=True)
    for earlier in args.add:
        rows += json.loads(earlier.read_text(encoding="utf-8"))["rows"]
    pooled = summarise(rows)
    result = {
        "set": args.set,
        "date": datetime.date.today().isoformat(),
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores",
        "files": sorted({r["file"] for r in rows}),
        "pooled": pooled,
        "rows": rows,
    }
    text = json.dumps(result, indent=1)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    print(json.dumps({"set": args.set, "date": result["date"], "pooled": pooled}, indent=1))
    if args.markdown:
        print(markdown(pooled))


if __name__ == "__main__":
    main()

"""Many recordings in one go: locally in parallel, or on an existing Dask cluster.

One failing recording is reported and the rest go on. Each worker process keeps
its speech model loaded between recordings (asr.load_model caches per process).
"""
from __future__ import annotations

import json
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from multiprocessing import get_context
from pathlib import Path
from typing import Callable, Iterable

from captioner.clock import clock
from captioner.errors import CaptionerError
from captioner.fileio import write_text_atomic
from captioner.media.audio import MEDIA_EXTENSIONS
from captioner.pipeline.run import Reporter, RunOptions, run_one

REPORT_NAME = "batch-report.json"


def find_recordings(folder: Path) -> list[Path]:
    folder = Path(folder)
    if not folder.is_dir():
        raise CaptionerError(f"{folder}: not a folder of recordings")
    found = sorted(p for p in folder.iterdir()
                   if p.is_file() and p.suffix.lower() in MEDIA_EXTENSIONS and not p.name.startswith("."))
    if not found:
        raise CaptionerError(f"{folder}: no recordings found (looked for {', '.join(sorted(MEDIA_EXTENSIONS))})")
    return found


def process_recording(media_path: str, options: RunOptions) -> dict:
    """Run one recording and summarise it; never raises, so one failure costs only this item."""
    started = time.perf_counter()
    row = {"recording": Path(media_path).name, "path": str(media_path), "status": "failed",
           "duration": None, "languages": [], "cue_compliance": None, "term_corrections": None,
           "seconds": None, "error": None, "warnings": []}
    reporter = Reporter()
    try:
        result = run_one(Path(media_path), options, reporter)
    except CaptionerError as exc:
        row["error"] = str(exc)
    except Exception as exc:  # an unexpected failure in one item must not stop the batch
        row["error"] = f"internal error {type(exc).__name__}: {exc}"
    else:
        qc = result.report["qc"]
        cues = sum(q["cue_count"] for q in qc.values())
        good = sum(q["compliant_cues"] for q in qc.values())
        row.update(
            status="failed" if result.errors else "ok",
            error="; ".join(result.errors) or None,
            folder=str(result.folder),
            duration=result.transcript.duration,
            languages=list(result.tracks),
            cue_compliance=round(good / cues, 4) if cues else 1.0,
            term_corrections=len(result.transcript.corrections),
        )
    row["warnings"] = reporter.warnings
    row["seconds"] = round(time.perf_counter() - started, 2)
    return row


def run_batch(paths: Iterable[Path], options: RunOptions, jobs: int = 1, scheduler: str | None = None,
              on_done: Callable[[dict], None] | None = None) -> list[dict]:
    """Process every recording; rows come back in the order of `paths`."""
    paths = [str(p) for p in paths]
    on_done = on_done or (lambda row: None)
    rows: dict[str, dict] = {}
    if scheduler:
        rows = _run_on_dask(paths, options, scheduler, on_done)
    elif jobs <= 1:
        for path in paths:
            rows[path] = process_recording(path, options)
            on_done(rows[path])
    else:
        # every job decodes with the thread count a run alone would use (threads.decoder_threads),
        # which oversubscribes the cores but gives the same captions: CTranslate2's results
        # depend on the count
        with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("spawn")) as pool:
            futures = {pool.submit(process_recording, path, options): path for path in paths}
            for future in as_completed(futures):
                rows[futures[future]] = future.result()
                on_done(rows[futures[future]])
    return [rows[p] for p in paths]


def _run_on_dask(paths: list[str], options: RunOptions, scheduler: str, on_done) -> dict[str, dict]:
    try:
        from distributed import Client
        from distributed import as_completed as dask_completed
    except ImportError:
        raise CaptionerError("--scheduler needs Dask: pip install 'captioner[cluster]' (or 'dask[distributed]')") from None
    try:
        client = Client(scheduler, timeout="10s")
    except (OSError, TimeoutError) as exc:
        raise CaptionerError(f"cannot reach the Dask scheduler at {scheduler} ({exc}); "
                             "start one with `dask scheduler` or check the address") from None
    rows: dict[str, dict] = {}
    try:
        # pure=False: a rerun must really run, the stage cache decides what to redo
        futures = {client.submit(process_recording, path, options, pure=False, key=f"captioner-{i}"): path
                   for i, path in enumerate(paths)}
        for future in dask_completed(list(futures)):
            rows[futures[future]] = future.result()
            on_done(rows[futures[future]])
    finally:
        client.close()
    return rows


def batch_report(rows: list[dict], started: float) -> dict:
    return {
        "recordings": len(rows),
        "ok": sum(1 for r in rows if r["status"] == "ok"),
        "failed": sum(1 for r in rows if r["status"] != "ok"),
        "seconds": round(time.perf_counter() - started, 2),
        "items": rows,
    }


def write_batch_report(out_dir: Path, report: dict) -> Path:
    path = Path(out_dir) / REPORT_NAME
    write_text_atomic(path, json.dumps(report, ensure_ascii=False, indent=1))
    return path


def format_table(rows: list[dict]) -> str:
    header = ("recording", "duration", "languages", "cues ok", "terms fixed", "time", "status")
    lines = [header]
    for r in rows:
        lines.append((
            r["recording"],
            clock(r["duration"]) if r["duration"] is not None else "-",
            ",".join(r["languages"]) or "-",
            f"{r['cue_compliance']:.0%}" if r["cue_compliance"] is not None else "-",
            str(r["term_corrections"]) if r["term_corrections"] is not None else "-",
            f"{r['seconds']:.0f} s",
            r["status"] if r["status"] == "ok" else f"FAILED: {r['error']}",
        ))
    widths = [max(len(line[i]) for line in lines) for i in range(len(header) - 1)]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(line, widths)) + "  " + line[-1]
                     for line in lines)

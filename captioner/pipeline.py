"""Stage order, the stage cache, the lock and the files written for a recording.

Each stage is a plain function from model objects to model objects; this module
decides the order, skips stages whose inputs did not change, and writes the
outputs atomically.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import asr, media
from .cache import StageCache, stable_hash
from .captions import segment
from .errors import CaptionerError
from .fileio import write_text_atomic
from .formats.srt import write_srt
from .formats.text import write_text
from .formats.vtt import write_vtt
from .lock import recording_lock
from .model import CueTrack, Transcript, from_dict, to_dict, transcript_to_json
from .qc import check_cues
from .rules import get_profile


@dataclass
class RunOptions:
    out_dir: Path = Path("transcripts")
    asr: asr.AsrOptions = field(default_factory=asr.AsrOptions)
    profile: str | None = None
    rule_overrides: dict = field(default_factory=dict)


class Reporter:
    """What the pipeline tells the person running it. The CLI prints; tests collect."""

    def __init__(self) -> None:
        self.messages: list[str] = []
        self.warnings: list[str] = []

    def info(self, message: str) -> None:
        self.messages.append(message)

    def warn(self, message: str) -> None:
        self.warnings.append(message)

    def progress(self, label: str, total: float) -> Callable[[float], None] | None:
        return None

    def done_progress(self) -> None:
        pass


@dataclass
class RunResult:
    stem: str
    folder: Path
    transcript: Transcript
    tracks: dict[str, CueTrack]
    report: dict
    files: list[Path]


def output_folder(media_path: Path, out_dir: Path) -> tuple[str, Path]:
    stem = Path(media_path).stem.strip() or "recording"
    if stem in (".", ".."):
        stem = "recording"
    return stem, Path(out_dir) / stem


def transcribe_stage(info, options: RunOptions, cache: StageCache, reporter: Reporter, timings: dict) -> tuple[Transcript, str]:
    key = stable_hash({"stage": "asr", "media": info.sha256, "asr": options.asr.cache_key()})
    cached = cache.get("asr", key)
    if cached is not None:
        reporter.info("transcript: reused (same media and options)")
        timings["asr"] = {"seconds": 0.0, "reused": True}
        transcript = from_dict(Transcript, cached)
    else:
        started = time.perf_counter()
        audio = media.decode(Path(info.path))
        decoded = time.perf_counter()
        bar = reporter.progress("transcribing", info.duration)
        try:
            transcript = asr.transcribe_audio(audio, options.asr, progress=bar)
        finally:
            reporter.done_progress()
        transcript.media = info
        transcript.timings["decode_seconds"] = round(decoded - started, 3)
        cache.put("asr", key, to_dict(transcript))
        timings["asr"] = {"seconds": round(time.perf_counter() - started, 3), "reused": False}
    transcript.media = info
    return transcript, key


def caption_stage(transcript: Transcript, options: RunOptions, upstream_key: str, cache: StageCache, timings: dict):
    profile = get_profile(options.profile, language=transcript.language, **options.rule_overrides)
    boundaries = [c.start for c in transcript.chapters[1:]]
    key = stable_hash({"stage": "captions", "up": upstream_key, "profile": to_dict(profile), "b": boundaries})
    cached = cache.get("captions", key)
    if cached is not None:
        timings["captions"] = {"seconds": 0.0, "reused": True}
        return from_dict(CueTrack, cached["track"]), cached["issues"], profile, key
    started = time.perf_counter()
    cues, issues = segment(transcript.words, profile, boundaries=boundaries)
    track = CueTrack(language=transcript.language, cues=cues)
    issue_dicts = [to_dict(i) for i in issues]
    cache.put("captions", key, {"track": to_dict(track), "issues": issue_dicts})
    timings["captions"] = {"seconds": round(time.perf_counter() - started, 3), "reused": False}
    return track, issue_dicts, profile, key


def run_one(media_path: Path, options: RunOptions, reporter: Reporter | None = None) -> RunResult:
    reporter = reporter or Reporter()
    started = time.perf_counter()
    info = media.probe(Path(media_path))
    stem, folder = output_folder(media_path, options.out_dir)
    timings: dict[str, dict] = {}
    with recording_lock(folder):
        cache = StageCache(folder / ".cache")
        transcript, key = transcribe_stage(info, options, cache, reporter, timings)
        for warning in transcript.warnings:
            reporter.warn(warning)
        track, issues, profile, key = caption_stage(transcript, options, key, cache, timings)
        tracks = {track.language: track}
        report = build_report(stem, transcript, tracks, profile, issues, timings)
        report["seconds_total"] = round(time.perf_counter() - started, 3)
        files = write_outputs(folder, stem, transcript, tracks, report)
    return RunResult(stem, folder, transcript, tracks, report, files)


def build_report(stem, transcript: Transcript, tracks, profile, issues, timings) -> dict:
    return {
        "recording": stem,
        "media": to_dict(transcript.media),
        "duration": transcript.duration,
        "language": transcript.language,
        "model": transcript.model,
        "asr_options": transcript.options,
        "words": len(transcript.words),
        "warnings": list(transcript.warnings),
        "profile": to_dict(profile),
        "qc": {lang: check_cues(t.cues, get_profile(profile.name, language=lang) if lang != transcript.language else profile).to_dict()
               for lang, t in tracks.items()},
        "segmenter_issues": issues,
        "stages": timings,
    }


def write_outputs(folder: Path, stem: str, transcript: Transcript, tracks: dict[str, CueTrack], report: dict) -> list[Path]:
    written: list[Path] = []

    def put(name: str, text: str) -> None:
        path = folder / name
        write_text_atomic(path, text)
        written.append(path)

    put("transcript.json", transcript_to_json(transcript))
    for lang, track in tracks.items():
        put(f"{stem}.{lang}.srt", write_srt(track.cues, language=lang))
        put(f"{stem}.{lang}.vtt", write_vtt(track.cues, language=lang))
    source = tracks.get(transcript.language)
    put(f"{stem}.{transcript.language}.txt", write_text(transcript, source.cues if source else None))
    put("report.json", json.dumps(report, ensure_ascii=False, indent=1))
    return written


def transcribe_only(media_path: Path, options: RunOptions, reporter: Reporter | None = None) -> tuple[Path, Transcript]:
    reporter = reporter or Reporter()
    info = media.probe(Path(media_path))
    stem, folder = output_folder(media_path, options.out_dir)
    with recording_lock(folder):
        cache = StageCache(folder / ".cache")
        transcript, _ = transcribe_stage(info, options, cache, reporter, {})
        for warning in transcript.warnings:
            reporter.warn(warning)
        path = folder / "transcript.json"
        write_text_atomic(path, transcript_to_json(transcript))
    return path, transcript


def check_media_paths(paths: list[Path]) -> None:
    for path in paths:
        if not Path(path).exists():
            raise CaptionerError(f"{path}: no such file")

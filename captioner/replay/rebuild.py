"""A recording's replay page rebuilt from its output folder alone (`captioner replay`, and after
a reviewed translation is imported): nothing is transcribed or translated again."""
from __future__ import annotations

from pathlib import Path

from captioner.errors import CaptionerError
from captioner.formats import read_captions
from captioner.glossary.formats import load_project_glossary
from captioner.model import CueTrack, Transcript
from captioner.replay.page import build_replay
from captioner.replay.series import build_series_index
from captioner.workspace import Workspace, read_json_object


def find_folder(out_dir: Path, stem: str) -> tuple[str, Path]:
    """OUT/STEM, also when STEM was given as the recording's path."""
    folder = out_dir / stem
    if not folder.is_dir() and Path(stem).suffix:
        stem = Path(stem).stem
        folder = out_dir / stem
    transcript = Workspace.at(folder, stem).transcript
    if not transcript.is_file():
        raise CaptionerError(f"{transcript} not found; run `captioner run` on the recording first "
                             "(or give --out where its outputs are)")
    return stem, folder


def read_tracks(folder: Path, stem: str, transcript: Transcript, report: dict) -> dict[str, CueTrack]:
    """Every <stem>.<lang>.vtt beside the transcript, the spoken language first."""
    engines = {}
    for key in ("translations", "engines"):
        value = report.get(key)
        if isinstance(value, dict):
            for lang, info in value.items():
                engine = info.get("engine") if isinstance(info, dict) else info
                if isinstance(engine, str):
                    engines[lang] = engine
    workspace = Workspace.at(folder, stem)
    found: dict[str, CueTrack] = {}
    for lang in workspace.track_languages():
        found[lang] = CueTrack(language=lang, cues=read_captions(workspace.track(lang, "vtt")),
                               engine=None if lang == transcript.language else engines.get(lang))
    ordered = {lang: found.pop(lang) for lang in [transcript.language] if lang in found}
    ordered.update(found)
    return ordered


def find_media(transcript: Transcript, report: dict, given: Path | None) -> Path:
    if given is not None:
        if not given.is_file():
            raise CaptionerError(f"{given}: no such recording; check the --media path")
        return given
    candidates = []
    if transcript.media is not None and transcript.media.path:
        candidates.append(Path(transcript.media.path))
    media = report.get("media")
    if isinstance(media, dict) and media.get("path"):
        candidates.append(Path(str(media["path"])))
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    where = f" (was {candidates[0]})" if candidates else ""
    raise CaptionerError(f"the recording cannot be found{where}; give its path with --media")


def rebuild(out_dir: Path, stem: str, copy_media: bool = False, media: Path | None = None,
            glossary_files: tuple[Path, ...] = (), title: str | None = None) -> Path:
    """Rebuild OUT/STEM/index.html and the series page OUT/index.html; return the recording's page."""
    stem, folder = find_folder(Path(out_dir), stem)
    workspace = Workspace.at(folder, stem)
    transcript = workspace.load_transcript()
    report = workspace.read_report()
    previous = read_json_object(workspace.page_summary)
    tracks = read_tracks(folder, stem, transcript, report)
    page = build_replay(folder, stem, transcript, tracks, find_media(transcript, report, media),
                        glossary=load_project_glossary(glossary_files),
                        title=title or previous.get("title") or report.get("title") or stem,
                        copy_media=copy_media)
    build_series_index(Path(out_dir))
    return page

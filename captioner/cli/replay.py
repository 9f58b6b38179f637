"""`captioner replay STEM`: rebuild a recording's replay page from the files in OUT/STEM/."""
from __future__ import annotations

from pathlib import Path

import click

from captioner.errors import CaptionerError
from captioner.glossary.formats import load_project_glossary
from captioner.model import CueTrack, Transcript
from captioner.workspace import Workspace, read_json_object


def find_folder(out_dir: Path, stem: str) -> tuple[str, Path]:
    """OUT/STEM, also when STEM was given as the recording's path."""
    folder = out_dir / stem
    if not folder.is_dir() and Path(stem).suffix:
        stem = Path(stem).stem
        folder = out_dir / stem
    if not Workspace.at(folder, stem).transcript.is_file():
        raise CaptionerError(f"{Workspace.at(folder, stem).transcript} not found; run `captioner run` on the recording first "
                             "(or give --out where its outputs are)")
    return stem, folder


def read_tracks(folder: Path, stem: str, transcript: Transcript, report: dict) -> dict[str, CueTrack]:
    """Every <stem>.<lang>.vtt beside the transcript, the spoken language first."""
    from captioner.formats import read_captions

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
    from captioner.replay import build_replay, build_series_index

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


@click.command("replay")
@click.argument("stem")
@click.option("--out", "out_dir", default="transcripts", show_default=True,
              type=click.Path(file_okay=False, path_type=Path), help="Where `captioner run` wrote OUT/<stem>/.")
@click.option("--copy-media", is_flag=True,
              help="Copy the recording beside the page, so the folder can be published on its own.")
@click.option("--media", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The recording, if it has moved since `captioner run`.")
@click.option("--glossary", "glossary_files", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Glossary file whose definitions the transcript shows (repeatable; default: glossary/*).")
@click.option("--title", default=None, help="Page title (default: the title of the last build, else STEM).")
def replay(stem: str, out_dir: Path, copy_media: bool, media: Path | None, glossary_files: tuple[Path, ...],
           title: str | None) -> None:
    """Rebuild the replay page OUT/STEM/index.html from the files in OUT/STEM/.

    Uses transcript.json, every <stem>.<lang>.vtt, <stem>.chapters.vtt and
    report.json; nothing is transcribed or translated again. The page works
    from file:// and from any static web server. The recording is linked by a
    relative path; publish the folder alone with --copy-media. Also rebuilds
    the series page OUT/index.html.
    """
    page = rebuild(out_dir, stem, copy_media=copy_media, media=media, glossary_files=glossary_files, title=title)
    click.echo(str(page))

"""`captioner agenda`: align a transcript to its agenda again, without transcribing again."""
from __future__ import annotations

from pathlib import Path

import click

from captioner.clock import clock
from captioner.errors import CaptionerError
from captioner.fileio import write_text_atomic
from captioner.formats.chapters import write_chapters_txt, write_chapters_vtt
from captioner.glossary.formats import load_project_glossary
from captioner.model import Transcript, transcript_to_json
from captioner.workspace import Workspace, read_transcript


@click.command("agenda")
@click.argument("source", metavar="MEDIA-OR-TRANSCRIPT", type=click.Path(path_type=Path))
@click.option("--agenda", "agenda_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Agenda file (.yaml or .txt). Default: <stem>.agenda.yaml or .agenda.txt beside the recording.")
@click.option("--glossary", "glossary_paths", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Glossary file(s) whose acronyms and variants help find the items. Repeatable. "
                   "Default: the glossary files in ./glossary/, if any.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Outputs go to OUT/<stem>/ (default: transcripts/ for a recording, "
                   "the transcript's own folder for a transcript.json).")
def agenda_command(source: Path, agenda_path: Path | None, glossary_paths: tuple[Path, ...],
                   out_dir: Path | None) -> None:
    """Find the agenda's items in a transcript: chapters, without transcribing again.

    MEDIA-OR-TRANSCRIPT is a recording that `captioner transcribe` or `run` has
    already processed (its transcript is read from OUT/<stem>/transcript.json), or
    a transcript.json itself. The agenda lists the items in order: YAML with
    titles, descriptions, keywords, speakers and optional start times, or plain
    text with one item a line, as pasted from an invitation. A start time given
    in the agenda ("00:12:30 Opening") is kept exactly.

    Writes, in the transcript's folder: transcript.json with the chapters,
    <stem>.chapters.vtt (a WebVTT chapters track) and chapters.txt (YouTube's
    chapter list). Items that cannot be found, and boundaries that are not sure,
    are reported as warnings to check.
    """
    from captioner.agenda.align import align_agenda
    from captioner.agenda.items import find_agenda, load_agenda
    from captioner.pipeline.lock import recording_lock

    transcript_path, transcript, media_path, stem = _locate(source, out_dir)
    if agenda_path is None:
        agenda_path = find_agenda(media_path) if media_path is not None else None
        if agenda_path is None:
            beside = f" beside {media_path}" if media_path is not None else ""
            raise CaptionerError(f"no agenda found{beside}; give one with --agenda FILE "
                                 f"or write {stem}.agenda.yaml or {stem}.agenda.txt next to the recording")
    agenda = load_agenda(agenda_path)
    glossary = load_project_glossary(glossary_paths)

    chapters, warnings = align_agenda(transcript, agenda, glossary)
    transcript.chapters = chapters
    folder = transcript_path.parent
    chapters_txt, txt_warnings = write_chapters_txt(chapters, transcript.duration)
    with recording_lock(folder):
        write_text_atomic(transcript_path, transcript_to_json(transcript))
        write_text_atomic(Workspace.at(folder, stem).chapters_vtt, write_chapters_vtt(chapters))
        write_text_atomic(Workspace.at(folder, stem).chapters_txt, chapters_txt)

    for chapter in chapters:
        indent = "  " * (chapter.level - 1)
        mark = "given" if chapter.fixed else f"{chapter.confidence:.2f}"
        click.echo(f"{clock(chapter.start)}  {indent}{chapter.title}  ({mark})")
    for warning in warnings + txt_warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(f"{len(chapters)} chapters from {agenda_path.name} -> {folder}", err=True)


def _locate(source: Path, out_dir: Path | None) -> tuple[Path, Transcript, Path | None, str]:
    """(transcript.json path, transcript, recording path if known, stem) for a recording or a transcript."""
    if not source.exists():
        raise CaptionerError(f"{source}: no such file; give a recording or its transcript.json")
    if source.suffix.lower() == ".json":
        transcript = read_transcript(source)
        media_path = Path(transcript.media.path) if transcript.media and transcript.media.path else None
        stem = media_path.stem if media_path is not None else source.parent.name or "recording"
        path = source if out_dir is None else Workspace.of(out_dir, stem).transcript
        return path, transcript, media_path, stem
    stem = source.stem.strip() or "recording"
    path = Workspace.of(out_dir or "transcripts", stem).transcript
    if not path.exists():
        raise CaptionerError(f"no transcript of {source} at {path}; run `captioner transcribe {source}` first"
                             + (f" (with --out {out_dir})" if out_dir else ""))
    return path, read_transcript(path), source, stem

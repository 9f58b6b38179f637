"""`captioner edit STEM`: the replay page in edit mode on 127.0.0.1; `--from FILE`: a subtitle file
corrected in any editor, taken back as edits."""
from __future__ import annotations

from pathlib import Path

import click


@click.command("edit")
@click.argument("stem")
@click.option("--from", "from_file", type=click.Path(dir_okay=False, path_type=Path),
              help="An SRT or WebVTT file of the recording's captions, corrected in any subtitle editor.")
@click.option("--no-browser", is_flag=True, help="Print the editor's address; do not open a browser.")
@click.option("--port", type=click.IntRange(1024, 65535), default=None, help="Port on 127.0.0.1 (default: a free one).")
@click.option("--out", "out_dir", default="transcripts", show_default=True,
              type=click.Path(file_okay=False, path_type=Path), help="Where `captioner run` wrote OUT/<stem>/.")
@click.option("--media", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The recording, if it has moved since `captioner run`.")
def edit_command(stem: str, from_file: Path | None, out_dir: Path, media: Path | None, no_browser: bool,
                 port: int | None) -> None:
    """Correct a recording's words, for good: in the browser, or from a corrected subtitle file.

    Without --from: the replay page in edit mode, served on 127.0.0.1 only (the address
    printed holds a token for this session). Each passage of the transcript has an Edit
    button (a field a sentence; Enter saves the corrected words, Escape cancels) and a
    Speaker button; each
    chapter has Starts now and Rename; Term suggestions lists what your corrections
    teach (Approve corrects it everywhere in the recording). Ctrl+C stops the server.

    With --from FILE: FILE's text is aligned with the transcript's words and a cue whose
    times were changed keeps those times for its words.

    Either way each correction is kept in recordings/<stem>.edits.yaml (beside the
    recording) and the recording is run again from its recognised words (recognition is
    not repeated): corrections, chapters, captions, every language already published, and
    the page. Corrected words are timed from the audio by the speech model. Every later
    `captioner run`, with any model, re-applies the edits; one that can no longer be
    placed is reported.
    """
    from captioner.correct.edits import edits_path
    from captioner.correct.subtitle_diff import edits_from_subtitles
    from captioner.errors import InputFileError
    from captioner.formats import read_captions
    from captioner.pipeline.run import record_edits_and_rerun
    from captioner.replay.rebuild import find_folder
    from captioner.workspace import Workspace

    stem, folder = find_folder(out_dir, stem)
    workspace = Workspace.at(folder, stem)
    transcript = workspace.load_transcript()
    recording = media or (Path(transcript.media.path) if transcript.media is not None else None)
    if recording is None or not recording.is_file():
        raise InputFileError(f"the recording of {stem} is not at {recording}; give it with --media")
    if from_file is None:
        serve(folder, stem, recording, out_dir, no_browser, port)
        return
    corrected = read_captions(from_file)
    published_path = workspace.track(transcript.language, "vtt")
    published = read_captions(published_path) if published_path.exists() else []
    new = edits_from_subtitles(transcript.words, published, corrected)
    click.echo(f"{len(new.words)} word edit(s) and {len(new.timing)} re-timed cue(s) from {from_file}; "
               f"kept in {edits_path(recording)}")
    result = record_edits_and_rerun(folder, stem, recording, out_dir, new)
    outcome = result.report.get("edits") or {}
    click.echo(f"applied {outcome.get('applied', 0)}, already right {outcome.get('already_right', 0)}, "
               f"not placed {len(outcome.get('not_placed', []))}; outputs in {result.folder}")
    for line in outcome.get("not_placed", []):
        click.echo(f"warning: edit not placed: {line}", err=True)


def serve(folder: Path, stem: str, recording: Path, out_dir: Path, no_browser: bool, port: int | None) -> None:
    import webbrowser

    from captioner.pipeline.edit_server import EditServer, EditSession
    from captioner.workspace import Workspace

    if not Workspace.at(folder, stem).page.exists():
        from captioner.errors import InputFileError

        raise InputFileError(f"{folder}/index.html not found: the editor is the replay page; run "
                             f"`captioner replay {stem}` (or `captioner run` without --no-replay) first")
    session = EditSession(folder, stem, recording, out_dir, port=port or 0)
    server = EditServer(session)
    click.echo(f"editing {stem} at {session.url}  (this address is the key: keep it to yourself; Ctrl+C stops)")
    if not no_browser:
        webbrowser.open(session.url)
    server.run()

"""`captioner edit STEM --from FILE`: a subtitle file corrected in any editor, taken back as edits."""
from __future__ import annotations

from pathlib import Path

import click


@click.command("edit")
@click.argument("stem")
@click.option("--from", "from_file", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="An SRT or WebVTT file of the recording's captions, corrected in any subtitle editor.")
@click.option("--out", "out_dir", default="transcripts", show_default=True,
              type=click.Path(file_okay=False, path_type=Path), help="Where `captioner run` wrote OUT/<stem>/.")
@click.option("--media", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The recording, if it has moved since `captioner run`.")
def edit_command(stem: str, from_file: Path, out_dir: Path, media: Path | None) -> None:
    """Take the corrections in FILE back into the recording's words, for good.

    FILE's text is aligned with the transcript's words; each difference becomes an edit
    in recordings/<stem>.edits.yaml (beside the recording), and a cue whose times were
    changed keeps those times for its words. The recording is then run again from its
    recognised words (recognition is not repeated): corrections, chapters, captions,
    every language already published, and the page. Every later `captioner run`
    re-applies the edits; one that can no longer be placed is reported.
    """
    from captioner.correct.edits import edits_path, load_edits, merge_edits, save_edits
    from captioner.correct.subtitle_diff import edits_from_subtitles
    from captioner.errors import InputFileError
    from captioner.formats import read_captions
    from captioner.pipeline.run import RunOptions, run_one
    from captioner.replay.rebuild import find_folder
    from captioner.workspace import Workspace

    stem, folder = find_folder(out_dir, stem)
    workspace = Workspace.at(folder, stem)
    transcript = workspace.load_transcript()
    recording = media or (Path(transcript.media.path) if transcript.media is not None else None)
    if recording is None or not recording.is_file():
        raise InputFileError(f"the recording of {stem} is not at {recording}; give it with --media")
    corrected = read_captions(from_file)
    published_path = workspace.track(transcript.language, "vtt")
    published = read_captions(published_path) if published_path.exists() else []
    new = edits_from_subtitles(transcript.words, published, corrected)
    path = edits_path(recording)
    edits = merge_edits(load_edits(path) if path.exists() else type(new)(), new)
    save_edits(path, edits, stem)
    click.echo(f"{len(new.words)} word edit(s) and {len(new.timing)} re-timed cue(s) from {from_file}; "
               f"kept in {path}")
    languages = [lang for lang in workspace.track_languages() if lang != transcript.language]
    options = RunOptions(out_dir=out_dir, languages=languages, replay=workspace.page.exists())
    if transcript.model:
        options.asr.model = transcript.model.split()[0]  # "base (package, sha256 ...)": the name first
    result = run_one(recording, options)
    outcome = result.report.get("edits") or {}
    click.echo(f"applied {outcome.get('applied', 0)}, already right {outcome.get('already_right', 0)}, "
               f"not placed {len(outcome.get('not_placed', []))}; outputs in {result.folder}")
    for line in outcome.get("not_placed", []):
        click.echo(f"warning: edit not placed: {line}", err=True)

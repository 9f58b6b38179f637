"""`captioner replay STEM`: rebuild a recording's replay page from the files in OUT/STEM/."""
from __future__ import annotations

from pathlib import Path

import click


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
    from captioner.replay.rebuild import rebuild

    page = rebuild(out_dir, stem, copy_media=copy_media, media=media, glossary_files=glossary_files, title=title)
    click.echo(str(page))

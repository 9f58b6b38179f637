"""`captioner captions` (transcript -> SRT, WebVTT, text) and `captioner qc` (check any caption file)."""
from __future__ import annotations

import json
from pathlib import Path

import click

from captioner.captions.qc import check_chapters, check_cues, format_report
from captioner.captions.rules import PROFILES, Profile, get_profile
from captioner.errors import CaptionerError
from captioner.formats import read_captions
from captioner.formats.labels import LABEL_STYLES
from captioner.lang import LanguageCodeError, normalize
from captioner.model import Transcript
from captioner.workspace import TRANSCRIPT, read_transcript


def rule_options(command):
    """The reading-rule flags: --profile, the overrides of its numbers, --speaker-labels."""
    options = [
        click.option(
            "--profile",
            "profile_name",
            type=click.Choice(sorted(PROFILES), case_sensitive=False),
            default=None,
            help="Reading-rule profile. Default per language: netflix-en for English (42 chars/line, "
            "2 lines, 20 chars/s, 5/6-7 s, 2-frame gaps), cjk for zh/ja/ko, netflix-<lang> (or "
            "netflix-subtitles) for other languages: 17 chars/s.",
        ),
        click.option("--max-chars", type=click.IntRange(min=1), help="Characters per line."),
        click.option("--max-lines", type=click.IntRange(min=1), help="Lines per cue."),
        click.option(
            "--max-cps",
            type=click.FloatRange(min=0, min_open=True),
            help="Reading speed limit, characters per second (spaces and punctuation counted).",
        ),
        click.option("--min-duration", type=click.FloatRange(min=0), help="Shortest cue, seconds."),
        click.option(
            "--max-duration", type=click.FloatRange(min=0, min_open=True), help="Longest cue, seconds."
        ),
        click.option(
            "--min-gap",
            type=click.FloatRange(min=0),
            help="Smallest gap between cues that are not chained, seconds.",
        ),
        click.option(
            "--speaker-labels",
            type=click.Choice(LABEL_STYLES, case_sensitive=False),
            default=None,
            help="How captions show a change of speaker: name (MARIA FERNÁNDEZ: at each change; "
            "default), chevrons (>>) or none. Labels count toward line length and reading speed.",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def profile_from_options(language: str | None, profile_name: str | None = None, **overrides) -> Profile:
    """A Profile from the values of `rule_options` flags."""
    return get_profile(profile_name, language, **overrides)


def is_chapter_track(path: Path) -> bool:
    """'talk.chapters.vtt' (as captioner names them), or a WebVTT file whose header says Kind: chapters."""
    if Path(path).name.lower().endswith(".chapters.vtt"):
        return True
    try:
        with open(path, encoding="utf-8-sig", errors="replace") as header:
            lines = [header.readline() for _ in range(6)]
    except OSError:
        return False
    return any(line.strip().lower().replace(" ", "") == "kind:chapters" for line in lines)


def language_from_name(path: Path) -> str | None:
    """'talk.es.srt' -> 'es'; None when the name carries no language tag."""
    parts = Path(path).name.split(".")
    if len(parts) >= 3:
        try:
            return normalize(parts[-2])
        except LanguageCodeError:
            pass
    return None


@click.command("qc")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@rule_options
@click.option(
    "--language",
    default=None,
    help="Language of the captions (picks the default profile). Default: from names like talk.es.srt, else en.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the reports as JSON instead of tables.")
@click.pass_context
def qc_command(ctx: click.Context, files: tuple[Path, ...], language: str | None, as_json: bool, **rule_flags):
    """Check SRT or WebVTT files against the reading rules.

    Prints every broken rule with its cue and a summary per file; exits 1 when any
    rule is broken or a file cannot be read.

    \b
    Example:
      captioner qc transcripts/webinar/webinar.en.srt --max-cps 17
    """
    reports = []
    failed = False
    for path in files:
        try:
            cues = read_captions(path)
            profile = profile_from_options(language or language_from_name(path), **rule_flags)
        except CaptionerError as exc:
            failed = True
            click.echo(f"error: {exc}", err=True)
            if as_json:
                reports.append({"source": str(path), "ok": False, "error": str(exc)})
            continue
        check = check_chapters if is_chapter_track(path) else check_cues
        report = check(cues, profile, source=str(path))
        failed = failed or not report.ok
        reports.append(report.to_dict() if as_json else report)
    if as_json:
        click.echo(json.dumps({"ok": not failed, "files": reports}, ensure_ascii=False, indent=1))
    else:
        for report in reports:
            click.echo(format_report(report))
    ctx.exit(1 if failed else 0)


def _stem(transcript: Transcript, path: Path) -> str:
    if transcript.media is not None and transcript.media.path:
        return Path(transcript.media.path).stem
    if path.name == TRANSCRIPT:
        return path.resolve().parent.name
    return path.stem


@click.command("captions")
@click.argument("transcript_json", type=click.Path(path_type=Path))
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Folder for the caption files. Default: the transcript's folder.",
)
@rule_options
def captions_command(transcript_json: Path, out: Path | None, **rule_flags):
    """Make captions from a transcript.json: <stem>.<lang>.srt, .vtt and .txt.

    Subtitles already published beside them in other languages are translated again from
    the new captions (reviewed texts applied) and the replay page is rebuilt, so an edit
    of the transcript reaches every file.

    Cues follow the reading rules of the profile; chapter starts in the transcript
    are never straddled. A cue that cannot meet a rule (a word longer than a line,
    speech faster than any legal cue) is written anyway and reported.

    \b
    Example:
      captioner captions transcripts/webinar/transcript.json --max-chars 37
    """
    from captioner.captions.segment import make_captions
    from captioner.glossary.formats import load_project_glossary
    from captioner.pipeline.run import refresh_translations, write_language_files  # what `captioner run` uses

    transcript = read_transcript(transcript_json)
    profile = profile_from_options(transcript.language, **rule_flags)
    track, issues = make_captions(transcript, profile)
    folder = out if out is not None else transcript_json.parent
    stem = _stem(transcript, transcript_json)
    outputs = write_language_files(folder, stem, transcript, transcript.language, track.cues, profile.speaker_labels)
    # every other language published here is made again from these captions, and the page rebuilt
    more, messages = refresh_translations(folder, stem, transcript, track, profile, load_project_glossary())
    outputs += more
    for message in messages:
        click.echo(message, err=True)
    if not track.cues:
        click.echo("warning: the transcript has no words; the caption files are empty.", err=True)
    for issue in issues:
        click.echo(f"warning: {issue}", err=True)
    click.echo(
        f"{len(track.cues)} cues ({profile.name}), {len({i.cue_index for i in issues})} breaking a rule"
    )
    for path in outputs:
        click.echo(f"wrote {path}")

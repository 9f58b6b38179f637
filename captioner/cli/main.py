"""The `captioner` command line: parse, call the pipeline, print."""
from __future__ import annotations

import dataclasses
import errno
import os
import sys
from pathlib import Path

import click

from captioner import __version__
from captioner.asr import BIAS_MODES
from captioner.asr.base_model import NAME as DEFAULT_MODEL
from captioner.cli.agenda import agenda_command
from captioner.cli.captions import captions_command, qc_command, rule_options
from captioner.cli.edit import edit_command
from captioner.cli.glossary import glossary_group
from captioner.cli.languages import languages as languages_group
from captioner.cli.languages import review as review_group
from captioner.cli.progress import MODES, ProgressReporter, resolve_mode
from captioner.cli.replay import replay as replay_command
from captioner.errors import CaptionerError
from captioner.lang import LanguageCodeError, normalize

# Failures of the machine, not of captioner: what the producer can do about each.
_MACHINE_ERRORS = {
    errno.ENOSPC: "free some space on that disk, or write elsewhere with --out",
    errno.EDQUOT: "your disk quota is used up: free some space, or write elsewhere with --out",
    errno.EROFS: "that file system is read-only: write elsewhere with --out",
    errno.EACCES: "you may not write there: write elsewhere with --out, or change its permissions",
    errno.EPERM: "you may not write there: write elsewhere with --out, or change its permissions",
}


class CaptionerGroup(click.Group):
    """Turns errors into one line on stderr and exit 1 (a traceback only with --debug)."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except CaptionerError as exc:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            click.echo(f"error: {exc}", err=True)
            ctx.exit(1)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            ctx.exit(130)
        except BrokenPipeError:  # `captioner glossary review | head`: the reader has what it wanted
            # stdout goes nowhere now, so the interpreter's last flush at exit cannot fail again
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(1)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as exc:  # an unexpected failure still gets one line
            if ctx.obj and ctx.obj.get("debug"):
                raise
            if isinstance(exc, OSError) and exc.errno in _MACHINE_ERRORS:
                where = f" {exc.filename}" if exc.filename else ""
                click.echo(f"error: cannot write{where}: {exc.strerror}; {_MACHINE_ERRORS[exc.errno]}", err=True)
            else:
                click.echo(f"error: internal error {type(exc).__name__}: {exc} "
                           "(rerun with --debug for the traceback, and please report it)", err=True)
            ctx.exit(1)


def asr_options(model: str, language: str | None, beam_size: int, batch_size: int = 0):
    from captioner.asr.recognize import AsrOptions

    return AsrOptions(model=model, language=language, beam_size=beam_size, batch_size=batch_size)


model_option = click.option(
    "--model", default=DEFAULT_MODEL, show_default=True,
    help="Speech model. Installed with captioner, offline: base (Whisper base, multilingual) and "
         "tiny.en (English only, a faster, rougher draft). Any other faster-whisper name "
         "(small, large-v3, ...) is downloaded once and needs internet; or give the path of a "
         "CTranslate2 model folder.")
language_option = click.option("--language", default=None,
                               help="Spoken language (BCP 47, e.g. en). Default: detected from three "
                                    "stretches of speech, the agenda's language deciding when unsure.")
beam_option = click.option("--beam-size", default=5, show_default=True, type=click.IntRange(1, 20),
                           help="Hypotheses the decoder keeps at each step: more can be a little more "
                                "accurate and is slower; 1 decodes greedily.")
batch_option = click.option(
    "--batch-size", default=0, show_default=True, type=click.IntRange(0, 64),
    help="Decode this many 30-second windows at once (faster-whisper's batched pipeline): about twice "
         "as fast on 2 cores, but less accurate (WER 0.26 against 0.21 on our test webinars); 0 decodes "
         "window by window.")
out_option = click.option("--out", "out_dir", default="transcripts", show_default=True,
                          type=click.Path(file_okay=False, path_type=Path),
                          help="Outputs go to OUT/<stem>/.")
quiet_option = click.option("--quiet", is_flag=True, help="Warnings only: no progress (as --progress none).")
progress_option = click.option(
    "--progress", "progress_mode", type=click.Choice(MODES), default="auto", show_default=True,
    help="bar: the running stage and a bar over the audio (a terminal's default); lines: one line per "
         "finished stage (the default otherwise); json: one JSON object per line, for programs; none.")


@click.group(cls=CaptionerGroup)
@click.version_option(__version__, prog_name="captioner")
@click.option("--debug", is_flag=True, help="Show tracebacks instead of one-line errors.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Accessible transcripts and multilingual captions for recorded webinars.

    Start with `captioner run RECORDING`: it transcribes, corrects domain terms,
    finds the agenda's chapters, cuts readable captions, translates them and
    builds the replay page, all under transcripts/<stem>/.
    """
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


@main.command()
@click.argument("media_files", nargs=-1, required=True, type=click.Path(path_type=Path))
@model_option
@language_option
@beam_option
@out_option
@quiet_option
@progress_option
def transcribe(media_files, model, language, beam_size, out_dir, quiet, progress_mode):
    """Transcribe MEDIA_FILES to OUT/<stem>/transcript.json (words with times).

    Any audio or video file FFmpeg can decode works (wav, flac, mp3, ogg/opus,
    m4a, mp4, mkv, webm). Rerunning with the same media and options reuses the
    earlier result.
    """
    from captioner.pipeline.run import RunOptions, transcribe_only

    options = RunOptions(out_dir=out_dir, asr=asr_options(model, language, beam_size))
    for media_path in media_files:
        reporter = ProgressReporter(resolve_mode(progress_mode, quiet))
        path, transcript = transcribe_only(media_path, options, reporter)
        click.echo(f"{path}  ({len(transcript.words)} words, {transcript.duration:.0f} s, "
                   f"language {transcript.language})")


def split_languages(value: str | None) -> list[str]:
    if not value:
        return []
    codes, bad = [], []
    for code in (c.strip() for c in value.split(",") if c.strip()):
        try:
            codes.append(normalize(code))
        except LanguageCodeError:
            bad.append(code)
    if bad:
        raise click.BadParameter(f"not a BCP 47 language code: {', '.join(bad)} (use codes like es, fr, ar, pt-BR)")
    return list(dict.fromkeys(codes))  # "es, ES" is one language


def pipeline_options(command):
    """The flags `run` and `batch` share."""
    options = [
        model_option, language_option, beam_option, batch_option, out_option, quiet_option,
        click.option("--glossary", "glossary_paths", multiple=True,
                     type=click.Path(dir_okay=False, path_type=Path),
                     help="Glossary file (YAML, CSV, TBX); repeatable. Default: every file in ./glossary/."),
        click.option("--no-correct", is_flag=True, help="Do not correct glossary terms after recognition."),
        click.option("--no-listen", is_flag=True,
                     help="Correct terms on written evidence only: do not check loosely heard terms against the audio."),
        click.option("--bias", type=click.Choice(BIAS_MODES), default="hotwords", show_default=True,
                     help="How glossary terms steer recognition: the terms that matter for the "
                          "recording as hotwords, in the initial prompt, or none."),
        click.option("--languages", default="",
                     help="Target languages, comma-separated BCP 47 codes (es,fr,ar)."),
        click.option("--engine", type=click.Choice(["auto", "argos", "apertium"]), default="auto",
                     show_default=True,
                     help="Translation engine; auto: argostranslate where the pair is installed, else Apertium."),
        click.option("--no-replay", is_flag=True, help="Do not build the replay page."),
        click.option("--copy-media", is_flag=True, help="Copy the recording beside the replay page."),
        click.option("--speakers", default="auto", show_default=True, callback=_speakers_value,
                     help="Who is speaking: auto (voices, named from the agenda), off, or a number of speakers."),
        rule_options,
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _speakers_value(ctx, param, value: str) -> str:
    value = value.strip().lower()
    if value in ("auto", "off") or (value.isdigit() and 1 <= int(value) <= 50):
        return value
    raise click.BadParameter("use auto, off, or a number of speakers from 1 to 50")


def build_run_options(model, language, beam_size, batch_size, out_dir, glossary_paths, no_correct, no_listen, bias,
                      languages, engine, no_replay, copy_media, speakers, profile_name, agenda_path=None, **rule_flags):
    from captioner.pipeline.run import RunOptions

    return RunOptions(
        out_dir=out_dir, asr=asr_options(model, language, beam_size, batch_size),
        glossary_paths=list(glossary_paths) or None, correct=not no_correct, listen=not no_listen,
        bias=bias, agenda_path=agenda_path, languages=split_languages(languages), engine=engine,
        profile=profile_name, rule_overrides={k: v for k, v in rule_flags.items() if v is not None},
        replay=not no_replay, copy_media=copy_media, speakers=speakers,
    )


@main.command()
@click.argument("media_files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--agenda", "agenda_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Agenda file (YAML or plain text). Default: <stem>.agenda.yaml or .agenda.txt beside the media.")
@pipeline_options
@progress_option
def run(media_files, quiet, progress_mode, agenda_path, **flags):
    """Everything for each recording, in OUT/<stem>/.

    \b
    <stem>.<lang>.srt, .vtt, .txt   captions and transcript, per language
    <stem>.chapters.vtt, chapters.txt   chapters from the agenda
    transcript.json, corrections.json, report.json
    index.html                      the accessible replay page

    Rerunning redoes only the stages whose inputs changed.
    """
    from captioner.pipeline.run import run_one

    if agenda_path is not None and len(media_files) > 1:
        raise click.UsageError("--agenda names one recording's agenda: give one MEDIA file with it")
    options = build_run_options(agenda_path=agenda_path, **flags)
    errors = []
    for media_path in media_files:
        reporter = ProgressReporter(resolve_mode(progress_mode, quiet))
        result = run_one(media_path, options, reporter)
        qc = result.report["qc"]
        summary = ", ".join(f"{lang} {q['cue_count']} cues ({q['compliant_fraction']:.0%} within the rules)"
                            for lang, q in qc.items())
        click.echo(f"{result.folder}: {summary}")
        errors += [f"{result.stem}: {e}" if len(media_files) > 1 else e for e in result.errors]
    if errors:
        raise CaptionerError("; ".join(errors))


@main.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--jobs", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Recordings processed at once on this machine.")
@click.option("--scheduler", default=None, metavar="ADDRESS",
              help="Run on an existing Dask cluster (tcp://host:8786); OUT must be a folder every worker sees.")
@pipeline_options
def batch(folder, jobs, scheduler, quiet, **flags):
    """Every recording in FOLDER, each like `captioner run`, with its agenda beside it.

    One failing recording is reported and the others go on. A table sums up
    at the end; OUT/batch-report.json holds the same. Exit 1 if any failed.
    """
    import time

    from captioner.pipeline.batch import batch_report, find_recordings, format_table, run_batch, write_batch_report

    started = time.perf_counter()
    recordings = find_recordings(folder)
    options = build_run_options(**flags)
    # Workers may run elsewhere or in another folder: every path they get is absolute.
    recordings = [p.resolve() for p in recordings]
    from captioner.glossary.formats import default_glossary_files

    glossaries = options.glossary_paths if options.glossary_paths is not None else default_glossary_files()
    options = dataclasses.replace(options, out_dir=options.out_dir.resolve(),
                                  glossary_paths=[Path(p).resolve() for p in glossaries])
    with click.progressbar(length=len(recordings), label=f"{len(recordings)} recordings", file=sys.stderr,
                           show_pos=True, hidden=quiet) as bar:
        rows = run_batch(recordings, options, jobs=jobs, scheduler=scheduler,
                         on_done=lambda row: bar.update(1))
    report = batch_report(rows, started)
    path = write_batch_report(options.out_dir, report)
    click.echo(format_table(rows))
    click.echo(f"{report['ok']} of {report['recordings']} recordings done; report in {path}")
    if report["failed"]:
        raise CaptionerError(f"{report['failed']} recording(s) failed; see the table above")


for _command in (qc_command, captions_command, glossary_group, languages_group, review_group,
                 replay_command, agenda_command, edit_command):
    main.add_command(_command)


if __name__ == "__main__":
    main()

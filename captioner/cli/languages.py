"""`captioner languages` (translation engines and pairs) and `captioner review` (XLIFF loop)."""
from __future__ import annotations

import json
from pathlib import Path

import click

from captioner.errors import CaptionerError, InputFileError
from captioner.fileio import read_input_bytes, write_bytes_atomic
from captioner.formats.labels import DEFAULT_LABEL_STYLE
from captioner.lang import primary
from captioner.workspace import Workspace


@click.group("languages")
def languages() -> None:
    """Translation pairs: what is installed, and installing argostranslate packages.

    Two engines translate captions: argostranslate (neural; packages from its
    index or from .argosmodel files) and Apertium (rule-based; Debian packages
    such as apertium-eng-spa). `captioner run --engine auto` uses argostranslate
    where its package for the pair is installed, else Apertium.
    """


@languages.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (a list of engine, source, target, detail).")
def list_pairs(as_json: bool) -> None:
    """Show every installed translation pair and the engine that has it."""
    from captioner.translate.apertium import ApertiumEngine
    from captioner.translate.argos import installed_packages

    rows = []
    for pkg in installed_packages():
        rows.append(("argos", f"{pkg.from_code}->{pkg.to_code}",
                     f"{Path(pkg.package_path).name} {pkg.package_version}".strip()))
    apertium = ApertiumEngine()
    for (src, tgt), mode in sorted(apertium.modes().items()):
        rows.append(("apertium", f"{src}->{tgt}", f"mode {mode}"))
    if as_json:
        click.echo(json.dumps([{"engine": engine, "source": pair.split("->")[0], "target": pair.split("->")[1],
                                "detail": detail} for engine, pair, detail in rows], indent=1))
        return
    if not rows:
        click.echo("no translation pairs installed; run `captioner languages install es` "
                   "(or --from-file X.argosmodel), or `apt-get install apertium-eng-spa`")
        return
    click.echo(f"{'engine':9s} {'pair':9s} detail")
    for engine, pair, detail in rows:
        click.echo(f"{engine:9s} {pair:9s} {detail}")


@languages.command("install")
@click.argument("codes", nargs=-1)
@click.option("--from-file", "files", multiple=True, type=click.Path(path_type=Path),
              help="Install an .argosmodel package file (no network needed). Repeatable.")
@click.option("--from", "source", default="en", show_default=True, help="Source language of the pairs CODES.")
def install(codes: tuple[str, ...], files: tuple[Path, ...], source: str) -> None:
    """Install argostranslate packages: `install es fr` from the package index (needs
    internet), or `install --from-file translate-en_es.argosmodel` from a file."""
    from captioner.translate.argos_install import install_from_index, install_package_file

    if not codes and not files:
        raise click.UsageError("name language codes (e.g. `es fr`) or give --from-file FILE")
    for path in files:
        click.echo(f"installed argos {install_package_file(path)} from {path}")
    if codes:
        for pair in install_from_index(primary(source), list(codes)):
            click.echo(f"installed argos {pair} from the argostranslate index")


# --- review ------------------------------------------------------------------

@click.group("review")
def review() -> None:
    """The translators' loop: export subtitles for review as XLIFF 2.0, import them back.

    `review export --lang es` writes OUT/<stem>/review/<stem>.es.xlf with one unit per
    sentence (the English source, the translation, and as notes its time, speaker,
    source cues, machine translation and glossary terms). Edit the targets in any CAT
    tool, then `review import FILE` stores the reviewed texts and rebuilds
    <stem>.es.srt and .vtt. Reviewed text is kept by every later translation run.
    """


def _stems_with(out_dir: Path, lang: str) -> list[str]:
    from captioner.translate.review import units_path

    if not out_dir.is_dir():
        return []
    return sorted(p.name for p in out_dir.iterdir() if units_path(p, lang).exists())


@review.command("export")
@click.option("--lang", "lang", required=True, help="Target language code, e.g. es.")
@click.argument("stems", nargs=-1)
@click.option("--out", "out_dir", default="transcripts", show_default=True, type=click.Path(path_type=Path),
              help="Folder holding one output folder per recording.")
def export(lang: str, stems: tuple[str, ...], out_dir: Path) -> None:
    """Write XLIFF 2.0 for the recordings STEMS (default: every one translated into LANG)."""
    from captioner.translate.review_xliff import export_review

    chosen = list(stems) or _stems_with(out_dir, lang)
    if not chosen:
        raise CaptionerError(f"no recording in {out_dir} has a {lang} translation; "
                             f"run `captioner run --languages {lang}` first")
    for stem in chosen:
        workspace = Workspace.of(out_dir, stem)
        path = workspace.xliff(lang)
        write_bytes_atomic(path, export_review(workspace.folder, stem, lang))
        click.echo(str(path))


def _rebuild_language(folder: Path, stem: str, lang: str, cues) -> list[Path]:
    """Every published file of one language, as a run writes them (`review import` rewrote the
    .srt and .vtt and left the .txt with the machine translation), with the run's speaker labels."""
    from captioner.pipeline.run import write_language_files

    workspace = Workspace.at(folder, stem)
    try:
        report = workspace.read_report()
    except InputFileError:  # the reviewed texts are stored: publish them with the default labels
        report = {}
    labels = ((report.get("qc") or {}).get(lang) or {}).get("profile", {}).get("speaker_labels", DEFAULT_LABEL_STYLE)
    return write_language_files(folder, stem, workspace.load_transcript(), lang, cues, labels)


@review.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--out", "out_dir", default="transcripts", show_default=True, type=click.Path(path_type=Path),
              help="Folder holding one output folder per recording.")
@click.option("--reviewer", default=None, help="Name recorded with the reviewed texts.")
def import_(file: Path, out_dir: Path, reviewer: str | None) -> None:
    """Take a reviewed XLIFF file back: store its texts and rebuild that language's subtitles."""
    from captioner.replay.rebuild import rebuild
    from captioner.translate.review_xliff import import_review

    data = read_input_bytes(file, "an XLIFF file")
    result = import_review(data, out_dir, name=str(file), reviewer=reviewer)
    workspace = Workspace.of(out_dir, result.stem)
    folder = workspace.folder
    if not workspace.transcript.is_file():
        raise CaptionerError(f"{workspace.transcript} not found: the reviewed texts are stored, but the "
                             f"subtitles are rebuilt from a `captioner run` output folder; run it, then import again")
    for path in _rebuild_language(folder, result.stem, result.language, result.track.cues):
        click.echo(str(path))
    try:
        click.echo(str(rebuild(out_dir, result.stem)))  # the page lists the language's files
    except CaptionerError as exc:
        click.echo(f"warning: the replay page was not rebuilt ({exc}); run `captioner replay {result.stem}`",
                   err=True)
    click.echo(f"{len(result.changed)} unit(s) changed" + (f": {', '.join(result.changed)}" if result.changed else ""))
    if result.confirmed:
        click.echo(f"{len(result.confirmed)} unit(s) confirmed unchanged: {', '.join(result.confirmed)}")
    if result.unknown:
        click.echo(f"warning: {len(result.unknown)} unit(s) match no sentence of the current translation "
                   f"(the recording was re-transcribed?): {', '.join(result.unknown)}", err=True)
    if result.empty:
        click.echo(f"warning: {len(result.empty)} unit(s) left empty were ignored: {', '.join(result.empty)}", err=True)

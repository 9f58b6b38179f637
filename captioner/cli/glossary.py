"""`captioner glossary ...`: the translators' loop (review, export, import) and `check`.

Glossary files default to every file of a known format in ./glossary; give
others with --glossary (repeatable).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from captioner.clock import clock
from captioner.errors import CaptionerError, InputFileError
from captioner.fileio import write_bytes_atomic
from captioner.glossary.formats import (
    FORMATS,
    KNOWN,
    default_glossary_files,
    format_named,
    load_glossaries,
    read_glossary,
)
from captioner.glossary.model import Glossary

DEFAULT_DIR = Path("glossary")


class _GlossaryGroup(click.Group):
    """Errors a user can act on become one line and exit 1, also when run on its own."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except CaptionerError as exc:
            root = ctx.find_root()
            if root.obj and isinstance(root.obj, dict) and root.obj.get("debug"):
                raise
            click.echo(f"error: {exc}", err=True)
            ctx.exit(1)


def _glossary_files(given: tuple[str, ...]) -> list[Path]:
    if given:
        return [Path(p) for p in given]
    files = default_glossary_files(DEFAULT_DIR)
    if not files:
        raise InputFileError(f"no glossary files in ./{DEFAULT_DIR}/ ({KNOWN}); "
                             "run from the project folder or pass --glossary FILE")
    return files


def _languages(value: str | None, glossary: Glossary) -> list[str]:
    if not value:
        return glossary.languages()
    return [v.strip() for v in value.split(",") if v.strip()]


glossary_option = click.option(
    "--glossary", "-g", "glossary_files", multiple=True, type=click.Path(dir_okay=False),
    help=f"Glossary file ({KNOWN}); repeatable. Default: every one in ./glossary/.")


@click.group("glossary", cls=_GlossaryGroup)
def glossary_group() -> None:
    """Review, exchange and check the terminology glossary.

    \b
    Translators' loop:
      captioner glossary review --lang es        what still needs approving, in context
      captioner glossary export --format tbx --lang es -o es.tbx
      (review es.tbx in a CAT tool)
      captioner glossary import es.tbx --reviewer "Ana Ruiz"
    """


# --- review --------------------------------------------------------------------

recordings_option = click.option(
    "--recordings", "recordings_dir", default="recordings", show_default=True, type=click.Path(file_okay=False),
    help="Folder with the producers' <stem>.edits.yaml files, whose corrections propose sound-alikes.")


@glossary_group.command("review")
@click.option("--lang", "lang", help="Target language code (es, fr, ar, ...): also list the concepts whose "
              "translation into it is not approved yet.")
@click.option("--transcripts", "transcripts_dir", default="transcripts", show_default=True,
              type=click.Path(file_okay=False), help="Folder with <stem>/transcript.json files to search.")
@click.option("--contexts", default=3, show_default=True, type=click.IntRange(0),
              help="How many occurrences to show per concept.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@recordings_option
@glossary_option
def review_command(lang: str | None, transcripts_dir: str, contexts: int, as_json: bool, recordings_dir: str,
                   glossary_files: tuple[str, ...]) -> None:
    """List the sound-alikes the producers' corrections propose (accept them with `captioner
    glossary accept`) and, with --lang, the concepts whose translation is not approved yet, most
    frequent first, with where each term occurs in the transcripts (recording, time, sentence)."""
    from captioner.correct.occurrences import term_occurrences
    from captioner.correct.teach import proposals, recording_edits

    glossary = load_glossaries(_glossary_files(glossary_files))
    proposed = proposals(glossary, recording_edits(Path(recordings_dir), warn=_warn))
    if lang is None:
        if as_json:
            click.echo(json.dumps({"sound_alikes": [p.to_dict() for p in proposed]}, ensure_ascii=False, indent=1))
        else:
            _print_proposals(proposed, recordings_dir)
        return
    occurrences, searched = term_occurrences(glossary, Path(transcripts_dir),
                                             warn=lambda message: click.echo(f"warning: {message}", err=True))
    pending = [c for c in glossary if c.approved(lang) is None]
    order = {c.id: i for i, c in enumerate(glossary)}
    pending.sort(key=lambda c: (-len(occurrences.get(c.id, [])), order[c.id]))
    if as_json:
        items = []
        for c in pending:
            tr = c.translations.get(lang)
            items.append({
                "id": c.id, "term": c.term, "short_form": c.short_form, "definition": c.definition,
                "translation": tr.term if tr else None, "status": tr.status if tr else "missing",
                "count": len(occurrences.get(c.id, [])),
                "occurrences": [{"recording": o.recording, "start": o.start, "sentence": o.sentence}
                                for o in occurrences.get(c.id, [])]})
        click.echo(json.dumps({"language": lang, "recordings": searched, "pending": items,
                               "sound_alikes": [p.to_dict() for p in proposed]}, ensure_ascii=False, indent=1))
        return
    click.echo(f"{len(pending)} of {len(glossary)} concepts have no approved '{lang}' translation "
               f"({searched} transcript{'s' if searched != 1 else ''} searched in {transcripts_dir}/).")
    for c in pending:
        tr = c.translations.get(lang)
        current = f"{tr.term} [{tr.status}]" if tr else "(no translation)"
        found = occurrences.get(c.id, [])
        name = c.term + (f" ({c.short_form})" if c.short_form and c.short_form != c.term else "")
        click.echo(f"\n{name}  [{c.id}]\n  {lang}: {current}\n  {len(found)} occurrence{'s' if len(found) != 1 else ''}")
        for o in found[:contexts]:
            click.echo(f"    {o.recording} {clock(o.start)}  {o.sentence}")
        if len(found) > contexts:
            click.echo(f"    ... and {len(found) - contexts} more")
    click.echo("")
    _print_proposals(proposed, recordings_dir)


def _warn(message: str) -> None:
    click.echo(f"warning: {message}", err=True)


def _print_proposals(proposed, recordings_dir: str) -> None:
    if not proposed:
        click.echo(f"No sound-alikes proposed by the corrections in {recordings_dir}/.")
        return
    click.echo(f"{len(proposed)} sound-alike{'s' if len(proposed) != 1 else ''} proposed by the corrections in "
               f"{recordings_dir}/ (accept: captioner glossary accept NUMBER ..., or --all):")
    for number, p in enumerate(proposed, 1):
        target = f"{p.target}" + ("" if p.concept else " (a new entry)")
        approved = f"; approved in edit mode for {', '.join(p.approved_in)}" if p.approved_in else ""
        click.echo(f"  {number}. '{p.heard}' -> {target}   corrected at {', '.join(p.where) or '-'}{approved}")


@glossary_group.command("accept")
@click.argument("choices", nargs=-1)
@click.option("--all", "accept_all", is_flag=True, help="Accept every proposed sound-alike.")
@click.option("--into", type=click.Path(dir_okay=False),
              help="YAML glossary for new entries (default: the first YAML glossary file).")
@recordings_option
@glossary_option
def accept_command(choices: tuple[str, ...], accept_all: bool, into: str | None, recordings_dir: str,
                   glossary_files: tuple[str, ...]) -> None:
    """Write sound-alikes that `captioner glossary review` proposes into the glossary, by their
    NUMBER in that list or by what was heard ("a new top order"). A sound-alike of a term goes to
    the file the term comes from; one of words the glossary lacks becomes a new entry. The YAML is
    rewritten atomically, keeping its comments; every later run corrects what was heard."""
    from captioner.correct.teach import add_sound_alike, proposals, recording_edits
    from captioner.glossary.formats.yamlfile import update_sounds_like
    from captioner.glossary.review import rewrite_yaml_glossary

    files = _glossary_files(glossary_files)
    glossary = load_glossaries(files)
    proposed = proposals(glossary, recording_edits(Path(recordings_dir), warn=_warn))
    if accept_all == bool(choices):
        raise click.UsageError("give the NUMBERs (or heard words) of the proposals to accept, or --all")
    chosen = proposed if accept_all else [_proposal(proposed, choice) for choice in choices]
    yaml_files = [f for f in files if f.suffix.lower() in (".yaml", ".yml")]
    changes: dict[Path, list] = {}
    for proposal in chosen:
        concept = add_sound_alike(glossary, proposal.heard, proposal.target)
        origin = Path(concept.origin_file) if concept.origin_file else None
        if origin is None or origin.suffix.lower() not in (".yaml", ".yml"):
            # a new entry, or a term from a CSV or TBX file: the YAML glossary holds it (merged by id)
            origin = Path(into) if into else (yaml_files[0] if yaml_files else None)
        if origin is None or origin.suffix.lower() not in (".yaml", ".yml"):
            raise InputFileError(f"no YAML glossary to write '{proposal.heard}' -> {proposal.target} to; "
                                 "pass --into FILE.yaml")
        changes.setdefault(origin, [])
        if concept not in changes[origin]:
            changes[origin].append(concept)
    for path, concepts in changes.items():
        rewrite_yaml_glossary(path, lambda text: update_sounds_like(text, str(path), concepts),
                              new_file="concepts: []\n")
    for proposal in chosen:
        click.echo(f"accepted: '{proposal.heard}' -> {proposal.target}")
    click.echo(f"{len(chosen)} sound-alike{'s' if len(chosen) != 1 else ''} written to "
               f"{', '.join(str(p) for p in changes) or 'no file'}")


def _proposal(proposed, choice: str):
    from captioner.glossary.text import compact

    if choice.isdigit():
        if not 1 <= int(choice) <= len(proposed):
            raise InputFileError(f"no proposal {choice}: `captioner glossary review` lists {len(proposed)}")
        return proposed[int(choice) - 1]
    for proposal in proposed:
        if compact(proposal.heard) == compact(choice):
            return proposal
    raise InputFileError(f"no proposed sound-alike '{choice}'; `captioner glossary review` lists them")


# --- export --------------------------------------------------------------------

@glossary_group.command("export")
@click.option("--format", "fmt", required=True, type=click.Choice([f.name for f in FORMATS]),
              help="tbx (TBX-Basic, ISO 30042), csv (term, aliases, definition, languages), "
                   "tsv (source, target, comment; one language), yaml.")
@click.option("--languages", "--lang", "langs",
              help="Languages, comma separated, as `run --languages` takes them (default: all in the glossary; "
                   "tsv: exactly one).")
@click.option("--unapproved", is_flag=True, help="Only concepts without an approved translation in these languages.")
@click.option("--out", "-o", "--output", "output", type=click.Path(dir_okay=False),
              help="Write to this file instead of standard output.")
@glossary_option
def export_command(fmt: str, langs: str | None, unapproved: bool, output: str | None,
                   glossary_files: tuple[str, ...]) -> None:
    """Export the glossary for translators' tools (OmegaT, memoQ, Trados, spreadsheets)."""
    glossary = load_glossaries(_glossary_files(glossary_files))
    languages = _languages(langs, glossary)
    if unapproved:
        glossary = Glossary([c for c in glossary if any(c.approved(lang) is None for lang in languages)],
                            name=glossary.name, source_language=glossary.source_language)
    if format_named(fmt).one_language and len(languages) != 1:
        raise click.UsageError("a TSV glossary holds one language: give exactly one with --lang")
    data = format_named(fmt).write(glossary, languages)
    if output:
        write_bytes_atomic(Path(output), data)
        click.echo(f"wrote {len(glossary)} concepts to {output}", err=True)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()


# --- import --------------------------------------------------------------------

@glossary_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--into", type=click.Path(dir_okay=False),
              help="YAML glossary to update (default: the file each concept comes from).")
@click.option("--reviewer", help="Who reviewed the translations (default: the reviewer named in FILE).")
@click.option("--languages", "--lang", "langs",
              help="Only these languages, comma separated, as `run --languages` takes them (a .tsv file: its language).")
@click.option("--force", is_flag=True, help="Overwrite approved translations that differ.")
@click.option("--approve-all", is_flag=True,
              help="Approve every translation in FILE, changed or not (default: only those FILE marks "
                   "approved and those whose text the reviewer changed).")
@click.option("--dry-run", is_flag=True, help="Report what would change; write nothing.")
@glossary_option
def import_command(file: str, into: str | None, reviewer: str | None, langs: str | None, force: bool,
                   approve_all: bool, dry_run: bool, glossary_files: tuple[str, ...]) -> None:
    """Merge reviewed translations from FILE (.tbx, .csv, .tsv, .yaml) into the glossary.

    A translation is approved where FILE marks it approved (TBX preferredTerm, a TSV
    comment's "status: approved", YAML's status) or where the reviewer changed its
    text, deprecated where FILE marks it so, and left as it is otherwise: a proposed
    translation nobody touched is not reviewed (--approve-all approves it anyway).
    A translation that differs from one already approved is a conflict: nothing is
    written until it is resolved (edit FILE, or --force). Terms FILE has that the
    glossary does not are reported and skipped. The YAML is rewritten atomically,
    keeping its comments.
    """
    from captioner.glossary.review import apply_import, plan_import

    imported = read_glossary(Path(file), language=langs.split(",")[0].strip() if langs else None)
    wanted = set(_languages(langs, imported)) if langs else None
    base_files = [Path(into)] if into else _glossary_files(glossary_files)
    plan = plan_import(imported, load_glossaries(base_files), source=file, reviewer=reviewer,
                       languages=wanted, force=force, into=into, approve_all=approve_all)
    for term in plan.unknown:
        click.echo(f"skipped: '{term}' is not in the glossary", err=True)
    if plan.conflicts:
        for line in plan.conflicts:
            click.echo(f"conflict: {line}", err=True)
        raise InputFileError(f"{len(plan.conflicts)} conflict{'s' if len(plan.conflicts) != 1 else ''} with approved "
                             "translations; nothing written. Correct the file, or rerun with --force to overwrite")
    apply_import(plan, dry_run=dry_run)
    counts = plan.by_status()
    verb = "would set" if dry_run else "set"
    click.echo(f"{verb} {plan.count} translation{'s' if plan.count != 1 else ''} ("
               + ", ".join(f"{n} {status}" for status, n in counts.items())
               + f"), {plan.unchanged} unchanged, {len(plan.unknown)} unknown term{'s' if len(plan.unknown) != 1 else ''}"
               + (f"; updated {', '.join(plan.changes)}" if plan.changes and not dry_run else ""))


# --- check ---------------------------------------------------------------------

@glossary_group.command("check")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
def check_command(files: tuple[str, ...]) -> None:
    """Validate glossary files (default: every one in ./glossary/): syntax with file and line,
    missing fields, bad statuses, terms or aliases claimed twice, risky sounds-like entries.
    Exits 1 when there are errors."""
    from captioner.glossary.check import check_files

    paths = _glossary_files(files)
    problems = check_files(paths)
    for problem in problems:
        click.echo(str(problem))
    errors = sum(1 for p in problems if p.level == "error")
    warnings = len(problems) - errors
    summary = (f"{errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''} "
               f"in {len(paths)} file{'s' if len(paths) != 1 else ''}")
    if errors:
        click.echo(summary, err=True)
        click.get_current_context().exit(1)
    click.echo(summary)


__all__ = ["glossary_group"]

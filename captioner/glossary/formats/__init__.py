"""Glossary files: YAML (native, comments kept on write-back), CSV, TSV and TBX-Basic, one
module each, found by extension or name through one registry (`FORMATS`).

What each format carries:

* YAML: everything.
* TBX-Basic (ISO 30042:2019, DCA style): everything. The term, acronym/expansion
  (``termType`` acronym/fullForm) and variants are English ``termSec``s; a known
  misrecognition is a deprecated English term with a ``captioner:sounds-like``
  note; ``keep`` is a concept note ``captioner:keep``; a translation's status is
  ``preferredTerm-admn-sts`` (approved), ``admittedTerm-admn-sts`` (proposed) or
  ``deprecatedTerm-admn-sts`` (deprecated), its reviewer and date a
  ``transacGrp``, its cited source an ``admin type="source"``, its note a ``note``.
* CSV (``term, aliases, definition, <lang>...``): term, aliases (acronym or
  expansion first, then variants, joined by ``|``), English definition and the
  translated terms. Not carried: ids, sounds-like forms, keep, definition source,
  and the status/reviewer/date/source/note of translations (read back as proposed).
* TSV (``source<TAB>target<TAB>comment``, no header, one language): the term,
  its translation, and in the comment the translation's status, reviewer, date,
  source and note and the English definition (``status: approved | note: ...``).
  Not carried: ids, acronyms, variants, sounds-like forms, keep, definition
  source, other languages; concepts without a translation in that language.

Readers take ``problems``: None to raise InputFileError at the first error (for
loading), or a list to collect every problem and go on (for ``glossary check``).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from captioner.errors import InputFileError
from captioner.glossary.formats.common import MAX_GLOSSARY_BYTES, decode_text
from captioner.glossary.formats.csvfile import read_csv, read_tsv, tsv_language_from_name, write_csv, write_tsv
from captioner.glossary.formats.tbx import KEEP_NOTE, SOUNDS_NOTE, parse_xml_safely, read_tbx, write_tbx
from captioner.glossary.formats.yamlfile import parse_yaml_safely, read_yaml, update_yaml, write_yaml
from captioner.glossary.model import Glossary, Problem, merge_glossaries

__all__ = ["FORMATS", "GlossaryFormat", "KEEP_NOTE", "SOUNDS_NOTE", "decode_text", "default_glossary_files",
           "format_for", "format_named", "load_glossaries", "load_glossary", "load_project_glossary",
           "parse_xml_safely", "parse_yaml_safely", "read_csv", "read_glossary", "read_tbx", "read_tsv",
           "read_yaml", "tsv_language_from_name", "update_yaml", "write_csv", "write_tbx", "write_tsv",
           "write_yaml"]

DEFAULT_DIR = Path("glossary")


@dataclass(frozen=True)
class GlossaryFormat:
    name: str  # as `glossary export --format` takes it
    suffixes: tuple[str, ...]
    # (file bytes, file name for messages, problems list or None to raise, language of a one-language file)
    read: Callable[[bytes, str, list[Problem] | None, str | None], Glossary]
    write: Callable[[Glossary, list[str]], bytes]
    one_language: bool = False  # holds one language, named in the file name (terms.es.tsv) or given


FORMATS: tuple[GlossaryFormat, ...] = (
    GlossaryFormat("yaml", (".yaml", ".yml"),
                   lambda data, name, problems, lang: read_yaml(decode_text(data, name), name, problems),
                   lambda glossary, languages: write_yaml(glossary).encode("utf-8")),
    GlossaryFormat("csv", (".csv",),
                   lambda data, name, problems, lang: read_csv(decode_text(data, name), name, problems),
                   lambda glossary, languages: write_csv(glossary, languages).encode("utf-8")),
    GlossaryFormat("tsv", (".tsv",),
                   lambda data, name, problems, lang: read_tsv(
                       decode_text(data, name), lang or tsv_language_from_name(Path(name)), name, problems),
                   lambda glossary, languages: write_tsv(glossary, languages[0]).encode("utf-8"),
                   one_language=True),
    GlossaryFormat("tbx", (".tbx",),
                   lambda data, name, problems, lang: read_tbx(data, name, problems),
                   write_tbx),
)
SUFFIXES = tuple(suffix for fmt in FORMATS for suffix in fmt.suffixes)
KNOWN = ", ".join(f".<lang>{fmt.suffixes[0]}" if fmt.one_language else fmt.suffixes[0] for fmt in FORMATS)


def format_for(path: Path | str) -> GlossaryFormat:
    suffix = Path(path).suffix.lower()
    for fmt in FORMATS:
        if suffix in fmt.suffixes:
            return fmt
    raise InputFileError(f"glossary {path}: unknown format {suffix or '(no extension)'}; use {KNOWN}")


def format_named(name: str) -> GlossaryFormat:
    return next(fmt for fmt in FORMATS if fmt.name == name)


def read_glossary(path: Path | str, problems: list[Problem] | None = None, language: str | None = None) -> Glossary:
    """Read one glossary file, chosen by its extension. With `problems` None the first error
    raises InputFileError naming the file and line; with a list, every problem is collected."""
    path = Path(path)
    fmt = format_for(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputFileError(f"glossary {path} not found; check the path") from None
    except OSError as exc:
        raise InputFileError(f"glossary {path} cannot be read ({exc.strerror})") from None
    if len(data) > MAX_GLOSSARY_BYTES:
        raise InputFileError(f"glossary {path} is larger than {MAX_GLOSSARY_BYTES // 1_000_000} MB; split it")
    return fmt.read(data, str(path), problems, language)


def load_glossary(path: Path | str) -> Glossary:
    """Read one glossary file, chosen by its extension; InputFileError names the file and line."""
    return read_glossary(path)


def load_glossaries(paths: Iterable[Path | str]) -> Glossary:
    """Read and merge several glossary files; later files override earlier ones."""
    return merge_glossaries(load_glossary(p) for p in paths)


def default_glossary_files(directory: Path | str = DEFAULT_DIR) -> list[Path]:
    """Every glossary file in ``directory`` in a format of FORMATS, sorted by name."""
    directory = Path(directory)
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES)


def load_project_glossary(paths: Iterable[Path | str] = (), directory: Path | str = DEFAULT_DIR) -> Glossary | None:
    """The glossary a command uses: the files given, else every one in ./glossary/; None if neither."""
    files = [Path(p) for p in paths] or default_glossary_files(directory)
    return load_glossaries(files) if files else None

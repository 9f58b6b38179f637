"""CSV and TSV glossaries: a spreadsheet's view (term, aliases, definition, languages) and
the one-language exchange file of CAT tools (source, target, comment)."""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from captioner.errors import InputFileError
from captioner.glossary.formats.common import ProblemReport, aliases_of, slug, split_aliases, unique_id
from captioner.glossary.model import STATUSES, Concept, Glossary, Problem, Translation
from captioner.glossary.text import compact
from captioner.lang import language_tag

CSV_FIXED = ("term", "aliases", "definition")
# A spreadsheet runs a cell that starts with one of these as a formula (=HYPERLINK(...) sends data
# away): written with a leading apostrophe, which spreadsheets show as text and reading here removes.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(cell: str) -> str:
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def from_spreadsheet(cell: str) -> str:
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS) else cell


def write_csv(glossary: Glossary, languages: list[str] | None = None) -> str:
    languages = languages if languages is not None else glossary.languages()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*CSV_FIXED, *languages])
    for concept in glossary:
        row = [concept.term, "|".join(aliases_of(concept)), concept.definition or ""]
        row += [(concept.translations[lang].term if lang in concept.translations else "") for lang in languages]
        writer.writerow([spreadsheet_safe(cell) for cell in row])
    return out.getvalue()


def read_csv(text: str, name: str = "glossary.csv", problems: list[Problem] | None = None) -> Glossary:
    report = ProblemReport(name, problems)
    glossary = Glossary(name=Path(name).stem)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        report.error(reader.line_num or 1, f"not valid CSV ({exc})")
        return glossary
    if not header:
        report.error(1, "the file is empty; the first row must name the columns: term, aliases, definition, es, ...")
        return glossary
    header = [h.strip() for h in header]
    if "term" not in header:
        report.error(1, "no 'term' column; the first row must name the columns: term, aliases, definition, es, ...")
        return glossary
    langs = []
    for i, column in enumerate(header):
        if column in CSV_FIXED:
            continue
        code = language_tag(column)
        if code is None:
            report.error(1, f"column {i + 1} '{column}' is neither term, aliases, definition nor a language code")
        langs.append((i, code or column))
    col = {c: header.index(c) for c in CSV_FIXED if c in header}
    taken: set[str] = set()
    seen_terms: dict[str, int] = {}
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            report.error(reader.line_num, f"not valid CSV ({exc}); check the quotes on this line")
            break
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            report.error(line, f"{len(row)} columns where the header has {len(header)}; "
                         "quote cells that contain commas")
            continue
        row = [from_spreadsheet(cell) for cell in row]
        term = row[col["term"]].strip()
        if not term:
            report.error(line, "empty 'term'")
            continue
        key = compact(term)
        if key in seen_terms:
            report.error(line, f"term '{term}' is listed twice (also on line {seen_terms[key]})")
            continue
        seen_terms[key] = line
        aliases = [a.strip() for a in row[col["aliases"]].split("|")] if "aliases" in col else []
        acronym, expansion, variants = split_aliases(term, [a for a in aliases if a])
        translations = {lang: Translation(term=row[i].strip()) for i, lang in langs if row[i].strip()}
        definition = row[col["definition"]].strip() if "definition" in col else ""
        glossary.add(Concept(id=unique_id(slug(term), taken), term=term, acronym=acronym, expansion=expansion,
                             variants=variants, definition=definition or None, translations=translations,
                             origin=(name, line)))
    return glossary


# === TSV (OmegaT, memoQ) =====================================================

_COMMENT_FIELDS = ("status", "reviewer", "reviewed", "source", "note", "definition")


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("|", "/")).strip()


def write_tsv(glossary: Glossary, language: str) -> str:
    lines = []
    for concept in glossary:
        tr = concept.translations.get(language)
        if tr is None:
            continue
        values = {"status": tr.status, "reviewer": tr.reviewer, "reviewed": tr.reviewed, "source": tr.source,
                  "note": tr.note, "definition": concept.definition}
        comment = " | ".join(f"{k}: {_clean(values[k])}" for k in _COMMENT_FIELDS if values[k])
        lines.append("\t".join(spreadsheet_safe(cell) for cell in (_clean(concept.term), _clean(tr.term), comment)))
    return "".join(line + "\n" for line in lines)


def tsv_language_from_name(path: Path) -> str:
    parts = Path(path).name.split(".")
    if len(parts) >= 3 and language_tag(parts[-2]) is not None:
        return language_tag(parts[-2])
    raise InputFileError(f"{path}: a TSV glossary holds one language; name it like terms.es.tsv "
                         "or pass the language")


def read_tsv(text: str, language: str, name: str = "glossary.tsv",
             problems: list[Problem] | None = None) -> Glossary:
    report = ProblemReport(name, problems)
    glossary = Glossary(name=Path(name).stem)
    taken: set[str] = set()
    seen: dict[str, int] = {}
    for line_no, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = [from_spreadsheet(cell) for cell in line.split("\t")]
        if len(cells) not in (2, 3):
            report.error(line_no, f"{len(cells)} tab-separated columns; a TSV glossary line is "
                         "source<TAB>target<TAB>comment")
            continue
        source, target = cells[0].strip(), cells[1].strip()
        if not source or not target:
            report.error(line_no, "empty source or target term")
            continue
        key = compact(source)
        if key in seen:
            report.error(line_no, f"term '{source}' is listed twice (also on line {seen[key]})")
            continue
        seen[key] = line_no
        fields = _parse_comment(cells[2] if len(cells) == 3 else "")
        status = fields.get("status") or "proposed"
        if status not in STATUSES:
            report.error(line_no, f"status '{status}' must be one of " + ", ".join(STATUSES))
            status = "proposed"
        tr = Translation(term=target, status=status, reviewer=fields.get("reviewer"),
                         reviewed=fields.get("reviewed"), source=fields.get("source"), note=fields.get("note"))
        glossary.add(Concept(id=unique_id(slug(source), taken), term=source, definition=fields.get("definition"),
                             translations={language: tr}, origin=(name, line_no)))
    return glossary


def _parse_comment(comment: str) -> dict[str, str]:
    """'status: approved | note: ...' -> fields; a comment in another shape is kept as the note."""
    comment = comment.strip()
    if not comment:
        return {}
    fields: dict[str, str] = {}
    for part in comment.split(" | "):
        key, sep, value = part.partition(": ")
        if not sep or key not in _COMMENT_FIELDS:
            return {"note": comment}
        fields[key] = value.strip()
    return fields

"""Agenda files: the items a recording is expected to cover, in order.

Two forms are read:

* YAML (``<stem>.agenda.yaml``)::

      title: A View to a Border
      speakers: [Jane Doe, John Roe]        # or mappings with a 'name'
      items:
        - title: Opening
          speakers: [Jane Doe]
          start: "00:00"                    # optional: seconds, MM:SS or HH:MM:SS
        - title: West Africa
          description: The Accra Initiative and Operation Koudanlgou.
          keywords: [ECOWAS, Burkina Faso]
          items:                            # sub-items, same fields
            - Accra Initiative              # a bare string is a title

* plain text (``<stem>.agenda.txt``), as pasted from an invitation: one item a
  line; bullets (``-``, ``*``, ``•``), numbers (``1.``, ``1)``), letters
  (``a)``, ``a.``) and roman numerals (``I.``, ``II.``) are stripped; deeper
  indentation makes a sub-item, and so does a lettered item that directly
  follows a numbered one at the same indentation; a leading timestamp
  (``00:12:30 Opening``, ``[12:30] Opening``) is the item's start. A
  ``Title: ...`` line names the agenda, or else the first line does when a blank
  line follows it; ``Speakers: A, B`` lists the speakers; a lone ``Agenda`` or
  ``Programme`` heading is skipped. Clock-time ranges from invitations
  (``14:00-14:10 Welcome``) are times of day, not offsets into the recording,
  so they are dropped from the title and not used as starts.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from captioner.errors import InputFileError
from captioner.fileio import read_input_text
from captioner.model import to_dict

AGENDA_SUFFIXES = (".agenda.yaml", ".agenda.yml", ".agenda.txt")
MAX_AGENDA_BYTES = 1_000_000


@dataclass
class AgendaItem:
    title: str
    description: str = ""
    keywords: list[str] = field(default_factory=list)
    speakers: list[str] = field(default_factory=list)
    start: float | None = None  # seconds from the start of the recording, when the agenda gives it
    items: list["AgendaItem"] = field(default_factory=list)
    level: int = 1


@dataclass
class Agenda:
    title: str | None = None
    speakers: list[str] = field(default_factory=list)
    items: list[AgendaItem] = field(default_factory=list)

    def walk(self) -> Iterator[AgendaItem]:
        """Every item, parents before their sub-items, in agenda order."""
        def visit(items: list[AgendaItem]) -> Iterator[AgendaItem]:
            for item in items:
                yield item
                yield from visit(item.items)
        return visit(self.items)


# --- public API --------------------------------------------------------------

def load_agenda(path: Path) -> Agenda:
    """Read a YAML or plain-text agenda; InputFileError names the file and line when it is malformed."""
    path = Path(path)
    text = _read_text(path)
    try:
        if path.suffix.lower() in (".yaml", ".yml"):
            agenda = parse_yaml_agenda(text, path.name)
        else:
            agenda = parse_text_agenda(text, path.name)
    except RecursionError:  # the YAML reader and the item tree are read depth first
        raise InputFileError(f"{path.name}: items are nested too deeply; an agenda has a few levels "
                             "(sessions, talks) at most") from None
    if not agenda.items:
        raise InputFileError(f"{path.name}: the agenda has no items; list at least one agenda item")
    return agenda


def find_agenda(media_path: Path) -> Path | None:
    """The agenda beside a recording: ``<stem>.agenda.yaml``, ``.agenda.yml`` or ``.agenda.txt``."""
    media_path = Path(media_path)
    for suffix in AGENDA_SUFFIXES:
        candidate = media_path.with_name(media_path.stem + suffix)
        if candidate.is_file():
            return candidate
    return None


def agenda_hash(agenda: Agenda) -> str:
    """A stable hash of everything in the agenda that alignment uses (for the stage cache)."""
    canonical = json.dumps(to_dict(agenda), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def parse_start(value: Any, where: str) -> float | None:
    """Seconds from a number, ``SS``, ``MM:SS``, ``HH:MM:SS`` (fractions allowed), or None."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise InputFileError(f"{where}: start {value!r} is not a time; write seconds, MM:SS or HH:MM:SS")
    if isinstance(value, (int, float)):
        seconds = float(value)
    else:
        seconds = _parse_clock(str(value).strip())
        if seconds is None:
            raise InputFileError(f"{where}: start {value!r} is not a time; write seconds, MM:SS or HH:MM:SS")
    if seconds < 0 or seconds != seconds or seconds == float("inf"):
        raise InputFileError(f"{where}: start {value!r} must be zero or more seconds")
    return seconds


# --- reading -----------------------------------------------------------------

def _read_text(path: Path) -> str:
    return read_input_text(path, "agenda file", MAX_AGENDA_BYTES)


def _parse_clock(text: str) -> float | None:
    m = re.fullmatch(r"(?:(\d+):)?(\d{1,2}):(\d{1,2}(?:[.,]\d+)?)", text)
    if m:
        hours, minutes, seconds = m.group(1), m.group(2), m.group(3).replace(",", ".")
        if int(minutes) > 59 or float(seconds) >= 60:
            return None
        return int(hours or 0) * 3600 + int(minutes) * 60 + float(seconds)
    m = re.fullmatch(r"\d+(?:\.\d+)?", text)
    if m:
        return float(text)
    return None


# --- YAML --------------------------------------------------------------------

_STANDARD_TAGS = {
    f"tag:yaml.org,2002:{name}"
    for name in ("str", "int", "float", "bool", "null", "seq", "map", "timestamp")
}


def parse_yaml_agenda(text: str, name: str = "agenda.yaml") -> Agenda:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError
    from ruamel.yaml.events import AliasEvent

    yaml = YAML(typ="rt", pure=True)
    try:
        # Check the event stream before building anything: aliases (the way to
        # a "billion laughs" bomb) and application tags are refused outright.
        for event in yaml.parse(text):
            line = event.start_mark.line + 1 if event.start_mark else "?"
            if isinstance(event, AliasEvent):
                raise InputFileError(
                    f"{name} line {line}: YAML aliases (*{event.anchor}) are not allowed in an agenda; "
                    "write the value out in full")
            tag = getattr(event, "tag", None)
            if tag is not None and tag not in _STANDARD_TAGS:
                shown = tag.replace("tag:yaml.org,2002:", "!!")
                raise InputFileError(
                    f"{name} line {line}: YAML tag {shown} is not allowed in an agenda; remove it")
        data = yaml.load(text)
    except MarkedYAMLError as exc:
        # the context ("while scanning a quoted scalar") starts where the mistake is; the problem
        # is where the parser noticed it, often further down
        mark = exc.context_mark or exc.problem_mark
        line = mark.line + 1 if mark else "?"
        detail = exc.problem or "syntax error"
        if exc.context and exc.problem_mark is not None:
            detail = f"{exc.context}, {detail} at line {exc.problem_mark.line + 1}"
        raise InputFileError(f"{name} line {line}: not valid YAML ({detail}); fix the syntax") from None
    except YAMLError as exc:
        raise InputFileError(f"{name}: not valid YAML ({exc}); fix the syntax") from None

    if data is None:
        raise InputFileError(f"{name}: the file is empty; list at least one agenda item")
    if isinstance(data, list):
        data_map: dict = {"items": data}
        items_node, items_line = data, 1
    elif isinstance(data, dict):
        data_map = data
        items_node = data.get("items", data.get("agenda"))
        items_line = _key_line(data, "items" if "items" in data else "agenda")
    else:
        raise InputFileError(f"{name}: expected a mapping with 'title' and 'items', found {type(data).__name__}")
    unknown = set(data_map) - {"title", "speakers", "items", "agenda", "description", "date", "series", "language"}
    if unknown:
        key = sorted(map(str, unknown))[0]
        raise InputFileError(f"{name} line {_key_line(data_map, key)}: unknown key '{key}'; "
                             "an agenda has title, speakers and items")
    if items_node is None:
        raise InputFileError(f"{name}: no 'items' list; list the agenda items under 'items:'")
    if not isinstance(items_node, list):
        raise InputFileError(f"{name} line {items_line}: 'items' must be a list of agenda items")
    title = _text_field(data_map, "title", name)
    speakers = _speakers_field(data_map, name)
    items = [_yaml_item(node, items_node, i, name, level=1) for i, node in enumerate(items_node)]
    return Agenda(title=title or None, speakers=speakers, items=items)


_ITEM_KEYS = {"title", "description", "keywords", "speakers", "speaker", "start", "items", "notes", "duration"}


def _yaml_item(node: Any, parent: list, index: int, name: str, level: int) -> AgendaItem:
    line = _item_line(parent, index)
    where = f"{name} line {line}"
    if isinstance(node, str):
        title = " ".join(node.split())
        if not title:
            raise InputFileError(f"{where}: agenda item {index + 1} is empty; give it a title")
        return AgendaItem(title=title, level=level)
    if not isinstance(node, dict):
        raise InputFileError(f"{where}: agenda item {index + 1} must be a title or a mapping with 'title'")
    unknown = set(node) - _ITEM_KEYS
    if unknown:
        key = sorted(map(str, unknown))[0]
        raise InputFileError(f"{name} line {_key_line(node, key, line)}: unknown item key '{key}'; "
                             "items have title, description, keywords, speakers, start and items")
    title = _text_field(node, "title", name, line)
    if not title:
        raise InputFileError(f"{where}: agenda item {index + 1} has no title; give each item a 'title'")
    keywords_node = node.get("keywords") or []
    if isinstance(keywords_node, str):
        keywords_node = [k for k in re.split(r"[,;]", keywords_node)]
    if not isinstance(keywords_node, list) or not all(isinstance(k, (str, int, float)) for k in keywords_node):
        raise InputFileError(f"{name} line {_key_line(node, 'keywords', line)}: 'keywords' must be a list of words")
    sub_node = node.get("items") or []
    if not isinstance(sub_node, list):
        raise InputFileError(f"{name} line {_key_line(node, 'items', line)}: 'items' must be a list of sub-items")
    return AgendaItem(
        title=title,
        description=_text_field(node, "description", name, line),
        keywords=[" ".join(str(k).split()) for k in keywords_node if str(k).strip()],
        speakers=_speakers_field(node, name, line),
        start=parse_start(node.get("start"), f"{name} line {_key_line(node, 'start', line)}"),
        items=[_yaml_item(sub, sub_node, i, name, level + 1) for i, sub in enumerate(sub_node)],
        level=level,
    )


def _text_field(node: dict, key: str, name: str, line: int | None = None) -> str:
    value = node.get(key)
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        raise InputFileError(f"{name} line {_key_line(node, key, line)}: '{key}' must be text")
    return " ".join(str(value).split())


def _speakers_field(node: dict, name: str, line: int | None = None) -> list[str]:
    value = node.get("speakers", node.get("speaker"))
    if value is None:
        return []
    key = "speakers" if "speakers" in node else "speaker"
    if isinstance(value, (str, dict)):
        value = [value]
    if not isinstance(value, list):
        raise InputFileError(f"{name} line {_key_line(node, key, line)}: '{key}' must be a list of names")
    names = []
    for entry in value:
        if isinstance(entry, dict):
            entry = entry.get("name")
        if not isinstance(entry, str) or not entry.strip():
            raise InputFileError(f"{name} line {_key_line(node, key, line)}: each speaker needs a name")
        names.append(" ".join(entry.split()))
    return names


def _key_line(node: Any, key: str, default: int | None = None) -> int | str:
    try:
        return node.lc.key(key)[0] + 1
    except Exception:  # plain dicts (no position info) or missing keys
        return default if default is not None else "?"


def _item_line(parent: Any, index: int) -> int | str:
    try:
        return parent.lc.item(index)[0] + 1
    except Exception:
        return "?"


# --- plain text ----------------------------------------------------------------

_ROMAN = r"(?:M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3}))"
_MARKERS = [  # first match wins
    ("bullet", re.compile(r"[-*•‣◦▪–—·+](?:\s+|$)")),
    ("number", re.compile(r"\(?(\d{1,3}(?:\.\d{1,3})+)\.?(?:\s+|$)|\(?(\d{1,3})[.)](?:\s+|$)")),
    ("letter", re.compile(r"\(?[a-z][.)](?:\s+|$)")),  # a) b) c): before roman, so c) and i) read as letters
    ("roman", re.compile(rf"\(?(?=[IVXLCM])({_ROMAN})[.)](?:\s+|$)")),
    ("roman", re.compile(rf"\(?(?=[ivxlcm]{{2}})({_ROMAN.lower()})[.)](?:\s+|$)")),
    ("other", re.compile(r"\(?[A-Z][.)](?:\s+|$)")),
]
_TIME = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?"
_CLOCK_RANGE = re.compile(rf"\[?({_TIME})\s*(?:am|pm|AM|PM)?\s*(?:-|–|—|to)\s*({_TIME})\s*(?:am|pm|AM|PM)?\]?\s*[-–—:|]?\s*")
_LEADING_TIME = re.compile(rf"[\[(]?({_TIME}|\d+(?:\.\d+)?s)[\])]?(?:\s*[-–—:|]\s*|\s+)")
_HEADINGS = {"agenda", "programme", "program", "schedule", "order of business", "running order"}


@dataclass
class _Line:
    number: int
    indent: int
    marker: str | None
    start: float | None
    text: str
    depth: int = 1  # 2 for "1.2", 3 for "1.2.3"


def parse_text_agenda(text: str, name: str = "agenda.txt") -> Agenda:
    title: str | None = None
    speakers: list[str] = []
    lines: list[_Line | None] = []  # None marks a blank line
    for number, raw in enumerate(text.splitlines(), start=1):
        expanded = raw.expandtabs(4).rstrip()
        if not expanded.strip():
            lines.append(None)
            continue
        stripped = expanded.lstrip()
        indent = len(expanded) - len(stripped)
        key, _, value = stripped.partition(":")
        if key.strip().lower() == "title" and value.strip() and title is None:
            title = " ".join(value.split())
            continue
        if key.strip().lower() in ("speakers", "speaker", "panellists", "panelists") and value.strip():
            speakers.extend(s.strip() for s in re.split(r"[,;]", value) if s.strip())
            continue
        if stripped.rstrip(":").strip().lower() in _HEADINGS:
            continue
        lines.append(_parse_line(number, indent, stripped, name))

    entries = [ln for ln in lines if ln is not None]
    if title is None and entries and lines and lines[0] is entries[0]:
        first = entries[0]
        blank_follows = len(lines) > 1 and lines[1] is None
        if (blank_follows and first.marker is None and first.start is None
                and len(entries) > 1):
            title = first.text
            entries = entries[1:]
    if not entries:
        raise InputFileError(f"{name}: the agenda has no items; write one agenda item a line")

    items: list[AgendaItem] = []
    stack: list[tuple[_Line, AgendaItem]] = []  # the open parents, outermost first
    for entry in entries:
        while stack and (stack[-1][0].indent > entry.indent
                         or (stack[-1][0].indent == entry.indent and not _nests_under(entry, stack[-1][0]))):
            stack.pop()
        item = AgendaItem(title=entry.text, start=entry.start, level=len(stack) + 1)
        (stack[-1][1].items if stack else items).append(item)
        stack.append((entry, item))
    return Agenda(title=title, speakers=speakers, items=items)


def _nests_under(entry: _Line, parent: _Line) -> bool:
    """At the same indentation, does this line's marker make it a sub-item of the line before?"""
    if entry.marker == "letter":
        return parent.marker in ("number", "roman")
    if entry.marker == "number":
        return parent.marker == "roman" or (parent.marker == "number" and entry.depth > parent.depth)
    return False


def _parse_line(number: int, indent: int, text: str, name: str) -> _Line:
    start: float | None = None
    marker, depth = None, 1
    rest = text
    seen_time = False
    progress = True
    while progress:  # a marker and a time may come in either order: "- 00:05 Opening", "[00:05] 1. Opening"
        progress = False
        if not seen_time:
            range_match = _CLOCK_RANGE.match(rest)
            if range_match:
                rest, seen_time, progress = rest[range_match.end():], True, True
                continue
            time_match = _LEADING_TIME.match(rest)
            if time_match and rest[time_match.end():].strip():
                value = time_match.group(1)
                start = parse_start(value[:-1] if value.endswith("s") else value, f"{name} line {number}")
                rest, seen_time, progress = rest[time_match.end():], True, True
                continue
        if marker is None:
            for kind, pattern in _MARKERS:
                m = pattern.match(rest)
                if m:
                    if kind == "number":
                        depth = (m.group(1) or m.group(2)).count(".") + 1
                    marker, rest, progress = kind, rest[m.end():], True
                    break
    title = " ".join(rest.split())
    if not title:
        raise InputFileError(f"{name} line {number}: the item has no title, only a marker or a time; "
                             "write the item's title after it")
    return _Line(number=number, indent=indent, marker=marker, start=start, text=title, depth=depth)

"""The series page: every processed recording under OUT/, with its title, duration, languages and chapters."""
from __future__ import annotations

import json
from pathlib import Path

from captioner.clock import clock
from captioner.errors import CaptionerError
from captioner.fileio import write_text_atomic
from captioner.lang import direction
from captioner.replay import markup
from captioner.replay.languages import autonym, same_language
from captioner.replay.page import CSP, UI_LANGUAGE, asset_text
from captioner.replay.passages import iso_duration
from captioner.workspace import Workspace


def _read_json(path: Path) -> dict:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def recording_summary(folder: Path) -> dict | None:
    """What the series page lists for one output folder, or None if it holds no processed recording."""
    workspace = Workspace.at(folder)
    if not (workspace.transcript.is_file() and workspace.report.is_file()):
        return None
    report = _read_json(workspace.report)
    summary = _read_json(workspace.page_summary)
    if not summary:
        transcript = workspace.load_transcript()
        workspace = Workspace.at(folder, str(report.get("recording") or folder.name))
        stem = workspace.stem
        languages = [transcript.language] + [lang for lang in workspace.track_languages()
                                             if not same_language(lang, transcript.language)]
        summary = {
            "stem": stem, "title": report.get("title") or stem, "duration": transcript.duration,
            "language": transcript.language, "languages": languages,
            "chapters": [{"title": c.title, "start": c.start, "level": c.level} for c in transcript.chapters],
        }
    summary["folder"] = folder.name
    summary["has_page"] = workspace.page.is_file()
    return summary


def _lang(tag: str) -> str:
    out = f' lang="{markup.attr(tag)}"'
    return out + (' dir="rtl"' if direction(tag) == "rtl" else "")


def render_series(summaries: list[dict], heading: str) -> str:
    items = []
    for s in summaries:
        source = str(s.get("language") or UI_LANGUAGE)
        source_lang = "" if same_language(source, UI_LANGUAGE) else _lang(source)
        title = markup.text(s.get("title") or s["stem"])
        href = markup.attr(markup.url(s["folder"]) + "/index.html")
        title_html = f'<a href="{href}">{title}</a>' if s["has_page"] else title
        languages = ", ".join(
            f"<span{'' if same_language(tag, UI_LANGUAGE) else _lang(tag)}>{markup.text(autonym(tag))}</span>"
            for tag in s.get("languages") or [])
        duration = float(s.get("duration") or 0)
        chapters = s.get("chapters") or []
        chapter_list = ""
        if chapters:
            chapter_list = (
                "<details><summary>Chapters</summary><ol>" + "".join(
                    f'<li><time datetime="{iso_duration(float(c.get("start", 0)))}">{clock(float(c.get("start", 0)))}</time> '
                    f"<span{source_lang}>{markup.text(c.get('title', ''))}</span></li>" for c in chapters)
                + "</ol></details>")
        items.append(
            f'<li class="recording"><h2{source_lang}>{title_html}</h2>'
            f'<p>Duration <time datetime="{iso_duration(duration)}">{clock(duration)}</time>'
            f" · Languages: {languages}</p>{chapter_list}</li>")
    body = ("<ul class=\"recordings\">\n" + "\n".join(items) + "\n</ul>\n") if items else "<p>No recordings have been processed yet.</p>\n"
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{UI_LANGUAGE}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{markup.attr(CSP)}">\n'
        '<meta name="referrer" content="no-referrer">\n'
        f"<title>{markup.text(heading)}</title>\n"
        '<link rel="stylesheet" href="replay.css">\n'
        "</head>\n<body>\n"
        f'<header class="page-header"><h1>{markup.text(heading)}</h1></header>\n'
        f'<main id="main">\n{body}</main>\n'
        "</body>\n</html>\n"
    )


def build_series_index(out_dir: Path, heading: str = "Recorded webinars") -> Path:
    """Write out_dir/index.html listing every processed recording; return its path."""
    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        raise CaptionerError(f"{out_dir}: no such folder; run `captioner run` first")
    summaries = [s for s in (recording_summary(d) for d in sorted(out_dir.iterdir()) if d.is_dir()) if s]
    summaries.sort(key=lambda s: str(s.get("title") or s["stem"]).casefold())
    css = out_dir / "replay.css"
    content = asset_text("replay.css")
    if not css.exists() or css.read_text(encoding="utf-8") != content:
        write_text_atomic(css, content)
    index = out_dir / "index.html"
    write_text_atomic(index, render_series(summaries, heading))
    return index

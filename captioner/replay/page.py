"""The replay page of one recording: player, chapters, transcripts, glossary, downloads.

Everything that comes from a transcript, an agenda or a glossary goes through
`markup.text`/`markup.attr`; data for the script goes in a JSON block with
`<`, `>` and `&` escaped. The page loads nothing from elsewhere, has no inline
script or style, and says so in its Content-Security-Policy.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from captioner.clock import clock
from captioner.fileio import write_text_atomic
from captioner.formats.labels import shown_lines
from captioner.lang import direction
from captioner.model import Cue, CueTrack, Transcript
from captioner.replay import markup
from captioner.replay.glossary_marks import TermFinder, TermInfo, glossary_terms
from captioner.replay.languages import autonym, same_language
from captioner.replay.media_link import has_video, media_reference
from captioner.replay.passages import (
    Section,
    iso_duration,
    ordered_chapters,
    source_sections,
    translated_sections,
)
from captioner.workspace import LANGUAGE_FILES, Workspace

ASSETS = ("replay.css", "replay.js")
UI_LANGUAGE = "en"  # the language of the page's own words (labels, headings)

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; media-src 'self'; "
       "base-uri 'none'; form-action 'none'")


@dataclass
class Language:
    tag: str
    name: str          # in its own language
    kind: str          # captions (the spoken language) or subtitles (a translation)
    engine: str | None
    sections: list[Section]
    cues: list[Cue]


def asset_text(name: str) -> str:
    return resources.files("captioner.replay").joinpath("assets", name).read_text(encoding="utf-8")


def write_assets(folder: Path) -> list[Path]:
    written = []
    for name in ASSETS:
        path = Path(folder) / name
        content = asset_text(name)
        if not path.exists() or path.read_text(encoding="utf-8") != content:
            write_text_atomic(path, content)
        written.append(path)
    return written


# --- data for the script ---------------------------------------------------------

def _cue_rows(cues: list[Cue]) -> list[list[Any]]:
    rows = []
    for cue in cues:
        # the lines as the caption files show them (with speaker labels), for file:// playback
        row: list[Any] = [round(cue.start, 3), round(cue.end, 3), "\n".join(shown_lines(cue))]
        if cue.speaker:
            row.append(cue.speaker)
        rows.append(row)
    return rows


def page_data(languages: list[Language], chapters_file: str | None, chapters: list, stem: str) -> dict:
    tracks = [{"lang": lang.tag, "dir": direction(lang.tag), "kind": lang.kind, "label": lang.name,
               "cues": _cue_rows(lang.cues)} for lang in languages]
    if chapters_file:
        rows = []
        for i, chapter in enumerate(chapters):  # as in the chapters file: each ends where the next starts
            end = min(chapter.end, chapters[i + 1].start) if i + 1 < len(chapters) and chapters[i + 1].start > chapter.start else chapter.end
            rows.append([round(chapter.start, 3), round(max(end, chapter.start + 0.001), 3), chapter.title])
        tracks.append({"lang": languages[0].tag, "kind": "chapters", "label": "Chapters", "cues": rows})
    return {"stem": stem, "tracks": tracks}


# --- the page ----------------------------------------------------------------------

def _lang_attrs(tag: str) -> str:
    out = f' lang="{markup.attr(tag)}"'
    if direction(tag) == "rtl":
        out += ' dir="rtl"'
    return out


def _block_lang(tag: str, around: str) -> str:
    """lang (and dir) for a block whose language differs from its surroundings."""
    if same_language(tag, around):
        return ""
    return _lang_attrs(tag) + ("" if direction(tag) == "rtl" else (' dir="ltr"' if direction(around) == "rtl" else ""))


def _speakers_text(names: list[str]) -> str:
    return ", ".join(names)


class PageWriter:
    def __init__(self, stem: str, title: str, transcript: Transcript, languages: list[Language],
                 terms: list[TermInfo], media_url: str, video: bool, files: dict[str, dict[str, str]],
                 chapters_file: str | None, media_name: str):
        self.stem = stem
        self.title = title
        self.transcript = transcript
        self.source = transcript.language
        self.languages = languages
        self.terms = terms
        self.media_url = media_url
        self.video = video
        self.files = files
        self.chapters_file = chapters_file
        self.media_name = media_name
        self.used_terms: dict[str, TermInfo] = {}
        self.note_ids = 0
        # A glossary entry for a speaker is not marked: the passage's label already says who it is.
        speakers = {w.speaker.casefold() for w in transcript.words if w.speaker}
        speakers |= {name.casefold() for c in transcript.chapters for name in c.speakers}
        self.speaker_terms = {t.key for t in terms
                              if any(f.casefold() in speakers for forms in t.forms.values() for f in forms)}

    # -- pieces
    def head(self) -> str:
        return (
            "<!DOCTYPE html>\n"
            f'<html lang="{UI_LANGUAGE}">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f'<meta http-equiv="Content-Security-Policy" content="{markup.attr(CSP)}">\n'
            '<meta name="referrer" content="no-referrer">\n'
            '<meta name="generator" content="captioner">\n'
            f"<title>{markup.text(self.title)} · captioned replay</title>\n"
            '<link rel="stylesheet" href="replay.css">\n'
            '<script src="replay.js" defer></script>\n'
            "</head>\n"
        )

    def header(self) -> str:
        names = ", ".join(f'<span{_block_lang(lang.tag, UI_LANGUAGE)}>{markup.text(lang.name)}</span>'
                          for lang in self.languages)
        duration = self.transcript.duration
        return (
            '<a class="skip-link" href="#transcript">Skip to the transcript</a>\n'
            '<header class="page-header">\n'
            f'<h1{_block_lang(self.source, UI_LANGUAGE)}>{markup.text(self.title)}</h1>\n'
            '<p class="facts">'
            f'Duration <time datetime="{iso_duration(duration)}">{clock(duration)}</time>'
            f' · Captions: {names}</p>\n'
            "</header>\n"
        )

    def player(self) -> str:
        element = "video" if self.video else "audio"
        tracks = []
        for lang in self.languages:
            vtt = self.files.get(lang.tag, {}).get("vtt")
            if vtt:
                default = " default" if lang.kind == "captions" else ""
                tracks.append(f'<track kind="{lang.kind}" src="{markup.attr(vtt)}" srclang="{markup.attr(lang.tag)}" '
                              f'label="{markup.attr(lang.name)}" data-lang="{markup.attr(lang.tag)}"{default}>')
        if self.chapters_file:
            tracks.append(f'<track kind="chapters" src="{markup.attr(self.chapters_file)}" '
                          f'srclang="{markup.attr(self.source)}" label="Chapters" data-lang="{markup.attr(self.source)}">')
        options = "".join(
            f'<option value="{markup.attr(lang.tag)}"{_block_lang(lang.tag, UI_LANGUAGE)}'
            f'{" selected" if lang.kind == "captions" else ""}>{markup.text(lang.name)}</option>'
            for lang in self.languages)
        transcript_options = "".join(
            f'<option value="{markup.attr(lang.tag)}"{_block_lang(lang.tag, UI_LANGUAGE)}>{markup.text(lang.name)}</option>'
            for lang in self.languages)
        poster_note = "" if self.video else (
            '<div id="caption-box" class="caption-box" hidden>'
            '<p class="caption-box-label" id="caption-box-label">Captions</p>'
            '<div class="caption-text" id="caption-text" aria-labelledby="caption-box-label"></div></div>\n')
        return (
            '<section class="player" aria-labelledby="player-heading">\n'
            '<h2 id="player-heading" class="visually-hidden">Recording</h2>\n'
            f'<{element} id="player" class="media" controls preload="metadata" src="{markup.attr(self.media_url)}">\n'
            + "\n".join(tracks) +
            f'\n<p>Your browser cannot play this recording here. '
            f'<a href="{markup.attr(self.media_url)}">Download the recording</a> and read the transcript below.</p>\n'
            f"</{element}>\n"
            + poster_note +
            "</section>\n"
            '<div class="player-controls" id="player-controls" hidden>\n'
            '<div class="control"><label for="caption-language">Captions</label>\n'
            f'<select id="caption-language"><option value="">Off</option>{options}</select></div>\n'
            '<div class="control"><label for="transcript-language">Transcript</label>\n'
            f'<select id="transcript-language">{transcript_options}</select></div>\n'
            '<div class="control checkbox"><input type="checkbox" id="follow" checked>'
            '<label for="follow">Follow along: highlight and scroll to the passage being played</label></div>\n'
            "</div>\n"
        )

    def chapter_nav(self) -> str:
        chapters = ordered_chapters(self.transcript.chapters)
        if not chapters:
            return ""
        items = []
        for chapter in chapters:
            section = next((s for s in self.languages[0].sections
                            if s.title == chapter.title and abs(s.start - chapter.start) < 1e-6), None)
            target = f"#{self._section_id(self.languages[0].tag, section.index)}" if section else "#transcript"
            speakers = (f' <span class="chapter-speakers">{markup.text(_speakers_text(chapter.speakers))}</span>'
                        if chapter.speakers else "")
            level = " sub" if chapter.level > 1 else ""
            items.append(
                f'<li class="chapter{level}"><a class="seek-link" href="{markup.attr(target)}" '
                f'data-start="{chapter.start:.3f}">'
                f'<time datetime="{iso_duration(chapter.start)}">{clock(chapter.start)}</time> '
                f'<span class="chapter-title"{_block_lang(self.source, UI_LANGUAGE)}>{markup.text(chapter.title)}</span></a>'
                f"{speakers}</li>")
        return (
            '<nav class="chapters" aria-labelledby="chapters-heading">\n'
            '<h2 id="chapters-heading">Chapters</h2>\n'
            '<ol id="chapter-list">\n' + "\n".join(items) + "\n</ol>\n</nav>\n"
        )

    def _section_id(self, lang: str, index: int) -> str:
        return f"t-{markup.token(lang)}-ch-{index}"

    def _marked(self, text: str, finder: TermFinder | None, seen: set[str], lang: str) -> str:
        if finder is None:
            return markup.text(text)
        out = []
        for piece in finder.split(text):
            if isinstance(piece, str):
                out.append(markup.text(piece))
                continue
            found, term = piece
            # Only a term's first use is marked: each mark is a stop in the keyboard's tab order.
            if term.key in seen:
                out.append(markup.text(found))
                continue
            seen.add(term.key)
            self.used_terms[term.key] = term
            self.note_ids += 1
            note = f"term-note-{self.note_ids}"
            definition_lang = _block_lang(term.definition_language or self.source, lang)
            out.append(
                f'<button type="button" class="term" aria-expanded="false" aria-controls="{note}" '
                f'aria-describedby="{note}-text">{markup.text(found)}</button>'
                f'<span class="term-note" id="{note}" hidden>'
                f'<span class="term-note-text" id="{note}-text"{definition_lang}>'
                f'<span class="term-note-label">{markup.text(term.label)}:</span> {markup.text(term.definition)}</span>'
                "</span>")
        return "".join(out)

    def transcript_panel(self, lang: Language) -> str:
        finder = TermFinder(self.terms, lang.tag) if self.terms else None
        seen: set[str] = set(self.speaker_terms)
        tag = markup.token(lang.tag)
        parts = [
            f'<section class="transcript-panel" id="transcript-{tag}" data-lang="{markup.attr(lang.tag)}"'
            f'{_lang_attrs(lang.tag)} aria-labelledby="transcript-{tag}-heading">\n'
            f'<h3 id="transcript-{tag}-heading">{markup.text(lang.name)}'
            f'{self._kind_note(lang)}</h3>\n'
        ]
        for section in lang.sections:
            parts.append(f'<section class="transcript-chapter" data-start="{section.start:.3f}">\n')
            if section.title is not None:
                level = min(6, 3 + section.level)
                parts.append(f'<h{level} id="{self._section_id(lang.tag, section.index)}"'
                             f'{_block_lang(self.source, lang.tag)}>{markup.text(section.title)}</h{level}>\n')
            for passage in section.passages:
                speaker = (f'<span class="speaker"><bdi>{markup.text(passage.speaker)}</bdi>:</span> '
                           if passage.speaker else "")
                parts.append(
                    f'<div class="passage" data-start="{passage.start:.3f}" data-end="{passage.end:.3f}">'
                    f'<button type="button" class="seek" data-start="{passage.start:.3f}">'
                    f'<span class="visually-hidden"{_block_lang(UI_LANGUAGE, lang.tag)}>Play from </span>'
                    f'<time datetime="{iso_duration(passage.start)}">{clock(passage.start)}</time></button>'
                    f'<p class="passage-text">{speaker}{self._marked(passage.text, finder, seen, lang.tag)}</p>'
                    "</div>\n")
            parts.append("</section>\n")
        parts.append("</section>\n")
        return "".join(parts)

    def _kind_note(self, lang: Language) -> str:
        if lang.kind == "captions":
            note = "original language"
        else:
            note = "machine translation" + (f", {lang.engine}" if lang.engine else "")
        return f' <span class="kind-note"{_block_lang(UI_LANGUAGE, lang.tag)}>({markup.text(note)})</span>'

    def transcripts(self) -> str:
        panels = "".join(self.transcript_panel(lang) for lang in self.languages)
        return (
            '<section class="transcript" id="transcript" aria-labelledby="transcript-heading" tabindex="-1">\n'
            '<h2 id="transcript-heading">Transcript</h2>\n'
            '<div class="search" id="search-form" role="search" hidden>\n'
            '<label for="search">Search the transcript</label>\n'
            '<input type="search" id="search" autocomplete="off" aria-describedby="search-status">\n'
            '<p id="search-status" class="search-status" role="status"></p>\n'
            "</div>\n"
            '<div class="transcript-box" id="transcript-box" tabindex="0" role="region" '
            'aria-label="Transcript text">\n' + panels + "</div>\n</section>\n"
        )

    def glossary(self) -> str:
        if not self.used_terms:
            return ""
        entries = []
        for term in sorted(self.used_terms.values(), key=lambda t: t.label.casefold()):
            source = (f' <span class="definition-source">Source: {markup.text(term.source)}</span>'
                      if term.source else "")
            entries.append(
                f'<dt id="glossary-{markup.attr(term.key)}"{_block_lang(self.source, UI_LANGUAGE)}>{markup.text(term.label)}</dt>'
                f'<dd><span{_block_lang(term.definition_language or self.source, UI_LANGUAGE)}>'
                f"{markup.text(term.definition)}</span>{source}</dd>")
        count = len(entries)
        return (
            '<section class="glossary" aria-labelledby="glossary-heading">\n'
            '<h2 id="glossary-heading">Terms used in this recording</h2>\n'
            f"<details><summary>The {count} {'term' if count == 1 else 'terms'} marked in the transcript, "
            "with their definitions</summary>\n"
            "<dl>\n" + "\n".join(entries) + "\n</dl>\n</details>\n</section>\n"
        )

    def downloads(self) -> str:
        rows = []
        labels = {"srt": "SRT", "vtt": "WebVTT", "txt": "Text"}
        for lang in self.languages:
            cells = []
            for kind in ("srt", "vtt", "txt"):
                href = self.files.get(lang.tag, {}).get(kind)
                if href:
                    cells.append(f'<td><a href="{markup.attr(href)}" download>'
                                 f'<span class="visually-hidden">{markup.text(lang.name)} </span>{labels[kind]}</a></td>')
                else:
                    cells.append('<td><span class="visually-hidden">not available</span>–</td>')
            rows.append(f'<tr><th scope="row"{_block_lang(lang.tag, UI_LANGUAGE)}>{markup.text(lang.name)}</th>'
                        + "".join(cells) + "</tr>")
        extra = []
        if self.chapters_file:
            extra.append(f'<li><a href="{markup.attr(self.chapters_file)}" download>Chapters (WebVTT)</a></li>')
        extra.append(f'<li><a href="{markup.attr(self.media_url)}" download>The recording '
                     f'({markup.text(self.media_name)})</a></li>')
        return (
            '<section class="downloads" aria-labelledby="downloads-heading">\n'
            '<h2 id="downloads-heading">Downloads</h2>\n'
            '<table>\n<caption class="visually-hidden">Caption and transcript files by language</caption>\n'
            '<thead><tr><th scope="col">Language</th><th scope="col">Subtitles (SRT)</th>'
            '<th scope="col">Captions (WebVTT)</th><th scope="col">Transcript (text)</th></tr></thead>\n'
            "<tbody>\n" + "\n".join(rows) + "\n</tbody>\n</table>\n"
            '<ul class="other-downloads">' + "".join(extra) + "</ul>\n</section>\n"
        )

    def footer(self) -> str:
        return (
            '<footer class="page-footer"><p>Transcript and captions made by speech recognition'
            + (" and machine translation" if len(self.languages) > 1 else "")
            + "; they may contain errors.</p></footer>\n"
        )

    def render(self, data: dict) -> str:
        body_main = self.player() + self.chapter_nav() + self.transcripts()
        # The glossary lists the terms marked while rendering the transcripts, so it comes after them.
        body_main += self.glossary() + self.downloads()
        return (
            self.head()
            + "<body>\n"
            + self.header()
            + ('<main id="main" class="has-chapters">\n' if self.transcript.chapters else '<main id="main">\n')
            + body_main + "</main>\n"
            + self.footer()
            + f'<script type="application/json" id="replay-data">{markup.script_json(data)}</script>\n'
            + "</body>\n</html>\n"
        )


def _caption_files(folder: Path, stem: str, language: str) -> dict[str, str]:
    found = {}
    for kind in LANGUAGE_FILES:
        path = Workspace.at(folder, stem).track(language, kind)
        if path.is_file():
            found[kind] = markup.url(path.name)
    return found


def languages_of(transcript: Transcript, tracks: dict[str, CueTrack]) -> list[Language]:
    """The spoken language first, then the translations in the order given."""
    source = transcript.language
    sections = source_sections(transcript)
    source_track = next((t for tag, t in tracks.items() if same_language(tag, source)), None)
    out = [Language(tag=source, name=autonym(source), kind="captions", engine=None,
                    sections=sections, cues=list(source_track.cues) if source_track else [])]
    for tag, track in tracks.items():
        if same_language(tag, source):
            continue
        out.append(Language(tag=tag, name=autonym(tag), kind="subtitles", engine=track.engine,
                            sections=translated_sections(sections, track.cues, tag), cues=list(track.cues)))
    return out


def build_replay(folder: Path, stem: str, transcript: Transcript, tracks: dict[str, CueTrack], media_path: Path,
                 glossary=None, title: str | None = None, copy_media: bool = False) -> Path:
    """Write folder/index.html with its assets beside it; return the page's path.

    The caption files (<stem>.<lang>.vtt/.srt/.txt, <stem>.chapters.vtt) are
    expected in `folder` already; the page links to those that exist.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    media_url = media_reference(folder, Path(media_path), copy_media)
    languages = languages_of(transcript, tracks)
    files = {lang.tag: _caption_files(folder, stem, lang.tag) for lang in languages}
    workspace = Workspace.at(folder, stem)
    chapters = workspace.chapters_vtt
    chapters_file = markup.url(chapters.name) if chapters.is_file() and transcript.chapters else None
    title = (title or "").strip() or stem
    writer = PageWriter(stem, title, transcript, languages, glossary_terms(glossary, transcript.language),
                        media_url, has_video(transcript, Path(media_path)), files, chapters_file, Path(media_path).name)
    data = page_data(languages, chapters_file, ordered_chapters(transcript.chapters), stem)
    page = writer.render(data)
    write_assets(folder)
    write_text_atomic(workspace.page_summary,
                      json.dumps(summary(stem, title, transcript, languages), ensure_ascii=False, indent=1))
    index = workspace.page
    write_text_atomic(index, page)
    return index


def summary(stem: str, title: str, transcript: Transcript, languages: list[Language]) -> dict:
    """What the series page shows about this recording (replay.json beside index.html)."""
    return {
        "stem": stem,
        "title": title,
        "duration": transcript.duration,
        "language": transcript.language,
        "languages": [lang.tag for lang in languages],
        "chapters": [{"title": c.title, "start": c.start, "level": c.level}
                     for c in ordered_chapters(transcript.chapters)],
    }

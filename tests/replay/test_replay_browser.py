"""The replay page in real headless Chromium: accessibility (axe-core), tracks, keyboard, languages, escaping.

Four page loads in all: the sample page over HTTP (most checks), the same page
from file://, the hostile-text page, and the series page. A screenshot of the
sample page is saved as test-artifacts/replay.png.
"""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import pytest

from captioner.formats import read_captions
from captioner.replay import build_series_index
from tests.support import browser
from tests.support import replay_sample as rs

pytestmark = [pytest.mark.mt, pytest.mark.browser]

READY = "html[data-replay-ready]"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("replay-site")
    synth = tmp_path_factory.getbasetemp() / "replay-synth"
    sample = rs.build_sample_folder(root / "transcripts", synth, media_dir=root / "recordings")
    hostile = rs.build_payload_folder(root / "transcripts", root / "recordings")
    build_series_index(root / "transcripts")
    return root, sample, hostile


@pytest.fixture(scope="module")
def chromium():
    with browser.chromium() as instance:
        yield instance


@pytest.fixture(scope="module")
def server(site):
    root, _, _ = site
    with browser.serve(root) as base:
        yield base


@pytest.fixture(scope="module")
def sample_page(chromium, server, site):
    _, sample, _ = site
    page, watch = browser.new_page(chromium, axe=True, viewport={"width": 1280, "height": 900})
    page.goto(server + "transcripts/view-to-a-border/index.html")
    page.wait_for_selector(READY)
    page.wait_for_function("() => document.getElementById('player').readyState >= 1")
    yield page, watch, sample
    page.close()


def page_url(server: str, index: Path, root: Path) -> str:
    return server + quote(index.relative_to(root).as_posix())


def vtt_counts(sample) -> dict[tuple[str, str], int]:
    folder, stem = sample.folder, sample.stem
    counts = {("captions", "en"): len(read_captions(folder / f"{stem}.en.vtt")),
              ("chapters", "en"): len(read_captions(folder / f"{stem}.chapters.vtt"))}
    for lang in ("es", "ar"):
        counts[("subtitles", lang)] = len(read_captions(folder / f"{stem}.{lang}.vtt"))
    return counts


LOADED_CUES = """() => Array.from(document.getElementById('player').textTracks).map(t => {
  if (t.mode === 'disabled') { t.mode = 'hidden'; }   // a disabled track does not load
  return [t.kind, t.language, t.cues ? t.cues.length : -1];
})"""


def wait_for_cues(page, expected: dict) -> dict:
    page.wait_for_function(f"""(n) => {{ const rows = ({LOADED_CUES})();
        return rows.length === n && rows.every(r => r[2] > 0); }}""", arg=len(expected), timeout=10000)
    return {(kind, lang): n for kind, lang, n in page.evaluate(LOADED_CUES)}


def pause_at(page, seconds: float) -> None:
    page.evaluate("(t) => { const p = document.getElementById('player'); p.pause(); p.currentTime = t; }", seconds)
    page.wait_for_function("(t) => Math.abs(document.getElementById('player').currentTime - t) < 0.01", arg=seconds)


def current_time(page) -> float:
    return page.evaluate("() => document.getElementById('player').currentTime")


# --- the sample page over HTTP ---------------------------------------------------------------

def test_axe_finds_no_wcag_21_aa_violations_in_light_and_dark(sample_page):
    page, _, _ = sample_page
    assert browser.axe_violations(page) == []
    page.emulate_media(color_scheme="dark")
    try:
        assert browser.axe_violations(page) == []
    finally:
        page.emulate_media(color_scheme="light")


def test_text_tracks_load_every_cue_of_the_caption_files(sample_page):
    page, _, sample = sample_page
    kinds = page.evaluate("() => Array.from(document.querySelectorAll('#player track')).map(t => [t.kind, t.srclang, t.label])")
    assert kinds == [["captions", "en", "English"], ["subtitles", "es", "Español"], ["subtitles", "ar", "العربية"],
                     ["chapters", "en", "Chapters"]]
    assert wait_for_cues(page, vtt_counts(sample)) == vtt_counts(sample)
    page.select_option("#caption-language", "en")  # back to the page's own choice of modes


def test_keyboard_moves_focus_visibly_and_seeks_from_transcript_and_chapters(sample_page):
    page, _, sample = sample_page
    pause_at(page, 0.0)
    # Tab order: search field, the scrollable transcript, then the first timestamp
    page.focus("#search")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "transcript-box"
    page.keyboard.press("Tab")
    first = page.evaluate("() => document.activeElement.matches('.transcript-panel[data-lang=en] button.seek')")
    assert first
    outline = page.evaluate("() => { const s = getComputedStyle(document.activeElement); return [s.outlineStyle, s.outlineWidth]; }")
    assert outline == ["solid", "3px"]

    buttons = page.locator(".transcript-panel[data-lang='en'] button.seek")
    target = buttons.nth(5)
    start = float(target.get_attribute("data-start"))
    assert start > 30
    target.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("(t) => { const c = document.getElementById('player').currentTime; return c >= t - 0.05 && c < t + 3; }",
                           arg=start)
    page.wait_for_function("(t) => { const p = document.querySelector('.transcript-panel[data-lang=en] .passage.current');"
                           " return p && Math.abs(parseFloat(p.dataset.start) - t) < 0.002; }", arg=start)
    page.evaluate("() => document.getElementById('player').pause()")

    chapter = page.locator("#chapter-list a").nth(3)
    chapter_start = float(chapter.get_attribute("data-start"))
    assert chapter_start == pytest.approx(sorted(c.start for c in sample.transcript.chapters)[3], abs=1e-3)
    chapter.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("(t) => { const c = document.getElementById('player').currentTime; return c >= t - 0.05 && c < t + 3; }",
                           arg=chapter_start)
    page.wait_for_function("() => document.querySelectorAll('#chapter-list a')[3].getAttribute('aria-current') === 'true'")
    assert page.evaluate("() => location.hash") == ""  # the link seeks instead of jumping away from the player
    page.evaluate("() => document.getElementById('player').pause()")


def shown_caption(page) -> dict:
    return page.evaluate("""() => {
      const box = document.getElementById('caption-text');
      const tracks = Array.from(document.getElementById('player').textTracks).filter(t => t.kind !== 'chapters');
      const showing = tracks.filter(t => t.mode === 'showing');
      return {box: box.textContent, lang: box.getAttribute('lang'), dir: box.getAttribute('dir'),
              showing: showing.map(t => t.language),
              active: showing.length && showing[0].activeCues ? Array.from(showing[0].activeCues).map(c => c.text) : []};
    }""")


def test_switching_subtitle_language_shows_that_languages_cues(sample_page):
    page, _, sample = sample_page
    spanish = sample.tracks["es"].cues[10]
    page.select_option("#caption-language", "es")
    pause_at(page, (spanish.start + spanish.end) / 2)
    page.wait_for_function("(text) => document.getElementById('caption-text').textContent.includes(text)",
                           arg=spanish.lines[0][:20])
    shown = shown_caption(page)
    assert shown["showing"] == ["es"] and shown["lang"] == "es" and shown["dir"] == "ltr"
    assert spanish.lines[0] in " ".join(shown["active"]) and spanish.lines[0] in shown["box"]
    assert page.evaluate("() => document.querySelector('.transcript-panel:not([hidden])').lang") == "es"

    arabic = sample.tracks["ar"].cues[1]
    page.select_option("#caption-language", "ar")
    pause_at(page, (arabic.start + arabic.end) / 2)
    page.wait_for_function("(text) => document.getElementById('caption-text').textContent.includes(text)",
                           arg=arabic.lines[0])
    shown = shown_caption(page)
    assert shown["showing"] == ["ar"] and shown["lang"] == "ar" and shown["dir"] == "rtl"
    panel = page.evaluate("() => { const p = document.querySelector('.transcript-panel:not([hidden])'); return [p.lang, p.dir]; }")
    assert panel == ["ar", "rtl"]

    page.select_option("#caption-language", "")
    assert shown_caption(page)["showing"] == [] and page.is_hidden("#caption-box")
    page.select_option("#caption-language", "en")
    page.select_option("#transcript-language", "en")


def test_search_finds_passages_ignoring_case_and_accents(sample_page):
    page, _, _ = sample_page
    page.fill("#search", "PETROVIC")
    page.wait_for_function("() => document.getElementById('search-status').textContent.includes('match')")
    result = page.evaluate("""() => {
      const panel = document.querySelector('.transcript-panel[data-lang=en]');
      const all = Array.from(panel.querySelectorAll('.passage'));
      return {shown: all.filter(p => !p.hidden).map(p => p.textContent), hidden: all.filter(p => p.hidden).length,
              marks: Array.from(panel.querySelectorAll('mark.hit')).map(m => m.textContent),
              status: document.getElementById('search-status').textContent};
    }""")
    assert result["shown"] and all("Petrović" in text for text in result["shown"])
    assert result["hidden"] > 0 and set(result["marks"]) == {"Petrović"}
    assert f"in {len(result['shown'])} passage" in result["status"]
    page.fill("#search", "")
    page.wait_for_function("() => document.querySelectorAll('.passage[hidden], mark.hit').length === 0")


def test_glossary_term_is_described_and_opens_by_keyboard(sample_page):
    from playwright.sync_api import expect

    page, _, _ = sample_page
    term = page.locator(".transcript-panel[data-lang='en'] button.term").nth(1)
    definition = rs.sample_glossary().lookup(term.text_content()).definition
    expect(term).to_have_accessible_description(re.compile(re.escape(definition)))
    term.focus()
    page.keyboard.press("Enter")
    note = page.locator("#" + term.get_attribute("aria-controls"))
    expect(note).to_be_visible()
    assert term.get_attribute("aria-expanded") == "true"
    page.keyboard.press("Escape")
    expect(note).to_be_hidden()
    assert term.get_attribute("aria-expanded") == "false"
    assert page.evaluate("() => document.activeElement.classList.contains('term')")


def test_follow_along_scrolls_the_transcript_and_can_be_stopped_by_keyboard(sample_page):
    page, _, _ = sample_page
    pause_at(page, 0.0)
    page.evaluate("() => { document.getElementById('transcript-box').scrollTop = 0; }")
    last = float(page.locator(".transcript-panel[data-lang='en'] .passage").last.get_attribute("data-start"))
    box_top = "() => document.getElementById('transcript-box').scrollTop"
    in_view = """() => { const box = document.getElementById('transcript-box').getBoundingClientRect();
        const p = document.querySelector('.transcript-panel[data-lang=en] .passage.current').getBoundingClientRect();
        return p.top >= box.top - 1 && p.bottom <= box.bottom + 1; }"""

    page.focus("#follow")
    page.keyboard.press("Space")  # stop following
    assert not page.is_checked("#follow")
    pause_at(page, last + 0.5)
    page.wait_for_function("(t) => { const p = document.querySelectorAll('.passage.current');"
                           " return p.length === 1 && parseFloat(p[0].dataset.start) === t; }", arg=last)
    assert page.evaluate(box_top) == 0  # still highlighted, but the text stays where the reader left it
    page.keyboard.press("Space")  # follow again
    page.wait_for_function(in_view)
    assert page.evaluate(box_top) > 0


def test_print_stylesheet_prints_the_whole_transcript(sample_page):
    page, _, _ = sample_page
    page.emulate_media(media="print")
    try:
        printed = page.evaluate("""() => {
          const css = (sel) => getComputedStyle(document.querySelector(sel));
          return {player: css('.player').display, chapters: css('.chapters').display,
                  box: [css('#transcript-box').overflowY, css('#transcript-box').maxHeight],
                  passages: Array.from(document.querySelectorAll('.transcript-panel:not([hidden]) .passage'))
                    .every(p => p.getBoundingClientRect().height > 0)};
        }""")
        assert printed == {"player": "none", "chapters": "none", "box": ["visible", "none"], "passages": True}
    finally:
        page.emulate_media(media="screen")


def test_screenshot_and_no_outside_requests_errors_or_csp_violations(sample_page, server):
    page, watch, sample = sample_page
    cue = sample.tracks["en"].cues[3]
    pause_at(page, (cue.start + cue.end) / 2)
    page.wait_for_function("(text) => document.getElementById('caption-text').textContent.includes(text)", arg=cue.lines[0])
    page.locator(".transcript-panel[data-lang='en'] button.term").first.click()
    shot = browser.save_screenshot(page, "replay.png")
    assert shot.stat().st_size > 20_000
    assert [url for url in watch.requests if not url.startswith(server)] == []
    assert watch.csp_violations() == []
    assert watch.page_errors == []
    # the browser's own favicon.ico request is the only file allowed to be missing (it is not in page events)
    assert [e for e in watch.console_errors if not e.startswith("Failed to load resource")] == []
    assert [f for f in watch.failed if "ERR_ABORTED" not in f] == []  # media range requests are cut short


# --- the same page from file:// ---------------------------------------------------------------

def test_page_works_from_file_url_with_tracks_from_the_page_data(chromium, site):
    root, sample, _ = site
    page, watch = browser.new_page(chromium)
    try:
        page.goto(sample.index.as_uri() + "#t=42")  # a link to a moment
        page.wait_for_selector(READY)
        page.wait_for_function("() => document.getElementById('player').readyState >= 1")  # media by relative path
        assert current_time(page) == pytest.approx(42, abs=0.01)
        assert page.evaluate("() => getComputedStyle(document.querySelector('.skip-link')).position") == "absolute"
        assert wait_for_cues(page, vtt_counts(sample)) == vtt_counts(sample)
        page.select_option("#caption-language", "es")
        spanish = sample.tracks["es"].cues[2]
        pause_at(page, (spanish.start + spanish.end) / 2)
        page.wait_for_function("(text) => document.getElementById('caption-text').textContent.includes(text)",
                               arg=spanish.lines[0])
        page.locator("#chapter-list a").nth(2).focus()
        page.keyboard.press("Enter")
        chapter_start = float(page.locator("#chapter-list a").nth(2).get_attribute("data-start"))
        page.wait_for_function("(t) => Math.abs(document.getElementById('player').currentTime - t) < 3", arg=chapter_start)
        assert watch.csp_violations() == [] and watch.page_errors == []
        assert all(url.startswith(root.as_uri()) for url in watch.requests), watch.requests
    finally:
        page.close()


# --- hostile text ------------------------------------------------------------------------------------

def test_markup_from_transcript_agenda_and_glossary_never_runs(chromium, server, site):
    root, _, hostile = site
    page, watch = browser.new_page(chromium)
    try:
        page.goto(page_url(server, hostile.index, root))
        page.wait_for_selector(READY)
        page.select_option("#caption-language", "es")
        pause_at(page, 1.0)
        page.wait_for_function("(text) => document.getElementById('caption-text').textContent.includes(text)",
                               arg=rs.SCRIPT_TAG)
        terms = page.locator(".transcript-panel:not([hidden]) button.term").all()
        assert terms  # the Spanish rendering of a glossary term is marked too
        for term in terms:
            term.click()
        page.fill("#search", "<script>")
        page.wait_for_function("() => document.getElementById('search-status').textContent.includes('match')")
        page.wait_for_timeout(200)
        found = page.evaluate("""() => ({
          scripts: Array.from(document.scripts).map(s => s.getAttribute('src') || s.type),
          tracks: document.querySelectorAll('track').length,
          images: document.images.length,
          handlers: Array.from(document.querySelectorAll('*')).flatMap(e => Array.from(e.attributes))
                      .filter(a => a.name.startsWith('on')).map(a => a.name),
          title: document.querySelector('h1').textContent,
          caption: document.getElementById('caption-text').textContent,
          speaker: document.querySelector('.transcript-panel:not([hidden]) .speaker').textContent,
        })""")
        assert watch.dialogs == []
        assert found["scripts"] == ["replay.js", "application/json"]
        assert found["tracks"] == 3 and found["images"] == 0 and found["handlers"] == []
        assert found["title"] == f"{rs.SCRIPT_TAG}{rs.ATTRIBUTE_BREAK}{rs.TRACK_END}"
        assert rs.SCRIPT_TAG in found["caption"]
        assert rs.SCRIPT_TAG in found["speaker"]  # the speaker's name, as text
        assert watch.page_errors == [] and watch.csp_violations() == []
    finally:
        page.close()


# --- the series page ------------------------------------------------------------------------------------

def test_series_page_is_accessible_and_links_each_recording(chromium, server, site):
    root, sample, hostile = site
    page, watch = browser.new_page(chromium, axe=True)
    try:
        page.goto(server + "transcripts/index.html")
        assert browser.axe_violations(page) == []
        hrefs = page.evaluate("() => Array.from(document.querySelectorAll('.recording h2 a')).map(a => a.href)")
        assert server + "transcripts/view-to-a-border/index.html" in hrefs
        assert page_url(server, hostile.index, root) in hrefs
        assert watch.dialogs == [] and watch.page_errors == []
    finally:
        page.close()

"""The page a real `captioner run` writes, in headless Chromium: the other page tests build theirs from
the sample's truth transcript, which is how a speaker shown twice in the caption box went unseen."""
from __future__ import annotations

import shutil

import pytest

from tests.support import browser
from tests.support.paths import SAMPLE

pytestmark = [pytest.mark.speech_model, pytest.mark.mt, pytest.mark.browser]

READY = "html[data-replay-ready]"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def run_page(sample_out, tmp_path_factory):
    """The run's output folder and the recording, laid out as a producer publishes them."""
    root = tmp_path_factory.mktemp("run-page")
    (root / "recordings").mkdir()
    shutil.copy(SAMPLE, root / "recordings" / SAMPLE.name)
    folder = root / "transcripts" / sample_out.stem
    shutil.copytree(sample_out.folder, folder)
    index = folder / "index.html"
    # the page links the recording relatively; here it sits two folders up, as in a project
    text = index.read_text(encoding="utf-8")
    index.write_text(text.replace(f'src="{_media_src(text)}"', f'src="../../recordings/{SAMPLE.name}"'), encoding="utf-8")
    return index, sample_out


def _media_src(html: str) -> str:
    start = html.index('id="player"')
    src = html.index('src="', start) + len('src="')
    return html[src:html.index('"', src)]


@pytest.fixture(scope="module")
def chromium():
    with browser.chromium() as instance:
        yield instance


def open_page(chromium, index, viewport, axe=False):
    page, watch = browser.new_page(chromium, axe=axe, viewport=viewport)
    page.goto(index.as_uri())
    page.wait_for_selector(READY)
    page.wait_for_function("() => document.getElementById('player').readyState >= 1")
    return page, watch


def test_the_caption_box_shows_the_speaker_once(chromium, run_page):
    index, run = run_page
    page, watch = open_page(chromium, index, DESKTOP)
    try:
        cue = next(c for c in run.tracks["en"].cues if c.labels and c.labels[0].endswith(":"))
        page.evaluate("(t) => { const p = document.getElementById('player'); p.pause(); p.currentTime = t; }",
                      (cue.start + cue.end) / 2)
        page.wait_for_function("(text) => document.getElementById('caption-text').textContent.includes(text)",
                               arg=cue.lines[0].split()[-1])
        shown = page.evaluate("() => document.getElementById('caption-text').textContent")
        name = cue.speaker
        assert shown.casefold().count(name.casefold()) == 1, shown  # "Elena Petrović: ELENA PETROVIĆ: ..."
        assert watch.page_errors == []
    finally:
        page.close()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_player_and_its_captions_stay_in_view_after_seeking_from_the_transcript(chromium, run_page, viewport):
    index, _ = run_page
    page, _ = open_page(chromium, index, viewport)
    try:
        passages = page.locator(".transcript-panel:not([hidden]) button.seek")
        last = passages.nth(passages.count() - 1)
        last.scroll_into_view_if_needed()
        last.click()
        page.wait_for_function("(t) => Math.abs(document.getElementById('player').currentTime - t) < 1",
                               arg=float(last.get_attribute("data-start")))
        for selector in ("#player", "#caption-box"):
            box = page.locator(selector).bounding_box()
            assert box is not None and box["y"] >= -1 and box["y"] + box["height"] <= viewport["height"] + 1, \
                (selector, box, page.evaluate("() => window.scrollY"))
        # and the passage played is not hidden under the player
        player_bottom = page.evaluate("() => document.querySelector('.player').getBoundingClientRect().bottom")
        passage = last.bounding_box()
        assert passage["y"] >= player_bottom - 1 or passage["y"] + passage["height"] <= 0
    finally:
        page.close()


def test_no_sideways_scrolling_at_320_px_and_no_wcag_violation_on_a_phone(chromium, run_page):
    index, _ = run_page
    page, watch = open_page(chromium, index, {"width": 320, "height": 640}, axe=True)
    try:
        widths = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert widths[0] <= widths[1], widths
        assert browser.axe_violations(page) == []
        browser.save_screenshot(page, "run-page-320.png")
        assert watch.page_errors == []
    finally:
        page.close()

"""`captioner edit`: the replay page in edit mode, in real headless Chromium, and the server's guard."""
from __future__ import annotations

import json
import shutil
import urllib.error
import urllib.request

import pytest

from captioner.pipeline.edit_server import EditServer, EditSession
from tests.support import browser
from tests.support.paths import SAMPLE

pytestmark = [pytest.mark.speech_model, pytest.mark.mt, pytest.mark.browser]

READY = "html[data-replay-ready]"


@pytest.fixture(scope="module")
def editor(sample_out, tmp_path_factory):
    root = tmp_path_factory.mktemp("edit-mode")
    recordings, out = root / "recordings", root / "transcripts"
    recordings.mkdir()
    media = recordings / SAMPLE.name
    shutil.copy(SAMPLE, media)
    shutil.copy(SAMPLE.with_name(SAMPLE.stem + ".agenda.yaml"), recordings)
    shutil.copytree(sample_out.folder, out / sample_out.stem)  # its cache: recognition is not repeated
    session = EditSession(out / sample_out.stem, sample_out.stem, media, out)
    server = EditServer(session)
    server.start()
    yield session, root
    server.stop()


@pytest.fixture(scope="module")
def chromium():
    with browser.chromium() as instance:
        yield instance


def status_of(url: str, headers: dict | None = None, data: bytes | None = None) -> int:
    request = urllib.request.Request(url, data=data, headers=headers or {}, method="POST" if data else "GET")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_the_server_answers_only_this_session_on_this_computer(editor):
    session, _ = editor
    base = f"http://127.0.0.1:{session.port}"
    assert status_of(session.url) == 200
    assert status_of(base + "/") == 403  # no token
    assert status_of(base + "/media") == 403
    assert status_of(session.url, {"Host": f"evil.example:{session.port}"}) == 421  # DNS rebinding
    body = json.dumps({"start": 1, "end": 2, "said": "a", "correct": "b"}).encode()
    assert status_of(base + "/api/words", {"X-Edit-Token": session.token, "Content-Type": "application/json"},
                     body) == 403  # no Origin: not from the page
    assert status_of(base + "/api/words", {"X-Edit-Token": session.token, "Origin": "http://evil.example"},
                     body) == 403
    assert status_of(base + "/api/words", {"X-Edit-Token": "wrong", "Origin": base}, body) == 403
    assert status_of(f"{base}/..%2F..%2Frecordings%2F{SAMPLE.name}?token={session.token}") == 404
    allowed = {"X-Edit-Token": session.token, "Origin": base, "Content-Type": "application/json"}
    assert status_of(base + "/api/term", allowed, json.dumps({"heard": "hot", "term": "HOTSPOT"}).encode()) == 422
    assert status_of(base + "/api/chapter", allowed, b"[1, 2]") == 400  # not what the page sends
    assert not (session.recording.with_name(SAMPLE.stem + ".edits.yaml")).exists()  # nothing was written


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, {"width": 390, "height": 844}],
                         ids=["desktop", "phone"])
def test_edit_mode_has_no_wcag_21_aa_violation(chromium, editor, scheme, viewport):
    session, _ = editor
    page, watch = browser.new_page(chromium, axe=True, viewport=viewport, color_scheme=scheme)
    try:
        page.goto(session.url)
        page.wait_for_selector(READY)
        page.wait_for_selector("button.edit-words")
        page.locator("button.edit-words").first.click()
        page.wait_for_selector("textarea.edit-box")
        assert browser.axe_violations(page) == []
        if viewport["width"] > 1000:
            browser.save_screenshot(page, f"edit-mode-{scheme}.png")
        page.keyboard.press("Escape")  # cancels: the passage is back, focus on its button
        assert page.locator("textarea.edit-box").count() == 0
        assert page.evaluate("() => document.activeElement.classList.contains('edit-passage')")
        assert watch.page_errors == [] and watch.csp_violations() == []
    finally:
        page.close()


def open_editor(chromium, session):
    page, watch = browser.new_page(chromium, viewport={"width": 1280, "height": 900})
    page.goto(session.url)
    page.wait_for_selector(READY)
    return page, watch


def wait_until_saved(page) -> None:
    """The change was recorded, every output made again and the page reloaded."""
    page.wait_for_function("() => document.getElementById('edit-status') && "
                           "document.getElementById('edit-status').textContent.startsWith('Saved')",
                           timeout=240_000)


def test_a_correction_in_the_browser_reaches_every_output_and_the_edits_file(chromium, editor):
    session, root = editor
    stem, folder = session.stem, session.folder
    page, watch = open_editor(chromium, session)
    try:
        passage = page.locator(".transcript-panel[data-lang='en'] .passage").first
        said = page.evaluate("(p) => p.querySelector('.passage-text').textContent", passage.element_handle())
        heard = next(w for w in ("a new top order", "a muta border", "a new order") if w in said.lower())
        passage.locator("button.edit-words").click()
        boxes = page.locator("textarea.edit-sentence")  # one field a sentence, the first focused
        assert boxes.count() >= 3 and page.evaluate("() => document.activeElement === "
                                                    "document.querySelector('textarea.edit-sentence')")
        box = next(boxes.nth(k) for k in range(boxes.count()) if heard in boxes.nth(k).input_value().lower())
        value = box.input_value()
        at = value.lower().index(heard)
        box.fill(value[:at] + "A View to a Border" + value[at + len(heard):])
        box.press("Enter")
        wait_until_saved(page)
        assert "A View to a Border" in page.locator(".transcript-panel[data-lang='en']").inner_text()
        assert watch.page_errors == [] and watch.csp_violations() == []
    finally:
        page.close()
    for name in (f"{stem}.en.srt", f"{stem}.en.vtt", f"{stem}.en.txt", "transcript.json", "index.html"):
        assert "A View to a Border" in (folder / name).read_text(encoding="utf-8"), name
    spanish = (folder / f"{stem}.es.srt").read_text(encoding="utf-8")
    assert "orden superior" not in spanish.lower() and "top order" not in spanish.lower()
    edits = (session.recording.with_name(stem + ".edits.yaml")).read_text(encoding="utf-8")
    assert "A View to a Border" in edits and heard in edits.lower()  # what was said, and what is right


def test_a_turn_given_to_another_speaker_in_the_browser_is_theirs_in_every_output(chromium, editor):
    from captioner.formats import read_captions
    from captioner.workspace import read_transcript

    session, _ = editor
    stem, folder = session.stem, session.folder
    page, watch = open_editor(chromium, session)
    try:
        passages = page.locator(".transcript-panel[data-lang='en'] .passage")
        passage = next(passages.nth(k) for k in range(1, passages.count())
                       if passages.nth(k).locator(".speaker bdi").count())
        current = passage.locator(".speaker bdi").inner_text()
        names = page.evaluate("() => Array.from(document.querySelectorAll('#edit-speakers option')).map(o => o.value)")
        other = next(name for name in names if name != current)
        start, end = float(passage.get_attribute("data-start")), float(passage.get_attribute("data-end"))
        passage.locator("button.edit-speaker").click()
        field = page.locator("input.edit-speaker-box")
        assert field.input_value() == current
        field.fill(other)
        field.press("Enter")
        wait_until_saved(page)
        assert watch.page_errors == [] and watch.csp_violations() == []
    finally:
        page.close()
    words = [w for w in read_transcript(folder / "transcript.json").words if start <= (w.start + w.end) / 2 <= end]
    assert words and {w.speaker for w in words} == {other}
    for language in ("en", "es"):
        cues = [c for c in read_captions(folder / f"{stem}.{language}.vtt") if start - 0.2 <= c.start and c.end <= end + 0.6]
        assert cues and all(other in (c.speakers or [c.speaker]) for c in cues), language
    assert f"speaker: {other}" in (session.recording.with_name(stem + ".edits.yaml")).read_text(encoding="utf-8")


def test_a_chapter_started_where_the_player_is_and_renamed_in_the_browser(chromium, editor):
    from captioner.formats import read_captions

    session, _ = editor
    stem, folder = session.stem, session.folder
    chapters = read_captions(folder / f"{stem}.chapters.vtt")
    second, third = chapters[1], chapters[2]
    moved = round((second.start + third.start) / 2 - (second.start + third.start) / 2 % 1 + 0.5, 1)
    moved = min(max(moved, second.start + 1.0), third.start - 1.0)
    page, watch = open_editor(chromium, session)
    try:
        page.evaluate("(t) => { const p = document.getElementById('player'); p.pause(); p.currentTime = t; }", moved)
        page.wait_for_function("(t) => Math.abs(document.getElementById('player').currentTime - t) < 0.01", arg=moved)
        page.locator("#chapter-list li").nth(1).locator("button.edit-chapter-start").click()
        wait_until_saved(page)
        page.locator("#chapter-list li").nth(1).locator("button.edit-chapter-rename").click()
        field = page.locator("input.edit-chapter-box")
        field.fill("Borders, renamed by the producer")
        field.press("Enter")
        wait_until_saved(page)
        assert "Borders, renamed by the producer" in page.locator("#chapter-list").inner_text()
        assert watch.page_errors == [] and watch.csp_violations() == []
    finally:
        page.close()
    again = read_captions(folder / f"{stem}.chapters.vtt")
    assert again[1].text == "Borders, renamed by the producer" and again[1].start == pytest.approx(moved, abs=0.01)
    assert again[0].end == pytest.approx(moved, abs=0.01)
    assert "Borders, renamed by the producer" in (folder / "chapters.txt").read_text(encoding="utf-8")
    from captioner.correct.edits import load_edits

    kept = load_edits(session.recording.with_name(stem + ".edits.yaml")).chapters
    assert [(c.title, c.start, c.rename) for c in kept] == [(second.text, pytest.approx(moved, abs=0.01),
                                                            "Borders, renamed by the producer")]


def test_a_term_suggestion_approved_in_the_browser_is_kept_for_the_recording(chromium, editor):
    # the correction above turned what recognition heard into a glossary term: it is proposed
    from captioner.correct.edits import load_edits

    session, _ = editor
    page, watch = browser.new_page(chromium, axe=True, viewport={"width": 390, "height": 844})
    try:
        page.goto(session.url)
        page.wait_for_selector(READY)
        section = page.locator("#term-suggestions")
        assert "A View to a Border" in section.inner_text()
        assert browser.axe_violations(page) == []
        assert "Term suggestions: 1." in page.locator("#edit-status").inner_text()
        button = section.locator("button.edit-term-approve").first
        heard = button.get_attribute("data-heard")
        button.click()
        wait_until_saved(page)
        assert "Approved for this recording" in page.locator("#term-suggestions").inner_text()
        assert watch.page_errors == [] and watch.csp_violations() == []
    finally:
        page.close()
    terms = load_edits(session.recording.with_name(session.stem + ".edits.yaml")).terms
    assert [(t.heard, t.term) for t in terms] == [(heard, "A View to a Border")]


@pytest.mark.parametrize("model", ["base", "tiny.en"])
def test_the_fixes_outlive_a_rerun_with_the_same_model_or_another(editor, model):
    """`captioner run` after the edits above, with the model that made the words and with tiny.en
    (whose words differ: "a Muta border" or "a new to a border" for the series' title)."""
    from click.testing import CliRunner

    from captioner.cli.main import main
    from captioner.correct.edits import load_edits
    from captioner.workspace import read_transcript

    session, root = editor
    stem, folder = session.stem, session.folder
    speaker_edit = load_edits(session.recording.with_name(stem + ".edits.yaml")).speakers[0]
    result = CliRunner().invoke(main, ["run", str(session.recording), "--out", str(session.out_dir),
                                       "--languages", "es", "--model", model, "--quiet"])
    assert result.exit_code == 0, result.output
    report = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    assert report["model"].startswith(model) and report["edits"]["not_placed"] == [], report["edits"]
    for name in (f"{stem}.en.srt", f"{stem}.en.vtt", f"{stem}.en.txt", "transcript.json", "index.html"):
        assert "A View to a Border" in (folder / name).read_text(encoding="utf-8"), (model, name)
    spanish = (folder / f"{stem}.es.srt").read_text(encoding="utf-8").lower()
    assert "orden superior" not in spanish and "top order" not in spanish
    words = [w for w in read_transcript(folder / "transcript.json").words
             if speaker_edit.start <= (w.start + w.end) / 2 <= speaker_edit.end]
    assert words and {w.speaker for w in words} == {speaker_edit.speaker}, model
    assert "Borders, renamed by the producer" in (folder / "chapters.txt").read_text(encoding="utf-8")

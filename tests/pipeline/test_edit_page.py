"""The edit page as the server serves it, without a browser: the edits the last run could not
place and this recording's term suggestions, escaped as the replay page escapes."""
from __future__ import annotations

import json

import html5lib

from captioner.correct.edits import Edits, WordEdit, save_edits
from captioner.pipeline.edit_server import EditSession, edit_page
from tests.support import replay_sample as rs

HOSTILE = rs.SCRIPT_TAG


def test_the_edit_page_lists_edits_not_placed_and_term_suggestions_escaped(tmp_path, tmp_path_factory):
    sample = rs.build_sample_folder(tmp_path / "transcripts", tmp_path_factory.getbasetemp() / "replay-synth",
                                    media_dir=tmp_path / "recordings")
    not_placed = [f"0:02 '{HOSTILE}' -> 'x': neither those words nor the words around them are there any more"]
    (sample.folder / "report.json").write_text(json.dumps({"edits": {"not_placed": not_placed}}), encoding="utf-8")
    save_edits(sample.media.with_name(sample.stem + ".edits.yaml"), Edits(words=[
        WordEdit(2.99, 3.79, "a new top order,", "A View to a Border,", "and welcome to", "a webinar series"),
        WordEdit(9.0, 9.5, 'the Ak"ra<b>Ini tiative', "the Accra Initiative", "said", "that")]), sample.stem)
    page = edit_page(EditSession(sample.folder, sample.stem, sample.media, tmp_path / "transcripts"))
    parser = html5lib.HTMLParser(tree=html5lib.getTreeBuilder("lxml"), namespaceHTMLElements=False)
    doc = parser.parse(page)
    assert parser.errors == []
    assert HOSTILE not in page  # only ever as text
    unplaced = doc.xpath("//section[@id='edits-not-placed']//li")
    assert ["".join(li.itertext()) for li in unplaced] == not_placed
    approve = doc.xpath("//section[@id='term-suggestions']//button[contains(@class, 'edit-term-approve')]")
    assert [(b.get("data-heard"), b.get("data-term")) for b in approve] == [
        ("a new top order", "A View to a Border"), ('ak"ra<b>ini tiative', "Accra Initiative")]
    listed = "".join(doc.xpath("//section[@id='term-suggestions']")[0].itertext())
    assert '\u201cak"ra<b>ini tiative\u201d \u2192 Accra Initiative' in listed  # as text, not markup

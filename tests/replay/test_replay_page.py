"""The replay page's HTML, without a browser: structure, languages, escaping, the CLI and the series page."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from urllib.parse import unquote

import html5lib
import pytest
from click.testing import CliRunner

from captioner.cli.replay import replay as replay_command
from captioner.errors import CaptionerError
from captioner.formats import read_captions
from captioner.glossary.model import Concept, Glossary, Translation
from captioner.lang import direction
from captioner.model import Chapter, Cue, MediaInfo, Segment, Transcript, Word
from captioner.replay import build_replay, build_series_index, markup
from captioner.replay.glossary_marks import TermFinder, glossary_terms
from captioner.replay.languages import autonym
from captioner.replay.passages import source_sections, translated_sections
from tests.support import replay_sample as rs

NS = {"h": "http://www.w3.org/1999/xhtml"}


def parse(path: Path):
    """The page as a browser's HTML parser sees it; any parse error fails the test."""
    parser = html5lib.HTMLParser(tree=html5lib.getTreeBuilder("lxml"), namespaceHTMLElements=False)
    doc = parser.parse(path.read_text(encoding="utf-8"))
    assert parser.errors == []
    return doc


def text_of(element) -> str:
    return "".join(element.itertext())


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """transcripts/ and recordings/ side by side, as in the repository."""
    root = tmp_path_factory.mktemp("site")
    synth = tmp_path_factory.getbasetemp() / "replay-synth"
    sample = rs.build_sample_folder(root / "transcripts", synth, media_dir=root / "recordings")
    return root, sample


# --- passages ------------------------------------------------------------------------

def words(text: str, start: float, step: float = 0.3, speaker: str | None = None) -> list[Word]:
    return [Word(text=t, start=round(start + i * step, 3), end=round(start + (i + 1) * step - 0.05, 3), speaker=speaker)
            for i, t in enumerate(text.split())]


def test_passages_break_at_chapters_speakers_and_long_pauses():
    ws = (words("Welcome all. Today we talk.", 0.0, speaker="Ann")
          + words("Thanks Ann.", 2.0, speaker="Bob")
          + words("After a pause.", 6.0, speaker="Bob")
          + words("New chapter here.", 10.0, speaker="Bob"))
    transcript = Transcript(language="en", duration=12.0, segments=[Segment(0, 12, "", ws)],
                            chapters=[Chapter("One", 0.0, 10.0), Chapter("Two", 10.0, 12.0)])
    sections = source_sections(transcript)
    assert [s.title for s in sections] == ["One", "Two"]
    assert [(p.speaker, p.text) for p in sections[0].passages] == [
        ("Ann", "Welcome all. Today we talk."), ("Bob", "Thanks Ann."), ("Bob", "After a pause.")]
    assert [p.text for p in sections[1].passages] == ["New chapter here."]
    assert sections[0].passages[1].start == 2.0


def test_translations_fill_the_source_passages_by_cue_midpoint():
    ws = words("One two three.", 0.0, speaker="Ann") + words("Four five.", 5.0, speaker="Bob")
    transcript = Transcript(language="en", duration=8.0, segments=[Segment(0, 8, "", ws)])
    source = source_sections(transcript)
    cues = [Cue(0.0, 0.9, ["Uno dos"]), Cue(4.6, 5.4, ["cuatro"]), Cue(0.9, 1.0, ["tres."]), Cue(5.4, 6.0, ["cinco."])]
    translated = translated_sections(source, cues, "es")
    assert [(p.speaker, p.text) for p in translated[0].passages] == [("Ann", "Uno dos tres."), ("Bob", "cuatro cinco.")]
    assert translated[0].passages[1].start == 4.6


def test_language_names_are_their_own_and_rtl_scripts_are_marked():
    assert [autonym(t) for t in ("es", "fr", "ar", "zh", "ru", "en-GB", "xx")] == [
        "Español", "Français", "العربية", "中文", "Русский", "English", "xx"]
    assert [direction(t) for t in ("ar", "he", "fa", "ur", "ar-EG", "en", "es")] == ["rtl"] * 5 + ["ltr"] * 2


def test_term_finder_respects_acronym_case_word_edges_and_languages():
    glossary = Glossary([
        Concept(id="iom", term="IOM", expansion="International Organization for Migration", definition="UN migration agency.",
                keep=True),
        Concept(id="ftf", term="foreign terrorist fighters", variants=["foreign fighters"], definition="Travellers.",
                translations={"es": Translation("combatientes terroristas extranjeros", "approved"),
                              "fr": Translation("combattants", "deprecated")}),
        Concept(id="none", term="nothing", definition=None),
    ])
    terms = glossary_terms(glossary, "en")
    assert [t.key for t in terms] == ["iom", "ftf"]
    english = TermFinder(terms, "en")
    pieces = english.split("The IOM, iom and IOMX; Foreign Terrorist Fighters and foreign fighters.")
    marked = [p[0] for p in pieces if isinstance(p, tuple)]
    assert marked == ["IOM", "Foreign Terrorist Fighters", "foreign fighters"]
    assert "".join(p if isinstance(p, str) else p[0] for p in pieces).startswith("The IOM, iom and IOMX;")
    spanish = [p[0] for p in TermFinder(terms, "es").split("La OIM y la IOM; combatientes terroristas extranjeros.")
               if isinstance(p, tuple)]
    assert spanish == ["IOM", "combatientes terroristas extranjeros"]  # IOM is kept as a name in every language
    assert [p for p in TermFinder(terms, "fr").split("les combattants") if isinstance(p, tuple)] == []


def test_script_json_cannot_end_its_block():
    payload = {"t": "</script><!-- ]]> & \u2028"}
    encoded = markup.script_json(payload)
    assert not set("<>&") & set(encoded)
    assert json.loads(encoded) == payload
    assert markup.url('a b/#c?.vtt') == "a%20b/%23c%3F.vtt"


# --- the sample page ------------------------------------------------------------------

@pytest.mark.mt
def test_sample_page_has_player_tracks_chapters_transcripts_and_downloads(site):
    root, sample = site
    doc = parse(sample.index)
    assert doc.getroot().get("lang") == "en"
    player = doc.find(".//audio")
    assert player is not None and doc.find(".//video") is None
    assert (sample.folder / unquote(player.get("src"))).resolve() == sample.media.resolve()
    assert player.get("src") == "../../recordings/view-to-a-border.mp3"

    tracks = player.findall("track")
    assert [(t.get("kind"), t.get("srclang"), t.get("label")) for t in tracks] == [
        ("captions", "en", "English"), ("subtitles", "es", "Español"), ("subtitles", "ar", "العربية"),
        ("chapters", "en", "Chapters")]
    assert tracks[0].get("default") is not None
    for track in tracks:
        assert (sample.folder / unquote(track.get("src"))).is_file()

    chapter_links = doc.findall(".//nav[@class='chapters']//a")
    assert [float(a.get("data-start")) for a in chapter_links] == pytest.approx(
        [c.start for c in sample.transcript.chapters], abs=1e-3)
    assert [text_of(a.find(".//span[@class='chapter-title']")) for a in chapter_links] == [
        c.title for c in sample.transcript.chapters]
    for a in chapter_links:
        assert doc.find(f".//*[@id='{a.get('href')[1:]}']") is not None

    panels = doc.findall(".//section[@class='transcript-panel']")
    assert [(p.get("lang"), p.get("dir")) for p in panels] == [("en", None), ("es", None), ("ar", "rtl")]
    english = panels[0]
    assert len(english.findall(".//h4")) == len(sample.transcript.chapters)
    spoken = " ".join(text_of(p) for p in english.findall(".//p[@class='passage-text']"))
    assert "Good afternoon" in spoken and "Maria Fernández:" in spoken
    for passage in english.findall(".//div[@class='passage']"):
        assert passage.find("button").get("data-start") == passage.get("data-start")
        assert text_of(passage.find("button")).startswith("Play from ")
    # headings from the agenda are English inside the other languages' transcripts
    assert {h.get("lang") for h in panels[2].findall(".//h4")} == {"en"}
    assert {h.get("dir") for h in panels[2].findall(".//h4")} == {"ltr"}

    downloads = {a.get("href") for a in doc.findall(".//section[@class='downloads']//a")}
    for lang in ("en", "es", "ar"):
        for kind in ("srt", "vtt", "txt"):
            assert f"view-to-a-border.{lang}.{kind}" in downloads

    ids = [e.get("id") for e in doc.iter() if e.get("id")]
    assert len(ids) == len(set(ids))


@pytest.mark.mt
def test_sample_page_loads_nothing_from_elsewhere_and_has_no_inline_code(site):
    _, sample = site
    doc = parse(sample.index)
    csp = doc.find(".//meta[@http-equiv='Content-Security-Policy']").get("content")
    assert "default-src 'none'" in csp and "script-src 'self'" in csp and "style-src 'self'" in csp
    assert doc.find(".//style") is None
    for element in doc.iter():
        if not isinstance(element.tag, str):
            continue
        assert element.get("style") is None
        assert not [name for name in element.attrib if name.startswith("on")]
        for name in ("src", "href"):
            value = element.get(name)
            if value is not None:
                assert not re.match(r"^[a-z][a-z0-9+.-]*:|^//", value, re.I), value
    scripts = doc.findall(".//script")
    assert [(s.get("src"), s.get("type")) for s in scripts] == [("replay.js", None), (None, "application/json")]
    for name in ("replay.js", "replay.css"):
        assert (sample.folder / name).is_file()


@pytest.mark.mt
def test_embedded_cues_match_the_caption_files(site):
    _, sample = site
    doc = parse(sample.index)
    data = json.loads(doc.find(".//script[@type='application/json']").text)
    counts = {(t["kind"], t["lang"]): len(t["cues"]) for t in data["tracks"]}
    assert counts == {
        ("captions", "en"): len(read_captions(sample.folder / "view-to-a-border.en.vtt")),
        ("subtitles", "es"): len(read_captions(sample.folder / "view-to-a-border.es.vtt")),
        ("subtitles", "ar"): len(read_captions(sample.folder / "view-to-a-border.ar.vtt")),
        ("chapters", "en"): len(read_captions(sample.folder / "view-to-a-border.chapters.vtt")),
    }


@pytest.mark.mt
def test_glossary_terms_are_buttons_described_by_their_definition(site):
    _, sample = site
    doc = parse(sample.index)
    terms = doc.findall(".//section[@data-lang='en']//button[@class='term']")
    glossary = rs.sample_glossary()
    assert len(terms) > 10
    for term in terms:
        note = doc.find(f".//*[@id='{term.get('aria-controls')}']")
        description = text_of(doc.find(f".//*[@id='{term.get('aria-describedby')}']"))
        assert note.get("hidden") is not None and term.get("aria-expanded") == "false"
        assert glossary.lookup(text_of(term)).definition in description
    concept = glossary.lookup("UNOCT")
    # the glossary section lists each marked term once, with its definition's source
    section = doc.find(".//section[@class='glossary']")
    listed = [text_of(dt) for dt in section.findall(".//dt")]
    assert len(listed) == len(set(listed)) and f"{concept.term} ({concept.acronym})" in listed
    assert concept.definition_source in text_of(section)


# --- hostile text ----------------------------------------------------------------------

def test_markup_in_transcript_agenda_glossary_and_names_stays_text(tmp_path):
    sample = rs.build_payload_folder(tmp_path / "transcripts", tmp_path / "recordings")
    doc = parse(sample.index)
    assert [s.get("src") or s.get("type") for s in doc.findall(".//script")] == ["replay.js", "application/json"]
    assert len(doc.findall(".//track")) == 3  # en, es, chapters: no </track> closed them early
    assert doc.find(".//img") is None
    for element in doc.iter():
        if isinstance(element.tag, str):
            assert not [name for name in element.attrib if name.lower().startswith("on")], element.tag
    title = f"{rs.SCRIPT_TAG}{rs.ATTRIBUTE_BREAK}{rs.TRACK_END}"
    assert text_of(doc.find(".//h1")) == title
    assert doc.find(".//title").text.startswith(title)
    spoken = text_of(doc.find(".//section[@data-lang='en']"))
    for payload in rs.PAYLOADS:
        assert payload in spoken
    assert rs.TRACK_END + rs.SCRIPT_TAG in text_of(doc.find(".//nav"))
    assert (sample.folder / unquote(doc.find(".//audio").get("src"))).resolve() == sample.media.resolve()
    data = json.loads(doc.find(".//script[@type='application/json']").text)
    assert data["tracks"][1]["cues"][0][2] == f"{rs.SCRIPT_TAG}\n{rs.ATTRIBUTE_BREAK}"
    definitions = " ".join(text_of(e) for e in doc.findall(".//*[@class='term-note-text']"))
    assert rs.SCRIPT_TAG in definitions and rs.PAYLOADS[4] in definitions


# --- variants of the page --------------------------------------------------------------------

def small_transcript(media: Path, has_video: bool, chapters: bool) -> Transcript:
    ws = words("Hello and welcome. This is a short test.", 0.5, speaker=None)
    return Transcript(language="en", duration=4.0, segments=[Segment(0.5, 3.5, "", ws)],
                      media=MediaInfo(path=str(media), sha256="", duration=4.0, has_video=has_video),
                      chapters=[Chapter("Only", 0.0, 4.0)] if chapters else [])


def test_video_gets_a_video_element_and_no_agenda_means_no_chapters(tmp_path):
    media = rs.tone_wav(tmp_path / "clip.wav", seconds=1.0)
    transcript = small_transcript(media, has_video=True, chapters=False)
    track = rs.caption_track(transcript)
    folder = tmp_path / "out" / "clip"
    rs.write_caption_files(folder, "clip", transcript, {"en": track})
    doc = parse(build_replay(folder, "clip", transcript, {"en": track}, media, copy_media=True))
    video = doc.find(".//video")
    assert video is not None and video.get("src") == "clip.wav" and (folder / "clip.wav").is_file()
    assert doc.find(".//*[@id='caption-box']") is None  # the video shows its own captions
    assert [t.get("kind") for t in video.findall("track")] == ["captions"]
    assert doc.find(".//nav") is None and doc.find(".//main").get("class") is None
    assert doc.find(".//title").text.startswith("clip")


def test_a_copied_recording_stays_the_pages_recording(tmp_path):
    # `--copy-media` did not stick: the next build linked the page back to ../../clip.wav
    media = rs.tone_wav(tmp_path / "clip.wav", seconds=1.0)
    transcript = small_transcript(media, has_video=False, chapters=False)
    track = rs.caption_track(transcript)
    folder = tmp_path / "out" / "clip"
    rs.write_caption_files(folder, "clip", transcript, {"en": track})
    build_replay(folder, "clip", transcript, {"en": track}, media, copy_media=True)
    again = parse(build_replay(folder, "clip", transcript, {"en": track}, media, copy_media=False))
    assert again.find(".//audio").get("src") == "clip.wav"
    other = tmp_path / "out" / "other"
    rs.write_caption_files(other, "clip", transcript, {"en": track})
    linked = parse(build_replay(other, "clip", transcript, {"en": track}, media, copy_media=False))
    assert linked.find(".//audio").get("src") == "../../clip.wav" and not (other / "clip.wav").exists()


def test_missing_media_is_a_clear_error(tmp_path):
    transcript = small_transcript(tmp_path / "gone.wav", has_video=False, chapters=False)
    with pytest.raises(CaptionerError, match="recording not found"):
        build_replay(tmp_path / "out", "gone", transcript, {}, tmp_path / "gone.wav")


# --- the command and the series page ------------------------------------------------------------

@pytest.mark.mt
def test_replay_command_rebuilds_the_page_and_the_series_index(site, tmp_path):
    root, sample = site
    out = tmp_path / "transcripts"
    shutil.copytree(sample.folder, out / sample.stem)
    (out / sample.stem / "index.html").unlink()
    runner = CliRunner()
    result = runner.invoke(replay_command, [sample.stem, "--out", str(out), "--media", str(sample.media), "--copy-media"])
    assert result.exit_code == 0, result.output
    page = out / sample.stem / "index.html"
    assert result.output.strip() == str(page)
    doc = parse(page)
    assert doc.find(".//audio").get("src") == "view-to-a-border.mp3"
    assert (out / sample.stem / "view-to-a-border.mp3").is_file()
    assert [t.get("srclang") for t in doc.findall(".//track")] == ["en", "ar", "es", "en"]
    assert text_of(doc.find(".//h1")).startswith("A View to a Border")  # the title of the last build
    assert "Español" in text_of(doc.find(".//section[@class='downloads']"))
    series = parse(out / "index.html")
    link = series.find(".//li[@class='recording']//a")
    assert link.get("href") == "view-to-a-border/index.html"
    assert text_of(link).startswith("A View to a Border")
    listed = text_of(series.find(".//li[@class='recording']"))
    assert "English" in listed and "Español" in listed and "العربية" in listed and "3:2" in listed
    assert "Questions and Answers" in listed

    missing = runner.invoke(replay_command, ["no-such-recording", "--out", str(out)])
    assert isinstance(missing.exception, CaptionerError)
    assert "run `captioner run`" in str(missing.exception)


def test_series_index_without_recordings_says_so(tmp_path):
    index = build_series_index(tmp_path)
    assert "No recordings have been processed yet." in index.read_text(encoding="utf-8")
    assert (tmp_path / "replay.css").is_file()

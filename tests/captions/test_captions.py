import json
import time
from pathlib import Path

import pytest

from captioner.captions.linebreak import _WORD_LISTS, break_lines
from captioner.captions.qc import check_cues
from captioner.captions.rules import get_profile
from captioner.captions.segment import layout_text_in_span, make_captions, segment
from captioner.model import Chapter, Segment, Transcript, Word
from tests.support.captions import (
    WEBINAR_TEXT,
    allowed_end,
    cue_word_spans,
    timed_words,
    tokens_of_cues,
    tokens_of_words,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "captions"
EN = get_profile("netflix-en", "en")
DETERMINERS = _WORD_LISTS["en"]["determiners"]


def jfk_words() -> list[Word]:
    # Word times from faster-whisper tiny.en (int8, beam 5, word_timestamps) on ../shared/data/real/jfk.flac.
    return [Word(**w) for w in json.loads((DATA / "jfk.words.json").read_text())]


def assert_clean(cues, words, profile=EN):
    report = check_cues(cues, profile)
    assert report.ok, report.issues
    assert tokens_of_cues(cues) == tokens_of_words(words)


# --- segmentation on real and realistic speech ---------------------------------------------------

def test_jfk_cues_follow_the_rules_and_the_phrasing():
    words = jfk_words()
    cues, issues = segment(words, EN)
    assert issues == []
    assert_clean(cues, words)
    texts = [cue.text for cue in cues]
    assert texts[0] == "And so, my fellow Americans"
    assert not any(t.endswith(" ask") for t in texts), texts  # "ask | not" would split the phrase
    assert texts[-1].endswith("for your country.")
    assert cues[0].start == 0.0
    assert cues[-1].end == pytest.approx(10.5 + EN.max_linger)


def test_webinar_text_every_cue_in_rules_and_sentence_ends_used():
    words = timed_words(WEBINAR_TEXT)
    cues, issues = segment(words, EN)
    assert issues == []
    assert_clean(cues, words)
    ends_at_sentence = sum(cue.lines[-1].endswith((".", "?", "!")) for cue in cues)
    assert ends_at_sentence >= 6  # of 9 sentences; most are too long for one cue
    for cue in cues:  # no cue finishes a sentence, starts the next and cuts it off
        inner_end = any(Word(t, 0, 0).ends_sentence for t in cue.text.split()[:-1])
        assert not inner_end or cue.text.endswith((".", "?", "!")), cue.lines
    for cue in cues:
        for line in cue.lines[:-1]:
            assert line.split()[-1].lower() not in DETERMINERS, cue.lines
        # a name is never cut between cues or lines
        assert not cue.text.endswith("Maria")
        assert "Maria" not in cue.lines[0].split()[-1:] or "Fernandez" in cue.lines[0]


def test_cue_ends_at_a_pause_in_mid_sentence():
    words = timed_words("We met the officers at the border post")
    later = timed_words("and then we drove on to the next town together", start=words[-1].end + 1.5)
    cues, _ = segment(words + later, EN)
    assert [c.text for c in cues] == [
        "We met the officers at the border post",
        "and then we drove on to the next town together",
    ]
    assert cues[0].end <= words[-1].end + EN.max_linger + 1e-9


def test_cues_never_straddle_a_boundary():
    words = timed_words(WEBINAR_TEXT)
    boundary = words[40].start + 0.05  # inside word 40: it belongs before, its cue must end by then
    cues, issues = segment(words, EN, [boundary])
    assert all(c.end <= boundary + 1e-9 or c.start >= boundary - 1e-9 for c in cues)
    assert any(abs(c.end - boundary) < 1e-9 or c.end < boundary for c in cues)
    assert tokens_of_cues(cues) == tokens_of_words(words)
    assert issues == []


def test_speaker_change_starts_a_new_cue():
    a = timed_words("Thank you very much.", speaker="Ana")
    b = timed_words("Thanks, Ana.", start=a[-1].end, speaker="Ben")
    cues, _ = segment(a + b, EN)
    assert [(c.text, c.speaker) for c in cues] == [("Thank you very much.", "Ana"), ("Thanks, Ana.", "Ben")]
    assert cues[1].start - cues[0].end == 0 or cues[1].start - cues[0].end >= EN.min_gap - 1e-9


# --- timing -------------------------------------------------------------------------------------

def test_short_word_is_held_for_min_duration_into_silence_only():
    words = [Word("Yes.", 10.0, 10.2), Word("Indeed,", 20.0, 20.4), Word("we", 20.4, 20.5), Word("agree.", 20.5, 21.0)]
    cues, issues = segment(words, EN)
    assert issues == []
    assert cues[0].start == 10.0
    assert cues[0].end == pytest.approx(10.0 + 0.834)  # min duration, not the 10 s of silence
    assert cues[1].start == 20.0


def test_no_stretch_over_long_silence():
    words = timed_words("This sentence is followed by a very long silence.")
    more = timed_words("Then speech goes on.", start=words[-1].end + 12)
    cues, _ = segment(words + more, EN)
    assert cues[0].end <= allowed_end(cues[0], words, EN)
    assert cues[0].end - words[-1].end <= EN.max_linger + 1e-9


def test_small_gap_is_chained_not_left_under_two_frames():
    words = [Word("First", 0.0, 0.5), Word("cue", 0.5, 1.2), Word("here.", 1.2, 2.0),
             Word("Second", 2.05, 2.6), Word("one", 2.6, 3.0), Word("follows.", 3.0, 3.8)]
    cues, issues = segment(words, get_profile(max_chars=10, max_lines=2))
    assert issues == []
    for a, b in zip(cues, cues[1:]):
        gap = b.start - a.end
        assert gap == 0 or gap >= EN.min_gap - 1e-9


def test_lead_is_used_only_when_the_cue_needs_it():
    # "Go." then speech 0.84 s later: the first cue fits its min duration only by starting early.
    words = [Word("Hello", 0.0, 0.2), Word("there.", 5.0, 5.3), Word("Go.", 5.3, 5.5), Word("Now", 6.1, 6.4),
             Word("we", 6.4, 6.5), Word("start", 6.5, 6.9), Word("the", 6.9, 7.0), Word("meeting.", 7.0, 7.6)]
    cues, issues = segment(words, EN)
    assert issues == []
    for cue, (i, j) in zip(cues, cue_word_spans(cues, words)):
        assert words[i].start - EN.sync_lead - 1e-9 <= cue.start <= words[i].start


# --- what cannot be done is reported -------------------------------------------------------------

def test_word_longer_than_a_line_is_reported_with_its_cue():
    words = timed_words("The keyword is " + "x" * 50 + " and nothing else matters here.")
    cues, issues = segment(words, EN)
    long_cue = next(i for i, c in enumerate(cues) if "x" * 50 in c.text)
    assert [(i.cue_index, i.rule) for i in issues] == [(long_cue, "max_chars_per_line")]
    assert "alone is longer than a line" in issues[0].detail
    assert tokens_of_cues(cues) == tokens_of_words(words)


def test_speech_faster_than_any_legal_cue_is_reported():
    fast = timed_words(" ".join(["information"] * 40), cps=60)  # 60 characters a second, no pause
    after = timed_words("Right.", start=fast[-1].end)
    cues, issues = segment(fast + after, EN)
    assert issues, "60 chars/s cannot fit 20 chars/s cues"
    assert {i.rule for i in issues} <= {"max_cps", "min_duration"}
    assert all(0 <= i.cue_index < len(cues) for i in issues)
    assert "faster than any legal cue" in issues[0].detail
    assert tokens_of_cues(cues) == tokens_of_words(fast + after)


def test_empty_and_blank_words():
    assert segment([], EN) == ([], [])
    cues, issues = segment([Word(" ", 0, 1), Word("Hi.", 1, 1.5)], EN)
    assert [c.text for c in cues] == ["Hi."] and issues == []


# --- profiles -------------------------------------------------------------------------------------

def test_overrides_are_obeyed():
    words = timed_words(WEBINAR_TEXT)
    for profile in (get_profile(max_chars=30, max_lines=1), get_profile("bbc", "en"),
                    get_profile(max_lines=3, max_cps=25)):
        cues, issues = segment(words, profile)
        assert issues == [], (profile, issues)
        assert check_cues(cues, profile).ok
        assert max(len(c.lines) for c in cues) <= profile.max_lines
        assert tokens_of_cues(cues) == tokens_of_words(words)


def test_chinese_words_are_joined_without_spaces_in_16_character_lines():
    zh = get_profile(None, "zh")
    chars = "各位早上好欢迎参加边境合作网络研讨会。今天我们讨论信息共享和INTERPOL的项目。"
    words = []
    t = 0.0
    for token in ["各位", "早上好", "欢迎", "参加", "边境", "合作", "网络", "研讨会。", "今天", "我们", "讨论",
                  "信息", "共享", "和", "INTERPOL", "的", "项目。"]:
        words.append(Word(token, t, t + 0.25 * len(token)))
        t += 0.25 * len(token)
    cues, issues = segment(words, zh)
    assert issues == []
    assert "".join(line for c in cues for line in c.lines) == chars
    assert all(len(line) <= 16 for c in cues for line in c.lines)
    assert check_cues(cues, zh).ok


# --- line breaking ------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "text",
    [
        "We will now hear from the representative of the International Organization",
        "Border officers in the Western Balkans can check the travel documents",
        "They shared information about the suspects with their partners",
        "This is a very important initiative for all the countries of the region",
    ],
)
def test_a_determiner_never_ends_a_line(text):
    lines = break_lines(text, EN)
    assert lines and len(lines) == 2
    assert lines[0].split()[-1].lower() not in DETERMINERS, lines
    assert " ".join(lines) == text


def test_names_are_not_split():
    lines = break_lines("Our next speaker today is the analyst Maria Fernandez from Madrid", EN)
    assert any("Maria Fernandez" in line for line in lines), lines
    lines = break_lines("The programme was presented by Jean-Paul Laborde last week in Vienna", EN)
    assert any("Jean-Paul Laborde" in line for line in lines), lines


def test_auxiliary_stays_with_its_verb():
    lines = break_lines("Our colleagues from the border police have participated in the training", EN)
    assert not lines[0].endswith("have"), lines


def test_one_line_when_it_fits_and_none_when_it_cannot():
    assert break_lines("Thank you very much.", EN) == ["Thank you very much."]
    assert break_lines("x" * 43, EN) is None
    assert break_lines(" ".join(["word"] * 30), EN) is None
    assert break_lines("", EN) == []


def test_break_prefers_punctuation_and_a_bottom_heavy_pyramid():
    lines = break_lines("Thank you all for coming, we will start in a few minutes", EN)
    assert lines == ["Thank you all for coming,", "we will start in a few minutes"]
    lines = break_lines("Borders are long and officers are few and far between", EN)
    assert len(lines[0]) <= len(lines[1]), lines


def test_break_lines_in_spanish_and_chinese():
    es = get_profile(None, "es")
    lines = break_lines("La cooperación transfronteriza es esencial para la seguridad de la región", es, "es")
    assert lines[0].split()[-1] not in ("la", "de", "el"), lines
    zh = get_profile(None, "zh")
    lines = break_lines("我们今天讨论跨境合作和信息共享，以及HOTSPOT项目。", zh, "zh")
    assert lines == ["我们今天讨论跨境合作和信息共享，", "以及HOTSPOT项目。"]
    assert break_lines("在Project HOTSPOT", zh, "zh") == ["在Project HOTSPOT"]


# --- untimed text in a span (translation) ---------------------------------------------------------

def test_layout_text_in_span_keeps_text_and_span():
    text = ("La Iniciativa de Accra reúne a países de África occidental para compartir información "
            "sobre amenazas transfronterizas. Las operaciones Koudanlgou dos y tres fueron un éxito.")
    es = get_profile(None, "es")
    cues = layout_text_in_span(text, 12.0, 24.0, es, "es")
    assert " ".join(c.text for c in cues).split() == text.split()
    assert cues[0].start >= 12.0 and cues[-1].end <= 24.0
    assert check_cues(cues, es).ok
    assert cues[-1].text == "Las operaciones Koudanlgou dos y tres fueron un éxito."


def test_layout_text_in_span_respects_boundaries():
    cues = layout_text_in_span(WEBINAR_TEXT, 0.0, 60.0, EN, "en", boundaries=[30.0])
    assert all(c.end <= 30.0 or c.start >= 30.0 for c in cues)
    assert cues[-1].end <= 60.0


# --- the transcript-level entry point -----------------------------------------------------------

def test_make_captions_uses_chapter_starts():
    words = timed_words(WEBINAR_TEXT)
    cut = words[60].start
    t = Transcript(language="en", duration=words[-1].end + 1,
                   segments=[Segment(start=0, end=words[-1].end, text=WEBINAR_TEXT, words=words)],
                   chapters=[Chapter("Opening", 0, cut), Chapter("Spain", cut, words[-1].end)])
    track, issues = make_captions(t)
    assert track.language == "en" and issues == []
    assert any(c.start == pytest.approx(cut) for c in track.cues)
    assert all(c.end <= cut + 1e-9 or c.start >= cut - 1e-9 for c in track.cues)


# --- speed ---------------------------------------------------------------------------------------

def test_two_hours_of_words_in_well_under_a_few_seconds():
    words = []
    t = 0.0
    while len(words) < 20_000:
        chunk = timed_words(WEBINAR_TEXT, start=t, cps=14 + (len(words) % 5))
        words.extend(chunk)
        t = chunk[-1].end + 2.0
    began = time.perf_counter()
    cues, issues = segment(words, EN)
    elapsed = time.perf_counter() - began
    assert issues == []
    assert len(tokens_of_cues(cues)) == len(words)
    assert elapsed < 4.0, f"{elapsed:.2f} s for {len(words)} words"


def test_a_max_cps_below_the_target_is_still_met_when_silence_allows():
    words = timed_words("We will now hear from our colleague in Accra.", cps=18)
    later = timed_words("Thank you.", start=words[-1].end + 6)
    profile = get_profile(max_cps=12)  # below the default target of 17
    cues, issues = segment(words + later, profile)
    assert issues == [] and check_cues(cues, profile).ok

"""Our own sentence splitter, and source cues -> timed sentences."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from captioner.model import Cue
from captioner.translate.sentences import sentence_spans, sentences_from_cues, split_sentences


def test_abbreviations_numbers_and_acronyms_do_not_end_sentences():
    text = ("Mr. Smith works at the U.N. He said e.g. this. The rate is 2.5 percent. Is it? Yes! "
            "The U.N. Security Council met on No. 5 St. James Street. Dr. J. R. Okoro agreed.")
    assert split_sentences(text) == [
        "Mr. Smith works at the U.N.",
        "He said e.g. this.",
        "The rate is 2.5 percent.",
        "Is it?",
        "Yes!",
        "The U.N. Security Council met on No. 5 St. James Street.",
        "Dr. J. R. Okoro agreed.",
    ]


def test_urls_ellipses_quotes_and_other_scripts():
    assert split_sentences("Visit www.un.org. Then write to info@un.org today.") == [
        "Visit www.un.org.", "Then write to info@un.org today."]
    assert split_sentences("He left... and came back. \"Really?\" she asked.") == [
        "He left... and came back.", "\"Really?\" she asked."]
    assert split_sentences("¿Qué? ¡Sí! Bien.") == ["¿Qué?", "¡Sí!", "Bien."]
    assert split_sentences("他来了。我们走吧！好") == ["他来了。", "我们走吧！", "好"]
    assert split_sentences("no final punctuation here") == ["no final punctuation here"]
    assert split_sentences("   ") == []


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab .?!Mr2,\n")), max_size=80))
def test_spans_are_ordered_trimmed_and_keep_every_word(text):
    spans = sentence_spans(text)
    previous_end = 0
    for a, b in spans:
        assert previous_end <= a < b <= len(text)
        assert not text[a].isspace() and not text[b - 1].isspace()
        previous_end = b
    assert "".join(text[a:b] for a, b in spans).replace(" ", "").replace("\n", "") == \
        text.replace(" ", "").replace("\n", "")


def test_sentences_span_cues_and_share_time_within_a_cue():
    cues = [
        Cue(0.0, 2.0, ["Mr. Smith said that the"]),
        Cue(2.0, 4.0, ["border is closed. We", "agree. Next"]),
        Cue(4.5, 6.0, ["one is here."]),
    ]
    sentences = sentences_from_cues(cues, "en")
    assert [s.text for s in sentences] == [
        "Mr. Smith said that the border is closed.", "We agree.", "Next one is here."]
    first, second, third = sentences
    assert first.start == 0.0 and first.cues == [0, 1]
    second_cue = "border is closed. We agree. Next"  # its lines joined
    assert abs(first.end - (2.0 + 2.0 * second_cue.index("We") / len(second_cue))) < 1e-9
    assert second.start == first.end and second.end == third.start  # sentences in one cue meet exactly
    assert second.end <= 4.0 and third.end == 6.0 and third.cues == [1, 2]
    for s in sentences:
        assert s.start < s.end


def test_speaker_changes_and_chapter_boundaries_end_sentences():
    cues = [
        Cue(0.0, 2.0, ["Thank you, and now"], speaker="A"),
        Cue(2.0, 4.0, ["over to you"], speaker="A"),
        Cue(4.1, 6.0, ["thanks, Daniel"], speaker="B"),
        Cue(6.1, 8.0, ["then we move on"], speaker="B"),
    ]
    sentences = sentences_from_cues(cues, "en", boundaries=[6.05])
    assert [(s.text, s.speaker) for s in sentences] == [
        ("Thank you, and now over to you", "A"),
        ("thanks, Daniel", "B"),
        ("then we move on", "B"),
    ]
    assert sentences[1].end <= 6.05 <= sentences[2].start

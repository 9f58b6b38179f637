"""Translated sentences laid back over their time spans (no engine needed)."""
from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from captioner.captions.qc import check_cues
from captioner.captions.rules import get_profile
from captioner.translate.retime import even_cues, layout_translations, linger_limit
from captioner.translate.sentences import Sentence

PROFILE = get_profile("netflix-en", "es")  # the span arithmetic below is at 20 characters/s
WORDS = ["la", "frontera", "combatientes", "información", "de", "los", "pasajeros", "y", "intercambio",
         "gestión", "integrada", "Naciones", "Unidas", "seguridad,", "cooperación."]


@st.composite
def timed_translations(draw):
    count = draw(st.integers(1, 6))
    t = draw(st.floats(0, 5))
    sentences, texts = [], []
    for n in range(count):
        duration = draw(st.floats(0.3, 8.0))
        gap = draw(st.sampled_from([0.0, 0.2, 0.6, 1.5]))
        words = draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=25))
        speaker = draw(st.sampled_from(["A", "B"]))
        sentences.append(Sentence(" ".join(words), t, t + duration, speaker, [n]))
        texts.append(" ".join(words))
        t += duration + gap
    boundaries = draw(st.lists(st.sampled_from([s.start for s in sentences]), max_size=2, unique=True))
    return sentences, texts, sorted(boundaries)


@settings(max_examples=60, deadline=None)
@given(timed_translations())
@example(([Sentence("la la la la la frontera frontera frontera frontera frontera frontera frontera frontera frontera "
                    "frontera combatientes combatientes", 0.0, 6.59375, "A", [0]),
           Sentence("la", 6.59375, 7.59375, "A", [1])],
          ["la la la la la frontera frontera frontera frontera frontera frontera frontera frontera frontera "
           "frontera combatientes combatientes", "la"],
          [0.0, 6.59375]))  # a chapter start between milliseconds: the cue before ends on it, rounded
def test_cues_stay_in_their_sentences_time_and_keep_every_word(case):
    sentences, texts, boundaries = case
    cues, groups = layout_translations(sentences, texts, PROFILE, "es", boundaries)
    assert " ".join(c.text for c in cues).split() == " ".join(texts).split()
    for group in groups:
        first, last = sentences[group.sentences[0]], sentences[group.sentences[-1]]
        assert group.sentences == list(range(group.sentences[0], group.sentences[-1] + 1))
        assert len({sentences[i].speaker for i in group.sentences}) == 1
        limit = linger_limit(sentences, group.sentences[-1], PROFILE, boundaries)
        for cue in group.cues:
            assert first.start - 1e-9 <= cue.start <= cue.end <= limit + 1e-3  # times are written in ms
            assert cue.speaker == first.speaker
    for cue in cues:  # compared in whole milliseconds, as the files write both (6.59375 is 6.594 in each)
        assert not any(round(cue.start, 3) < round(b, 3) < round(cue.end, 3) for b in boundaries)
    for previous, cue in zip(cues, cues[1:]):
        assert cue.start >= previous.end - 1e-9


def test_a_translation_too_long_for_its_span_lingers_then_merges():
    sentences = [
        Sentence("But technology alone is not enough.", 161.313, 163.282, "J", [0]),
        Sentence("Officers need training, and data protection rules that respect human rights.", 163.588, 168.222, "J", [1]),
        Sentence("I agree with James.", 169.124, 171.0, "M", [2]),
    ]
    first = "Pero la tecnología sola no es bastante."
    last = "Estoy de acuerdo con James."
    # 99 characters: over 20/s in the 4.6 s spoken, under it with the 0.5 s linger allowed after
    lingering = "Los agentes necesitan formación, y normas de protección de datos que respeten los derechos humanos."
    cues, groups = layout_translations(sentences, [first, lingering, last], PROFILE, "es")
    assert check_cues(cues, PROFILE).ok
    assert [g.sentences for g in groups] == [[0], [1], [2]]
    assert 168.222 < groups[1].cues[-1].end <= 168.222 + PROFILE.max_linger
    # 108 characters: does not fit even then; merged with the sentence before it (same speaker)
    merging = "Los agentes necesitan formación, y también normas de protección de datos que respeten los derechos humanos."
    cues, groups = layout_translations(sentences, [first, merging, last], PROFILE, "es")
    assert check_cues(cues, PROFILE).ok
    assert [g.sentences for g in groups] == [[0, 1], [2]]
    assert groups[0].cues[0].start == 161.313 and groups[0].cues[-1].end <= 168.222 + PROFILE.max_linger
    assert groups[1].cues[0].start >= 169.124


def test_even_cues_are_chained_and_within_rules():
    text = "Los agentes necesitan formación, y normas de protección de datos que respeten los derechos humanos."
    cues = even_cues(text, 10.0, 16.0, PROFILE, "es")
    assert cues is not None and check_cues(cues, PROFILE).ok
    assert cues[0].start == 10.0 and cues[-1].end == 16.0
    assert all(a.end == b.start for a, b in zip(cues, cues[1:]))
    assert even_cues(text, 10.0, 12.0, PROFILE, "es") is None  # 20+ characters/s cannot be met
    assert even_cues(text, 10.0, 16.0, PROFILE, "es", boundaries=[13.0]) is None

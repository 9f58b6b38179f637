"""Speaker turns and names on real audio: the sample webinar, a real stereo file, the espeak-ng tuning webinars."""
from __future__ import annotations

import json

import numpy as np
import pytest

from captioner.agenda.items import load_agenda
from captioner.media.audio import decode
from captioner.model import Chapter, Word
from captioner.speakers.diarize import (
    SAMPLE_RATE,
    SPAN_MARGIN,
    Turn,
    assign_words,
    channels_carry_different_voices,
    detect,
    detect_turns,
    detect_turns_stereo,
)
from captioner.speakers.names import apply_names, name_speakers, speaking_time
from tests.support.paths import SAMPLE, SAMPLE_TRUTH, real
from tests.support.synth import make_webinar, webinar_names

SAMPLE_AGENDA = SAMPLE.with_name(SAMPLE.stem + ".agenda.yaml")


# --- shared, expensive once --------------------------------------------------------

@pytest.fixture(scope="session")
def sample_audio() -> np.ndarray:
    return decode(SAMPLE)


@pytest.fixture(scope="session")
def truth() -> dict:
    return json.loads(SAMPLE_TRUTH.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def agenda():
    return load_agenda(SAMPLE_AGENDA)


@pytest.fixture(scope="session")
def sample_turns(sample_audio, agenda) -> list[Turn]:
    return detect_turns(sample_audio, SAMPLE_RATE, max_speakers=len(agenda.speakers))


def diarization_error(ref: list[Turn], hyp: list[Turn], collar: float, until: float | None = None) -> dict:
    """pyannote.metrics' diarization error rate; `collar` seconds on each side of every reference boundary."""
    from pyannote.core import Annotation, Segment, Timeline
    from pyannote.metrics.diarization import DiarizationErrorRate

    reference_, hypothesis = Annotation(), Annotation()
    for i, t in enumerate(ref):
        reference_[Segment(t.start, t.end), i] = t.speaker
    for i, t in enumerate(hyp):
        hypothesis[Segment(t.start, t.end), i] = t.speaker
    end = until if until is not None else max(t.end for t in ref + hyp)
    metric = DiarizationErrorRate(collar=2 * collar)  # pyannote's collar is the width of both sides together
    detail = metric(reference_, hypothesis, uem=Timeline([Segment(0, end)]), detailed=True)
    return {k: detail[k] for k in ("diarization error rate", "missed detection", "false alarm", "confusion", "total")}


def reference(truth: dict) -> list[Turn]:
    return [Turn(s["start"], s["end"], s["speaker"]) for s in truth["sentences"]]


def truth_chapters(truth: dict, speakers_of_items: list[list[str]]) -> list[Chapter]:
    """Chapters at the true item times (the agenda aligner's job, tested elsewhere) with the agenda's speakers."""
    items = truth["items"]
    chapters = []
    for k, (item, speakers) in enumerate(zip(items, speakers_of_items)):
        end = items[k + 1]["start"] if k + 1 < len(items) else truth["duration"]
        chapters.append(Chapter(title=item["title"], start=item["start"] if k else 0.0, end=end, speakers=speakers))
    return chapters


def named_share(truth: dict, named: list[Turn]) -> float:
    """Share of the true speech time that the named turns attribute to the right person."""
    right = total = 0.0
    for s in truth["sentences"]:
        total += s["end"] - s["start"]
        right += sum(max(0.0, min(s["end"], t.end) - max(s["start"], t.start)) for t in named if t.speaker == s["speaker"])
    return right / total


def sentences_named_right(truth: dict, named: list[Turn]) -> float:
    """Share of sentences whose speech is mostly under the right name."""
    good = 0
    for s in truth["sentences"]:
        overlap: dict[str, float] = {}
        for t in named:
            o = min(s["end"], t.end) - max(s["start"], t.start)
            if o > 0:
                overlap[t.speaker] = overlap.get(t.speaker, 0.0) + o
        good += bool(overlap) and max(overlap, key=overlap.get) == s["speaker"]
    return good / len(truth["sentences"])


# --- the sample recording -------------------------------------------------------------

def test_sample_diarization_error_rate_at_most_ten_percent(sample_turns, truth):
    strict = diarization_error(reference(truth), sample_turns, collar=0.0, until=truth["duration"])
    standard = diarization_error(reference(truth), sample_turns, collar=0.25, until=truth["duration"])
    rate = "diarization error rate"
    print(f"DER no collar {strict[rate]:.3f} (missed {strict['missed detection']:.1f} s, false alarm "
          f"{strict['false alarm']:.1f} s, confusion {strict['confusion']:.1f} s of {strict['total']:.1f} s); "
          f"with 0.25 s collar {standard[rate]:.3f}")
    assert len({t.speaker for t in sample_turns}) == len(truth["speakers"])
    assert standard[rate] <= 0.10
    assert strict[rate] <= 0.10


def test_sample_speakers_named_from_the_agenda_on_ninety_percent_of_speech(sample_turns, truth, agenda):
    chapters = truth_chapters(truth, [item.speakers for item in agenda.items])
    mapping = name_speakers(sample_turns, chapters)
    named = apply_names(sample_turns, mapping)
    share = named_share(truth, named)
    print(f"right name on {share:.1%} of speech; {mapping}")
    assert share >= 0.90
    assert set(mapping.values()) == set(agenda.speakers)  # one voice per name, none twice


def test_sample_words_take_the_speaker_of_their_turn(sample_turns, truth, agenda):
    # one word per true sentence, at its middle: it must land in a turn of that sentence's voice
    chapters = truth_chapters(truth, [item.speakers for item in agenda.items])
    named = apply_names(sample_turns, name_speakers(sample_turns, chapters))
    words = [Word(s["text"].split()[0], (s["start"] + s["end"]) / 2 - 0.1, (s["start"] + s["end"]) / 2 + 0.1)
             for s in truth["sentences"]]
    assign_words(words, named)
    right = sum(w.speaker == s["speaker"] for w, s in zip(words, truth["sentences"]))
    assert right / len(words) >= 0.9
    times = speaking_time(named)
    assert max(times, key=times.get) == "Daniel Hartmann"  # the moderator speaks most
    assert times["Daniel Hartmann"] == pytest.approx(truth["speakers"]["Daniel Hartmann"]["speech_time"], rel=0.15)


def test_speech_spans_from_the_transcript_restrict_turns_to_speech(sample_audio, truth):
    # the first minute, where the "transcript" (true sentence spans) heard only the first 30 s
    minute = sample_audio[: 60 * SAMPLE_RATE]
    heard = [s for s in truth["sentences"] if s["end"] <= 30]
    turns = detect_turns(minute, SAMPLE_RATE, speech_spans=[(s["start"], s["end"]) for s in heard], max_speakers=3)
    assert turns and max(t.end for t in turns) <= heard[-1]["end"] + SPAN_MARGIN
    assert {t.speaker for t in turns} == {"S1"}  # the moderator alone
    ref = [Turn(s["start"], s["end"], s["speaker"]) for s in heard]
    assert diarization_error(ref, turns, collar=0.25, until=30.0)["diarization error rate"] <= 0.10


def test_a_short_interjection_does_not_become_a_speaker_turn(sample_audio, truth):
    # splice 0.6 s of another voice into the middle of a long stretch of one speaker
    sentences = truth["sentences"]
    long = max((s for s in sentences if s["speaker"] == "Maria Fernández"), key=lambda s: s["end"] - s["start"])
    other = next(s for s in sentences if s["speaker"] == "Kwame Mensah" and s["end"] - s["start"] > 3)
    start = int((long["start"] - 8) * SAMPLE_RATE)
    clip = sample_audio[start: int((long["end"] + 2) * SAMPLE_RATE)].copy()
    middle = int(((long["start"] + long["end"]) / 2 - (long["start"] - 8)) * SAMPLE_RATE)
    blip = sample_audio[int((other["start"] + 1) * SAMPLE_RATE): int((other["start"] + 1.6) * SAMPLE_RATE)]
    clip[middle: middle + len(blip)] = blip
    turns = detect_turns(clip, SAMPLE_RATE)
    blip_at = middle / SAMPLE_RATE
    around = [t for t in turns if t.end > blip_at - 2 and t.start < blip_at + 2.6]
    assert len({t.speaker for t in around}) == 1, around


# --- stereo ----------------------------------------------------------------------------

def test_stereo_recording_with_a_speaker_per_channel_has_two_speakers():
    path = real("stereo_diarization.wav")
    left, right = decode(path, split_stereo=True)
    assert channels_carry_different_voices(left, right)
    turns = detect(path)
    assert {t.speaker for t in turns} == {"S1", "S2"}
    by_speaker = {s: sum(t.duration for t in turns if t.speaker == s) for s in ("S1", "S2")}
    assert min(by_speaker.values()) > 1.5  # both say a sentence, not a blip
    assert detect_turns_stereo(left, right, SAMPLE_RATE) == turns


def test_mono_file_read_as_stereo_is_not_split_by_channel():
    left, right = decode(real("jfk.flac"), split_stereo=True)
    assert not channels_carry_different_voices(left, right)


def test_leak_of_one_voice_into_the_other_microphone_is_not_a_second_speaker():
    voice = decode(real("jfk.flac"))
    rng = np.random.default_rng(0)
    delay = 3 * 160  # 30 ms later, 20 dB quieter
    leak = np.concatenate([np.zeros(delay, np.float32), 0.1 * voice[:-delay]])
    leak += (0.0005 * rng.standard_normal(len(voice))).astype(np.float32)
    turns = detect_turns_stereo(voice, leak, SAMPLE_RATE)
    assert {t.speaker for t in turns} == {"S1"}


# --- espeak-ng tuning webinars (rules were chosen on them), agendas naming one speaker per item ---------------------

@pytest.mark.voices
@pytest.mark.parametrize("name", webinar_names())
def test_espeak_webinar_sentences_under_the_right_name(name, tmp_path):
    audio_path, webinar = make_webinar(name, tmp_path, seed=7)
    agenda_speakers = list(webinar["speakers"])
    turns = detect(audio_path, max_speakers=len(agenda_speakers))
    chapters = truth_chapters(webinar, [[item["speaker"]] for item in webinar["items"]])
    named = apply_names(turns, name_speakers(turns, chapters))
    share = sentences_named_right(webinar, named)
    print(f"{name}: {share:.1%} of sentences under the right name")
    assert share >= 0.90


def test_own_encoder_and_mel_filters_match_resemblyzer():
    """We run resemblyzer's encoder in numpy from its weights file, importing neither resemblyzer
    (librosa and numba cost seconds per process) nor torch; the numbers must be resemblyzer's own."""
    import warnings

    import librosa
    import torch

    from captioner.speakers.embeddings import load_encoder, mel_filters

    assert np.allclose(mel_filters(400, 40), librosa.filters.mel(sr=16000, n_fft=400, n_mels=40), atol=1e-7)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from resemblyzer import VoiceEncoder
    theirs = VoiceEncoder("cpu", verbose=False)
    ours = load_encoder()
    mels = np.random.default_rng(0).random((3, 160, 40), dtype=np.float32)
    with torch.inference_mode():
        expected = theirs(torch.from_numpy(mels)).numpy()
    got = ours(mels)
    assert np.allclose(got, expected, atol=1e-5)


def test_one_real_voice_is_one_speaker():
    """A real monologue must not be split: with the 3 s minimum it came out as two voices."""
    from captioner.speakers.diarize import detect

    turns = detect(real("jfk.flac"))
    assert {t.speaker for t in turns} == {"S1"}
    assert sum(t.end - t.start for t in turns) > 9.0


def _said(text: str, speakers: str, start: float = 0.0, pause_after: dict | None = None) -> list[Word]:
    words, t = [], start
    for n, (token, who) in enumerate(zip(text.split(), speakers.split())):
        words.append(Word(token, t, t + 0.3, 0.9, who))
        t += 0.35 + (pause_after or {}).get(n, 0.0)
    return words


def test_a_sentence_keeps_one_speaker_unless_a_long_pause_splits_it():
    from captioner.speakers.diarize import settle_sentences

    # one person said it all; clustering gave its middle to another voice
    words = _said("Welcome everyone to the second session on border security. Thank you.",
                  "A A A A A A B B B A A")
    assert settle_sentences(words, split_pause=2.0) == 3
    assert [w.speaker for w in words] == ["A"] * 11
    # the other voice says most of the sentence: all of it is theirs
    words = _said("Let me turn to Amina now.", "A B B B B B")
    settle_sentences(words, split_pause=2.0)
    assert {w.speaker for w in words} == {"B"}
    # an interruption: a long pause inside the sentence lets the speaker change there
    words = _said("So the floor is yours Amina thank you so much", "A A A A A A B B B B", pause_after={5: 2.5})
    assert settle_sentences(words, split_pause=2.0) == 0
    assert [w.speaker for w in words] == ["A"] * 6 + ["B"] * 4
    # 0 keeps every word's own turn
    words = _said("Welcome everyone to the session.", "A A B B A")
    assert settle_sentences(words, split_pause=0) == 0 and [w.speaker for w in words] == list("AABBA")


def test_each_turn_says_how_sure_its_voice_is(sample_turns):
    # the margin: similarity to the turn's own speaker minus the next speaker's, over its speech
    measured = [t.margin for t in sample_turns if t.margin is not None]
    assert len(measured) >= 0.9 * len(sample_turns)
    assert all(-1.0 <= m <= 1.0 for m in measured)
    assert sorted(measured)[len(measured) // 2] > 0  # most turns sound more like their own speaker

"""Sound that recognition left without words is found by its loudness and decoded again alone."""
from __future__ import annotations

import copy

import numpy as np
import pytest

from captioner.asr.recognize import DRAFT_MODEL, AsrOptions, load_model, speech_warnings, transcribe_audio
from captioner.asr.speech_repair import repair, sound_coverage, splice, uncovered_stretches
from captioner.captions.segment import make_captions
from captioner.media.audio import SAMPLE_RATE, decode
from captioner.model import Segment, Transcript, Word
from tests.support.paths import real
from tests.support.textnorm import normalize


def bursts(spans: list[tuple[float, float]], seconds: float = 12.0) -> np.ndarray:
    rng = np.random.default_rng(0)
    audio = 0.002 * rng.standard_normal(int(seconds * SAMPLE_RATE))
    for start, end in spans:
        t = np.arange(int((end - start) * SAMPLE_RATE)) / SAMPLE_RATE
        audio[int(start * SAMPLE_RATE): int(start * SAMPLE_RATE) + t.size] += 0.1 * np.sin(2 * np.pi * 220 * t)
    return audio.astype(np.float32)


def transcript_of(words: list[Word]) -> Transcript:
    return Transcript(language="en", duration=12.0, segments=[Segment(words[0].start, words[-1].end, "", words)])


def test_sound_without_words_and_a_stretched_word_are_found():
    audio = bursts([(1.0, 3.0), (5.0, 6.5), (8.0, 10.0)])
    words = [Word("one", 1.0, 1.6), Word("two", 1.7, 2.9),
             Word("stretched", 4.9, 10.0)]  # faster-whisper's timestamps over skipped speech
    found = uncovered_stretches(transcript_of(words), audio)
    # the stretched word covers its first 1.5 s (and 0.4 s margin): 5.0-6.5 is covered up to 6.8
    assert found == [(8.0, 10.0)]
    assert uncovered_stretches(transcript_of(words[:2]), audio) == [(5.0, 6.5), (8.0, 10.0)]


def test_what_is_still_without_words_is_reported_and_warned_with_its_times():
    audio = bursts([(1.0, 3.0), (4.0, 10.0)])
    transcript = transcript_of([Word("one", 1.0, 1.6), Word("two", 1.7, 2.9)])
    transcript.sound_coverage = sound_coverage(transcript, audio)
    assert transcript.sound_coverage == {"sound_seconds": 8.0, "covered_seconds": 2.0, "uncovered_seconds": 6.0,
                                         "uncovered": [{"start": 4.0, "end": 10.0}], "words_on_silence": []}
    assert speech_warnings(transcript, multilingual=True) == []  # under 10 s: a cough, applause
    transcript.sound_coverage["uncovered_seconds"] = 12.0
    warning, = speech_warnings(transcript, multilingual=True)
    assert warning.startswith("12 s of sound have no words (4-10 s), also when decoded again on their own")


@pytest.mark.speech_model
def test_a_dropped_half_of_jfk_is_decoded_again_in_place():
    audio = decode(real("jfk.flac"))
    full = transcribe_audio(audio, AsrOptions(model=DRAFT_MODEL, repair=False))
    cut = copy.deepcopy(full)
    words = cut.words
    keep = [w for w in words if w.end <= 6.0]  # "And so my fellow Americans, ask not what your country..."
    cut.segments = [Segment(keep[0].start, keep[-1].end, " ".join(w.text for w in keep), keep)]
    repairs = repair(cut, audio, load_model(AsrOptions(model=DRAFT_MODEL)), "en", 5)
    assert 1 <= len(repairs) <= 2 and all(r["words_before"] == 0 for r in repairs)
    assert sum(r["words_after"] for r in repairs) >= 8
    assert repairs[0]["start"] >= 5.5 and repairs[-1]["end"] <= 11.0
    text = normalize(" ".join(w.text for w in cut.words))
    assert text.endswith("ask what you can do for your country")
    restored = [w for w in cut.words if w.start > 6.0]
    assert restored and all(6.0 < w.start < w.end <= 11.1 for w in restored)
    assert [w.start for w in cut.words] == sorted(w.start for w in cut.words)


@pytest.mark.speech_model
def test_nothing_is_repaired_where_every_sound_has_words():
    audio = decode(real("jfk.flac"))
    transcript = transcribe_audio(audio, AsrOptions(model=DRAFT_MODEL))
    assert transcript.repairs == []


def test_a_repair_inside_a_segments_gap_is_captioned_at_its_own_time():
    # recognition skipped 5.9-7.9 s inside one segment; the repair must land between its halves
    skipped = Segment(0.0, 10.0, "", [Word("before", 0.0, 0.5), Word("the", 0.5, 0.7), Word("law.", 0.7, 1.2),
                                      Word("Thank", 8.0, 8.4), Word("you.", 8.4, 8.9)])
    repaired = Segment(6.0, 7.5, "Over to you.", [Word("Over", 6.0, 6.4), Word("to", 6.4, 6.6), Word("you.", 6.6, 7.5)])
    transcript = Transcript(language="en", duration=10.0, segments=splice([skipped], [repaired]))
    starts = [w.start for w in transcript.words]
    assert starts == sorted(starts)
    assert [s.text for s in transcript.segments] == ["before the law.", "Over to you.", "Thank you."]
    track, _ = make_captions(transcript)
    cue = next(c for c in track.cues if "Over" in " ".join(c.lines))
    assert 5.9 <= cue.start <= 6.1 and "Thank" not in " ".join(cue.lines)


def test_stretches_near_each_other_share_one_window():
    from captioner.asr.speech_repair import windows

    stretches = [(1.0, 2.0), (5.0, 6.5), (29.0, 29.4), (31.0, 33.0), (80.0, 120.0)]
    # 1.0-29.4 with 0.3 s either side fits in 30 s; 31-33 would not; a long stretch is alone
    assert windows(stretches) == [[(1.0, 2.0), (5.0, 6.5), (29.0, 29.4)], [(31.0, 33.0)], [(80.0, 120.0)]]


def with_silence_after(audio: np.ndarray, seconds: float) -> np.ndarray:
    """The recording followed by `seconds` of its own quietest sound (its room, not digital zero)."""
    n = int(0.1 * SAMPLE_RATE)
    frames = audio[: len(audio) // n * n].reshape(-1, n)
    quietest = frames[np.argmin(np.sqrt(np.mean(frames.astype(np.float64) ** 2, axis=1)))]
    return np.concatenate([audio, np.tile(quietest, int(seconds * 10))]).astype(np.float32)


@pytest.mark.speech_model
def test_words_placed_on_silence_go_back_to_their_speech():
    # JFK says "ask what you can do for your country" at 8.2-10.6 s (its loudness); planted: those
    # words moved 5 s later, onto the silence after the speech, as jumping timestamps leave them
    audio = with_silence_after(decode(real("jfk.flac")), 6.0)
    transcript = transcribe_audio(audio, AsrOptions(model=DRAFT_MODEL, repair=False))
    last = [w for w in transcript.words if w.start >= 8.0]
    assert normalize(" ".join(w.text for w in last)) == "ask what you can do for your country"
    for word in last:
        word.start, word.end = word.start + 5.0, word.end + 5.0
    assert sound_coverage(transcript, audio)["words_on_silence"][0]["start"] >= 13.0

    repairs = repair(transcript, audio, load_model(AsrOptions(model=DRAFT_MODEL)), "en", 5)

    removed, = [r for r in repairs if r["how"].startswith("words on silence, removed")]
    assert removed["words_before"] == 8 and removed["start"] >= 13.0
    text = normalize(" ".join(w.text for w in transcript.words))
    assert text.endswith("what you can do for your country") and text.count("country") == 2
    restored = [w for w in transcript.words if w.start >= 8.0]
    assert len(restored) >= 7 and all(7.9 <= w.start < w.end <= 11.1 for w in restored)
    assert sound_coverage(transcript, audio)["words_on_silence"] == []


def test_words_on_silence_with_no_sound_to_find_them_in_are_kept_and_reported():
    audio = bursts([(1.0, 3.0)])
    words = [Word("one", 1.0, 1.6), Word("two", 1.7, 2.9),
             Word("thank", 6.0, 6.3), Word("you", 6.3, 6.6), Word("all.", 6.6, 7.0)]
    transcript = transcript_of(words)
    repairs = repair(transcript, audio, model=None, language="en", beam_size=5)  # nothing to decode
    assert repairs == [{"start": 6.0, "end": 7.0, "words_before": 3, "words_after": 3, "text": "thank you all.",
                        "how": "words on silence, kept: no sound near them gave the same words"}]
    assert len(transcript.words) == 5
    transcript.sound_coverage = sound_coverage(transcript, audio)
    assert transcript.sound_coverage["words_on_silence"] == [{"start": 6.0, "end": 7.0, "text": "thank you all."}]
    warning, = speech_warnings(transcript, multilingual=True)
    assert warning.startswith("3 words lie on silence, away from any speech (6-7 s: \"thank you all.\")")


def test_a_quiet_word_alone_is_not_taken_for_a_misplaced_one():
    audio = bursts([(1.0, 3.0)])
    transcript = transcript_of([Word("one", 1.0, 1.6), Word("two", 1.7, 2.9), Word("on", 5.0, 5.16)])
    assert sound_coverage(transcript, audio)["words_on_silence"] == []


@pytest.mark.speech_model
def test_a_window_that_hotwords_left_silent_is_decoded_again_without_them(monkeypatch):
    # planted: the first decoding, with hotwords, gives no words after 6 s (as six hotwords made
    # base drop 47-70 s of an unseen webinar); the repair decodes that sound again without them
    import captioner.asr.recognize as asr

    model = load_model(AsrOptions(model=DRAFT_MODEL))
    decoded_with = []

    class SilentWithHotwords:
        def __init__(self, real_model):
            self.model, self._real = real_model.model, real_model

        def transcribe(self, audio, **options):
            decoded_with.append(options.get("hotwords"))
            segments, info = self._real.transcribe(audio, **options)
            if options.get("hotwords"):
                segments = [_until(s, 6.0) for s in segments if s.start < 6.0]
            return segments, info

        def detect_language(self, *args, **kwargs):
            return self._real.detect_language(*args, **kwargs)

    monkeypatch.setattr(asr, "load_model", lambda options: SilentWithHotwords(model))
    audio = decode(real("jfk.flac"))
    transcript = transcribe_audio(audio, AsrOptions(model=DRAFT_MODEL, hotwords="Americans country"))
    assert decoded_with[0] == "Americans country" and None in decoded_with[1:]
    assert any(r["words_after"] > r["words_before"] == 0 and r["start"] >= 5.5 for r in transcript.repairs)
    text = normalize(" ".join(w.text for w in transcript.words))
    assert text.endswith("ask what you can do for your country")
    late = [w for w in transcript.words if w.start > 8.0]
    assert late and all(w.end <= 11.1 for w in late)


def _until(segment, seconds: float):
    import dataclasses

    words = [w for w in segment.words if w.end <= seconds]
    return dataclasses.replace(segment, end=words[-1].end if words else segment.start, words=words,
                               text="".join(w.word for w in words))


@pytest.mark.speech_model
def test_a_stretch_its_shared_window_gave_no_words_is_decoded_again_alone():
    # JFK twice with 3 s between; the last clause of each left without words, and (planted) the
    # window that holds both gives nothing: each is decoded again on its own
    jfk = with_silence_after(decode(real("jfk.flac")), 3.0)
    audio = np.concatenate([jfk, jfk])
    second = len(jfk) / SAMPLE_RATE
    transcript = transcribe_audio(audio, AsrOptions(model=DRAFT_MODEL, repair=False))
    for segment in transcript.segments:
        segment.words = [w for w in segment.words if not (8.0 <= w.start < 11.5 or w.start >= second + 8.0)]
    transcript.segments = [s for s in transcript.segments if s.words]
    model = load_model(AsrOptions(model=DRAFT_MODEL))
    clips = []

    class SharedWindowFails:
        def transcribe(self, clip, **options):
            clips.append(len(clip) / SAMPLE_RATE)
            return ([], None) if len(clips) == 1 else model.transcribe(clip, **options)

    repairs = repair(transcript, audio, SharedWindowFails(), "en", 5)
    assert clips[0] > second and all(seconds < 4.0 for seconds in clips[1:])
    assert len(repairs) == 2 and all(r["how"].endswith("when its shared window gave it no words") for r in repairs)
    text = normalize(" ".join(w.text for w in transcript.words))
    assert text.count("for your country") == 2
    for offset in (0.0, second):
        restored = [w for w in transcript.words if offset + 8.0 <= w.start < offset + 11.5]
        assert len(restored) >= 6 and all(offset + 7.9 <= w.start < w.end <= offset + 11.1 for w in restored)

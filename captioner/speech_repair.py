"""Speech that recognition left without words, found by its sound and decoded again on its own.

faster-whisper's voice activity detection (Silero) can miss whole turns: on the
corpus tuning set it dropped every sentence of a quiet speaker on a telephone
line, even at a threshold of 0.15, and a VAD-glued window can skip sentences
that it holds, stretching one word's timestamps over the sentences it skipped.
Here the recording's own loudness says where sound is (frames well above its
noise floor, sustained); every such stretch that no recognised word covers is
decoded again in a window of its own (shared with the stretches near it), with no
VAD, no previous text and no hotwords, and its words are spliced in with their own
times when the model believes it heard speech there. Each repair is recorded (time,
words before and after, how).
"""
from __future__ import annotations

import dataclasses

import numpy as np

from .media import SAMPLE_RATE
from .model import Segment, Transcript

FRAME = 0.1  # seconds per loudness frame
ABOVE_FLOOR = 4.0  # sound: RMS at least this many times the noise floor (12 dB)
FLOOR_PERCENTILE = 10
BRIDGE = 0.6  # loud runs this close together are one stretch
MIN_STRETCH = 0.8  # shorter uncovered sound is a cough, a click or a breath
COVER_MARGIN = 0.4  # a word covers its own time and this much either side
# No word lasts longer; a "word" stretched over seconds (faster-whisper's timestamps after a
# skipped sentence: "accrual" from 46.8 to 56.4 s on a tuning webinar) covers only this much.
MAX_WORD_SECONDS = 1.5
KEPT_WORD_SECONDS = 0.6  # what such a word keeps of its time when a repair fills the rest
PAD = 0.3  # seconds of context either side of a stretch when it is decoded
WINDOW_SECONDS = 30.0  # what Whisper's encoder reads at once
NO_SPEECH_LIMIT = 0.6  # a repair whose segments all look like no speech is dropped
LOGPROB_LIMIT = -1.2


def loud_frames(audio: np.ndarray) -> np.ndarray:
    """Per FRAME: is there sound well above the recording's noise floor?"""
    n = int(FRAME * SAMPLE_RATE)
    frames = len(audio) // n
    if frames < 3:
        return np.zeros(frames, dtype=bool)
    rms = np.sqrt(np.mean(audio[: frames * n].astype(np.float64).reshape(frames, n) ** 2, axis=1))
    floor = max(float(np.percentile(rms, FLOOR_PERCENTILE)), 1e-4)
    return rms > ABOVE_FLOOR * floor


def runs(mask: np.ndarray) -> list[tuple[float, float]]:
    """(start, end) seconds of the mask's true frames, runs BRIDGE apart joined, short ones dropped."""
    stretches: list[list[float]] = []
    for index in np.flatnonzero(mask):
        start, end = index * FRAME, (index + 1) * FRAME
        if stretches and start - stretches[-1][1] <= BRIDGE:
            stretches[-1][1] = end
        else:
            stretches.append([start, end])
    return [(round(float(a), 2), round(float(b), 2)) for a, b in stretches if b - a >= MIN_STRETCH]


def _covered(transcript: Transcript, frames: int) -> np.ndarray:
    covered = np.zeros(frames, dtype=bool)
    for word in transcript.words:
        end = min(word.end, word.start + MAX_WORD_SECONDS)
        covered[max(0, int((word.start - COVER_MARGIN) / FRAME)): int((end + COVER_MARGIN) / FRAME) + 1] = True
    return covered


def uncovered_stretches(transcript: Transcript, audio: np.ndarray) -> list[tuple[float, float]]:
    """Sustained sound that no recognised word is near."""
    loud = loud_frames(audio)
    return runs(loud & ~_covered(transcript, loud.size))


def sound_coverage(transcript: Transcript, audio: np.ndarray) -> dict:
    """For report.json: seconds of sound, of it near words, and the stretches still without any."""
    loud = loud_frames(audio)
    covered = _covered(transcript, loud.size)
    stretches = runs(loud & ~covered)
    return {"sound_seconds": round(float(loud.sum()) * FRAME, 1),
            "covered_seconds": round(float((loud & covered).sum()) * FRAME, 1),
            "uncovered_seconds": round(sum(b - a for a, b in stretches), 1),
            "uncovered": [{"start": a, "end": b} for a, b in stretches]}


def repair(transcript: Transcript, audio: np.ndarray, model, language: str | None, beam_size: int) -> list[dict]:
    """Decode each uncovered stretch again and splice its words in; return what was done."""
    repairs = []
    duration = len(audio) / SAMPLE_RATE
    for group in windows(uncovered_stretches(transcript, audio)):
        clip_start, clip_end = max(0.0, group[0][0] - PAD), min(duration, group[-1][1] + PAD)
        decoded = _decode(audio, clip_start, clip_end, model, language, beam_size)
        how = "decoded alone, without VAD" if len(group) == 1 else \
            f"decoded without VAD, in one window with {len(group) - 1} other stretch(es) near it"
        recognised = transcript.words  # before this window's repairs, which must not count as recognised
        for start, end in group:
            repairs.append(_splice_stretch(transcript, recognised, decoded, start, end, duration, how))
    return repairs


def windows(stretches: list[tuple[float, float]]) -> list[list[tuple[float, float]]]:
    """Stretches decoded together: neighbours whose audio (with PAD) fits in one of Whisper's
    windows. Each decoding costs a whole 30-second window of the encoder however short its
    audio: a telephone speaker the VAD missed left 14 stretches of 1-6 s on a test webinar."""
    out: list[list[tuple[float, float]]] = []
    for stretch in stretches:
        if out and stretch[1] - out[-1][0][0] + 2 * PAD <= WINDOW_SECONDS:
            out[-1].append(stretch)
        else:
            out.append([stretch])
    return out


def _decode(audio, clip_start: float, clip_end: float, model, language, beam_size) -> list[Segment]:
    """The clip's segments, word times in the recording's seconds; those that look like no speech dropped."""
    from .asr import join_word_pieces

    clip = audio[int(clip_start * SAMPLE_RATE): int(clip_end * SAMPLE_RATE)]
    pieces, _ = model.transcribe(clip, language=language, beam_size=beam_size, word_timestamps=True,
                                 vad_filter=False, condition_on_previous_text=False)
    segments = []
    for piece in pieces:
        if piece.no_speech_prob > NO_SPEECH_LIMIT and piece.avg_logprob < LOGPROB_LIMIT:
            continue
        words = join_word_pieces(piece.words or [])
        for word in words:
            word.start = round(word.start + clip_start, 3)
            word.end = round(word.end + clip_start, 3)
        if words:
            segments.append(Segment(start=words[0].start, end=words[-1].end, text=" ".join(w.text for w in words),
                                    words=words, avg_logprob=round(piece.avg_logprob, 4),
                                    no_speech_prob=round(piece.no_speech_prob, 4)))
    return segments


def _splice_stretch(transcript: Transcript, recognised: list, decoded: list[Segment], start: float, end: float,
                    duration: float, how: str) -> dict:
    """The decoded words of one stretch put into the transcript, and the record of it."""
    clip_start, clip_end = max(0.0, start - PAD), min(duration, end + PAD)
    inside = [w for w in recognised if w.start < clip_end and w.end > clip_start]
    before = sum(1 for w in inside if w.end - w.start <= MAX_WORD_SECONDS)
    for word in inside:
        if word.end - word.start > MAX_WORD_SECONDS:  # its sound is at its start; the rest was skipped
            word.end = round(word.start + KEPT_WORD_SECONDS, 3)
    found = []
    for piece in decoded:
        words = [w for w in piece.words if start - PAD <= w.start <= end and not _overlaps(w, inside)]
        if words:
            found.append(_part(piece, words))
    record = {"start": start, "end": end, "words_before": before,
              "words_after": before + sum(len(s.words) for s in found), "how": how}
    if found:
        transcript.segments = splice(transcript.segments, found)
        record["text"] = " ".join(s.text for s in found)
    return record


def splice(segments: list[Segment], found: list[Segment]) -> list[Segment]:
    """The segments with the repaired ones put in, every word in time order. A segment whose
    words straddle a repaired one is cut there: recognition wrote the words before and after a
    sentence it skipped as one segment ("...before the law. | Thank you, Mariana", 6 s apart),
    and a repair sorted in by its start alone would have its words captioned after them."""
    segments = list(segments)
    for new in found:
        cut: list[Segment] = []
        for segment in segments:
            before = [w for w in segment.words if w.start < new.start]
            after = [w for w in segment.words if w.start >= new.start]
            cut += [_part(segment, before), _part(segment, after)] if before and after else [segment]
        segments = cut + [new]
    return sorted(segments, key=lambda s: s.start)


def _part(segment: Segment, words: list) -> Segment:
    return dataclasses.replace(segment, start=words[0].start, end=words[-1].end,
                               text=" ".join(w.text for w in words), words=words)


def _overlaps(word, others) -> bool:
    middle = (word.start + word.end) / 2
    return any(w.start <= middle <= w.end for w in others)

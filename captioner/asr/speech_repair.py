"""Speech that recognition left without words, found by its sound and decoded again on its own.

faster-whisper's voice activity detection (Silero) can miss whole turns: on the
corpus tuning set it dropped every sentence of a quiet speaker on a telephone
line, even at a threshold of 0.15, and a VAD-glued window can skip sentences
that it holds, stretching one word's timestamps over the sentences it skipped.
Here the recording's own loudness says where sound is (frames well above its
noise floor, sustained); every such stretch that no recognised word covers is
decoded again in a window of its own (shared with the stretches near it), with no
VAD, no previous text and no hotwords, and its words are spliced in with their own
times when the model believes it heard speech there. Words lying on silence (their
timestamps jumped away from the speech they came from, which is then left without
words) count as no words; their window is decoded with the sound near them, and once
their words are found where the sound is, the misplaced copies go. Each repair is
recorded (time, words before and after, how).
"""
from __future__ import annotations

import dataclasses
import re

import numpy as np

from captioner.asr.words import join_word_pieces
from captioner.media.audio import SAMPLE_RATE
from captioner.model import Segment, Transcript

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
SILENCE_MARGIN = 0.1  # a word on silence has no loud frame within its time and this much either side
# A run of words on silence this long (or this many words) is misplaced. A single short word
# ("on", 0.16 s) can be quiet enough to pass for silence: the tuning set's full runs have two.
MISPLACED_SECONDS = 0.5
MISPLACED_WORDS = 3
RETRY_SECONDS = 1.5  # a stretch this long that its shared window gave no words is decoded again alone


def loud_frames(audio: np.ndarray) -> np.ndarray:
    """Per FRAME: is there sound well above the recording's noise floor?"""
    n = int(FRAME * SAMPLE_RATE)
    frames = len(audio) // n
    if frames < 3:
        return np.zeros(frames, dtype=bool)
    rms = np.empty(frames)
    block = 6000  # frames at a time (10 minutes): a float64 copy of an hour's audio would be 460 MB
    for first in range(0, frames, block):
        last = min(frames, first + block)
        chunk = audio[first * n: last * n].astype(np.float64).reshape(last - first, n)
        rms[first:last] = np.sqrt(np.mean(chunk ** 2, axis=1))
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


def _covered(transcript: Transcript, loud: np.ndarray, misplaced: list[list]) -> np.ndarray:
    """Frames near a word; words on silence (`misplaced`) cover nothing."""
    covered = np.zeros(loud.size, dtype=bool)
    aside = {id(w) for run in misplaced for w in run}
    for word in transcript.words:
        if id(word) in aside:
            continue
        end = min(word.end, word.start + MAX_WORD_SECONDS)
        covered[max(0, int((word.start - COVER_MARGIN) / FRAME)): int((end + COVER_MARGIN) / FRAME) + 1] = True
    return covered


def misplaced_runs(words: list, loud: np.ndarray, audio: np.ndarray) -> list[list]:
    """Runs of consecutive words with no sound under any of them, long enough not to be one
    quiet word, where Silero hears no speech either: recognition put them away from the
    speech they came from."""
    found: list[list] = []
    current: list = []
    for word in words + [None]:
        if word is not None and _on_silence(word, loud):
            current.append(word)
            continue
        if current and (current[-1].end - current[0].start >= MISPLACED_SECONDS or len(current) >= MISPLACED_WORDS):
            found.append(current)
        current = []
    return [run for run in found if not _vad_hears_speech(audio, run[0].start, run[-1].end)]


def _vad_hears_speech(audio: np.ndarray, start: float, end: float) -> bool:
    """Silero VAD (faster-whisper's) over the span alone, with pauses and padding short enough
    not to reach over from speech nearby."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    clip = audio[int(max(0.0, start) * SAMPLE_RATE): int(end * SAMPLE_RATE)]
    options = VadOptions(min_silence_duration_ms=300, speech_pad_ms=100)
    return bool(clip.size) and bool(get_speech_timestamps(clip, options))


def _on_silence(word, loud: np.ndarray) -> bool:
    end = min(word.end, word.start + MAX_WORD_SECONDS)
    first = max(0, int((word.start - SILENCE_MARGIN) / FRAME))
    return not loud[first: int((end + SILENCE_MARGIN) / FRAME) + 1].any()


def uncovered_stretches(transcript: Transcript, audio: np.ndarray) -> list[tuple[float, float]]:
    """Sustained sound that no recognised word is near."""
    loud = loud_frames(audio)
    return runs(loud & ~_covered(transcript, loud, misplaced_runs(transcript.words, loud, audio)))


def sound_coverage(transcript: Transcript, audio: np.ndarray) -> dict:
    """For report.json: seconds of sound, of it near words, the stretches still without any,
    and words that still lie on silence."""
    loud = loud_frames(audio)
    misplaced = misplaced_runs(transcript.words, loud, audio)
    covered = _covered(transcript, loud, misplaced)
    stretches = runs(loud & ~covered)
    return {"sound_seconds": round(float(loud.sum()) * FRAME, 1),
            "covered_seconds": round(float((loud & covered).sum()) * FRAME, 1),
            "uncovered_seconds": round(sum(b - a for a, b in stretches), 1),
            "uncovered": [{"start": a, "end": b} for a, b in stretches],
            "words_on_silence": [{"start": round(float(run[0].start), 3), "end": round(float(run[-1].end), 3),
                                  "text": " ".join(w.text for w in run)} for run in misplaced]}


def repair(transcript: Transcript, audio: np.ndarray, model, language: str | None, beam_size: int) -> list[dict]:
    """Decode each uncovered stretch again and splice its words in; return what was done."""
    repairs = []
    duration = len(audio) / SAMPLE_RATE
    loud = loud_frames(audio)
    misplaced = misplaced_runs(transcript.words, loud, audio)
    stretches = runs(loud & ~_covered(transcript, loud, misplaced))
    spans = sorted([(a, b, None) for a, b in stretches] + [(run[0].start, run[-1].end, run) for run in misplaced],
                   key=lambda span: span[0])
    for group in windows(spans):
        sounds = [(a, b) for a, b, run in group if run is None]
        if not sounds:  # words on silence with no wordless sound near them: nothing to find them in
            repairs += [_misplaced_record(run, kept=True) for _, _, run in group]
            continue
        clip_start, clip_end = max(0.0, group[0][0] - PAD), min(duration, max(span[1] for span in group) + PAD)
        decoded = _decode(audio, clip_start, clip_end, model, language, beam_size)
        how = "decoded alone, without VAD" if len(group) == 1 else \
            f"decoded without VAD, in one window with {len(group) - 1} other stretch(es) near it"
        aside = {id(w) for _, _, run in group if run for w in run}
        recognised = [w for w in transcript.words if id(w) not in aside]  # before this window's repairs
        added: list = []
        for start, end in sounds:
            record, found = _splice_stretch(transcript, recognised, decoded, start, end, duration, how)
            if not found and len(group) > 1 and end - start >= RETRY_SECONDS:  # another attempt, on its own
                alone = _decode(audio, max(0.0, start - PAD), min(duration, end + PAD), model, language, beam_size)
                record, found = _splice_stretch(transcript, recognised, alone, start, end, duration,
                                                "decoded alone, without VAD, when its shared window gave it no words")
            repairs.append(record)
            added += [w for segment in found for w in segment.words]
        for _, _, run in group:
            if run:
                repairs.append(_drop_if_found(transcript, run, added))
    return sorted(repairs, key=lambda r: r["start"])


def _drop_if_found(transcript: Transcript, run: list, added: list) -> dict:
    """Words on silence whose words the window's decoding found where the sound is are the
    misplaced copies of them, and go; otherwise they stay, reported."""
    theirs = [_token(w.text) for w in run]
    heard = {_token(w.text) for w in added}
    if sum(1 for t in theirs if t in heard) * 2 < len(theirs):
        return _misplaced_record(run, kept=True)
    gone = {id(w) for w in run}
    segments = []
    for segment in transcript.segments:
        kept = [w for w in segment.words if id(w) not in gone]
        if kept:
            segments.append(segment if len(kept) == len(segment.words) else _part(segment, kept))
    transcript.segments = segments
    return _misplaced_record(run, kept=False)


def _misplaced_record(run: list, kept: bool) -> dict:
    record = {"start": round(float(run[0].start), 3), "end": round(float(run[-1].end), 3),
              "words_before": len(run), "words_after": len(run) if kept else 0}
    record["how"] = "words on silence, kept: no sound near them gave the same words" if kept else \
        "words on silence, removed: decoding the sound near them found them where they were said"
    record["text"] = " ".join(w.text for w in run)
    return record


def _token(text: str) -> str:
    return re.sub(r"[^\w']", "", text.casefold())


def windows(stretches: list[tuple]) -> list[list[tuple]]:
    """Stretches ((start, end, ...), by start) decoded together: neighbours whose audio (with PAD) fits in one of Whisper's
    windows. Each decoding costs a whole 30-second window of the encoder however short its
    audio: a telephone speaker the VAD missed left 14 stretches of 1-6 s on a test webinar."""
    out: list[list[tuple]] = []
    for stretch in stretches:
        if out and max(stretch[1], out[-1][-1][1]) - out[-1][0][0] + 2 * PAD <= WINDOW_SECONDS:
            out[-1].append(stretch)
        else:
            out.append([stretch])
    return out


def _decode(audio, clip_start: float, clip_end: float, model, language, beam_size) -> list[Segment]:
    """The clip's segments, word times in the recording's seconds; those that look like no speech dropped."""
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
                    duration: float, how: str) -> tuple[dict, list[Segment]]:
    """The decoded words of one stretch put into the transcript: the record of it, and them."""
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
    return record, found


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

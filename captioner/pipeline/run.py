"""Stage order, the stage cache, the lock and the files written for a recording.

Each stage is a plain function from model objects to model objects; this module
decides the order, skips stages whose inputs did not change, and writes the
outputs atomically. Every stage's cache key holds the key of the stage before
it, so a change reruns that stage and what follows, never what came before.
"""
from __future__ import annotations

import dataclasses
import json
import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from captioner.agenda.align import align_agenda, chapter_boundaries
from captioner.agenda.items import Agenda, agenda_hash, find_agenda, load_agenda
from captioner.asr import recognize as asr
from captioner.asr.hotwords import select_bias_terms
from captioner.asr.spoken_language import text_language
from captioner.captions.coverage import check_captions, check_warnings
from captioner.captions.qc import check_cues
from captioner.captions.rules import get_profile
from captioner.captions.segment import segment
from captioner.correct.edit_timing import time_edited_words
from captioner.correct.edits import (
    Edits,
    apply_chapter_edits,
    apply_speaker_edits,
    edits_path,
    load_edits,
    merge_edits,
    save_edits,
)
from captioner.correct.edits import apply_edits as apply_word_edits
from captioner.correct.listen_again import AcousticScorer, ListenOptions, listen_again
from captioner.correct.spelling import CorrectOptions, correct_transcript
from captioner.correct.teach import with_producer_terms
from captioner.errors import CaptionerError
from captioner.fileio import write_text_atomic
from captioner.formats.chapters import write_chapters_txt, write_chapters_vtt
from captioner.formats.rttm import write_rttm
from captioner.formats.srt import write_srt
from captioner.formats.text import write_text
from captioner.formats.vtt import write_vtt
from captioner.glossary.formats import default_glossary_files, load_glossaries
from captioner.glossary.model import Glossary
from captioner.lang import normalize as normalize_language
from captioner.lang import primary as primary_language
from captioner.media import audio as media
from captioner.model import UNSURE, Chapter, CueTrack, Transcript, from_dict, to_dict, transcript_to_json
from captioner.pipeline.cache import StageCache, stable_hash
from captioner.pipeline.lock import recording_lock
from captioner.speakers import diarize
from captioner.speakers.diarize import EvidenceThread, SpeakerOptions, Turn, assign_words, settle_sentences
from captioner.speakers.diarize import detect as detect_speakers
from captioner.speakers.names import (
    SPEAKERS_SUFFIX,
    apply_edits,
    apply_names,
    find_speaker_edits,
    load_speaker_edits,
    name_speakers,
    speaking_time,
)
from captioner.speakers.regions import speaker_regions
from captioner.threads import fix_blas_threads
from captioner.workspace import CACHE, REVIEW, Workspace, read_transcript

# Measured with bench/bias_modes.py on the sample and 16 espeak-ng webinars (4 scripts x 4 seeds),
# with tiny.en: hotwords of up to 100 tokens, without conditioning on the previous text, gave the
# lowest mean WER and the most terms right; 60 tokens, or keeping the previous text, lost more
# windows. With Whisper base the same hotwords seemed to lose stretches of speech on the corpus
# tuning set; what they lost was a repaired sentence captioned after the segment it had been skipped
# in (speech_repair.splice). Since that fix, base with hotwords on the tuning set (bench/corpus.py
# --set tuning --systems full-hotwords,full-nobias): WER 0.100 against 0.104 without, terms 0.90
# against 0.79, sentences covered 0.986 against 0.991; so every model gets hotwords by default. The
# test set confirmed the terms (0.87 against 0.79) at a WER of 0.133 against 0.131.
BIAS_TOKENS = 100
BIAS_WITHOUT_PREVIOUS_TEXT = True


@dataclass
class RunOptions:
    out_dir: Path = Path("transcripts")
    asr: asr.AsrOptions = field(default_factory=asr.AsrOptions)
    glossary_paths: list[Path] | None = None  # None: every file in ./glossary/
    correct: bool = True
    listen: bool = True  # check loosely heard terms against the audio (listen_again.py); needs correct
    bias: str = "hotwords"  # see captioner.asr.BIAS_MODES
    agenda_path: Path | None = None  # None: <stem>.agenda.yaml|txt beside the media
    languages: list[str] = field(default_factory=list)
    engine: str = "auto"
    profile: str | None = None
    rule_overrides: dict = field(default_factory=dict)
    replay: bool = True
    copy_media: bool = False
    speakers: str = "auto"  # "auto", "off", or a number of speakers

    def __post_init__(self) -> None:
        # one language, one set of files, however its code was written ("ES", "es")
        self.languages = list(dict.fromkeys(normalize_language(code) for code in self.languages))


class Reporter:
    """What the pipeline tells the person running it. The CLI prints; tests collect."""

    def __init__(self) -> None:
        self.messages: list[str] = []
        self.warnings: list[str] = []

    def info(self, message: str) -> None:
        self.messages.append(message)

    def warn(self, message: str) -> None:
        self.warnings.append(message)

    def stage_started(self, stage: str, recording: str) -> None:
        pass

    def stage_done(self, stage: str, recording: str, seconds: float, reused: bool) -> None:
        pass

    def progress(self, label: str, total: float) -> Callable[[float], None] | None:
        """An update function taking how much of `total` is done, or None."""
        return None

    def done_progress(self) -> None:
        pass


@dataclass
class RunResult:
    stem: str
    folder: Path
    transcript: Transcript
    tracks: dict[str, CueTrack]
    report: dict
    files: list[Path]
    errors: list[str] = field(default_factory=list)


def remove_stale_temporaries(folder: Path) -> None:
    """Temporary files of a run that was killed before it could rename them (we hold the lock)."""
    for pattern in (".*.tmp", f"{CACHE}/.*.tmp", f"{REVIEW}/.*.tmp"):
        for path in folder.glob(pattern):
            path.unlink(missing_ok=True)


def output_folder(media_path: Path, out_dir: Path) -> tuple[str, Path]:
    """OUT/<stem>: the stem is the file name alone, so no input name can point outside OUT."""
    stem = Path(media_path).stem.strip() or "recording"
    if stem in (".", ".."):
        stem = "recording"
    return stem, Path(out_dir) / stem


class Stages:
    """Runs the stages for one recording, with the cache and the timings."""

    def __init__(self, folder: Path, options: RunOptions, reporter: Reporter):
        self.options = options
        self.reporter = reporter
        self.cache = StageCache(Workspace.at(folder).cache)
        self.recording = Workspace.at(folder).stem
        self.timings: dict[str, dict] = {}
        self._audio = None

    def decoded_audio(self, info):
        """The recording as 16 kHz mono samples, decoded once for the stages that read them."""
        if self._audio is None:
            self._audio = media.decode(Path(info.path))
        return self._audio

    def cached(self, stage: str, key_parts: dict, compute: Callable[[], object],
               dump: Callable[[object], object], load: Callable[[object], object]):
        key = stable_hash({"stage": stage, **key_parts})
        stored = self.cache.get(stage, key)
        if stored is not None:
            self.timings[stage] = {"seconds": 0.0, "reused": True}
            self.reporter.stage_done(stage, self.recording, 0.0, True)
            return load(stored), key
        with self.timed(stage):
            value = compute()
            self.cache.put(stage, key, dump(value))
        return value, key

    @contextmanager
    def timed(self, stage: str):
        """Time a stage for report.json and tell the reporter when it starts and ends."""
        self.reporter.stage_started(stage, self.recording)
        started = time.perf_counter()
        yield
        seconds = time.perf_counter() - started
        self.timings[stage] = {"seconds": round(seconds, 3), "reused": False}
        self.reporter.stage_done(stage, self.recording, seconds, False)

    def transcribe(self, info, asr_options: asr.AsrOptions) -> tuple[Transcript, str]:
        def compute() -> Transcript:
            started = time.perf_counter()
            audio = self.decoded_audio(info)
            decoded = time.perf_counter()
            bar = self.reporter.progress("asr", info.duration)
            try:
                transcript = asr.transcribe_audio(audio, asr_options, progress=bar)
            finally:
                self.reporter.done_progress()
            transcript.media = info
            transcript.timings["decode_seconds"] = round(decoded - started, 3)
            return transcript

        transcript, key = self.cached("asr", {"media": info.sha256, "asr": asr_options.cache_key()},
                                      compute, to_dict, lambda d: from_dict(Transcript, d))
        if self.timings["asr"]["reused"]:
            self.reporter.info("transcript: reused (same media and options)")
        transcript.media = info
        return transcript, key

    def correct(self, transcript: Transcript, glossary: Glossary | None, up: str) -> tuple[Transcript, str]:
        if glossary is None or not self.options.correct:
            return transcript, stable_hash({"up": up, "correct": False})
        options = CorrectOptions()
        return self.cached(
            "correct", {"up": up, "glossary": glossary.glossary_hash(), "options": dataclasses.asdict(options)},
            lambda: correct_transcript(transcript, glossary, options)[0],
            to_dict, lambda d: from_dict(Transcript, d))

    def listen(self, info, transcript: Transcript, glossary: Glossary | None, asr_options: asr.AsrOptions,
               up: str) -> tuple[Transcript, str]:
        try:
            if glossary is None or not (self.options.correct and self.options.listen):
                return transcript, stable_hash({"up": up, "listen": False})
            options = ListenOptions()

            def compute() -> Transcript:
                audio = self.decoded_audio(info)
                return listen_again(transcript, audio, glossary, asr.load_model(asr_options), options)[0]

            return self.cached(
                "listen", {"up": up, "glossary": glossary.glossary_hash(), "options": dataclasses.asdict(options)},
                compute, to_dict, lambda d: from_dict(Transcript, d))
        finally:
            self._audio = None  # the last stage that reads the samples: a long recording's are large

    def producer_edits(self, info, edits: Edits | None, transcript: Transcript, asr_options: asr.AsrOptions,
                       up: str):
        """The producer's corrections (recordings/<stem>.edits.yaml), applied to the words after
        recognition and term correction on every run, the new words timed from the audio by the
        model that recognised the rest (speakers and chapters are applied later): what became of
        the word edits, the transcript and the cache key of what follows."""
        if edits is None:
            return None, transcript, up

        def compute():
            outcome = apply_word_edits(transcript, edits)
            if outcome.edited:
                scorer = AcousticScorer(asr.load_model(asr_options), self.decoded_audio(info),
                                        transcript.language or "en")
                outcome.timed = time_edited_words(transcript.words, outcome.edited, scorer)
            return transcript, outcome.to_dict()

        try:  # keyed by the word and timing edits alone: a speaker or chapter edit does not time words again
            (edited, outcome), _ = self.cached(
                "edits", {"up": up, "words": [dataclasses.asdict(e) for e in edits.words],
                          "timing": [dataclasses.asdict(e) for e in edits.timing], "timed": "aligned"}, compute,
                lambda v: {"transcript": to_dict(v[0]), "outcome": v[1]},
                lambda d: (from_dict(Transcript, d["transcript"]), d["outcome"]))
        finally:
            self._audio = None
        edited.media = transcript.media
        return outcome, edited, stable_hash({"up": up, "edits": dataclasses.asdict(edits)})

    def chapters(self, transcript: Transcript, agenda: Agenda | None, glossary, up: str):
        if agenda is None:
            return [], [], stable_hash({"up": up, "agenda": None})
        glossary_key = glossary.glossary_hash() if glossary is not None else None
        (chapters, warnings), key = self.cached(
            "agenda", {"up": up, "agenda": agenda_hash(agenda), "glossary": glossary_key},
            lambda: align_agenda(transcript, agenda, glossary),
            lambda v: {"chapters": to_dict(v[0]), "warnings": v[1]},
            lambda d: ([from_dict(Chapter, c) for c in d["chapters"]], d["warnings"]))
        return chapters, warnings, key

    def start_speakers(self, info) -> EvidenceThread | None:
        """Speaker detection's work on the audio alone, on its own thread beside recognition."""
        return None if self.options.speakers == "off" else EvidenceThread(info.path)

    def speaker_turns(self, info, transcript: Transcript, agenda: Agenda | None, up: str,
                      evidence: EvidenceThread | None = None):
        """Voice turns labelled S1, S2, ... (None when speakers are off)."""
        mode = self.options.speakers
        if mode == "off":
            return None, stable_hash({"up": up, "speakers": "off"})
        if mode == "auto":
            low, high = 1, (len(agenda.speakers) or None) if agenda is not None else None
        else:
            low = high = int(mode)
        spans = [(w.start, w.end) for w in transcript.words]

        def compute() -> list[Turn]:
            source = evidence.result() if evidence is not None else Path(info.path)
            return detect_speakers(source, speech_spans=spans, max_speakers=high, min_speakers=low)

        try:
            return self.cached(
                "speakers", {"up": up, "media": info.sha256, "min": low, "max": high,
                             "options": dataclasses.asdict(SpeakerOptions()), "turns": "with margins"},
                compute, to_dict, lambda d: [from_dict(Turn, t) for t in d])
        finally:
            if evidence is not None:
                evidence.cancel()  # no longer needed (done, or the turns came from the cache)

    def captions(self, transcript: Transcript, boundaries: list[float], up: str):
        profile = get_profile(self.options.profile, language=transcript.language, **self.options.rule_overrides)

        def compute():
            cues, issues = segment(transcript.words, profile, boundaries=boundaries)
            return CueTrack(language=transcript.language, cues=cues), [str(i) for i in issues]

        (track, issues), key = self.cached(
            "captions", {"up": up, "profile": to_dict(profile), "boundaries": boundaries}, compute,
            lambda v: {"track": to_dict(v[0]), "issues": v[1]},
            lambda d: (from_dict(CueTrack, d["track"]), d["issues"]))
        return track, issues, profile, key


_glossaries: dict[tuple, Glossary] = {}


def load_glossary_for_run(options: RunOptions) -> Glossary | None:
    """The merged glossary; kept per process while its files are unchanged (batches reuse it)."""
    paths = options.glossary_paths
    if paths is None:
        paths = default_glossary_files()
    if not paths:
        return None
    key = tuple((str(p), *_stat(p)) for p in paths)
    if key not in _glossaries:
        _glossaries.clear()
        _glossaries[key] = load_glossaries(paths)
    return _glossaries[key]


def _stat(path) -> tuple:
    try:
        st = Path(path).stat()
    except OSError:
        return (None, None)
    return (st.st_mtime_ns, st.st_size)


def load_agenda_for(media_path: Path, options: RunOptions) -> Agenda | None:
    path = options.agenda_path or find_agenda(media_path)
    return load_agenda(path) if path is not None else None


def bias_options(base: asr.AsrOptions, mode: str, glossary: Glossary | None, agenda: Agenda | None) -> asr.AsrOptions:
    """The recogniser options with the glossary terms that matter for this recording."""
    if mode == "none" or glossary is None or base.initial_prompt or base.hotwords:
        return base
    agenda_text = agenda_words(agenda) if agenda is not None else ""
    terms = select_bias_terms(glossary, agenda_text, max_tokens=BIAS_TOKENS)
    if not terms:
        return base
    text = ", ".join(terms)
    if mode == "prompt":
        return dataclasses.replace(base, initial_prompt=f"Glossary: {text}.")
    return dataclasses.replace(base, hotwords=text, condition_on_previous_text=(
        base.condition_on_previous_text and not BIAS_WITHOUT_PREVIOUS_TEXT))


def with_language_hint(base: asr.AsrOptions, glossary: Glossary | None, agenda: Agenda | None) -> asr.AsrOptions:
    """The language the agenda is written in (else the glossary's source language), as a
    hint for detection when the speech alone leaves it unsure."""
    if base.language or base.language_hint:
        return base
    hint = text_language(agenda_words(agenda)) if agenda is not None else None
    if hint is None and glossary is not None and glossary.concepts:
        hint = glossary.source_language
    return dataclasses.replace(base, language_hint=hint) if hint else base


def agenda_words(agenda: Agenda) -> str:
    parts = [agenda.title or ""] + list(agenda.speakers)
    for item in agenda.walk():
        parts += [item.title, item.description, *item.keywords, *item.speakers]
    return " \n".join(p for p in parts if p)


def run_one(media_path: Path, options: RunOptions, reporter: Reporter | None = None,
            glossary: Glossary | None = ..., engines=None) -> RunResult:
    """Everything for one recording. `glossary` may be passed in when it is shared by a batch."""
    fix_blas_threads()
    reporter = reporter or Reporter()
    started = time.perf_counter()
    media_path = Path(media_path)
    info = media.probe(media_path)
    if glossary is ...:
        glossary = load_glossary_for_run(options)
    agenda = load_agenda_for(media_path, options)
    stem, folder = output_folder(media_path, options.out_dir)
    errors: list[str] = []
    with recording_lock(folder), ExitStack() as on_exit:
        remove_stale_temporaries(folder)
        stages = Stages(folder, options, reporter)
        voices = stages.start_speakers(info)
        if voices is not None:
            on_exit.callback(voices.cancel)  # a failed stage stops it too (done by then otherwise)
        asr_options = with_language_hint(bias_options(options.asr, options.bias, glossary, agenda), glossary, agenda)
        raw, key = stages.transcribe(info, asr_options)
        for warning in raw.warnings:
            reporter.warn(warning)
        edits_file = edits_path(media_path)
        edits = load_edits(edits_file) if edits_file.is_file() else None
        # the sound-alikes the producer approved in edit mode correct this recording from here on
        taught = with_producer_terms(glossary, edits)
        transcript, key = stages.correct(raw, taught, key)
        transcript, key = stages.listen(info, transcript, taught, asr_options, key)
        # voices are found on the recognised words' spans, so an edit never reruns speaker detection
        turns, key = stages.speaker_turns(info, transcript, agenda, key, voices)
        edit_outcome, transcript, key = stages.producer_edits(info, edits, transcript, asr_options, key)
        if edit_outcome is not None:
            edit_outcome = {"file": edits_file.name, **edit_outcome}
        for line in (edit_outcome or {}).get("not_placed", []):
            reporter.warn(f"edit not placed: {line}")
        if turns is not None:
            assign_words(transcript.words, turns)
        chapters, agenda_warnings, key = stages.chapters(transcript, agenda, glossary, key)
        if edits is not None and edits.chapters:
            for problem in apply_chapter_edits(chapters, edits):
                edit_outcome["not_placed"].append(problem)
                reporter.warn(f"edit not placed: {problem}")
        transcript.chapters = chapters
        unsure: list[str] = []
        regions: list[Turn] = []
        if turns is not None:
            named, speaker_warnings, unsure = name_turns(turns, chapters, media_path)
            agenda_warnings = agenda_warnings + speaker_warnings
            assign_words(transcript.words, named)
            settle_sentences(transcript.words)
        if edits is not None and edits.speakers:
            edit_outcome["speakers_changed_words"] = apply_speaker_edits(transcript.words, edits)
        if turns is not None:
            with stages.timed("regions"):
                regions = speaker_regions(stages.decoded_audio(info), transcript.words, named)
            key = stable_hash({"up": key, "named": to_dict(named), "sentences": [diarize.SENTENCE_SPLIT_PAUSE, diarize.SENTENCE_MAJORITY]})
        for warning in agenda_warnings:
            reporter.warn(warning)
        boundaries = chapter_boundaries(chapters)
        source, issues, profile, key = stages.captions(transcript, boundaries, key)
        caption_check = check_captions(transcript.words, source.cues)
        for warning in check_warnings(caption_check):
            reporter.warn(warning)
        tracks = {source.language: source}
        translations = translate_all(stages, folder, stem, source, options, glossary, boundaries, key,
                                     tracks, errors, engines)
        for lang, entry in translations.items():
            if "skipped" in entry:
                reporter.info(f"{lang}: {entry['skipped']}")
        report = build_report(stem, transcript, tracks, profile, issues, stages.timings, options)
        report["title"] = agenda.title if agenda is not None and agenda.title else stem
        report["agenda_warnings"] = agenda_warnings
        report["speakers_unsure"] = unsure
        report["edits"] = edit_outcome
        report["translations"] = translations
        report["errors"] = errors
        report["caption_check"] = caption_check
        workspace = Workspace.at(folder, stem)
        with stages.timed("publish"):
            files = write_outputs(folder, stem, transcript, tracks, report, profile.speaker_labels)
            files += write_speaker_regions(workspace, regions, report)
            report["removed_languages"] = remove_other_languages(workspace, set(tracks))
            for language in report["removed_languages"]:
                reporter.info(f"{language}: removed the subtitles an earlier run made (not translated this time, "
                              f"they no longer match); a reviewer's texts in review/ are kept")
            store_translation_units(folder, stem, translations)
            write_text_atomic(workspace.report, json.dumps(report, ensure_ascii=False, indent=1))
            if options.replay:
                files += build_page(folder, stem, transcript, tracks, media_path, glossary, report, options)
        report["seconds_total"] = round(time.perf_counter() - started, 3)
        write_text_atomic(workspace.report, json.dumps(report, ensure_ascii=False, indent=1))
    return RunResult(stem, folder, transcript, tracks, report, files, errors)


def name_turns(turns: list[Turn], chapters: list[Chapter],
               media_path: Path) -> tuple[list[Turn], list[str], list[str]]:
    """Names from the agenda, then the producer's <stem>.speakers.yaml renames and merges; also
    warnings, and the voices left unsure (names.name_speakers: they may be two people).

    A recording with one voice and no name for it gets no labels at all.
    """
    named = apply_names(turns, name_speakers(turns, chapters))
    warnings: list[str] = []
    speakers_file = find_speaker_edits(media_path)
    if speakers_file is not None:
        named, warnings = apply_edits(named, load_speaker_edits(speakers_file))
    voices = {t.speaker for t in named}
    unsure = sorted(v for v in voices if v and v.endswith(UNSURE))
    for voice in unsure:
        warnings.append(f"{voice}: this voice says most of the items of two agenda speakers and may be two "
                        f"people whose voices could not be told apart; its captions show >> at each change "
                        f"instead of a name (rename it in {media_path.stem}{SPEAKERS_SUFFIX} if it is one person)")
    if len(voices) == 1 and next(iter(voices)).startswith("Speaker "):
        named = [Turn(t.start, t.end, None) for t in named]
    return named, warnings, unsure


def translate_all(stages: Stages, folder: Path, stem: str, source: CueTrack, options: RunOptions,
                  glossary, boundaries, up: str, tracks: dict, errors: list[str], engines) -> dict:
    """Each target language in turn; one that fails is reported and the others still come out."""
    if not options.languages:
        return {}
    from captioner.translate import EngineChooser, load_reviewed, translate_track

    chooser = engines or EngineChooser()
    reports: dict[str, dict] = {}
    for lang in options.languages:
        if primary_language(lang) == primary_language(source.language):
            reports[lang] = {"skipped": f"not translated: the recording is in this language, and its captions "
                                        f"are {stem}.{source.language}.srt and .vtt"}
            continue
        try:
            engine = chooser.choose(source.language, lang, options.engine)
            reviewed = load_reviewed(folder, lang)
            profile = get_profile(options.profile, language=lang, **options.rule_overrides)
            key_parts = {
                "up": up, "lang": lang, "engine": engine.name,
                "engine_version": getattr(engine, "version", None),
                "glossary": glossary.glossary_hash() if glossary is not None else None,
                "reviewed": [dataclasses.asdict(r) for r in reviewed], "profile": to_dict(profile),
            }

            def compute(engine=engine, reviewed=reviewed, profile=profile, lang=lang):
                return translate_track(source, lang, engine, glossary, boundaries, profile=profile,
                                       reviewed=reviewed)

            (track, rep), _ = stages.cached(
                f"translate-{lang}", key_parts, compute,
                lambda v: {"track": to_dict(v[0]), "report": v[1]},
                lambda d: (from_dict(CueTrack, d["track"]), d["report"]))
        except CaptionerError as exc:
            errors.append(f"{lang}: {exc}")
            reports[lang] = {"error": str(exc)}
            continue
        tracks[lang] = track
        reports[lang] = rep
        for line in rep.get("reviewed_not_placed", []):
            stages.reporter.warn(f"{lang}: reviewed translation not placed: {line}")
    return reports


def store_translation_units(folder: Path, stem: str, translations: dict) -> None:
    """Each language's units (review/<lang>.units.json, what `review export` offers), saved only
    once that language's files are published: saved as it was translated, a run that failed later
    left units that did not match the published subtitles. A report read from an older cache has
    none, and the file already there stays."""
    from captioner.translate import store_units

    for rep in translations.values():
        if "units" in rep:
            store_units(folder, stem, rep)


def build_report(stem, transcript: Transcript, tracks, profile, issues, timings, options: RunOptions) -> dict:
    qc = {}
    for lang, track in tracks.items():
        lang_profile = profile if lang == transcript.language else get_profile(
            options.profile, language=lang, **options.rule_overrides)
        qc[lang] = check_cues(track.cues, lang_profile).to_dict()
    return {
        "recording": stem,
        "media": to_dict(transcript.media),
        "duration": transcript.duration,
        "language": transcript.language,
        "language_detection": transcript.language_detection,
        "recognition_repairs": transcript.repairs,
        "sound_coverage": transcript.sound_coverage,
        "model": transcript.model,
        "asr_options": transcript.options,
        "words": len(transcript.words),
        "warnings": list(transcript.warnings),
        "corrections": correction_summary(transcript),
        "chapters": [{"title": c.title, "start": c.start, "end": c.end, "confidence": c.confidence}
                     for c in transcript.chapters],
        "speaking_time": speaking_time(transcript.words),
        "qc": qc,
        "segmenter_issues": issues,
        "stages": timings,
    }


def correction_summary(transcript: Transcript) -> dict:
    by_rule: dict[str, int] = {}
    by_term: dict[str, int] = {}
    for c in transcript.corrections:
        by_rule[c.rule] = by_rule.get(c.rule, 0) + 1
        by_term[c.after] = by_term.get(c.after, 0) + 1
    return {"count": len(transcript.corrections), "by_rule": by_rule, "by_term": by_term}


def write_outputs(folder: Path, stem: str, transcript: Transcript, tracks: dict[str, CueTrack],
                  report: dict, label_style: str) -> list[Path]:
    written: list[Path] = []
    workspace = Workspace.at(folder, stem)

    def put(path: Path, text: str) -> None:
        write_text_atomic(path, text)
        written.append(path)

    put(workspace.transcript, transcript_to_json(transcript))
    put(workspace.corrections, json.dumps([to_dict(c) for c in transcript.corrections], ensure_ascii=False, indent=1))
    for lang, track in tracks.items():
        written += write_language_files(folder, stem, transcript, lang, track.cues, label_style)
    if transcript.chapters:
        put(workspace.chapters_vtt, write_chapters_vtt(transcript.chapters))
        text, warnings = write_chapters_txt(transcript.chapters, transcript.duration)
        report.setdefault("agenda_warnings", []).extend(warnings)
        put(workspace.chapters_txt, text)
    return written


def record_edits_and_rerun(folder: Path, stem: str, recording: Path, out_dir: Path, new) -> RunResult:
    """Add the edits `new` (correct/edits.py Edits) to recordings/<stem>.edits.yaml, then run the
    recording again from its recognised words, with the model that made them, into every language
    already published here (and the page, if there is one)."""
    workspace = Workspace.at(folder, stem)
    path = edits_path(recording)
    save_edits(path, merge_edits(load_edits(path) if path.exists() else Edits(), new), stem)
    transcript = workspace.load_transcript()
    options = RunOptions(out_dir=out_dir, replay=workspace.page.exists(),
                         languages=[lang for lang in workspace.track_languages() if lang != transcript.language])
    if transcript.model:
        options.asr.model = transcript.model.split()[0]  # "base (package, sha256 ...)": the name first
    return run_one(recording, options)


def refresh_translations(folder: Path, stem: str, transcript: Transcript, source: CueTrack, source_profile,
                         glossary=None) -> tuple[list[Path], list[str]]:
    """After the source captions were remade from an edited transcript (`captioner captions`):
    translate them again into every language already published here, reviewed texts applied,
    and rebuild the page if there is one, so no language is left out of step. A language that
    cannot be translated here loses its old files (they would contradict the new captions).
    Returns the files written and the messages for the user."""
    from captioner.translate import load_reviewed, store_units, translate_track

    workspace = Workspace.at(folder, stem)
    written: list[Path] = []
    messages: list[str] = []
    boundaries = chapter_boundaries(transcript.chapters)
    report = workspace.read_report() if workspace.report.exists() else None
    for language in workspace.track_languages():
        if primary_language(language) == primary_language(source.language):
            continue
        try:
            track, translated = translate_track(source, language, "auto", glossary, boundaries,
                                                reviewed=load_reviewed(folder, language))
        except CaptionerError as exc:
            for path in workspace.machine_files(language):
                path.unlink(missing_ok=True)
            messages.append(f"{language}: removed its subtitles, which no longer match the captions, and could "
                            f"not translate them again here: {exc}")
            continue
        written += write_language_files(folder, stem, transcript, language, track.cues, source_profile.speaker_labels)
        store_units(folder, stem, translated)
        messages.append(f"{language}: translated again ({translated['engine']})")
        if report is not None:
            report.setdefault("translations", {})[language] = translated
            report.setdefault("qc", {})[language] = check_cues(track.cues, get_profile(None, language=language)).to_dict()
    if report is not None:
        report.setdefault("qc", {})[source.language] = check_cues(source.cues, source_profile).to_dict()
        write_text_atomic(workspace.report, json.dumps(report, ensure_ascii=False, indent=1))
    if workspace.page.exists():
        from captioner.replay.rebuild import rebuild

        try:
            written.append(rebuild(folder.parent, stem))
        except CaptionerError as exc:
            messages.append(f"the replay page was not rebuilt: {exc}; run `captioner replay {stem}`")
    return written, messages


def remove_other_languages(workspace: Workspace, published: set[str]) -> dict[str, list[str]]:
    """Remove the caption files (and the review units) of languages an earlier run published and
    this one did not: they would be out of step with this run's words. A reviewer's texts
    (review/<lang>.json) and exported XLIFF files are the reviewer's work and stay."""
    removed: dict[str, list[str]] = {}
    for language in workspace.track_languages():
        if language in published:
            continue
        for path in workspace.machine_files(language):
            if path.exists():
                path.unlink()
                removed.setdefault(language, []).append(str(path.relative_to(workspace.folder)))
    return removed


def write_speaker_regions(workspace: Workspace, regions: list[Turn], report: dict) -> list[Path]:
    """<stem>.rttm, who spoke when; removed when this run has no speakers, so none is left stale."""
    if not regions:
        workspace.rttm.unlink(missing_ok=True)
        return []
    write_text_atomic(workspace.rttm, write_rttm(regions, workspace.stem))
    margins = sorted(r.margin for r in regions if r.margin is not None)
    report["speaker_regions"] = {"file": workspace.rttm.name, "regions": len(regions),
                                 "seconds": round(sum(r.duration for r in regions), 1),
                                 "voice_margin": {"lowest": margins[0], "median": margins[len(margins) // 2]}
                                 if margins else None}
    return [workspace.rttm]


def write_language_files(folder: Path, stem: str, transcript: Transcript, lang: str, cues, label_style: str) -> list[Path]:
    """Every published file of one language from its cues: <stem>.<lang>.srt, .vtt and the .txt transcript."""
    outputs = {"srt": write_srt(cues, language=lang), "vtt": write_vtt(cues, language=lang),
               "txt": write_text(transcript, cues, language=lang, label_style=label_style)}
    workspace = Workspace.at(folder, stem)
    paths = []
    for kind, text in outputs.items():
        paths.append(workspace.track(lang, kind))
        write_text_atomic(paths[-1], text)
    return paths


def build_page(folder, stem, transcript, tracks, media_path, glossary, report, options) -> list[Path]:
    from captioner.replay import build_replay, build_series_index

    page = build_replay(folder, stem, transcript, tracks, media_path, glossary=glossary,
                        title=report.get("title"), copy_media=options.copy_media)
    series = build_series_index(Path(options.out_dir))
    return [page, series]


def transcribe_only(media_path: Path, options: RunOptions, reporter: Reporter | None = None) -> tuple[Path, Transcript]:
    fix_blas_threads()
    reporter = reporter or Reporter()
    media_path = Path(media_path)
    info = media.probe(media_path)
    glossary = load_glossary_for_run(options)
    agenda = load_agenda_for(media_path, options)
    stem, folder = output_folder(media_path, options.out_dir)
    with recording_lock(folder):
        stages = Stages(folder, options, reporter)
        asr_options = bias_options(options.asr, options.bias, glossary, agenda)
        transcript, key = stages.transcribe(info, asr_options)
        for warning in transcript.warnings:
            reporter.warn(warning)
        transcript, key = stages.correct(transcript, glossary, key)
        transcript, _ = stages.listen(info, transcript, glossary, asr_options, key)
        path = Workspace.at(folder, stem).transcript
        keep_what_was_not_recomputed(path, transcript)
        write_text_atomic(path, transcript_to_json(transcript))
    return path, transcript


def keep_what_was_not_recomputed(path: Path, transcript: Transcript) -> None:
    """`transcribe` finds words only: the speakers and chapters an earlier `run` of the same
    recording found stay (each new word takes the speaker of the earlier words it overlaps), so
    the transcript it writes over never loses them. A transcript of other media is not used."""
    if not path.exists():
        return
    try:
        previous = read_transcript(path)
    except CaptionerError:
        return  # unreadable: nothing to keep, and the new one replaces it
    if previous.media is None or transcript.media is None or previous.media.sha256 != transcript.media.sha256:
        return
    if not transcript.chapters:
        transcript.chapters = previous.chapters
    spoken = [w for w in previous.words if w.speaker]
    if spoken and not any(w.speaker for w in transcript.words):
        turns = [Turn(w.start, w.end, w.speaker) for w in spoken]
        assign_words(transcript.words, turns)

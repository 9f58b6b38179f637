"""The translate stage: a source-language cue track -> a cue track in another language.

    track, report = translate_track(source, "es", "auto", glossary, boundaries)

Sentences (not cue fragments) are translated, in one batch per language, with the
glossary's renderings protected; each translation is laid back over its
sentence's time span under the target language's reading rules. Reviewed texts
(from `captioner review import`) replace machine translation for their sentences.

Speakers: each sentence keeps the speaker of its source cues (a dialogue cue's
lines are two speakers' turns and are translated apart), and the target cues show
the same speaker labels as the source, in the profile's `speaker_labels` style.
"""
from __future__ import annotations

import dataclasses
import time
from dataclasses import asdict
from typing import Any, Iterable

from captioner.captions.rules import Profile, profile_for_language
from captioner.clock import clock
from captioner.errors import CaptionerError
from captioner.formats.labels import line_speakers
from captioner.lang import primary
from captioner.model import Cue, CueTrack
from captioner.translate.base import TranslationEngine
from captioner.translate.fit import fit_translations
from captioner.translate.protect import TermStats, translate_with_terms
from captioner.translate.review import ReviewedText, TranslationUnit, apply_reviewed, unit_key
from captioner.translate.select import EngineChooser
from captioner.translate.sentences import Sentence, sentences_from_cues
from captioner.translate.term_rules import find_occurrences, rules_from_glossary


def _engine(engine: TranslationEngine | str | None, source: str, target: str) -> TranslationEngine:
    if isinstance(engine, TranslationEngine):
        if not engine.supports(source, target):
            raise CaptionerError(f"the {engine.name} engine has no {source}->{target} pair installed")
        return engine
    return EngineChooser().choose(source, target, engine or "auto")


def _target_profile(profile: Profile | None, target: str) -> Profile:
    if profile is None:
        return profile_for_language(target)
    return dataclasses.replace(profile, language=target) if profile.language != target else profile


def translate_track(
    source: CueTrack,
    target_lang: str,
    engine: TranslationEngine | str | None = "auto",
    glossary: Any = None,
    boundaries: Iterable[float] = (),
    profile: Profile | None = None,
    reviewed: Iterable[ReviewedText] = (),
) -> tuple[CueTrack, dict]:
    """Translate `source` into `target_lang`.

    engine: an engine object, or "auto" | "argos" | "apertium".
    glossary: a captioner.glossary.model.Glossary (or None).
    boundaries: chapter start times; no cue crosses one.
    profile: reading rules (any profile; its language is set to target_lang);
             None: the target language's default profile.
    reviewed: reviewed texts (review.load_reviewed) used instead of machine translation.

    Returns the track and a JSON-ready report: language, source_language, engine
    ("argos" | "apertium" | "reviewed"), protection_method, sentences, source_cues,
    cues, merged_sentence_groups, reviewed_applied, reviewed_unmatched, seconds,
    translate_seconds, layout_seconds, and `terms` (protect.TermStats.to_dict():
    occurrences, engine_correct, substituted_after, protected, missed, by_kind,
    proposed_used, inflected_by_rule, missed_terms). It also holds `units`,
    `profile` and `boundaries`, which review.store_units moves into
    review/<lang>.units.json (they are not meant for report.json).
    """
    started = time.perf_counter()
    src = source.language
    if primary(src) == primary(target_lang):
        raise CaptionerError(f"cannot translate {src} captions into {target_lang}: it is the same language")
    boundaries = sorted(float(b) for b in boundaries)
    profile = _target_profile(profile, target_lang)
    turns, origin = speaker_turn_cues(source.cues)
    sentences = sentences_from_cues(turns, src, boundaries)
    for s in sentences:  # indices of the source track's cues
        s.cues = list(dict.fromkeys(origin[c] for c in s.cues))
    units = [TranslationUnit(key=unit_key(s.text, s.start, s.end), source=s.text, start=s.start, end=s.end,
                             machine="", text="", speaker=s.speaker, cues=list(s.cues),
                             source_cues=[source.cues[c].text for c in s.cues]) for s in sentences]
    matched, stale = apply_reviewed(units, reviewed)

    todo = [i for i in range(len(units)) if i not in matched]
    stats = TermStats()
    engine_name = "reviewed" if not todo and units else None
    protection = None
    translate_seconds = 0.0
    retranslate = protected_source = None
    if todo:
        chosen = _engine(engine, src, target_lang)
        engine_name, protection = chosen.name, chosen.protection_method
        # Glossary forms are in the glossary's source language (English): no use for other sources.
        same_source = primary(getattr(glossary, "source_language", "en") or "en") == primary(src)
        rules = rules_from_glossary(glossary, target_lang) if same_source else []

        def retranslate(texts: list[str]) -> tuple[list[str], list[list[dict]]]:
            result = translate_with_terms(chosen, texts, src, target_lang, rules)
            return result.texts, _unit_terms(result)

        def protected_source(text: str) -> list[str]:
            return [o.text for o in find_occurrences(text, rules)]

        t0 = time.perf_counter()
        result = translate_with_terms(chosen, [units[i].source for i in todo], src, target_lang, rules)
        translate_seconds = time.perf_counter() - t0
        stats = result.stats
        for i, text, terms in zip(todo, result.texts, _unit_terms(result)):
            units[i].machine = units[i].text = text
            units[i].terms = terms
        for missed in stats.missed:
            unit = units[todo[missed["sentence"]]]
            missed["sentence"] = unit.source
            missed["start"], missed["end"] = round(unit.start, 3), round(unit.end, 3)

    t0 = time.perf_counter()
    cues, groups, condensed = fit_translations(sentences, units, profile, target_lang, boundaries,
                                               retranslate, protected_source)
    layout_seconds = time.perf_counter() - t0
    track = CueTrack(language=target_lang, cues=cues, engine=engine_name)
    report = {
        "language": target_lang,
        "source_language": src,
        "engine": engine_name,
        "protection_method": protection,
        "sentences": len(units),
        "source_cues": len(source.cues),
        "cues": len(cues),
        "merged_sentence_groups": sum(1 for g in groups if len(g.sentences) > 1),
        "reviewed_applied": len(matched),
        "reviewed_unmatched": len(stale),
        # kept in review/<lang>.reviewed.json, and applied again if the sentence comes back
        "reviewed_not_placed": [f"{clock(r.start)} '{r.source}' -> '{r.text}': that sentence is no longer there"
                                for r in stale],
        "condensed": condensed,
        "terms": stats.to_dict(),
        "seconds": round(time.perf_counter() - started, 3),
        "translate_seconds": round(translate_seconds, 3),
        "layout_seconds": round(layout_seconds, 3),
        "units": [asdict(u) for u in units],
        "profile": asdict(profile),
        "boundaries": boundaries,
    }
    return track, report


def _unit_terms(result) -> list[list[dict]]:
    """Per sentence of a protect.ProtectedTranslation: each protected occurrence and its outcome."""
    return [[{"source": o.text, "target": o.target, "kind": o.rule.kind, "outcome": outcome}
             for o, outcome in zip(occurrences, outcomes)]
            for occurrences, outcomes in zip(result.occurrences, result.outcomes)]


def speaker_turn_cues(cues: list[Cue]) -> tuple[list[Cue], list[int]]:
    """The cues with one speaker each, without labels: a dialogue cue becomes one cue per
    line, its time shared out by characters. Also, per cue, the index of the cue it came from."""
    out: list[Cue] = []
    origin: list[int] = []
    for index, cue in enumerate(cues):
        if not cue.speakers:
            out.append(Cue(cue.start, cue.end, list(cue.lines), cue.speaker))
            origin.append(index)
            continue
        total = sum(len(line) for line in cue.lines) or 1
        t = cue.start
        for k, (line, who) in enumerate(zip(cue.lines, line_speakers(cue))):
            end = cue.end if k == len(cue.lines) - 1 else t + cue.duration * len(line) / total
            out.append(Cue(t, end, [line], who))
            origin.append(index)
            t = end
    return out, origin


def rebuild_track(units: list[TranslationUnit], language: str, profile: Profile | None = None,
                  boundaries: Iterable[float] = (), engine: str | None = None) -> CueTrack:
    """Cues from translation units as they stand (after a review import): each unit's
    text laid over its own time span, as translate_track does."""
    sentences = [Sentence(u.source, u.start, u.end, u.speaker, list(u.cues)) for u in units]
    cues, _, _ = fit_translations(sentences, units, _target_profile(profile, language), language,
                                  sorted(float(b) for b in boundaries))
    return CueTrack(language=language, cues=cues, engine=engine)

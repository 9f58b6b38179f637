"""Translations laid out under the target's reading rules, condensed where they do not fit.

    cues, groups, summary = fit_translations(sentences, units, profile, language, boundaries, retranslate)

The units' texts are laid out over their sentences' spans (retime.py). Where a group of
cues still breaks a rule (too fast to read, too short), the machine-translated sentences of
that group are condensed one step at a time (condense.py: a shorter English wording
translated again, the target's spare words dropped, then a cut at a clause) and laid out
again, until every cue is within the rules. A unit's `text` becomes what the subtitles show,
its `machine` stays the whole translation and its `condensed` says which step shortened it.
"""
from __future__ import annotations

from typing import Callable

from captioner.captions.qc import cue_issues
from captioner.captions.rules import Profile
from captioner.model import Cue
from captioner.translate import condense
from captioner.translate.retime import Group, layout_translations
from captioner.translate.review import TranslationUnit
from captioner.translate.sentences import Sentence

CUT_ROUNDS = 8  # each round asks the sentences still too long for this much less
CUT_FACTOR = 0.93

# retranslate(sentences) -> (texts, terms per sentence): the engine with the glossary's protection
Retranslate = Callable[[list[str]], tuple[list[str], list[list[dict]]]]


def fit_translations(
    sentences: list[Sentence],
    units: list[TranslationUnit],
    profile: Profile,
    language: str,
    boundaries=(),
    retranslate: Retranslate | None = None,
    protected_source: Callable[[str], list[str]] | None = None,
) -> tuple[list[Cue], list[Group], dict]:
    """Cues for the units' texts within the rules; the groups; a report of what was condensed."""
    cues, groups = layout_translations(sentences, [u.text for u in units], profile, language, boundaries)
    steps = {"shorter_wording": 0, "spare_words": 0, "cut": 0}
    before = {i: len(u.text) for i, u in enumerate(units)}

    def failing() -> list[Group]:
        return [g for g in groups if g.problems and any(_may_condense(units[i]) for i in g.sentences)]

    def relayout() -> None:
        nonlocal cues, groups
        cues, groups = layout_translations(sentences, [u.text for u in units], profile, language, boundaries)

    if condense.ENABLED and failing() and retranslate is not None:
        todo = [i for g in failing() for i in g.sentences if _may_condense(units[i])]
        shorter = {i: condense.shorter_source(units[i].source, protected_source(units[i].source)
                                              if protected_source else []) for i in todo}
        todo = [i for i in todo if shorter[i] != units[i].source]
        if todo:
            texts, terms = retranslate([shorter[i] for i in todo])
            for i, text, found in zip(todo, texts, terms):
                if len(text) < len(units[i].text) and _missed(found) <= _missed(units[i].terms):
                    units[i].text, units[i].terms, units[i].condensed = text, found, "shorter_wording"
            relayout()
    if condense.ENABLED and failing():
        for group in failing():
            for i in group.sentences:
                if _may_condense(units[i]):
                    text = condense.spare_words(units[i].text, language, _renderings(units[i]))
                    if len(text) < len(units[i].text):
                        units[i].text = text
                        units[i].condensed = units[i].condensed or "spare_words"
        relayout()
    factor = 1.0
    for _ in range(CUT_ROUNDS if condense.ENABLED else 0):
        if not failing():
            break
        factor *= CUT_FACTOR
        for group in failing():
            span = sum(sentences[i].end - sentences[i].start for i in group.sentences) or 1.0
            for i in group.sentences:
                if not _may_condense(units[i]):
                    continue
                share = (group.limit - group.start) * (sentences[i].end - sentences[i].start) / span
                text = condense.cut_to(units[i].text, int(share * profile.max_cps * factor), _renderings(units[i]),
                                       _renderings(units[i], "approved"))
                if len(text) < len(units[i].text):
                    units[i].text, units[i].condensed = text, "cut"
        relayout()
    for i, unit in enumerate(units):
        if unit.condensed:
            steps[unit.condensed] += 1
    summary = {
        "sentences": sum(steps.values()),
        **steps,
        "characters_dropped": sum(before[i] - len(u.text) for i, u in enumerate(units) if u.condensed),
        "cues_outside_rules": len({issue.cue_index for issue in cue_issues(cues, profile)}),
    }
    return cues, groups, summary


def _may_condense(unit: TranslationUnit) -> bool:
    return bool(unit.machine) and not unit.reviewed


def _missed(terms: list[dict]) -> int:
    return sum(1 for t in terms if t.get("outcome") == "missed")


def _renderings(unit: TranslationUnit, kind: str | None = None) -> list[str]:
    return [t["target"] for t in unit.terms if t.get("target") and kind in (None, t.get("kind"))]

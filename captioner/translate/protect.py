"""Glossary terms, names, numbers, URLs and e-mail addresses through machine translation.

For every protected occurrence in a source sentence the translation must contain
one exact rendering: the approved (or proposed) translation of a glossary
concept, a keep-as-is name unchanged, a number, URL or address unchanged.

How (measured on Apertium eng-spa in bench/translate_protection.py):
1. translate the sentence as it is; an occurrence whose rendering the engine
   already wrote is `engine_correct`;
2. else find what the engine made of the term (the term translated alone, found
   exactly or by a close word-by-word match) and replace it: `substituted_after`.
   This keeps the engine's grammar around the term (articles, verb agreement);
3. sentences with an occurrence still unresolved are translated again with
   those occurrences hidden behind the engine's own placeholder (`hide_term`:
   a superblank for Apertium), put back afterwards: `protected`;
4. verify: an occurrence whose rendering is not in the final text is `missed`.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from captioner.translate.agreement import agree_article
from captioner.translate.base import TranslationEngine
from captioner.translate.term_rules import GLOSSARY_KINDS, KINDS, PATTERN_KINDS, Occurrence, TermRule, find_occurrences

OUTCOMES = ("engine_correct", "substituted_after", "protected", "missed")


@dataclass
class TermStats:
    """Per-language counts of protected occurrences, by kind and outcome."""

    counts: dict[str, Counter] = field(default_factory=lambda: {k: Counter() for k in KINDS})
    proposed_used: dict[tuple[str, str, str], int] = field(default_factory=dict)
    inflected_used: dict[tuple[str, str, str], int] = field(default_factory=dict)
    missed: list[dict] = field(default_factory=list)

    def add(self, occurrence: Occurrence, outcome: str, sentence_index: int) -> None:
        rule = occurrence.rule
        self.counts[rule.kind][outcome] += 1
        key = (rule.concept or "", occurrence.text, occurrence.target)
        if rule.kind == "proposed":
            self.proposed_used[key] = self.proposed_used.get(key, 0) + 1
        if rule.inflection:
            self.inflected_used[key] = self.inflected_used.get(key, 0) + 1
        if outcome == "missed":
            self.missed.append({"sentence": sentence_index, "kind": rule.kind, "concept": rule.concept,
                                "source": occurrence.text, "target": occurrence.target})

    def totals(self) -> dict[str, int]:
        total = Counter()
        for counter in self.counts.values():
            total.update(counter)
        return {"occurrences": sum(total[o] for o in OUTCOMES), **{o: total[o] for o in OUTCOMES}}

    def to_dict(self) -> dict:
        def listing(table):
            return [{"concept": c or None, "source": s, "target": t, "count": n}
                    for (c, s, t), n in sorted(table.items())]

        return {
            **self.totals(),
            "by_kind": {k: {"occurrences": sum(c[o] for o in OUTCOMES), **{o: c[o] for o in OUTCOMES}}
                        for k, c in self.counts.items() if sum(c.values())},
            "proposed_used": listing(self.proposed_used),
            "inflected_by_rule": listing(self.inflected_used),
            "missed_terms": list(self.missed),
        }


# --- putting renderings into a translation ----------------------------------------

def _word_pattern(text: str) -> re.Pattern:
    body = r"\s+".join(re.escape(part) for part in text.split())
    return re.compile(rf"(?<![\w]){body}(?![\w])", re.IGNORECASE)


class _Output:
    """A translation being edited, with the spans already claimed by renderings."""

    def __init__(self, text: str, language: str | None = None):
        self.text = text
        self.language = language
        self.claimed: list[tuple[int, int]] = []

    def free(self, a: int, b: int) -> bool:
        return all(b <= c or a >= d for c, d in self.claimed)

    def find(self, rendering: str) -> tuple[int, int] | None:
        for match in _word_pattern(rendering).finditer(self.text):
            if self.free(match.start(), match.end()):
                return match.start(), match.end()
        return None

    def claim(self, a: int, b: int) -> None:
        self.claimed.append((a, b))

    def replace(self, a: int, b: int, new: str) -> None:
        if self.text[a:a + 1].isupper() and new[:1].islower() and (a == 0 or self.text[:a].rstrip()[-1:] in ".?!¿¡"):
            new = new[:1].upper() + new[1:]
        delta = len(new) - (b - a)
        self.text = self.text[:a] + new + self.text[b:]
        self.claimed = [(c + delta, d + delta) if c >= b else (c, d) for c, d in self.claimed]
        self.claim(a, a + len(new))
        self.agree(a, new)

    def agree(self, position: int, rendering: str) -> None:
        """Make the article before a rendering inserted at `position` agree with it."""
        edit = agree_article(self.text, position, rendering, self.language)
        if edit is not None:
            a, b, new = edit
            delta = len(new) - (b - a)
            self.text = self.text[:a] + new + self.text[b:]
            self.claimed = [(c + delta, d + delta) if c >= b else (c, d) for c, d in self.claimed]

    def fuzzy_find(self, rendering: str) -> tuple[int, int] | None:
        """As many words as `rendering` has, each like its counterpart (other endings:
        'terrorista extranjera' for 'terroristas extranjeros'), close as a whole."""
        wanted = [w.strip(_PUNCT) for w in rendering.lower().split()]
        if not wanted or (len(wanted) == 1 and len(wanted[0]) < 5):
            return None
        words = [(m.start(), m.end(), m.group(0)) for m in re.finditer(r"\S+", self.text)]
        best = None
        size = len(wanted)
        for k in range(len(words) - size + 1):
            window = words[k:k + size]
            a, b = window[0][0], window[-1][1]
            b = a + len(self.text[a:b].rstrip(_PUNCT))
            if not self.free(a, b):
                continue
            found = [w[2].lower().strip(_PUNCT) for w in window]
            if min(fuzz.ratio(f, x) for f, x in zip(found, wanted)) < 60:
                continue
            score = fuzz.ratio(" ".join(found), " ".join(wanted))
            if score >= 80 and (best is None or score > best[0]):
                best = (score, a, b)
        return None if best is None else (best[1], best[2])


_PUNCT = ".,;:!?\"'”»)(«“¿¡"


def _decapitalise_after(out: _Output, source: str) -> None:
    """Apertium capitalises the word after an unknown word or superblank; undo it
    when that word is not written with a capital in the source."""
    capitalised_in_source = {w for w in re.findall(r"\w+", source) if w[:1].isupper()}
    text = out.text
    for _, end in sorted(out.claimed):
        match = re.match(r"(\s+)([A-ZÁÉÍÓÚÑÇÀÈÌÒÙÂÊÎÔÛÄËÏÖÜ][a-záéíóúñçàèìòùâêîôûäëïöü]*)(?![\w])", text[end:])
        if match and match.group(2) not in capitalised_in_source:
            a = end + len(match.group(1))
            text = text[:a] + text[a].lower() + text[a + 1:]
    out.text = text


def _resolve(out: _Output, occurrences: list[Occurrence], renderings: dict[str, str], skip: set[int] = frozenset()) -> dict[int, str]:
    """Try each occurrence against the translation; return {index: outcome} for resolved ones."""
    outcomes: dict[int, str] = {}
    for k, occ in enumerate(occurrences):
        if k in skip:
            continue
        span = out.find(occ.target)
        if span is not None:
            out.claim(*span)
            outcomes[k] = "engine_correct"
            continue
        engine_text = renderings.get(occ.text.lower())
        if not engine_text or occ.rule.kind in PATTERN_KINDS:
            continue
        span = out.find(engine_text) or out.fuzzy_find(engine_text)
        if span is not None:
            out.replace(span[0], span[1], occ.target)
            outcomes[k] = "substituted_after"
    return outcomes


@dataclass
class ProtectedTranslation:
    texts: list[str]
    stats: TermStats
    occurrences: list[list[Occurrence]]
    outcomes: list[list[str]]


STRATEGIES = ("substitute-then-hide", "substitute", "hide")


def verify(text: str, occurrences: list[Occurrence]) -> list[bool]:
    """Whether each occurrence's rendering is in `text` (as many times as it is needed)."""
    out = _Output(text)
    present = []
    for occ in sorted(occurrences, key=lambda o: -len(o.target)):
        span = out.find(occ.target)
        if span is not None:
            out.claim(*span)
        present.append((occ, span is not None))
    found = {id(o): ok for o, ok in present}
    return [found[id(o)] for o in occurrences]


def _hidden_source(engine: TranslationEngine, sentence: str, occ: list[Occurrence], hide: set[int]) -> str:
    pieces, position = [], 0
    for k, o in enumerate(occ):
        if k in hide:
            pieces.append(sentence[position:o.start])
            pieces.append(engine.hide_term(k, o.target))
            position = o.end
    pieces.append(sentence[position:])
    return "".join(pieces)


def translate_with_terms(
    engine: TranslationEngine,
    sentences: list[str],
    source: str,
    target: str,
    rules: list[TermRule],
    strategy: str = "substitute-then-hide",
) -> ProtectedTranslation:
    """Translate sentences in batches so that every protected occurrence comes through.

    `strategy` exists to measure the methods against each other; the default won.
    """
    if strategy not in STRATEGIES:
        raise ValueError(f"unknown protection strategy {strategy!r}")
    occurrences = [find_occurrences(s, rules) for s in sentences]
    renderings: dict[str, str] = {}
    if strategy != "hide":
        forms = sorted({o.text.lower() for occ in occurrences for o in occ if o.rule.kind in GLOSSARY_KINDS})
        alone = engine.translate_batch(forms, source, target) if forms else []
        renderings = {form: text.strip().rstrip(".") for form, text in zip(forms, alone)}

    if strategy == "hide":
        outputs = [_Output("", target) for _ in sentences]
        outcomes: list[dict[int, str]] = [{} for _ in sentences]
        untouched = [i for i, occ in enumerate(occurrences) if not occ]
        for i, text in zip(untouched, engine.translate_batch([sentences[i] for i in untouched], source, target)):
            outputs[i] = _Output(text, target)
        passes = [True]
    else:
        outputs = [_Output(t, target) for t in engine.translate_batch(sentences, source, target)]
        outcomes = [_resolve(o, occ, renderings) for o, occ in zip(outputs, occurrences)]
        passes = [] if strategy == "substitute" else [False, True]

    # Hide what is still unresolved; on the last pass, every occurrence of the sentence.
    for hide_all in passes:
        todo = [i for i, occ in enumerate(occurrences) if occ and len(outcomes[i]) < len(occ)]
        if not todo:
            break
        hide_sets = [set(range(len(occurrences[i]))) if hide_all
                     else {k for k in range(len(occurrences[i])) if k not in outcomes[i]} for i in todo]
        translated = engine.translate_hidden_batch(
            [_hidden_source(engine, sentences[i], occurrences[i], hide) for i, hide in zip(todo, hide_sets)],
            source, target)
        for i, hide, text in zip(todo, hide_sets, translated):
            occ = occurrences[i]
            revealed, came_through = engine.reveal_terms(text, {k: occ[k].target for k in hide})
            out = _Output(revealed, target)
            new: dict[int, str] = {}
            for k in sorted(came_through):
                span = out.find(occ[k].target)
                if span is not None:
                    out.claim(*span)
                    out.agree(span[0], occ[k].target)
                    new[k] = "protected"
            new.update(_resolve(out, occ, renderings, skip=set(new)))
            if len(new) > len(outcomes[i]) or not outputs[i].text:
                outputs[i], outcomes[i] = out, new

    stats = TermStats()
    texts, final_outcomes = [], []
    for i, (out, occ) in enumerate(zip(outputs, occurrences)):
        _decapitalise_after(out, sentences[i])
        present = verify(out.text, occ)
        row = []
        for k, o in enumerate(occ):
            outcome = outcomes[i].get(k, "missed") if present[k] else "missed"
            stats.add(o, outcome, i)
            row.append(outcome)
        texts.append(out.text)
        final_outcomes.append(row)
    return ProtectedTranslation(texts, stats, occurrences, final_outcomes)

"""Which glossary-protection method does an engine preserve best? Measured on real Apertium.

    python bench/translate_protection.py [--show]

For each method, on the domain sentences of tests/support/translate.py (and the
sample webinar's script when present) translated English -> Spanish:
- kept: protected occurrences whose exact rendering is in the output;
- article agreement: where English has "the"/"a" right before a term, whether
  the Spanish article before the rendering agrees with it in gender and number
  (a sign of whether the engine's grammar saw the term);
- seconds.
Methods: translate-then-substitute only; hiding every term behind a superblank
placeholder; writing the wanted rendering into the English source (the default
for engines without placeholders); and substitute-then-hide (captioner's choice).
"""
from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT)]

from captioner.translate.apertium import ApertiumEngine  # noqa: E402
from captioner.translate.base import TranslationEngine  # noqa: E402
from captioner.translate.protect import translate_with_terms, verify  # noqa: E402
from captioner.translate.sentences import split_sentences  # noqa: E402
from captioner.translate.term_rules import rules_from_glossary  # noqa: E402
from tests.support.translate import GENDER_NUMBER, SENTENCES, domain_glossary  # noqa: E402

ARTICLES = {("m", "sg"): {"el", "del", "al", "un"}, ("f", "sg"): {"la", "una"},
            ("m", "pl"): {"los", "unos"}, ("f", "pl"): {"las", "unas"}}


class InlineRenderingApertium(ApertiumEngine):
    """Apertium with the base engine's hiding: the rendering itself written into the source."""

    hide_term = TranslationEngine.hide_term
    reveal_terms = TranslationEngine.reveal_terms


def script_sentences() -> list[str]:
    script = ROOT / "recordings" / "view-to-a-border.script.yaml"
    if not script.exists():
        return []
    from ruamel.yaml import YAML

    data = YAML(typ="safe").load(script.read_text(encoding="utf-8"))
    text = " ".join(line["text"] for item in data.get("items", []) for line in item.get("lines", []))
    text = re.sub(r"\{([^|}]*)\|[^}]*\}", r"\1", text)
    return split_sentences(text)


def article_agreement(sentences, result) -> tuple[int, int]:
    agree = total = 0
    for source, text, occurrences in zip(sentences, result.texts, result.occurrences):
        for occ in occurrences:
            wanted = GENDER_NUMBER.get(occ.target) or GENDER_NUMBER.get(occ.target[:1].lower() + occ.target[1:])
            if wanted is None or not re.search(r"\b(the|a|an)\s+$", source[:occ.start], re.I):
                continue
            position = text.lower().find(occ.target.lower())
            if position < 0:
                continue
            before = text[:position].split()
            total += 1
            agree += bool(before) and before[-1].lower() in ARTICLES[wanted] | ({"de la"} if wanted == ("f", "sg") else set()) \
                or (len(before) > 1 and " ".join(before[-2:]).lower() in {"de la", "a la", "de los", "de las", "a los", "a las"})
    return agree, total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--show", action="store_true", help="print every translation")
    parser.add_argument("--no-article-fix", action="store_true",
                        help="leave Spanish articles as the engine wrote them (to measure the fix)")
    args = parser.parse_args()
    if args.no_article_fix:
        import captioner.translate.protect as protect

        protect.agree_article = lambda *a, **k: None
    engine = ApertiumEngine()
    if ("en", "es") not in engine.pairs():
        sys.exit("needs apertium and apertium-eng-spa (apt-get install apertium-eng-spa)")
    sentences = SENTENCES + script_sentences()
    rules = rules_from_glossary(domain_glossary(), "es")
    methods = [
        ("no protection (engine alone)", engine, None),
        ("translate-then-substitute", engine, "substitute"),
        ("superblank placeholders", engine, "hide"),
        ("rendering written into source", InlineRenderingApertium(), "hide"),
        ("substitute, then superblank (chosen)", engine, "substitute-then-hide"),
    ]
    print(f"{len(sentences)} sentences, Apertium en->es\n")
    print(f"{'method':40s} {'kept':>9s} {'engine':>7s} {'subst':>6s} {'prot':>5s} {'missed':>6s} {'articles':>9s} {'s':>6s}")
    for label, eng, strategy in methods:
        started = time.perf_counter()
        if strategy is None:
            result = translate_with_terms(eng, sentences, "en", "es", rules, strategy="substitute")
            plain = eng.translate_batch(sentences, "en", "es")
            kept = sum(sum(verify(t, occ)) for t, occ in zip(plain, result.occurrences))
            total = sum(len(o) for o in result.occurrences)
            print(f"{label:40s} {kept:4d}/{total:<4d} {'':>7s} {'':>6s} {'':>5s} {total - kept:6d} {'':>9s} {time.perf_counter() - started:6.2f}")
            continue
        result = translate_with_terms(eng, sentences, "en", "es", rules, strategy=strategy)
        seconds = time.perf_counter() - started
        t = result.stats.totals()
        agree, total = article_agreement(sentences, result)
        kept = t["occurrences"] - t["missed"]
        print(f"{label:40s} {kept:4d}/{t['occurrences']:<4d} {t['engine_correct']:7d} {t['substituted_after']:6d} "
              f"{t['protected']:5d} {t['missed']:6d} {agree:4d}/{total:<4d} {seconds:6.2f}")
        if args.show:
            for source, text in zip(sentences, result.texts):
                print(f"    {source}\n      -> {text}")


if __name__ == "__main__":
    main()

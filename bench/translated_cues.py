"""Translated subtitles under the reading rules: for each webinar of a corpus set, the share of
target-language cues within their profile and the share of approved glossary renderings present
in the published text, for each reading profile and condensing setting, side by side on the same
runs.

    .venv/bin/python bench/translated_cues.py --set tuning [--language es] [--cps 17 20] [--model base]

Each webinar is rendered and run once (recognition, speakers and chapters, with its glossary and
agenda); each variant then translates that run's English cues again with Apertium and lays them
out, so only translation and layout differ. `--cps` sets the profile's reading speed (the
language's own profile when omitted). Prints per webinar and pooled: cues within the rules, the
rules broken, sentences condensed, and approved renderings present out of those the sentences
call for (the corpus glossaries' renderings, all counted as approved).
"""
from __future__ import annotations

import argparse
import dataclasses
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from corpus import render, scripts  # noqa: E402

from captioner.agenda.align import chapter_boundaries  # noqa: E402
from captioner.captions.qc import cue_issues  # noqa: E402
from captioner.captions.rules import get_profile  # noqa: E402
from captioner.pipeline.run import RunOptions, load_glossary_for_run, run_one  # noqa: E402
from captioner.translate import condense  # noqa: E402
from captioner.translate.stage import translate_track  # noqa: E402


def approved_present(report: dict, text: str) -> tuple[int, int]:
    """(glossary renderings found in the published text, renderings the sentences call for). The
    corpus glossaries' renderings are unreviewed ("proposed"); they count as approved ones would."""
    wanted: Counter = Counter()
    for unit in report["units"]:
        for term in unit.get("terms", []):
            if term["kind"] in ("approved", "proposed"):
                wanted[term["target"]] += 1
    folded = text.casefold()
    found = sum(min(count, folded.count(target.casefold())) for target, count in wanted.items())
    return found, sum(wanted.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=("tuning", "test"), default="tuning")
    parser.add_argument("--language", default="es")
    parser.add_argument("--cps", type=float, nargs="*", default=[None])
    parser.add_argument("--condense", default="on,off", help="comma-separated: on, off")
    parser.add_argument("--model", default="base")
    parser.add_argument("--work", type=Path, default=Path("/tmp/translated-cues"))
    args = parser.parse_args()
    variants = [(cps, mode) for cps in args.cps for mode in args.condense.split(",")]
    totals = {v: Counter() for v in variants}
    for script in scripts(args.set):
        stem = script.name[: -len(".script.yaml")]
        media, _ = render(script, args.work / "media")
        options = RunOptions(out_dir=args.work / "out", glossary_paths=[script.with_name(f"{stem}.glossary.csv")],
                             replay=False)
        options.asr.model = args.model
        result = run_one(media, options)
        glossary = load_glossary_for_run(options)
        boundaries = chapter_boundaries(result.transcript.chapters)
        source = result.tracks[result.transcript.language]
        row = []
        for cps, mode in variants:
            profile = get_profile(None, language=args.language)
            if cps is not None:
                profile = dataclasses.replace(profile, max_cps=cps, target_cps=min(profile.target_cps, cps))
            condense.ENABLED = mode == "on"
            track, report = translate_track(source, args.language, "apertium", glossary, boundaries, profile)
            issues = cue_issues(track.cues, profile)
            bad = {i.cue_index for i in issues}
            # a rendering may run from one cue into the next: the cues are read as one text
            found, wanted = approved_present(report, " ".join(c.text for c in track.cues))
            counts = Counter(cues=len(track.cues), within=len(track.cues) - len(bad), found=found, wanted=wanted,
                             condensed=report.get("condensed", {}).get("sentences", 0), sentences=report["sentences"])
            counts.update(f"rule:{i.rule}" for i in issues)
            totals[(cps, mode)].update(counts)
            row.append(f"{cps or profile.max_cps:g} cps condense {mode}: {counts['within']}/{counts['cues']} within, "
                       f"{counts['condensed']} condensed, approved {found}/{wanted}")
        print(f"{stem:34s} " + " | ".join(row), flush=True)
    print("pooled:")
    for (cps, mode), c in totals.items():
        rules = ", ".join(f"{k[5:]} {v}" for k, v in sorted(c.items()) if k.startswith("rule:")) or "none broken"
        print(f"  {cps or 'profile'} cps, condense {mode}: {c['within']}/{c['cues']} cues within "
              f"({c['within'] / max(1, c['cues']):.1%}); {rules}; sentences condensed {c['condensed']}/"
              f"{c['sentences']}; approved renderings {c['found']}/{c['wanted']} "
              f"({c['found'] / max(1, c['wanted']):.1%})")


if __name__ == "__main__":
    main()

"""Caption quality control: the reading rules of a Profile applied to any list of cues.

Rules apply to what a viewer sees: speaker labels and dialogue hyphens count
as text (a cue read from a file has them in its lines; one of ours keeps them in
`Cue.labels`), direction marks do not.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from captioner.captions.rules import RULES, Profile, RuleIssue
from captioner.clock import timestamp
from captioner.formats.labels import shown_lines
from captioner.model import Cue

# Times in caption files have millisecond precision, so rules are checked to within
# a rounding step (a 2-frame gap of 83.3 ms written as 0.083 s is fine).
TOLERANCE = 0.0011

_INVISIBLE = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"))


def visible(line: str) -> str:
    """The line without bidirectional marks, which take no room on screen."""
    return line.translate(_INVISIBLE)


def screen_lines(cue: Cue) -> list[str]:
    """The lines as they take room on screen: with their labels, without direction marks."""
    return [visible(line) for line in shown_lines(cue)]


def cue_stats(cue: Cue, profile: Profile) -> tuple[int, float, int]:
    """(reading characters, characters per second, longest line) of one cue."""
    lines = screen_lines(cue)
    chars = profile.reading_chars(lines)
    duration = cue.end - cue.start
    cps = chars / duration if duration > 0 else float("inf") if chars else 0.0
    longest = max((len(line) for line in lines), default=0)
    return chars, cps, longest


def cue_problems(cue: Cue, profile: Profile) -> list[tuple[str, str]]:
    """Every rule one cue breaks on its own, as (rule, detail)."""
    problems = []
    lines = screen_lines(cue)
    chars, cps, longest = cue_stats(cue, profile)
    duration = cue.end - cue.start
    if not any(line.strip() for line in lines):
        problems.append(("empty_text", "the cue has no text"))
    if longest > profile.max_chars_per_line:
        over = next(line for line in lines if len(line) == longest)
        problems.append(
            (
                "max_chars_per_line",
                f"a line of {longest} characters > {profile.max_chars_per_line}: {over!r}",
            )
        )
    if len(lines) > profile.max_lines:
        problems.append(("max_lines", f"{len(lines)} lines > {profile.max_lines}"))
    if duration < profile.min_duration - TOLERANCE:
        what = "ends before it starts" if duration < 0 else f"{duration:.3f} s < {profile.min_duration:.3f} s"
        problems.append(("min_duration", what))
    if duration > profile.max_duration + TOLERANCE:
        problems.append(("max_duration", f"{duration:.3f} s > {profile.max_duration:.3f} s"))
    if chars and chars / (max(duration, 0.0) + TOLERANCE) > profile.max_cps + 1e-9:
        shown = "no time" if duration <= 0 else f"{cps:.1f} characters/s"
        problems.append(
            ("max_cps", f"{shown} > {profile.max_cps:g} ({chars} characters in {max(duration, 0.0):.3f} s)")
        )
    return problems


def pair_problems(previous: Cue, cue: Cue, profile: Profile) -> list[tuple[str, str]]:
    """Rules between a cue and the one before it: no overlap, a gap of min_gap or none."""
    gap = cue.start - previous.end
    if gap < -TOLERANCE:
        return [("overlap", f"starts {-gap:.3f} s before the previous cue ends")]
    if TOLERANCE < gap < profile.min_gap - TOLERANCE:
        return [
            (
                "min_gap",
                f"gap of {gap:.3f} s after the previous cue: chain it (0 s) or leave at least {profile.min_gap:.3f} s",
            )
        ]
    return []


def cue_issues(cues: list[Cue], profile: Profile) -> list[RuleIssue]:
    issues = []
    for index, cue in enumerate(cues):
        for rule, detail in cue_problems(cue, profile):
            issues.append(RuleIssue(index, rule, detail))
        if index:
            for rule, detail in pair_problems(cues[index - 1], cue, profile):
                issues.append(RuleIssue(index, rule, detail))
    return issues


@dataclass
class QCReport:
    """Rule check of one caption track (or chapter track: ``kind``). Issue cue indexes are
    0-based; tables show them from 1."""

    profile: Profile
    cues: list[Cue]
    issues: list[RuleIssue] = field(default_factory=list)
    source: str | None = None
    kind: str = "captions"

    @property
    def ok(self) -> bool:
        return not self.issues

    @property
    def cue_count(self) -> int:
        return len(self.cues)

    @property
    def compliant_count(self) -> int:
        return self.cue_count - len({issue.cue_index for issue in self.issues})

    @property
    def compliant_fraction(self) -> float:
        return self.compliant_count / self.cue_count if self.cues else 1.0

    def _stats(self) -> list[tuple[int, float, int]]:
        return [cue_stats(cue, self.profile) for cue in self.cues]

    @property
    def rule_counts(self) -> dict[str, int]:
        counts = dict.fromkeys(CHAPTER_RULES if self.kind == "chapters" else RULES, 0)
        for issue in self.issues:
            counts[issue.rule] = counts.get(issue.rule, 0) + 1
        return counts

    def summary(self) -> dict:
        stats = self._stats()
        finite = [cps for _, cps, _ in stats if cps != float("inf")]
        durations = [cue.end - cue.start for cue in self.cues]
        return {
            "cue_count": self.cue_count,
            "compliant_cues": self.compliant_count,
            "compliant_fraction": round(self.compliant_fraction, 4),
            "max_cps": round(max(finite), 2) if finite else 0.0,
            "mean_cps": round(sum(finite) / len(finite), 2) if finite else 0.0,
            "max_line_length": max((longest for _, _, longest in stats), default=0),
            "max_lines": max((len(cue.lines) for cue in self.cues), default=0),
            "min_duration": round(min(durations), 3) if durations else 0.0,
            "max_duration": round(max(durations), 3) if durations else 0.0,
            "rule_counts": self.rule_counts,
        }

    def to_dict(self) -> dict:
        p = self.profile
        return {
            "source": self.source,
            "kind": self.kind,
            "profile": {
                "name": p.name,
                "language": p.language,
                "max_chars_per_line": p.max_chars_per_line,
                "max_lines": p.max_lines,
                "max_cps": p.max_cps,
                "min_duration": round(p.min_duration, 4),
                "max_duration": p.max_duration,
                "min_gap": round(p.min_gap, 4),
                "speaker_labels": p.speaker_labels,
                "source": p.source,
            },
            "ok": self.ok,
            **self.summary(),
            "issues": [
                {
                    "cue": issue.cue_index + 1,
                    "start": round(self.cues[issue.cue_index].start, 3),
                    "end": round(self.cues[issue.cue_index].end, 3),
                    "rule": issue.rule,
                    "detail": issue.detail,
                }
                for issue in self.issues
            ],
        }


def check_cues(cues: list[Cue], profile: Profile, source: str | None = None) -> QCReport:
    """Every rule of `profile` that each cue breaks, with summary numbers."""
    return QCReport(profile=profile, cues=list(cues), issues=cue_issues(cues, profile), source=source)


# A chapter track (WebVTT kind "chapters") is read as a list of titled, ordered spans, not as captions.
CHAPTER_RULES = ("chapter_title", "chapter_order", "chapter_overlap", "chapter_duration")


def check_chapters(cues: list[Cue], profile: Profile, source: str | None = None) -> QCReport:
    """A chapter track's problems: a chapter without a title, out of order, overlapping the one
    before, or ending where it starts."""
    issues = []
    for index, cue in enumerate(cues):
        if not cue.text.strip():
            issues.append(RuleIssue(index, "chapter_title", "the chapter has no title"))
        if cue.end <= cue.start:
            issues.append(RuleIssue(index, "chapter_duration", f"ends at {cue.end:.3f} s, not after its start"))
        if index and cue.start < cues[index - 1].start:
            issues.append(RuleIssue(index, "chapter_order", f"starts before chapter {index}"))
        elif index and cue.start < cues[index - 1].end:
            issues.append(RuleIssue(index, "chapter_overlap", f"starts {cues[index - 1].end - cue.start:.3f} s "
                                                               f"before chapter {index} ends"))
    return QCReport(profile=profile, cues=list(cues), issues=issues, source=source, kind="chapters")


def format_report(report: QCReport) -> str:
    """A readable table: the profile, one row per broken rule, and a summary."""
    p = report.profile
    out = []
    title = report.source or "captions"
    if report.kind == "chapters":
        out.append(f"{title}: chapters (each titled, in order, none overlapping the one before)")
    else:
        out.append(
            f"{title}: profile {p.name} ({p.max_chars_per_line} chars/line, {p.max_lines} lines, "
            f"<= {p.max_cps:g} chars/s, {p.min_duration:.3f}-{p.max_duration:g} s, gap >= {p.min_gap:.3f} s or 0)"
        )
    if report.issues:
        rule_width = max(len(issue.rule) for issue in report.issues)
        out.append(f"  {'cue':>5}  {'start':<12}  {'end':<12}  {'rule':<{rule_width}}  detail")
        for issue in report.issues:
            cue = report.cues[issue.cue_index]
            out.append(
                f"  {issue.cue_index + 1:>5}  {timestamp(cue.start):<12}  {timestamp(cue.end):<12}  "
                f"{issue.rule:<{rule_width}}  {issue.detail}"
            )
    s = report.summary()
    if report.kind == "chapters":
        out.append(f"  {s['cue_count']} chapters, {s['compliant_cues']} without a problem")
    else:
        out.append(
            f"  {s['cue_count']} cues, {s['compliant_cues']} within the rules ({100 * s['compliant_fraction']:.1f}%); "
            f"max {s['max_cps']} chars/s, mean {s['mean_cps']} chars/s, longest line {s['max_line_length']}"
        )
    broken = {rule: n for rule, n in s["rule_counts"].items() if n}
    out.append("  broken: " + (", ".join(f"{rule} {n}" for rule, n in broken.items()) if broken else "none"))
    return "\n".join(out)

"""Reading-rule profiles: every number of DESIGN.md's reading-rules table as a setting.

Profiles
--------
``netflix-en`` (default)
    Netflix Timed Text Style Guide, English: 42 characters a line, 2 lines, at
    most 20 characters/s (spaces and punctuation counted), aim for 17, cues of
    5/6 s to 7 s, 2-frame gaps at 24 fps, start within 3 frames of speech,
    linger up to 0.5 s after it. Also used for other alphabetic languages.
``bbc``
    BBC subtitle guidelines: 37 characters a line (the Teletext-safe width),
    2 lines, slower reading (160-180 words a minute: at most 17 characters/s,
    aim for 15), at least 1 s on screen, 25 fps frames for gaps and sync.
``cjk``
    Chinese, Japanese and Korean (Netflix's CJK guides): 16 characters a line,
    2 lines, at most 9 characters/s, aim for 7; other timings as ``netflix-en``.
``netflix-subtitles``
    Translated subtitles in other alphabetic languages: the Netflix English
    Template Timed Text Style Guide, which "serves as the basis for subtitling
    in other languages": 42 characters a line, 2 lines, at most 17
    characters/s (200 words a minute), aim for 15; timings as ``netflix-en``.
``netflix-es``, ``netflix-fr``, ``netflix-ar``, ...
    The same numbers under the language's own name, one per language in
    `LANGUAGE_PROFILES`: each language's Netflix guide keeps the template's
    42 characters a line (read in the Arabic guide, 2026-12-07) and its
    adult reading speed of 17 characters/s.

English captions are read at 20 characters/s (Netflix's English guide for
English programmes); subtitles translated from them at 17, which is why a
translation, longer than its source in most languages, is condensed to fit
(captioner/translate/condense.py).

``get_profile(name, language, **overrides)`` picks one and applies overrides;
``profile_for_language(lang)`` gives the default profile for a language.

Every profile also says how a change of speaker is shown (``speaker_labels``:
``name`` by default, ``chevrons`` or ``none``; see captioner/formats/labels.py). A
visible label counts toward line length and reading speed like any text.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from captioner.errors import CaptionerError
from captioner.formats.labels import DEFAULT_LABEL_STYLE, LABEL_STYLES
from captioner.lang import is_cjk, primary

NETFLIX_ENGLISH = ("Netflix English (USA) Timed Text Style Guide, partnerhelp.netflixstudios.com/hc/en-us/"
                   "articles/217350977")
NETFLIX_TEMPLATE = ("Netflix English Template Timed Text Style Guide (the basis for other languages), "
                    "backlothelp.netflix.com/hc/en-us/articles/219375728")
BBC_GUIDELINES = "BBC Subtitle Guidelines, bbc.github.io/subtitle-guidelines"
NETFLIX_CJK = "Netflix Simplified Chinese, Japanese and Korean Timed Text Style Guides"


@dataclass(frozen=True)
class Profile:
    """Reading rules for one caption track. Times are seconds."""

    name: str = "netflix-en"
    language: str | None = None
    max_chars_per_line: int = 42
    max_lines: int = 2
    max_cps: float = 20.0  # reading speed a cue must not exceed
    target_cps: float = 17.0  # reading speed cues are given time for when silence allows
    min_duration: float = 5 / 6
    max_duration: float = 7.0
    frame_rate: float = 24.0
    min_gap: float = 2 / 24  # gap between cues: at least this, or exactly 0 (chained)
    sync_lead: float = 3 / 24  # a cue may start at most this long before its first word
    max_linger: float = 0.5  # a cue may stay up this long after its last word (more only for min_duration/reading speed)
    pause_threshold: float = 0.5  # silence between words at which a cue should end
    count_spaces_and_punctuation: bool = True  # for reading speed
    speaker_labels: str = DEFAULT_LABEL_STYLE  # how a speaker change is shown: name, chevrons or none
    source: str = NETFLIX_ENGLISH  # the published guide the numbers come from

    def __post_init__(self) -> None:
        problems = []
        if self.max_chars_per_line < 1:
            problems.append(f"max_chars_per_line must be at least 1 (got {self.max_chars_per_line})")
        if self.max_lines < 1:
            problems.append(f"max_lines must be at least 1 (got {self.max_lines})")
        for name in ("max_cps", "target_cps", "max_duration", "frame_rate"):
            if not getattr(self, name) > 0:
                problems.append(f"{name} must be positive (got {getattr(self, name)})")
        for name in ("min_duration", "min_gap", "sync_lead", "max_linger", "pause_threshold"):
            if not getattr(self, name) >= 0:
                problems.append(f"{name} must not be negative (got {getattr(self, name)})")
        if self.speaker_labels not in LABEL_STYLES:
            problems.append(f"speaker_labels must be one of {', '.join(LABEL_STYLES)} (got {self.speaker_labels!r})")
        if self.max_duration < self.min_duration:
            problems.append(
                f"max_duration ({self.max_duration} s) is shorter than min_duration ({self.min_duration} s)"
            )
        if problems:
            raise CaptionerError(f"reading rules of profile '{self.name}': " + "; ".join(problems))

    @property
    def frame(self) -> float:
        return 1.0 / self.frame_rate

    def reading_chars(self, lines: list[str]) -> int:
        """Characters a viewer reads in these lines (the line break itself is not counted)."""
        if self.count_spaces_and_punctuation:
            return sum(len(line) for line in lines)
        return sum(1 for line in lines for ch in line if ch.isalnum())

    def with_overrides(self, **overrides) -> "Profile":
        known = {f.name for f in dataclasses.fields(self)}
        unknown = sorted(set(overrides) - known)
        if unknown:
            raise CaptionerError(
                f"unknown reading-rule setting(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}"
            )
        values = {k: v for k, v in overrides.items() if v is not None}
        return dataclasses.replace(self, **values) if values else self


PROFILES: dict[str, Profile] = {
    "netflix-en": Profile(),
    "bbc": Profile(
        name="bbc",
        max_chars_per_line=37,
        max_cps=17.0,
        target_cps=15.0,
        min_duration=1.0,
        frame_rate=25.0,
        min_gap=2 / 25,
        sync_lead=3 / 25,
        source=BBC_GUIDELINES,
    ),
    "cjk": Profile(name="cjk", max_chars_per_line=16, max_cps=9.0, target_cps=7.0, source=NETFLIX_CJK),
    "netflix-subtitles": Profile(name="netflix-subtitles", max_cps=17.0, target_cps=15.0, source=NETFLIX_TEMPLATE),
}
DEFAULT_PROFILE = "netflix-en"

# Languages with a Netflix guide of their own: name -> the guide. Their numbers are the template's.
LANGUAGE_PROFILES = {
    "es": "Netflix Castilian and Latin American Spanish Timed Text Style Guides",
    "fr": "Netflix French and Canadian French Timed Text Style Guides",
    "ar": "Netflix Arabic Timed Text Style Guide, partnerhelp.netflixstudios.com/hc/en-us/articles/215517947",
    "pt": "Netflix Brazilian and European Portuguese Timed Text Style Guides",
    "de": "Netflix German Timed Text Style Guide",
    "it": "Netflix Italian Timed Text Style Guide",
    "ca": "Netflix Catalan Timed Text Style Guide",
    "ru": "Netflix Russian Timed Text Style Guide",
}
for _code, _guide in LANGUAGE_PROFILES.items():
    PROFILES[f"netflix-{_code}"] = dataclasses.replace(PROFILES["netflix-subtitles"], name=f"netflix-{_code}",
                                                       source=_guide)


def profile_for_language(language: str | None) -> Profile:
    """The default profile for a BCP 47 language code, with `language` set: English captions at
    netflix-en, Chinese, Japanese and Korean at cjk, a language with its own guide at netflix-<code>,
    any other at netflix-subtitles."""
    code = primary(language)
    if is_cjk(language):
        name = "cjk"
    elif code in ("", "en"):
        name = DEFAULT_PROFILE
    else:
        name = f"netflix-{code}" if code in LANGUAGE_PROFILES else "netflix-subtitles"
    return dataclasses.replace(PROFILES[name], language=language)


# CLI flag names -> Profile fields.
CLI_OVERRIDES = {
    "max_chars": "max_chars_per_line",
    "max_lines": "max_lines",
    "max_cps": "max_cps",
    "min_duration": "min_duration",
    "max_duration": "max_duration",
    "min_gap": "min_gap",
    "speaker_labels": "speaker_labels",
}


def get_profile(name: str | None = None, language: str | None = None, **overrides) -> Profile:
    """A named profile (None: the language's default) with `language` and overrides applied.

    Overrides are Profile field names (`max_chars_per_line=37`) or the CLI flag names
    (`max_chars=37`); None values are ignored.
    """
    if name is None:
        profile = profile_for_language(language)
    else:
        key = name.strip().lower()
        if key not in PROFILES:
            raise CaptionerError(
                f"unknown caption profile '{name}'; known profiles: {', '.join(sorted(PROFILES))}"
            )
        profile = PROFILES[key]
        if language is not None:
            profile = dataclasses.replace(profile, language=language)
    fields = {CLI_OVERRIDES.get(k, k): v for k, v in overrides.items()}
    return profile.with_overrides(**fields)


@dataclass
class RuleIssue:
    """A reading rule that cue number `cue_index` (0-based) breaks; `rule` names the setting."""

    cue_index: int
    rule: str
    detail: str

    def __str__(self) -> str:
        return f"cue {self.cue_index + 1}: {self.rule}: {self.detail}"


# Rule names used in RuleIssue.rule (profile setting names where one applies).
RULES = (
    "empty_text",
    "max_chars_per_line",
    "max_lines",
    "max_cps",
    "min_duration",
    "max_duration",
    "overlap",
    "min_gap",
)

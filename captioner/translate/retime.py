"""Translated sentences -> target-language cues inside the source sentences' time spans.

Each translation is cut into cues by `captions.layout_text_in_span` under the
target language's reading rules, over exactly the span its source sentence was
spoken in. When a sentence's span is too short for its translation (reading
speed, minimum duration), it may first linger into the silence after it, as a
source cue may (at most `max_linger`, and never into the next sentence); then
it is merged with an adjacent sentence of the same speaker and laid out over
the two spans together. Text never starts before its sentence is spoken, never
ends more than `max_linger` after it, and never crosses a chapter boundary.

Speakers: every cue keeps its sentence's speaker, and the first cue of a
speaker's turn shows the same label as the source (names are not translated),
laid out with the text under the target's rules. Two short turns of different
speakers may share a dialogue cue, as in the source (`captions.join_dialogues`).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from captioner.captions.linebreak import (
    boundary_costs,
    join_tokens,
    layout_tokens,
    lines_from_breaks,
    separators,
    tokenize,
)
from captioner.captions.qc import cue_issues
from captioner.captions.rules import Profile
from captioner.captions.segment import join_dialogues, layout_text_in_span
from captioner.formats.labels import change_labels, labelled
from captioner.model import Cue
from captioner.translate.sentences import Sentence, word_joiner

MAX_MERGED_SENTENCES = 3
MERGE_GAP = 0.5  # seconds: sentences further apart than this stay apart (a pause shows)


@dataclass
class Group:
    """Consecutive sentences laid out together."""

    sentences: list[int]
    start: float
    end: float
    text: str
    speaker: str | None
    limit: float = 0.0  # latest end: `end` plus the silence it may linger into
    previous_speaker: str | None = None  # who spoke before: the first cue is labelled when it differs
    cues: list[Cue] = field(default_factory=list)
    problems: int = 0


def _cues_in(group: Group, end: float, profile: Profile, language: str, boundaries) -> tuple[list[Cue], int]:
    cues = layout_text_in_span(group.text, group.start, end, profile, language, boundaries,
                               group.speaker, group.previous_speaker)
    for cue in cues:
        cue.speaker = group.speaker
        # layout keeps cues in the span; clamp float dust so the promise is exact
        cue.start = min(max(cue.start, group.start), end)
        cue.end = min(max(cue.end, cue.start), end)
    problems = len([i for i in cue_issues(cues, profile) if i.rule in ("max_cps", "min_duration")])
    return cues, problems


def _layout(group: Group, profile: Profile, language: str, boundaries) -> Group:
    group.cues, group.problems = _cues_in(group, group.end, profile, language, boundaries)
    if group.problems and group.limit > group.end + 1e-3:
        cues, problems = _cues_in(group, group.limit, profile, language, boundaries)
        if problems < group.problems:
            group.cues, group.problems = cues, problems
    if group.problems:
        for end in (group.end, group.limit):
            cues = even_cues(group.text, group.start, end, profile, language, boundaries,
                             group.speaker, group.previous_speaker)
            if cues is not None and not cue_issues(cues, profile):
                for cue in cues:
                    cue.speaker = group.speaker
                group.cues, group.problems = cues, 0
                break
    if group.problems and profile.speaker_labels == "name" and group.speaker != group.previous_speaker:
        # the name takes room a fast sentence needs: show the change with the short >> instead
        shorter = _layout(dataclasses.replace(group, cues=[], problems=0),
                          dataclasses.replace(profile, speaker_labels="chevrons"), language, boundaries)
        if shorter.problems < group.problems:
            return shorter
    return group


def even_cues(text: str, start: float, end: float, profile: Profile, language: str, boundaries=(),
              speaker: str | None = None, previous_speaker: str | None = None) -> list[Cue] | None:
    """Dense text: chained cues (no gaps to lose) of near-equal reading load, cut at good
    line-break points, time shared by characters over [start, end]. None when no such
    layout meets every per-cue rule (or a chapter boundary falls inside the span).
    The first cue shows `speaker`'s label when `previous_speaker` differs (a shorter
    label when the name does not fit)."""
    if any(start + 1e-6 < b < end - 1e-6 for b in boundaries) or end <= start:
        return None
    tokens = tokenize(text, language)
    if not tokens:
        return None
    labels = change_labels(speaker, profile.speaker_labels) if speaker != previous_speaker else []
    for label in [x for x in labels if len(x) + 1 + len(tokens[0]) <= profile.max_chars_per_line] or [""]:
        cues = _even_cues(tokens, label, start, end, profile, language)
        if cues is not None:
            return cues
    return None


def _even_cues(tokens: list[str], label: str, start: float, end: float, profile: Profile,
               language: str) -> list[Cue] | None:
    costs = boundary_costs(tokens, language)
    seps = separators(tokens, language)
    shown = [labelled(label, tokens[0])] + tokens[1:]  # the label is laid out glued to the first word
    capacity = profile.max_chars_per_line * profile.max_lines
    total = len(join_tokens(tokens, language)) + (len(label) + 1 if label else 0)
    cache: dict[tuple[int, int], list[str] | None] = {}

    def width(a: int, b: int) -> int:
        return sum(len(shown[k]) + (len(seps[k]) if k > a else 0) for k in range(a, b))

    def lines(a: int, b: int) -> list[str] | None:
        if (a, b) not in cache:
            found = None
            if width(a, b) <= capacity:
                local_seps = [""] + seps[a + 1:b]
                result = layout_tokens([len(t) for t in shown[a:b]], [len(x) for x in local_seps],
                                       [0.0] + costs[a + 1:b] + [0.0], profile.max_chars_per_line, profile.max_lines)
                if result is not None:
                    found = lines_from_breaks(shown[a:b], local_seps, result[1])
            cache[(a, b)] = found
        return cache[(a, b)]

    for count in range(max(1, -(-total // capacity)), min(len(tokens), 8) + 1):
        share = total / count
        # best[k][j]: least cost of cutting tokens[:j] into k chunks
        best = [[(float("inf"), -1)] * (len(tokens) + 1) for _ in range(count + 1)]
        best[0][0] = (0.0, -1)
        for k in range(1, count + 1):
            for j in range(1, len(tokens) + 1):
                for i in range(j - 1, -1, -1):
                    if best[k - 1][i][0] == float("inf"):
                        continue
                    found = lines(i, j)
                    if found is None:
                        if width(i, j) > capacity:
                            break
                        continue
                    size = sum(len(x) for x in found)
                    cost = best[k - 1][i][0] + ((size - share) / share) ** 2 * 10 + (costs[j] if j < len(tokens) else 0)
                    if cost < best[k][j][0]:
                        best[k][j] = (cost, i)
        if best[count][len(tokens)][0] == float("inf"):
            continue
        cuts, j = [], len(tokens)
        for k in range(count, 0, -1):
            i = best[k][j][1]
            cuts.append((i, j))
            j = i
        cuts.reverse()
        chunks = [list(lines(i, j)) for i, j in cuts]
        weights = [max(1, profile.reading_chars(c)) for c in chunks]
        cues, t = [], start
        for chunk, weight in zip(chunks, weights):
            t1 = t + (end - start) * weight / sum(weights)
            cues.append(Cue(t, t1, chunk))
            t = t1
        cues[-1].end = end
        if label:
            cues[0].lines[0] = cues[0].lines[0][len(label) + 1:]
            cues[0].labels = [label]
        if not cue_issues(cues, profile):
            return cues
    return None


def _can_merge(a: Group, b: Group, boundaries) -> bool:
    return (
        a.speaker == b.speaker
        and b.start - a.end <= MERGE_GAP
        and len(a.sentences) + len(b.sentences) <= MAX_MERGED_SENTENCES
        and not any(a.end - 1e-6 <= t <= b.start + 1e-6 or a.start < t < b.end for t in boundaries)
    )


def _merged(a: Group, b: Group, joiner: str) -> Group:
    return Group(a.sentences + b.sentences, a.start, b.end, joiner.join(x for x in (a.text, b.text) if x),
                 a.speaker, b.limit, a.previous_speaker)


def linger_limit(sentences: list[Sentence], index: int, profile: Profile, boundaries) -> float:
    """How late sentence `index`'s text may stay up: max_linger after it, never into
    the next sentence (keeping min_gap) nor across a chapter boundary."""
    end = sentences[index].end
    limit = end + profile.max_linger
    if index + 1 < len(sentences):
        following = sentences[index + 1].start
        limit = min(limit, following - profile.min_gap if following - end >= profile.min_gap else end)
    for b in boundaries:
        if end - 1e-6 <= b < limit:
            limit = min(limit, b)
    return max(end, limit)


def layout_translations(
    sentences: list[Sentence],
    translations: list[str],
    profile: Profile,
    language: str,
    boundaries=(),
    previous_speaker: str | None = None,
) -> tuple[list[Cue], list[Group]]:
    """Cues for the translations; also the groups (which sentences each cue run covers).

    `previous_speaker` is who spoke before the first sentence. The returned cues may
    join two groups' cues in a dialogue cue; the groups list their cues before that."""
    boundaries = sorted(float(b) for b in boundaries)
    joiner = word_joiner(language)
    groups: list[Group] = []
    for index, (sentence, text) in enumerate(zip(sentences, translations)):
        limit = linger_limit(sentences, index, profile, boundaries)
        before = sentences[index - 1].speaker if index else previous_speaker
        group = _layout(Group([index], sentence.start, sentence.end, text.strip(), sentence.speaker, limit, before),
                        profile, language, boundaries)
        if groups and (group.problems or groups[-1].problems) and _can_merge(groups[-1], group, boundaries):
            merged = _layout(_merged(groups[-1], group, joiner), profile, language, boundaries)
            if merged.problems < groups[-1].problems + group.problems:
                groups[-1] = merged
                continue
        groups.append(group)
    cues: list[Cue] = []
    for group in groups:
        if cues and group.cues:
            _settle_gap(cues[-1], group.cues[0], profile)
        cues.extend(group.cues)
    cues, _ = join_dialogues(cues, profile, boundaries, previous_speaker, extend=False)
    return cues, groups


def _settle_gap(previous: Cue, cue: Cue, profile: Profile) -> None:
    """Between two groups: chain the cues (no gap) or keep at least min_gap, shortening
    the earlier cue (never moving either outside its span)."""
    gap = cue.start - previous.end
    if gap <= 1e-6 or gap >= profile.min_gap - 1e-6:
        return
    shortened = max(previous.start, cue.start - profile.min_gap)
    original = previous.end
    previous.end = shortened
    if cue_issues([previous], profile):
        previous.end = cue.start  # shortening would make it too fast to read: chain instead
        if cue_issues([previous], profile):
            previous.end = original

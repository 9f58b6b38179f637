"""Timed words to caption cues under reading rules.

`segment` chooses where cues end by dynamic programming over the gaps between
words: each possible cue (a run of words) costs a constant, plus the
linguistic cost of ending there (cheap at sentence ends and pauses, dear
between an article and its noun), plus its best line layout, plus penalties for
reading speed above the target, for a pause shown inside it and for very short
cues. Breaking the hard rules (line length, lines, reading speed, duration)
costs so much that it happens only when no legal cue exists; the function then
names the cue and the rule in a RuleIssue.

Cue times stay tied to the words: a cue starts with its first word (up to
`sync_lead` earlier only when it needs the time), ends with its last word plus
up to `max_linger`, and is extended further only into free silence and only as
far as `min_duration` and `target_cps` (or a lower `max_cps`) ask. Consecutive cues are either chained
(no gap) or at least `min_gap` apart. All times are whole milliseconds.

Speakers: a change of `Word.speaker` always starts a new cue, and that cue
shows a label before its first line in the profile's `speaker_labels` style
(captioner/formats/labels.py). The label is laid out as part of the first word (it
never sits on a line of its own), so it counts toward line length and reading
speed; if the cue still breaks the reading speed, a name gives way to ``>>``.
Two short turns by different speakers that would each make a too-short or very
short cue share one dialogue cue, a turn a line (`join_dialogues`).
"""
from __future__ import annotations

import dataclasses
import math
from bisect import bisect_right
from collections.abc import Iterable, Sequence

from captioner.captions.linebreak import (
    COST_DEFAULT,
    _ends_sentence,
    balance_cost,
    boundary_costs,
    layout_tokens,
    lines_from_breaks,
    separators,
    tokenize,
)
from captioner.captions.qc import cue_issues, cue_problems, visible
from captioner.captions.rules import Profile, RuleIssue, get_profile
from captioner.errors import CaptionerError
from captioner.formats.labels import change_labels, dialogue_labels, labelled, line_speakers
from captioner.lang import is_unspaced
from captioner.model import Cue, CueTrack, Transcript, Word

INF = float("inf")
HARD = 1000.0  # cost of breaking a hard rule: paid only when no legal cue exists
CUE_COST = 2.0  # every cue: favours full cues over many small ones
TWO_LINES_COST = 0.5  # one line when it fits
SHORT_CUE_FRACTION = 0.4  # cues shorter than this part of a line are penalised...
SHORT_CUE_COST = 2.0  # ...unless pauses or sentence ends isolate them
FRAGMENT_CHARS = 12  # a sentence's head or tail shorter than this should not be cut off
HEAD_COST = 3.0
TAIL_COST = 4.0
PAUSE_BONUS = 1.0  # ending a cue at a pause is better than not
INNER_PAUSE_COST = 2.0  # a pause shown inside a cue, plus INNER_PAUSE_PER_S for each second over the threshold
INNER_PAUSE_PER_S = 3.0
OVER_TARGET_COST = 0.3  # per character/s above target_cps
FILL_COST = 3.0  # times (1 - fill)^2: convex, so a long sentence is split into even cues
SPILL_COST = 6.0  # a cue that finishes one sentence, starts another and cuts it off
DIALOGUE_SHORT_SECONDS = 1.25  # a turn whose own cue is on screen less than this is short


@dataclasses.dataclass
class _Timing:
    """Profile times in whole milliseconds, rounded so that rules hold exactly."""

    min_gap: int
    min_duration: int
    max_duration: int
    lead: int
    linger: int
    pause: int

    @classmethod
    def of(cls, profile: Profile) -> "_Timing":
        def up(x: float) -> int:
            return math.ceil(x * 1000 - 1e-6)

        def down(x: float) -> int:
            return math.floor(x * 1000 + 1e-6)

        return cls(
            min_gap=up(profile.min_gap),
            min_duration=up(profile.min_duration),
            max_duration=down(profile.max_duration),
            lead=down(profile.sync_lead),
            linger=down(profile.max_linger),
            pause=round(profile.pause_threshold * 1000),
        )


def _ms(value: float, what: str) -> int:
    if not math.isfinite(value):
        raise CaptionerError(f"{what} has no valid time ({value}); re-run speech recognition")
    return round(value * 1000)


def segment(
    words: Sequence[Word],
    profile: Profile,
    boundaries: Iterable[float] = (),
    previous_speaker: str | None = None,
) -> tuple[list[Cue], list[RuleIssue]]:
    """Cut timed words into cues that obey `profile`; issues name any cue that cannot.

    `boundaries` are times (chapter starts, speaker turns) that no cue may straddle;
    a change of `Word.speaker` also starts a new cue, labelled as the profile's
    `speaker_labels` says. `previous_speaker` is who spoke just before these words
    (a label is shown only where the speaker changes). Words are expected in time
    order (a start earlier than the previous word's is moved up to it); words with
    empty text are dropped, words holding spaces are split into parts. The
    language comes from `profile.language` (None: English).
    """
    words = _split_words(words)
    if not words:
        return [], []
    tm = _Timing.of(profile)
    language = profile.language or "en"
    options = _label_options(words, profile, previous_speaker)
    choice = [0] * len(words)
    while True:
        labels = [opts[c] if opts else "" for opts, c in zip(options, choice)]
        speech = _Speech.prepare(words, language, boundaries, labels)
        spans = _best_spans(speech, profile, tm)
        cues = _timed_cues(speech, spans, profile, tm)
        cues, groups = join_dialogues(cues, profile, boundaries, previous_speaker,
                                      speech_ends=[speech.e[j - 1] / 1000 for _, j in spans])
        cue_spans = [(spans[g[0]][0], spans[g[-1]][1]) for g in groups]
        issues = cue_issues(cues, profile)
        shorter = False
        for issue in issues:  # a name that makes its cue too fast to read gives way to a shorter label
            first = cue_spans[issue.cue_index][0]
            if issue.rule in ("max_cps", "min_duration") and labels[first] and choice[first] + 1 < len(options[first]):
                choice[first] += 1
                shorter = True
        if not shorter:
            break
    issues = _explain(issues, cue_spans, speech)
    return cues, issues


def _label_options(words: list[Word], profile: Profile, previous_speaker: str | None) -> list[list[str]]:
    """Per word: the labels it may show, best first; empty where the speaker does not change
    (or no label fits on a line with the word)."""
    options = []
    before = previous_speaker
    for w in words:
        if w.speaker is not None and w.speaker != before:
            candidates = change_labels(w.speaker, profile.speaker_labels)
            options.append([x for x in candidates if len(x) + 1 + len(w.text) <= profile.max_chars_per_line])
        else:
            options.append([])
        before = w.speaker
    return options


@dataclasses.dataclass
class _Speech:
    """Words ready for segmentation: times in ms, blocks no cue may leave, text measures.

    `texts` are the words as laid out: a word that starts a speaker's turn carries its
    label glued to it ("MARIA: Good"), so that the label is measured and never left
    alone on a line; `spoken` are the words alone."""

    texts: list[str]
    spoken: list[str]
    labels: list[str]  # label glued to each word, "" for none
    speakers: list[str | None]
    s: list[int]  # start, ms, never before the previous word's start
    e: list[int]  # end, ms, never before the start
    block_of: list[int]  # block number of each word
    block_start: list[int]  # index of the first word of each word's block
    block_lo: list[float]  # per block: the boundary before it (ms) or -inf
    block_hi: list[float]  # per block: the boundary after it (ms) or inf
    seps: list[str]  # text between word k-1 and word k
    sep_len: list[int]  # its length, 0 at a block start
    lengths: list[int]
    prefix: list[int]  # prefix[k]: characters of words[:k] with separators; span(i, j) = prefix[j]-prefix[i]-sep_len[i]
    ling: list[float]  # linguistic cost of a break before word k
    ends: list[bool]  # word ends a sentence
    language: str

    @classmethod
    def prepare(cls, words: list[Word], language: str, boundaries: Iterable[float],
                labels: list[str] | None = None) -> "_Speech":
        n = len(words)
        spoken = [w.text for w in words]
        labels = labels or [""] * n
        texts = [labelled(label, text) for label, text in zip(labels, spoken)]
        s = [0] * n
        e = [0] * n
        previous_start = -(10**12)
        for i, w in enumerate(words):
            s[i] = max(_ms(w.start, f"word {i + 1} ({spoken[i]!r})"), previous_start)
            e[i] = max(_ms(w.end, f"word {i + 1} ({spoken[i]!r})"), s[i])
            previous_start = s[i]
        hard_times = sorted({_ms(b, "a boundary") for b in boundaries})

        block_of = [0] * n
        block_start = [0] * n
        block_lo: list[float] = []
        block_hi: list[float] = []
        for i in range(n):
            slot = bisect_right(hard_times, s[i])
            if i == 0 or words[i].speaker != words[i - 1].speaker or slot != bisect_right(hard_times, s[i - 1]):
                block_lo.append(hard_times[slot - 1] if slot else -INF)
                block_hi.append(hard_times[slot] if slot < len(hard_times) else INF)
                block_start[i] = i
            else:
                block_start[i] = block_start[i - 1]
            block_of[i] = len(block_lo) - 1

        seps = separators(spoken, language)
        sep_len = [0 if block_start[i] == i else len(seps[i]) for i in range(n)]
        lengths = [len(t) for t in texts]
        prefix = [0] * (n + 1)
        for i in range(n):
            prefix[i + 1] = prefix[i] + lengths[i] + sep_len[i]
        return cls(
            texts=texts,
            spoken=spoken,
            labels=labels,
            speakers=[w.speaker for w in words],
            s=s,
            e=e,
            block_of=block_of,
            block_start=block_start,
            block_lo=block_lo,
            block_hi=block_hi,
            seps=seps,
            sep_len=sep_len,
            lengths=lengths,
            prefix=prefix,
            ling=boundary_costs(spoken, language),
            ends=[_ends_sentence(t) for t in spoken],
            language=language,
        )

    def pauses(self, threshold: int) -> tuple[list[int], list[bool]]:
        """Pause before each word (ms), and whether it is a gap heard between the words.

        Whisper often folds a pause into the duration of the word before or after
        it, so half of an implausibly long neighbour counts as pause too.
        """
        n = len(self.texts)
        s, e = self.s, self.e
        ms_per_char = 220 if is_unspaced(self.language) else 90
        excess = [max(0, (e[i] - s[i]) - (150 + ms_per_char * len(self.spoken[i]))) for i in range(n)]
        pause = [0] * (n + 1)
        heard = [False] * (n + 1)
        for k in range(1, n):
            gap = max(0, s[k] - e[k - 1])
            pause[k] = gap + max(excess[k - 1], excess[k]) // 2
            heard[k] = gap >= threshold
        return pause, heard


def _end_costs(sp: _Speech, tm: _Timing) -> tuple[list[float], list[float], list[bool]]:
    """Per gap k (before word k): the cost of a cue ending there; prefix sums of the cost of a
    cue running on through a pause there; whether there is a pause."""
    n = len(sp.texts)
    pause, heard = sp.pauses(tm.pause)
    is_pause = [tm.pause > 0 and p >= tm.pause for p in pause]
    ends, lengths, sep_len, block_start, block_of = sp.ends, sp.lengths, sp.sep_len, sp.block_start, sp.block_of
    head = [0] * n  # characters from the sentence start to the end of word i
    for i in range(n):
        fresh = block_start[i] == i or ends[i - 1]
        head[i] = lengths[i] + (0 if fresh else head[i - 1] + sep_len[i])
    tail = [0] * n  # characters from word i to its sentence end
    for i in range(n - 1, -1, -1):
        last = i == n - 1 or block_of[i + 1] != block_of[i] or ends[i]
        tail[i] = lengths[i] + (0 if last else tail[i + 1] + sep_len[i + 1])

    end_cost = [0.0] * (n + 1)
    inner_prefix = [0.0] * (n + 1)
    for k in range(1, n):
        inner = 0.0
        if block_start[k] == k:
            cost = 0.0
        elif is_pause[k]:
            if heard[k]:
                cost = sp.ling[k] * 0.2 - PAUSE_BONUS
            else:  # which side of a long word the pause is on is a guess
                cost = sp.ling[k] * 0.6 - PAUSE_BONUS / 2
            inner = INNER_PAUSE_COST + INNER_PAUSE_PER_S * (pause[k] - tm.pause) / 1000
        else:
            cost = sp.ling[k]
            if not ends[k - 1]:
                if tail[k] < FRAGMENT_CHARS:
                    cost += TAIL_COST
                if head[k - 1] < FRAGMENT_CHARS:
                    cost += HEAD_COST
        end_cost[k] = cost
        inner_prefix[k] = inner_prefix[k - 1] + inner
    if n > 1:
        inner_prefix[n] = inner_prefix[n - 1]
    return end_cost, inner_prefix, is_pause


def _line_reach(sp: _Speech, max_chars: int) -> tuple[list[int], list[int]]:
    """line_hi[i]: the furthest k with words[i:k] on one line (i if word i alone is too long);
    line_lo[j]: the nearest k with words[k:j] on one line. Two pointers, within blocks."""
    n = len(sp.texts)
    prefix, sep_len, block_of = sp.prefix, sp.sep_len, sp.block_of
    line_hi = [0] * n
    k = 0
    for i in range(n):
        k = max(k, i + 1)
        while k < n and block_of[k] == block_of[i] and prefix[k + 1] - prefix[i] - sep_len[i] <= max_chars:
            k += 1
        line_hi[i] = k if sp.lengths[i] <= max_chars else i
    line_lo = [0] * (n + 1)
    k = 0
    for j in range(1, n + 1):
        k = max(k, sp.block_start[j - 1])
        while k < j - 1 and prefix[j] - prefix[k] - sep_len[k] > max_chars:
            k += 1
        line_lo[j] = k
    return line_hi, line_lo


def _best_spans(sp: _Speech, profile: Profile, tm: _Timing) -> list[tuple[int, int]]:
    """The cheapest cut of the words into cues, as (first, after-last) word index pairs."""
    n = len(sp.texts)
    end_cost, inner_prefix, is_pause = _end_costs(sp, tm)
    max_chars, max_lines = profile.max_chars_per_line, profile.max_lines
    line_hi, line_lo = _line_reach(sp, max_chars)
    s, e, prefix, sep_len, ling, ends = sp.s, sp.e, sp.prefix, sp.sep_len, sp.ling, sp.ends
    block_start, block_of, block_hi = sp.block_start, sp.block_of, sp.block_hi
    if profile.count_spaces_and_punctuation:
        reading_prefix = prefix
    else:
        reading_prefix = [0] * (n + 1)
        for i, text in enumerate(sp.texts):
            reading_prefix[i + 1] = reading_prefix[i] + sum(ch.isalnum() for ch in text)
    sentence_ends = [0] * (n + 1)  # sentence-ending words before word k
    for i in range(n):
        sentence_ends[i + 1] = sentence_ends[i] + ends[i]
    capacity = max_lines * max_chars + (max_lines - 1)
    full_width = max_lines * max_chars
    short_chars = SHORT_CUE_FRACTION * max_chars
    min_dur, max_dur = tm.min_duration, tm.max_duration
    max_cps, target_cps = profile.max_cps, min(profile.target_cps, profile.max_cps)

    best = [INF] * (n + 1)
    back = [0] * (n + 1)
    best[0] = 0.0
    for j in range(1, n + 1):
        b0 = block_start[j - 1]
        limit = min(s[j] if j < n else INF, block_hi[block_of[j - 1]])
        end_isolated = j == n or block_start[j] == j or is_pause[j] or ends[j - 1]
        base_j = CUE_COST + (end_cost[j] if j < n else 0.0)
        e_last = e[j - 1]
        best_j = INF
        back_j = j - 1
        for i in range(j - 1, b0 - 1, -1):
            single = i == j - 1
            width = prefix[j] - prefix[i] - sep_len[i]
            if not single and (width > capacity or e_last - s[i] > max_dur):
                break
            cost = best[i] + base_j
            if not single:
                cost += inner_prefix[j - 1] - inner_prefix[i]
                if not ends[j - 1] and sentence_ends[j - 1] > sentence_ends[i]:
                    cost += SPILL_COST
            if width > max_chars:
                if single:
                    cost += HARD  # one word longer than a line: reported as an issue
                elif max_lines < 2:
                    continue
                else:
                    layout = INF
                    for k in range(max(line_lo[j], i + 1), min(line_hi[i], j - 1) + 1):
                        top = prefix[k] - prefix[i] - sep_len[i]
                        bottom = width - top - sep_len[k]
                        if top <= max_chars and bottom <= max_chars:
                            c = ling[k] + balance_cost(top, bottom, max_chars)
                            if c < layout:
                                layout = c
                    if layout == INF:
                        if max_lines < 3:
                            continue
                        # Three or more lines (a rare override): greedy filling tells whether
                        # they fit; the exact layout is chosen once the cue is.
                        a, count = i, 0
                        while a < j and count <= max_lines and line_hi[a] > a:
                            a = line_hi[a]
                            count += 1
                        if a < j or count > max_lines:
                            continue
                        layout = COST_DEFAULT * (count - 2)
                    cost += layout + TWO_LINES_COST
            start = s[i]
            avail = (limit if limit < start + max_dur else start + max_dur) - start
            chars = reading_prefix[j] - reading_prefix[i] - (sep_len[i] if reading_prefix is prefix else 0)
            if avail <= 0:
                cost += HARD * 3
            else:
                if avail < min_dur:
                    cost += HARD * (1 + (min_dur - avail) / min_dur)
                cps = chars * 1000 / avail
                if cps > max_cps:
                    cost += HARD * (1 + (cps - max_cps) / max_cps)
                elif cps > target_cps:
                    cost += OVER_TARGET_COST * (cps - target_cps)
            isolated = end_isolated and (i == b0 or is_pause[i] or ends[i - 1])
            if chars < short_chars and not isolated:
                cost += SHORT_CUE_COST * (1 - chars / short_chars)
            empty = 1 - width / full_width if width < full_width else 0.0
            cost += (FILL_COST / 2 if isolated else FILL_COST) * empty * empty
            if cost < best_j:
                best_j = cost
                back_j = i
        best[j] = best_j
        back[j] = back_j

    spans = []
    j = n
    while j > 0:
        spans.append((back[j], j))
        j = back[j]
    spans.reverse()
    return spans


def _split_words(words: Sequence[Word]) -> list[Word]:
    """Drop empty words; a word holding spaces (e.g. a multi-word glossary term) becomes one
    word per part, with times shared out by length, so that lines can break between them.
    Direction marks go (the subtitle writers put them where a right-to-left line needs them):
    counted, they would make a cue look longer than what it shows."""
    out = []
    for w in words:
        parts = [p for p in map(visible, w.text.split()) if p] if w.text else []
        if len(parts) == 1:
            out.append(w if w.text == parts[0] else dataclasses.replace(w, text=parts[0]))
        elif parts:
            total = sum(len(p) + 1 for p in parts)
            acc = 0
            span = w.end - w.start
            for part in parts:
                start = w.start + span * acc / total
                acc += len(part) + 1
                end = w.start + span * acc / total
                out.append(dataclasses.replace(w, text=part, start=start, end=end))
    return out


def _timed_cues(sp: _Speech, spans: list[tuple[int, int]], profile: Profile, tm: _Timing) -> list[Cue]:
    """Times for each cue: see the module docstring."""
    n = len(sp.texts)
    s, e = sp.s, sp.e
    cues: list[Cue] = []
    prev_end: int | None = None
    for i, j in spans:
        lines = _layout(sp, i, j, profile)
        chars = profile.reading_chars(lines)
        need = max(tm.min_duration, math.ceil(chars * 1000 / min(profile.target_cps, profile.max_cps)))
        need_hard = max(tm.min_duration, math.ceil(chars * 1000 / profile.max_cps))
        block = sp.block_of[i]
        hard_lo, hard_hi = sp.block_lo[block], sp.block_hi[block]
        e_last = e[j - 1]
        next_start = s[j] if j < n else INF
        free_hi = min(hard_hi, next_start - tm.min_gap)  # latest end that leaves a legal gap

        def choose_end(start: int) -> int:
            desired = min(max(e_last + tm.linger, start + need), start + tm.max_duration)
            if desired <= free_hi:
                return desired
            can_chain = next_start <= hard_hi and next_start - start <= tm.max_duration
            if can_chain and (free_hi - start < need_hard or free_hi < e_last):
                return next_start  # chained: no gap rather than too short a cue or one cut off
            return max(free_hi, start)

        start = s[i]
        end = choose_end(start)
        shortfall = need_hard - (end - start)
        if shortfall > 0 and tm.lead > 0:
            lead_lo = max(s[i] - tm.lead, hard_lo, 0)
            target = max(lead_lo, start - shortfall)
            if prev_end is not None and target < prev_end + tm.min_gap:
                target = prev_end if prev_end >= lead_lo else prev_end + tm.min_gap
            if target < start:
                start = target
                end = choose_end(start)
        label = sp.labels[i]
        if label:  # laid out glued to the first word: "MARIA: Good ..."
            lines[0] = lines[0][len(label) + 1:]
        cues.append(Cue(start=start / 1000, end=end / 1000, lines=lines, speaker=sp.speakers[i],
                        labels=[label] if label else []))
        prev_end = end
    return cues


def _layout(sp: _Speech, i: int, j: int, profile: Profile) -> list[str]:
    tokens = sp.texts[i:j]
    local_seps = [""] + sp.seps[i + 1 : j]
    result = layout_tokens(
        [len(t) for t in tokens],
        [len(x) for x in local_seps],
        [0.0] + sp.ling[i + 1 : j] + [0.0],
        profile.max_chars_per_line,
        profile.max_lines,
    )
    if result is None:  # a word longer than a line: it is reported
        return ["".join(sep + tok for sep, tok in zip(local_seps, tokens))]
    return lines_from_breaks(tokens, local_seps, result[1])


def _explain(issues: list[RuleIssue], spans: list[tuple[int, int]], sp: _Speech) -> list[RuleIssue]:
    """Say why the segmenter could not avoid each broken rule."""
    for issue in issues:
        i, j = spans[issue.cue_index]
        if issue.rule == "max_chars_per_line" and j - i == 1:
            issue.detail += f" (the word {sp.spoken[i]!r} alone is longer than a line)"
        elif issue.rule in ("max_cps", "min_duration"):
            issue.detail += " (the speech around it is faster than any legal cue allows)"
    return issues


def join_dialogues(
    cues: list[Cue],
    profile: Profile,
    boundaries: Iterable[float] = (),
    previous_speaker: str | None = None,
    speech_ends: Sequence[float] | None = None,
    extend: bool = True,
) -> tuple[list[Cue], list[list[int]]]:
    """Two short turns by different speakers in one dialogue cue, a turn a line (Netflix SDH).

    Cues `a`, `b` are joined when each is a speaker's whole turn (the cue before `a`
    and the one after `b` are other speakers'), each turn is short (its cue breaks a
    rule, is on screen under DIALOGUE_SHORT_SECONDS, or holds under
    SHORT_CUE_FRACTION of a line), the pause between them is under the profile's
    pause threshold, each turn fits one line with its dialogue label, no boundary
    falls between them, and the joined cue obeys every rule. With the ``name`` style
    the lines keep the names ("- MARIA: ..."); plain hyphens are used only when the
    names would break a rule and a turn breaks one on its own. The joined cue runs
    from `a`'s start to `b`'s end, or later into free time when reading needs it
    (never past the next cue, a boundary, or `speech_ends[b]` plus `max_linger`
    unless reading needs it); with `extend` False it ends exactly where `b` did.
    Returns the cues and, per cue, the input indices it holds.
    """
    cuts = sorted(float(b) for b in boundaries)
    style = profile.speaker_labels
    joiner = "" if is_unspaced(profile.language) else " "
    short_chars = SHORT_CUE_FRACTION * profile.max_chars_per_line
    out: list[Cue] = []
    groups: list[list[int]] = []
    k = 0
    while k < len(cues):
        joined = None
        if k + 1 < len(cues) and profile.max_lines >= 2:
            before = (line_speakers(out[-1]) or [out[-1].speaker])[-1] if out else previous_speaker
            after = (line_speakers(cues[k + 2]) or [cues[k + 2].speaker])[0] if k + 2 < len(cues) else None
            joined = _dialogue(cues[k], cues[k + 1], before, after, cues[k + 2].start if k + 2 < len(cues) else None,
                               speech_ends[k + 1] if speech_ends is not None else None,
                               profile, style, joiner, short_chars, cuts, extend)
        if joined is not None:
            out.append(joined)
            groups.append([k, k + 1])
            k += 2
        else:
            out.append(cues[k])
            groups.append([k])
            k += 1
    return out, groups


def _dialogue(a: Cue, b: Cue, before: str | None, after: str | None, next_start: float | None,
              speech_end: float | None, profile: Profile, style: str, joiner: str, short_chars: float,
              cuts: list[float], extend: bool) -> Cue | None:
    if a.speakers or b.speakers or a.speaker is None or b.speaker is None or a.speaker == b.speaker:
        return None
    if before == a.speaker or after == b.speaker:
        return None  # not whole turns
    if b.start - a.end > profile.pause_threshold + 1e-9:
        return None
    broken = [bool(cue_problems(c, profile)) for c in (a, b)]

    def short(cue: Cue) -> bool:
        speech = profile.reading_chars([joiner.join(cue.lines)])
        return cue.duration < DIALOGUE_SHORT_SECONDS or speech < short_chars

    if not all(bad or short(c) for bad, c in zip(broken, (a, b))):
        return None
    texts = [joiner.join(line.strip() for line in c.lines) for c in (a, b)]
    options = list(zip(dialogue_labels(a.speaker, style), dialogue_labels(b.speaker, style)))
    # Names are kept ("- MARIA: ...") unless the cue cannot obey the rules with them;
    # then plain hyphens, but only to mend turns that break a rule on their own.
    for level, labels in enumerate(options):
        if level and not any(broken):
            break
        if any(len(label) + 1 + len(text) > profile.max_chars_per_line for label, text in zip(labels, texts)):
            continue
        cue = _timed_dialogue(a, b, texts, list(labels), next_start, speech_end, profile, cuts, extend)
        if not any(cue.start + 1e-6 < t < cue.end - 1e-6 for t in cuts) and not cue_problems(cue, profile):
            return cue
    return None


def _timed_dialogue(a: Cue, b: Cue, texts: list[str], labels: list[str], next_start: float | None,
                    speech_end: float | None, profile: Profile, cuts: list[float], extend: bool) -> Cue:
    """From `a`'s start to `b`'s end, or on into free time as far as reading needs."""
    cue = Cue(a.start, b.end, texts, speaker=a.speaker, speakers=[a.speaker, b.speaker], labels=labels)
    chars = profile.reading_chars([labelled(x, t) for x, t in zip(labels, texts)])
    need = max(profile.min_duration, chars / min(profile.target_cps, profile.max_cps))
    latest = min(a.start + need, a.start + profile.max_duration)
    if next_start is not None:
        latest = min(latest, next_start - profile.min_gap)
    for t in cuts:
        if t > b.start + 1e-6:
            latest = min(latest, t)
            break
    cue.end = max(b.end, math.floor(latest * 1000 + 1e-6) / 1000) if extend else b.end
    if speech_end is not None:  # no longer than its speech plus linger, or what reading needs
        cap = max(speech_end + profile.max_linger, min(a.start + need, a.start + profile.max_duration))
        cue.end = max(min(cue.end, math.floor(cap * 1000 + 1e-6) / 1000), a.start)
        if next_start is not None and 1e-6 < next_start - cue.end < profile.min_gap - 1e-6:
            cue.end = (next_start if next_start <= cap + profile.min_gap
                       else math.floor((next_start - profile.min_gap) * 1000 + 1e-6) / 1000)
    return cue


def layout_text_in_span(
    text: str,
    start: float,
    end: float,
    profile: Profile,
    language: str | None = None,
    boundaries: Iterable[float] = (),
    speaker: str | None = None,
    previous_speaker: str | None = None,
) -> list[Cue]:
    """Cut untimed text (e.g. a translated sentence) into cues inside [start, end].

    Words get times in proportion to their characters; cues then follow the same
    rules and costs as `segment`, never leaving the span or straddling `boundaries`.
    The text is `speaker`'s; the first cue is labelled when `previous_speaker` differs.
    """
    if language is not None and language != profile.language:
        profile = dataclasses.replace(profile, language=language)
    tokens = tokenize(text, profile.language)
    if not tokens:
        return []
    weights = [len(t) + 1 for t in tokens]
    total = sum(weights)
    span = max(0.0, end - start)
    words = []
    acc = 0
    for token, weight in zip(tokens, weights):
        t0 = start + span * acc / total
        acc += weight
        words.append(Word(text=token, start=t0, end=start + span * acc / total, speaker=speaker))
    cues, _ = segment(words, profile, [*boundaries, start, end], previous_speaker)
    return cues


def make_captions(
    transcript: Transcript,
    profile: Profile | None = None,
    boundaries: Iterable[float] = (),
) -> tuple[CueTrack, list[RuleIssue]]:
    """The source-language caption track of a transcript; chapter starts are cue boundaries."""
    if profile is None:
        profile = get_profile(None, transcript.language)
    elif profile.language is None:
        profile = dataclasses.replace(profile, language=transcript.language)
    hard = [c.start for c in transcript.chapters] + list(boundaries)
    cues, issues = segment(transcript.words, profile, hard)
    return CueTrack(language=transcript.language, cues=cues), issues

"""Property-based tests of the segmenter: for any timed words, every cue obeys every rule or an
issue names the cue and the rule; words are kept in order exactly once; times stay tied to speech;
a speaker change always starts a cue (or a dialogue line) and is labelled exactly there."""
import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from captioner.captions.rules import Profile, get_profile
from captioner.captions.segment import segment
from captioner.formats.labels import LABEL_STYLES
from captioner.model import Word
from tests.support.captions import allowed_end, cue_word_spans, on_screen, tokens_of_cues, tokens_of_words

MS = 0.0011  # caption times are whole milliseconds

VOCABULARY = (
    "the a an of to and in on for with we will border officers information sharing cooperation "
    "Maria Fernandez United Nations INTERPOL HOTSPOT is are have been can not what your country "
    "Accra Initiative Western Balkans questions answers thank you very much today".split()
)
PUNCTUATION = ["", "", "", "", ",", ".", "?", "!", ";", ":"]
SPEAKERS = [None, "Ana", "Ben", "María José Fernández-López", "Speaker 1", "عمر الفاروق"]


def independent_violations(cues, profile: Profile) -> set[tuple[int, str]]:
    """The reading rules, written again here rather than taken from captioner.captions.qc."""
    found = set()
    for k, cue in enumerate(cues):
        duration = cue.end - cue.start
        lines = on_screen(cue)
        chars = sum(len(line) for line in lines)
        if not any(line.strip() for line in lines):
            found.add((k, "empty_text"))
        if any(len(line) > profile.max_chars_per_line for line in lines):
            found.add((k, "max_chars_per_line"))
        if len(cue.lines) > profile.max_lines:
            found.add((k, "max_lines"))
        if duration < profile.min_duration - MS:
            found.add((k, "min_duration"))
        if duration > profile.max_duration + MS:
            found.add((k, "max_duration"))
        if chars and chars / (max(duration, 0) + MS) > profile.max_cps:
            found.add((k, "max_cps"))
        if k:
            gap = cue.start - cues[k - 1].end
            if gap < -MS:
                found.add((k, "overlap"))
            elif MS < gap < profile.min_gap - MS:
                found.add((k, "min_gap"))
    return found


def check_segmentation(words, profile, boundaries, cues, issues):
    # every word once, in order
    assert tokens_of_cues(cues) == tokens_of_words(words)
    # every broken rule is named, with its cue
    named = {(i.cue_index, i.rule) for i in issues}
    assert independent_violations(cues, profile) <= named
    # ...and nothing is named that the segmenter can always avoid
    assert {i.rule for i in issues} <= {"max_chars_per_line", "max_cps", "min_duration", "min_gap"}
    for issue in issues:
        if issue.rule == "max_chars_per_line":  # only a word that alone is longer than a line
            assert len(cues[issue.cue_index].lines) == 1
            assert len(cues[issue.cue_index].lines[0].split()) == 1
    # in order, never overlapping
    for a, b in zip(cues, cues[1:]):
        assert a.start <= a.end + MS
        assert b.start >= a.end - 1e-9
    # tied to the words: no early start beyond the lead, no late end beyond linger / reading needs
    spoken = [w for w in words if tokens_of_words([w])]
    token_speakers = [w.speaker for w in spoken for _ in tokens_of_words([w])]
    t = 0
    for cue, (i, j) in zip(cues, cue_word_spans(cues, words)):
        assert cue.start >= spoken[i].start - profile.sync_lead - MS
        assert cue.end <= allowed_end(cue, spoken[i:j], profile) + MS
        assert cue.speaker == spoken[i].speaker
        # each line is one speaker's: a speaker change starts a new cue or a dialogue line
        line_speakers = cue.speakers or [cue.speaker] * len(cue.lines)
        shown = [who for line, who in zip(cue.lines, line_speakers) for _ in line.split()]
        assert token_speakers[t:t + len(shown)] == shown
        t += len(shown)
    check_labels(cues, profile)
    # no cue straddles a boundary
    for b in boundaries:
        for cue in cues:
            assert not (cue.start < b - MS and cue.end > b + MS), (b, cue)


def check_labels(cues, profile: Profile, previous=None):
    """Labels exactly where the speaker changes, in the profile's style; dialogue cues well formed."""
    style = profile.speaker_labels
    after_dialogue = False
    for cue in cues:
        if after_dialogue:  # a dialogue cue holds whole turns: its last speaker does not go on
            assert (cue.speakers or [cue.speaker])[0] != previous, cue
        after_dialogue = bool(cue.speakers)
        if cue.speakers:  # a dialogue cue: two whole turns of two speakers, a hyphen (or >>) a line
            assert len(cue.lines) == len(cue.speakers) == len(cue.labels) == 2
            assert None not in cue.speakers and cue.speakers[0] != cue.speakers[1]
            assert cue.speakers[0] != previous  # whole turns: the first line starts one
            for who, label in zip(cue.speakers, cue.labels):
                name = " ".join(who.split()).upper()
                expected = {"name": (f"- {name}:", "-"), "chevrons": (">>",), "none": ("-",)}[style]
                assert label in expected, (style, label)
            assert all(len(line) <= profile.max_chars_per_line for line in on_screen(cue))
            previous = cue.speakers[-1]
            continue
        change = cue.speaker is not None and cue.speaker != previous
        label = cue.labels[0] if cue.labels else ""
        assert len(cue.labels) <= 1
        if not change or style == "none":
            assert label == "", (previous, cue)
        else:
            name = " ".join(cue.speaker.split()).upper()
            allowed = (f"{name}:", ">>") if style == "name" else (">>",)
            first = cue.lines[0].split()[0] if cue.lines and cue.lines[0].split() else ""
            if label:
                assert label in allowed, (label, cue)
            else:  # only when not even ">>" fits on a line with the first word
                assert len(first) + 3 > profile.max_chars_per_line, cue
        previous = cue.speaker


@st.composite
def adversarial_words(draw):
    count = draw(st.integers(0, 60))
    words = []
    t = draw(st.floats(0, 5))
    speaker = None
    for _ in range(count):
        kind = draw(st.sampled_from(["vocab", "vocab", "vocab", "random", "long"]))
        if kind == "vocab":
            text = draw(st.sampled_from(VOCABULARY)) + draw(st.sampled_from(PUNCTUATION))
        elif kind == "random":
            text = draw(st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=0, max_size=12))
        else:
            text = "x" * draw(st.integers(20, 70))
        t += draw(st.one_of(st.just(0.0), st.floats(0, 0.12), st.floats(0, 4)))
        duration = draw(st.one_of(st.just(0.0), st.floats(0, 0.05), st.floats(0.05, 2.5)))
        if draw(st.integers(0, 9)) == 0:
            speaker = draw(st.sampled_from(SPEAKERS))
        start = round(t, 3)
        words.append(Word(text=text, start=start, end=round(t + duration, 3), speaker=speaker))
        # sometimes the next word starts before this one ends (overlapping ASR times)
        t += duration * draw(st.sampled_from([1.0, 1.0, 1.0, 0.5, 0.0]))
    return words


@st.composite
def any_profile(draw):
    labels = draw(st.sampled_from(LABEL_STYLES))
    if draw(st.booleans()):
        return get_profile(draw(st.sampled_from(["netflix-en", "bbc", "cjk"])), "en", speaker_labels=labels)
    min_duration = draw(st.floats(0, 2))
    return get_profile(
        "netflix-en",
        "en",
        speaker_labels=labels,
        max_chars=draw(st.integers(8, 50)),
        max_lines=draw(st.integers(1, 3)),
        max_cps=draw(st.floats(5, 30)),
        min_duration=min_duration,
        max_duration=min_duration + draw(st.floats(0.5, 8)),
        min_gap=draw(st.floats(0, 0.3)),
        sync_lead=draw(st.floats(0, 0.3)),
        max_linger=draw(st.floats(0, 1.5)),
        target_cps=draw(st.floats(5, 30)),
    )


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(words=adversarial_words(), profile=any_profile(), data=st.data())
def test_any_words_give_legal_cues_or_named_issues(words, profile, data):
    end = max((w.end for w in words), default=1.0)
    boundaries = data.draw(st.lists(st.floats(0, end + 1), max_size=3))
    cues, issues = segment(words, profile, boundaries)
    check_segmentation(words, profile, boundaries, cues, issues)


def test_a_word_of_direction_marks_only_is_dropped_like_an_empty_one():
    # found by the property above: a word "\u200e" (left-to-right mark) became a cue with no text
    words = [Word(text="\u200e", start=0.0, end=0.0), Word(text="Welcome", start=0.2, end=0.7),
             Word(text="\u200f\u200e", start=0.7, end=0.8), Word(text="all.", start=0.8, end=1.3)]
    cues, issues = segment(words, get_profile("netflix-en"), [])
    assert [line for c in cues for line in c.lines] == ["Welcome all."] and issues == []


@st.composite
def realistic_speech(draw):
    """Speakers taking turns of several words at a human pace, with pauses and chapter starts."""
    words = []
    boundaries = []
    t = draw(st.floats(0, 3))
    for turn in range(draw(st.integers(1, 4))):
        speaker = draw(st.sampled_from(SPEAKERS))
        if turn and draw(st.booleans()):
            boundaries.append(round(t, 3))
        for position in range(draw(st.integers(6, 45))):
            text = draw(st.sampled_from(VOCABULARY)) + draw(st.sampled_from(PUNCTUATION))
            duration = (len(text) + 1) / draw(st.floats(8, 16))
            words.append(Word(text=text, start=round(t, 3), end=round(t + duration, 3), speaker=speaker))
            t += duration + draw(st.one_of(st.just(0.0), st.just(0.0), st.floats(0, 0.3), st.floats(0.3, 3)))
        t += draw(st.floats(0.2, 2))
    return words, boundaries


@settings(max_examples=150, deadline=None)
@given(speech=realistic_speech(), labels=st.sampled_from(LABEL_STYLES))
def test_realistic_speech_gives_only_legal_cues(speech, labels):
    words, boundaries = speech
    profile = get_profile("netflix-en", "en", speaker_labels=labels)
    cues, issues = segment(words, profile, boundaries)
    check_segmentation(words, profile, boundaries, cues, issues)
    assert issues == []
    assert independent_violations(cues, profile) == set()
    # cues start with their speech unless they need the lead
    for cue, (i, j) in zip(cues, cue_word_spans(cues, words)):
        assert cue.start <= words[i].start + 1e-9


@settings(max_examples=50, deadline=None)
@given(
    rate=st.floats(21, 80),
    count=st.integers(5, 40),
    data=st.data(),
)
def test_speech_faster_than_the_limit_is_named_not_hidden(rate, count, data):
    """Back-to-back speech above max_cps with no silence around it cannot be captioned legally."""
    profile = get_profile()
    words = []
    t = 0.0
    for _ in range(count):
        text = data.draw(st.sampled_from(VOCABULARY))
        duration = (len(text) + 1) / rate
        words.append(Word(text=text, start=t, end=t + duration))
        t += duration
    # another speaker follows at once, so there is no silence to borrow
    after = [Word("After", t, t + 5, speaker="Y"), Word("that.", t + 5, t + 10, speaker="Y")]
    cues, issues = segment(words + after, profile)
    check_segmentation(words + after, profile, [], cues, issues)
    chars = sum(len(w.text) + 1 for w in words) - 1
    if chars / max(t, 1e-9) > profile.max_cps * 1.05 + 1:
        assert any(i.rule in ("max_cps", "min_duration") for i in issues)
    assert math.isfinite(sum(c.end for c in cues))


@settings(max_examples=60, deadline=None)
@given(
    chunks=st.lists(
        st.tuples(st.text("我们今天讨论跨境合作和信息共享项目边境官员。，", min_size=1, max_size=6), st.floats(0.1, 1.5),
                  st.floats(0, 1)),
        min_size=1, max_size=50,
    )
)
def test_chinese_words_are_kept_whole_and_in_order(chunks):
    profile = get_profile(None, "zh")
    words = []
    t = 0.0
    for text, duration, gap in chunks:
        words.append(Word(text=text, start=round(t, 3), end=round(t + duration, 3)))
        t += duration + gap
    cues, issues = segment(words, profile)
    assert "".join(line for c in cues for line in c.lines) == "".join(w.text for w in words)
    named = {(i.cue_index, i.rule) for i in issues}
    assert independent_violations(cues, profile) <= named
    assert all(len(line) <= 16 for c in cues for line in c.lines) or any(i.rule == "max_chars_per_line" for i in issues)


@st.composite
def quick_exchanges(draw):
    """Short turns (one to five words) of speakers answering each other at a human pace."""
    words = []
    boundaries = []
    t = draw(st.floats(0, 3))
    speaker = None
    for turn in range(draw(st.integers(2, 8))):
        speaker = draw(st.sampled_from([s for s in SPEAKERS if s != speaker]))
        if turn and draw(st.integers(0, 5)) == 0:
            boundaries.append(round(t, 3))
        for _ in range(draw(st.integers(1, 5))):
            text = draw(st.sampled_from(VOCABULARY)) + draw(st.sampled_from(PUNCTUATION))
            duration = (len(text) + 1) / draw(st.floats(10, 18))
            words.append(Word(text=text, start=round(t, 3), end=round(t + duration, 3), speaker=speaker))
            t += duration
        t += draw(st.one_of(st.just(0.0), st.floats(0, 0.4), st.floats(0.4, 2)))
    return words, boundaries


@settings(max_examples=150, deadline=None)
@given(speech=quick_exchanges(), labels=st.sampled_from(LABEL_STYLES))
def test_quick_exchanges_give_legal_cues_dialogue_cues_or_named_issues(speech, labels):
    words, boundaries = speech
    profile = get_profile("netflix-en", "en", speaker_labels=labels)
    cues, issues = segment(words, profile, boundaries)
    check_segmentation(words, profile, boundaries, cues, issues)
    for cue in cues:
        if cue.speakers:  # a dialogue cue is only made when it obeys every rule
            assert not any(i.cue_index == cues.index(cue) for i in issues)

"""Who is speaking, in captions: labels at each speaker change (name, >>, none), WebVTT voice
spans, dialogue cues, labels counted by the reading rules, and translations keeping speakers."""
from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path

import pysrt
import pytest
import webvtt
from click.testing import CliRunner
from hypothesis import given, settings

from captioner.captions.qc import check_cues
from captioner.captions.rules import get_profile, profile_for_language
from captioner.captions.segment import join_dialogues, segment
from captioner.cli.captions import captions_command, qc_command
from captioner.errors import CaptionerError
from captioner.formats import read_captions
from captioner.formats.labels import LABEL_STYLES, shown_lines
from captioner.formats.srt import read_srt, write_srt
from captioner.formats.text import write_text
from captioner.formats.vtt import read_vtt, write_vtt
from captioner.model import Cue, CueTrack, Segment, Transcript, transcript_to_json
from captioner.translate.retime import layout_translations
from captioner.translate.sentences import Sentence
from captioner.translate.stage import speaker_turn_cues
from tests.captions.test_captions_properties import check_labels
from tests.support.captions import timed_words, tokens_of_cues, tokens_of_words
from tests.translate.test_translate_retime import timed_translations

RLM = "\u200f"
ROOT = Path(__file__).resolve().parents[2]
VALIDATOR = Path(__file__).resolve().parents[1] / "vtt_validate.js"

TURNS = [  # (speaker, text, characters a second, pause before)
    ("Maria Fernández", "Good morning and welcome to A View to a Border. Our first speaker today is "
                        "Kwame Mensah from the Accra Initiative.", 15, 0.0),
    ("Kwame Mensah", "Thank you, Maria. The Accra Initiative brings together Burkina Faso, Ghana, Togo and "
                     "Benin. We share information on threats across borders.", 15, 0.3),
    ("Ana", "Can you hear me?", 15, 0.6),
    ("Ben", "Yes, we can.", 15, 0.2),
    ("Maria Fernández", "Let us now turn to the questions from the audience.", 15, 0.3),
    ("Speaker 1", "How do you protect the data that you share with your partners?", 14, 0.6),
]
NAMES = sorted({who for who, *_ in TURNS}, key=len, reverse=True)


def conversation(turns=TURNS, start=0.5):
    words = []
    t = start
    for speaker, text, cps, pause in turns:
        part = timed_words(text, start=t + pause, cps=cps, speaker=speaker)
        words += part
        t = part[-1].end
    return words


def transcript_of(words) -> Transcript:
    return Transcript(language="en", duration=words[-1].end + 2,
                      segments=[Segment(words[0].start, words[-1].end, "", words)])


def split_shown(line: str, style: str) -> tuple[str, str]:
    """(label, text) of a line as written, for the labels this style may show."""
    upper = [" ".join(n.split()).upper() for n in NAMES]
    prefixes = {"name": [f"- {n}: " for n in upper] + [f"{n}: " for n in upper] + [">> ", "- "],
                "chevrons": [">> "], "none": ["- "]}[style]
    for prefix in prefixes:
        if line.startswith(prefix):
            return prefix[:-1], line[len(prefix):]
    return "", line


def assert_labels_exactly_at_changes(cue_lines: list[list[str]], words, style: str) -> int:
    """Walk the written cues against the spoken words: a line is labelled iff it starts a
    speaker's turn (with the speaker's name in the name style), and a turn always starts a
    cue or a dialogue line. Returns the number of dialogue cues seen."""
    tokens = [(token, w.speaker) for w in words for token in w.text.split()]
    starts = [k == 0 or tokens[k][1] != tokens[k - 1][1] for k in range(len(tokens))]
    t = 0
    dialogues = 0
    for lines in cue_lines:
        parsed = [split_shown(line, style) for line in lines]
        dialogue = len(lines) == 2 and all(label.startswith(("-", ">>")) for label, _ in parsed) and \
            starts[t] and starts[t + len(parsed[0][1].split())]
        dialogues += dialogue
        for k, (label, text) in enumerate(parsed):
            count = len(text.split())
            speaker = tokens[t][1]
            assert all(who == speaker for _, who in tokens[t:t + count]), (lines, "one speaker a line")
            assert [tok for tok, _ in tokens[t:t + count]] == text.split()
            turn_start = starts[t]
            if k == 0 or dialogue:
                assert not any(starts[t + 1:t + count]), (lines, "a speaker change inside a line")
            else:
                assert not turn_start, (lines, "a change on a second line outside a dialogue cue")
            if style == "none":
                assert label == ("-" if dialogue else ""), lines
            elif turn_start:
                name = " ".join(speaker.split()).upper()
                allowed = {"name": (f"{name}:", ">>", f"- {name}:", "-") if dialogue else (f"{name}:", ">>"),
                           "chevrons": (">>",)}[style]
                assert label in allowed, (lines, label)
            else:
                assert label == "", (lines, "a label where the speaker goes on")
            t += count
    assert t == len(tokens)
    return dialogues


# --- labels at changes, in every format ------------------------------------------------------------

@pytest.mark.parametrize("style", LABEL_STYLES)
def test_labels_appear_exactly_at_speaker_changes_in_srt_vtt_and_text(style, tmp_path):
    words = conversation()
    profile = get_profile(None, "en", speaker_labels=style)
    cues, issues = segment(words, profile)
    assert issues == []
    assert tokens_of_cues(cues) == tokens_of_words(words)

    srt_path, vtt_path = tmp_path / "talk.en.srt", tmp_path / "talk.en.vtt"
    srt_path.write_text(write_srt(cues, "en"), encoding="utf-8")
    vtt_path.write_text(write_vtt(cues, "en"), encoding="utf-8")

    srt_lines = [item.text.split("\n") for item in pysrt.open(str(srt_path))]  # a third-party reader
    dialogues = assert_labels_exactly_at_changes(srt_lines, words, style)
    assert dialogues == 1  # Ana and Ben's quick exchange
    vtt_parsed = webvtt.read(str(vtt_path))
    assert [html.unescape(c.text).split("\n") for c in vtt_parsed] == srt_lines  # the same visible labels

    # WebVTT voice spans: each cue in its speaker's voice, a dialogue cue one voice a line
    blocks = vtt_path.read_text(encoding="utf-8").split("\n\n")[1:]
    for cue, block in zip(cues, blocks):
        voices = re.findall(r"<v ([^>]*)>", block)
        assert voices == (cue.speakers or [cue.speaker])
    assert {v for c in cues for v in (c.speakers or [c.speaker])} == set(NAMES)

    # every cue, labels and all, within the rules, checked on the written files
    for path in (srt_path, vtt_path):
        report = check_cues(read_captions(path), profile)
        assert report.ok, report.issues
        assert report.summary()["max_line_length"] <= 42

    text = write_text(transcript_of(words), label_style=style)
    paragraphs = text.strip().split("\n\n")
    turn_speakers = [who for who, *_ in TURNS]
    if style == "name":
        labelled = [p.split(": ", 1)[0] for p in paragraphs if p.split(": ", 1)[0] in NAMES]
        assert labelled == turn_speakers
        assert paragraphs[0].startswith("Maria Fernández: Good morning")
    elif style == "chevrons":
        assert sum(p.startswith(">> ") for p in paragraphs) == len(TURNS)
        assert not any(p.startswith(tuple(NAMES)) for p in paragraphs)
    else:
        assert not any(p.startswith((">>",) + tuple(NAMES)) for p in paragraphs)
    label = {"name": "|".join(re.escape(f"{n}: ") for n in NAMES), "chevrons": ">> ", "none": "(?!)"}[style]
    unlabelled = [re.sub(f"^({label})", "", p) for p in paragraphs]
    assert " ".join(" ".join(unlabelled).split()) == " ".join(" ".join(t for _, t, *_ in TURNS).split())


def test_a_cue_with_a_label_in_srt_vtt_and_text():
    words = conversation(TURNS[:2])
    profile = get_profile(None, "en")
    cues, _ = segment(words, profile)
    srt = write_srt(cues, "en")
    assert srt.startswith("1\n00:00:00,500 --> ")
    assert "\nMARIA FERNÁNDEZ: Good morning\nand welcome to A View to a Border.\n" in srt
    assert "\nKWAME MENSAH: Thank you, Maria.\n" in srt
    assert srt.count("FERNÁNDEZ:") == 1  # not repeated on the same speaker's next cue
    vtt = write_vtt(cues, "en")
    assert "<v Maria Fernández>MARIA FERNÁNDEZ: Good morning\nand welcome to A View to a Border.</v>" in vtt
    assert read_vtt(vtt) == cues  # labels read back into Cue.labels
    text = write_text(transcript_of(words))
    assert text.startswith("Maria Fernández: Good morning and welcome")
    assert "\n\nKwame Mensah: Thank you, Maria." in text


# --- the label counts toward line length and reading speed ----------------------------------------

def test_the_label_is_laid_out_with_the_line_and_never_alone():
    words = timed_words("Good morning and welcome to the border.", speaker="Maria Fernández")  # 39 chars
    one, _ = segment(words, get_profile(None, "en", speaker_labels="none"))
    assert [c.lines for c in one] == [["Good morning and welcome to the border."]]
    two, issues = segment(words, get_profile(None, "en"))
    assert issues == []
    assert shown_lines(two[0]) == ["MARIA FERNÁNDEZ: Good morning", "and welcome to the border."]
    assert all(len(line) <= 42 for cue in two for line in shown_lines(cue))
    narrow, _ = segment(words, get_profile(None, "en", max_chars=20))
    assert narrow[0].labels == [">>"]  # the name does not fit a 20-character line with a word


def test_a_name_that_makes_its_cue_too_fast_gives_way_to_chevrons():
    before = timed_words("Our next speaker joins us from the Accra Initiative today.", speaker="Maria Fernández")
    quick = timed_words("Thank you very much.", start=before[-1].end + 0.1, cps=17, speaker="Kwame Mensah")
    after = timed_words("Please go ahead with your presentation, we are listening.", start=quick[-1].end,
                        speaker="Maria Fernández")
    cues, issues = segment(before + quick + after, get_profile(None, "en"))
    assert issues == []
    kwame = next(c for c in cues if c.speaker == "Kwame Mensah")
    assert kwame.labels == [">>"] and kwame.lines == ["Thank you very much."]
    # with the name it would need 34 characters in 1.2 s: 28 characters/s
    assert check_cues([Cue(kwame.start, kwame.end, kwame.lines, labels=["KWAME MENSAH:"])],
                      get_profile()).issues[0].rule == "max_cps"


def test_qc_counts_labels_as_visible_text_and_explains():
    cue = Cue(0.0, 3.0, ["Information sharing saves lives."], speaker="Maria Fernández",
              labels=["MARIA FERNÁNDEZ:"])
    issues = check_cues([cue], get_profile()).issues
    assert [i.rule for i in issues] == ["max_chars_per_line"]
    assert "49 characters > 42: 'MARIA FERNÁNDEZ: Information sharing saves lives.'" in issues[0].detail
    assert check_cues([Cue(0.0, 1.0, ["Thank you."], labels=["KWAME MENSAH:"])], get_profile()).issues[0].detail \
        .startswith("24.0 characters/s > 20 (24 characters")
    words = timed_words("The keyword is " + "x" * 50 + " and nothing else.", speaker="Ana")
    _, issues = segment(words, get_profile())
    assert "the word 'xxxxxxxxxx" in issues[0].detail and "alone is longer than a line" in issues[0].detail


def test_label_style_is_checked():
    with pytest.raises(CaptionerError, match="speaker_labels must be one of name, chevrons, none"):
        get_profile(speaker_labels="initials")
    with pytest.raises(CaptionerError, match="unknown speaker label style"):
        write_text(transcript_of(conversation(TURNS[:1])), label_style="initials")
    assert get_profile().speaker_labels == "name"


# --- dialogue cues ------------------------------------------------------------------------------

def test_two_short_turns_share_a_dialogue_cue_with_names():
    words = conversation()
    cues, issues = segment(words, get_profile())
    assert issues == []
    dialogue = next(c for c in cues if c.speakers)
    assert dialogue.lines == ["Can you hear me?", "Yes, we can."]
    assert dialogue.speakers == ["Ana", "Ben"] and dialogue.speaker == "Ana"
    assert shown_lines(dialogue) == ["- ANA: Can you hear me?", "- BEN: Yes, we can."]
    ana = next(w for w in words if w.speaker == "Ana")
    ben_last = [w for w in words if w.speaker == "Ben"][-1]
    assert ana.start - 0.125 <= dialogue.start <= ana.start and dialogue.end >= ben_last.end
    vtt = write_vtt(cues)
    assert "<v Ana>- ANA: Can you hear me?</v>\n<v Ben>- BEN: Yes, we can.</v>" in vtt
    assert read_vtt(vtt) == cues
    assert "- ANA: Can you hear me?\n- BEN: Yes, we can." in write_srt(cues)
    chevrons, _ = segment(words, get_profile(speaker_labels="chevrons"))
    assert [shown_lines(c) for c in chevrons if c.speakers] == [[">> Can you hear me?", ">> Yes, we can."]]
    plain, _ = segment(words, get_profile(speaker_labels="none"))
    assert [shown_lines(c) for c in plain if c.speakers] == [["- Can you hear me?", "- Yes, we can."]]
    text = write_text(transcript_of(words), cues=cues)  # a dialogue cue is two paragraphs in a transcript
    assert "\n\nAna: Can you hear me?\n\nBen: Yes, we can.\n\n" in text


def test_hyphens_alone_only_when_names_would_break_the_rules():
    quick = [("Maria Fernández", "Good morning and welcome to this webinar on border cooperation.", 15, 0.0),
             ("Kwame Mensah", "Thank you, Maria.", 15, 0.3),
             ("Maria Fernández", "Over to you, Kwame.", 15, 0.1),
             ("Kwame Mensah", "Today I will talk about the Accra Initiative and what it has achieved.", 15, 0.05)]
    cues, issues = segment(conversation(quick), get_profile())
    assert issues == []
    dialogue = next(c for c in cues if c.speakers)
    # "- KWAME MENSAH: ..." and "- MARIA FERNÁNDEZ: ..." would be 71 characters in 2.8 s
    assert shown_lines(dialogue) == ["- Thank you, Maria.", "- Over to you, Kwame."]
    assert dialogue.speakers == ["Kwame Mensah", "Maria Fernández"]
    assert check_cues(cues, get_profile()).ok


def test_turns_that_are_not_short_or_not_whole_stay_apart():
    a = timed_words("Thank you very much.", speaker="Ana")
    b = timed_words("Thanks, Ana.", start=a[-1].end, speaker="Ben")
    cues, _ = segment(a + b, get_profile())
    assert [c.speakers for c in cues] == [[], []]  # "Thank you very much." is 1.4 s: not short
    # whole turns only: Ana's second cue continues her turn, so it cannot join Ben's
    cues = [Cue(0, 3, ["A long first part of what Ana says,"], "Ana"), Cue(3, 3.9, ["and more."], "Ana"),
            Cue(3.9, 4.8, ["Yes."], "Ben"), Cue(5.5, 8, ["Something else entirely now."], "Ana")]
    joined, groups = join_dialogues(cues, get_profile())
    assert joined == cues and groups == [[0], [1], [2], [3]]
    # a chapter boundary between two turns keeps them apart
    pair = [Cue(0, 0.9, ["Hello?"], "Ana"), Cue(0.9, 1.8, ["Yes."], "Ben")]
    assert join_dialogues(pair, get_profile())[0][0].speakers == ["Ana", "Ben"]
    assert join_dialogues(pair, get_profile(), boundaries=[0.9])[0] == pair


# --- translations keep their speakers ------------------------------------------------------------

def _turn_sequence(cues):
    seq = []
    for cue in cues:
        for who in (cue.speakers or [cue.speaker]):
            if not seq or seq[-1] != who:
                seq.append(who)
    return seq


def test_a_dialogue_cue_is_translated_as_two_turns():
    cues = [Cue(0.5, 4.0, ["Welcome to the webinar."], "Maria Fernández", labels=["MARIA FERNÁNDEZ:"]),
            Cue(4.0, 6.0, ["Can you hear me?", "Yes, we can."], "Ana", speakers=["Ana", "Ben"],
                labels=["- ANA:", "- BEN:"])]
    turns, origin = speaker_turn_cues(cues)
    assert [(c.lines, c.speaker, c.labels) for c in turns] == [
        (["Welcome to the webinar."], "Maria Fernández", []), (["Can you hear me?"], "Ana", []),
        (["Yes, we can."], "Ben", [])]
    assert origin == [0, 1, 1]
    assert turns[1].start == 4.0 and turns[1].end == pytest.approx(4.0 + 2.0 * 16 / 28) == turns[2].start
    assert turns[2].end == 6.0


@pytest.mark.mt
@pytest.mark.skipif(shutil.which("apertium") is None, reason="needs Debian apertium and apertium-eng-spa")
def test_spanish_translation_keeps_speakers_and_shows_the_same_labels(tmp_path):
    from captioner.translate.stage import translate_track

    words = conversation()
    profile = get_profile(None, "en")
    cues, _ = segment(words, profile)
    # at the English reading speed, so that every name has room (at Spanish's 17 a second the first
    # gives way to >>, as a name that makes its cue too fast does)
    es = get_profile("netflix-en", "es")
    track, report = translate_track(CueTrack("en", cues), "es", "apertium", profile=es)
    assert _turn_sequence(track.cues) == _turn_sequence(cues) == [who for who, *_ in TURNS]
    assert [u["speaker"] for u in report["units"]][:2] == ["Maria Fernández", "Maria Fernández"]
    check_labels(track.cues, es)
    srt = write_srt(track.cues, "es")
    assert "MARIA FERNÁNDEZ: " in srt and "KWAME MENSAH: " in srt and "SPEAKER 1: " in srt  # names, untranslated
    vtt = write_vtt(track.cues, "es")
    assert "<v Kwame Mensah>KWAME MENSAH: " in vtt
    for name, text in (("talk.es.srt", srt), ("talk.es.vtt", vtt)):
        (tmp_path / name).write_text(text, encoding="utf-8")
        assert check_cues(read_captions(tmp_path / name), es).ok
    assert read_vtt(vtt) == track.cues


ARABIC = [
    ("Maria Fernández", "صباح الخير، ومرحبا بكم في هذه الندوة عن التعاون عبر الحدود."),
    ("Maria Fernández", "المتحدث الأول اليوم هو كوامي مينسا."),
    ("Kwame Mensah", "شكرا لك يا ماريا. تجمع مبادرة أكرا بوركينا فاسو وغانا وتوغو وبنين."),
]


def test_arabic_translation_with_labels_keeps_the_rlm_first():
    sentences, t = [], 1.0
    for n, (who, text) in enumerate(ARABIC):
        sentences.append(Sentence(f"source {n}", t, t + len(text) / 13, who, [n]))
        t += len(text) / 13 + 0.4
    profile = profile_for_language("ar")
    cues, _ = layout_translations(sentences, [text for _, text in ARABIC], profile, "ar")
    assert check_cues(cues, profile).ok
    check_labels(cues, profile)
    assert [c.labels for c in cues if c.labels] == [["MARIA FERNÁNDEZ:"], ["KWAME MENSAH:"]]
    srt = write_srt(cues, "ar")
    lines = [line for line in srt.split("\n") if line and not line[0].isdigit()]
    assert all(line.startswith(RLM) for line in lines)  # every text line, labelled or not
    assert f"{RLM}MARIA FERNÁNDEZ: صباح الخير،" in srt and f"{RLM}KWAME MENSAH: شكرا لك" in srt
    assert [shown_lines(c) for c in read_srt(srt)] == [shown_lines(c) for c in cues]  # marks dropped on reading
    vtt = write_vtt(cues, "ar")
    assert f"<v Maria Fernández>{RLM}MARIA FERNÁNDEZ: صباح الخير،" in vtt
    assert [(c.lines, c.labels, c.speaker) for c in read_vtt(vtt)] == [(c.lines, c.labels, c.speaker) for c in cues]


def test_chinese_captions_show_a_name_only_when_it_fits_sixteen_characters():
    zh = profile_for_language("zh")
    sentences = [Sentence("a", 0.0, 4.0, "Li Wei"), Sentence("b", 4.5, 8.5, "Maria Fernández")]
    cues, _ = layout_translations(sentences, ["各位早上好，欢迎参加研讨会。", "谢谢主持人，我来介绍项目。"], zh, "zh")
    assert [c.labels for c in cues if c.labels] == [["LI WEI:"], [">>"]]
    assert all(len(line) <= 16 for c in cues for line in shown_lines(c))
    assert check_cues(cues, zh).ok


@settings(max_examples=60, deadline=None)
@given(timed_translations())
def test_translated_cues_keep_their_sentences_speakers_and_labels(case):
    sentences, texts, boundaries = case
    profile = profile_for_language("es")
    cues, _ = layout_translations(sentences, texts, profile, "es", boundaries)
    check_labels(cues, profile)
    said = [(token, s.speaker) for s, text in zip(sentences, texts) for token in text.split()]
    shown = [(token, who) for cue in cues for line, who in zip(cue.lines, cue.speakers or [cue.speaker] * 9)
             for token in line.split()]
    assert shown == said


# --- CLI and WebVTT validity ---------------------------------------------------------------------------

@pytest.mark.parametrize("style,marker", [("name", "KWAME MENSAH: "), ("chevrons", ">> "), ("none", None)])
def test_captions_command_speaker_labels_flag(tmp_path, style, marker):
    folder = tmp_path / "talk"
    folder.mkdir()
    (folder / "transcript.json").write_text(transcript_to_json(transcript_of(conversation())), encoding="utf-8")
    result = CliRunner().invoke(captions_command, [str(folder / "transcript.json"), "--speaker-labels", style])
    assert result.exit_code == 0, result.output
    srt = (folder / "talk.en.srt").read_text(encoding="utf-8")
    txt = (folder / "talk.en.txt").read_text(encoding="utf-8")
    if marker:
        assert marker in srt
    else:
        assert ">>" not in srt and "KWAME" not in srt and "Kwame Mensah:" not in txt
    assert {"name": "\n\nKwame Mensah: Thank you", "chevrons": "\n\n>> Thank you", "none": "\n\nThank you"}[style] in txt
    qc = CliRunner().invoke(qc_command, [str(folder / "talk.en.srt"), str(folder / "talk.en.vtt"), "--json"])
    assert qc.exit_code == 0, qc.output
    assert json.loads(qc.output)["ok"] is True
    bad = CliRunner().invoke(captions_command, [str(folder / "transcript.json"), "--speaker-labels", "initials"])
    assert bad.exit_code == 2


@pytest.mark.node
def test_labelled_and_dialogue_vtt_is_valid_for_the_w3c_parser(tmp_path):
    node = shutil.which("node")
    modules = ROOT / "node_modules"
    if node is None or not (modules / "webvtt-parser").is_dir():
        pytest.skip("node and the npm webvtt-parser are needed (npm install at the repository root)")
    paths = []
    for style in LABEL_STYLES:
        cues, _ = segment(conversation(), get_profile(speaker_labels=style))
        path = tmp_path / f"{style}.vtt"
        path.write_text(write_vtt(cues, "en"), encoding="utf-8")
        paths.append(str(path))
    out = subprocess.run([node, str(VALIDATOR), *paths], capture_output=True, text=True, check=True,
                         env={"WEBVTT_NODE_MODULES": str(modules), "PATH": "/usr/bin:/bin"})
    result = json.loads(out.stdout)
    for path in paths:
        assert result[path]["errors"] == [], (path, result[path]["errors"])
        assert any("<v Ana>" in c["text"] and "<v Ben>" in c["text"] for c in result[path]["cues"])

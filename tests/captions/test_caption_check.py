"""Published cues are read back against the transcript's words: none missing, none far from its time."""
from __future__ import annotations

import json

import pytest

from captioner.captions.coverage import check_captions, check_warnings
from captioner.model import Cue, Word

WORDS = [Word("Thank", 1.0, 1.3), Word("you,", 1.3, 1.6), Word("Mariana.", 1.6, 2.2),
         Word("Over", 8.0, 8.3), Word("to", 8.3, 8.4), Word("you.", 8.4, 8.8)]


def test_every_word_in_a_cue_at_its_time_passes():
    cues = [Cue(1.0, 2.2, ["Thank you, Mariana."]), Cue(8.0, 8.8, ["Over to", "you."])]
    assert check_captions(WORDS, cues) == {"words": 6, "captioned": 6, "missing": [], "missing_count": 0,
                                           "away": [], "away_count": 0}


def test_a_dropped_word_and_a_late_cue_are_found_with_their_times():
    cues = [Cue(1.0, 2.2, ["Thank you,"]), Cue(12.0, 13.0, ["Over to you."])]
    check = check_captions(WORDS, cues)
    assert check["missing"] == [{"start": 1.6, "text": "Mariana."}]
    assert check["away_count"] == 3 and check["away"][0] == {"start": 8.0, "cue_start": 12.0, "text": "Over"}
    missing, away = check_warnings(check)
    assert missing == '1 recognised words are in no caption ("Mariana." at 1.6 s): a defect, please report it ' \
                      'with report.json'
    assert away.startswith('3 words are captioned more than 2 s from their speech ("Over" said at 8.0 s, '
                           'shown at 12.0 s')


@pytest.mark.speech_model
@pytest.mark.mt
def test_the_samples_report_says_every_word_is_captioned(sample_out):
    report = json.loads((sample_out.folder / "report.json").read_text())
    check = report["caption_check"]
    assert check["words"] == report["words"] > 400
    assert check["captioned"] == check["words"] and check["away_count"] == 0

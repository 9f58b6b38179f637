import dataclasses

import pytest

from captioner.captions.rules import PROFILES, Profile, get_profile, profile_for_language
from captioner.errors import CaptionerError
from captioner.lang import is_rtl


def test_default_profile_has_the_design_numbers():
    p = get_profile()
    assert p.name == "netflix-en"
    assert (p.max_chars_per_line, p.max_lines, p.max_cps, p.target_cps) == (42, 2, 20.0, 17.0)
    assert p.min_duration == pytest.approx(5 / 6)
    assert p.max_duration == 7.0
    assert p.min_gap == pytest.approx(0.0833, abs=1e-4)
    assert p.sync_lead == pytest.approx(0.125)
    assert p.max_linger == 0.5
    assert p.count_spaces_and_punctuation is True
    assert p.frame == pytest.approx(1 / 24)


def test_profiles_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        get_profile().max_cps = 30


@pytest.mark.parametrize("language", ["zh", "ja", "ko", "zh-Hant-TW"])
def test_cjk_languages_get_16_characters(language):
    p = profile_for_language(language)
    assert p.max_chars_per_line == 16
    assert p.language == language
    assert get_profile(None, language).max_chars_per_line == 16


def test_other_languages_get_the_default():
    assert profile_for_language("es").max_chars_per_line == 42
    assert profile_for_language(None).name == "netflix-en"


def test_unknown_profile_lists_the_known_ones():
    with pytest.raises(CaptionerError) as err:
        get_profile("youtube")
    message = str(err.value)
    assert "youtube" in message
    for name in PROFILES:
        assert name in message


def test_cli_style_overrides_and_none_values():
    p = get_profile("bbc", "en", max_chars=30, max_cps=None, min_gap=0.1)
    assert p.name == "bbc" and p.language == "en"
    assert p.max_chars_per_line == 30
    assert p.max_cps == PROFILES["bbc"].max_cps
    assert p.min_gap == 0.1


def test_field_name_overrides():
    assert get_profile("netflix-en", max_chars_per_line=20).max_chars_per_line == 20


def test_bad_values_are_clear_errors():
    with pytest.raises(CaptionerError, match="max_lines"):
        get_profile(max_lines=0)
    with pytest.raises(CaptionerError, match="shorter than min_duration"):
        get_profile(min_duration=3, max_duration=2)
    with pytest.raises(CaptionerError, match="unknown reading-rule setting"):
        get_profile(max_speed=3)


def test_reading_chars_counts_spaces_and_punctuation_unless_told_not_to():
    lines = ["Hello, world.", "Yes!"]
    assert Profile().reading_chars(lines) == 17
    assert Profile(count_spaces_and_punctuation=False).reading_chars(lines) == 13


def test_rtl_languages():
    assert is_rtl("ar") and is_rtl("he-IL") and is_rtl("fa") and is_rtl("ur")
    assert not is_rtl("en") and not is_rtl(None)

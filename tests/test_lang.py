"""One language module: codes normalised once, right-to-left and unspaced scripts listed once."""
from __future__ import annotations

import click
import pytest

from captioner.cli.captions import language_from_name
from captioner.cli.main import split_languages
from captioner.formats.srt import write_srt
from captioner.formats.vtt import write_vtt
from captioner.lang import LanguageCodeError, direction, is_rtl, is_unspaced, normalize, primary
from captioner.model import Cue

RLM = "\u200f"


def test_codes_are_normalised_to_bcp47s_canonical_form():
    assert [normalize(t) for t in ("ES", "es", " es ", "pt_br", "pt-br", "zh-hant", "iw", "en-gb")] == \
        ["es", "es", "es", "pt-BR", "pt-BR", "zh-Hant", "he", "en-GB"]
    assert normalize("xx") == "xx"  # well formed, of no known language: the engine says it has no pair
    for bad in ("e", "es,", "chapters", "123", "", "e$"):
        with pytest.raises(LanguageCodeError, match="not a BCP 47 language code"):
            normalize(bad)


def test_the_same_language_typed_twice_in_two_cases_is_one_target():
    # `--languages "es, ES"` wrote both .es.* and .ES.* before
    assert split_languages("es, ES,fr, pt_br") == ["es", "fr", "pt-BR"]
    with pytest.raises(click.BadParameter, match="not a BCP 47 language code: e1"):
        split_languages("es,e1")


def test_a_caption_files_language_comes_from_its_name_normalised():
    assert language_from_name("talk.ES.srt") == "es"
    assert language_from_name("talk.pt-br.vtt") == "pt-BR"
    assert language_from_name("talk.chapters.vtt") is None
    assert language_from_name("talk.srt") is None


def test_every_stage_agrees_on_right_to_left_and_unspaced_scripts():
    # Sorani (ckb) was right to left on the page but got no right-to-left mark in its SRT/VTT
    assert direction("ckb") == "rtl" and is_rtl("ckb")
    cue = [Cue(start=1.0, end=2.5, lines=["سڵاو"])]
    assert write_srt(cue, "ckb").splitlines()[2] == RLM + "سڵاو"
    assert RLM + "سڵاو" in write_vtt(cue, "ckb")
    assert RLM not in write_srt(cue, "en")
    assert [is_rtl(t) for t in ("ar-EG", "he", "fa", "ur", "en", "es", None)] == [True] * 4 + [False] * 3
    assert is_unspaced("zh-Hant-TW") and is_unspaced("ja") and not is_unspaced("ko") and not is_unspaced("en")
    assert primary("zh_Hant_TW") == "zh" and primary(None) == ""


def test_the_library_api_normalises_languages_as_the_cli_does():
    from captioner import RunOptions, run_one

    assert callable(run_one)
    assert RunOptions(languages=["ES", "es", "pt_br"]).languages == ["es", "pt-BR"]
    with pytest.raises(LanguageCodeError):
        RunOptions(languages=["e$"])

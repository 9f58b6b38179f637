"""argostranslate: a tiny .argosmodel built here goes through `languages install --from-file`
and translates through the real argostranslate + CTranslate2 code with the network blocked."""
from __future__ import annotations

import json
import socket

import pytest
from click.testing import CliRunner

from captioner.cli.languages import languages
from captioner.errors import ModelError
from captioner.translate.argos import ArgosEngine
from captioner.translate.select import EngineChooser
from captioner.translate.stage import translate_track
from tests.support.argos_tiny import build_argosmodel
from tests.support.translate import domain_glossary, sample_source_track


class NetworkUsed(AssertionError):
    pass


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a connection or resolve a name fails the test."""
    def refuse(*args, **kwargs):
        raise NetworkUsed(f"network access attempted: {args[:2]}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory):
    return build_argosmodel(tmp_path_factory.mktemp("argos") / "translate-en_es-tiny.argosmodel")


@pytest.fixture
def argos_home(tmp_path, monkeypatch):
    """argostranslate reads ARGOS_PACKAGES_DIR when first imported; point its settings at a
    fresh folder for this test so nothing installed on the machine is seen or touched."""
    from argostranslate import settings

    packages = tmp_path / "packages"
    packages.mkdir()
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(packages))
    monkeypatch.setattr(settings, "package_data_dir", packages)
    monkeypatch.setattr(settings, "package_dirs", [packages])
    monkeypatch.setattr(settings, "local_package_index", tmp_path / "index.json")
    monkeypatch.setattr(settings, "downloads_dir", tmp_path / "downloads")
    (tmp_path / "downloads").mkdir()
    return packages


def test_install_from_file_then_translate_offline(tiny_model, argos_home, no_network):
    runner = CliRunner()
    assert ArgosEngine().pairs() == set()
    result = runner.invoke(languages, ["install", "--from-file", str(tiny_model)])
    assert result.exit_code == 0, (result.output, result.exception)
    assert "installed argos en->es" in result.output
    assert (argos_home / "translate-en_es-tiny" / "model" / "model.bin").exists()

    listing = runner.invoke(languages, ["list"])
    assert listing.exit_code == 0 and "argos" in listing.output and "en->es" in listing.output
    as_json = json.loads(runner.invoke(languages, ["list", "--json"]).output)
    assert {"engine": "argos", "source": "en", "target": "es", "detail": "translate-en_es-tiny 0.0.1"} in as_json

    engine = ArgosEngine()
    assert ("en", "es") in engine.pairs()
    sentences = ["Foreign terrorist fighters cross borders.", "", "INTERPOL shares data with border guards."]
    first = engine.translate_batch(sentences, "en", "es")
    assert len(first) == 3 and first[1] == ""
    assert all(isinstance(t, str) and t.strip() for t in (first[0], first[2]))
    assert engine.translate_batch(sentences, "en", "es") == first  # deterministic
    assert ArgosEngine().translate_batch(sentences, "en-GB", "es-419") == first  # region subtags ignored

    # auto picks argos where its package is installed
    assert EngineChooser().choose("en", "es").name == "argos"

    # the whole stage runs on it; gibberish keeps no glossary term, and the report says so
    source, boundaries = sample_source_track()
    track, report = translate_track(source, "es", "auto", domain_glossary(), boundaries)
    assert report["engine"] == "argos" and track.engine == "argos" and track.cues
    assert report["terms"]["occurrences"] > 0
    assert report["terms"]["missed"] == len(report["terms"]["missed_terms"]) > 0
    assert all("start" in m and "sentence" in m for m in report["terms"]["missed_terms"])


def test_install_from_the_index_offline_says_to_use_a_file(argos_home, no_network):
    result = CliRunner().invoke(languages, ["install", "es"])
    assert result.exit_code != 0
    assert isinstance(result.exception, ModelError), result.exception
    assert "--from-file" in str(result.exception) and "\n" not in str(result.exception)


def test_bad_package_files_are_clear_errors(tmp_path, argos_home):
    not_zip = tmp_path / "broken.argosmodel"
    not_zip.write_text("not a zip")
    result = CliRunner().invoke(languages, ["install", "--from-file", str(not_zip)])
    assert result.exit_code != 0 and "not an .argosmodel package" in str(result.exception)
    result = CliRunner().invoke(languages, ["install", "--from-file", str(tmp_path / "missing.argosmodel")])
    assert result.exit_code != 0 and "no such file" in str(result.exception)
    result = CliRunner().invoke(languages, ["install"])
    assert result.exit_code == 2  # usage error


def test_argos_without_the_pair_names_the_install_command(argos_home):
    with pytest.raises(ModelError, match="captioner languages install fr"):
        ArgosEngine().translate_batch(["Hello."], "en", "fr")

"""Choosing the engine for a language pair: `--engine auto|argos|apertium`.

auto: argostranslate where its package for the pair is installed, else Apertium
where its mode is, else an error naming the commands that would get the pair.
"""
from __future__ import annotations

from captioner.errors import ModelError
from captioner.lang import primary
from captioner.translate.apertium import ApertiumEngine, package_name
from captioner.translate.argos import ArgosEngine
from captioner.translate.base import TranslationEngine

ENGINE_NAMES = ("auto", "argos", "apertium")


def how_to_get(source: str, target: str) -> str:
    src, tgt = primary(source), primary(target)
    argos = f"captioner languages install {tgt}" + ("" if src == "en" else f" --from {src}")
    return f"`{argos}` (or `--from-file X.argosmodel` offline) or `apt-get install {package_name(src, tgt)}`"


class EngineChooser:
    """Holds one instance of each engine so models load once per run."""

    def __init__(self, argos: TranslationEngine | None = None, apertium: TranslationEngine | None = None):
        self.argos = argos or ArgosEngine()
        self.apertium = apertium or ApertiumEngine()

    def choose(self, source: str, target: str, preference: str = "auto") -> TranslationEngine:
        preference = (preference or "auto").strip().lower()
        if preference not in ENGINE_NAMES:
            raise ModelError(f"unknown translation engine '{preference}'; use one of: {', '.join(ENGINE_NAMES)}")
        src, tgt = primary(source), primary(target)
        candidates = {"auto": [self.argos, self.apertium], "argos": [self.argos], "apertium": [self.apertium]}[preference]
        for engine in candidates:
            if engine.supports(src, tgt):
                return engine
        if preference == "argos":
            raise ModelError(f"no argostranslate package for {src}->{tgt}; "
                             f"run `captioner languages install {tgt}` (or `--from-file X.argosmodel` offline)")
        if preference == "apertium":
            raise ModelError(f"Apertium has no {src}->{tgt} pair installed; run `apt-get install {package_name(src, tgt)}`")
        raise ModelError(f"no translation engine has the {src}->{tgt} pair; get it with {how_to_get(src, tgt)}")


def choose_engine(source: str, target: str, preference: str = "auto") -> TranslationEngine:
    """The engine for one pair (a fresh chooser; use EngineChooser to share loaded models)."""
    return EngineChooser().choose(source, target, preference)

"""The interface every translation engine implements, and language-code helpers.

An engine translates whole sentences in batches. It also says how a glossary
term can be carried through it untouched (`hide_term` / `reveal_terms`): each
engine has its own way, measured in bench/translate_protection.py.
"""
from __future__ import annotations

from abc import ABC, abstractmethod

from captioner.lang import primary


class TranslationEngine(ABC):
    """One machine-translation engine (argostranslate, Apertium)."""

    name: str = "engine"
    # How hide_term carries a term; shown in report.json.
    protection_method: str = "none"

    @abstractmethod
    def pairs(self) -> set[tuple[str, str]]:
        """Installed (source, target) pairs as BCP 47 primary language codes."""

    def supports(self, source: str, target: str) -> bool:
        return (primary(source), primary(target)) in self.pairs()

    @abstractmethod
    def translate_batch(self, sentences: list[str], source: str, target: str) -> list[str]:
        """One translation per sentence, in order. Raises CaptionerError on failure."""

    def translate_hidden_batch(self, sentences: list[str], source: str, target: str) -> list[str]:
        """Translate sentences that contain `hide_term` markers (the engine keeps them intact)."""
        return self.translate_batch(sentences, source, target)

    def hide_term(self, index: int, rendering: str) -> str:
        """What to put in the source sentence instead of a protected term.

        The default writes the wanted rendering itself into the source sentence
        (engines tend to copy words they do not know); reveal_terms then checks it.
        """
        return rendering

    def reveal_terms(self, translated: str, hidden: dict[int, str]) -> tuple[str, set[int]]:
        """Put the renderings back for the markers hide_term made.

        Returns the text and the indices whose marker came through (a missing one is
        verified later by looking for the rendering itself).
        """
        found = {i for i, rendering in hidden.items() if rendering.casefold() in translated.casefold()}
        return translated, found

    def describe(self) -> str:
        pairs = ", ".join(f"{s}->{t}" for s, t in sorted(self.pairs())) or "no pairs installed"
        return f"{self.name}: {pairs}"

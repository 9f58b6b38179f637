"""Apertium (rule-based, Debian packages `apertium` + `apertium-eng-spa`, ...) as an engine.

Pairs come from the installed modes (`apertium -l`: `eng-spa`, `spa-eng`, ...).
All sentences of a batch go through ONE `apertium -u -f html-noent MODE` process:
each sentence is its own `<p>` (a block element is a hard boundary for Apertium's
transfer rules, so no word moves between sentences), and a protected term is an
empty element `<span id="tN"></span>`, which Apertium's HTML deformatter turns into
a superblank that it passes through untouched and in place.
"""
from __future__ import annotations

import html
import re
import shutil
import subprocess
from functools import lru_cache

from captioner.errors import CaptionerError, ModelError
from captioner.lang import primary
from captioner.translate.base import TranslationEngine

# Apertium names its pairs by ISO 639-3 codes (eng-spa), which langcodes converts both ways; the
# one it does not give back as Apertium writes it is Serbo-Croatian (langcodes: sr-Latn / srp).
_APERTIUM_EXCEPTIONS = {"hbs": "sh"}


_MODE = re.compile(r"^([a-z]{2,3})-([a-z]{2,3})$")
_TERM_MARK = re.compile(r'<span id="t(\d+)">\s*</span>')
_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.S)


def apertium_code(code: str) -> str:
    """BCP 47 -> the three-letter code Apertium's package and mode names use."""
    import langcodes

    base = primary(code)
    for three, two in _APERTIUM_EXCEPTIONS.items():
        if base == two:
            return three
    try:
        return langcodes.Language.get(base).to_alpha3()
    except (LookupError, ValueError, langcodes.LanguageTagError):
        return base


def bcp47_code(code: str) -> str:
    """An Apertium code -> BCP 47 (the two-letter code where one exists)."""
    import langcodes

    if code in _APERTIUM_EXCEPTIONS:
        return _APERTIUM_EXCEPTIONS[code]
    try:
        return langcodes.standardize_tag(code)
    except (ValueError, langcodes.LanguageTagError):
        return code


def package_name(source: str, target: str) -> str:
    """The Debian package that would give this pair, e.g. apertium-eng-spa."""
    return f"apertium-{apertium_code(source)}-{apertium_code(target)}"


@lru_cache(maxsize=4)
def _installed_modes(executable: str) -> tuple[str, ...]:
    try:
        done = subprocess.run([executable, "-l"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return ()
    return tuple(line.strip() for line in done.stdout.splitlines() if line.strip())


class ApertiumEngine(TranslationEngine):
    name = "apertium"
    protection_method = "translate-then-substitute, then superblank placeholders"

    def __init__(self, executable: str | None = None, timeout: float = 600.0):
        self.executable = executable or shutil.which("apertium") or ""
        self.timeout = timeout

    def available(self) -> bool:
        return bool(self.executable)

    def modes(self) -> dict[tuple[str, str], str]:
        """(source, target) in BCP 47 -> the plain mode name (`eng-spa`); variants like
        `eng-cat_valencia` are left out."""
        if not self.executable:
            return {}
        found = {}
        for mode in _installed_modes(self.executable):
            match = _MODE.match(mode)
            if match:
                found[(bcp47_code(match.group(1)), bcp47_code(match.group(2)))] = mode
        return found

    def pairs(self) -> set[tuple[str, str]]:
        return set(self.modes())

    def _mode(self, source: str, target: str) -> str:
        mode = self.modes().get((primary(source), primary(target)))
        if mode is None:
            raise ModelError(
                f"Apertium has no {source}->{target} pair installed; "
                f"install it with: apt-get install {package_name(source, target)}"
            )
        return mode

    def translate_batch(self, sentences: list[str], source: str, target: str) -> list[str]:
        return self._run(sentences, source, target, hidden=False)

    def translate_hidden_batch(self, sentences: list[str], source: str, target: str) -> list[str]:
        return self._run(sentences, source, target, hidden=True)

    def hide_term(self, index: int, rendering: str) -> str:
        return f"\x00{index}\x00"  # becomes <span id="tN"></span> once the text is escaped

    def reveal_terms(self, translated: str, hidden: dict[int, str]) -> tuple[str, set[int]]:
        found: set[int] = set()

        def put_back(match: re.Match) -> str:
            index = int(match.group(1))
            if index not in hidden:
                return match.group(0)
            found.add(index)
            return hidden[index]

        text = re.sub(r"\x00(\d+)\x00", put_back, translated)
        return text, found

    # --- one process per batch -------------------------------------------------

    def _run(self, sentences: list[str], source: str, target: str, hidden: bool) -> list[str]:
        mode = self._mode(source, target)
        results = [""] * len(sentences)
        todo = [(i, _one_line(s)) for i, s in enumerate(sentences) if s.strip()]
        if not todo:
            return results
        document = "".join(f"<p>{_escape(text)}</p>\n" for _, text in todo)
        output = self._call(mode, document)
        blocks = _PARAGRAPH.findall(output)
        if len(blocks) != len(todo):
            # Should not happen (a <p> is a hard boundary); translate one by one rather than guess.
            blocks = [self._single(mode, text) for _, text in todo]
        for (i, original), block in zip(todo, blocks):
            results[i] = _tidy(_unescape(block), original)
        return results

    def _single(self, mode: str, text: str) -> str:
        found = _PARAGRAPH.findall(self._call(mode, f"<p>{_escape(text)}</p>\n"))
        return " ".join(found)

    def _call(self, mode: str, document: str) -> str:
        try:
            done = subprocess.run(
                [self.executable, "-u", "-f", "html-noent", mode],
                input=document, capture_output=True, text=True, timeout=self.timeout,
            )
        except FileNotFoundError:
            raise ModelError("the apertium program is not installed; install it with: apt-get install apertium")
        except subprocess.TimeoutExpired:
            raise CaptionerError(f"apertium {mode} took longer than {self.timeout:.0f} s; try fewer sentences at once")
        if done.returncode != 0:
            detail = (done.stderr.strip().splitlines() or ["no message"])[-1]
            raise CaptionerError(f"apertium {mode} failed (exit {done.returncode}): {detail}")
        return done.stdout


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _escape(text: str) -> str:
    escaped = html.escape(text, quote=False)
    return re.sub(r"\x00(\d+)\x00", r'<span id="t\1"></span>', escaped)


def _unescape(text: str) -> str:
    text = _TERM_MARK.sub(lambda m: f"\x00{m.group(1)}\x00", text)
    text = re.sub(r"<[^>]*>", "", text)  # any other tag Apertium may have moved in
    return html.unescape(text)


def _tidy(translated: str, original: str) -> str:
    """Undo Apertium's surface quirks: leading blank where a subject pronoun was dropped,
    doubled spaces, '#' marks on words it could not generate, and a capital it puts on
    a sentence fragment that started in lower case."""
    text = " ".join(translated.split())
    if "#" not in original:
        text = re.sub(r"(?<!\S)#(?=\w)", "", text)
    text = re.sub(r"\s+([,.;:!?])", r"\1", text) if not re.search(r"\s[,.;:!?]", original) else text
    if original[:1].islower() and text[:1].isupper() and text[1:2].islower():
        text = text[0].lower() + text[1:]
    # "UNCCT and INTERPOL" comes out as "UNCCT e iNTERPOL": restore the capital.
    capitalised = set(re.findall(r"\b[A-Z]{2,}\w*", original))
    text = re.sub(r"\b([a-z])([A-Z]{2,}\w*)", lambda m: m.group(1).upper() + m.group(2)
                  if m.group(1).upper() + m.group(2) in capitalised else m.group(0), text)
    return text

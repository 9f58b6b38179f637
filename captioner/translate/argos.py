"""argostranslate packages as an engine, run through CTranslate2 directly.

argostranslate's own `translate()` splits text with a sentence splitter that
downloads a model on first use; captioner splits sentences itself
(translate/sentences.py), so here each installed package's CTranslate2 model and
tokenizer are used directly, one `translate_batch` call for many sentences.
Nothing is downloaded while translating.

Where packages live is argostranslate's setting: ARGOS_PACKAGES_DIR (or its
settings.json), read when argostranslate is first imported.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

from captioner.errors import CaptionerError, ModelError
from captioner.lang import primary
from captioner.translate.base import TranslationEngine

BEAM_SIZE = 4
MAX_BATCH = 32  # sentences per CTranslate2 batch


def argos_package_module():
    """argostranslate.package, imported on first use (it creates argos's data folders)."""
    try:
        from argostranslate import package
    except ImportError as exc:  # pragma: no cover - argostranslate is a dependency
        raise ModelError(f"argostranslate is not installed ({exc}); pip install argostranslate") from exc
    return package


def installed_packages() -> list:
    """Installed argos translation packages (skipping folders that are not packages)."""
    package = argos_package_module()
    from argostranslate import settings

    found = []
    for folder in settings.package_dirs:
        folder = Path(folder)
        if not folder.is_dir():
            continue
        for path in sorted(folder.iterdir()):
            if not (path / "metadata.json").exists():
                continue
            try:
                pkg = package.Package(path)
            except Exception:  # a broken or half-extracted folder: not usable, not fatal
                continue
            if pkg.type == "translate" and pkg.from_code and pkg.to_code:
                found.append(pkg)
    return found


class ArgosEngine(TranslationEngine):
    name = "argos"
    protection_method = "translate-then-substitute, then the rendering written into the source"

    def __init__(self, device: str = "cpu", threads: int | None = None):
        self.device = device
        self.threads = threads if threads is not None else min(4, os.cpu_count() or 1)
        self._translators: dict[Path, object] = {}
        self._lock = threading.Lock()

    def _packages(self) -> dict[tuple[str, str], object]:
        packages = {}
        for pkg in installed_packages():
            key = (primary(pkg.from_code), primary(pkg.to_code))
            packages.setdefault(key, pkg)
        return packages

    def pairs(self) -> set[tuple[str, str]]:
        return set(self._packages())

    def package_for(self, source: str, target: str):
        pkg = self._packages().get((primary(source), primary(target)))
        if pkg is None:
            raise ModelError(
                f"no argostranslate package for {source}->{target} is installed; "
                f"run: captioner languages install {primary(target)}"
                + ("" if primary(source) == "en" else f" --from {primary(source)}")
                + " (or --from-file X.argosmodel)"
            )
        return pkg

    def _translator(self, pkg):
        import ctranslate2

        model_dir = Path(pkg.package_path) / "model"
        with self._lock:
            translator = self._translators.get(model_dir)
            if translator is None:
                if not model_dir.is_dir():
                    raise ModelError(f"argos package {pkg.package_path} has no model/ folder; reinstall it")
                try:
                    translator = ctranslate2.Translator(
                        str(model_dir), device=self.device, compute_type="auto",
                        inter_threads=1, intra_threads=self.threads,
                    )
                except Exception as exc:
                    raise ModelError(f"cannot load the argos model in {model_dir}: {exc}") from exc
                self._translators[model_dir] = translator
        return translator

    def translate_batch(self, sentences: list[str], source: str, target: str) -> list[str]:
        pkg = self.package_for(source, target)
        if getattr(pkg, "tokenizer", None) is None:
            raise ModelError(f"argos package {pkg.package_path} has no sentencepiece.model or bpe.model; reinstall it")
        translator = self._translator(pkg)
        results = [""] * len(sentences)
        todo = [(i, " ".join(s.split())) for i, s in enumerate(sentences) if s.strip()]
        if not todo:
            return results
        tokens = [pkg.tokenizer.encode(text) for _, text in todo]
        prefix = getattr(pkg, "target_prefix", "") or ""
        longest = max(len(t) for t in tokens)
        try:
            outputs = translator.translate_batch(
                tokens,
                target_prefix=[[prefix]] * len(tokens) if prefix else None,
                max_batch_size=MAX_BATCH,
                beam_size=BEAM_SIZE,
                replace_unknowns=True,
                length_penalty=0.2,
                max_decoding_length=min(512, 3 * longest + 16),
            )
        except Exception as exc:
            raise CaptionerError(f"argos {source}->{target} translation failed: {exc}") from exc
        for (i, _), output in zip(todo, outputs):
            text = pkg.tokenizer.decode(output.hypotheses[0])
            if prefix and text.startswith(prefix):
                text = text[len(prefix):]
            results[i] = " ".join(text.split())
        return results

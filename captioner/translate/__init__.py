"""Translation of caption tracks: engines (argostranslate, Apertium), glossary-term
protection, sentence splitting, re-timing and the review loop.

The stage the pipeline calls is `translate_track`; see translate/stage.py.
"""
from captioner.translate.base import TranslationEngine
from captioner.translate.review import apply_reviewed, load_reviewed, store_units
from captioner.translate.select import EngineChooser, choose_engine
from captioner.translate.stage import rebuild_track, translate_track

__all__ = [
    "EngineChooser",
    "TranslationEngine",
    "apply_reviewed",
    "choose_engine",
    "load_reviewed",
    "rebuild_track",
    "store_units",
    "translate_track",
]

"""Builds a tiny but real argostranslate package (.argosmodel) without torch or network.

A one-layer CTranslate2 Transformer with small random (seeded) weights, a
sentencepiece model trained on a few lines, and argos's metadata.json, zipped.
It translates into gibberish, deterministically: enough to run the real
argostranslate + CTranslate2 code paths.
"""
from __future__ import annotations

import io
import json
import tempfile
import zipfile
from pathlib import Path

import numpy as np

TRAINING_LINES = [
    "Welcome to A View to a Border, a webinar on cross-border cooperation.",
    "Foreign terrorist fighters cross borders with stolen travel documents.",
    "States collect advance passenger information and passenger name records.",
    "INTERPOL shares its databases with border guards at every crossing point.",
    "The Accra Initiative brings together Burkina Faso, Ghana, Togo and Benin.",
    "Information sharing between agencies saves lives, said the moderator.",
    "Returnees and relocators are a challenge for integrated border management.",
    "Project HOTSPOT supports the Western Balkans with biometrics and watchlists.",
    "Bienvenidos a este seminario sobre la cooperación transfronteriza.",
    "Los combatientes terroristas extranjeros cruzan las fronteras.",
] * 4


def _train_sentencepiece(folder: Path, vocab_size: int) -> Path:
    import sentencepiece as spm

    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(TRAINING_LINES),
        model_writer=model,
        vocab_size=vocab_size,
        model_type="unigram",
        character_coverage=1.0,
        hard_vocab_limit=False,
        minloglevel=2,
    )
    path = folder / "sentencepiece.model"
    path.write_bytes(model.getvalue())
    return path


def _vocabulary(sp_path: Path) -> list[str]:
    import sentencepiece as spm

    processor = spm.SentencePieceProcessor(model_file=str(sp_path))
    return [processor.id_to_piece(i) for i in range(processor.get_piece_size())]


def _weight_shape(name: str, d: int, ffn: int, vocab: int) -> tuple[int, ...]:
    if name.endswith(("gamma", "beta")):
        return (d,)
    if "embeddings" in name or name.endswith("projection/weight"):
        return (vocab, d)
    if "/ffn/linear_0/" in name:
        return (ffn, d)
    if "/ffn/linear_1/" in name:
        return (d, ffn)
    if "/self_attention/linear_0/" in name:
        return (3 * d, d)  # fused Q, K, V
    if "/attention/linear_1/" in name:
        return (2 * d, d)  # cross-attention fused K, V
    return (d, d)


def build_model_folder(folder: Path, from_code: str = "en", to_code: str = "es", d_model: int = 16, ffn: int = 32, seed: int = 0) -> Path:
    """Write a complete argos package folder (metadata.json, model/, sentencepiece.model)."""
    from ctranslate2.specs import TransformerSpec

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    sp_path = _train_sentencepiece(folder, vocab_size=120)
    vocabulary = _vocabulary(sp_path)
    spec = TransformerSpec.from_config(num_layers=1, num_heads=2)
    rng = np.random.RandomState(seed)
    for name, value in spec.variables(ordered=True):
        if value is not None:
            continue
        shape = _weight_shape(name, d_model, ffn, len(vocabulary))
        if name.endswith("gamma"):
            array = np.ones(shape, dtype=np.float32)
        elif name.endswith("beta"):
            array = np.zeros(shape, dtype=np.float32)
        else:
            array = (rng.standard_normal(shape) * 0.3).astype(np.float32)
        _set_variable(spec, name, array)
    spec.register_source_vocabulary(vocabulary)
    spec.register_target_vocabulary(vocabulary)
    spec.validate()
    (folder / "model").mkdir(exist_ok=True)
    spec.save(str(folder / "model"))
    metadata = {
        "package_version": "0.0.1",
        "argos_version": "1.9",
        "from_code": from_code,
        "from_name": from_code,
        "to_code": to_code,
        "to_name": to_code,
        "type": "translate",
        "links": [],
    }
    (folder / "metadata.json").write_text(json.dumps(metadata, indent=1), encoding="utf-8")
    (folder / "README.md").write_text("Tiny random-weight test package built by tests/support/argos_tiny.py.\n", encoding="utf-8")
    return folder


def _set_variable(spec, dotted: str, array) -> None:
    """Set 'decoder/layer_0/ffn/linear_0/weight' on the nested spec objects."""
    parts = dotted.split("/")
    node = spec
    for part in parts[:-1]:
        stem, _, index = part.rpartition("_")
        if not hasattr(node, part) and index.isdigit() and isinstance(getattr(node, stem, None), (list, tuple)):
            node = getattr(node, stem)[int(index)]  # 'layer_0' is spec.layer[0]
        else:
            node = getattr(node, part)
    setattr(node, parts[-1], array)


def build_argosmodel(path: Path, from_code: str = "en", to_code: str = "es") -> Path:
    """Write `path` (a .argosmodel zip holding one top-level package folder)."""
    path = Path(path)
    name = f"translate-{from_code}_{to_code}-tiny"
    with tempfile.TemporaryDirectory() as work:
        folder = build_model_folder(Path(work) / name, from_code, to_code)
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for file in sorted(folder.rglob("*")):
                if file.is_file():
                    archive.write(file, f"{name}/{file.relative_to(folder).as_posix()}")
    return path


if __name__ == "__main__":
    import sys

    target = Path(sys.argv[1] if len(sys.argv) > 1 else "tiny-en_es.argosmodel")
    print(build_argosmodel(target))

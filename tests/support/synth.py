"""Synthetic webinars for tests, made on demand with scripts/synth_webinar.py and cached.

The scripts in tests/data/webinars/ and bench/corpus/ are never committed as
audio: they are synthesized when needed. Results are cached by (script,
generator modules, engine versions, seed, format, noise) under
$CAPTIONER_SYNTH_CACHE or /tmp/captioner-synth-cache, so repeated runs cost a
file copy.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
GENERATOR = REPO / "scripts" / "synth_webinar.py"
GENERATOR_MODULES = [GENERATOR, REPO / "scripts" / "synth_engines.py", REPO / "scripts" / "synth_room.py"]
WEBINARS_DIR = Path(__file__).resolve().parents[1] / "data" / "webinars"
SCRIPT_SUFFIX = ".script.yaml"
AGENDA_CHOICES = ("both", "yaml", "txt", "none")


def load_generator():
    """The scripts/synth_webinar.py module (it is a script, not part of the package)."""
    name = "synth_webinar"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, GENERATOR)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def webinar_names() -> list[str]:
    """Names of the espeak-ng webinars of tests/data/webinars, e.g. 'aviation-api-pnr'
    (tuning data: rules were chosen on them)."""
    return sorted(p.name[: -len(SCRIPT_SUFFIX)] for p in WEBINARS_DIR.glob(f"*{SCRIPT_SUFFIX}"))


def script_path(name_or_path) -> Path:
    candidate = Path(name_or_path)
    if candidate.suffix in (".yaml", ".yml") and candidate.exists():
        return candidate.resolve()
    named = WEBINARS_DIR / f"{name_or_path}{SCRIPT_SUFFIX}"
    if named.exists():
        return named
    raise FileNotFoundError(f"no webinar script {name_or_path!r}; known: {', '.join(webinar_names())}")


def cache_dir() -> Path:
    return Path(os.environ.get("CAPTIONER_SYNTH_CACHE") or "/tmp/captioner-synth-cache")


def make_webinar(
    name_or_path,
    tmp_dir,
    seed: int = 0,
    *,
    fmt: str = "mp3",
    noise: float | None = 0.003,
    agenda: str = "both",
) -> tuple[Path, dict]:
    """Synthesize a webinar script into tmp_dir; return (audio path, truth dict).

    tmp_dir receives STEM.<fmt>, STEM.truth.json and, per `agenda` ("both", "yaml",
    "txt" or "none"), STEM.agenda.yaml / STEM.agenda.txt beside the audio.
    `noise` None keeps the script's own recording noise.
    """
    if agenda not in AGENDA_CHOICES:
        raise ValueError(f"agenda must be one of {AGENDA_CHOICES}, not {agenda!r}")
    script_file = script_path(name_or_path)
    stem = script_file.name[: -len(SCRIPT_SUFFIX)] if script_file.name.endswith(SCRIPT_SUFFIX) else script_file.stem
    key = _cache_key(script_file, seed, fmt, noise)
    cached = cache_dir() / f"{stem}-{key}"
    if not (cached / "complete").exists():
        _synthesize_into_cache(script_file, stem, cached, seed, fmt, noise)

    tmp_dir = Path(tmp_dir)
    tmp_dir.mkdir(parents=True, exist_ok=True)
    wanted = [f"{stem}.{fmt}", f"{stem}.truth.json"]
    if agenda in ("both", "yaml"):
        wanted.append(f"{stem}.agenda.yaml")
    if agenda in ("both", "txt"):
        wanted.append(f"{stem}.agenda.txt")
    for name in wanted:
        shutil.copyfile(cached / name, tmp_dir / name)
    truth = json.loads((tmp_dir / f"{stem}.truth.json").read_text(encoding="utf-8"))
    return tmp_dir / f"{stem}.{fmt}", truth


def _cache_key(script_file: Path, seed: int, fmt: str, noise: float) -> str:
    digest = hashlib.sha256()
    digest.update(script_file.read_bytes())
    for module in GENERATOR_MODULES:
        digest.update(module.read_bytes())
    digest.update(_engine_versions().encode())
    digest.update(json.dumps([seed, fmt, None if noise is None else float(noise)]).encode())
    return digest.hexdigest()[:16]


@functools.cache
def _engine_versions() -> str:
    load_generator()
    return sys.modules["synth_engines"].engine_versions()


def _synthesize_into_cache(script_file: Path, stem: str, cached: Path, seed: int, fmt: str, noise: float) -> None:
    generator = load_generator()
    cached.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=f".{cached.name}.", dir=cached.parent))
    try:
        generator.synthesize(generator.load_script(script_file), building / stem, seed=seed, noise=noise, fmt=fmt)
        (building / "complete").write_text("ok\n")
        try:
            building.rename(cached)
        except OSError:
            if not (cached / "complete").exists():  # not a concurrent run that finished first
                shutil.rmtree(cached, ignore_errors=True)
                building.rename(cached)
    finally:
        if building.exists():
            shutil.rmtree(building, ignore_errors=True)

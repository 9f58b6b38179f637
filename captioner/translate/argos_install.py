"""Installing argostranslate packages: from a file (offline), or from its index when asked."""
from __future__ import annotations

import zipfile
from pathlib import Path

from captioner.errors import CaptionerError, ModelError
from captioner.lang import primary
from captioner.translate.argos import argos_package_module, installed_packages

OFFLINE_HINT = ("download the .argosmodel file on a machine with internet and run "
                "`captioner languages install --from-file FILE.argosmodel`")


def install_package_file(path: Path) -> str:
    """Install an .argosmodel file; the pairs it added ("en->es"). No network is used."""
    if not path.is_file():
        raise CaptionerError(f"{path}: no such file")
    if not zipfile.is_zipfile(path):
        raise CaptionerError(f"{path} is not an .argosmodel package (not a zip archive)")
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
    if not any(n.count("/") == 1 and n.endswith("/metadata.json") for n in names):
        raise CaptionerError(f"{path} is not an .argosmodel package (no <folder>/metadata.json inside)")
    package = argos_package_module()
    before = {Path(p.package_path) for p in installed_packages()}
    try:
        package.install_from_path(path)
    except Exception as exc:
        raise ModelError(f"cannot install {path}: {exc}") from exc
    new = [p for p in installed_packages() if Path(p.package_path) not in before]
    installed = new or [p for p in installed_packages() if Path(p.package_path).name in {n.split("/")[0] for n in names}]
    if not installed:
        raise ModelError(f"{path} was unpacked but holds no translation package argostranslate can load")
    return ", ".join(f"{p.from_code}->{p.to_code}" for p in installed)


def install_from_index(source: str, targets: list[str]) -> list[str]:
    """Download and install source->target packages from argostranslate's index (asked for by
    the user: the only download captioner makes); the pairs installed."""
    package = argos_package_module()
    from argostranslate import settings

    index = Path(settings.local_package_index)
    package.update_package_index()  # logs and returns on network errors
    if not index.exists():
        raise ModelError(f"cannot reach the argostranslate package index (offline?); {OFFLINE_HINT}")
    try:
        available = package.get_available_packages()
    except Exception as exc:
        raise ModelError(f"the argostranslate package index {index} cannot be read ({exc}); {OFFLINE_HINT}") from exc
    done = []
    for target in targets:
        tgt = primary(target)
        matches = [p for p in available if p.from_code == source and p.to_code == tgt]
        if not matches:
            known = sorted({p.to_code for p in available if p.from_code == source})
            raise ModelError(f"the argostranslate index has no {source}->{tgt} package; "
                             f"from {source} it has: {', '.join(known) or 'none'}")
        try:
            download = matches[0].download()
        except Exception as exc:
            raise ModelError(f"downloading the {source}->{tgt} package failed ({exc}); {OFFLINE_HINT}") from exc
        package.install_from_path(download)
        done.append(f"{source}->{tgt}")
    return done

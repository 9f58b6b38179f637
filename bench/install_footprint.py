"""What a user's install costs: the size of a fresh virtual environment with captioner (without the
test extra) and the time `captioner --help` takes, for two commits side by side in one run.

    .venv/bin/python bench/install_footprint.py 831b48a HEAD [--work /tmp/footprint] [--runs 7]

Each commit's tree is exported with `git archive`, installed into its own new venv (torch==2.13.0
first, as the Makefile does), and measured; `--help` is timed alternately in the two venvs, so the
machine's noise falls on both. Prints one row per commit and the ratios.
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def folder_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def install(ref: str, work: Path) -> Path:
    tree = work / f"src-{ref}"
    env = work / f"venv-{ref}"
    for path in (tree, env):
        shutil.rmtree(path, ignore_errors=True)
    tree.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", ref], cwd=ROOT, check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    venv.create(env, with_pip=True)
    pip = [str(env / "bin" / "python"), "-m", "pip", "install", "-q"]
    subprocess.run(pip + ["torch==2.13.0"], check=True)
    subprocess.run(pip + [str(tree)], check=True)
    return env


def help_seconds(env: Path) -> float:
    started = time.perf_counter()
    subprocess.run([str(env / "bin" / "captioner"), "--help"], check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("before")
    parser.add_argument("after")
    parser.add_argument("--work", type=Path, default=Path("/tmp/footprint"))
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    envs = {ref: install(ref, args.work) for ref in (args.before, args.after)}
    for env in envs.values():
        help_seconds(env)  # the first start compiles bytecode
    times: dict[str, list[float]] = {ref: [] for ref in envs}
    for _ in range(args.runs):
        for ref, env in envs.items():
            times[ref].append(help_seconds(env))
    sizes = {ref: folder_bytes(env) for ref, env in envs.items()}
    print(f"{'commit':12s} {'venv MB':>9s} {'--help s (median)':>18s}")
    for ref in envs:
        print(f"{ref:12s} {sizes[ref] / 1e6:9.0f} {statistics.median(times[ref]):18.3f}")
    before, after = args.before, args.after
    print(f"after/before: size {sizes[after] / sizes[before]:.3f}, "
          f"--help {statistics.median(times[after]) / statistics.median(times[before]):.3f}")


if __name__ == "__main__":
    sys.exit(main())

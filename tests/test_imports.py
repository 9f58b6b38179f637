"""The package's modules import each other without cycles, imports inside functions included
(such an import only hides a cycle, it does not break it)."""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "captioner"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path, modules: set[str]) -> set[str]:
    """The package modules `path` imports, anywhere in it: `from .formats import srt` depends on
    the module srt, `from .formats import RLM` on the package's own __init__."""
    here = module_name(path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            submodules = {f"{base}.{alias.name}" for alias in node.names} & modules
            found |= submodules
            if len(submodules) < len(node.names):  # a name defined in `base` itself
                found.add(base)
    return {name for name in found if name in modules and name != here}


def graph() -> dict[str, set[str]]:
    paths = sorted(PACKAGE.rglob("*.py"))
    modules = {module_name(p) for p in paths}
    return {module_name(p): imports(p, modules) for p in paths}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one module (Tarjan)."""
    index, low, stack, on_stack, found, counter = {}, {}, [], set(), [], [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for other in sorted(edges.get(node, ())):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                other = stack.pop()
                on_stack.discard(other)
                group.append(other)
                if other == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_no_module_of_the_package_imports_itself_round_a_cycle():
    assert cycles(graph()) == []


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


# Stages in the order a recording goes through them; a module may import its own stage, an
# earlier one and the foundation, never a later stage (the pipeline and CLI come last).
STAGES = ("media", "glossary", "asr", "correct", "agenda", "speakers", "formats", "captions",
          "translate", "replay", "pipeline", "cli")
FOUNDATION = {"captioner.clock", "captioner.errors", "captioner.fileio", "captioner.lang", "captioner.model",
              "captioner.threads", "captioner.workspace"}


def stage_of(module: str) -> int | None:
    """The stage's position; -1 for the foundation; the package's own API (`captioner`), which
    imports from every stage, sits with the CLI."""
    if module in FOUNDATION:
        return -1
    if module == "captioner":
        return STAGES.index("cli")
    parts = module.split(".")
    if len(parts) >= 2 and parts[1] in STAGES:
        return STAGES.index(parts[1])
    return None


def later_stage_imports(edges: dict[str, set[str]]) -> list[str]:
    found = []
    for module, imported in sorted(edges.items()):
        here = stage_of(module)
        if here is None:
            continue
        for other in sorted(imported):
            there = stage_of(other)
            if there is None or there > here:
                found.append(f"{module} imports {other}")
    return found


def test_every_module_belongs_to_a_stage_or_the_foundation():
    assert [m for m in graph() if stage_of(m) is None] == []


def test_no_stage_imports_a_later_stage():
    assert later_stage_imports(graph()) == []


def test_the_stage_check_finds_an_import_of_a_later_stage():
    edges = {"captioner.asr.recognize": {"captioner.captions.rules", "captioner.model"},
             "captioner.model": {"captioner.media.audio"}}
    assert later_stage_imports(edges) == ["captioner.asr.recognize imports captioner.captions.rules",
                                          "captioner.model imports captioner.media.audio"]

"""The library's shape: layers that import only downward (import-linter, the contract in pyproject.toml),
no import cycle between any two modules, and no function-local import without a stated reason."""
from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

from kg_metrics import paths

LIB = paths.LIB_DIR
REPO = paths.REPO_ROOT


def test_the_layers_contract_is_kept():
    exe = Path(sys.executable).with_name("lint-imports")
    cmd = [str(exe) if exe.exists() else shutil.which("lint-imports") or "lint-imports"]
    run = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert "Contracts: 1 kept, 0 broken." in run.stdout


def _sccs(graph: grimp.ImportGraph) -> list[set[str]]:
    """Strongly connected components of the module graph (Tarjan), those with more than one module."""
    modules = sorted(graph.modules)
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph.find_modules_directly_imported_by(v)):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = set()
            while True:
                w = stack.pop()
                on.discard(w)
                comp.add(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(comp)

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for m in modules:
        if m not in index:
            visit(m)
    return out


def floors(graph: grimp.ImportGraph) -> int:
    """The length of the longest chain of imports (modules on it), the import graph's number of floors."""
    memo: dict[str, int] = {}

    def depth(m: str) -> int:
        if m not in memo:
            memo[m] = 1 + max((depth(w) for w in graph.find_modules_directly_imported_by(m)), default=0)
        return memo[m]

    return max(depth(m) for m in graph.modules)


def test_no_import_cycle_between_modules():
    graph = grimp.build_graph("kg_metrics", exclude_type_checking_imports=True)
    # Imports under `if TYPE_CHECKING:` (type hints only, never executed) are not part of the graph.
    cycles = _sccs(graph)
    assert cycles == [], f"import cycles: {cycles}"
    assert floors(graph) >= 5  # the graph is real: cli → build → report → analysis → data → …


def _local_imports(path: Path):
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    tree = ast.parse(source)
    for fn in ast.walk(tree):
        if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for node in ast.walk(fn):
                if isinstance(node, (ast.Import, ast.ImportFrom)):
                    around = " ".join(lines[max(node.lineno - 2, 0):node.end_lineno])
                    yield node.lineno, around


@pytest.mark.parametrize("path", sorted(p for p in LIB.rglob("*.py") if "__pycache__" not in p.parts),
                         ids=lambda p: str(p.relative_to(LIB)))
def test_function_local_imports_say_why(path):
    """An import inside a function is allowed only for a heavy or optional dependency, with a
    ``# lazy: <why>`` comment on its line or the line before."""
    bad = [line for line, around in _local_imports(path) if "# lazy:" not in around]
    assert not bad, f"{path.relative_to(LIB)}: function-local imports without '# lazy: <why>' at lines {bad}"


if __name__ == "__main__":  # prints the numbers the session notes quote
    g = grimp.build_graph("kg_metrics", exclude_type_checking_imports=True)
    cycles = _sccs(g)
    print(f"{len(g.modules)} modules, {len(cycles)} cycles" + ("" if cycles else f", {floors(g)} floors"))

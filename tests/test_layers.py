"""Architecture rules: the layers (DEVELOPERS.md rule 1) and nothing touches disk at import (rule 2)."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

FORBIDDEN = {
    "models": {"textual", "rich", "screens", "desk"},
    "forms": {"textual", "rich", "screens", "desk", "models", "peewee", "playhouse"},
    "output": {"textual", "rich", "screens", "desk", "models", "peewee", "playhouse"},
    "screens": {"peewee", "playhouse"},
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_respects_its_layer(package):
    offenders = []
    for path in sorted((ROOT / package).rglob("*.py")):
        bad = _imports(path) & FORBIDDEN[package]
        if bad:
            offenders.append(f"{path.relative_to(ROOT)} imports {', '.join(sorted(bad))}")
    assert not offenders, "layer rule broken:\n" + "\n".join(offenders)


def test_import_linter_contracts_hold():
    """The same rule through import-linter, which also follows indirect imports."""
    result = subprocess.run(
        [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports; "
                               "sys.exit(lint_imports(no_cache=True))"],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "BROKEN" not in result.stdout


def test_importing_the_app_touches_neither_disk_nor_database(tmp_path):
    env = dict(os.environ, HOME=str(tmp_path), XDG_DATA_HOME=str(tmp_path / "data"),
               XDG_CONFIG_HOME=str(tmp_path / "config"), DESK_DB="postgresql://nobody@127.0.0.1:1/none")
    code = ("import desk.cli, desk.app, desk.config, desk.wiring, models.desk, models.tables, screens, "
            "output.documents, forms.loader")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True)
    assert not any(tmp_path.rglob("*")), "import created files"


def _cycles(graph, modules: set[str]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph.find_modules_directly_imported_by(v):
            if w not in modules:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for module in sorted(modules):
        if module not in index:
            visit(module)
    return found


def test_no_import_circles():
    """No module imports, even lazily inside a function, one that imports it back: screens
    open each other through the app; the domain modules are layered over the kernel."""
    import grimp

    graph = grimp.build_graph("desk", "screens", "models", "forms", "output")
    modules = {m for m in graph.modules if m.split(".")[0] in {"desk", "screens", "models", "forms", "output"}}
    assert _cycles(graph, modules) == []


def test_no_domain_module_grows_past_400_lines():
    """The facade was one 1,070-line class; each capability module stays readable."""
    long = {p.name: n for p in (ROOT / "models").glob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 400}
    assert not long, long


def test_no_module_of_the_program_grows_past_600_lines():
    """A module past 600 lines holds more than one concern: split it (as models/ and
    forms/fields.py were)."""
    long = {str(p.relative_to(ROOT)): n for package in ("desk", "screens", "models", "forms", "output")
            for p in (ROOT / package).rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 600}
    assert not long, long

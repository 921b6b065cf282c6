"""No two of the project's modules import each other, directly or round a longer loop.

Imports are read from the source with `ast`, so an import inside a function (the usual way to hide a
cycle from Python) counts as much as one at the top of the file; only imports under
`if TYPE_CHECKING:` are left out, as they never run. Migrations are left out: they are history.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SKIP_DIRS = {".venv", "node_modules", "migrations", "static", "frontend", "__pycache__", ".git"}


def project_modules(root: Path = ROOT) -> dict[str, Path]:
    """Every module of the project's packages (directories with an __init__.py) by dotted name."""
    modules: dict[str, Path] = {}
    for path in root.rglob("*.py"):
        parts = path.relative_to(root).parts
        if any(part in SKIP_DIRS or part.startswith(".") for part in parts[:-1]):
            continue
        if len(parts) == 1:
            name = path.stem  # manage.py and the like: scripts, never imported, but their imports count
        else:
            packages = [root.joinpath(*parts[: i + 1]) for i in range(len(parts) - 1)]
            if not all((package / "__init__.py").exists() for package in packages):
                continue  # not inside a package: nothing can import it by name
            name = ".".join(parts[:-1]) if path.name == "__init__.py" else ".".join([*parts[:-1], path.stem])
        modules[name] = path
    return modules


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imported_names(tree: ast.AST, module: str, is_package: bool) -> set[str]:
    """Dotted names the module imports, at any depth (`from a import b` gives `a.b`: module b of
    package a, or name b of module a, which `import_graph` tells apart)."""
    names: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                base = base[: len(base) - node.level + (1 if is_package else 0)]
                prefix = ".".join([*base, node.module] if node.module else base)
            else:
                prefix = node.module or ""
            names.update(f"{prefix}.{alias.name}" for alias in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return names


def import_graph(root: Path = ROOT) -> dict[str, set[str]]:
    """module -> the project modules it imports (the deepest module each import names)."""
    modules = project_modules(root)
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        targets = set()
        for imported in _imported_names(tree, name, path.name == "__init__.py"):
            while imported and imported not in modules:
                imported = imported.rpartition(".")[0]
            if imported and imported != name:
                targets.add(imported)
        graph[name] = targets
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each sorted, largest first."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    for start in sorted(graph):
        if start in index:
            continue
        # Iterative depth-first search: (node, iterator over its successors).
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, successors = work[-1]
            for nxt in successors:
                if nxt not in graph:
                    continue
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted(graph[nxt]))))
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == node:
                            break
                    if len(group) > 1:
                        found.append(sorted(group))
    return sorted(found, key=lambda g: (-len(g), g))


def _loop(graph: dict[str, set[str]], group: list[str]) -> str:
    """One import loop through the group's first module, written 'a -> b -> a', for the failure message."""
    members = set(group)
    start = group[0]
    path, seen = [start], {start}
    node = start
    while True:
        nxt = sorted(graph[node] & members)
        if start in nxt and len(path) > 1:
            return " -> ".join([*path, start])
        choice = next((n for n in nxt if n not in seen), None)
        if choice is None:
            return " -> ".join([*path, "..."])
        path.append(choice)
        seen.add(choice)
        node = choice


def test_no_module_imports_another_that_imports_it_back():
    graph = import_graph()
    assert "placements.selectors" in graph and "sufficiency.settings" in graph  # the walk found the project
    found = cycles(graph)
    assert not found, "Import cycles between the project's modules:\n" + "\n".join(
        f"  {', '.join(group)}: {_loop(graph, group)}" for group in found
    )


def test_the_checker_finds_function_level_and_relative_cycles(tmp_path):
    package = tmp_path / "app"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("def f():\n    from app import b\n")
    (package / "b.py").write_text("from . import c\n")
    (package / "c.py").write_text("import app.a\n")
    (package / "d.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from app import e\nfrom app.a import f\n"
    )
    (package / "e.py").write_text("from app.d import x\n")
    graph = import_graph(tmp_path)
    assert graph["app.a"] == {"app.b"} and graph["app.b"] == {"app.c"} and graph["app.c"] == {"app.a"}
    assert graph["app.d"] == {"app.a"}  # the TYPE_CHECKING import never runs
    assert cycles(graph) == [["app.a", "app.b", "app.c"]]
    assert _loop(graph, ["app.a", "app.b", "app.c"]) == "app.a -> app.b -> app.c -> app.a"

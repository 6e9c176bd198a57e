"""The package's shape: no import cycle, lower layers never import higher ones, small modules
and functions, no hand-made process forking."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "briefing"
# Layers, lowest first: a module may import its own layer and the ones before it only.
LAYERS = (
    ("models", "errors", "settings", "executor", "cluster", "atomic"),
    ("text",),
    ("read",),
    ("pool",),
    ("rank",),
    ("compose",),
    ("render",),
    ("pipeline", "evaluate"),
    ("deliver",),
    ("daily",),
    ("cli", "__main__", "__init__"),
)
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 60


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    if parts[-1] == "__init__" and len(parts) > 1:
        parts = parts[:-1]
    return ".".join(("briefing", *parts))


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _imports(path: Path, modules: dict[str, Path]) -> set[str]:
    """Package modules imported anywhere in the file (function-local imports included)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        for name in names:
            if name in modules:
                found.add(name)
    return found


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    graph = {}
    for name, path in modules.items():
        deps = _imports(path, modules)
        # a package's __init__ runs before any of its modules: importing a module imports it
        deps |= {".".join(d.split(".")[:k]) for d in deps for k in range(2, d.count(".") + 1)}
        graph[name] = {d for d in deps if d in modules and d != name}
    return graph


def _layer(module: str) -> int:
    top = module.split(".")[1] if "." in module else "__init__"
    for k, names in enumerate(LAYERS):
        if top in names:
            return k
    raise AssertionError(f"{module} is in no layer of tests/test_layout.py")


def test_no_import_cycle() -> None:
    graph = _graph()
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for dep in sorted(graph[node]):
            if state.get(dep) == 1:
                cycle = stack[stack.index(dep) :] + [dep]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if dep not in state:
                visit(dep)
        stack.pop()
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module)


def test_lower_layers_never_import_higher_ones() -> None:
    bad = [
        f"{m} imports {d}"
        for m, deps in sorted(_graph().items())
        for d in sorted(deps)
        if m != "briefing" and _layer(d) > _layer(m)
    ]
    assert not bad, "\n".join(bad)


def test_modules_and_functions_stay_small() -> None:
    too_long = []
    for name, path in _modules().items():
        source = path.read_text(encoding="utf-8")
        lines = source.count("\n")
        if lines > MAX_MODULE_LINES:
            too_long.append(f"{name}: {lines} lines")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    too_long.append(f"{name}.{node.name}: {length} lines")
    assert not too_long, "\n".join(too_long)


def test_no_hand_made_forking() -> None:
    users = []
    for name, path in _modules().items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in {"fork", "forkpty"}:
                if isinstance(node.value, ast.Name) and node.value.id == "os":
                    users.append(f"{name}: os.{node.attr}")
    assert not users, "\n".join(users)

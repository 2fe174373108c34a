"""The package's layout keeps its promises: layers depend one way, no cycles, small modules.

Read from the source (every ``import`` statement, also those inside functions), so a
lazy import counts like any other dependency. docs/architecture.md draws the same layers.
"""

import ast
import collections
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1] / "autoseq"
# lowest first: a module may import from its own layer and the ones before it
LAYERS = [
    {"_compat", "_backend", "_version", "validation"},
    {"networks", "registry"},
    {"preprocessing"},
    {"estimators"},
    {"baselines"},
    {"model_selection"},
    {"automl", "testing", "io"},
    {"autoseq"},  # the package's own __init__: the public API
    {"ui"},
]
# the one place for private upstream API, the TensorFlow loader and the version may be
# reached into
PRIVATE_OK = {"autoseq._compat", "autoseq._backend", "autoseq._version"}
MAX_LINES = 600


def _module_name(path: pathlib.Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted(ROOT.rglob("*.py"))}


def _imports(path):
    """``(module, name)`` for every autoseq import in ``path`` (name None for ``import m``)."""
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0 \
                and node.module.split(".")[0] == "autoseq":
            for alias in node.names:
                yield node.module, alias.name
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "autoseq":
                    yield alias.name, None


def _target(module, name):
    """The module an import depends on: ``from a import b`` is module a.b when b is one."""
    full = f"{module}.{name}" if name else module
    return full if full in MODULES else module


def _layer(module: str) -> int:
    parts = module.split(".")
    key = parts[1] if len(parts) > 1 else "autoseq"
    return next(i for i, names in enumerate(LAYERS) if key in names)


GRAPH = {m: {_target(mod, name) for mod, name in _imports(p)} - {m} for m, p in MODULES.items()}


def test_every_module_belongs_to_a_layer():
    for module in MODULES:
        _layer(module)


def test_layers_depend_one_way():
    upward = [f"{m} ({_layer(m)}) imports {t} ({_layer(t)})"
              for m, targets in GRAPH.items() for t in sorted(targets)
              if t in MODULES and _layer(t) > _layer(m)]
    assert not upward, "imports from a higher layer:\n" + "\n".join(upward)


def test_no_import_cycle():
    index, low, stack, on_stack, cycles = {}, {}, [], set(), []

    def visit(v):  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in GRAPH[v]:
            if w not in MODULES:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for module in MODULES:
        if module not in index:
            visit(module)
    assert not cycles, f"import cycles: {cycles}"


def test_no_private_name_crosses_a_module_boundary():
    found = []
    for module, path in MODULES.items():
        for source, name in _imports(path):
            if source in PRIVATE_OK:
                continue
            private_module = any(part.startswith("_") for part in source.split(".")[1:])
            same_package = source.rsplit(".", 1)[0] == module.rsplit(".", 1)[0] or \
                source.rsplit(".", 1)[0] == module
            if (name or "").startswith("_") and _target(source, name) == source:
                found.append(f"{module}: from {source} import {name}")
            elif private_module and not same_package:
                found.append(f"{module}: imports the private module {source}")
    assert not found, "private names imported across modules:\n" + "\n".join(found)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_modules_stay_small(module):
    n_lines = len(MODULES[module].read_text().splitlines())
    assert n_lines <= MAX_LINES, f"{module} has {n_lines} lines (at most {MAX_LINES})"


def test_the_layers_read_as_documented():
    doc = (ROOT.parent / "docs" / "architecture.md").read_text()
    for names in LAYERS:
        for name in names - {"autoseq"}:
            assert f"`{name}`" in doc, f"docs/architecture.md does not mention `{name}`"


def test_the_graph_sees_lazy_imports():
    # the check is only worth something if imports inside functions count
    assert "autoseq.estimators.keras" in GRAPH["autoseq.automl.classifier"]
    counts = collections.Counter(_layer(m) for m in MODULES)
    assert len(counts) == len(LAYERS)

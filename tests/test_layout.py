"""The package's layout rules, read from its source with `ast` (nothing here imports it
except the import-side-effects check, which runs in a subprocess).

1. No import cycle among the package's modules. Every `import` counts: module level,
   inside functions, and under `if TYPE_CHECKING:` (a type-only import still ties two
   layers together). `import a.b.c` counts as an edge to `a.b.c` only, not to the
   packages above it, which Python imports first anyway. `from pkg import name`
   counts as an edge to `pkg.name` when that is a module, else to `pkg` itself.
2. No module reads another module's underscored member, except from the documented
   interface modules in `PRIVATE_INTERFACES`. Private *modules* (`tftape_torch._tape`)
   may be imported; private *members* (`_tape._STATE`, `from tftape_torch._tape import
   _unconnected`) may not. Dunders (`__all__`, `__version__`) are public. A second,
   heuristic check extends this to objects: `tape._compute()` outside `_tape.py`.
3. `import tftape_torch` imports neither TensorFlow, Keras nor `torch._dynamo`.
4. No module is over `MAX_LINES` lines unless its docstring says why, with the words
   "over 800 lines because".
"""

from __future__ import annotations

import ast
import json
import os
import pathlib
import subprocess
import sys
from typing import Dict, Iterator, List, Optional, Set, Tuple

ROOT = pathlib.Path(__file__).resolve().parent.parent
PACKAGE_DIR = ROOT / "tftape_torch"
PACKAGE = PACKAGE_DIR.name

# Modules whose underscored members are their documented interface to the rest of the
# package (the torch-internals layer and the per-thread state layer).
PRIVATE_INTERFACES = {"tftape_torch._torch_internals", "tftape_torch._state"}

MAX_LINES = 800
LONG_MODULE_REASON = "over 800 lines because"


def discover() -> Dict[str, pathlib.Path]:
    """Dotted module name -> source file, for every module of the package."""
    modules = {}
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


MODULES = discover()
TREES = {name: ast.parse(path.read_text(), filename=str(path)) for name, path in MODULES.items()}


def is_dunder(name: str) -> bool:
    return name.startswith("__") and name.endswith("__")


def is_private(name: str) -> bool:
    return name.startswith("_") and not is_dunder(name)


def from_base(module: str, node: ast.ImportFrom) -> str:
    """The absolute module a `from ... import` statement reads from."""
    if not node.level:
        return node.module or ""
    package = module if MODULES[module].name == "__init__.py" else module.rpartition(".")[0]
    parts = package.split(".")
    parts = parts[: len(parts) - node.level + 1]
    return ".".join(parts + ([node.module] if node.module else []))


def imports(module: str) -> Iterator[Tuple[str, int]]:
    """(package module imported, line) for every import statement in `module`."""
    for node in ast.walk(TREES[module]):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in MODULES:
                    yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            base = from_base(module, node)
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                if sub in MODULES:
                    yield sub, node.lineno
                elif base in MODULES:
                    yield base, node.lineno


def import_graph() -> Dict[str, Dict[str, int]]:
    """module -> {module it imports: first line that imports it}."""
    graph: Dict[str, Dict[str, int]] = {m: {} for m in MODULES}
    for module in MODULES:
        for target, line in imports(module):
            if target != module:
                graph[module].setdefault(target, line)
    return graph


def strongly_connected(graph: Dict[str, Dict[str, int]]) -> List[List[str]]:
    """Tarjan's strongly connected components with more than one module."""
    index: Dict[str, int] = {}
    low: Dict[str, int] = {}
    stack: List[str] = []
    on_stack: Set[str] = set()
    components: List[List[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
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
                components.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return components


def one_cycle(graph: Dict[str, Dict[str, int]], component: List[str]) -> List[str]:
    """A concrete cycle through the first module of a strongly connected component."""
    members = set(component)
    start = component[0]
    parents: Dict[str, Optional[str]] = {start: None}
    queue = [start]
    while queue:  # breadth first, so the cycle printed is a shortest one through `start`
        v = queue.pop(0)
        for w in sorted(graph[v]):
            if w == start:
                path = [v]
                while parents[path[-1]] is not None:
                    path.append(parents[path[-1]])  # type: ignore[arg-type]
                return path[::-1] + [start]
            if w in members and w not in parents:
                parents[w] = v
                queue.append(w)
    return component  # pragma: no cover - a strongly connected component always has a cycle


def describe_cycle(graph: Dict[str, Dict[str, int]], cycle: List[str]) -> str:
    steps = [f"{a} imports {b} (line {graph[a][b]})" for a, b in zip(cycle, cycle[1:])]
    return "\n    ".join(steps)


def test_no_import_cycles() -> None:
    graph = import_graph()
    components = strongly_connected(graph)
    report = []
    for component in components:
        cycle = one_cycle(graph, component)
        inside = [
            f"{a} -> {b} (line {line})"
            for a in component for b, line in sorted(graph[a].items()) if b in component
        ]
        report.append(
            f"cycle among {', '.join(component)}:\n    {describe_cycle(graph, cycle)}\n"
            f"  all imports inside it:\n    " + "\n    ".join(inside)
        )
    print("\n".join(report))
    assert not components, f"{len(components)} import cycle(s):\n" + "\n".join(report)


def test_cycle_finder_sees_function_level_and_type_checking_imports() -> None:
    graph = {"a": {"b": 1}, "b": {"c": 2}, "c": {"a": 3}, "d": {"a": 4}}
    assert strongly_connected(graph) == [["a", "b", "c"]]
    assert one_cycle(graph, ["a", "b", "c"]) == ["a", "b", "c", "a"]
    tree = ast.parse(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from tftape_torch._tape import GradientTape\n"
        "def f():\n    from tftape_torch import _variable\n"
    )
    found = {
        f"{n.module}:{a.name}"
        for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) for a in n.names
    }
    assert {"tftape_torch._tape:GradientTape", "tftape_torch:_variable"} <= found


# ---------------------------------------------------------------------------
# Private members


def module_aliases(module: str) -> Dict[str, str]:
    """Local name -> package module, for every name an import binds to a package module."""
    aliases: Dict[str, str] = {}
    for node in ast.walk(TREES[module]):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in MODULES:
                    # `import a.b` binds `a`; `import a.b as c` binds `c` to `a.b`.
                    if alias.asname:
                        aliases[alias.asname] = alias.name
                    else:
                        top = alias.name.split(".")[0]
                        aliases[top] = top
        elif isinstance(node, ast.ImportFrom):
            base = from_base(module, node)
            for alias in node.names:
                if f"{base}.{alias.name}" in MODULES:
                    aliases[alias.asname or alias.name] = f"{base}.{alias.name}"
    return aliases


def dotted(node: ast.expr) -> Optional[List[str]]:
    """`a.b.c` -> ["a", "b", "c"]; None for anything that is not a plain name chain."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return parts[::-1]


def private_reads(module: str) -> Iterator[Tuple[int, str, str]]:
    """(line, owning module, member) for each underscored member `module` reads elsewhere."""
    aliases = module_aliases(module)
    for node in ast.walk(TREES[module]):
        if isinstance(node, ast.ImportFrom):
            base = from_base(module, node)
            if base not in MODULES:
                continue
            for alias in node.names:
                if is_private(alias.name) and f"{base}.{alias.name}" not in MODULES:
                    yield node.lineno, base, alias.name
        elif isinstance(node, ast.Attribute):
            chain = dotted(node)
            if not chain or chain[0] not in aliases:
                continue
            owner = aliases[chain[0]]
            # Walk down through submodules: `tftape_torch._tape._STATE` -> owner `_tape`.
            rest = chain[1:]
            while rest and f"{owner}.{rest[0]}" in MODULES:
                owner = f"{owner}.{rest[0]}"
                rest = rest[1:]
            # Only the attribute this node adds is judged; the chain's own prefixes are
            # visited as separate nodes.
            if len(rest) == 1 and is_private(rest[0]):
                yield node.lineno, owner, rest[0]
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in {"getattr", "setattr", "hasattr", "delattr"}
            and len(node.args) >= 2
            and isinstance(node.args[1], ast.Constant)
            and isinstance(node.args[1].value, str)
            and is_private(node.args[1].value)
        ):
            chain = dotted(node.args[0])
            if chain and chain[0] in aliases:
                owner = aliases[chain[0]]
                for part in chain[1:]:
                    owner = f"{owner}.{part}"
                if owner in MODULES:
                    yield node.lineno, owner, node.args[1].value


def test_no_module_reads_another_modules_private_members() -> None:
    found = []
    for module in sorted(MODULES):
        for line, owner, member in private_reads(module):
            if owner != module and owner not in PRIVATE_INTERFACES:
                found.append(f"{MODULES[module].relative_to(ROOT)}:{line}: {owner}.{member}")
    found = sorted(set(found))
    print("\n".join(found))
    assert not found, (
        f"{len(found)} read(s) of another module's underscored member (make it public to "
        f"the package, or move it behind {sorted(PRIVATE_INTERFACES)}):\n" + "\n".join(found)
    )


def private_definitions(module: str) -> Set[str]:
    """Underscored names `module` defines: functions, classes, assigned names and
    attributes (`self._x = ...`), parameters."""
    names: Set[str] = set()
    for node in ast.walk(TREES[module]):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            names.add(node.attr)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
    return {n for n in names if is_private(n)}


def test_no_module_reads_private_attributes_another_module_defines() -> None:
    """Heuristic for objects: `tape._compute(...)` in `_jacobian.py` reads a member only
    `_tape.py` defines. An `obj._name` counts when `obj` is not `self`/`cls`, this module
    defines no `_name` of its own and another package module does (so torch's own
    underscored attributes, which belong in the torch-internals layer, do not count)."""
    defined = {module: private_definitions(module) for module in MODULES}
    found = []
    for module in sorted(MODULES):
        aliases = module_aliases(module)
        for node in ast.walk(TREES[module]):
            if not isinstance(node, ast.Attribute) or not is_private(node.attr):
                continue
            if isinstance(node.value, ast.Name) and (
                node.value.id in ("self", "cls") or node.value.id in aliases
            ):
                continue  # own members, or a module's members (the test above)
            if node.attr in defined[module]:
                continue
            owners = sorted(
                o for o in MODULES
                if o != module and o not in PRIVATE_INTERFACES and node.attr in defined[o]
            )
            if owners:
                found.append(
                    f"{MODULES[module].relative_to(ROOT)}:{node.lineno}: .{node.attr} "
                    f"(defined in {', '.join(owners)})"
                )
    found = sorted(set(found))
    print("\n".join(found))
    assert not found, (
        f"{len(found)} read(s) of an underscored attribute that another module defines "
        f"(give the owner a package-internal public method instead):\n" + "\n".join(found)
    )


# ---------------------------------------------------------------------------
# Import side effects


def test_importing_the_package_imports_no_tensorflow_keras_or_dynamo() -> None:
    code = (
        "import json, sys\n"
        "import tftape_torch\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('tensorflow', 'keras',"
        " 'tf_keras') or m == 'torch._dynamo' or m.startswith('torch._dynamo.'))\n"
        "print(json.dumps({'file': tftape_torch.__file__, 'bad': bad}))\n"
    )
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT)] + [p for p in [env.get("PYTHONPATH")] if p])
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=str(ROOT), env=env, capture_output=True,
        text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert pathlib.Path(result["file"]).resolve().parent == PACKAGE_DIR
    assert not result["bad"], f"`import tftape_torch` imported: {result['bad']}"


# ---------------------------------------------------------------------------
# Module size


def test_no_module_is_over_800_lines_without_a_stated_reason() -> None:
    long = []
    for module, path in sorted(MODULES.items()):
        lines = len(path.read_text().splitlines())
        docstring = ast.get_docstring(TREES[module]) or ""
        if lines > MAX_LINES and LONG_MODULE_REASON not in " ".join(docstring.split()):
            long.append(f"{path.relative_to(ROOT)}: {lines} lines")
    assert not long, (
        f"modules over {MAX_LINES} lines whose docstring does not say "
        f"'{LONG_MODULE_REASON} ...': {long}"
    )

"""The house rules of the code, read from the imports with `ast`.

- The domain apps never import the tools (`demo`, `scale`) or the reporting (`insight`): the
  domain can be read, installed and tested without them.
- `insight` reads the domain through its models and selectors only, never its services, views,
  forms, tasks or API.
- Imports sit at the top of a module. The exceptions are `AppConfig.ready()` (where Django wants
  signal and registry modules loaded) and the few listed below, each with its reason.
- No import cycles between the project's modules.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = ("directory", "consent", "referrals", "appointments", "evaluation", "packages")
PROJECT = ("perhelinja", *DOMAIN, "insight", "interop", "demo", "scale")
TOOLS = ("demo", "scale", "insight")
# Function-level imports that stay, with why.
LATE_IMPORTS = {
    # WeasyPrint loads Pango and Cairo: only the processes that make PDFs pay for that.
    ("perhelinja/pdf.py", "weasyprint"),
    ("perhelinja/pdf.py", "weasyprint.urls"),
}


def _modules(package: str):
    for path in sorted((ROOT / package).rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


def _name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _exists(module: str) -> bool:
    path = ROOT.joinpath(*module.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _imports(path: Path):
    """(imported module, node, inside a function) for every import of the file, relative
    imports resolved."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package = _name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    functions = [
        node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    ]
    late = {id(sub) for fn in functions for sub in ast.walk(fn)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node, id(node) in late
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = ".".join(package[: len(package) - node.level + 1])
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            # `from a import b` imports the module a.b when there is one, else names of a.
            submodules = [f"{module}.{alias.name}" for alias in node.names]
            submodules = [name for name in submodules if _exists(name)]
            for name in submodules:
                yield name, node, id(node) in late
            if len(submodules) < len(node.names):
                yield module, node, id(node) in late


def _top(module: str) -> str:
    return module.split(".")[0]


@pytest.mark.parametrize("app", DOMAIN)
def test_a_domain_app_imports_no_tool_and_no_reporting(app):
    found = [
        f"{path.relative_to(ROOT)}:{node.lineno} imports {module}"
        for path in _modules(app)
        for module, node, _late in _imports(path)
        if _top(module) in TOOLS
    ]
    assert found == []


def test_insight_reads_the_domain_through_models_and_selectors_only():
    found = []
    for path in _modules("insight"):
        for module, node, _late in _imports(path):
            parts = module.split(".")
            if parts[0] in DOMAIN and len(parts) > 1 and parts[1] not in ("models", "selectors"):
                if not (len(parts) > 2 and parts[1] in ("models", "selectors")):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} imports {module}")
            elif parts[0] in DOMAIN and len(parts) == 1:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} imports {module}")
    assert found == []


def test_imports_sit_at_the_top_of_modules():
    found = []
    for package in PROJECT:
        for path in _modules(package):
            if path.name == "apps.py":  # AppConfig.ready()
                continue
            relative = str(path.relative_to(ROOT))
            for module, node, late in _imports(path):
                if late and (relative, module) not in LATE_IMPORTS:
                    found.append(f"{relative}:{node.lineno} imports {module}")
    assert sorted(set(found)) == []


def test_no_import_cycles_between_modules():
    modules = {_name(path): path for package in PROJECT for path in _modules(package)}
    graph = {
        name: {
            module
            for module, _node, late in _imports(path)
            if not late and module in modules and module != name
        }
        for name, path in modules.items()
        if path.name != "apps.py"
    }
    # A cycle through a package's __init__ that only names the package is not a cycle of code.
    cycles = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append(" → ".join([*stack[stack.index(nxt) :], nxt]))
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    assert cycles == []

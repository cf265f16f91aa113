"""The house keeps its shape: no import cycle between modules, role names only in the access package, a package
root of packages and a handful of modules, and ``metrics`` pure."""

from __future__ import annotations

import ast
from pathlib import Path

from louiestat.access.policy import ROLES
from tests.conftest import ROOT

PACKAGES = ("louiestat", "metrics")


def _modules() -> dict[str, Path]:
    """Every module of the project's packages, by dotted name."""
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def _runtime_imports(path: Path, name: str, modules: dict[str, Path]) -> set[str]:
    """The project modules ``path`` imports when it runs (anywhere in it, functions included; not the imports
    under ``if TYPE_CHECKING``, which never run). A package's parent is imported first by Python itself, so it
    is not counted as a dependency."""
    tree = ast.parse(path.read_text())
    skipped = {id(node) for stmt in ast.walk(tree) if isinstance(stmt, ast.If) and ast.unparse(stmt.test) == "TYPE_CHECKING"
               for node in ast.walk(stmt)}
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    imported = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            submodules = {f"{base}.{alias.name}" for alias in node.names} & modules.keys()
            imported |= submodules or {base}  # ``from package import module`` needs the module (and its parent)
    return {module for module in imported if module in modules and module != name}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for neighbour in graph[node]:
            if neighbour not in index:
                visit(neighbour)
                low[node] = min(low[node], low[neighbour])
            elif neighbour in stack:
                low[node] = min(low[node], index[neighbour])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _runtime_imports(path, name, modules) for name, path in modules.items()}


def test_no_module_imports_itself_through_others() -> None:
    assert _cycles(_graph()) == []


def test_the_cycle_check_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_metrics_imports_nothing_from_the_application_the_database_or_streamlit() -> None:
    for path in (ROOT / "metrics").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                     [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for name in names:
                assert name.split(".")[0] not in {"louiestat", "sqlalchemy", "streamlit"}, f"{path}: imports {name}"


def _compared(tree: ast.AST) -> set[int]:
    """The ids of the constants a comparison reads (``role == "admin"``, ``role in ("admin", "analyst")``)."""
    return {id(const) for node in ast.walk(tree) if isinstance(node, ast.Compare)
            for part in [node.left, *node.comparators] for const in ast.walk(part) if isinstance(const, ast.Constant)}


def test_role_names_are_written_only_in_the_access_package() -> None:
    unambiguous = {role for role in ROLES if role != "head"}  # "head" is also Alembic's newest revision
    for path in (ROOT / "louiestat").rglob("*.py"):
        if "access" in path.relative_to(ROOT / "louiestat").parts:
            continue
        tree = ast.parse(path.read_text())
        compared = _compared(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and node.value in ROLES and (
                    node.value in unambiguous or id(node) in compared):
                raise AssertionError(f"{path}:{node.lineno} names the role {node.value!r}; ask louiestat.access.policy")


def test_the_package_root_holds_packages_and_a_handful_of_modules() -> None:
    modules = sorted(p.name for p in (ROOT / "louiestat").glob("*.py"))
    assert modules == ["__init__.py", "__main__.py", "config.py", "errors.py", "months.py", "sample_city.py"]

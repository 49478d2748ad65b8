"""The layers of the service, as docs/ARCHITECTURE.md draws them, read from the code's
own imports: the domain knows no web framework and no database, the store no web
framework, the shared HTTP layer neither of its users, and api/ and web/ are siblings
that never import each other, nor the desk, which imports neither."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SERVICE = Path(__file__).resolve().parents[1] / "service"


def _imports(path: Path) -> set[str]:
    """Every module `path` imports, relative imports resolved to absolute names."""
    package = ".".join(path.relative_to(SERVICE.parent).with_suffix("").parts[:-1])
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[:len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            names.add(module)
            # `from . import x` imports the module `x` of that package.
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def _layer_imports(layer: str) -> dict[str, set[str]]:
    return {str(path.relative_to(SERVICE.parent)): _imports(path)
            for path in sorted((SERVICE / layer).rglob("*.py"))}


def _offenders(layer: str, forbidden: tuple[str, ...]) -> dict[str, list[str]]:
    found = {}
    for path, names in _layer_imports(layer).items():
        bad = sorted(n for n in names if any(n == f or n.startswith(f + ".") for f in forbidden))
        if bad:
            found[path] = bad
    return found


@pytest.mark.parametrize(("layer", "forbidden"), [
    ("domain", ("flask", "flask_smorest", "flask_babel", "sqlalchemy", "service.store",
                "service.http", "service.api", "service.web", "service.database")),
    ("store", ("flask", "flask_smorest", "flask_babel", "service.http", "service.api",
               "service.web", "service.database")),
    ("http", ("service.api", "service.web")),
    ("web", ("service.api", "service.desk")),
    ("api", ("service.web", "service.desk")),
    # The desk calls the store and the domain itself, never the API (nor the embeds).
    ("desk", ("service.api", "service.web")),
])
def test_a_layer_imports_nothing_above_it_or_beside_it(layer, forbidden):
    assert _offenders(layer, forbidden) == {}


def test_the_reader_resolves_relative_imports():
    # The test above would pass vacuously if relative imports were misread.
    names = _layer_imports("web")["service/web/embed.py"]
    assert {"service.http.args", "service.domain.model", "service.web.i18n"} <= names

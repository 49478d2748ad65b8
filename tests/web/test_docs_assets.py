"""The Swagger UI build served at /docs/assets/ is the one package.json pins:
service/web/static/docs/ holds a copy (`npm run vendor:swagger-ui`), so that
the package needs no Node at run time and loads nothing from a CDN."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VENDORED = ROOT / "service" / "web" / "static" / "docs"
DIST = ROOT / "node_modules" / "swagger-ui-dist"
FILES = ("swagger-ui-bundle.js", "swagger-ui-bundle.js.LICENSE.txt", "swagger-ui.css",
         "LICENSE", "NOTICE")


def test_the_copy_carries_its_licence():
    for name in FILES:
        assert (VENDORED / name).stat().st_size > 0, name
    assert "Apache License" in (VENDORED / "LICENSE").read_text("utf-8")


def test_the_copy_is_the_pinned_release():
    if not DIST.exists():
        pytest.skip("node_modules/swagger-ui-dist is not installed: run `npm ci` at the "
                    "repository root")
    pinned = json.loads((ROOT / "package.json").read_text("utf-8"))["devDependencies"]
    assert json.loads((DIST / "package.json").read_text("utf-8"))["version"] == \
        pinned["swagger-ui-dist"]
    for name in FILES:
        assert (VENDORED / name).read_bytes() == (DIST / name).read_bytes(), (
            f"{name} differs from swagger-ui-dist {pinned['swagger-ui-dist']}: "
            "run `npm run vendor:swagger-ui`")

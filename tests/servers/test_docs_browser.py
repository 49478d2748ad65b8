"""/docs in a real browser: Swagger UI 5 renders the committed openapi.yaml
(OpenAPI 3.1), shows every operation, answers a "Try it out", logs no error
under the page's Content-Security-Policy, and axe-core finds no WCAG 2.1 A or
AA violation: on the page as it opens, with operations of every kind open in
"Try it out", and in the authorization dialog.

axe-core comes from node_modules (`npm ci` at the repo root); without it only
the accessibility test is skipped. `STANDPOINT_UPDATE_SCREENSHOTS=1` copies
the screenshot to docs/screenshots/docs.png.
"""

from __future__ import annotations


import pytest
import yaml

from .browser import AXE, BROWSER_MARKS, ROOT, axe_violations, screenshot
from .server import live_server

pytestmark = BROWSER_MARKS

DESKTOP = {"width": 1280, "height": 900}
METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with live_server(tmp_path_factory.mktemp("docs"), workers=1) as running:
        yield running.url


def operations() -> list[tuple[str, str, str]]:
    """(operationId, METHOD, path) of every operation in the committed contract."""
    spec = yaml.safe_load((ROOT / "openapi.yaml").read_text("utf-8"))
    return [(operation["operationId"], method.upper(), path)
            for path, item in spec["paths"].items()
            for method, operation in item.items() if method in METHODS]


def open_docs(tab, server: str):
    response = tab.page.goto(server + "/docs", wait_until="load")
    assert response.status == 200
    policy = response.headers["content-security-policy"]
    assert "script-src 'self';" in policy and "unsafe" not in policy
    tab.page.wait_for_selector(".swagger-ui .opblock", timeout=30_000)
    return tab.page


# One operation of each kind the UI draws differently: path, query (dates,
# booleans, exploded lists), header and body parameters, JSON, CSV and HTML
# answers, a write with its security, links and If-Match, a probe. (All 40-odd
# at once take Swagger UI over a minute to draw, for no widget more.)
SAMPLE = ("getActor", "listStatements", "compareActors", "createStatement", "reviseStatement",
          "getMatrixCsv", "getMatrixEmbed", "getOEmbed", "listChanges", "getReadiness")


def operation(page, operation_id: str):
    return page.locator(
        f'.opblock:has(.opblock-summary-operation-id:text-is("{operation_id}"))')


def open_operations(page, operation_ids) -> None:
    for operation_id in operation_ids:
        block = operation(page, operation_id)
        if "is-open" not in (block.get_attribute("class") or ""):
            block.locator(".opblock-summary-control").click()
        block.locator(".opblock-body").wait_for()


def try_it_out(page, operation_id: str, **parameters: str):
    open_operations(page, [operation_id])
    block = operation(page, operation_id)
    block.locator(".try-out__btn").click()
    for name, value in parameters.items():
        block.locator(f'tr[data-param-name="{name}"] input').fill(value)
    block.locator("button.execute").click()
    status = block.locator(".live-responses-table tbody .response-col_status")
    status.wait_for(timeout=15_000)
    return status.inner_text().strip(), block.locator(".live-responses-table tbody").inner_text()




def test_every_operation_shows_and_try_it_out_answers(server, watched):
    tab = watched(DESKTOP)
    page = open_docs(tab, server)
    assert "Unable to render this definition" not in page.inner_text("body")
    shown = page.evaluate("""() => [...document.querySelectorAll('.opblock')].map(block => [
        block.querySelector('.opblock-summary-operation-id')?.textContent.trim(),
        block.querySelector('.opblock-summary-method').textContent.trim(),
        block.querySelector('.opblock-summary-path, .opblock-summary-path__deprecated')
             .getAttribute('data-path')])""")
    missing = set(operations()) - {tuple(item) for item in shown}
    assert not missing, f"operations of openapi.yaml missing from /docs: {sorted(missing)}"
    screenshot(page, "docs", full_page=False)

    status, answer = try_it_out(page, "getActor", actor_id="uk")
    assert status == "200"
    assert '"name": "United Kingdom"' in answer
    assert tab.errors == []
    assert tab.foreign_requests(server) == []


@pytest.mark.skipif(not AXE.exists(), reason=(
    "node_modules/axe-core is not installed: run `npm ci` at the repository root"))
def test_no_wcag_21_aa_violation(server, watched):
    tab = watched(DESKTOP)
    page = open_docs(tab, server)
    assert axe_violations(page, server) == []

    # A sample of operations open, one answered, the others' forms in "Try it out".
    assert try_it_out(page, "getActor", actor_id="uk")[0] == "200"
    open_operations(page, SAMPLE)
    for operation_id in SAMPLE[1:]:
        operation(page, operation_id).locator(".try-out__btn").click()
    assert axe_violations(page, server) == []

    page.locator(".auth-wrapper .btn.authorize").click()
    page.wait_for_selector(".modal-ux")
    assert axe_violations(page, server) == []
    assert tab.errors == []

"""PNG renders run in a process pool beside the worker (service/web/raster.py);
a render that cannot start in time is refused, never left to hang the request."""

from __future__ import annotations

PNG = "/embed/topics/peacekeepers/spectrum.png?as_of=2025-03-20&title=Raster+test"


def test_a_render_that_waits_too_long_is_a_503_with_retry_after(app):
    app.config["RENDER_TIMEOUT"] = 0.001  # no render process answers within a millisecond
    answer = app.test_client().get(PNG)
    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == "5"
    assert "drawn" in answer.get_data(as_text=True)


def test_the_pool_draws_the_png_and_is_reused(app):
    from service.web import raster

    client = app.test_client()
    first = client.get(PNG)
    pool = raster._pool
    second = client.get(PNG.replace("Raster+test", "Again"))
    assert first.status_code == second.status_code == 200
    assert first.data.startswith(b"\x89PNG\r\n\x1a\n") and second.data.startswith(b"\x89PNG")
    assert raster._pool is pool  # one pool per process, not one per render

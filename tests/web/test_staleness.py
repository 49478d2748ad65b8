"""How old a position is (issue 21): positions say when they were last stated and how many
days before `as_of`; embeds and charts say so in words once a position is older than the
newsroom's threshold (STANDPOINT_STALE_AFTER_DAYS, default 90)."""

from __future__ import annotations

import re

import pytest

from service import create_app

LATE = "2025-12-31"  # 286 days after the report of 20 March 2025
UK_MARK = "Last stated 286 days before 31 December 2025."


def page(client, url: str) -> str:
    """The page's words, tags dropped and spaces collapsed (a chart wraps its lines)."""
    response = client.get(url)
    assert response.status_code == 200, url
    return " ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split())


def test_positions_say_when_they_were_stated_and_how_old_they_are(client):
    body = client.get(f"/v1/positions?as_of={LATE}&actors=uk,us&topics=peacekeepers").get_json()
    uk, us = body["positions"]
    assert (uk["stated_on"], uk["date_precision"], uk["age_days"]) == (
        "2025-03-20", "on_or_before", 286)
    assert (us["stated_on"], us["date_precision"], us["age_days"]) == (None, None, None)
    cell = client.get("/v1/matrix?as_of=2025-03-20&actors=uk&topics=peacekeepers").get_json()
    assert cell["rows"][0]["cells"][0]["age_days"] == 0


def test_a_fresh_position_carries_no_mark(client):
    for detail in ("compact", "full"):
        assert "Last stated" not in page(client, f"/embed/matrix?as_of=2025-03-20&detail={detail}")


@pytest.mark.parametrize("url", [
    f"/embed/matrix?as_of={LATE}&actors=uk&topics=peacekeepers",
    f"/embed/matrix?as_of={LATE}&actors=uk&topics=peacekeepers&detail=full",
    f"/embed/compare?actors=uk,russia&as_of={LATE}&topics=peacekeepers",
])
def test_the_embeds_say_how_old_a_position_is_past_the_threshold(client, url):
    assert UK_MARK in page(client, url)


def test_the_timeline_says_how_old_the_last_position_is_at_its_end(client):
    html = page(client, f"/embed/actors/uk/timeline?to={LATE}&topics=peacekeepers")
    assert UK_MARK in html


def test_the_charts_say_it_in_words_in_the_page_and_the_download(client):
    for url in (f"/embed/topics/peacekeepers/spectrum?as_of={LATE}",
                f"/embed/topics/peacekeepers/spectrum.svg?as_of={LATE}"):
        assert f"United Kingdom: {UK_MARK}" in page(client, url)
    for url in (f"/embed/actors/uk/steps?topic=peacekeepers&to={LATE}",
                f"/embed/actors/uk/steps.svg?topic=peacekeepers&to={LATE}"):
        assert f"United Kingdom: {UK_MARK}" in page(client, url)
    assert "Last stated" not in page(client, "/embed/topics/peacekeepers/spectrum.svg"
                                             "?as_of=2025-03-20")


def test_the_newsroom_sets_the_threshold(tmp_path):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'stale.db'}",
                      "STALE_AFTER_DAYS": 365})
    client = app.test_client()
    assert "Last stated" not in page(client, f"/embed/matrix?as_of={LATE}&actors=uk")
    assert "Last stated 651 days before 31 December 2026." in page(
        client, "/embed/matrix?as_of=2026-12-31&actors=uk&topics=peacekeepers")
    app.extensions["standpoint.engine"].dispose()

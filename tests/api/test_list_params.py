"""List parameters: the exploded form generated clients send (`actors=uk&actors=russia`)
and the comma form people type (`actors=uk,russia`) mean the same; no value is ever dropped."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.read_only

DAY = "2025-03-20"


@pytest.mark.parametrize("path, key", [
    (f"/v1/positions?as_of={DAY}&topics=backstop&{{ids}}", "positions"),
    (f"/v1/matrix?as_of={DAY}&topics=backstop&{{ids}}", "rows"),
    (f"/v1/compare?as_of={DAY}&topics=backstop&{{ids}}", "actors"),
    ("/v1/topics/backstop/timeline?{ids}", None),
])
@pytest.mark.parametrize("ids", ["actors=uk&actors=russia", "actors=uk,russia",
                                 "actors=uk&actors=uk,russia", "actors=UK&actors= russia"])
def test_both_forms_name_the_same_actors(client, path, key, ids):
    exploded = client.get(path.format(ids="actors=uk&actors=russia"))
    other = client.get(path.format(ids=ids))
    assert exploded.status_code == other.status_code == 200
    assert other.get_json() == exploded.get_json()
    if key == "positions":
        assert [p["actor"] for p in other.get_json()["positions"]] == ["uk", "russia"]
    elif key == "rows":
        assert [r["actor"] for r in other.get_json()["rows"]] == ["uk", "russia"]
    elif key == "actors":
        assert other.get_json()["actors"] == ["uk", "russia"]


def test_every_repeated_value_counts_on_the_embeds_too(client):
    page = client.get(f"/embed/compare?actors=uk&actors=russia&actors=us&as_of={DAY}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    for name in ("United Kingdom", "Russia", "United States"):
        assert name in html


@pytest.mark.parametrize("query, field", [
    ("actors=uk,,russia", "actors"),        # an empty id between commas
    ("actors=uk;russia", "actors"),         # not the delimiter
    ("actors=" + "a" * 65, "actors"),       # an id longer than any id
    ("topics=", "topics"),                  # a value with no id
])
def test_a_malformed_list_is_a_400_naming_it(client, query, field):
    response = client.get(f"/v1/positions?{query}")
    assert response.status_code == 400
    assert field in response.get_json()["errors"]


def test_an_unknown_id_in_any_value_is_a_404_naming_it(client):
    response = client.get("/v1/positions?actors=uk&actors=russia,narnia")
    assert response.status_code == 404
    assert "narnia" in response.get_json()["detail"]


def test_the_spec_declares_the_exploded_form_with_comma_lists_allowed():
    from ..contract import spec_dict

    for path in ("/v1/positions", "/v1/matrix", "/v1/compare"):
        actors = next(p for p in spec_dict()["paths"][path]["get"]["parameters"]
                      if p["name"] == "actors")
        assert (actors["style"], actors["explode"], actors["schema"]["type"]) == (
            "form", True, "array")
        assert "," in actors["schema"]["items"]["pattern"]

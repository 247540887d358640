"""The /stats page and the sorting of /api/stats it relies on, over the real index of the seeds."""

from __future__ import annotations

import csv
import io
import re

from bot.stats_table import MEASURE_NAMES
from retrieval.vietnamese import fold


async def test_the_page_and_its_script_are_served(lexical_seeded_dir, web_client):
    client, _ = web_client(lexical_seeded_dir)
    async with client:
        page = await client.get("/stats")
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        # Its own script only (no inline script, no CDN), and data only from this app.
        policy = page.headers["content-security-policy"]
        assert "script-src 'self'" in policy and "connect-src 'self'" in policy and "default-src 'none'" in policy
        assert '<script src="stats.js" defer></script>' in page.text and "<script>" not in page.text
        assert re.search(r"<table[ >]", page.text) and "<caption" in page.text
        assert page.text.count('<th scope="col"') == 6
        # The measure filter offers every measure the API takes, rendered by the server.
        offered = re.findall(r'<option value="([a-z_]+)">', page.text)
        assert sorted(offered) == sorted(set(MEASURE_NAMES) | {"actual", "target"})
        assert '<option value="htx_count">Số HTX</option>' in page.text and "measure options" not in page.text
        for name in ("place", "measure", "year", "status"):
            assert f'<label class="wide" for="{name}">' in page.text or f'<label for="{name}">' in page.text

        script = await client.get("/stats.js")
        assert script.status_code == 200 and script.headers["content-type"].startswith("text/javascript")
        assert "textContent" in script.text and "innerHTML" not in script.text
        assert "/stats" not in (await client.get("/openapi.json")).json()["paths"]


async def test_the_api_sorts_the_whole_filtered_result_before_paging(lexical_seeded_dir, web_client):
    client, _ = web_client(lexical_seeded_dir)
    async with client:

        async def rows(**params) -> list[dict]:
            response = await client.get("/api/stats", params={"limit": 5000, **params})
            assert response.status_code == 200, response.text
            return response.json()["rows"]

        unsorted = await rows()
        values = [r["value"] for r in unsorted]
        assert values != sorted(values)  # article order, so sorting has something to do
        ascending = await rows(sort="value")
        assert [r["value"] for r in ascending] == sorted(values)
        descending = await rows(sort="-value")
        assert [r["value"] for r in descending] == sorted(values, reverse=True)
        # Sorted before paging: two pages are the two halves of the sorted whole.
        first = (await client.get("/api/stats", params={"sort": "-value", "limit": 10})).json()
        second = (await client.get("/api/stats", params={"sort": "-value", "limit": 10, "offset": 10})).json()
        assert first["total"] == len(unsorted)
        assert [r["value"] for r in first["rows"] + second["rows"]] == [r["value"] for r in descending[:20]]

        # Rows without a place or a year come last, whichever the direction.
        for sort in ("place", "-place"):
            places = [fold(r["place"]) for r in await rows(sort=sort)]
            named = [p for p in places if p]
            assert named == sorted(named, reverse=sort.startswith("-")) and places[len(named) :] == [""] * (
                len(places) - len(named)
            )
            assert 0 < len(named) < len(places)
        for sort in ("year", "-year"):
            years = [r["year"] for r in await rows(sort=sort)]
            known = [y for y in years if y is not None]
            assert known == sorted(known, reverse=sort == "-year") and None not in years[: len(known)]
        dates = [r["date"] for r in await rows(sort="-date")]
        assert [d for d in dates if d] == sorted((d for d in dates if d), reverse=True)

        # Sorting combines with the filters, and the CSV download is sorted the same way.
        cho_don = await rows(place="Chợ Đồn", sort="-value")
        assert {r["place"] for r in cho_don} == {"Chợ Đồn"} and cho_don[0]["value"] == max(r["value"] for r in cho_don)
        exported = await client.get("/api/stats", params={"place": "Chợ Đồn", "sort": "-value", "format": "csv"})
        assert [float(r["value"]) for r in csv.DictReader(io.StringIO(exported.text))] == [r["value"] for r in cho_don]


async def test_a_bad_sort_is_refused_with_the_allowed_keys(lexical_seeded_dir, web_client):
    client, _ = web_client(lexical_seeded_dir)
    async with client:
        for bad in ("price", "--value", "value-", ""):
            response = await client.get("/api/stats", params={"sort": bad})
            assert response.status_code == 422, bad
            detail = response.json()["detail"]
            assert f"unknown sort {bad!r}" in detail and "place, measure, value, year, date" in detail

"""The web API over a real ASGI client, with the real index of the seed articles (lexical here)."""

from tests.helpers.web import parse_sse


async def test_ask_returns_the_results_format(lexical_seeded_dir, web_client):
    client, _ = web_client(lexical_seeded_dir)
    async with client:
        response = await client.post("/api/ask", json={"question": "cho don co bao nhieu htx"})
        assert response.status_code == 200
        body = response.json()
        assert body["found"] and "42" in body["answer"]
        assert body["citations"][0]["source"] == "002_91a2d2410e5d0829" and "date" in body["citations"][0]
        assert len(body["passages"]) == 10
        follow = await client.post(
            "/api/ask",
            json={
                "question": "Còn thành phố Bắc Kạn thì sao?",
                "session_id": "s1",
                "history": [
                    {"role": "user", "content": "Huyện Chợ Đồn có bao nhiêu HTX?"},
                    {"role": "assistant", "content": body["answer"]},
                ],
            },
        )
        assert "44" in follow.json()["answer"]


async def test_stream_sends_pieces_then_citations_then_done(lexical_seeded_dir, web_client):
    client, _ = web_client(lexical_seeded_dir)
    async with client, client.stream("POST", "/api/ask/stream", json={"question": "Chợ Đồn có bao nhiêu HTX?"}) as r:
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
        body = "".join([chunk async for chunk in r.aiter_text()])
    events = parse_sse(body)
    names = [name for name, _ in events]
    assert names.count("delta") > 1 and names[-2:] == ["citations", "done"]
    text = "".join(data["text"] for name, data in events if name == "delta")
    assert "42 HTX [1]" in text
    citations = dict(events)["citations"]
    assert citations["found"] and citations["citations"][0]["title"]
    assert citations["chart"] is None  # a lookup has no chart


async def test_ranking_answers_carry_their_chart_in_json_and_stream(lexical_seeded_dir, web_client):
    client, _ = web_client(lexical_seeded_dir)
    question = {"question": "Tỉnh nào có nhiều HTX nhất theo các bài viết?"}
    async with client:
        result = (await client.post("/api/ask", json=question)).json()
        async with client.stream("POST", "/api/ask/stream", json=question) as r:
            body = "".join([chunk async for chunk in r.aiter_text()])
        schema = (await client.get("/openapi.json")).json()["components"]["schemas"]
    chart = result["chart"]
    assert chart["kind"] == "bar" and [p["label"] for p in chart["series"]] == ["Tỉnh Hòa Bình", "Tỉnh Lạng Sơn"]
    assert [p["value_text"] for p in chart["series"]] == ["422", "153"]
    assert dict(parse_sse(body))["citations"]["chart"] == chart
    assert {"kind", "measure", "unit", "series"} <= set(schema["ChartOut"]["properties"])
    assert {"label", "value", "value_text", "unit", "period", "citation"} == set(schema["ChartPointOut"]["properties"])


async def test_a_refusal_suggests_questions_in_json_and_stream(lexical_seeded_dir, web_client):
    client, _ = web_client(lexical_seeded_dir)
    question = {"question": "Huyện Ba Bể có bao nhiêu hợp tác xã?"}
    async with client:
        result = (await client.post("/api/ask", json=question)).json()
        async with client.stream("POST", "/api/ask/stream", json=question) as r:
            body = "".join([chunk async for chunk in r.aiter_text()])
        answered = (await client.post("/api/ask", json={"question": result["suggestions"][0]})).json()
    assert not result["found"] and 1 <= len(result["suggestions"]) <= 3
    assert dict(parse_sse(body))["citations"]["suggestions"] == result["suggestions"]
    assert answered["found"] and answered["suggestions"] == []


async def test_stream_reports_errors_as_events(lexical_seeded_dir, web_client):
    client, _ = web_client(lexical_seeded_dir)
    async with client:
        response = await client.post("/api/ask/stream", json={"question": "   "})
        assert response.status_code == 422 and "empty" in response.json()["detail"]
        long = "Chợ Đồn " * 300
        response = await client.post("/api/ask", json={"question": long})
        assert response.status_code == 422 and "limit is 1000" in response.json()["detail"]
        response = await client.post("/api/ask", json={"question": "x", "unknown": 1})
        assert response.status_code == 422 and "unknown" in response.json()["detail"]


async def test_sources_health_metrics_docs(lexical_seeded_dir, web_client):
    client, _ = web_client(lexical_seeded_dir)
    async with client:
        sources = (await client.get("/api/sources")).json()
        assert len(sources) == 5 and {"id", "title", "date", "place"} <= set(sources[0])
        assert (await client.get("/healthz")).json() == {"status": "ok", "index_loaded": True, "documents": 5}
        await client.post("/api/ask", json={"question": "Huyện Ba Bể có bao nhiêu hợp tác xã?"})
        metrics = (await client.get("/metrics")).text
        assert 'htxbot_requests_total{endpoint="/api/ask",status="200"} 1.0' in metrics
        assert "htxbot_refusals_total 1.0" in metrics and "htxbot_answer_seconds_bucket" in metrics
        assert (await client.get("/docs")).status_code == 200
        assert "/api/ask" in (await client.get("/openapi.json")).json()["paths"]
        page = await client.get("/")
        assert '<script src="/widget.js"' in page.text
        widget = await client.get("/widget.js")
        assert widget.headers["content-type"].startswith("text/javascript") and "attachShadow" in widget.text
        head = await client.head("/widget.js")  # what link checkers and CDNs ask first
        assert head.status_code == 200 and head.headers["content-type"].startswith("text/javascript")


async def test_feedback_survives_a_restart(lexical_seeded_dir, tmp_path, web_client):
    client, services = web_client(lexical_seeded_dir)
    async with client:
        stored = await client.post(
            "/api/feedback",
            json={"session_id": "s9", "question": "q?", "answer": "a [1]", "rating": "up", "comment": "rõ ràng"},
        )
        assert stored.status_code == 201
        bad = await client.post(
            "/api/feedback", json={"session_id": "s9", "question": "q", "answer": "a", "rating": "meh"}
        )
        assert bad.status_code == 422 and "rating" in bad.json()["detail"]
    services.close()  # the restart
    client, services = web_client(lexical_seeded_dir)
    async with client:
        assert any(
            f.session_id == "s9" and f.comment == "rõ ràng" and f.channel == "web" for f in services.feedback.all()
        )


async def test_rate_limit_answers_429_with_retry_after(lexical_seeded_dir, web_client):
    client, _ = web_client(lexical_seeded_dir, rate_limit="2/minute")
    async with client:
        codes = [
            (await client.post("/api/ask", json={"question": "Chợ Đồn có bao nhiêu HTX?"})).status_code
            for _ in range(3)
        ]
        assert codes == [200, 200, 429]
        limited = await client.post("/api/ask", json={"question": "Chợ Đồn có bao nhiêu HTX?"})
        assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0
        assert "try again" in limited.json()["detail"]


async def test_cors_allows_the_configured_origins(lexical_seeded_dir, web_client):
    client, _ = web_client(lexical_seeded_dir, cors_origins=["https://tinh.example.vn"])
    async with client:
        preflight = await client.options(
            "/api/ask",
            headers={
                "Origin": "https://tinh.example.vn",
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type",
            },
        )
        assert preflight.status_code == 200
        assert preflight.headers["access-control-allow-origin"] == "https://tinh.example.vn"
        other = await client.options(
            "/api/ask", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}
        )
        assert "access-control-allow-origin" not in other.headers
        # A page on that origin can read how long to wait after a 429.
        asked = await client.post(
            "/api/ask", json={"question": "Chợ Đồn có bao nhiêu HTX?"}, headers={"Origin": "https://tinh.example.vn"}
        )
        assert "retry-after" in asked.headers["access-control-expose-headers"].lower()

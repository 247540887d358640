"""Charts on Telegram: an answer with a chart is followed by its PNG (sendPhoto), against the real
Application polling a fake Bot API on 127.0.0.1 over the seed articles."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest
from matplotlib.image import imread

from bot.telegram.handlers import FAILED
from bot.wiring import Services
from tests.fake_telegram import FakeBotApi
from tests.helpers.telegram import PRIVATE, message, running, with_own_data_dir

COMPARISON = "Tỉnh Hòa Bình hay tỉnh Lạng Sơn có nhiều HTX hơn?"
RANKING = "Tỉnh nào có nhiều HTX nhất theo các bài viết?"
LOOKUP = "Huyện Chợ Đồn có bao nhiêu HTX?"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def services(lexical_services, tmp_path) -> Iterator[Services]:
    """The shared index with this test's own data folder (memory file, feedback store)."""
    yield from with_own_data_dir(lexical_services, tmp_path / "data")


def replies(api: FakeBotApi) -> list[tuple[str, dict]]:
    """Return the sendMessage and sendPhoto calls, in the order the bot made them."""
    return [(name, params) for name, params in list(api.calls) if name in ("sendMessage", "sendPhoto")]


def first_line(services: Services, question: str) -> str:
    """Return the first line of the answer the bot gives, checking that the answer has a chart."""
    answer = services.answerer.answer(question, [])
    assert answer.chart is not None, f"no chart for {question!r}: the test needs one"
    return answer.text.splitlines()[0]


@pytest.mark.parametrize("question", [COMPARISON, RANKING], ids=["comparison", "ranking"])
async def test_answer_with_a_chart_is_followed_by_its_png(services, api, question):
    expected_caption_start = first_line(services, question)
    async with running(services, api):
        api.push(message(question))
        await api.wait_for(lambda: api.calls_of("sendPhoto"))
    [(first, text), (second, photo)] = replies(api)
    assert (first, second) == ("sendMessage", "sendPhoto")  # the text first: the chart illustrates it
    assert "Tỉnh Hòa Bình" in text["text"] and "422" in text["text"] and "Nguồn:" in text["text"]
    assert photo["chat_id"] == PRIVATE["id"]
    assert photo["caption"].startswith(expected_caption_start)
    assert "Nguồn: [1] Báo Hòa Bình" in photo["caption"] and len(photo["caption"]) <= 1024
    [png] = api.photos
    assert png == photo["photo"] and png.startswith(PNG_SIGNATURE)
    height, width = imread(io.BytesIO(png), format="png").shape[:2]
    assert width == 800 and 350 <= height <= 700


async def test_lookup_answer_gets_no_chart(services, api):
    async with running(services, api):
        api.push(message(LOOKUP))
        await api.wait_for(lambda: api.calls_of("sendMessage"))
        # The chat's next question is answered after the first is done, its chart included: when the
        # comparison's chart has come, a chart of the lookup would have come before its text.
        api.push(message(COMPARISON))
        await api.wait_for(lambda: api.calls_of("sendPhoto"))
    calls = replies(api)
    assert [name for name, _ in calls] == ["sendMessage", "sendMessage", "sendPhoto"]
    assert "42" in calls[0][1]["text"] and "422" in calls[1][1]["text"]
    assert len(api.photos) == 1


async def test_a_chart_that_fails_is_logged_and_the_text_stays(services, api, caplog, monkeypatch):
    caplog.set_level(logging.WARNING, logger="bot.telegram")
    api.fail_next("sendPhoto", 400, {"ok": False, "error_code": 400, "description": "Bad Request: PHOTO_INVALID"})
    async with running(services, api) as application:
        api.push(message(COMPARISON))
        await api.wait_for(lambda: "photo_invalid" in caplog.text.lower())  # PTB words it "Photo_invalid"
        assert api.calls_of("sendPhoto") and api.photos == []

        def broken(chart):
            raise RuntimeError("renderer exploded")

        monkeypatch.setattr("bot.telegram.handlers.render_png", broken)
        api.push(message(RANKING))
        await api.wait_for(lambda: "renderer exploded" in caplog.text)
        # Both answers were sent, neither replaced by the error message, and the bot goes on answering.
        api.push(message(LOOKUP))
        memory = application.bot_data["state"].memory
        await api.wait_for(lambda: len(memory.history(PRIVATE["id"])) >= 6)  # the three turns were remembered
        history = memory.history(PRIVATE["id"])
    texts = api.sent_texts()
    assert ["422" in texts[0], "422" in texts[1], "42 HTX" in texts[2]] == [True, True, True]
    assert FAILED not in texts
    assert len(api.calls_of("sendPhoto")) == 1  # the failed upload only; none drawn for the ranking
    assert [m["content"] for m in history if m["role"] == "user"] == [COMPARISON, RANKING, LOOKUP]

"""The Telegram bot end to end: the real Application polling a fake Bot API server on 127.0.0.1."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from dataclasses import replace

import httpx
import pytest
from fastapi import FastAPI
from pydantic import SecretStr

from bot.database import open_database
from bot.feedback import FeedbackStore
from bot.telegram.application import build_application, run_polling, start_application, stop_application
from bot.telegram.handlers import (
    BAD_QUESTION,
    EMPTY_QUESTION,
    EMPTY_QUESTION_EN,
    FAILED,
    GREETING_EN,
    INDEX_BUSY,
    INDEX_BUSY_EN,
    NEW_CONVERSATION_EN,
    NO_WORDS,
    NO_WORDS_EN,
    NOT_TEXT,
    UNAVAILABLE,
    friendly_error,
    suggestion_rows,
)
from bot.telegram.memory import ConversationMemory, UserRateLimit
from bot.telegram.webhook import webhook_router
from bot.wiring import Services
from retrieval.errors import ConfigError, IndexBusyError, IndexCorruptError, InputError
from retrieval.models import Answer, Citation
from tests.fake_telegram import BOT_USER, FakeBotApi
from tests.helpers.telegram import GROUP, PRIVATE, TOKEN, USER, callback, message, running, with_own_data_dir
from tests.helpers.telegram_html import check_telegram_html


@pytest.fixture
def services(lexical_services, tmp_path) -> Iterator[Services]:
    """The shared index with this test's own data folder (memory file, feedback store)."""
    yield from with_own_data_dir(lexical_services, tmp_path / "data")


async def ask(api: FakeBotApi, update: dict, chat_id: int = PRIVATE["id"]) -> list[dict]:
    """Push an update and return the sendMessage calls it caused (waits for the first)."""
    before = len(api.calls_of("sendMessage"))
    api.push(update)
    sent = await api.wait_for(lambda: api.calls_of("sendMessage")[before:])
    return [c for c in sent if c["chat_id"] == chat_id]


async def test_private_question_follow_up_and_new_conversation(services, api):
    async with running(services, api):
        [reply] = await ask(api, message("Chợ Đồn có bao nhiêu HTX?"))
        assert "42" in reply["text"] and "không rõ ngày" in reply["text"]
        assert "Nguồn:" in reply["text"] and "[1]" in reply["text"]
        assert reply["parse_mode"] == "HTML"
        check_telegram_html(reply["text"])
        buttons = [b["callback_data"] for row in reply["reply_markup"]["inline_keyboard"] for b in row]
        assert buttons == ["fb:up", "fb:down"]
        assert api.calls_of("sendChatAction")[0] == {"chat_id": 111, "action": "typing"}

        [follow_up] = await ask(api, message("Còn thành phố Bắc Kạn thì sao?"))
        assert "44" in follow_up["text"] and "18/11/2021" in follow_up["text"]

        [cleared] = await ask(api, message("/moi"))
        assert "cuộc trò chuyện mới" in cleared["text"]
        [alone] = await ask(api, message("Còn thành phố Bắc Kạn thì sao?"))
        assert "44" not in alone["text"] and "42" not in alone["text"]

        commands = api.calls_of("setMyCommands")[0]["commands"]
        assert [c["command"] for c in commands] == ["start", "help", "nguon", "moi"]
    assert api.tokens == {TOKEN}


async def test_memory_survives_a_restart_and_expires(services, api):
    async with running(services, api):
        await ask(api, message("Huyện Chợ Đồn có bao nhiêu HTX?"))
    async with running(services, api):
        [follow_up] = await ask(api, message("Còn thành phố Bắc Kạn thì sao?"))
    assert "44" in follow_up["text"]

    now = [1000.0]
    memory = ConversationMemory(services.database, ttl_seconds=60, max_turns=2, clock=lambda: now[0])
    for n in range(3):
        memory.add_turn(7, f"q{n}", f"a{n}")
    assert [m["content"] for m in memory.history(7)] == ["q1", "a1", "q2", "a2"]
    now[0] += 61
    assert ConversationMemory(services.database, ttl_seconds=60, max_turns=2, clock=lambda: now[0]).history(7) == []


async def test_start_examples_help_and_sources(services, api):
    async with running(services, api):
        [greeting] = await ask(api, message("/start"))
        examples = [row[0] for row in greeting["reply_markup"]["inline_keyboard"]]
        assert len(examples) == 3 and examples[0]["text"] == "Huyện Chợ Đồn có bao nhiêu HTX?"

        api.push(callback(examples[0]["callback_data"], message_id=1))
        replies = await api.wait_for(lambda: [t for t in api.sent_texts() if "42" in t])
        assert "không rõ ngày" in replies[0]
        assert api.calls_of("answerCallbackQuery")

        [help_text] = await ask(api, message("/help"))
        assert "/nguon" in help_text["text"] and "@htx_test_bot" in help_text["text"]

        [listing] = await ask(api, message("/nguon"))
        check_telegram_html(listing["text"])
        assert "(5)" in listing["text"]
        assert all(f"\n{n}. <b>" in listing["text"] for n in range(1, 6))
        assert "không rõ ngày" in listing["text"] and "27/07/2017" in listing["text"]


ENGLISH_USER = {**USER, "language_code": "en-GB"}


async def test_a_user_whose_telegram_is_in_english_is_spoken_to_in_english(services, api):
    async with running(services, api):
        [greeting] = await ask(api, message("/start", user=ENGLISH_USER))
        assert greeting["text"] == GREETING_EN
        examples = [row[0] for row in greeting["reply_markup"]["inline_keyboard"]]
        assert [e["callback_data"] for e in examples] == ["ask:en:0", "ask:en:1", "ask:en:2"]
        assert examples[0]["text"] == "How many cooperatives does Chợ Đồn district have?"

        api.push(callback("ask:en:0", message_id=1))
        [answer] = await api.wait_for(lambda: [t for t in api.sent_texts() if "42" in t])
        assert "Sources:" in answer and "Nguồn:" not in answer  # the example is asked, and answered, in English

        [help_text] = await ask(api, message("/help", user=ENGLISH_USER))
        assert help_text["text"].startswith("<b>How to use</b>") and "@htx_test_bot" in help_text["text"]
        [cleared] = await ask(api, message("/moi", user=ENGLISH_USER))
        assert cleared["text"] == NEW_CONVERSATION_EN
        [refused] = await ask(api, message("???", user=ENGLISH_USER))
        assert refused["text"] == NO_WORDS_EN
        [vietnamese] = await ask(api, message("???"))  # the same chat, a Vietnamese user
        assert vietnamese["text"] == NO_WORDS
        # An empty question is told so in one language (the core's English reason is only logged).
        [empty_en] = await ask(api, message(" \n ", user=ENGLISH_USER))
        assert empty_en["text"] == EMPTY_QUESTION_EN
        [empty] = await ask(api, message(" \n "))
        assert empty["text"] == EMPTY_QUESTION and "empty" not in empty["text"]

        menus = api.calls_of("setMyCommands")
        assert [m.get("language_code") for m in menus] == [None, "en"]
        assert [c["command"] for c in menus[1]["commands"]] == ["start", "help", "nguon", "moi"]
        assert menus[1]["commands"][0]["description"] == "About the bot, with example questions"


def test_a_refused_question_is_told_in_one_language():
    odd = InputError("unknown fusion 'x'; expected one of weighted, rrf")  # the core's English wording
    assert friendly_error(odd) == BAD_QUESTION and "fusion" not in BAD_QUESTION
    assert friendly_error(odd, en=True).startswith("I could not read the question")
    assert friendly_error(IndexBusyError("an ingest holds the catalog"), en=True) == INDEX_BUSY_EN


PHOTO = [{"file_id": "p", "file_unique_id": "p", "width": 90, "height": 60}]


async def test_captions_edited_questions_and_a_bare_mention_are_answered(services, api):
    async with running(services, api):
        [captioned] = await ask(api, message(photo=PHOTO, caption="Chợ Đồn có bao nhiêu HTX?"))
        assert "42" in captioned["text"]
        [photo_only] = await ask(api, message(photo=PHOTO))
        assert photo_only["text"] == NOT_TEXT

        # The user corrects a question: the edited text is answered, as an edited command already was.
        wrong = message("Chợ Mới có bao nhiêu HTX?")
        [refused] = await ask(api, wrong)
        assert "42" not in refused["text"]
        edited = {"edited_message": {**wrong["message"], "text": "Chợ Đồn có bao nhiêu HTX?", "edit_date": 1}}
        [again] = await ask(api, edited)
        assert "42" in again["text"]

        mention = "@htx_test_bot"
        entity = [{"type": "mention", "offset": 0, "length": len(mention)}]
        [in_group] = await ask(
            api,
            message(chat=GROUP, photo=PHOTO, caption=f"{mention} Chợ Đồn có bao nhiêu HTX?", caption_entities=entity),
            chat_id=GROUP["id"],
        )
        assert "42" in in_group["text"]
        [hint] = await ask(api, message(mention, chat=GROUP, entities=entity), chat_id=GROUP["id"])
        assert hint["text"].startswith("Bạn muốn hỏi gì?") and f"{mention} Huyện Chợ Đồn" in hint["text"]
        [hint_en] = await ask(
            api, message(f"{mention} ,", chat=GROUP, entities=entity, user=ENGLISH_USER), chat_id=GROUP["id"]
        )
        assert hint_en["text"].startswith("What would you like to ask?")


async def test_group_answers_only_when_mentioned_or_replied_to(services, api):
    async with running(services, api):
        api.push(message("Chợ Đồn có bao nhiêu HTX?", chat=GROUP))
        mention = "@htx_test_bot"
        [reply] = await ask(
            api,
            message(
                f"{mention} Chợ Đồn có bao nhiêu HTX?",
                chat=GROUP,
                entities=[{"type": "mention", "offset": 0, "length": len(mention)}],
            ),
            chat_id=GROUP["id"],
        )
        assert "42" in reply["text"]
        assert reply["reply_parameters"]["message_id"] > 0
        bot_message = {"message_id": 5000, "date": int(time.time()), "chat": GROUP, "from": BOT_USER, "text": "…"}
        [follow_up] = await ask(
            api,
            message("Còn thành phố Bắc Kạn thì sao?", chat=GROUP, reply_to_message=bot_message),
            chat_id=GROUP["id"],
        )
        assert "44" in follow_up["text"]
        assert len(api.calls_of("sendMessage")) == 2  # the unaddressed message got nothing


async def test_thumbs_up_is_stored_answered_and_buttons_replaced(services, api):
    async with running(services, api):
        await ask(api, message("Chợ Đồn có bao nhiêu HTX?"))
        sent_id = api.sent_message_ids[-1]
        api.push(callback("fb:up", message_id=sent_id))
        edited = await api.wait_for(lambda: api.calls_of("editMessageReplyMarkup"))
        assert edited[0]["message_id"] == sent_id
        assert "Cảm ơn" in edited[0]["reply_markup"]["inline_keyboard"][0][0]["text"]
        answered = api.calls_of("answerCallbackQuery")
        assert answered and "Cảm ơn" in answered[0]["text"]
    [stored] = services.feedback.all()
    assert (stored.channel, stored.session_id, stored.rating) == ("telegram", "111", "up")
    assert stored.question == "Chợ Đồn có bao nhiêu HTX?" and "42" in stored.answer


async def test_a_refusal_lists_places_and_offers_questions_it_answers(services, api):
    async with running(services, api):
        [refused] = await ask(api, message("Huyện Ba Bể có bao nhiêu HTX?"))
        check_telegram_html(refused["text"])
        assert "\n• Huyện Chợ Đồn, tỉnh Bắc Kạn" in refused["text"]  # a bulleted list, not a comma run
        places = [line for line in refused["text"].splitlines() if line.startswith("• ")]
        assert 2 <= len(places) <= 8 and {"• Tỉnh Hòa Bình", "• Tỉnh Lạng Sơn"} <= set(places)  # one a line
        rows = refused["reply_markup"]["inline_keyboard"]
        offered = [b for row in rows for b in row if b["callback_data"].startswith("sq:")]
        assert 2 <= len(offered) <= 3
        assert all(b["callback_data"] == "sq:" + b["text"] for b in offered)
        assert [b["callback_data"] for b in rows[-1]] == ["fb:up", "fb:down"]

        sent_id = api.sent_message_ids[-1]
        before = len(api.calls_of("sendMessage"))
        api.push(callback(offered[0]["callback_data"], message_id=sent_id))
        [answered] = await api.wait_for(lambda: api.calls_of("sendMessage")[before:])
        assert "[1]" in answered["text"] and "Nguồn:" in answered["text"]  # the suggestion is answered
        assert [b["callback_data"] for row in answered["reply_markup"]["inline_keyboard"] for b in row] == [
            "fb:up",
            "fb:down",
        ]

        # Rating the refusal keeps its suggestions under it.
        api.push(callback("fb:down", message_id=sent_id, reply_markup=refused["reply_markup"]))
        [edited] = await api.wait_for(lambda: api.calls_of("editMessageReplyMarkup"))
        kept = edited["reply_markup"]["inline_keyboard"]
        assert [row[0]["callback_data"] for row in kept[:-1]] == [b["callback_data"] for b in offered]
        assert "Cảm ơn" in kept[-1][0]["text"]


def test_a_suggestion_too_long_for_a_button_is_left_out():
    short, long = "Huyện Chợ Đồn có bao nhiêu HTX?", "Thành phố " + "Rất Dài " * 8 + "có bao nhiêu HTX?"
    assert [row[0].callback_data for row in suggestion_rows((short, long))] == ["sq:" + short]


class LongAnswerer:
    """An answerer whose answer is longer than one Telegram message."""

    def answer(self, question: str, history=None) -> Answer:
        paragraphs = "\n\n".join(f"Đoạn {n}: " + "Số HTX tăng <nhanh> & đều. " * 50 for n in range(6))
        return Answer(
            question=question,
            text=paragraphs + " [1]",
            found=True,
            citations=(
                Citation(
                    source="d",
                    title="Bài <1>",
                    date="2021-11-18",
                    place="Bắc Kạn",
                    url="https://x.vn/?a=1&b=2",
                    quote="HTX",
                    chunk_id="d#0",
                ),
            ),
        )


class BrokenAnswerer:
    """An answerer that fails once, then answers."""

    def __init__(self, real):
        self.real, self.failed = real, False

    def answer(self, question: str, history=None) -> Answer:
        if not self.failed:
            self.failed = True
            raise RuntimeError("index exploded")
        return self.real.answer(question, history)


class HeldAnswerer:
    """The real answerer, holding every question until the test lets them through (as a slow LLM would)."""

    def __init__(self, real):
        self.real = real
        self.held: list[str] = []  # the questions waiting, in the order they came
        self.release = threading.Event()

    def answer(self, question: str, history=None) -> Answer:
        self.held.append(question)
        assert self.release.wait(timeout=30), "the test never released the answers"
        return self.real.answer(question, history)


async def test_typing_repeats_while_a_slow_answer_is_prepared_and_other_chats_go_on(services, api, monkeypatch):
    monkeypatch.setattr("bot.telegram.handlers.TYPING_EVERY_SECONDS", 0.1)
    other = {"id": 222, "type": "private", "first_name": "Bình"}
    answerer = HeldAnswerer(services.answerer)
    async with running(replace(services, answerer=answerer), api):
        try:
            api.push(message("Chợ Đồn có bao nhiêu HTX?"))
            api.push(message("Còn thành phố Bắc Kạn thì sao?"))
            api.push(message("Huyện Chợ Đồn có bao nhiêu HTX?", chat=other, user={**USER, "id": 222}))
            # While the first answer is held, typing repeats in its chat and the other chat's question
            # reaches the answerer too; the follow-up waits for its question's answer.
            await api.wait_for(
                lambda: (
                    len(answerer.held) >= 2
                    and len([c for c in api.calls_of("sendChatAction") if c["chat_id"] == 111]) >= 3
                )
            )
            assert sorted(answerer.held) == ["Chợ Đồn có bao nhiêu HTX?", "Huyện Chợ Đồn có bao nhiêu HTX?"]
        finally:
            answerer.release.set()
        sent = await api.wait_for(lambda: len(api.calls_of("sendMessage")) >= 3 and api.calls_of("sendMessage"))
    first_chat = [c["text"] for c in sent if c["chat_id"] == 111]
    assert "42" in first_chat[0] and "44" in first_chat[1]  # the follow-up was answered with its history


async def test_long_answer_is_split_with_sources_last(services, api):
    async with running(replace(services, answerer=LongAnswerer()), api):
        api.push(message("Dài?"))
        parts = await api.wait_for(
            lambda: any("reply_markup" in c for c in api.calls_of("sendMessage")) and api.calls_of("sendMessage")
        )
    texts = [p["text"] for p in parts]
    assert len(texts) >= 2 and all(len(t) <= 4096 for t in texts)
    for text in texts:
        check_telegram_html(text)
    assert "Nguồn:" in texts[-1] and all("Nguồn:" not in t for t in texts[:-1])
    assert "18/11/2021" in texts[-1] and 'href="https://x.vn/?a=1&amp;b=2"' in texts[-1]
    assert "reply_markup" in parts[-1] and "reply_markup" not in parts[0]


# PTB's own AIORateLimiter reads RetryAfter.retry_after, which warns about its future type.
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_retry_after_429_still_delivers(services, api):
    api.fail_next(
        "sendMessage",
        429,
        {
            "ok": False,
            "error_code": 429,
            "parameters": {"retry_after": 1},
            "description": "Too Many Requests: retry after 1",
        },
    )
    async with running(services, api):
        api.push(message("Chợ Đồn có bao nhiêu HTX?"))
        delivered = await api.wait_for(lambda: len(api.calls_of("sendMessage")) >= 2 and api.calls_of("sendMessage"))
    assert delivered[0]["text"] == delivered[1]["text"] and "42" in delivered[1]["text"]


async def test_limits_non_text_and_errors(services, api, caplog):
    settings = services.settings.model_copy(update={"telegram_user_rate_limit": 2, "max_question_chars": 50})
    broken = replace(services, settings=settings, answerer=BrokenAnswerer(services.answerer))
    caplog.set_level(logging.ERROR, logger="bot.telegram")
    async with running(broken, api):
        [failed] = await ask(api, message("Chợ Đồn có bao nhiêu HTX?"))
        assert failed["text"] == FAILED
        assert "index exploded" in caplog.text and TOKEN not in caplog.text
        [sticker] = await ask(
            api,
            message(
                sticker={
                    "file_id": "s",
                    "file_unique_id": "s",
                    "type": "regular",
                    "width": 1,
                    "height": 1,
                    "is_animated": False,
                    "is_video": False,
                }
            ),
        )
        assert sticker["text"] == NOT_TEXT
        [too_long] = await ask(api, message("HTX " * 30))
        assert "dài quá" in too_long["text"]
        [answered] = await ask(api, message("Chợ Đồn có bao nhiêu HTX?"))
        assert "42" in answered["text"]  # the bot kept running after the error
        [limited] = await ask(api, message("Chợ Đồn có bao nhiêu HTX?"))
        assert "đợi một chút" in limited["text"]


class UnavailableAnswerer:
    """An answerer whose index is busy, then damaged, then fine (as an operator's ingest would leave it)."""

    def __init__(self, real):
        self.real = real
        self.errors = [IndexBusyError("an ingest holds the catalog"), IndexCorruptError("catalog unreadable")]

    def answer(self, question: str, history=None) -> Answer:
        if self.errors:
            raise self.errors.pop(0)
        return self.real.answer(question, history)


async def test_core_errors_get_friendly_vietnamese_messages(services, api, caplog):
    caplog.set_level(logging.WARNING, logger="bot.telegram")
    async with running(services, api):
        for question in ("???", "😀"):
            [refused] = await ask(api, message(question))
            assert refused["text"] == NO_WORDS
    unavailable = replace(services, answerer=UnavailableAnswerer(services.answerer))
    async with running(unavailable, api):
        [busy] = await ask(api, message("Chợ Đồn có bao nhiêu HTX?"))
        assert busy["text"] == INDEX_BUSY
        [broken] = await ask(api, message("Chợ Đồn có bao nhiêu HTX?"))
        assert broken["text"] == UNAVAILABLE
        [answered] = await ask(api, message("Chợ Đồn có bao nhiêu HTX?"))
        assert "42" in answered["text"]
    assert "catalog unreadable" in caplog.text and "Traceback" not in caplog.text


async def test_webhook_checks_the_secret_and_processes_updates(services, api):
    settings = services.settings.model_copy(update={"telegram_webhook_secret": SecretStr("s3cret")})
    services = replace(services, settings=settings)
    application = build_application(services, token=TOKEN, base_url=api.base_url)
    app = FastAPI()
    app.include_router(webhook_router(services, application))
    await start_application(application, webhook_url="https://bot.example.vn/telegram/webhook", secret_token="s3cret")
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
            update = {"update_id": 1, **message("Chợ Đồn có bao nhiêu HTX?")}
            wrong = await client.post(
                "/telegram/webhook", json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "nope"}
            )
            missing = await client.post("/telegram/webhook", json=update)
            assert (wrong.status_code, missing.status_code) == (403, 403)
            right = await client.post(
                "/telegram/webhook", json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret"}
            )
            assert right.status_code == 200
        texts = await api.wait_for(lambda: api.sent_texts())
        assert "42" in texts[0]
        assert api.calls_of("setWebhook")[0]["secret_token"] == "s3cret"
    finally:
        await stop_application(application)


def test_missing_or_malformed_token_is_a_clear_error(services):
    with pytest.raises(ConfigError, match="HTX_TELEGRAM_TOKEN is not set"):
        run_polling(services)
    bad = "123456:secret token with spaces"
    services = replace(services, settings=services.settings.model_copy(update={"telegram_token": SecretStr(bad)}))
    with pytest.raises(ConfigError, match="HTX_TELEGRAM_TOKEN is malformed") as raised:
        run_polling(services)
    assert bad not in str(raised.value)
    webhook = replace(services, settings=services.settings.model_copy(update={"telegram_mode": "webhook"}))
    with pytest.raises(ConfigError, match="HTX_TELEGRAM_MODE"):
        run_polling(webhook)


def test_user_rate_limit_slides():
    now = [0.0]
    limit = UserRateLimit(2, window_seconds=60, clock=lambda: now[0])
    assert [limit.allow(1), limit.allow(1), limit.allow(1), limit.allow(2)] == [True, True, False, True]
    now[0] = 61
    assert limit.allow(1)


@pytest.mark.slow
async def test_real_embedder_answers_through_telegram(seeded_services, api, tmp_path):
    services = replace(seeded_services, settings=seeded_services.settings.model_copy(update={"data_dir": tmp_path}))
    async with running(services, api):
        [reply] = await ask(api, message("Chợ Đồn có bao nhiêu HTX?"))
    assert "42" in reply["text"] and "không rõ ngày" in reply["text"]
    check_telegram_html(reply["text"])


def test_rejected_token_or_unreachable_api_is_a_clear_error(services, api, caplog):
    token = "123456:REJECTED-token"
    settings = services.settings.model_copy(
        update={"telegram_token": SecretStr(token), "telegram_base_url": api.base_url}
    )
    caplog.set_level(logging.DEBUG)
    api.fail_next("getMe", 401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
    with pytest.raises(ConfigError, match="HTX_TELEGRAM_TOKEN was rejected") as rejected:
        run_polling(replace(services, settings=settings))
    unreachable = settings.model_copy(update={"telegram_base_url": "http://127.0.0.1:9/bot"})
    with pytest.raises(ConfigError, match="cannot reach the Bot API") as failed:
        run_polling(replace(services, settings=unreachable))
    assert token not in str(rejected.value) + str(failed.value)
    assert "was rejected by the server" in caplog.text  # PTB logs its InvalidToken, which names the token…
    assert token not in caplog.text  # …but not in our logs


async def test_llm_answers_stream_by_editing_one_message(lexical_services, api, tmp_path, closing):
    """With HTX_ANSWERER=llm the reply is written as the model streams, then replaced by the checked answer."""
    from tests.fake_openai import FakeOpenAI
    from tests.helpers.llm import numbered_passages

    def script(messages):
        passages = numbered_passages(messages[-1]["content"])
        n = next(n for n, text in passages.items() if "42 HTX" in text)
        return f"Theo bài viết, hiện nay huyện Chợ Đồn có 42 HTX [{n}]. Đây là số liệu mới nhất trong các bài."

    with FakeOpenAI(script) as llm:
        from bot.wiring import create_chat_model
        from retrieval.generation import LLMAnswerer

        settings = lexical_services.settings.model_copy(
            update={
                "data_dir": tmp_path / "data",
                "answerer": "llm",
                "llm_model": "fake",
                "llm_base_url": llm.base_url,
                "llm_timeout": 5,
            }
        )
        database = closing(open_database(settings))
        services = replace(
            lexical_services,
            settings=settings,
            database=database,
            feedback=FeedbackStore(database),
            answerer=LLMAnswerer(lexical_services.answerer, create_chat_model(settings)),
        )
        async with running(services, api):
            [first] = await ask(api, message("Chợ Đồn có bao nhiêu HTX?"))
            assert "parse_mode" not in first or first["parse_mode"] is None  # the plain streamed draft
            edits = await api.wait_for(
                lambda: [e for e in api.calls_of("editMessageText") if e.get("parse_mode") == "HTML"]
            )
    final = edits[-1]["text"]
    assert "42 HTX [1]" in final and "Nguồn:" in final and "không rõ ngày" in final
    check_telegram_html(final)
    assert llm.requests[-1]["stream"] is True

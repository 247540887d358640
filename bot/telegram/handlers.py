"""The bot's handlers: thin async functions that parse, call the answerer, format and reply."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from typing import Any, TypeAlias

from telegram import (
    BotCommand,
    CallbackQuery,
    Chat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    LinkPreviewOptions,
    Message,
    MessageEntity,
    ReplyParameters,
    Update,
)
from telegram.constants import ChatAction, ParseMode
from telegram.error import TelegramError
from telegram.ext import Application, ContextTypes, ExtBot, JobQueue

from bot.charts import render_png
from bot.feedback import Feedback
from bot.telegram.formatting import format_answer_html, format_chart_caption, format_documents_html
from bot.telegram.memory import ConversationMemory, UserRateLimit
from bot.telegram.transport import describe
from bot.wiring import Services
from retrieval.errors import HtxError, IndexBusyError, InputError
from retrieval.models import Answer

log = logging.getLogger(__name__)

# The Application build_application makes (its bot's rate limiter arguments: Any).
BotApplication: TypeAlias = Application[
    ExtBot[Any],
    ContextTypes.DEFAULT_TYPE,
    dict[Any, Any],
    dict[Any, Any],
    dict[Any, Any],
    JobQueue[ContextTypes.DEFAULT_TYPE],
]

EXAMPLE_QUESTIONS = (
    "Huyện Chợ Đồn có bao nhiêu HTX?",
    "Năm 2020 tỉnh Hòa Bình thành lập mới bao nhiêu HTX?",
    "So sánh số HTX của thành phố Bắc Kạn và huyện Chợ Đồn.",
)
COMMANDS = (
    BotCommand("start", "Giới thiệu và câu hỏi mẫu"),
    BotCommand("help", "Cách hỏi và các lệnh"),
    BotCommand("nguon", "Danh sách bài viết làm nguồn"),
    BotCommand("moi", "Bắt đầu cuộc trò chuyện mới"),
)
GREETING = (
    "Xin chào! Tôi trả lời câu hỏi về số liệu hợp tác xã (HTX), tổ hợp tác và kinh tế tập thể "
    "từ các bài báo, kèm nguồn trích dẫn.\nHãy gõ câu hỏi, hoặc chọn một câu hỏi mẫu:"
)
HELP = (
    "<b>Cách dùng</b>\n"
    "Gõ câu hỏi bằng tiếng Việt, ví dụ: <i>Huyện Chợ Đồn có bao nhiêu HTX?</i>\n"
    "Có thể hỏi tiếp, ví dụ: <i>Còn thành phố Bắc Kạn thì sao?</i>\n"
    "Trong nhóm, hãy nhắc tên bot (@{username}) hoặc trả lời tin nhắn của bot.\n\n"
    "/nguon — danh sách bài viết làm nguồn\n"
    "/moi — bắt đầu cuộc trò chuyện mới\n"
    "/help — hướng dẫn này"
)
NEW_CONVERSATION = "Đã bắt đầu cuộc trò chuyện mới. Bạn muốn hỏi gì?"
TOO_MANY = "Bạn hỏi hơi nhanh quá 🙂 Vui lòng đợi một chút rồi hỏi tiếp (tối đa {limit} câu mỗi phút)."
TOO_LONG = "Câu hỏi dài quá ({length} ký tự). Vui lòng hỏi ngắn gọn hơn, tối đa {limit} ký tự."
NO_WORDS = "Tin nhắn chưa có chữ nào để tìm. Hãy gõ câu hỏi, ví dụ: Huyện Chợ Đồn có bao nhiêu HTX?"
EMPTY_QUESTION = "Tin nhắn trống. Hãy gõ câu hỏi, ví dụ: Huyện Chợ Đồn có bao nhiêu HTX?"
INDEX_BUSY = "Kho bài viết đang được cập nhật. Vui lòng hỏi lại sau khoảng một phút."
UNAVAILABLE = "Kho bài viết tạm thời chưa dùng được (người quản trị cần kiểm tra lại). Vui lòng thử lại sau."
NOT_TEXT = (
    "Xin lỗi, tôi chỉ đọc được tin nhắn chữ. Hãy gõ câu hỏi về hợp tác xã, ví dụ: Huyện Chợ Đồn có bao nhiêu HTX?"
)
UNKNOWN_COMMAND = "Tôi không biết lệnh này. Gõ /help để xem các lệnh."
MENTION_HINT = "Bạn muốn hỏi gì? Hãy nhắc @{username} kèm câu hỏi, ví dụ: @{username} Huyện Chợ Đồn có bao nhiêu HTX?"
FAILED = "Xin lỗi, đã có lỗi xảy ra khi xử lý tin nhắn của bạn. Vui lòng thử lại sau ít phút."
THANKS = "Cảm ơn bạn đã đánh giá!"
THANKS_BUTTON = "✅ Cảm ơn bạn đã đánh giá"
EXPIRED_RATING = "Câu trả lời này đã cũ, không đánh giá được nữa."
UNKNOWN_BUTTON = "Nút này không còn dùng được. Gõ /start để xem các câu hỏi mẫu."
INLINE_BUTTON = "Nút này chỉ dùng được trong trò chuyện với bot: hãy mở @{username} và gõ /start."
FAILED_BUTTON = "Xin lỗi, đã có lỗi xảy ra. Vui lòng thử lại sau ít phút."
# What a user whose Telegram is in English (language_code "en…") is told instead; questions are
# answered in the language they are asked in, whatever the user's setting.
EXAMPLE_QUESTIONS_EN = (
    "How many cooperatives does Chợ Đồn district have?",
    "How many new cooperatives did Hòa Bình province set up in 2020?",
    "Compare the number of cooperatives in Bắc Kạn city and Chợ Đồn district.",
)
COMMANDS_EN = (
    BotCommand("start", "About the bot, with example questions"),
    BotCommand("help", "How to ask, and the commands"),
    BotCommand("nguon", "The articles the answers come from"),
    BotCommand("moi", "Start a new conversation"),
)
GREETING_EN = (
    "Hello! I answer questions about the statistics of cooperatives (hợp tác xã, HTX), cooperative "
    "groups and the collective economy in Vietnam, from news articles, citing each source.\nType a "
    "question in English or Vietnamese, or pick an example:"
)
HELP_EN = (
    "<b>How to use</b>\n"
    "Ask in English or Vietnamese, e.g. <i>How many cooperatives does Chợ Đồn district have?</i>\n"
    "You can follow up, e.g. <i>What about Bắc Kạn city?</i>\n"
    "In a group, mention the bot (@{username}) or reply to one of its messages.\n\n"
    "/nguon — the articles the answers come from\n"
    "/moi — start a new conversation\n"
    "/help — this help"
)
NEW_CONVERSATION_EN = "A new conversation has started. What would you like to ask?"
TOO_MANY_EN = "You are asking a bit fast 🙂 Please wait a moment (at most {limit} questions a minute)."
TOO_LONG_EN = "The question is too long ({length} characters). Please keep it under {limit} characters."
BAD_QUESTION_EN = "I could not read the question. Please try asking it another way."
BAD_QUESTION = "Tôi chưa hiểu câu hỏi. Bạn thử hỏi lại theo cách khác nhé."
NO_WORDS_EN = "The message has no words to search for. Type a question, e.g. How many cooperatives does Chợ Đồn have?"
EMPTY_QUESTION_EN = "The message is empty. Type a question, e.g. How many cooperatives does Chợ Đồn have?"
INDEX_BUSY_EN = "The article index is being updated. Please ask again in about a minute."
UNAVAILABLE_EN = "The article index cannot be used right now (its operator has to check it). Please try later."
NOT_TEXT_EN = (
    "Sorry, I can only read text messages. Type a question about cooperatives, e.g. How many "
    "cooperatives does Chợ Đồn have?"
)
UNKNOWN_COMMAND_EN = "I do not know this command. Type /help to see the commands."
MENTION_HINT_EN = (
    "What would you like to ask? Mention @{username} with a question, e.g. @{username} How many "
    "cooperatives does Chợ Đồn have?"
)
FAILED_EN = "Sorry, something went wrong while handling your message. Please try again in a few minutes."
TYPING_EVERY_SECONDS = 4.0
STREAM_EDIT_SECONDS = 1.0  # Telegram allows about one edit a second per chat
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


@dataclass
class BotState:
    """What the handlers share: the services, the conversation memory and the per-user limit."""

    services: Services
    memory: ConversationMemory
    rate_limit: UserRateLimit
    # Updates are handled concurrently; one chat's questions still go one at a time, so that a
    # follow-up sees the answer to the question before it.
    chat_locks: defaultdict[int, asyncio.Lock] = field(default_factory=lambda: defaultdict(asyncio.Lock))


def state_of(context: ContextTypes.DEFAULT_TYPE) -> BotState:
    """Return the shared state stored in ``bot_data`` by build_application."""
    state: BotState = context.application.bot_data["state"]
    return state


# Each handler is registered (add_handlers) for updates that have what it reads: a message with a
# chat and a sender, or a callback query. These return it, and raise (reported by on_error) when
# an update without it reached the handler all the same.


def _not_in(update: Update, what: str) -> ValueError:
    return ValueError(f"update {update.update_id} has no {what}, which its handler is registered to need")


def message_of(update: Update) -> Message:
    """Return the update's message (a handler of message updates)."""
    if update.effective_message is None:
        raise _not_in(update, "message")
    return update.effective_message


def chat_of(update: Update) -> Chat:
    """Return the update's chat (a handler of message updates)."""
    if update.effective_chat is None:
        raise _not_in(update, "chat")
    return update.effective_chat


def user_id_of(update: Update) -> int:
    """Return the id of the update's sender (a handler of private or group messages, which have one)."""
    if update.effective_user is None:
        raise _not_in(update, "sender")
    return update.effective_user.id


def query_of(update: Update) -> CallbackQuery:
    """Return the update's callback query (a handler of buttons)."""
    if update.callback_query is None:
        raise _not_in(update, "callback query")
    return update.callback_query


def english(update: Update | None) -> bool:
    """Tell whether the update's sender uses Telegram in English (their language_code)."""
    user = update.effective_user if update is not None else None
    return bool(user and (user.language_code or "").lower().startswith("en"))


SUGGESTED_PREFIX = "sq:"  # a button that asks a question a refusal suggests: "sq:<the question>"
CALLBACK_DATA_BYTES = 64  # the Bot API's limit on a button's callback data


def suggestion_rows(questions: tuple[str, ...] | list[str]) -> list[list[InlineKeyboardButton]]:
    """Return one button row per suggested question whose callback data fits the Bot API's limit."""
    return [
        [InlineKeyboardButton(question, callback_data=SUGGESTED_PREFIX + question)]
        for question in questions
        if len((SUGGESTED_PREFIX + question).encode()) <= CALLBACK_DATA_BYTES
    ]


def answer_keyboard(answer: Answer) -> InlineKeyboardMarkup:
    """Return the buttons under an answer: a refusal's suggested questions, then 👍/👎."""
    rows = suggestion_rows(answer.suggestions) if not answer.found else []
    return InlineKeyboardMarkup([*rows, *feedback_keyboard().inline_keyboard])


def feedback_keyboard() -> InlineKeyboardMarkup:
    """Return the 👍/👎 buttons shown under every answer."""
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton("👍", callback_data="fb:up"), InlineKeyboardButton("👎", callback_data="fb:down")]]
    )


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Greet the user and offer three example questions as buttons, in the user's language."""
    en = english(update)
    examples, prefix = (EXAMPLE_QUESTIONS_EN, "ask:en:") if en else (EXAMPLE_QUESTIONS, "ask:")
    keyboard = InlineKeyboardMarkup(
        [[InlineKeyboardButton(q, callback_data=f"{prefix}{n}")] for n, q in enumerate(examples)]
    )
    await message_of(update).reply_text(GREETING_EN if en else GREETING, reply_markup=keyboard)


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Explain how to ask and list the commands, in the user's language."""
    text = HELP_EN if english(update) else HELP
    await message_of(update).reply_html(text.format(username=context.bot.username))


async def sources(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """List the indexed articles with title, date and place."""
    message = message_of(update)
    documents = await asyncio.to_thread(state_of(context).services.index.documents)
    for part in format_documents_html(documents):
        await message.reply_html(part, link_preview_options=NO_PREVIEW)


async def new_conversation(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Forget the chat's conversation so the next question stands alone."""
    await asyncio.to_thread(state_of(context).memory.clear, chat_of(update).id)
    await message_of(update).reply_text(NEW_CONVERSATION_EN if english(update) else NEW_CONVERSATION)


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Point to /help for a command the bot does not know."""
    await message_of(update).reply_text(UNKNOWN_COMMAND_EN if english(update) else UNKNOWN_COMMAND)


async def not_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Explain that only text questions are understood (photos, stickers, voice…)."""
    await message_of(update).reply_text(NOT_TEXT_EN if english(update) else NOT_TEXT)


async def private_question(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer a private chat's message: its text, or a photo's or document's caption; an edited
    message is answered again."""
    message = message_of(update)
    question = message.text if message.text is not None else message.caption
    if question is None:  # registered with filters.TEXT | filters.CAPTION
        raise _not_in(update, "text or caption")
    await answer_question(context, message.chat, user_id_of(update), question, reply_to=None, en=english(update))


async def group_question(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer a group message (text or caption) that mentions the bot or replies to it, without the
    mention; a mention with no question gets a hint."""
    message = message_of(update)
    question = addressed_question(message, context.bot.id, context.bot.username)
    if question is None:
        return
    if not question:
        hint = MENTION_HINT_EN if english(update) else MENTION_HINT
        await message.reply_text(hint.format(username=context.bot.username))
        return
    await answer_question(
        context, message.chat, user_id_of(update), question, reply_to=message.message_id, en=english(update)
    )


def example_of(data: str | None) -> str | None:
    """Return the example question of a button's ``ask:<n>`` (or English ``ask:en:<n>``) data, None
    for anything else."""
    examples = {f"ask:{n}": question for n, question in enumerate(EXAMPLE_QUESTIONS)}
    examples.update({f"ask:en:{n}": question for n, question in enumerate(EXAMPLE_QUESTIONS_EN)})
    return examples.get(data or "")


async def example_question(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer the example question whose button was tapped."""
    query = query_of(update)
    question = example_of(query.data)
    if question is None:  # a forged or outdated button, e.g. ask:-1
        await query.answer(UNKNOWN_BUTTON)
        return
    if query.message is None:  # a button of an inline-mode message: there is no chat to answer in
        await query.answer(INLINE_BUTTON.format(username=context.bot.username))
        return
    await query.answer()
    en = (query.data or "").startswith("ask:en:")
    await answer_question(context, query.message.chat, query.from_user.id, question, reply_to=None, en=en)


async def suggested_question(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer the question a refusal suggested, as if the user had typed it."""
    query = query_of(update)
    question = (query.data or "").removeprefix(SUGGESTED_PREFIX).strip()
    if not question:
        await query.answer(UNKNOWN_BUTTON)
        return
    if query.message is None:
        await query.answer(INLINE_BUTTON.format(username=context.bot.username))
        return
    await query.answer()
    await answer_question(context, query.message.chat, query.from_user.id, question, reply_to=None, en=english(update))


async def rate_answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Store a 👍/👎 rating with its question and answer, then replace the buttons by a thank-you."""
    query = query_of(update)
    if query.data == "fb:done":  # the thank-you button itself
        await query.answer(THANKS)
        return
    rating = (query.data or "").removeprefix("fb:")
    if rating not in ("up", "down"):
        await query.answer(UNKNOWN_BUTTON)
        return
    message = query.message
    if message is None:  # a button of an inline-mode message: no answer of ours is stored for it
        await query.answer(INLINE_BUTTON.format(username=context.bot.username))
        return
    memory, chat_lock = state_of(context).memory, state_of(context).chat_locks[message.chat.id]
    asked = await asyncio.to_thread(memory.pop_answer, message.chat.id, message.message_id)
    if asked is None and chat_lock.locked():  # not remembered yet? Its question's turn ends first: then again
        async with chat_lock:
            asked = await asyncio.to_thread(memory.pop_answer, message.chat.id, message.message_id)
    if asked is None:
        await query.answer(EXPIRED_RATING)
        return
    feedback = Feedback(
        channel="telegram",
        session_id=str(message.chat.id),
        question=asked["question"],
        answer=asked["answer"],
        rating=rating,
    )
    await asyncio.to_thread(state_of(context).services.feedback.add, feedback)
    await query.answer(THANKS)
    markup = getattr(message, "reply_markup", None)  # an inaccessible (old) message has none
    kept = [  # a refusal's suggested questions stay under it
        row
        for row in (markup.inline_keyboard if markup else ())
        if all(str(button.callback_data or "").startswith(SUGGESTED_PREFIX) for button in row)
    ]
    await query.edit_message_reply_markup(
        InlineKeyboardMarkup([*kept, [InlineKeyboardButton(THANKS_BUTTON, callback_data="fb:done")]])
    )


async def answer_question(
    context: ContextTypes.DEFAULT_TYPE,
    chat: Chat,
    user_id: int,
    question: str,
    *,
    reply_to: int | None,
    en: bool = False,
) -> None:
    """Check the limits, answer with the chat's history, send the parts, remember the turn; what is
    not an answer is said in English when ``en`` (the user's Telegram is in English)."""
    state = state_of(context)
    limit = state.services.settings.max_question_chars
    reply = ReplyParameters(reply_to, allow_sending_without_reply=True) if reply_to else None
    question = question.strip()
    if len(question) > limit:
        too_long = TOO_LONG_EN if en else TOO_LONG
        await context.bot.send_message(
            chat.id, too_long.format(length=len(question), limit=limit), reply_parameters=reply
        )
        return
    if not state.rate_limit.allow(user_id):
        too_many = TOO_MANY_EN if en else TOO_MANY
        await context.bot.send_message(chat.id, too_many.format(limit=state.rate_limit.limit), reply_parameters=reply)
        return
    async with state.chat_locks[chat.id]:
        history = await asyncio.to_thread(state.memory.history, chat.id)  # the database: off the event loop
        answer: Answer
        sent: Message
        try:
            if getattr(state.services.answerer, "streams", False):
                answer, sent = await stream_answer(context, chat.id, question, history, reply)
            else:
                async with typing(context, chat.id):
                    answer = await asyncio.to_thread(state.services.answerer.answer, question, history)
                sent = await send_answer(context, chat.id, answer, reply)
        except HtxError as exc:
            await context.bot.send_message(chat.id, friendly_error(exc, en=en), reply_parameters=reply)
            return
        await asyncio.to_thread(state.memory.add_turn, chat.id, question, answer.text)
        await asyncio.to_thread(state.memory.remember_answer, chat.id, sent.message_id, question, answer.text)
        if answer.chart is not None:  # sent in the chat's turn, so that it comes before the next answer
            await send_chart(context, chat.id, answer, reply)


def friendly_error(exc: HtxError, *, en: bool = False) -> str:
    """Return what a Telegram user is told for one of the core's errors, in one language (the
    core's own English wording is logged, never mixed into a Vietnamese reply); logged for the
    operator when it is not the user's."""
    if isinstance(exc, InputError):
        log.info("question refused: %s", exc)
        if en:
            return {"no_words": NO_WORDS_EN, "empty": EMPTY_QUESTION_EN}.get(exc.kind, BAD_QUESTION_EN)
        return {"no_words": NO_WORDS, "empty": EMPTY_QUESTION}.get(exc.kind, BAD_QUESTION)
    log.warning("answering failed: %s", exc)
    if isinstance(exc, IndexBusyError):
        return INDEX_BUSY_EN if en else INDEX_BUSY
    return UNAVAILABLE_EN if en else UNAVAILABLE


async def send_answer(
    context: ContextTypes.DEFAULT_TYPE, chat_id: int, answer: Answer, reply: ReplyParameters | None
) -> Message:
    """Send the answer's HTML parts, the rating buttons under the last; return the last message."""
    parts = format_answer_html(answer)
    sent: Message | None = None
    for number, part in enumerate(parts, 1):
        last = number == len(parts)
        sent = await context.bot.send_message(
            chat_id,
            part,
            parse_mode=ParseMode.HTML,
            link_preview_options=NO_PREVIEW,
            reply_parameters=reply if number == 1 else None,
            reply_markup=answer_keyboard(answer) if last else None,
        )
    assert sent is not None  # format_answer_html always returns at least one part
    return sent


async def send_chart(
    context: ContextTypes.DEFAULT_TYPE, chat_id: int, answer: Answer, reply: ReplyParameters | None
) -> Message | None:
    """Send the answer's chart as a PNG photo after its text; log a failure and return None (the
    text was sent: the answer is not lost)."""
    if answer.chart is None:
        return None
    try:
        png = await asyncio.to_thread(render_png, answer.chart)
        return await context.bot.send_photo(
            chat_id,
            InputFile(png, filename="chart.png"),
            caption=format_chart_caption(answer),
            reply_parameters=reply,
        )
    except TelegramError as exc:
        log.warning("could not send the chart of an answer: %s", describe(exc))
    except Exception:  # a chart that cannot be drawn must not turn an answered question into an error
        log.exception("could not draw a %s chart of %d points", answer.chart.kind, len(answer.chart.points))
    return None


async def stream_answer(
    context: ContextTypes.DEFAULT_TYPE,
    chat_id: int,
    question: str,
    history: list[dict[str, str]],
    reply: ReplyParameters | None,
) -> tuple[Answer, Message]:
    """Show an LLM's answer as it is written (one message edited at a modest rate), then replace it
    with the checked answer and its sources — or the extractive one when the guard refused it."""
    answerer = state_of(context).services.answerer
    streamed, last_edit = "", 0.0
    sent: Message | None = None
    answer: Answer | None = None
    async with typing(context, chat_id):
        async for kind, value in answerer.astream(question, history):
            if kind != "delta":
                if not isinstance(value, Answer):
                    raise TypeError(f"the answerer ended its stream with a {type(value).__name__}, not an Answer")
                answer = value
                continue
            if not isinstance(value, str):
                raise TypeError(f"the answerer streamed a {type(value).__name__} delta, not text")
            streamed += value
            now = time.monotonic()
            if sent is None and streamed.strip():
                sent = await context.bot.send_message(
                    chat_id, streamed + " …", reply_parameters=reply, link_preview_options=NO_PREVIEW
                )
                last_edit = now
            elif sent is not None and now - last_edit >= STREAM_EDIT_SECONDS:
                with suppress(TelegramError):  # "message is not modified" and flood limits are harmless here
                    await sent.edit_text(streamed + " …", link_preview_options=NO_PREVIEW)
                last_edit = now
    assert answer is not None  # astream always ends with the final answer
    if sent is None:
        return answer, await send_answer(context, chat_id, answer, reply)
    parts = format_answer_html(answer)
    last: Message | bool = sent  # edit_text returns True for an inline message's edit
    for number, part in enumerate(parts, 1):
        markup = answer_keyboard(answer) if number == len(parts) else None
        if number == 1:
            last = await sent.edit_text(
                part, parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW, reply_markup=markup
            )
        else:
            last = await context.bot.send_message(
                chat_id, part, parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW, reply_markup=markup
            )
    return answer, last if isinstance(last, Message) else sent


@asynccontextmanager
async def typing(context: ContextTypes.DEFAULT_TYPE, chat_id: int, every: float | None = None) -> AsyncIterator[None]:
    """Show "typing…" now and every few seconds until the block ends (Telegram shows it for 5 s)."""

    async def keep_typing() -> None:
        while True:
            await asyncio.sleep(every or TYPING_EVERY_SECONDS)
            with suppress(TelegramError):
                await context.bot.send_chat_action(chat_id, ChatAction.TYPING)

    with suppress(TelegramError):
        await context.bot.send_chat_action(chat_id, ChatAction.TYPING)
    task = asyncio.create_task(keep_typing())
    try:
        yield
    finally:
        task.cancel()
        with suppress(asyncio.CancelledError):
            await task


def addressed_question(message: Message, bot_id: int, bot_username: str | None) -> str | None:
    """Return a group message's question (its text, or its caption) when it mentions the bot or
    replies to it: "" when it says nothing besides the mention; None when it is not for the bot."""
    kinds: list[str | None] = [MessageEntity.MENTION, MessageEntity.TEXT_MENTION]
    if message.text is not None:
        text, entities = message.text, message.parse_entities(kinds)
    else:
        text, entities = message.caption or "", message.parse_caption_entities(kinds)
    mentioned = False
    handle = f"@{bot_username}".lower() if bot_username else None
    for entity, value in sorted(
        entities.items(),
        key=lambda item: item[0].offset,
        reverse=True,
    ):
        if (entity.type == MessageEntity.MENTION and handle and value.lower() == handle) or (
            entity.type == MessageEntity.TEXT_MENTION and entity.user and entity.user.id == bot_id
        ):
            mentioned = True
            text = text.replace(value, " ", 1)
    replied = bool(
        message.reply_to_message
        and message.reply_to_message.from_user
        and message.reply_to_message.from_user.id == bot_id
    )
    if not (mentioned or replied):
        return None
    return " ".join(text.split()).strip(" ,:")


async def unknown_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer a button the bot does not know (an old keyboard, forged data), so that its spinner stops."""
    await query_of(update).answer(UNKNOWN_BUTTON)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the exception (without the token), then tell the user to try again."""
    if update is None and isinstance(context.error, TelegramError):
        # getUpdates failed (PTB passes no update): the Bot API is down or unreachable, and PTB polls
        # again after a pause that grows to 30 s. One line each; a traceback would say nothing more.
        log.warning("polling the Bot API failed: %s; trying again", describe(context.error))
        return
    log.error("error while handling an update", exc_info=context.error)  # the token is redacted by redaction.py
    if isinstance(update, Update) and update.callback_query:
        with suppress(TelegramError):  # stop the button's spinner; it may have been answered already
            await update.callback_query.answer(FAILED_BUTTON)
    if isinstance(update, Update) and update.effective_chat:
        try:
            await context.bot.send_message(update.effective_chat.id, FAILED_EN if english(update) else FAILED)
        except TelegramError as exc:
            log.warning("could not tell the user about the error: %s", type(exc).__name__)


async def register_commands(application: BotApplication) -> None:
    """Register the command menu with setMyCommands: Vietnamese for everyone, English for users
    whose Telegram is in English."""
    await application.bot.set_my_commands(list(COMMANDS))
    await application.bot.set_my_commands(list(COMMANDS_EN), language_code="en")

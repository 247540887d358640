"""Generative answers through a LangChain chat model, behind a numeric grounding guard.

The model sees numbered passages and must cite them as [n] and copy figures exactly. Before an
answer is returned, every number in it must appear in a passage it cites and every [n] must point
to a passage that was given; otherwise — or when the model is unreachable, slow or failing — the
extractive answer is returned instead. Citations are always built from the passages themselves.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from prompts import REFUSAL, render
from retrieval.answering import ExtractiveAnswerer, analyse, resolve_followup, strip_instructions, validate_question
from retrieval.chunking import split_sentences
from retrieval.followups import Turn
from retrieval.guards import addresses_assistant, instructions_in, is_poisoned
from retrieval.models import Answer, Citation, Passage
from retrieval.periods import display_date
from retrieval.vietnamese import canonical_words, fold, number_value, numbers

log = logging.getLogger(__name__)

_MARKER_RE = re.compile(r"\[(\d+)\]")


# --- the guard (pure) ----------------------------------------------------------------------------


def _number_forms(text: str) -> tuple[set[str], set[float]]:
    found = numbers(_MARKER_RE.sub(" ", text))
    values = {v for v in (number_value(n) for n in found) if v is not None}
    return set(found), values


def grounding_violations(answer: str, passages: Sequence[str]) -> list[str]:
    """Return what makes ``answer`` untrustworthy against the numbered ``passages`` (1-based).

    Every [n] must name a passage that was given; every number ("1.750", "3,24", "12,7", "02")
    must be written, or have the same value, in one of the passages the answer cites.
    """
    problems = []
    cited = [int(n) for n in _MARKER_RE.findall(answer)]
    for n in cited:
        if not 1 <= n <= len(passages):
            problems.append(f"cites [{n}] but {len(passages)} passages were given")
    # A sentence that speaks to the assistant grounds nothing, even in a passage that was given.
    valid = [reported(passages[n - 1]) for n in cited if 1 <= n <= len(passages)]
    answer_numbers, _ = _number_forms(answer)
    if answer_numbers and not valid:
        problems.append("gives figures without citing a passage")
    grounds_text, grounds_values = _number_forms(" ".join(valid))
    for token in sorted(answer_numbers):
        if token in grounds_text:
            continue
        value = number_value(token)
        if value is None or value not in grounds_values:
            problems.append(f"number {token} is not in the cited passages")
    return problems


def reported(passage: str) -> str:
    """Return a passage without its sentences that address the assistant ("SYSTEM: …", "[INST]")."""
    lines = [
        " ".join(s for s in split_sentences(" ".join(line.split())) if not addresses_assistant(s))
        for line in passage.split("\n")
    ]
    return "\n".join(line for line in lines if line)


def renumber(answer: str) -> tuple[str, list[int]]:
    """Number the cited passages 1..k in order of first citation; return the text and the old numbers."""
    order: list[int] = []
    for n in _MARKER_RE.findall(answer):
        if int(n) not in order:
            order.append(int(n))
    mapping = {old: new for new, old in enumerate(order, 1)}
    return _MARKER_RE.sub(lambda m: f"[{mapping[int(m.group(1))]}]", answer), order


def is_refusal(answer: str) -> bool:
    """Tell whether the model used the fixed refusal phrase."""
    return fold(REFUSAL).rstrip(".") in fold(answer) or fold(answer).strip().startswith("sorry, the articles")


def best_quote(passage: str, answer: str) -> str:
    """Return the sentence of ``passage`` that shares the most figures and words with ``answer``."""
    answer_numbers, _ = _number_forms(answer)
    answer_words = set(canonical_words(answer))

    def overlap(sentence: str) -> tuple[int, int]:
        return (len(set(numbers(sentence)) & answer_numbers), len(set(canonical_words(sentence)) & answer_words))

    sentences = split_sentences(" ".join(passage.split("\n"))) or [passage]
    return max(sentences, key=overlap)


# --- the answerer --------------------------------------------------------------------------------


@dataclass(frozen=True)
class GenerationConfig:
    """How many passages the model sees and how long it may take."""

    context_passages: int = 5
    timeout_s: float = 20.0


@dataclass
class GenerationStats:
    """Counts exported on /metrics."""

    llm_answers: int = 0
    guard_violations: int = 0
    llm_failures: int = 0
    last_violations: list[str] = field(default_factory=list)


class ChatReply(Protocol):
    """A chat model's reply or streamed chunk (a LangChain message)."""

    @property
    def content(self) -> object: ...


class ChatModel(Protocol):
    """What the answerer uses of a chat model: LangChain's ``invoke`` and ``astream``."""

    def invoke(self, input: list[tuple[str, str]], *, timeout: float) -> ChatReply: ...

    def astream(self, input: list[tuple[str, str]]) -> AsyncIterator[ChatReply]: ...


class LLMAnswerer:
    """Answers with a chat model over retrieved passages; falls back to ``extractive``."""

    streams = True  # astream yields the model's words as they come

    def __init__(
        self, extractive: ExtractiveAnswerer, chat_model: ChatModel, config: GenerationConfig | None = None
    ) -> None:
        self.extractive = extractive
        self.index = extractive.index
        self.model = chat_model
        self.config = config or GenerationConfig()
        self.stats = GenerationStats()

    # prompts
    def _blocks(self, passages: Sequence[Passage]) -> list[str]:
        """Return each passage as the model sees it: "[n] title — dd/mm/yyyy — place", then the text.

        The guard checks numbers against these same blocks, so a figure or date the model copies
        from a passage's heading counts as grounded."""
        blocks = []
        for n, passage in enumerate(passages, 1):
            document = self.index.document(passage.doc_id)
            head = f"[{n}] {document.title if document else passage.doc_id}"
            if document:
                date = display_date(document.date) or "không rõ ngày"
                head += f" — {date} — {document.place or 'không rõ địa phương'}"
            blocks.append(f"{head}\n{passage.text}")
        return blocks

    def _messages(self, question: str, blocks: Sequence[str]) -> list[tuple[str, str]]:
        return [
            ("system", render("system", refusal=REFUSAL)),
            ("human", render("answer", passages="\n\n".join(blocks), question=question)),
        ]

    def condense(self, question: str, history: Sequence[Turn] | None) -> str:
        """Rewrite a follow-up into a standalone question with the model, else with the rules."""
        turns = [t for t in history or [] if t.get("content")]
        if not turns:
            return question
        lines = "\n".join(f"{'Người hỏi' if t.get('role') == 'user' else 'Trợ lý'}: {t['content']}" for t in turns)
        try:
            reply = self.model.invoke(
                [("human", render("condense", history=lines, question=question))], timeout=self.config.timeout_s
            )
            text = " ".join(str(reply.content).split())
            if text and len(text) < 500:
                return text
        except Exception as exc:  # the rules below still resolve the follow-up
            log.warning("condense prompt failed (%s); using the follow-up rules", type(exc).__name__)
        return resolve_followup(question, history)

    def _prepare(self, question: str, history: Sequence[Turn] | None) -> tuple[str, str, list[Passage], list[Passage]]:
        question = validate_question(question, self.extractive.config.max_question_chars)
        standalone = self.condense(strip_instructions(question), history)
        passages = self.index.search(
            standalone, self.extractive.config.passages, lexical_query=analyse(standalone).match_text
        )
        # An article that addresses the assistant is never shown to the model: it was written for it.
        given = [p for p in passages if not self._poisoned(p)]
        return question, standalone, passages, given[: self.config.context_passages]

    def _poisoned(self, passage: Passage) -> bool:
        document = self.index.document(passage.doc_id)
        return is_poisoned(document) if document is not None else bool(instructions_in(passage.text))

    def answer(self, question: str, history: Sequence[Turn] | None = None) -> Answer:
        """Answer with the model; any failure or ungrounded figure gives the extractive answer."""
        started = time.perf_counter()
        question, standalone, passages, given = self._prepare(question, history)
        try:
            reply = self.model.invoke(self._messages(standalone, self._blocks(given)), timeout=self.config.timeout_s)
            text = str(reply.content).strip()
        except Exception as exc:
            return self._fallback(question, history, f"model call failed: {type(exc).__name__}: {exc}")
        return self._finish(question, standalone, text, given, passages, history, started)

    async def astream(self, question: str, history: Sequence[Turn] | None = None) -> AsyncIterator[tuple[str, object]]:
        """Yield ("delta", text) pieces as the model writes, then ("final", Answer) after the guard."""
        started = time.perf_counter()
        question, standalone, passages, given = await asyncio.to_thread(self._prepare, question, history)
        pieces: list[str] = []
        try:
            async with asyncio.timeout(self.config.timeout_s):
                async for chunk in self.model.astream(self._messages(standalone, self._blocks(given))):
                    piece = str(chunk.content)
                    if piece:
                        pieces.append(piece)
                        yield "delta", piece
        except Exception as exc:
            answer = await asyncio.to_thread(
                self._fallback, question, history, f"model stream failed: {type(exc).__name__}: {exc}"
            )
            yield "final", answer
            return
        yield "final", self._finish(question, standalone, "".join(pieces).strip(), given, passages, history, started)

    def _finish(
        self,
        question: str,
        standalone: str,
        text: str,
        given: Sequence[Passage],
        passages: Sequence[Passage],
        history: Sequence[Turn] | None,
        started: float,
    ) -> Answer:
        if not text:
            return self._fallback(question, history, "empty reply")
        if is_refusal(text) and not _MARKER_RE.search(text):
            self.stats.llm_answers += 1
            return Answer(
                question=question,
                text=text,
                found=False,
                passages=tuple(passages),
                standalone_question=standalone,
                latency_ms=(time.perf_counter() - started) * 1000,
            )
        problems = grounding_violations(text, self._blocks(given))
        if not _MARKER_RE.search(text):
            problems.append("cites no passage")
        if problems:
            self.stats.guard_violations += 1
            self.stats.last_violations = problems
            return self._fallback(question, history, "grounding guard: " + "; ".join(problems))
        text, order = renumber(text)
        citations: list[Citation] = []
        for n in order:
            passage = given[n - 1]
            document = self.index.document(passage.doc_id)
            citations.append(
                Citation(
                    source=passage.source or passage.doc_id,
                    title=document.title if document else passage.doc_id,
                    date=document.date if document else None,
                    place=document.place if document else None,
                    url=document.url if document else None,
                    quote=best_quote(passage.text, text),
                    chunk_id=passage.chunk_id,
                    paper=document.paper if document else None,
                )
            )
        self.stats.llm_answers += 1
        return Answer(
            question=question,
            text=text,
            found=True,
            citations=tuple(citations),
            passages=tuple(passages),
            standalone_question=standalone,
            latency_ms=(time.perf_counter() - started) * 1000,
        )

    def _fallback(self, question: str, history: Sequence[Turn] | None, reason: str) -> Answer:
        if reason.startswith("grounding guard"):
            log.warning("%s; answering extractively", reason)
        else:
            self.stats.llm_failures += 1
            log.warning("LLM unavailable (%s); answering extractively", reason)
        return self.extractive.answer(question, history)

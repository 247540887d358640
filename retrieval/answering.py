"""The extractive answerer: question → structured query → passages → selected clauses → answer.

Deterministic and LLM-free: every figure in an answer is quoted from a passage, and when the
passages do not hold the answer (an unknown place, a measure no article gives, an unrelated topic)
it says so. The steps live in their own modules: input guards (`guards`), follow-up resolution
(`followups`), question analysis (`questions`), the pure selection with the place-safety
invariant (`selection`) and the words around the quotes (`composition`).
"""

from __future__ import annotations

import asyncio
import re
import threading
import time
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Protocol, runtime_checkable

from retrieval.composition import (
    TEXTS,
    capitalise,
    cite,
    marker,
    nested_quotes,
    part_of_lead,
    place_notes,
    quote_of,
    sentence_case,
    source_of,
    stream_pieces,
    texts_for,
)
from retrieval.errors import HtxError
from retrieval.followups import Turn, is_small_talk, resolve_followup, strip_politeness
from retrieval.guards import MAX_QUESTION_CHARS, is_only_instruction, strip_instructions, validate_question
from retrieval.listing import extreme_item, wants_lowest
from retrieval.measures import Figure
from retrieval.models import Answer, Chart, ChartPoint, Citation, Document, Passage
from retrieval.periods import years
from retrieval.places import Place, find_places, legacy_provinces, place_mentions, within
from retrieval.questions import Question, analyse, body_sides, first_side, question_parts, second_side
from retrieval.selection import (
    DECISIVE,
    Clause,
    Refusal,
    Selection,
    candidates_from,
    clause_terms,
    place_ok,
    select,
    select_series,
    states_target,
)
from retrieval.stats import StatRow, StatsQuery, measured
from retrieval.tabular import rank_answer, trend_answer
from retrieval.vietnamese import canonical_words, fold

__all__ = [
    "AnswerConfig",
    "Answerer",
    "ExtractiveAnswerer",
    "MAX_QUESTION_CHARS",
    "SearchIndex",
    "analyse",
    "resolve_followup",
    "stream_pieces",
    "strip_instructions",
    "validate_question",
]


class SearchIndex(Protocol):
    """What the answerer needs of an index."""

    def search(self, query: str, k: int | None = None, *, lexical_query: str | None = None) -> list[Passage]:
        """Return ranked passages."""

    def document(self, doc_id: str) -> Document | None:
        """Return a document by id."""

    def stats(self, query: StatsQuery | None = None) -> list[StatRow]:
        """Return rows of the statistics table."""

    def chunk_of(self, doc_id: str, offset: int) -> str:
        """Return the id of the chunk holding a character offset of a document's text."""

    def document_passages(self, doc_id: str) -> list[Passage]:
        """Return every chunk of a document as an unscored passage, in article order."""

    def covered_places(self, limit: int = 8) -> list[str]:
        """Return the places most documents are about."""


@runtime_checkable
class Answerer(Protocol):
    """What every channel needs of an answerer; ``streams`` says whether ``astream`` yields the
    answer as it is generated (an LLM) or only cuts a finished one into pieces."""

    streams: bool

    def answer(self, question: str, history: Sequence[Turn] | None = None) -> Answer:
        """Answer a question (a follow-up when ``history`` holds earlier turns)."""

    def astream(self, question: str, history: Sequence[Turn] | None = None) -> AsyncIterator[tuple[str, object]]:
        """Yield ("delta", text) pieces, then ("final", Answer)."""


@dataclass(frozen=True)
class AnswerConfig:
    """Thresholds of the extractive answerer."""

    passages: int = 10  # returned with the answer (hit@k, the results format)
    read: int = 10  # passages whose sentences are candidates
    deeper: int = 30  # passages read when the first ones hold no answer (0: never)
    whole_articles: int = 2  # the first articles retrieved are read whole, not only their matching chunks
    min_coverage: float = 0.45  # share of the question's topic weight a quote must cover
    fresh_days: int = 7  # how old an article's price may be to answer "giá ... hôm nay"
    max_question_chars: int = MAX_QUESTION_CHARS


class ExtractiveAnswerer:
    """Answers from the passages alone by quoting the sentence that holds the figure."""

    streams = False

    def __init__(self, index: SearchIndex, config: AnswerConfig | None = None):
        self.index = index
        self.config = config or AnswerConfig()
        self._suggested: dict[tuple[tuple[str, ...], bool], tuple[str, ...]] = {}
        self._probing = threading.local()  # set while this thread tries the questions a refusal suggests

    def standalone(self, question: str, history: Sequence[Turn] | None) -> str:
        """Return the question with orders and politeness removed, resolved against the history."""
        return resolve_followup(strip_politeness(strip_instructions(question)), history)

    def answer(self, question: str, history: Sequence[Turn] | None = None) -> Answer:
        """Answer ``question`` (a follow-up when ``history`` holds earlier turns)."""
        started = time.perf_counter()
        question = validate_question(question, self.config.max_question_chars)
        standalone = self.standalone(question, history)
        q = analyse(standalone)
        if is_small_talk(standalone) or not re.search(r"\w", standalone):
            answer = Answer(
                question=question, text=texts_for(q)["small_talk"], found=False, language="en" if q.english else "vi"
            )
        elif is_only_instruction(question):
            answer = self._refuse(q, [], Refusal("topic"))

        else:
            passages = self._retrieve(standalone, q, self.config.passages)
            answer = self._route(q, passages)
            if not answer.found and self.config.deeper > len(passages) and _names_asked_places(q, passages):
                # The first passages hold no quotable answer; the article that does may rank lower
                # when the question's words are common ("TP.HCM có bao nhiêu HTX vận tải?"). The
                # same rules (place safety first) read the deeper passages; a refusal stays one.
                deeper = self._retrieve(standalone, q, self.config.deeper)
                again = self._route(q, deeper)
                if again.found:
                    answer = again
        return replace(
            answer, question=question, standalone_question=standalone, latency_ms=(time.perf_counter() - started) * 1000
        )

    def _retrieve(self, standalone: str, q: Question, k: int) -> list[Passage]:
        passages = self.index.search(standalone, k, lexical_query=q.search_text)
        expanded = _with_legacy_units(q.search_text, q)
        if expanded != q.search_text:
            # A 2025 province: the articles name the old provinces it took in; read theirs too.
            seen = {p.chunk_id for p in passages}
            passages += [p for p in self.index.search(expanded, k, lexical_query=expanded) if p.chunk_id not in seen]
        return passages

    def _route(self, q: Question, passages: list[Passage]) -> Answer:
        if q.intent == "compare" and len(q.organisations) == 2 and (bodies := body_sides(q)):
            return self._compare_bodies(q, passages, bodies)
        if q.intent == "compare" and len(q.places) >= 2:
            return self._compare(q, passages)
        if q.intent == "compare" and len(q.owners) >= 2 and q.asked:
            return self._compare_owners(q, passages)
        if q.intent == "rank":
            return self._rank(q, passages)
        if q.intent == "trend" and q.asked and not _asks_two_kinds(q):
            return self._trend(q, passages)
        return self._single(q, passages)

    async def astream(self, question: str, history: Sequence[Turn] | None = None) -> AsyncIterator[tuple[str, object]]:
        """Yield ("delta", text) pieces of the answer, then ("final", Answer) — the streaming shape
        the LLM answerer has too."""
        answer = await asyncio.to_thread(self.answer, question, history)
        for piece in stream_pieces(answer.text):
            yield "delta", piece
        yield "final", answer

    def _select(self, q: Question, passages: Sequence[Passage]) -> Selection | Refusal:
        return self._pick(q, self._candidates(passages))

    def _pick(self, q: Question, candidates: Sequence[Clause]) -> Selection | Refusal:
        return select(q, candidates, min_coverage=self.config.min_coverage, fresh_days=self.config.fresh_days)

    def _candidates(self, passages: Sequence[Passage]) -> list[Clause]:
        """Return the quotable clauses of the passages read (whole articles for the first ones)."""
        passages = self._whole_articles(passages)
        documents: dict[str, Document] = {}
        for passage in passages:
            if passage.doc_id not in documents:
                document = self.index.document(passage.doc_id)
                if document is not None:
                    documents[passage.doc_id] = document
        return candidates_from(passages, documents, len(passages))

    def _whole_articles(self, passages: Sequence[Passage]) -> list[Passage]:
        """Return the passages read, then the other chunks of the first ``whole_articles`` articles:
        retrieval finds the article, but its figure may sit in the chunk after the one that matched
        ("… đến cuối năm 2016 có 1.642 hợp tác xã, chiếm 15,16% cả nước")."""
        read = list(passages[: max(self.config.read, len(passages))])
        seen = {p.chunk_id for p in read}
        articles = list(dict.fromkeys(p.doc_id for p in read))[: self.config.whole_articles]
        return read + [p for doc_id in articles for p in self.index.document_passages(doc_id) if p.chunk_id not in seen]

    # one question, one (or two) quotes
    def _single(self, q: Question, passages: list[Passage]) -> Answer:
        candidates = self._candidates(passages)  # read once, also for each part of a two-part question
        pick = self._with_parts(q, candidates, self._pick(q, candidates))
        if isinstance(pick, Refusal):
            return self._refuse(q, passages, pick)
        if pick.conflicts:
            return self._disagreement(q, passages, pick)
        if len({c.document.id for c in pick.clauses}) > 1:
            return self._two_sources(q, passages, pick, candidates)
        citation, period = cite(pick.clauses, q)
        texts = texts_for(q)
        short = " ".join(quote_of(c, q) for c in pick.clauses)
        lowest = wants_lowest(fold(q.text))
        listed = [(c, extreme_item(c.sentence, lowest)) for c in pick.clauses] if q.intent == "rank" else []
        listing, item = next(((c, i) for c, i in listed if i is not None), (None, None))
        if listing is not None:
            # "HTX nào được giao diện tích lớn nhất?": a sentence lists the figures; the whole list
            # is quoted and its largest (smallest) item named, as written.
            quotes = {c.sentence: sentence_case(c.sentence) if c is listing else quote_of(c, q) for c in pick.clauses}
            short = " ".join(quotes.values())
        # A goal given for a question that did not ask one ("Doanh thu bình quân … là bao nhiêu?"
        # answered by "phấn đấu … đạt 1 tỷ đồng/HTX") says so before the quote.
        goal = bool(q.asked) and "target" not in q.qualifiers and all(states_target(q, c) for c in pick.clauses)
        text = (
            (texts["gap"] if pick.temporal_gap else "")
            + (texts["target_only"] if goal else "")
            + part_of_lead(q, pick.clauses)
            + texts["quote"].format(quote=nested_quotes(short) if q.english else short, marked=marker(short, 1))
        )
        if item is not None:
            text += "\n" + texts["lowest_item" if lowest else "highest_item"].format(item=item)
        others = _corroborating(q, pick.clauses, candidates)
        if others:
            text += _also(texts, range(2, 2 + len(others)))
        return _found(q, text, pick, (citation, *(cite([c], q)[0] for c in others)), passages, period)

    def _with_parts(self, q: Question, candidates: Sequence[Clause], pick: Selection | Refusal) -> Selection | Refusal:
        """A question that asks two things ("… có hơn bao nhiêu ha đất, và đến năm 1986 … mượn bao
        nhiêu ha?"): each part is also selected on its own. Parts answered from one article answer
        for the whole question when its own selection lacks their sentences or is of another
        article; parts answered from two articles answer only a question the whole selection
        refuses, each with its own citation; otherwise a part's sentence of the selection's article
        is added to it."""
        parts = question_parts(q)
        if not parts or (isinstance(pick, Selection) and pick.conflicts):
            return pick
        first = self._pick(parts[0], candidates)
        if isinstance(first, Selection) and _leans_on_first(parts[1]):
            # "…, trên diện tích bao nhiêu?": a part that names nothing of its own asks it of what
            # the first part is about, in the article its sentence comes from.
            article = first.clauses[0].document.id
            second = self._pick(parts[1], [c for c in candidates if c.document.id == article])
        else:
            second = self._pick(parts[1], candidates)
        # Each part's own sentence: a part whose best sentence the other part took gives its next
        # one ("What did each bus cost to buy, and at what price … sell them?").
        found: list[Clause] = []
        for part_pick in (first, second):
            if isinstance(part_pick, Selection):
                taken = {c.text for c in found}
                found.append(next((c for c in part_pick.clauses if c.text not in taken), part_pick.clauses[0]))
        if len(found) == 2 and found[0].document.id != found[1].document.id:
            # An article reprinted under another id: a part's sentence is read in the article the
            # other part's comes from when it says it too, so that one article answers both.
            for part_at, other_at in ((1, 0), (0, 1)):
                twin = next(
                    (
                        c
                        for c in candidates
                        if c.document.id == found[other_at].document.id and c.text == found[part_at].text
                    ),
                    None,
                )
                if twin is not None:
                    found[part_at] = twin
                    break
        articles = {c.document.id for c in found}
        if len(found) == 2 and (len(articles) == 1 or isinstance(pick, Refusal)):
            # Every sentence each part quotes (a who / what part may quote two).
            every = [c for p in (first, second) if isinstance(p, Selection) for c in p.clauses]
            whole = pick.clauses if isinstance(pick, Selection) and pick.clauses[0].document.id in articles else ()
            gap = any(isinstance(p, Selection) and p.temporal_gap for p in (first, second))
            return Selection(tuple(parts_quoted(found, every, whole)), gap, ())
        if isinstance(pick, Refusal):
            return pick
        clauses = list(pick.clauses)
        for clause in found:
            if clause.document.id == clauses[0].document.id and all(clause.text != c.text for c in clauses):
                clauses.append(clause)
        text = clauses[0].document.text
        clauses = sorted(clauses[:3], key=lambda c: text.find(c.text[:60]))
        if len(found) == 2:
            # Parts of two articles and a selection that answers one of them: the other part's
            # sentence is quoted too, with its own citation.
            answered = [isinstance(self._pick(part, clauses), Selection) for part in parts]
            if answered.count(False) == 1:
                other = found[answered.index(False)]
                if other.document.id != clauses[0].document.id:
                    clauses = [other, *clauses] if answered[1] else [*clauses, other]
        return replace(pick, clauses=tuple(clauses)) if len(clauses) != len(pick.clauses) else pick

    def _two_sources(
        self, q: Question, passages: list[Passage], pick: Selection, candidates: Sequence[Clause]
    ) -> Answer:
        """The two parts of a question answered from two articles: each quote with its own
        citation and period (and the other articles read that give the same figures)."""
        texts = texts_for(q)
        groups: dict[str, list[Clause]] = {}
        for clause in pick.clauses:
            groups.setdefault(clause.document.id, []).append(clause)
        pieces, citations, periods = [], [], []
        for number, group in enumerate(groups.values(), 1):
            citation, period = cite(group, q)
            citations.append(citation)
            quote = " ".join(quote_of(c, q) for c in group)
            shown = nested_quotes(quote) if q.english else quote
            pieces.append(
                texts["source_quote"].format(quote=shown, marked=marker(shown, number), number=number)
                + (texts["period_inline"].format(period=period) if period else "")
            )
            if period:
                periods.append(period)
        text = (
            (texts["gap"] if pick.temporal_gap else "")
            + part_of_lead(q, pick.clauses)
            + texts["sources"]
            + " ".join(pieces)
        )
        others = _corroborating(q, pick.clauses, candidates)
        if others:
            start = len(citations) + 1
            text += _also(texts, range(start, start + len(others)))
            citations += [cite([c], q)[0] for c in others]
        for note in place_notes(q, pick.clauses):
            text += texts["about"].format(note=note)
        return _answered(q, text, tuple(citations), passages, periods)

    def _disagreement(self, q: Question, passages: list[Passage], pick: Selection) -> Answer:
        """Articles that give different figures for the same place, measure and period: each one
        quoted with its source and date, oldest article first, and no figure picked."""
        texts = texts_for(q)
        clauses = sorted(
            (*pick.clauses, *pick.conflicts), key=lambda c: (c.document.date is None, c.document.date or "")
        )
        lines, citations = [], []
        _, period = cite(pick.clauses, q)
        for number, clause in enumerate(clauses, 1):
            citation, _ = cite((clause,), q)
            citations.append(citation)
            lines.append(
                texts["conflict_line"].format(source=source_of(clause, q), quote=marker(quote_of(clause, q), number))
            )
        text = (
            (texts["gap"] if pick.temporal_gap else "")
            + part_of_lead(q, pick.clauses)
            + texts["conflict"]
            + "\n"
            + "\n".join(lines)
            + "\n"
            + texts["conflict_end"]
        )
        return _found(q, text, pick, tuple(citations), passages, period)

    def _trend(self, q: Question, passages: list[Passage]) -> Answer:
        """Several dated (or now / new / target) figures of one measure and place: over the years
        from the statistics table, else from the passages in article order."""
        over_years = trend_answer(self.index, q)
        if over_years is not None:
            return _answered(q, *over_years[:2], passages, over_years[2], over_years[3])
        read = self._whole_articles(passages)  # the other figure is often further on in the article
        documents = {p.doc_id: self.index.document(p.doc_id) for p in read}
        candidates = candidates_from(read, {k: v for k, v in documents.items() if v}, len(read))
        series = select_series(q, candidates)
        if len(series) < 2:
            return self._single(q, passages)
        texts = texts_for(q)
        lines: list[str] = []
        citations: list[Citation] = []
        periods: list[str] = []
        order = {c: n for n, c in enumerate(candidates)}
        # Oldest article first; within one, a figure of a named year before the undated "now" one.
        for clause in sorted(series, key=lambda c: (c.document.date or "", _first_year(c), order.get(c, 0))):
            citation, period = cite((clause,), q)
            number = next((i for i, c in enumerate(citations, 1) if c.source == citation.source), None)
            if number is None:
                citations.append(citation)
                number = len(citations)
            line = f"- {marker(quote_of(clause, q), number)}"
            if period:
                line += texts["period_inline"].format(period=period)
                periods.append(period)
            lines.append(line)
        # No chart: figures read from passages mix totals, new ones and targets; the table's do not.
        return _answered(q, texts["trend"] + "\n" + "\n".join(lines), tuple(citations), passages, periods)

    def _rank(self, q: Question, passages: list[Passage]) -> Answer:
        """A ranking of places from the statistics table; other rankings ("HTX nào…") and rankings
        with fewer than two places are answered from the sentences."""
        ranked = rank_answer(self.index, q)
        if ranked is None and len(q.places) >= 2:
            # "Vùng nào … cao nhất: A, B hay C?" beyond the table: each place named answered from
            # the passages, then the top one.
            return self._compare(q, passages)
        if ranked is None:
            return self._single(q, passages)
        text, citations, periods, chart = ranked
        return _answered(q, text, citations, passages, periods, chart)

    def _compare(self, q: Question, passages: list[Passage]) -> Answer:
        """Each side of a comparison answered on its own (its figure, period and source), then which is larger."""
        sides = []
        written, mentions = place_mentions(q.text)
        # "… ở Thừa Thiên Huế: huyện Phong Điền …, còn Quảng Điền …?": the province around the
        # places compared only says where they lie; it is no side.
        places = [p for p in q.places if not any(o.key != p.key and within(o, p) for o in q.places)]
        places = places if len(places) >= 2 else list(q.places)
        compared = [m for m in mentions if any(m[0].key == p.key for p in places)]
        first, second = first_side(written, compared), second_side(written, compared)
        for place in places:
            # The question with the other places cut out, however they are written ("ĐBSCL -
            # Đông Nam Bộ" for "Đồng bằng sông Cửu Long và Đông Nam Bộ").
            query = written
            for other, start, end in sorted(mentions, key=lambda m: -m[1]):
                if other.key != place.key and any(other.key == p.key for p in places):
                    query = query[:start] + " " + query[end:]
            side = replace(analyse(query), places=(place,))
            if first is not None and place.key == first[0]:
                # "Thu nhập … của nông dân vùng ĐBSCL so với lao động … của Vinaseed ở Hà Nam": the
                # first side is asked without the second side's words.
                own = analyse(first[1])
                if own.quantity or own.asked or side.asked:
                    side = replace(own, places=(place,), asked=own.asked or side.asked, years=own.years or side.years)
            elif second is not None and place.key == second[0]:
                # "…, còn Hòa Bình lũy kế tới cuối năm 2020 có bao nhiêu HTX?": the second side asks
                # its own question, in its own period.
                own = analyse(second[1])
                side = replace(
                    own,
                    places=(place,),
                    asked=own.asked or side.asked,
                    years=own.years or side.years,
                    # "…, còn Lai Châu có bao nhiêu?": the measure's words are the first side's
                    terms=own.terms if own.asked else {**side.terms, **own.terms},
                )
            sides.append((place.label(), side, place))
        return self._compare_sides(q, passages, sides)

    def _compare_bodies(self, q: Question, passages: list[Passage], bodies: list[tuple[str, str]]) -> Answer:
        """A comparison of two named bodies, each with the places said with it ("HTX … Thanh Thủy (Phú
        Thọ) và … HTX Hợp Lực (Lộc Hà, Hà Tĩnh) mỗi bên có bao nhiêu lồng?"): each asked on its own."""
        sides = []
        for (label, text), key in zip(bodies, q.organisations, strict=True):
            side = analyse(text)
            sides.append((label, replace(side, intent="lookup", organisations=(key,), sides=()), None))
        return self._compare_sides(q, passages, sides, named=True)

    def _compare_owners(self, q: Question, passages: list[Passage]) -> Answer:
        """A comparison of cooperatives with cooperative groups (or funds) in the same place."""
        labels = {
            "htx": "HTX",
            "tht": "tổ hợp tác" if not q.english else "cooperative groups",
            "qtdnd": "quỹ tín dụng nhân dân" if not q.english else "people's credit funds",
        }
        owners = [o for o in ("htx", "tht", "qtdnd") if o in q.owners]
        return self._compare_sides(q, passages, [(labels[o], replace(q, owner=o), None) for o in owners])

    def _compare_sides(
        self,
        q: Question,
        passages: list[Passage],
        sides: Sequence[tuple[str, Question, Place | None]],
        *,
        named: bool = False,
    ) -> Answer:
        """Each side asked on its own, quoted with its citation and period, then which is larger.
        ``named``: each side is a body asked by name; one clause given for both that names neither
        gives way to the clauses that name each ("hợp tác xã Vững Mạnh được giao 851,8 ha")."""
        lines: list[str] = []
        citations: list[Citation] = []
        missing: list[tuple[str, Place | None]] = []
        periods: list[str] = []
        values: list[tuple[str, tuple[float, str, str] | None]] = []
        points: list[ChartPoint] = []
        texts = texts_for(q)
        picked = []
        for label, sub, place in sides:
            own = (
                self.index.search(sub.text, self.config.passages, lexical_query=sub.search_text)
                if sub.text != q.text
                else []
            )
            candidates = self._candidates(own + [p for p in passages if p.chunk_id not in {o.chunk_id for o in own}])
            picked.append((label, sub, place, candidates, self._pick(sub, candidates)))
        quoted = [p.clauses[0] for *_, p in picked if isinstance(p, Selection)]
        if named and len(quoted) == len(picked) == 2 and quoted[0].text == quoted[1].text:
            # Two bodies answered by one clause that does not name them both ("toàn bộ diện tích
            # nuôi nghêu rộng 1.000 ha"): each side is read in the clauses that name it.
            again = []
            for label, sub, place, candidates, pick in picked:
                naming = [c for c in candidates if any(_names(key, c.text) for key in sub.organisations)]
                if naming and not all(_names(key, quoted[0].text) for s in picked for key in s[1].organisations):
                    pick = self._pick(sub, naming)
                again.append((label, sub, place, candidates, pick))
            picked = again
        found = [pick for *_, pick in picked if isinstance(pick, Selection)]
        for label, sub, place, candidates, pick in picked:
            if isinstance(pick, Refusal) and found:
                pick = self._beside(sub, candidates, found)
            if isinstance(pick, Refusal):
                missing.append((label, place))
                continue
            # The side's quote, then the other articles read that give its figure.
            citation, period = cite(pick.clauses, sub)
            numbers = []
            for source in (citation, *(cite([c], sub)[0] for c in _corroborating(sub, pick.clauses, candidates))):
                number = next((i for i, c in enumerate(citations, 1) if c.source == source.source), None)
                if number is None:
                    citations.append(source)
                    number = len(citations)
                numbers.append(number)
            number = numbers[0]
            quote = " ".join(quote_of(c, sub) for c in pick.clauses)
            line = f"- {capitalise(label)}: {marker(sentence_case(quote), number)}"
            if period:
                line += texts["period_inline"].format(period=period)
                periods.append(period)
            if len(numbers) > 1:
                line += _also(texts, numbers[1:])
            lines.append(line)
            value = _asked_value(sub, pick.clauses)
            values.append((label, value))
            if value is not None:
                points.append(ChartPoint(capitalise(label), value[0], value[2], value[1], period, number))
        if not citations:
            refusal = Refusal("place" if missing and missing[0][1] else "topic")
            return self._refuse(q, passages, refusal, missing[0][1] if missing else None)
        for label, _ in missing:
            lines.append(f"- {capitalise(label)}: {texts['no_figure']}")
        comparable = [(label, v) for label, v in values if v is not None]
        if q.intent == "rank" and len(comparable) >= 2 and len({v[1] for _, v in comparable}) == 1:
            lowest = wants_lowest(fold(q.text))
            top, value = (min if lowest else max)(comparable, key=lambda item: item[1][0])
            lines.append(texts["lowest_of" if lowest else "highest_of"].format(a=capitalise(top), va=value[2]))
        elif len(values) == 2:
            (a, va), (b, vb) = values
            if va is not None and vb is not None and va[1] == vb[1]:  # "3 tỷ đồng" and "12%" do not compare
                if va[0] == vb[0]:
                    lines.append(texts["equal"].format(va=va[2]))
                else:
                    (hi, vhi), (lo, vlo) = ((a, va), (b, vb)) if va[0] > vb[0] else ((b, vb), (a, va))
                    lines.append(texts["larger"].format(a=capitalise(hi), b=lo, va=vhi[2], vb=vlo[2]))
        text = texts["compare"] + "\n" + "\n".join(lines)
        return _answered(q, text, tuple(citations), passages, periods, _chart(q, "bar", points))

    def _beside(self, side: Question, candidates: Sequence[Clause], found: Sequence[Selection]) -> Selection | Refusal:
        """A side of a comparison the other side's article tells in its own words ("Tại Nghệ An, …
        hơn 100 hồ … xuống mực nước chết … Tại Hà Tĩnh, … có 89 hồ … bị cạn nước"): its sentence
        there with a figure of the same kind, whichever of the question's phrases it repeats."""
        articles = {c.document.id for pick in found for c in pick.clauses}
        kinds = {f.measure for pick in found for c in pick.clauses for f in c.figures if f.measure}
        same = [c for c in candidates if c.document.id in articles and any(f.measure in kinds for f in c.figures)]
        pick = self._pick(replace(side, pairs=()), same)
        if isinstance(pick, Selection) and all(c.document.id in articles for c in pick.clauses):
            return pick
        return Refusal("topic")

    def _refuse(self, q: Question, passages: list[Passage], refusal: Refusal, place: Place | None = None) -> Answer:
        place = place or (q.places[0] if q.places else None)
        texts = texts_for(q)
        reason = refusal.reason
        if reason == "stale":
            text = texts["stale"]
        elif reason.startswith("place") and place:
            text = texts["no_place"].format(place=place.name if q.english else place.label())
        elif reason.startswith("place") and q.unknown_places:
            text = texts["no_place"].format(place=q.unknown_places[0])
        elif reason == "measure" and q.asked:
            where = ""
            if place:
                where = f" in {place.name}" if q.english else f" ở {place.label()}"
            label = q.asked[0].label_en if q.english else q.asked[0].label_vi
            text = texts["no_measure"].format(measure=label, where=where)
        else:
            text = texts["no_answer"]
        if refusal.places_with_figures:
            text += texts["inside"].format(places=", ".join(refusal.places_with_figures))
        covered = self.index.covered_places() if reason not in ("stale", "measure") else []
        if covered:
            text += texts["covers"].format(places="\n".join(f"• {place}" for place in covered))
        return Answer(
            question=q.text,
            text=text,
            found=False,
            citations=(),
            passages=tuple(passages),
            language="en" if q.english else "vi",
            suggestions=self._suggestions(q.english, tuple(covered)) if covered else (),
        )

    def _suggestions(self, english: bool, covered: tuple[str, ...]) -> tuple[str, ...]:
        """Return up to three questions about the places the articles cover that they do answer
        (each one tried before it is offered), for a refusal's buttons; worked out once per set of
        covered places and language."""
        if getattr(self._probing, "active", False):  # a suggestion being tried was refused itself
            return ()
        key = (covered, english)
        if key in self._suggested:
            return self._suggested[key]
        template = TEXTS["en" if english else "vi"]["suggest"]
        found: list[str] = []
        self._probing.active = True
        try:
            for place in covered:
                name = place.split(",")[0].strip()  # "Huyện Chợ Đồn, tỉnh Bắc Kạn" → "Huyện Chợ Đồn"
                if english:
                    named = find_places(name)
                    name = named[0].name if named else name
                question = template.format(place=name)
                try:
                    if self.answer(question).found:
                        found.append(question)
                except HtxError:  # a busy index: offer fewer buttons, never fail the refusal
                    continue
                if len(found) == 3:
                    break
        finally:
            self._probing.active = False
        if len(self._suggested) >= 16:  # the index changed many times: forget the old sets
            self._suggested.clear()
        self._suggested[key] = tuple(found)
        return self._suggested[key]


def _names_asked_places(q: Question, passages: Sequence[Passage]) -> bool:
    """Tell whether the passages read name every place the question asks (or it asks none): a
    place no passage of the first ones names is not found by reading deeper, and a question about
    a place the articles do not cover is refused at once."""
    if not q.places and not q.unknown_places:
        return True
    named = {place.key for passage in passages for place in find_places(passage.text)}
    text = " ".join(canonical_words(" ".join(p.text for p in passages)))
    return all(p.key in named for p in q.places) and all(
        re.search(rf"\b{re.escape(' '.join(canonical_words(n)))}\b", text) for n in q.unknown_places
    )


def parts_quoted(found: Sequence[Clause], every: Sequence[Clause], whole: Sequence[Clause]) -> list[Clause]:
    """Return the sentences quoted for a two-part question: each part's own sentence (``found``)
    first, so that the three quoted never leave a part unanswered, then the whole question's
    (``whole``, unless its best is a part's already), then the parts' others; in article order."""
    clauses = [*found, *every] if not whole or whole[0].text in {c.text for c in found} else [*found, *whole, *every]
    unique: list[Clause] = []  # a part's own clause, not another article's of the same text
    for clause in clauses:
        if all(clause.text != c.text for c in unique):
            unique.append(clause)
    unique = unique[:3]
    order = {doc: i for i, doc in enumerate(dict.fromkeys(c.document.id for c in unique))}
    return sorted(unique, key=lambda c: (order[c.document.id], c.document.text.find(c.text[:60])))


def _names(key: str, text: str) -> bool:
    """Tell whether ``text`` names the body whose folded name is ``key``."""
    return re.search(rf"\b{re.escape(key)}\b", " ".join(canonical_words(text))) is not None


def _leans_on_first(part: Question) -> bool:
    """Tell whether the second part of a question names nothing of its own: no place, no body and
    a few words ("trên diện tích bao nhiêu?", "bị phạt bao nhiêu tiền?")."""
    own = analyse(part.text)
    # "… và ai là chủ tịch HĐQT hợp tác xã chợ này?", "… đơn vị đó": a part that points back asks of
    # what the first part is about, however long.
    points_back = not own.english and bool(_POINTS_BACK_RE.search(part.text.lower()))
    return not own.places and not own.organisations and (len(part.text.split()) <= 6 or points_back)


# Accented: "này", "đó", "ấy" (folded they are "nay", "do", "ay", as in "hiện nay", "do HTX quản lý").
_POINTS_BACK_RE = re.compile(r"(?<!\w)(?:này|đó|ấy|nói trên)(?!\w)")


def _asks_two_kinds(q: Question) -> bool:
    """Tell whether a question asks two figures of different kinds one after the other ("năm 2020
    thành lập mới được mấy HTX, và chỉ tiêu … cho năm 2021 là bao nhiêu?": an actual and a goal),
    which are two answers, not one series."""
    parts = question_parts(q)
    return len(parts) == 2 and parts[0].qualifiers != parts[1].qualifiers


def _with_legacy_units(text: str, q: Question) -> str:
    """Add to a query the legacy provinces a 2025 province took in: the articles name those."""
    extra = [
        name
        for place in q.places
        if place.kind in (None, "province") and not place.former
        for name in legacy_provinces(place.name)
        if fold(name) != fold(place.name)
    ]
    return f"{text} ({', '.join(extra)})" if extra else text


def _first_year(clause: Clause) -> int:
    """Return the earliest year a clause's sentence names up to its figure, or a year after any."""
    return min(years(clause.before + " " + clause.text), default=9999)


_NATIONAL_RE = re.compile(r"\b(?:ca nuoc|toan quoc|binh quan chung|nationwide)\b")


def _asked_value(q: Question, clauses: Sequence[Clause]) -> tuple[float, str, str] | None:
    """Return the figure of the asked measure in the clauses (the first with the question's
    qualifiers, else the first): its value in its unit, the unit and the value as written ((3.24e9,
    "VND", "3,24 tỷ đồng")), if one."""
    names = {m.name for m in q.asked}
    found: list[tuple[Figure, tuple[float, str, str]]] = []
    for clause in clauses:
        words = canonical_words(clause.text)
        for figure in clause.figures:
            if not q.nation and _NATIONAL_RE.search(" ".join(words[max(0, figure.position - 5) : figure.position])):
                continue  # "trong khi cả nước chỉ đạt 30%, thì khu vực này là gần 42%": not the place's figure
            if (q.percent and not names and figure.unit == "percent") or (
                figure.measure in names
                or (not names and figure.measure and q.measures and figure.measure.endswith(q.measures[0]))
                or (not names and q.noun is not None and figure.measure == f"count:{q.noun}")  # "27.000 ha"
            ):
                value = measured(clause.text, figure)
                if value is not None:
                    found.append((figure, value))
    # "… có 17 HTX thành lập mới … 153 HTX": the figure with the question's own qualifiers (none
    # asked: the stock, not the new ones), else the first.
    wanted = q.qualifiers & DECISIVE
    return next((v for f, v in found if f.qualifiers & DECISIVE == wanted), found[0][1] if found else None)


def _chart(q: Question, kind: str, points: list[ChartPoint]) -> Chart | None:
    """Return the chart of an answer's points, labelled with the asked measure."""
    measure = q.asked[0] if q.asked else None
    label = (measure.label_en if q.english else measure.label_vi) if measure else ""
    return Chart.of(kind, label, points)


# A figure with the word after it ("7 siêu thị", "5 triệu đồng"), not a year.
_FIGURE_WORD_RE = re.compile(r"(?<![\d.,\-–])(?!(?:19|20)\d\d\b)\d+(?:[.,]\d+)*(?!\s*[\-–]\s*\d)\s+[^\W\d_]+")


def _also(texts: dict[str, str], numbers: Iterable[int]) -> str:
    """Return the line that cites the other articles giving the same figure ("Cùng số liệu: [2], [3].")."""
    return texts["also"].format(markers=", ".join(f"[{n}]" for n in numbers))


def _spelt(text: str) -> str:
    """Return ``text`` with the two spellings of "tỷ" made one ("9,5 tỉ đồng" is "9,5 tỷ đồng")."""
    return re.sub(r"\b(t)ỉ\b", r"\1ỷ", text, flags=re.IGNORECASE)


def _corroborating(q: Question, quoted: Sequence[Clause], candidates: Sequence[Clause], limit: int = 2) -> list[Clause]:
    """Return sentences of other articles read that give the quoted figure with its word ("7 siêu
    thị"), not as part of a range, on the question's topic and of the same places as the quote: the
    same fact told by other papers, cited beside the quote."""
    # Each quoted sentence's figures, with the places that sentence is about.
    told = [({_spelt(f) for f in _FIGURE_WORD_RE.findall(c.sentence)}, {p.key for p in c.subjects()}) for c in quoted]
    if not any(figures for figures, _ in told) or not q.terms:
        return []
    cited = {c.document.id for c in quoted}
    found: list[Clause] = []
    for clause in candidates:
        if clause.document.id in cited or len(found) >= limit:
            continue
        spelt = _spelt(clause.sentence)
        about = [
            places
            for figures, places in told
            if any(re.search(rf"(?<![\d.,]){re.escape(f)}\b", spelt) for f in figures)
        ]
        if not about:
            continue
        words = clause_terms(clause.document.title + " " + clause.sentence)
        if sum(1 for t in q.terms if t in words) < 0.5 * len(q.terms):
            continue
        if q.places and not any(place_ok(p, clause.subjects()) for p in q.places):
            continue
        if {p.key for p in clause.subjects()} not in about:
            continue  # the same number said of another place ("4 triệu đồng/người" in Hòa Bình)
        cited.add(clause.document.id)
        found.append(replace(clause, text=clause.sentence, before=""))
    return found


def _found(
    q: Question,
    text: str,
    pick: Selection,
    citations: tuple[Citation, ...],
    passages: list[Passage],
    period: str | None,
) -> Answer:
    """Return an answer with its text followed by the figure's period and notes on the places."""
    texts = texts_for(q)
    if period:
        text += texts["period"].format(period=period)
    for note in place_notes(q, pick.clauses):
        text += texts["about"].format(note=note)
    return _answered(q, text, citations, passages, [period] if period else [])


def _answered(
    q: Question,
    text: str,
    citations: tuple[Citation, ...],
    passages: list[Passage],
    periods: list[str],
    chart: Chart | None = None,
) -> Answer:
    """Return a found answer in the question's language, with the periods of its figures (and
    its chart, when it compares, ranks or follows figures)."""
    return Answer(
        question=q.text,
        text=text,
        found=True,
        citations=citations,
        passages=tuple(passages),
        period="; ".join(periods) or None,
        language="en" if q.english else "vi",
        chart=chart,
    )

"""Answers from the statistics table: rankings of places and trends of one place, each figure
quoted from its sentence with its period and source (the same citation rules as every answer)."""

from __future__ import annotations

import re
from typing import Protocol

from retrieval.composition import capitalise, english_period, marker, place_now, sentence_case, texts_for
from retrieval.measures import MEASURES, Measure
from retrieval.models import Chart, ChartPoint, Citation, Document
from retrieval.questions import Question
from retrieval.stats import StatRow, StatsQuery, rank, rank_level, series, topic_words
from retrieval.vietnamese import canonical_words

RANK_SHOWN = 5  # places listed in a ranking answer; the others are counted
QUOTE_CHARS = 400  # a longer sentence is quoted by its clause that holds the figure


class StatsIndex(Protocol):
    """What answers from the table need of an index."""

    def stats(self, query: StatsQuery | None = None) -> list[StatRow]:
        """Return table rows."""

    def document(self, doc_id: str) -> Document | None:
        """Return one document."""

    def chunk_of(self, doc_id: str, offset: int) -> str:
        """Return the id of the chunk holding a character offset of a document's text."""


_OVER_YEARS_RE = re.compile(r"\b(?:qua cac nam|qua tung nam|cac nam|theo nam|over the years|year by year)\b")
_LEAST_RE = re.compile(r"\b(?:it|thap|nho)(?: \S+){0,5} nhat\b|\b(?:least|fewest|lowest|smallest)\b")


def ranked_measure(q: Question) -> Measure | None:
    """Return the measure a ranking question ranks by: the one asked, else the counted noun named
    ("nhiều HTX nhất", "the most members")."""
    if q.asked:
        return q.asked[0]
    tokens = canonical_words(q.text)
    english = set(re.findall(r"[a-z-]+", q.text.lower()))
    for measure in MEASURES:
        if any(t in measure.counted for t in tokens) or english & set(measure.english):
            return measure
    return None


def row_quote(row: StatRow) -> str:
    """Return the sentence of a row, or of a long one the clause that holds its value (the
    sentence cut at semicolons), as a sentence of its own."""
    clause = row.sentence
    if len(clause) > QUOTE_CHARS:  # a long sentence: the part between semicolons that holds the value
        parts = re.split(r"(?<=;)\s+", row.sentence)
        part = next((p for p in parts if row.value_text in p), row.sentence).rstrip(";").strip()
        clause = part if len(part.split()) >= 5 else clause
    clause = clause if clause.endswith((".", "!", "?", "…")) else clause + "."
    return sentence_case(clause)


def row_citation(index: StatsIndex, row: StatRow, quote: str) -> Citation:
    """Return the citation of a row: its article and the quoted sentence."""
    document = index.document(row.doc_id)
    return Citation(
        source=document.cited_as if document else row.doc_id,
        title=document.title if document else "",
        date=document.date if document else None,
        place=place_now(document.place) if document else None,
        url=document.url if document else None,
        quote=quote,
        chunk_id=index.chunk_of(row.doc_id, row.start),
        paper=document.paper if document else None,
    )


def _quoted_line(
    index: StatsIndex,
    q: Question,
    row: StatRow,
    citations: list[Citation],
    periods: list[str],
    prefix: str = "",
) -> tuple[str, int]:
    """Return "- {prefix}{quote} [n] (thời điểm: …)" for a row and its citation number n, adding
    its citation (one per article) and its period to the lists."""
    quote = row_quote(row)
    citation = row_citation(index, row, quote)
    number = next((i for i, c in enumerate(citations, 1) if c.source == citation.source), None)
    if number is None:
        citations.append(citation)
        number = len(citations)
    line = f"- {prefix}{marker(quote, number)}"
    period = english_period(row.period) if q.english and row.period else row.period
    if period:
        line += texts_for(q)["period_inline"].format(period=period)
        periods.append(period)
    return line, number


def _point(q: Question, row: StatRow, label: str, citation: int) -> ChartPoint:
    period = (english_period(row.period) if q.english else row.period) if row.period else None
    return ChartPoint(
        label=label,
        value=row.value,
        value_text=row.value_text,
        unit=row.unit,
        period=period or (row.date or None),
        citation=citation,
    )


Tabled = tuple[str, tuple[Citation, ...], list[str], Chart | None]


def _place_label(row: StatRow, english: bool) -> str:
    place = row.place_obj()
    assert place is not None, "ranked rows have a place"
    return place.name if english or place.kind == "country" else place.label()


def rank_answer(index: StatsIndex, q: Question) -> Tabled | None:
    """Answer "Tỉnh nào có nhiều HTX nhất?" from the table: the places with a figure of the measure,
    each quoted with its period and source, best first. None when it is no ranking of places or
    fewer than two places have a figure (the sentence answer is tried then)."""
    level = rank_level(q.text) or ("any" if len(q.places) >= 2 else None)
    measure = ranked_measure(q)
    if level is None or measure is None:
        return None
    words = measure.counted + measure.subject
    topic = topic_words(q.text, q.places, words)
    largest = not _LEAST_RE.search(" ".join(canonical_words(q.text)) + " " + q.text.lower())
    rows = index.stats(StatsQuery(measure=measure.name))
    ranked = rank(rows, level=level, places=q.places, qualifiers=q.qualifiers, topic=topic, largest=largest)
    if len(ranked) < 2:
        return None
    texts = texts_for(q)
    label = measure.label_en if q.english else measure.label_vi
    order = texts["rank_most" if largest else "rank_least"]
    lines = [texts["rank"].format(measure=label, order=order)]
    citations: list[Citation] = []
    periods: list[str] = []
    points: list[ChartPoint] = []
    for row in ranked[:RANK_SHOWN]:
        place = capitalise(_place_label(row, q.english))
        line, number = _quoted_line(index, q, row, citations, periods, f"{place}: ")
        lines.append(line)
        points.append(_point(q, row, place, number))
    top = ranked[0]
    key = "rank_top_most" if largest else "rank_top_least"
    lines.append(texts[key].format(place=capitalise(_place_label(top, q.english)), value=top.value_text))
    if len(ranked) > RANK_SHOWN:
        lines.append(texts["rank_more"].format(count=len(ranked) - RANK_SHOWN))
    if len({(r.year, r.period_key or r.date) for r in ranked[:RANK_SHOWN]}) > 1:
        lines.append(texts["mixed_periods"])
    chart = Chart.of("bar", label, points)  # ranked rows share one unit
    return "\n".join(lines), tuple(citations), periods, chart


def trend_answer(index: StatsIndex, q: Question) -> Tabled | None:
    """Answer "Số HTX của tỉnh X thay đổi thế nào qua các năm?" from the table: the place's figures
    of the measure, one per period in date order, each quoted with its period and source. None
    unless the question asks over the years for one place and the table has two years or more."""
    folded = " ".join(canonical_words(q.text))
    measure = ranked_measure(q)
    if len(q.places) != 1 or measure is None or not _OVER_YEARS_RE.search(folded + " " + q.text.lower()):
        return None
    topic = topic_words(q.text, q.places, measure.counted + measure.subject)
    rows = series(index.stats(StatsQuery(measure=measure.name)), q.places[0], topic)
    if len({r.year for r in rows}) < 2:
        return None
    texts = texts_for(q)
    lines = [texts["trend"]]
    citations: list[Citation] = []
    periods: list[str] = []
    points: list[ChartPoint] = []
    for row in rows:
        line, number = _quoted_line(index, q, row, citations, periods)
        lines.append(line)
        points.append(_point(q, row, _when(q, row), number))
    label = measure.label_en if q.english else measure.label_vi
    chart = Chart.of("line", label, points)  # a line joins figures of one unit only
    return "\n".join(lines), tuple(citations), periods, chart


def _when(q: Question, row: StatRow) -> str:
    """Return the x label of a trend point: its period, else its year, else the article's date."""
    if row.period:
        return english_period(row.period) if q.english else row.period
    return str(row.year) if row.year else row.date

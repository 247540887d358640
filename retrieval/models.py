"""Typed domain values shared by every part of the core."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Document:
    """An article after loading and cleaning, with the metadata read from it."""

    id: str
    title: str
    text: str
    date: str | None = None
    date_source: str = "none"
    place: str | None = None
    paper: str | None = None
    url: str | None = None
    path: str | None = None
    source: str | None = None  # the name citations give (a file's name without extension); id if None

    @property
    def cited_as(self) -> str:
        """Return the name a citation gives this document: ``source``, or the id."""
        return self.source or self.id

    def to_dict(self) -> dict[str, Any]:
        """Return the document as a plain dict."""
        return asdict(self)


@dataclass(frozen=True)
class Chunk:
    """A run of whole sentences of one document, the unit that is indexed."""

    id: str
    doc_id: str
    index: int
    text: str
    context: str
    hash: str

    @property
    def indexed_text(self) -> str:
        """Return what retrieval sees: the document context, then the sentences."""
        return f"{self.context}\n{self.text}" if self.context else self.text


@dataclass(frozen=True)
class Passage:
    """A chunk returned by retrieval for a question, with its fused score."""

    chunk_id: str
    doc_id: str
    text: str
    score: float
    lexical: float = 0.0
    dense: float = 0.0
    source: str = ""  # the document's cited name (Document.cited_as); doc_id when empty


@dataclass(frozen=True)
class Citation:
    """A source an answer relies on: the article and the sentence quoted from it."""

    source: str
    title: str
    date: str | None
    place: str | None
    url: str | None
    quote: str
    chunk_id: str
    paper: str | None = None


@dataclass(frozen=True)
class ChartPoint:
    """One bar (a place) or point (a period) of a chart, tied to the citation that quotes it."""

    label: str  # the place ("Huyện Chợ Đồn") or the period ("đến hết năm 2017")
    value: float  # in ``unit``: 1750.0, 3.24e9
    value_text: str  # as the quote writes it: "1.750", "3,24 tỷ đồng"
    unit: str  # "HTX", "thành viên", "VND", "%", …
    period: str | None  # the period the figure refers to
    citation: int  # 1-based index of the citation whose quote holds ``value_text``


@dataclass(frozen=True)
class Chart:
    """The figures of a comparison, ranking ("bar": places side by side) or trend ("line": one
    place over time) answer, for a channel to draw."""

    kind: str  # "bar" or "line"
    measure: str  # the measure's label in the answer's language ("số HTX")
    unit: str  # the unit every point shares
    points: tuple[ChartPoint, ...]

    @classmethod
    def of(cls, kind: str, measure: str, points: Sequence[ChartPoint]) -> Chart | None:
        """Return a chart of the points in the unit most of them have (the others are left out:
        "3 tỷ đồng" and "12%" share no axis), or None when fewer than two remain."""
        if not points:
            return None
        unit = max({p.unit for p in points}, key=lambda u: sum(p.unit == u for p in points))
        same = tuple(p for p in points if p.unit == unit)
        return cls(kind=kind, measure=measure, unit=unit, points=same) if len(same) >= 2 else None

    def to_dict(self) -> dict[str, Any]:
        """Return the results-format ``chart`` object."""
        return {
            "kind": self.kind,
            "measure": self.measure,
            "unit": self.unit,
            "series": [asdict(p) for p in self.points],
        }


@dataclass(frozen=True)
class Answer:
    """The answer to one question, in the results format of the eval kit."""

    question: str
    text: str
    found: bool
    citations: tuple[Citation, ...] = ()
    passages: tuple[Passage, ...] = ()
    standalone_question: str = ""
    period: str | None = None
    latency_ms: float = 0.0
    language: str = "vi"
    notes: tuple[str, ...] = field(default_factory=tuple)
    chart: Chart | None = None
    suggestions: tuple[str, ...] = ()  # questions the articles answer, offered with a refusal

    def to_result(self, question_id: str | None = None) -> dict[str, Any]:
        """Return the results-format object of ../shared/eval/README.md."""
        result: dict[str, Any] = {}
        if question_id is not None:
            result["id"] = question_id
        result.update(
            question=self.question,
            answer=self.text,
            found=self.found,
            citations=[asdict(c) for c in self.citations],
            passages=[
                {"source": p.source or p.doc_id, "chunk_id": p.chunk_id, "score": round(p.score, 4), "text": p.text}
                for p in self.passages
            ],
            standalone_question=self.standalone_question,
            period=self.period,
            latency_ms=round(self.latency_ms, 1),
        )
        if self.chart is not None:
            result["chart"] = self.chart.to_dict()
        if self.suggestions:
            result["suggestions"] = list(self.suggestions)
        return result

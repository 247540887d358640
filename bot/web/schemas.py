"""Request and response bodies of the web API."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Turn(BaseModel):
    """One earlier turn of the conversation."""

    model_config = ConfigDict(extra="forbid")

    role: Literal["user", "assistant"]
    content: str = Field(max_length=20000)


class AskRequest(BaseModel):
    """A question, with the conversation so far when it is a follow-up."""

    model_config = ConfigDict(extra="forbid")

    question: str = Field(description="the question, in Vietnamese or English")
    history: list[Turn] = Field(default_factory=list, max_length=100)
    session_id: str | None = Field(None, max_length=200)


class CitationOut(BaseModel):
    """A cited article and the sentence quoted from it."""

    source: str
    title: str
    date: str | None
    place: str | None
    url: str | None
    quote: str
    chunk_id: str
    paper: str | None = None


class PassageOut(BaseModel):
    """A retrieved passage, best first."""

    source: str
    chunk_id: str
    score: float
    text: str


class ChartPointOut(BaseModel):
    """One bar (a place) or point (a period) of a chart."""

    label: str = Field(description="the place, or for a line the period")
    value: float = Field(description="the figure as a number in `unit` (3.24e9 for '3,24 tỷ đồng')")
    value_text: str = Field(description="the figure as the cited quote writes it")
    unit: str
    period: str | None = Field(description="the period the figure refers to")
    citation: int = Field(ge=1, description="1-based index in `citations` of the quote that holds the figure")


class ChartOut(BaseModel):
    """The figures of a comparison or ranking (`bar`) or of a trend over time (`line`), all in one unit."""

    kind: Literal["bar", "line"]
    measure: str = Field(description="the measure's label in the answer's language")
    unit: str
    series: list[ChartPointOut]


class AskResponse(BaseModel):
    """The results format of ../shared/eval/README.md."""

    question: str
    answer: str
    found: bool
    citations: list[CitationOut]
    passages: list[PassageOut]
    standalone_question: str
    period: str | None
    latency_ms: float
    chart: ChartOut | None = Field(None, description="present when the answer compares, ranks or follows figures")
    suggestions: list[str] = Field(
        default_factory=list, description="with a refusal: questions about the covered places that the articles answer"
    )


class SourceOut(BaseModel):
    """An indexed article."""

    id: str
    title: str
    date: str | None
    place: str | None
    paper: str | None
    url: str | None
    chunks: int


class FeedbackRequest(BaseModel):
    """A 👍/👎 on one answer."""

    model_config = ConfigDict(extra="forbid")

    session_id: str = Field(min_length=1, max_length=200)
    question: str = Field(min_length=1, max_length=20000)
    answer: str = Field(max_length=50000)
    rating: Literal["up", "down"]
    comment: str | None = Field(None, max_length=2000)


class Health(BaseModel):
    """Whether the index is loaded, and how big it is."""

    status: Literal["ok"]
    index_loaded: bool
    documents: int

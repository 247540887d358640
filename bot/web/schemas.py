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

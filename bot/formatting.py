"""Turning answers into text for people: the answer, then its sources."""

from __future__ import annotations

from retrieval.models import Answer, Citation
from retrieval.periods import display_date

UNKNOWN_DATE = {"vi": "không rõ ngày", "en": "date unknown"}
UNKNOWN_PLACE = {"vi": "không rõ địa phương", "en": "place unknown"}


def format_date(iso: str | None, language: str = "vi") -> str:
    """Return a date as Vietnamese readers write it (18/11/2021), or says it is unknown."""
    return display_date(iso) or UNKNOWN_DATE.get(language, UNKNOWN_DATE["vi"])


def format_source(number: int, citation: Citation, language: str = "vi") -> str:
    """Return one entry of the source list: title, date, place, paper, url and the quoted sentence."""
    parts = [
        citation.title,
        format_date(citation.date, language),
        citation.place or UNKNOWN_PLACE.get(language, UNKNOWN_PLACE["vi"]),
    ]
    if citation.paper:
        parts.append(citation.paper)
    line = f"[{number}] " + " — ".join(parts)
    if citation.url:
        line += f"\n    {citation.url}"
    return line + f"\n    “{citation.quote}”"


def format_sources(answer: Answer) -> str:
    """Return the source list of an answer, empty when it cites nothing."""
    if not answer.citations:
        return ""
    head = "Sources:" if answer.language == "en" else "Nguồn:"
    return head + "\n" + "\n".join(format_source(n, c, answer.language) for n, c in enumerate(answer.citations, 1))


def format_answer_text(answer: Answer) -> str:
    """Return the answer and its sources as plain text."""
    sources = format_sources(answer)
    return answer.text + ("\n\n" + sources if sources else "")

"""The statistics table as the channels show it: rows with their place label, source and 2025
unit, as plain data, CSV or aligned text (the CLI's ``htxbot stats`` and the web's ``/api/stats``)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from retrieval.index import Index
from retrieval.measures import BY_NAME
from retrieval.periods import display_date
from retrieval.stats import StatRow
from retrieval.vietnamese import fold

MEASURE_NAMES = (*BY_NAME, "other")
# What a row shows, in this order (CSV header and JSON keys).
FIELDS = (
    "place",
    "place_label",
    "level",
    "parent",
    "current",
    "measure",
    "measure_label",
    "value_text",
    "value",
    "unit",
    "period",
    "year",
    "status",
    "qualifiers",
    "scope",
    "quote",
    "start",
    "end",
    "doc_id",
    "source",
    "title",
    "date",
    "url",
)


def measure_label(row: StatRow) -> str:
    """Return the measure as a reader names it: "số HTX", "doanh thu", or the counted word."""
    measure = BY_NAME.get(row.measure)
    return measure.label_vi if measure else f"số {row.measure_raw}"


def place_label(row: StatRow) -> str:
    """Return the place with its unit word and legacy province: "huyện Chợ Đồn (Bắc Kạn)"."""
    place = row.place_obj()
    if place is None:
        return "không rõ địa phương"
    label = place.name if place.kind == "country" else place.label()
    return f"{label} ({row.parent})" if row.parent and row.parent != place.name else label


def row_views(index: Index, rows: Sequence[StatRow]) -> list[dict[str, Any]]:
    """Return rows as the channels show them, each with its article's source name, title and link."""
    documents = {doc_id: index.document(doc_id) for doc_id in dict.fromkeys(r.doc_id for r in rows)}
    out = []
    for row in rows:
        document = documents.get(row.doc_id)
        out.append(
            {
                "place": row.place,
                "place_label": place_label(row),
                "level": row.level,
                "parent": row.parent,
                "current": row.current,
                "measure": row.measure,
                "measure_label": measure_label(row),
                "value_text": row.value_text,
                "value": row.value,
                "unit": row.unit,
                "period": row.period,
                "year": row.year,
                "status": row.status,
                "qualifiers": row.qualifiers,
                "scope": row.scope,
                "quote": row.sentence,
                "start": row.start,
                "end": row.end,
                "doc_id": row.doc_id,
                "source": document.cited_as if document else row.doc_id,
                "title": document.title if document else "",
                "date": row.date,
                "url": document.url if document else None,
            }
        )
    return out


def to_csv(views: Sequence[dict[str, Any]]) -> str:
    """Return the rows as CSV text with a header line."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=FIELDS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(views)
    return buffer.getvalue()


def to_text(views: Sequence[dict[str, Any]]) -> str:
    """Return the rows as readable lines: place, measure, value, period, status, then the quote."""
    lines = []
    for view in views:
        period = view["period"] or f"bài viết ngày {display_date(view['date']) or 'không rõ'}"
        status = " (mục tiêu)" if view["status"] == "target" else ""
        figure = f"{view['measure_label']}: {view['value_text']}{status}"
        lines.append(f"{view['place_label']} · {figure} · {period} · {view['source']}")
        quote = view["quote"]
        lines.append(f"    “{quote if len(quote) <= 240 else quote[:237] + '…'}”")
    return "\n".join(lines)


# The keys /api/stats sorts by, each the column the page shows; a row without one (no place, no
# year, no date) comes last in both directions, and equal keys keep article order.
STATS_SORTS = ("place", "measure", "value", "year", "date")


def _sort_key(row: StatRow, key: str) -> tuple[Any, ...] | None:
    """Return what ``row`` sorts by for ``key``, or None when the row has no such value."""
    if key == "place":
        return (fold(row.place), row.level) if row.place else None
    if key == "measure":
        return (fold(measure_label(row)),)
    if key == "value":
        return (row.value,)
    if key == "year":
        return (row.year, row.period_key) if row.year is not None else None
    return (row.date, row.doc_id) if row.date else None  # "date"


def sort_stat_rows(rows: Sequence[StatRow], sort: str) -> list[StatRow]:
    """Return ``rows`` sorted by one of ``STATS_SORTS`` (descending after a ``-``), rows without
    the key last, ties in their given order."""
    key = sort.removeprefix("-")
    keyed = [(_sort_key(row, key), row) for row in rows]
    present = [(k, row) for k, row in keyed if k is not None]
    present.sort(key=lambda pair: pair[0], reverse=sort.startswith("-"))  # stable both ways
    return [row for _, row in present] + [row for k, row in keyed if k is None]

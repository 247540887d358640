"""Rankings inside one sentence: "60 thuyền nan, 115 thuyền kayak và 5 thuyền rồng".

A "which … most" question ("HTX nào được giao diện tích lớn nhất?") is often answered by one
sentence that lists several figures of one kind. This module finds such lists and the verbatim
piece of the sentence that holds the largest (or smallest) figure; it computes nothing the
sentence does not say.
"""

from __future__ import annotations

import re
from collections import defaultdict

from retrieval.measures import Figure, figures
from retrieval.vietnamese import canonical_words, number_value

# Where a listed item ends: "…, ", "…; ", " và ", brackets.
_ITEM_SEPARATOR_RE = re.compile(r",\s+|;\s+|\s+và\s+|\s+and\s+|\s*[()]\s*")
_AVERAGE_RE = re.compile(r"\b(?:binh quan|trung binh|moi|average|per)\b")
_PER_UNIT_RE = re.compile(r"\b(?:tinh|huyen|xa|nguoi|thang|nam|htx)\b.*\b(?:tinh|huyen|xa|nguoi|thang|nam|htx)\b")
_LOWEST_RE = re.compile(r"\b(?:it|thap|nho|ngan|fewest|least|lowest|smallest)\b")


def wants_lowest(folded_question: str) -> bool:
    """Tell whether a ranking question asks for the smallest figure ("ít nhất", "thấp nhất")."""
    return bool(_LOWEST_RE.search(folded_question))


def listed_group(sentence: str) -> list[Figure]:
    """Return the figures of one kind the sentence lists (two or more of the same measure, or of
    the same unit and owner), the largest such group; [] when the sentence lists none."""
    tokens = canonical_words(sentence)
    # An average or a rate ("bình quân 1 tỉnh có 98 HTX", "170HTX/tỉnh") is no item of the list.
    found = [
        f
        for f in figures(sentence)
        if number_value(f.number) is not None
        and not _AVERAGE_RE.search(" ".join(tokens[max(0, f.position - 5) : f.position]))
        and not _PER_UNIT_RE.search(" ".join(tokens[f.position : f.position + 3]))
    ]
    by_measure: dict[object, list[Figure]] = defaultdict(list)
    by_unit: dict[object, list[Figure]] = defaultdict(list)
    for figure in found:
        if figure.measure:
            by_measure[figure.measure].append(figure)
        if figure.owner and figure.unit:
            by_unit[(figure.unit, figure.owner)].append(figure)
    groups = [g for g in (*by_measure.values(), *by_unit.values()) if len({f.number for f in g}) >= 2]
    return max(groups, key=len, default=[])


def extreme_item(sentence: str, lowest: bool = False) -> str | None:
    """Return the item of the sentence's list that holds its largest (``lowest``: smallest)
    figure, as written: "hợp tác xã Vạn Lợi 983,72 ha"; None when there is no list or a tie."""
    group = listed_group(sentence)
    if not group:
        return None
    values = {f.number: number_value(f.number) or 0.0 for f in group}
    pick = min(values, key=values.__getitem__) if lowest else max(values, key=values.__getitem__)
    if sum(1 for v in values.values() if v == values[pick]) > 1:
        return None
    for item in _ITEM_SEPARATOR_RE.split(sentence):
        if any(f.number == pick for f in figures(item)):
            return item.strip().rstrip(".")
    return None

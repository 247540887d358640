"""Vietnamese place names in questions and passages, from the vietnamadminunits gazetteer.

The articles predate the 2025 merger, so the legacy units (63 provinces, ~700 districts) are used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from retrieval.vietnamese import fold, nfc

# Unit prefixes, folded, longest first; and the kind each one names.
_PREFIXES = (
    ("thanh pho", "city"), ("thi xa", "district"), ("thi tran", "commune"), ("huyen", "district"),
    ("quan", "district"), ("tinh", "province"), ("tp", "city"), ("xa", "commune"), ("phuong", "commune"),
)
_SUFFIXES = (("district", "district"), ("province", "province"), ("city", "city"), ("town", "district"))
_KIND_NAMES = {"province": "tỉnh", "district": "huyện", "city": "thành phố", "commune": "xã"}
# A name right after these words names an organisation ("HTX Tân Thành"), not a place.
_ORG_WORDS = {"htx", "xa", "hop", "tac", "cong", "ty", "thon", "ban", "to"}


@dataclass(frozen=True)
class Place:
    """A place named in a text: its folded name, how it is written, and its kind when stated."""

    key: str  # folded name, e.g. "cho don"
    name: str  # e.g. "Chợ Đồn"
    kind: str | None  # province, district, city, commune, or None when no prefix says

    def label(self) -> str:
        """Return the place as a reader expects it: "huyện Chợ Đồn"."""
        return f"{_KIND_NAMES[self.kind]} {self.name}" if self.kind else self.name

    def compatible(self, other: "Place") -> bool:
        """Tell whether two mentions can be the same unit (same name, kinds not in conflict)."""
        if self.key != other.key:
            return False
        return self.kind is None or other.kind is None or self.kind == other.kind


@dataclass(frozen=True)
class Gazetteer:
    """Known unit names by folded key, with the kinds each can be."""

    names: dict[str, tuple[str, frozenset[str]]]
    max_words: int

    def find(self, text: str) -> list[Place]:
        """Return the places named in ``text``, in order, each once."""
        text = nfc(text)
        folded = fold(text)
        spans = [m.span() for m in re.finditer(r"[a-z0-9]+", folded)] if len(folded) == len(text) else []
        tokens = [folded[a:b] for a, b in spans] if spans else re.findall(r"[a-z0-9]+", folded)
        accented = folded != text.lower()
        places: list[Place] = []
        i = 0
        while i < len(tokens):
            match = None
            for size in range(min(self.max_words, len(tokens) - i), 1, -1):
                key = " ".join(tokens[i: i + size])
                if key in self.names:
                    match = (key, size)
                    break
            if not match:
                i += 1
                continue
            key, size = match
            kind, prefix_words = self._prefix_kind(tokens, i)
            if kind is None:
                kind = self._suffix_kind(tokens, i + size)
            before = tokens[i - 1] if i else ""
            if prefix_words == 0 and before in _ORG_WORDS:
                i += size
                continue
            display, kinds = self.names[key]
            if accented and spans:
                written = text[spans[i][0]: spans[i + size - 1][1]]
                # With diacritics, the name must be written as the gazetteer writes it (and, with no
                # unit word before it, capitalised): "nguồn lực ngân sách" is not "Lục Ngạn".
                if " ".join(written.lower().split()) != display.lower() or (
                        prefix_words == 0 and not all(w[:1].isupper() for w in written.split())):
                    i += 1
                    continue
            if kind == "city" and kind not in kinds and "province" in kinds:
                kind = "province"  # Hà Nội, Cần Thơ...: cities with the rank of a province
            if kind == "commune" or (kind and kind not in kinds):
                i += size
                continue
            place = Place(key, display, kind)
            if place not in places:
                places.append(place)
            i += size
        return places

    @staticmethod
    def _prefix_kind(tokens: list[str], start: int) -> tuple[str | None, int]:
        for prefix, kind in _PREFIXES:
            words = prefix.split()
            if tokens[max(0, start - len(words)): start] == words:
                return kind, len(words)
        return None, 0

    @staticmethod
    def _suffix_kind(tokens: list[str], end: int) -> str | None:
        following = tokens[end] if end < len(tokens) else ""
        return dict(_SUFFIXES).get(following)


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """Load the legacy provinces and districts of vietnamadminunits once."""
    from vietnamadminunits.database import get_data

    rows = get_data(fields=["provinceShort", "districtShort", "districtType"], table="admin_units_legacy")
    names: dict[str, tuple[str, set[str]]] = {}

    def add(display: str, kind: str) -> None:
        key = " ".join(re.findall(r"[a-z0-9]+", fold(display)))
        if len(key.split()) < 2 or key.isdigit():
            return  # one-syllable names ("Quận 1" aside) collide with ordinary words
        entry = names.setdefault(key, (display, set()))
        entry[1].add(kind)

    for row in rows:
        add(row["provinceShort"], "province")
        if row.get("districtShort"):
            district_type = fold(row.get("districtType") or "")
            add(row["districtShort"], "city" if district_type == "thanh pho" else "district")
    frozen = {k: (v[0], frozenset(v[1])) for k, v in names.items()}
    return Gazetteer(frozen, max(len(k.split()) for k in frozen))


def find_places(text: str) -> list[Place]:
    """Return the provinces, districts and cities named in ``text``."""
    return list(_find_cached(text))


@lru_cache(maxsize=8192)
def _find_cached(text: str) -> tuple[Place, ...]:
    # Passages are scanned again for every question that retrieves them.
    return tuple(gazetteer().find(text))

"""Vietnamese place names in questions and passages, and how they relate across the 2025 reform.

The articles predate 1 July 2025 and name the legacy units (63 provinces, ~700 districts); since
then Vietnam has 34 provinces and no districts, and people name either map. How mentions are read:

- A bare name that is a province's name ("Bắc Kạn", "Hòa Bình") is read as the province.
- A province asked about (the outer unit of ``within``) whose name is also a 2025 province
  ("tỉnh Thái Nguyên") is the 2025 province: it covers every legacy province merged into it
  (Thái Nguyên and Bắc Kạn), so an answer must say which old unit a figure is for. Written with
  "cũ" ("tỉnh Thái Nguyên cũ") it is the legacy province only.
- A province a figure is for (the inner unit) is the legacy one: the articles predate the reform.
- A district's province (``parent``) comes from the text ("huyện X, tỉnh Y", "X (Y)", "X - Y", a
  province named elsewhere in it) or from the gazetteer when only one province has that district.
  A province that only qualifies the district before it is still returned, with ``qualifier`` set.
- "xã Chợ Đồn", a 2025 commune named after the district it was formed from, is read as that legacy
  district (the only unit the articles know) with ``new_unit`` set: the commune is only part of it.
  Names that were also pre-2025 communes ("xã Ba Vì") stay ambiguous and are skipped, as communes are.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

from retrieval.units import AdminMap, District, admin_map, name_key
from retrieval.vietnamese import fold, nfc, spelling

# Unit prefixes, folded, longest first; and the kind each one names.
_PREFIXES = (
    ("thanh pho", "city"),
    ("thi xa", "district"),
    ("thi tran", "commune"),
    ("dac khu", "commune"),
    ("huyen", "district"),
    ("quan", "district"),
    ("tinh", "province"),
    ("tp", "city"),
    ("tx", "district"),  # "TX. Sơn Tây"
    ("q", "district"),  # "Q. Tân Bình"
    ("xa", "commune"),
    ("phuong", "commune"),
)
_SUFFIXES = {
    "district": "district",
    "province": "province",
    "city": "city",
    "town": "district",
    "commune": "commune",
    "ward": "commune",
}
# The words that name a 2025 commune (a "thị trấn" is always a pre-2025 unit).
_NEW_COMMUNE_WORDS = {"xa", "phuong", "dac khu", "commune", "ward"}
_KIND_NAMES = {"province": "tỉnh", "district": "huyện", "city": "thành phố", "commune": "xã", "region": "vùng"}

# The socio-economic regions the articles report on, with the names people use for them (folded;
# Vietnamese, abbreviations, English). A region is a place of its own: it holds no province in
# this gazetteer, so a province's figure never passes for a region's, nor a region's for a province's.
REGIONS: dict[str, tuple[str, ...]] = {
    "Đồng bằng sông Cửu Long": ("dong bang song cuu long", "dbscl", "tay nam bo", "mekong delta"),
    "Đông Nam Bộ": ("dong nam bo", "southeast", "south east", "southeastern"),
    "Đồng bằng sông Hồng": ("dong bang song hong", "dbsh", "red river delta"),
    "Bắc Trung Bộ": ("bac trung bo", "north central", "north central coast"),
    "duyên hải Nam Trung Bộ": ("duyen hai nam trung bo", "nam trung bo", "south central coast", "south central"),
    "duyên hải miền Trung": ("duyen hai mien trung", "central coast"),
    "Tây Nguyên": ("tay nguyen", "central highlands"),
    "Trung du và miền núi phía Bắc": (
        "trung du va mien nui phia bac",
        "trung du mien nui phia bac",
        "mien nui phia bac",
        "northern midlands and mountains",
        "northern midlands and mountainous",
        "northern mountainous",
    ),
}
_REGION_ALIASES = {alias: name for name, aliases in REGIONS.items() for alias in aliases}
# A region's names as written in folded text, with "vùng" / "region" and the words joining two.
REGION_NAMES_RE = re.compile(
    r"(?<!\S)(?:(?:toan )?vung |khu vuc )?(?:"
    + "|".join(re.escape(a) for a in sorted(_REGION_ALIASES, key=len, reverse=True))
    + r")(?: (?:va|and|cung) (?:"
    + "|".join(re.escape(a) for a in sorted(_REGION_ALIASES, key=len, reverse=True))
    + r"))*(?: regions?)?(?!\S)"
)
_REGION_WORDS = max(len(alias.split()) for alias in _REGION_ALIASES)
_REGION_JOINERS = frozenset({"va", "and", "cung"})  # "ĐBSCL và Đông Nam Bộ", "Tây Nguyên - duyên hải…"

# A name right after these words names an organisation ("HTX Tân Thành"), not a place.
_ORG_WORDS = {"htx", "xa", "hop", "tac", "cong", "ty", "thon", "ban", "to", "nhanh"}  # "nhanh": "chi nhánh X"
# Words that may stand between a district and the province qualifying it ("Chợ Đồn thuộc Bắc Kạn").
_QUALIFIER_GAP = {"thuoc", "cua", "of", "in"}
_LIST_WORDS = {"va", "and", "voi", "hay", "or", "hoac"}


# Vietnamese surnames and middle names, folded: a capitalised one right before a place name makes
# it part of a person's name. The titles are matched as written ("ông", not "ong").
_PERSON_NAME_WORDS = frozenset(
    "nguyen tran le pham hoang huynh phan vu vo dang bui do ho ngo duong ly dinh trinh doan lam mai truong "
    "cao ta luong tang van thi duc huu cong quoc xuan ngoc".split()
)
_PERSON_TITLES = frozenset({"ông", "bà", "anh", "chị", "ô."})


def _in_person_name(tokens: list[str], spans: list[tuple[int, int]], text: str, start: int) -> bool:
    """Tell whether the name starting at token ``start`` continues a person's name or follows a title."""
    if not start or not spans:
        return False
    a, b = spans[start - 1]
    if text[b : spans[start][0]].strip():
        return False  # "quận Hoàng Mai (Hà Nội)": punctuation between, no name runs on
    written = text[a:b]
    if written[:1].isupper() and tokens[start - 1] in _PERSON_NAME_WORDS:
        return True
    return written in _PERSON_TITLES


def _capital_next(match: re.Match[str]) -> bool:
    """Tell whether a name follows an abbreviation ("H.Chợ Đồn"), not a lowercase word ("h. chợ")."""
    return match.string[match.end() : match.end() + 1].isupper()


# News abbreviations, expanded before matching: "H.Chợ Đồn", "TX. Sơn Tây", "TP.HCM" ("tp hcm", "HCMC").
_ABBREVIATIONS = (
    (re.compile(r"\b(?:tp\.?\s*)?hcmc?\b", re.IGNORECASE), lambda m: "thành phố Hồ Chí Minh"),
    (re.compile(r"\b[Hh]\.\s*(?=\w)"), lambda m: "huyện " if _capital_next(m) else m.group(0)),
    (re.compile(r"\bT[Xx]\.\s*(?=\w)"), lambda m: "thị xã " if _capital_next(m) else m.group(0)),
)
_EN_DISTRICT_TYPES = {"huyện": "district", "quận": "urban district", "thị xã": "town", "thành phố": "city"}
_EN_COMMUNE_TYPES = {"xã": "commune", "phường": "ward", "đặc khu": "special zone"}
_SINCE = {"vi": "từ 1/7/2025", "en": "since 1 July 2025"}
# The same without figures, for answer texts: every number in an answer must come from a cited passage.
_NOW = {"vi": "nay", "en": "now"}


@dataclass(frozen=True)
class Place:
    """A place named in a text: its folded name, how it is written, and its kind when stated."""

    key: str  # folded name, e.g. "cho don"
    name: str  # e.g. "Chợ Đồn"
    kind: str | None  # province, district, city, commune, or None when no prefix says
    parent: str | None = None  # folded key of the legacy province holding a district, when known
    new_unit: bool = False  # named as its 2025 namesake commune ("xã Chợ Đồn"), read as the old district
    former: bool = False  # written "… cũ": the pre-2025 unit, not the 2025 one of the same name
    qualifier: bool = False  # a province that only says where the district before it is: "Chợ Đồn (Bắc Kạn)"

    def label(self) -> str:
        """Return the place as a reader expects it: "huyện Chợ Đồn", "quận Ba Đình"."""
        return f"{_unit_word(self)} {self.name}" if self.kind else self.name

    def compatible(self, other: Place) -> bool:
        """Tell whether two mentions can be the same unit (same name, kinds and provinces not in conflict)."""
        if self.key != other.key:
            return False
        if self.parent and other.parent and self.parent != other.parent:
            return False
        return self.kind is None or other.kind is None or self.kind == other.kind

    def shares(self, other: Place) -> bool:
        """Tell whether ``other`` is two regions reported together, one of which is this region:
        "Tây Nguyên và duyên hải Nam Trung Bộ" holds "Tây Nguyên" (its figure is of both)."""
        return self.kind == other.kind == "region" and self.key != other.key and self.key in other.key.split(" + ")


@lru_cache(maxsize=4096)
def _unit_word(place: Place) -> str:
    """Return the unit word the gazetteer gives ``place`` ("quận", "thị xã"), else its kind's usual word."""
    units = admin_map()
    if place.kind == "province":
        province = units.provinces.get(place.key) or units.provinces_2025.get(place.key)
        return province.type if province else _KIND_NAMES["province"]
    if place.kind in ("district", "city"):
        types = {d.type for d in _districts(place, units)}
        if len(types) == 1:
            return types.pop()
    assert place.kind is not None, "label() asks for a unit word only when the kind is known"
    return _KIND_NAMES[place.kind]


@dataclass(frozen=True)
class _Mention:
    """A place found in a token list, with the tokens it covers (unit word and suffix included)."""

    place: Place
    start: int
    end: int


# Words after which a district name typed without diacritics and without "huyện" is read as a place.
_PLACE_CONTEXT = frozenset(
    {
        "o",
        "tai",
        "cua",
        "va",
        "voi",
        "giua",
        "hay",
        "den",
        "tu",
        "thuoc",
        "in",
        "of",
        "and",
        "about",
        "vs",
        "con",
        "ve",
        "sanh",
        "la",
        "nhu",
        "compare",
    }
)


_LINKS = frozenset(
    {
        "o",
        "tai",
        "cua",
        "thuoc",
        "va",
        "tren",
        "voi",
        "den",
        "tu",
        "trong",
        "huyen",
        "tinh",
        "xa",
        "thanh",
        "pho",
        "quan",
        "thi",
        "tran",
        "phuong",
        "vung",
        "khu",
        "co",
        "la",
        "dia",
        "ban",
        "cac",
        "nhung",
        "nay",
        "do",
    }
)


def _opens_aside(text: str, spans: Sequence[tuple[int, int]], start: int) -> bool:
    """Tell whether the token at ``start`` opens a parenthesis or follows a comma: a name there
    does not run on from the words before it."""
    if not start or not spans:
        return False
    return bool(set(text[spans[start - 1][1] : spans[start][0]]) & set("(,;[–-"))


# Words before a place name that make it part of another name: "thuỷ điện Hoà Bình" (a dam), "Đoàn
# TNCS Hồ Chí Minh" / "Đoàn Thanh niên Cộng sản Hồ Chí Minh", "đường Hồ Chí Minh" (a road), "tư tưởng Hồ Chí Minh".
_NAME_OPENERS = (
    {"thuy", "dien"},
    {"tncs"},
    {"cong", "san"},
    {"tu", "tuong"},
    {"chu", "tich"},
    {"duong"},
    {"dai", "lo"},
    {"lang"},
)
# Words of a natural or built feature named after a place, as written ("hồ", not "họ" or "hộ").
_FEATURE_WORDS = frozenset({"hồ", "sông", "cầu", "đèo", "núi", "vịnh", "phố"})
# Capitalised words after a place name that do not make it longer: unit words, English unit words.
_NOT_RUNNING_ON = frozenset(
    "tinh huyen quan thi xa thanh pho tp phuong district province city town commune ward county".split()
)


def _in_longer_name(tokens: list[str], text: str, spans: Sequence[tuple[int, int]], start: int, end: int) -> bool:
    """Tell whether the name over tokens ``start:end`` is part of a longer proper name: a
    capitalised word runs on right after it ("Thái Bình Dương", the Pacific), or a word before it
    opens another kind of name ("thuỷ điện Hoà Bình", "Đoàn TNCS Hồ Chí Minh")."""
    if not spans:
        return False
    adjoining = not text[spans[start - 1][1] : spans[start][0]].strip() if start else False
    if adjoining and any(set(tokens[max(0, start - len(o)) : start]) == o for o in _NAME_OPENERS):
        return True
    if adjoining and text[spans[start - 1][0] : spans[start - 1][1]].lower() in _FEATURE_WORDS:
        return True  # "hồ Hòa Bình", "sông Đà Nẵng": a lake, a river, a bridge named after the place
    if end >= len(tokens) or text[spans[end - 1][1] : spans[end][0]] != " ":
        return False
    following = text[spans[end][0] : spans[end][1]]
    return following[:1].isupper() and not following.isupper() and tokens[end] not in _NOT_RUNNING_ON


def _names_an_organisation(tokens: list[str], start: int) -> bool:
    """Tell whether a name follows "HTX …" / "hợp tác xã …" / "tổ hợp tác …" with only trade words
    between ("HTX lúa tôm Thạnh Phú", "HTX dịch vụ nông nghiệp Tăng Hoà"): an organisation's name."""
    for back in range(1, 5):
        j = start - back
        if j < 0:
            return False
        if tokens[j] in ("htx", "tht") or tokens[max(0, j - 1) : j + 1] == ["tac", "xa"]:
            return back > 1
        if tokens[j] in _LINKS:
            return False
    return False


@dataclass(frozen=True)
class Gazetteer:
    """Known unit names by folded key, with the kinds each can be."""

    names: dict[str, tuple[str, frozenset[str]]]
    max_words: int
    # Names that fold alike but are spelled apart ("Thanh Trì", "Thạnh Trị"), by folded key.
    spellings: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # One-syllable province names ("Huế"): found only capitalised with diacritics or after a unit word.
    short_provinces: dict[str, str] = field(default_factory=dict)

    def find(self, text: str) -> list[Place]:
        """Return the places named in ``text``, in order, each once."""
        _, _, situated = self._scan(text)
        named = {p.key for p in situated if not p.qualifier}
        places: list[Place] = []
        for place in situated:
            # A province named for itself elsewhere in the text is more than a qualifier there.
            if place not in places and not (place.qualifier and place.key in named):
                places.append(place)
        return places

    def mentions(self, text: str) -> tuple[str, list[tuple[Place, int, int]]]:
        """Return ``text`` as the gazetteer reads it (abbreviations such as "TP.HCM" written out)
        and each place named in it with the characters it covers there, unit word included: how
        one place of a question is cut out of it ("Tây Nguyên - duyên hải Nam Trung Bộ hay ĐBSCL -
        Đông Nam Bộ")."""
        expanded, spans, _ = self._scan(text)
        return expanded, spans

    def _scan(self, text: str) -> tuple[str, list[tuple[Place, int, int]], list[Place]]:
        """Return the expanded text, each mention with its character span (when the text folds
        letter for letter), and the situated places in order."""
        text = nfc(text)
        for pattern, expand in _ABBREVIATIONS:
            text = pattern.sub(expand, text)
        folded = fold(text)
        spans = [m.span() for m in re.finditer(r"[a-z0-9]+", folded)] if len(folded) == len(text) else []
        tokens = [folded[a:b] for a, b in spans] if spans else re.findall(r"[a-z0-9]+", folded)
        accented = folded != text.lower()
        regions = _regions(tokens, text, spans)
        in_region = {i for mention in regions for i in range(mention.start, mention.end)}
        mentions: list[_Mention] = []
        i = 0
        while i < len(tokens):
            if i in in_region:
                i += 1
                continue
            has_prefix = bool(_prefix(tokens, i)[0])
            match = None
            for size in range(min(self.max_words, len(tokens) - i), 0, -1):
                key = " ".join(tokens[i : i + size])
                if key in self.names or (size == 1 and key in self.short_provinces):
                    display = self._spelled(key, text, spans[i : i + size] if accented and spans else [], has_prefix)
                    if display:  # else a shorter one may fit: "Tân Phú (Đồng Nai)" is no "Tân Phú Đông"
                        match = (key, size, display)
                        break
            if not match:
                i += 1
                continue
            key, size, display = match
            prefix, kind = _prefix(tokens, i)
            end = i + size
            if kind is None and end < len(tokens) and tokens[end] in _SUFFIXES:
                prefix, kind = tokens[end], _SUFFIXES[tokens[end]]
                end += 1
            before = tokens[i - 1] if i else ""
            start = i - len(prefix.split()) if has_prefix else i
            if (
                not prefix
                and "province" not in self.names.get(key, ("", frozenset()))[1]
                and not _opens_aside(text, spans, start)  # "HTX Đức Huệ (Tháp Mười, …)": where it is
                and (
                    _names_an_organisation(tokens, start)
                    # "Hai HTX Phước An và Phú Lộc": the second of two bodies named together
                    or (before == "va" and _names_an_organisation(tokens, start - 1))
                )
            ):
                i += size  # "HTX lúa tôm Thạnh Phú": the name of a cooperative, not its district
                continue
            if not prefix and _in_longer_name(tokens, text, spans, start, end) and not self._starts_name(tokens, end):
                i += size  # "Thái Bình Dương", "thuỷ điện Hoà Bình": another name, not the province
                continue
            after_place = bool(mentions) and mentions[-1].end == start  # "quận Hoàng Mai Hà Nội"
            if not prefix and not after_place and _in_person_name(tokens, spans, text, start):
                i += size  # "ông Phạm Thái Bình", "bà Lê Thị Hà Nam": a person, not a province
                continue
            alliance = before == "htx" and tokens[max(0, start - 3) : start - 1] == ["lien", "minh"]
            if (not prefix and before in _ORG_WORDS and not alliance) or (
                prefix == "xa" and tokens[max(0, start - 2) : start] == ["hop", "tac"]
            ):
                i += size  # "HTX Tân Thành", "hợp tác xã Chợ Đồn": an organisation
                continue
            kinds = self.names[key][1] if key in self.names else frozenset({"province"})
            if (
                not accented
                and not prefix
                and "province" not in kinds
                and i
                and before not in _PLACE_CONTEXT
                and not self._province_follows(key, tokens[end : end + 4])
            ):
                # Typed without diacritics, "tiep can duoc" is no "Cần Đước": a district needs a cue
                # before it, or its own province after it ("(Hung Nguyen, Nghe An)").
                i += 1
                continue
            if kind in ("district", "city") and kind not in kinds and kinds & {"district", "city"}:
                kind = next(iter(kinds & {"district", "city"}))  # "Đà Lạt district": a city of district rank
            if kind == "city" and kind not in kinds and "province" in kinds:
                kind = "province"  # Hà Nội, Cần Thơ...: cities with the rank of a province
            former = end < len(tokens) and tokens[end] == "cu"
            if kind == "commune":
                place = _namesake(key, display) if prefix in _NEW_COMMUNE_WORDS else None
            elif kind and kind not in kinds:
                place = None
            else:
                place = Place(key, display, kind, former=former)
            if place is not None:
                mentions.append(_Mention(place, start, end + former))
            i += size
        mentions = sorted(mentions + regions, key=lambda m: m.start)
        situated = _situate(mentions, tokens, text, spans)
        covered = [
            (place, spans[m.start][0], spans[m.end - 1][1])
            for m, place in zip(mentions, situated, strict=True)
            if spans and m.end > m.start
        ]
        return text, covered, situated

    def _starts_name(self, tokens: list[str], at: int) -> bool:
        """Tell whether a place name of the gazetteer starts at token ``at`` ("Kỳ Sơn Hoà Bình")."""
        return any(
            " ".join(tokens[at : at + size]) in self.names
            for size in range(1, min(self.max_words, len(tokens) - at) + 1)
        )

    @staticmethod
    def _province_follows(key: str, after: list[str]) -> bool:
        """Tell whether the words ``after`` a district name open with a province that has such a district."""
        provinces = [d.province.split() for d in admin_map().districts.get(key, ())]
        return any(after[: len(words)] == words for words in provinces)

    def _spelled(self, key: str, text: str, spans: list[tuple[int, int]], has_prefix: bool) -> str:
        """Return the gazetteer's spelling of the name written over ``spans``, or "" when it is not one."""
        if key in self.short_provinces:
            # One syllable: only "Huế" as written, or any spelling after "thành phố", "tỉnh".
            written = text[spans[0][0] : spans[0][1]] if spans else ""
            return self.short_provinces[key] if has_prefix or written == self.short_provinces[key] else ""
        display = self.names[key][0]
        if not spans:
            return display  # written without diacritics: any spelling will do
        # With diacritics, the name must be written as the gazetteer writes it (and, with no unit
        # word before it, capitalised): "nguồn lực ngân sách" is not "Lục Ngạn".
        # Words only: "Bà Rịa-Vũng Tàu", "Bà Rịa – Vũng Tàu" and "Bà Rịa - Vũng Tàu" are one name.
        name_words = re.findall(r"\w+", text[spans[0][0] : spans[-1][1]])
        if not has_prefix and not all(w[:1].isupper() for w in name_words):
            return ""
        # Either tone placement will do: "Hoà Bình" / "Hòa Bình", "Bình Thuỷ" / "Bình Thủy".
        wanted = [spelling(w) for w in map(str.lower, name_words)]
        return next(
            (
                d
                for d in self.spellings.get(key, (display,))
                if [spelling(w) for w in re.findall(r"\w+", d.lower())] == wanted
            ),
            "",
        )


def _regions(tokens: list[str], text: str = "", spans: Sequence[tuple[int, int]] = ()) -> list[_Mention]:
    """Return the regions named in ``tokens``; two regions written together ("ĐBSCL và Đông Nam
    Bộ", "Tây Nguyên - duyên hải Nam Trung Bộ"), as the articles report them, are one place. A
    comma or "hay" keeps them apart, and a pair is never joined to a third ("A - B và C - D")."""
    found: list[_Mention] = []
    i = 0
    while i < len(tokens):
        for size in range(min(_REGION_WORDS, len(tokens) - i), 0, -1):
            name = _REGION_ALIASES.get(" ".join(tokens[i : i + size]))
            if name:
                place = Place(name_key(name), name, "region")
                found.append(_Mention(place, i, i + size))
                i += size
                break
        else:
            i += 1
    absorbed: list[_Mention] = []
    for mention in found:  # "Đồng bằng sông Cửu Long (ĐBSCL)": one mention
        if absorbed and absorbed[-1].place == mention.place and absorbed[-1].end == mention.start:
            absorbed[-1] = _Mention(mention.place, absorbed[-1].start, mention.end)
        else:
            absorbed.append(mention)
    found = absorbed
    merged: list[_Mention] = []
    listed = False  # "ĐBSCL, Tây Nguyên và Đông Nam Bộ": a list of three, not a pair at its end
    for n, mention in enumerate(found):
        previous = merged[-1] if merged else None
        between = set(tokens[previous.end : mention.start]) if previous else set()
        written = text[spans[found[n - 1].end - 1][1] : spans[mention.start][0]] if n and spans else ""
        if (
            previous is not None
            and " + " not in previous.place.key
            and between <= _REGION_JOINERS | {"vung"}
            and not re.search(r"[,;:.]", written)
            and bool(between & _REGION_JOINERS or re.search(r"[-–—]", written) or not spans)
            and not (listed and between & _REGION_JOINERS)
        ):
            names = list(dict.fromkeys(previous.place.name.split(" và ") + [mention.place.name]))
            ordered = sorted(names, key=name_key)
            place = Place(" + ".join(name_key(n) for n in ordered), " và ".join(names), "region")
            merged[-1] = _Mention(place, previous.start, mention.end)
        else:
            listed = bool(n) and "," in written
            merged.append(mention)
    return merged


def _prefix(tokens: list[str], start: int) -> tuple[str, str | None]:
    """Return the unit word right before ``start`` and the kind it names, or ("", None)."""
    for prefix, kind in _PREFIXES:
        words = prefix.split()
        if tokens[max(0, start - len(words)) : start] == words:
            return prefix, kind
    return "", None


def _namesake(key: str, display: str) -> Place | None:
    """Read "xã Chợ Đồn" as the legacy district it is named after, when that is unambiguous."""
    units = admin_map()
    communes = units.namesake_communes.get(key)
    if not communes or key in units.legacy_commune_names:
        return None  # no such 2025 commune, or an old commune of that name: the old articles mean that
    parents = {c.legacy_province for c in communes}
    parent = next(iter(parents)) if len(parents) == 1 else None
    district = next((d for d in units.districts[key] if parent in (None, d.province)), None)
    kind = "city" if district and district.type == "thành phố" else "district"
    return Place(key, display, kind, parent=parent, new_unit=True)


def _can_be_province(place: Place, units: AdminMap) -> bool:
    return place.kind in ("province", None) and (place.key in units.provinces or place.key in units.provinces_2025)


def _can_be_district(place: Place, units: AdminMap) -> bool:
    if place.key not in units.districts:
        return False
    return place.kind in ("district", "city") or (place.kind is None and not _can_be_province(place, units))


def _districts(place: Place, units: AdminMap) -> list[District]:
    """Return the legacy districts a mention can name, by name, kind and (when known) province."""
    named: Sequence[District] = units.districts.get(place.key, ())
    if place.kind in ("district", "city"):
        # A "thành phố thuộc tỉnh" is kind city; huyện, quận and thị xã are kind district.
        typed = [d for d in named if (d.type == "thành phố") == (place.kind == "city")]
        named = typed or named
    return [d for d in named if place.parent in (None, d.province)]


def _parent_in(province: str, place: Place, units: AdminMap) -> str | None:
    """Return the legacy province, within the province named ``province``, that holds ``place``."""
    holders = {d.province for d in _districts(place, units)}
    if province in holders:
        return province
    merged = units.provinces_2025.get(province)
    inside = holders & set(merged.legacy) if merged else set()
    return inside.pop() if len(inside) == 1 else None


def _qualifies(
    mention: _Mention, following: _Mention, tokens: list[str], text: str, spans: list[tuple[int, int]]
) -> bool:
    """Tell whether ``following`` qualifies ``mention``: "Chợ Đồn, Bắc Kạn", "Châu Thành (Tiền Giang)"."""
    if not set(tokens[mention.end : following.start]) <= _QUALIFIER_GAP:
        return False
    if following.end < len(tokens) and tokens[following.end] in _LIST_WORDS and spans:
        # "Chợ Đồn, Bắc Kạn và Na Rì" lists places; "Chợ Đồn (Bắc Kạn) và Na Rì" still qualifies.
        gap = text[spans[mention.end - 1][1] : spans[following.start][0]]
        return "(" in gap or following.place.kind == "province"
    return True


def _situate(mentions: list[_Mention], tokens: list[str], text: str, spans: list[tuple[int, int]]) -> list[Place]:
    """Give districts their province from the text or the gazetteer; flag the provinces that only qualify."""
    units = admin_map()
    named_provinces = [m.place.key for m in mentions if _can_be_province(m.place, units)]
    places: list[Place] = []
    qualifier = -1
    for n, mention in enumerate(mentions):
        place = mention.place
        if n == qualifier:
            places.append(replace(place, qualifier=True))
            following = mentions[n + 1] if n + 1 < len(mentions) else None
            if following and _can_be_province(following.place, units) and _now_in(mention, following, tokens):
                qualifier = n + 1  # "huyện Tây Hòa (Phú Yên cũ, nay thuộc Đắk Lắk)": its 2025 province too
            continue
        following = mentions[n + 1] if n + 1 < len(mentions) else None
        if (
            following
            and _can_be_province(place, units)
            and _can_be_province(following.place, units)
            and _now_in(mention, following, tokens)
        ):
            qualifier = n + 1  # "tỉnh Hòa Bình (nay thuộc Phú Thọ)": where the province asked lies now
        if place.parent is None and _can_be_district(place, units):
            following = mentions[n + 1] if n + 1 < len(mentions) else None
            parent = None
            if (
                following
                and _can_be_province(following.place, units)
                and _qualifies(mention, following, tokens, text, spans)
            ):
                parent = _parent_in(following.place.key, place, units) or _written_parent(
                    mention, following, text, spans, units
                )
                qualifier = n + 1 if parent else -1
            if parent is None:
                parent = _parent_from(place, named_provinces, units)
            place = replace(place, parent=parent) if parent else place
        places.append(place)
    return places


# "(Phú Yên cũ, nay thuộc Đắk Lắk)", "(Tiền Giang, now part of Đồng Tháp)", "(nay là một phần của
# tỉnh Thái Nguyên)": the 2025 province that took in the province before it.
_NOW_IN_GAP = {
    *("cu", "nay", "thuoc", "la", "da", "sap", "nhap", "vao", "mot", "phan", "cua", "tinh", "thanh", "pho", "tp"),
    *("now", "part", "of", "in", "province", "city"),
}


def _now_in(mention: _Mention, following: _Mention, tokens: list[str]) -> bool:
    gap = set(tokens[mention.end : following.start])
    return bool(gap) and gap <= _NOW_IN_GAP and bool(gap & {"nay", "now"})


def _written_parent(
    mention: _Mention, following: _Mention, text: str, spans: list[tuple[int, int]], units: AdminMap
) -> str | None:
    """Return the province written in brackets right after a district the gazetteer places
    elsewhere ("huyện Kỳ Sơn (Hòa Bình)": a district merged away before 2025, whose namesake in
    Nghệ An lives on): the text knows where it was."""
    if not spans or following.place.key not in units.provinces:
        return None
    gap = text[spans[mention.end - 1][1] : spans[following.start][0]]
    return following.place.key if gap.strip() == "(" else None


def _parent_from(place: Place, provinces: Iterable[str], units: AdminMap) -> str | None:
    """Return the one province among ``provinces`` that holds ``place``, else the only one in the gazetteer."""
    holders = {p for p in (_parent_in(key, place, units) for key in provinces if key != place.key) if p}
    if len(holders) == 1:
        return holders.pop()
    everywhere = {d.province for d in _districts(place, units)}
    return everywhere.pop() if len(everywhere) == 1 else None


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """Load the legacy provinces and districts of vietnamadminunits once."""
    units = admin_map()
    names: dict[str, tuple[str, set[str]]] = {}
    spellings: dict[str, list[str]] = {}

    def add(display: str, kind: str) -> None:
        key = name_key(display)
        if len(key.split()) < 2 or key.isdigit():
            return  # one-syllable names ("Quận 1" aside) collide with ordinary words
        entry = names.setdefault(key, (display, set()))
        entry[1].add(kind)
        if display not in spellings.setdefault(key, []):
            spellings[key].append(display)

    for province in units.provinces.values():
        add(province.name, "province")
    for district in (d for ds in units.districts.values() for d in ds):
        add(district.name, "city" if district.type == "thành phố" else "district")
    frozen = {k: (v[0], frozenset(v[1])) for k, v in names.items()}
    short = {p.key: p.name for p in units.provinces.values() if len(p.key.split()) == 1}
    return Gazetteer(frozen, max(len(k.split()) for k in frozen), {k: tuple(v) for k, v in spellings.items()}, short)


def place_mentions(text: str) -> tuple[str, list[tuple[Place, int, int]]]:
    """Return ``text`` as read (abbreviations written out) and the places named in it with their spans."""
    return gazetteer().mentions(text)


def find_places(text: str) -> list[Place]:
    """Return the provinces, districts and cities named in ``text``."""
    return list(_find_cached(text))


@lru_cache(maxsize=8192)
def _find_cached(text: str) -> tuple[Place, ...]:
    # Passages are scanned again for every question that retrieves them.
    return tuple(gazetteer().find(text))


def gazetteer_places() -> list[Place]:
    """Return every legacy province and district, each district with its province as parent."""
    units = admin_map()
    provinces = [Place(p.key, p.name, "province") for p in units.provinces.values()]
    districts = [
        Place(d.key, d.name, "city" if d.type == "thành phố" else "district", parent=d.province)
        for ds in units.districts.values()
        for d in ds
    ]
    return list(dict.fromkeys(provinces + districts))  # huyện and thị xã Cai Lậy are one Place


def situate(place: Place, context: Iterable[Place]) -> Place:
    """Return ``place`` with its province taken from ``context`` (say, the article's place) when it has none."""
    units = admin_map()
    if place.parent or not _can_be_district(place, units):
        return place
    holders = {
        p
        for p in (_parent_in(c.key, place, units) for c in context if c.key != place.key and _can_be_province(c, units))
        if p
    }
    return replace(place, parent=holders.pop()) if len(holders) == 1 else place


# Units are ("P", legacy province), ("N", 2025 province) or ("D", legacy province, district, type).
Unit = tuple[str, ...]


@lru_cache(maxsize=4096)
def _units(place: Place, broad: bool) -> frozenset[Unit]:
    """Return the units a mention can name; ``broad`` reads a 2025 province name as the 2025 province."""
    units = admin_map()
    if (
        place.kind == "province"
        or (_can_be_province(place, units) and not place.new_unit)
        or (place.kind == "city" and not _districts(place, units) and place.key in units.provinces)
    ):
        found = {("P", place.key)} if place.key in units.provinces else set()
        if place.key in units.provinces_2025 and not place.former and (broad or not found):
            found.add(("N", place.key))
        return frozenset(found)
    if place.kind == "commune":
        return frozenset()
    return frozenset(("D", d.province, d.key, d.type) for d in _districts(place, units))


def _contains(outer: Unit, inner: Unit, units: AdminMap) -> bool:
    if outer == inner:
        return True
    if outer[0] == "P":
        merged = units.provinces_2025.get(inner[1]) if inner[0] == "N" else None
        return (inner[0] == "D" and inner[1] == outer[1]) or (merged is not None and merged.legacy == (outer[1],))
    if outer[0] == "N":
        return inner[0] in ("P", "D") and inner[1] in units.provinces_2025[outer[1]].legacy
    return False


def within(inner: Place, outer: Place) -> bool:
    """Tell whether ``inner`` is the same unit as ``outer`` or lies inside it, across the 2025 merger.

    ``outer`` is read broadly (a 2025 province name covers the legacy provinces merged into it) and
    ``inner`` narrowly (every unit it can name must lie inside): an ambiguous district without a
    province is not inside any one province, and a province is never inside one of its districts.
    """
    if (inner.key, inner.kind, inner.parent) == (outer.key, outer.kind, outer.parent):
        return True
    inside, around = _units(inner, broad=False), _units(outer, broad=True)
    if not inside or not around:
        return inner.compatible(outer)  # a unit the gazetteer does not know: only the same name will do
    units = admin_map()
    return all(any(_contains(o, i, units) for o in around) for i in inside)


def _successors(place: Place) -> set[str]:
    units = admin_map()
    return {u[1] if u[0] == "N" else units.provinces[u[1]].successor for u in _units(place, broad=True)}


def current_province(place: Place) -> str | None:
    """Return the name of the 2025 province that now holds ``place`` ("Bắc Kạn" -> "Thái Nguyên"), or None."""
    successors = _successors(place)
    return admin_map().provinces_2025[successors.pop()].name if len(successors) == 1 else None


def legacy_provinces(name_or_key: str) -> list[str]:
    """Return the legacy provinces merged into a 2025 province, its namesake first; [] for other names."""
    key = re.sub(r"^(?:tinh|thanh pho|tp) ", "", name_key(name_or_key))
    units = admin_map()
    merged = units.provinces_2025.get(key)
    return [units.provinces[k].name for k in merged.legacy] if merged else []


def _english(name: str) -> str:
    return " ".join(w[:1].upper() + w[1:] for w in fold(name).split(" "))


def _province_label(kind: str, name: str, lang: str) -> str:
    """Return "tỉnh Thái Nguyên" / "Thai Nguyen province", "thành phố Hà Nội" / "Ha Noi City"."""
    if lang == "en":
        return f"{_english(name)} {'City' if kind == 'thành phố' else 'province'}"
    return f"{kind} {name}"


def _join(items: list[str], lang: str) -> str:
    last = " and " if lang == "en" else " và "
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + last + items[-1]


def relation_note(place: Place, lang: str = "vi", *, dated: bool = True) -> str | None:
    """Return how ``place`` maps onto the 2025 units, or None when it is unchanged or unknown.

    "Bắc Kạn — từ 1/7/2025 thuộc tỉnh Thái Nguyên";
    "huyện Chợ Đồn (tỉnh Bắc Kạn cũ) — từ 1/7/2025 thuộc tỉnh Thái Nguyên".
    """
    if lang not in _SINCE:
        raise ValueError(f"lang must be 'vi' or 'en', got {lang!r}")
    units = admin_map()
    found = _units(place, broad=True)
    since = _SINCE[lang] if dated else _NOW[lang]
    if not found:
        return None
    if found <= {("P", place.key), ("N", place.key)}:
        legacy = units.provinces.get(place.key)
        successor = units.provinces_2025[legacy.successor if legacy else place.key]
        head = _english(place.name) if lang == "en" else place.name
        successor_label = _province_label(successor.type, successor.name, lang)
        if successor.key != place.key:
            return (
                f"{head} — part of {successor_label} {since}"
                if lang == "en"
                else f"{head} — {since} thuộc {successor_label}"
            )
        others = [units.provinces[k] for k in successor.legacy if k != place.key]
        if not others:
            return None  # unchanged: Lạng Sơn, Hà Nội
        if lang == "en":
            olds = _join([_english(o.name) for o in others], lang) + (" provinces" if len(others) > 1 else " province")
            if place.former:
                return f"former {successor_label} — part of the new {successor_label} (with former {olds}) {since}"
            return f"{head} — {since} {successor_label} also includes former {olds}"
        olds = _join([_province_label(o.type, o.name, lang) for o in others], lang)
        if place.former:
            return f"{successor_label} cũ — {since} thuộc {successor_label} mới (gồm cả {olds})"
        return f"{head} — {since} {successor_label} gồm cả {olds} cũ"
    if len(found) > 1 or next(iter(found))[0] != "D":
        successors = _successors(place)
        if len(successors) == 1:
            new = units.provinces_2025[successors.pop()]
            new_label = _province_label(new.type, new.name, lang)
            if lang == "en":
                return f"{_english(place.name)} {place.kind or 'district'} — part of {new_label} {since}"
            return f"{place.label()} — {since} thuộc {new_label}"
        return (
            f"{_english(place.name)} {place.kind or 'district'} — districts were abolished on 1 July 2025"
            if lang == "en"
            else f"{place.label()} — {since} không còn cấp huyện"
        )
    district = _districts(place, units)[0]
    old = units.provinces[district.province]
    new = units.provinces_2025[old.successor]
    new_label = _province_label(new.type, new.name, lang)
    old_label = _province_label(old.type, old.name, lang)
    if lang == "en":
        head = f"{_english(district.name)} {_EN_DISTRICT_TYPES.get(district.type, 'district')}"
    else:
        head = f"{district.type} {district.name}"
    if place.new_unit:
        commune = next(c for c in units.namesake_communes[place.key] if c.legacy_province == district.province)
        if lang == "en":
            return (
                f"{_english(commune.name)} {_EN_COMMUNE_TYPES.get(commune.type, 'commune')} ({new_label} {since})"
                f" — within former {head}, {old_label}"
            )
        return f"{commune.type} {commune.name} ({new_label}, {since}) — trên địa bàn {head} cũ ({old_label})"
    if new.legacy == (old.key,):
        return (
            f"{head} ({old_label}) — districts were abolished on 1 July 2025"
            if lang == "en"
            else f"{head} ({old_label}) — {since} không còn cấp huyện"
        )
    return (
        f"{head} (former {old_label}) — part of {new_label} {since}"
        if lang == "en"
        else f"{head} ({old_label} cũ) — {since} thuộc {new_label}"
    )


def place_level(place: Place) -> tuple[str, str]:
    """Return the level of the unit a mention names once the gazetteer is asked (province,
    district, city, commune, region, country; "" when it cannot tell) and the name of the legacy
    province that holds it ("" when none or not one)."""
    units = admin_map()
    if place.kind in ("region", "country", "commune"):
        parent = units.provinces[place.parent].name if place.parent in units.provinces else ""
        return place.kind, parent
    if _can_be_province(place, units) and (place.kind == "province" or not _can_be_district(place, units)):
        return "province", ""
    districts = _districts(place, units)
    if not districts:
        return place.kind or "", ""
    kinds = {"city" if d.type == "thành phố" else "district" for d in districts}
    provinces = {d.province for d in districts}
    level = kinds.pop() if len(kinds) == 1 else place.kind or "district"
    return level, units.provinces[provinces.pop()].name if len(provinces) == 1 else ""

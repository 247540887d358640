"""The statistics table: every figure the articles state, one row each, read with the same measure
lexicon, place model and period rules as the answers.

A row says which place a figure is about (as written, with its level, legacy province and 2025
province), which measure (a lexicon name, or ``other`` with the counted word), the value as written
and as a number with its unit, the period it refers to (and whether it is a target), and where it
is quoted: the sentence and the character span of the value in the article's text, so that every
value round-trips to the exact characters of its quote.

Rows are derived data: the catalog rebuilds them when a document changes and when ``VERSION``
changes. Aggregation (rankings, trends) is honest: it lists figures with their periods and never
adds figures of different periods or overlapping places.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, fields, replace

from retrieval.chunking import split_long, split_sentences
from retrieval.guards import addresses_assistant
from retrieval.measures import BY_NAME, Figure, figure_scope, figure_span, figure_spans, figures
from retrieval.models import Document
from retrieval.periods import period_for, period_key, years
from retrieval.places import Place, current_province, find_places, place_level, within
from retrieval.selection import figure_subject
from retrieval.units import name_key
from retrieval.vietnamese import canonical_words, fold, number_value

SENTENCE_CHARS = 1500  # longer sentences are read in pieces (the cost of a sentence grows with its square)
VERSION = "10"  # bump when extraction changes: the catalog then rebuilds every row

# The unit a count is given in, by measure.
_COUNT_UNITS = {
    "htx_count": "HTX",
    "tht_count": "THT",
    "qtdnd_count": "QTDND",
    "lhhtx_count": "LHHTX",
    "members": "thành viên",
    "workers": "lao động",
    "products": "sản phẩm",
}
# What an `other` figure may count: the nouns and units a statistic is given in, one to three
# syllables, as written (lowercase). A number before any other word is a name, a date or a part
# of a phrase ("lần thứ 11", "31 về", "hải" of "hải lý"), not a figure of the table.
_COUNT_NOUNS = frozenset(
    w.replace("_", " ")
    for w in """
    ha hécta héc-ta km kg tấn tạ yến lít cm mm m2 m3 con quả trái cây gốc chậu hải_lý
    người hộ hộ_dân hộ_gia_đình xã_viên cán_bộ nông_dân ngư_dân công_nhân học_sinh học_viên sinh_viên
    thanh_niên phụ_nữ đảng_viên hội_viên đại_biểu ủy_viên uỷ_viên nhân_viên nhân_khẩu khách hành_khách
    du_khách lượt lượt_khách chuyến doanh_nghiệp công_ty đơn_vị tổ_chức cơ_sở nhóm tổ chi_bộ hội
    nhà_cung_cấp xe xe_buýt xe_khách chiếc tàu thuyền ghe phương_tiện tuyến dự_án tiểu_dự_án mô_hình
    sản_phẩm loại loài mẫu hợp_đồng máy căn_hộ căn_nhà ngôi_nhà nhà phòng hồ ao lồng trường trạm
    xã huyện tỉnh thôn bản phường quận nước quốc_gia vùng thị_trường việc_làm gian_hàng cửa_hàng siêu_thị
    chợ lớp_học lợn bò gà trâu cá thùng vé cuốn gói đề_tài đề_án văn_bản nhiệm_vụ tiêu_chí chỉ_tiêu
    thủ_tục dự_thảo dự_luật địa_phương điểm_bán nội_dung hạng_mục công_trình chuỗi chuỗi_liên_kết
    liên_hiệp làng làng_nghề khu_công_nghiệp cụm_công_nghiệp khu_dân_cư trường_hợp hồ_sơ nhà_đầu_tư
    """.split()
)
# Words before a number that make it part of a name or a reference, not a figure: "Quyết định
# 2032", "quận 12", "lần thứ 11", "HTX Vận tải số 28", "Quốc lộ 1".
_NAME_BEFORE = re.compile(  # on the lowercase text with its tones: "thứ" 11 is no "thu" 300 triệu
    r"(?:(?<!tổng )(?<!con )(?<!với )(?<!trong )\bsố|\bthứ|\bquyết định|\bnghị quyết|\bnghị định|\bthông tư|\bchỉ thị|"
    r"\bkế hoạch|\bcông văn|\bluật|\bquận|\bphường|\bkhóa|\bkhoá|\btuyến|\bđường|\bquốc lộ|\btỉnh lộ|"
    r"\bhương lộ|\btổ|\bxóm|\bấp|\bkhu phố|\btập|\btrang|\bđiều|\bkhoản|\bchương|\bmục|\bphòng|\blô|"
    r"\bphiên|\bkỳ|\bkì|\bđợt|\btop|\btốp|\bhạng|\bbản|\bward|\bdistrict|\bno\.?|\bq\.|\bp\.)\s*$"
)
# "thành viên tham gia 150 người", "lao động thường xuyên 40 người": people counted as members/workers.
_PEOPLE_NAMED = re.compile(r"\b(thanh vien|xa vien|lao dong)(?: \S+){0,3}$")
_RANGE_BEFORE = re.compile(r"\d\s*[-–]\s*$|\btừ\s+\d[\d.,]*\s*(?:\S+\s+){0,2}(?:đến|tới)\s+$")
_RANGE_AFTER = re.compile(r"\s*[-–]\s*\d")
_RANGE_TO = re.compile(r"\s*(?:đến|tới)\s+\d")  # "từ 1 tỷ đến 8 tỷ", after a "từ"
_MULTIPLIERS = {"nghin": 1e3, "ngan": 1e3, "trieu": 1e6, "ty": 1e9, "ti": 1e9}
# What follows a number and belongs to its value as written: "3,24 tỷ đồng", "4 triệu đồng/người/tháng".
_MONEY_AFTER = re.compile(
    r"\s*(?:(?:nghìn|ngàn|triệu|tỷ|tỉ)(?:\s+(?:tỷ|tỉ))?\s*)?(?:đồng|VNĐ|VND|đ|USD|usd)?(?:\s*/\s*[\wÀ-ỹ]+){0,3}"
)
_COUNT_AFTER = re.compile(r"\s*(?:nghìn|ngàn|triệu)(?=\s)")
_PERCENT_AFTER = re.compile(r"\s*%")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_AREA_RE = re.compile(r"\b(toan vung|ca vung|trong vung|cac tinh|toan mien)\b")
_NATION_RE = re.compile(r"\b(ca nuoc|toan quoc|viet nam|vn|nationwide)\b")
# "Số hợp tác xã sản xuất sản phẩm đạt OCOP là 4 HTX": the count named before its number, narrowed.
_NAMED_BEFORE = re.compile(r"\bso (?:luong )?(?:htx|tht|qtdnd|thanh vien|xa vien|lao dong)\b(.*?)\b(?:la|dat|co|gom)$")
# A sentence about the collective economy: the table holds its figures only (a coop article's news
# of floods, fares or land prices is no statistic of cooperatives).
_COOP_WORDS = frozenset({"htx", "tht", "lhhtx", "kttt", "qtdnd", "lmhtx"})
_MEMBERS_RE = re.compile(r"\b(xa vien|thanh vien)\b")
# A sentence that states what is, not what is planned: it ends the plan before it.
_ACTUAL_RE = re.compile(r"\b(hien nay|hien tai|hien|den nay|tu dau nam|da|vua qua|nam qua|ket qua|thuc hien duoc)\b")
_AS_OF_RE = re.compile(r"\btinh (?:den|toi)\b")  # "tính đến năm 2018, VN có 22.456 HTX": as of, not by
_GOAL_RE = re.compile(r"\b(phan dau|muc tieu|chi tieu|ke hoach|du kien)\b")
NATION = Place("viet nam", "Việt Nam", "country")


@dataclass(frozen=True)
class StatRow:
    """One figure stated in an article."""

    doc_id: str
    seq: int  # the figure's order in its article
    place: str  # as the article names it ("Chợ Đồn", "Việt Nam"); "" when unknown
    place_key: str  # folded name, "" when unknown
    place_from: (
        str  # where the place was read: "sentence", "title" (the article's title or metadata), "lead", "nation" or ""
    )
    place_kind: str  # how the article names it: province, district, city, commune, region, country or ""
    level: str  # the unit's level once resolved by the gazetteer ("" when unknown)
    parent: str  # the legacy province holding a district ("Bắc Kạn"), "" when none or unknown
    current: str  # the 2025 province that holds the place now ("Thái Nguyên"), "" when unknown
    measure: str  # a lexicon name (htx_count, members, revenue...) or "other"
    measure_raw: str  # for "other": the counted word as written ("hộ"); "" otherwise
    value_text: str  # as written: "1.750", "3,24 tỷ đồng", "12,5%"
    value: float  # as a number in ``unit``: 1750.0, 3.24e9, 12.5
    unit: str  # "HTX", "thành viên", "VND", "VND/tháng", "%", or the counted word
    period: str  # the period label ("đến hết tháng 6/2017"); "" when the sentence gives none
    period_key: str  # a comparable form of the period ("end 2017-06"); "" when not known
    year: int | None  # the year the figure refers to (the period's, else the article's)
    status: str  # "actual" or "target"
    qualifiers: str  # comma-separated: new, dissolved, negative
    scope: str  # what narrows the figure ("nong nghiep"); "" for a plain total; "part" for a part of a total
    sentence: str
    start: int  # the value's character span in the document's text
    end: int
    date: str  # the article's date (ISO), "" when unknown

    def as_dict(self) -> dict[str, object]:
        """Return the row as plain data (JSON, CSV)."""
        return asdict(self)

    def place_obj(self) -> Place | None:
        """Return the row's place as the place model reads it, or None when unknown."""
        if not self.place_key:
            return None
        return Place(self.place_key, self.place, self.place_kind or None, parent=name_key(self.parent) or None)


COLUMNS = tuple(f.name for f in fields(StatRow))


def _lines(text: str) -> Iterator[tuple[int, str]]:
    """Yield (offset, line) for every non-empty line of ``text``."""
    offset = 0
    for line in text.split("\n"):
        if line.strip():
            yield offset, line
        offset += len(line) + 1


def _sentences(text: str) -> Iterator[tuple[int, str]]:
    """Yield (offset, sentence) for each sentence of a document's text; every sentence is the
    exact characters of the text at its offset. A sentence over ``SENTENCE_CHARS`` (a pasted
    table, a text without full stops) is read in pieces cut at clauses, commas or words."""
    for offset, line in _lines(text):
        cursor = 0
        for sentence in split_sentences(line):
            for piece in split_long(sentence, SENTENCE_CHARS):
                at = line.find(piece, cursor)
                if at < 0:
                    continue
                cursor = at + len(piece)
                yield offset + at, piece


def _clauses(sentence: str) -> Iterator[tuple[int, str, str]]:
    """Yield (offset, clause, sentence before it) for a sentence cut at semicolons."""
    cursor = 0
    for part in re.split(r";\s+", sentence):
        at = sentence.find(part, cursor)
        cursor = at + len(part)
        if part.strip():
            yield at, part, sentence[:at].strip()


def _value_span(clause: str, figure: Figure, number: tuple[int, int]) -> tuple[int, int]:
    """Return the span in ``clause`` of the figure's value as written: the number (at ``number``),
    and for money its multiplier and currency, for a percentage its sign."""
    follow = {"money": _MONEY_AFTER, "percent": _PERCENT_AFTER}.get(figure.unit, _COUNT_AFTER)
    after = follow.match(clause, number[1])
    end = len(clause[: after.end()].rstrip()) if after else number[1]
    return number[0], max(end, number[1])


def _amount(value_text: str, figure: Figure) -> tuple[float, str] | None:
    """Return the value as a number and its unit: ("3,24 tỷ đồng") -> (3.24e9, "VND")."""
    number = _NUMBER.match(value_text)
    if number is None:
        return None
    value = number_value(number.group(0))
    if value is None:
        return None
    words = fold(value_text[number.end() :]).replace("/", " / ").split()
    scale = 1.0
    for word in words:
        if word == "/":
            break
        scale *= _MULTIPLIERS.get(word, 1.0)
    value *= scale
    if figure.unit == "percent":
        return value, "%"
    if figure.unit == "money":
        currency = "USD" if "usd" in words else "VND"
        per = value_text.split("/", 1)[1].strip() if "/" in value_text else ""
        return value, f"{currency}/{per}" if per else currency
    measure = figure.measure or ""
    return value, _COUNT_UNITS.get(measure, measure.removeprefix("count:"))


def _counted_noun(after: str) -> str:
    """Return the noun a number counts, from the words after it ("hải lý", "hộ"), or "" when they
    are no noun of a statistic: the longest of one to three syllables that the lexicon knows."""
    words = [w.strip(',.;:()“”"') for w in after.split()[:3]]
    for n in (3, 2, 1):
        if len(words) >= n and (noun := " ".join(words[:n])) in _COUNT_NOUNS:
            return noun
    return ""


def _in_range(clause: str, number: tuple[int, int], span: tuple[int, int]) -> bool:
    """Return whether the number at ``number`` (its value at ``span``) is a bound of a range:
    "6 - 8%", "600-700 tấn", "từ 25% đến 30%"."""
    ahead = clause[max(0, number[0] - 40) : number[0]]
    return bool(
        _RANGE_BEFORE.search(ahead)
        or _RANGE_AFTER.match(clause, span[1])
        or (ahead.rstrip().endswith("từ") and _RANGE_TO.match(clause, span[1]))
    )


def measured(clause: str, figure: Figure) -> tuple[float, str, str] | None:
    """Return a figure of ``clause`` as a number in its unit, the unit, and the value as written:
    (3.24e9, "VND", "3,24 tỷ đồng"). None when its number cannot be read there, or is a bound of
    a range ("mỗi bè khoảng 5-6 lồng" is no number of cages to compare)."""
    number = figure_span(clause, figure)
    if number is None:
        return None
    start, end = _value_span(clause, figure, number)
    if _in_range(clause, number, (start, end)):
        return None
    amount = _amount(clause[start:end], figure)
    return None if amount is None else (amount[0], amount[1], clause[start:end])


def _subject(clause: str, before: str, sentence: str, document: Document, figure: Figure, at: int) -> Place | None:
    """Return the place the figure is about (the answers' own rule), or the nation for "cả nước"
    when the clause names no place before the figure."""
    if _NATION_RE.search(fold(clause[:at])) and not find_places(clause[:at]):
        return NATION
    if _AREA_RE.search(fold(before + " " + clause[:at])) and not find_places(before + " " + clause[:at]):
        return None  # "Toàn vùng có … 5.500 HTX": a region the sentence does not name, not the article's province
    subjects = figure_subject(clause, before, sentence, document, figure.position)
    return subjects[0] if subjects else None


def _place_source(place: Place | None, sentence: str, document: Document) -> str:
    """Return where a row's place was read: the sentence, the article's title or metadata, only
    its lead (a weaker reading: "Tại TP Phủ Lý, hội nghị …" names where a meeting was held), or the
    nation ("cả nước")."""
    if place is None:
        return ""
    if place.kind == "country":
        return "nation"
    if any(p.key == place.key for p in find_places(sentence)):
        return "sentence"
    if any(p.key == place.key for p in find_places(f"{document.place or ''} {document.title or ''}")):
        return "title"
    return "lead"


def _period(clause: str, before: str, context: str, document: Document) -> tuple[str, str, int | None]:
    label = period_for(clause, before, context[-1500:], document.date) or ""
    key = period_key(label)
    year = int(key[-1][:4]) if key and key[0] != "now" and re.match(r"\d{4}", key[-1]) else None
    if key and key[0] in ("months", "quarter"):
        year = int(key[-1])
    if year is None and label:
        found = years(label)
        year = found[-1] if found else None
    if year is None and document.date:
        year = int(document.date[:4])
    return label, " ".join(key) if key else "", year


def extract(document: Document) -> list[StatRow]:
    """Return the table rows of one document, in the order its figures are written."""
    rows: list[StatRow] = []
    text = document.text
    context = ""
    plan: StatRow | None = None  # the dated target of the plan the paragraph is setting out
    previous_end = 0
    after_coop = False  # the sentence before, in the same paragraph, is about cooperatives
    for sentence_at, sentence in _sentences(text):
        if "\n" in text[previous_end:sentence_at]:
            plan = None  # a plan is carried to the sentences of its paragraph only
            after_coop = False
        previous_end = sentence_at + len(sentence)
        coop = about_cooperatives(sentence)
        if addresses_assistant(sentence) or not (coop or after_coop):
            after_coop = coop
            continue
        after_coop = coop
        own: list[StatRow] = []
        for clause_at, clause, before in _clauses(sentence):
            found = figures(clause)
            for figure, number in zip(found, figure_spans(clause, found), strict=True):
                row = _row(
                    document, sentence, sentence_at + clause_at, clause, before, context, figure, number, len(rows)
                )
                if row is not None:
                    own.append(row)
                    rows.append(row)
        plan = _carry_plan(plan, own, sentence, rows)
        context = f"{context[-1500:]} {sentence}"
    return rows


def about_cooperatives(sentence: str) -> bool:
    """Return whether ``sentence`` names cooperatives, their groups, unions or members: the table
    keeps the figures of such a sentence and of the one after it ("Lợi nhuận bình quân đạt 210
    triệu đồng/năm." goes on with the HTX of the sentence before)."""
    words = canonical_words(sentence)
    return not _COOP_WORDS.isdisjoint(words) or bool(_MEMBERS_RE.search(" ".join(words)))


def _carry_plan(plan: StatRow | None, own: list[StatRow], sentence: str, rows: list[StatRow]) -> StatRow | None:
    """Give the undated figures of a sentence that goes on with a plan ("Theo đó, đến năm 2025 …
    phấn đấu có 60 HTX … Thu nhập bình quân đạt 65 triệu đồng/năm.") the plan's period and target
    status, in place in ``rows``; return the plan the next sentence goes on with."""
    dated = [r for r in own if r.period]
    if dated:
        targets = [r for r in dated if r.status == "target"]
        return targets[-1] if len(targets) == len(dated) else None
    if plan is None or not own or _ACTUAL_RE.search(fold(sentence)):
        return None if own else plan
    for row in own:
        rows[row.seq] = replace(row, period=plan.period, period_key=plan.period_key, year=plan.year, status="target")
    return plan


def _row(
    document: Document,
    sentence: str,
    clause_at: int,
    clause: str,
    before: str,
    context: str,
    figure: Figure,
    number: tuple[int, int] | None,
    seq: int,
) -> StatRow | None:
    measure = figure.measure
    if measure is None or figure.unit == "" or number is None or clause[number[0] - 1 : number[0]].isalnum():
        return None  # a number glued to a word ("m2", "tu123") is part of that word
    span = _value_span(clause, figure, number)
    if figure.unit == "count" and re.match(r"\s*[,.;:()]", clause[span[1] :]):
        return None  # "tuyến số 8, HTX nhận xe…": the word after the comma is not what 8 counts
    if clause[span[1] : span[1] + 1] in ("/", "-") or clause[max(0, span[0] - 1) : span[0]] == "/":
        return None  # a document's number ("Kế hoạch số 681/KH-BCĐ") or a share ("179/196 HTX"), not a figure
    if _NAME_BEFORE.search(clause[max(0, number[0] - 20) : number[0]].lower()):
        return None  # "Quyết định 2032", "quận 12", "lần thứ 11": a name or a reference
    if _in_range(clause, number, span):
        return None  # "6 - 8%", "600-700 tấn", "từ 25% đến 30%": a range is no single figure
    raw = ""
    if measure.startswith("count:"):
        raw = _counted_noun(clause[span[1] :])
        if not raw or clause[number[0] : number[1]] == "1":
            return None  # no noun of a statistic, or "1 chiếc", "cho 1 công ty": "a", not a count
        measure = "other"
        named = _PEOPLE_NAMED.search(" ".join(canonical_words(clause[: span[0]]))) if raw == "người" else None
        if named:  # "thành viên tham gia 150 người": a count of members, in people
            measure, raw = ("members" if named.group(1) in ("thanh vien", "xa vien") else "workers"), ""
    elif measure not in BY_NAME:
        return None
    value_text = clause[span[0] : span[1]]
    amount = _amount(value_text, figure)
    if amount is None:
        return None
    value, unit = amount
    if raw:
        unit = raw
    elif figure.unit == "count" and measure in _COUNT_UNITS:
        unit = _COUNT_UNITS[measure]
    place = _subject(clause, before, sentence, document, figure, span[0])
    place_from = _place_source(place, sentence, document)
    label, key, year = _period(clause, before, context, document)
    scope = figure_scope(clause, figure)
    named = _NAMED_BEFORE.search(" ".join(canonical_words(clause[: span[0]])))
    if scope == "" and named and named.group(1).strip():
        scope = named.group(1).strip()  # "Số HTX sản xuất sản phẩm OCOP là 4 HTX": 4 of a kind, not all
    doc_year = int(document.date[:4]) if document.date else None
    target = (
        "target" in figure.qualifiers
        or bool(_GOAL_RE.search(fold(clause[: span[0]])))
        or (year is not None and doc_year is not None and year > doc_year)
        or (
            key.startswith("by ")
            and (doc_year is None or (year or 0) >= doc_year)
            and not _AS_OF_RE.search(fold(clause[: span[0]]))
        )
    )
    if BY_NAME.get(measure) is not None and BY_NAME[measure].is_value:
        scope = "part" if scope is None else ""
    level, parent = place_level(place) if place is not None else ("", "")
    current = (current_province(place) or "") if place is not None and place.kind != "country" else ""
    return StatRow(
        doc_id=document.id,
        seq=seq,
        place=place.name if place else "",
        place_key=place.key if place else "",
        place_from=place_from,
        place_kind=place.kind or "" if place else "",
        level=level,
        parent=parent,
        current=current,
        measure=measure,
        measure_raw=raw,
        value_text=value_text,
        value=value,
        unit=unit,
        period=label,
        period_key=key,
        year=year,
        status="target" if target else "actual",
        qualifiers=",".join(sorted(figure.qualifiers - {"target"})),
        scope="part" if scope is None else scope,
        sentence=sentence,
        start=clause_at + span[0],
        end=clause_at + span[1],
        date=document.date or "",
    )


@dataclass(frozen=True)
class StatsQuery:
    """A filter over the table: every field optional."""

    place: str | None = None  # a place name as a user writes it ("Chợ Đồn", "tỉnh Thái Nguyên")
    measure: str | None = None  # a lexicon name, or "other"
    year: int | None = None
    status: str | None = None  # "actual" or "target"


def asked_place(name: str) -> Place | None:
    """Return the place a filter names ("Chợ Đồn", "huyện Chợ Đồn", "Việt Nam"), or None if unknown."""
    if _NATION_RE.search(fold(name)):
        return NATION
    found = [p for p in find_places(name) if not p.qualifier]
    if found:
        return found[0]
    key = name_key(name)
    return Place(key, name.strip(), None) if key else None


def matches(row: StatRow, place: Place | None) -> bool:
    """Tell whether a row's place is ``place`` or lies inside it (across the 2025 merger)."""
    if place is None:
        return True
    own = row.place_obj()
    if own is None:
        return False
    if place.kind == "country" or own.kind == "country":
        return place.kind == own.kind
    return within(own, place) or (own.key == place.key and place.kind is None)


def filter_rows(rows: Sequence[StatRow], query: StatsQuery) -> list[StatRow]:
    """Return the rows a query selects, in table order."""
    place = asked_place(query.place) if query.place else None
    return [
        r
        for r in rows
        if (query.measure is None or r.measure == query.measure)
        and (query.year is None or r.year == query.year)
        and (query.status is None or r.status == query.status)
        and matches(r, place)
    ]


# --- rankings and trends: honest aggregation over the rows ---------------------------------------

_LEVEL_RES = (
    ("province", re.compile(r"\b(?:tinh|tinh thanh) nao\b|\bwhich provinces?\b")),
    ("district", re.compile(r"\b(?:huyen|quan|thi xa|quan huyen) nao\b|\bwhich (?:districts?|towns?)\b")),
    ("commune", re.compile(r"\b(?:xa|phuong) nao\b|\bwhich (?:communes?|wards?)\b")),
    ("region", re.compile(r"\b(?:vung|khu vuc|mien) nao\b|\bwhich regions?\b")),
    ("any", re.compile(r"\b(?:dia phuong|noi|dia ban) nao\b|\bwhich (?:places?|localit(?:y|ies))\b|\bwhere\b")),
)
_LEVELS = {"province": ("province",), "district": ("district", "city"), "commune": ("commune",), "region": ("region",)}
# Words of a ranking question that say nothing about what is counted.
_GENERIC = frozenset(
    (
        "nao nhieu nhat it cao thap lon nho dong dung dau co la theo cac bai viet trong so luong tong o tai cua "
        "va hay voi nhung tap trung dia phuong noi ban tinh thanh huyen quan thi xa vung khu vuc mien ky duoc bao "
        "hien nay den gan day moi lap ca tren toan nuoc bon hai ba nam muoi sau bay tam chin mot hon nhu the "
        "which what the most least fewest highest lowest largest has have had of in by a an number province "
        "provinces district districts region regions place places according articles where is are was were do "
        "does there how many cooperatives cooperative htx pho tp tx tt tran thi dac thay doi bien qua tung tang "
        "giam xu huong change changed over years year trend grow grown"
    ).split()
)


# Words after a count that qualify it as new / active without narrowing what is counted.
_PLAIN_WORDS = frozenset("thanh lap moi dang hoat dong da duoc".split())


def rank_level(question: str) -> str | None:
    """Return the level of the places a ranking question asks for ("Tỉnh nào…" -> "province",
    "Nơi nào…" -> "any"), or None when it ranks something else ("HTX nào…", "lĩnh vực nào…")."""
    folded = " ".join(canonical_words(question))
    english = " ".join(re.findall(r"[a-z]+", question.lower()))
    for level, pattern in _LEVEL_RES:
        if pattern.search(folded) or pattern.search(english):
            return level
    return None


def topic_words(question: str, places: Sequence[Place], measure_words: Sequence[str]) -> list[str]:
    """Return the words of a ranking question that narrow what is counted ("vận tải" in "nhiều HTX
    vận tải nhất"): not places, not the measure, not the words of asking."""
    named = {w for p in places for w in p.key.split()} | {w for m in measure_words for w in m.split()}
    return [
        w
        for w in dict.fromkeys(canonical_words(question))
        if w not in _GENERIC and w not in named and not w[:1].isdigit() and len(w) > 1
    ]


def _about(row: StatRow, topic: Sequence[str]) -> bool:
    """Tell whether a row's figure is about the topic: its sentence says every topic word; a row
    without a topic must be a plain total ("42 HTX", not "50 HTX nông nghiệp" or "trong đó 9 HTX")."""
    if row.scope == "part":
        return False
    if not topic:
        return set(row.scope.split()) <= _PLAIN_WORDS
    words = set(canonical_words(row.sentence))
    return all(w in words for w in topic)


def latest(rows: Sequence[StatRow]) -> StatRow:
    """Return the row of the latest period (then the latest article, then one with a stated
    period; the first figure of a tie)."""
    return max(rows, key=lambda r: (r.year or 0, r.date, bool(r.period), r.period_key.startswith("end")))


def rank(
    rows: Sequence[StatRow],
    *,
    level: str,
    places: Sequence[Place] = (),
    qualifiers: frozenset[str] = frozenset(),
    topic: Sequence[str] = (),
    largest: bool = True,
) -> list[StatRow]:
    """Return one row per place (its latest figure) among ``rows``, best first, all in one unit
    (the one most places have: "3 tỷ đồng" and "12%" do not rank together).

    ``places``: two or more are the candidates named in the question; one is the area the ranked
    places lie in ("Quận nào ở TP.HCM…"). Only actual figures (targets when asked) with the asked
    qualifiers (new, dissolved) take part; figures of different periods are listed, never summed.
    """
    wanted = "target" if "target" in qualifiers else "actual"
    flags = {"new", "dissolved"} & qualifiers
    candidates: dict[tuple[str, str, str], list[StatRow]] = {}
    for row in rows:
        own = row.place_obj()
        if own is None or row.status != wanted or set(row.qualifiers.split(",")) & {"new", "dissolved"} != flags:
            continue
        if row.place_from == "lead":
            continue  # a place read from the article's lead only is not firm enough to rank
        if "negative" in row.qualifiers.split(","):
            continue
        if len(places) >= 2:
            if not any(own.compatible(p) for p in places):
                continue
        else:
            if level != "any" and row.level not in _LEVELS.get(level, ()):
                continue
            if row.level == "country":
                continue
            if places and (not within(own, places[0]) or own.compatible(places[0])):
                continue
        if not _about(row, topic):
            continue
        candidates.setdefault((row.place_key, row.level, row.parent), []).append(row)
    # Figures in different units ("3 tỷ đồng", "12%") do not rank together: the unit most places have.
    places_of: dict[str, set[tuple[str, str, str]]] = {}
    for key, group in candidates.items():
        for row in group:
            places_of.setdefault(row.unit, set()).add(key)
    if not places_of:
        return []
    unit = max(places_of, key=lambda u: (len(places_of[u]), u != "%", u))
    best = [
        latest([r for r in group if r.unit == unit]) for group in candidates.values() if unit in {r.unit for r in group}
    ]
    return sorted(best, key=lambda r: -r.value if largest else r.value)


def series(rows: Sequence[StatRow], place: Place, topic: Sequence[str] = ()) -> list[StatRow]:
    """Return the figures of one place in date order, one per period (a trend needs two of them)."""
    kept: dict[str, StatRow] = {}
    for row in rows:
        own = row.place_obj()
        if own is None or not own.compatible(place) or row.status != "actual" or not _about(row, topic):
            continue
        if {"new", "dissolved", "negative"} & set(row.qualifiers.split(",")):
            continue
        key = row.period_key or f"article {row.date}"
        if not row.period_key and not row.date:
            continue
        kept.setdefault(key, row)
    return sorted(kept.values(), key=lambda r: (r.year or 0, r.date, r.period_key))

"""The statistics table: every figure the articles state, one row each, read with the same measure
lexicon, place model and period rules as the answers.

A row says which place a figure is about (as written, with its level, legacy province and 2025
province), which measure (a lexicon name, or ``other`` with the counted word), the value as written
and as a number with its unit, the period it refers to (and whether it is a target), and where it
is quoted: the sentence and the character span of the value in the article's text, so that every
value round-trips to the exact characters of its quote.

The table keeps a figure only when the text supports it (``doubt``): a place named in the sentence
or the article's one place, never a foreign one; a measure and a value that are what they seem (no
percentage of a count, no threshold, condition, change, debt, comparison base, figure per unit, nor a
former or undated past state); a period from the figure's own clause. A doubtful figure is left out
rather than guessed (docs/stats_precision.md).

Rows are derived data: the catalog rebuilds them when a document changes and when ``VERSION``
changes. Aggregation (rankings, trends) is honest: it lists figures with their periods and never
adds figures of different periods or overlapping places.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, fields, replace
from datetime import date
from itertools import combinations

from retrieval.chunking import split_long, split_sentences
from retrieval.guards import addresses_assistant
from retrieval.measures import (
    BY_NAME,
    QUALIFIERS,
    Figure,
    figure_scope,
    figure_span,
    figure_spans,
    figures,
    not_a_plan,
)
from retrieval.models import Document
from retrieval.periods import display_date, find_period, period_for, period_key, years
from retrieval.places import Place, current_province, find_places, place_level, place_mentions, within
from retrieval.selection import figure_subject
from retrieval.units import name_key
from retrieval.vietnamese import canonical_words, fold, has_diacritics, number_value

SENTENCE_CHARS = 1500  # longer sentences are read in pieces (the cost of a sentence grows with its square)
VERSION = "15"  # bump when extraction changes: the catalog then rebuilds every row (15: figure subjects)

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
    tiểu_thương nhà_xe nhà_hàng nhà_kho nhà_máy nhà_vườn nhà_kính nhà_màng nhà_khoa_học nhà_bán_lẻ
    nhà_sản_xuất nhà_văn_hóa nhà_văn_hoá loại_hình hội_nghị hội_quán hội_chợ tổ_công_tác tổ_tự_quản
    """.split()
)
# A one-syllable noun of the lexicon that heads a longer word the lexicon does not hold ("nhà"
# of "nhà báo", "hội" of "hội viên", "tổ" of "tổ hợp tác", "phòng" of "phòng ngủ"): the number
# does not count that noun, so no row.
_HEAD_TAILS = {
    "nhà": "báo nước nông thầu tuyển trường ở dân đất sàn tạm trọ nghỉ thờ",
    "hội": "đồng thảo diễn thi",
    "tổ": "hợp dân quốc",
    "phòng": "ngủ khách ban họp",
    "xã": "hội",
    "loại": "trừ",
    "trường": "học",
    "chợ": "búa",
    "máy": "móc",
    "nước": "ngoài mắm",
    "cá": "nhân",
}
_HEAD_OF = {head: frozenset(tails.split()) for head, tails in _HEAD_TAILS.items()}
# Words before a number that make it part of a name or a reference, not a figure: "Quyết định
# 2032", "quận 12", "lần thứ 11", "HTX Vận tải số 28", "Quốc lộ 1".
_NAME_BEFORE = re.compile(  # on the lowercase text with its tones: "thứ" 11 is no "thu" 300 triệu
    r"(?:(?<!tổng )(?<!con )(?<!với )(?<!trong )\bsố|\bthứ|\bquyết định|\bnghị quyết|\bnghị định|\bthông tư|\bchỉ thị|"
    r"\bkế hoạch|\bcông văn|\bluật|\bquận|\bphường|\bkhóa|\bkhoá|\btuyến|\bđường|\bquốc lộ|\btỉnh lộ|"
    r"\bhương lộ|\btổ|\bxóm|\bấp|\bkhu phố|\btập|\btrang|\bđiều|\bkhoản|\bchương|\bmục|\bphòng|\blô|"
    r"\bphiên|\bkỳ|\bkì|\bđợt|\btop|\btốp|\bhạng|\bbản|\btháng|\bngày|\bward|\bdistrict|\bno\.?|\bq\.|\bp\.)\s*$"
)
# "thành viên tham gia 150 người", "lao động thường xuyên 40 người": people counted as members/workers.
_PEOPLE_NAMED = re.compile(r"\b(thanh vien|xa vien|lao dong)(?: \S+){0,3}$")
_RANGE_BEFORE = re.compile(r"\d\s*[-–]\s*$|\btừ\s+\d[\d.,]*\s*(?:\S+\s+){0,2}(?:đến|tới)\s+$")
_RANGE_AFTER = re.compile(r"\s*[-–]\s*\d")
_RANGE_TO = re.compile(r"\s*(?:đến|tới)\s+\d")  # "từ 1 tỷ đến 8 tỷ", after a "từ"
_MULTIPLIERS = {"nghin": 1e3, "ngan": 1e3, "trieu": 1e6, "ty": 1e9, "ti": 1e9}
# What follows a number and belongs to its value as written: "3,24 tỷ đồng", "4 triệu đồng/người/tháng".
_MONEY_AFTER = re.compile(
    r"\s*(?:(?:nghìn|ngàn|triệu|tỷ|tỉ)(?:\s+(?:tỷ|tỉ|triệu))?\s*)?(?:đồng|VNĐ|VND|đ|USD|usd)?"
    r"(?:\s*/\s*(?:đơn vị|trang trại|lao động|thành viên|xã viên|hộ gia đình|hộ dân|nhân khẩu|[\wÀ-ỹ]+)){0,3}"
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
# Words that look like a goal and are not: "vượt chỉ tiêu" (done), "chia sẻ" (not "sẽ"), "Bộ Kế
# hoạch - Đầu tư" (a ministry), "một số chỉ tiêu vượt ngưỡng" (indicators).
_NOT_A_GOAL_RE = re.compile(
    r"\bvuot (?:chi tieu|ke hoach|muc tieu)\b|\bchia se\b|\b(?:bo|so|phong) ke hoach\b"
    r"|\b(?:mot so|cac|nhieu) chi tieu\b"
    # A planned event ("cuộc họp dự kiến diễn ra ngày 8/10 giữa … cùng đại diện 3.000 hộ dân"): the
    # plan is the event's day; who takes part is no goal (VERSION 13).
    r"|\b(?:du kien|theo ke hoach|se)(?: se)? (?:dien ra|khai mac|be mac|hop|keo dai)\b"
)
# A heading that sets the plan of the whole clause ("Chỉ tiêu năm 2021, thành lập mới 65 HTX",
# "Theo kế hoạch, …", "Phấn đấu đến năm 2025, …"): a goal word opens a short part before a comma.
_GOAL_HEADING_RE = re.compile(
    r"^\s*(?:(?:theo|ve|voi|dong thoi|cu the)\s+)?(?:phan dau|muc tieu|chi tieu|ke hoach|du kien)\b"
)
# A figure that is the subject of a plan or a duty said after it ("UBND 15 tỉnh khu vực … cần giải
# thể các HTX", "11 HTX nông nghiệp thành viên sẽ cam kết"): the plan is what they are to do, the
# count is a fact. Not a count to be reached ("60 HTX sẽ được thành lập", "sẽ đạt", "cần có").
_SUBJECT_OF_PLAN_RE = re.compile(
    r"\b(?:cần|sẽ|phải|dự kiến|phấn đấu|có kế hoạch|có trách nhiệm|chịu trách nhiệm|cam kết)\b"
    r"(?!\s+(?:(?:được|tiếp tục|sớm|cùng|cố gắng|nỗ lực)\s+)*(?:thành lập|xây dựng|phát triển|hình thành|ra đời|"
    r"đạt|tăng|lên|có|nâng|vượt|mở rộng|thu hút|kết nạp|giảm|còn|chiếm)\b)"
)
# A plan whose figure is spelled out in brackets after it: "vượt kế hoạch giao đầu năm (thành lập
# mới 12 HTX)" (group 1: the bracket).
_BRACKET_PLAN_RE = re.compile(r"\b(?:ke hoach|chi tieu)\b[^()]{0,40}?\s*(\()[^()]*$")
_GOAL_NEAR_RE = re.compile(
    r"\b(phan dau|muc tieu|chi tieu|ke hoach|du kien|se|target|goal|aim|plan|planned|expected)\b"
)
# A plan or a duty said without a goal word ("chịu trách nhiệm thay thế 15 xe buýt mới", "đã cam kết
# nhân rộng mô hình … lên 20 tuyến"): matched with tones ("sắp", not "sập" nor "sắp xếp").
_PLAN_NEAR_RE = re.compile(
    r"\b(?:chịu trách nhiệm|có trách nhiệm|cam kết|dự định|định hướng|hướng tới|tiến tới|sắp(?! xếp)|đặt mục tiêu)\b"
)
# Qualifiers read from the figure's own phrase only (the lexicon reads ten words back: "được thành
# lập năm 2006, có 57 thành viên" is no new member, "hiện không thống nhất, theo 4 mô hình" no negative).
_OWN_QUALIFIER_RES = {
    name: re.compile(r"\b(?:" + "|".join(re.escape(w.strip()) for w in QUALIFIERS[name]) + r")\b")
    for name in ("new", "dissolved", "negative")
}
_NEGATION_RE = re.compile(r"(?<!\w)(?:không|chưa|not yet|without)(?!\w)")
NATION = Place("viet nam", "Việt Nam", "country")


def _latest_year(document: Document) -> int:
    """Return the latest year an undated article writes (its date is at least that), 0 if none."""
    return max(years(document.text), default=0)


def _goal_near(words: str) -> bool:
    """Tell whether the words just before a figure set it as a goal: a goal word with no clause
    between ("khách hàng sẽ cần sản phẩm an toàn nên 10 thành viên … bắt tay": the "sẽ" is the
    customers', not the figure's)."""
    found = list(_GOAL_NEAR_RE.finditer(words))
    return bool(found) and not re.search(r"\b(nen|thi|nhung|vi|ma|song)\b", words[found[-1].end() :])


def _goal_said(words: str) -> bool:
    """Tell whether a goal word of the folded words before a figure sets the figure as a goal:
    in the figure's own phrase (after the last comma, colon or semicolon, back over a list of
    figures), or in a short heading of its clause ("Chỉ tiêu năm 2021, thành lập mới từ 65 HTX";
    not "cuộc họp dự kiến diễn ra ngày 8/10 giữa sở Công Thương, …, cùng đại diện 3.000 hộ dân")."""
    own = re.split(r":", _own_phrase_before(words))[-1]
    if _GOAL_RE.search(own):
        return True
    return any(_GOAL_HEADING_RE.match(part) and len(part.split()) <= 8 for part in re.split(r"[,;:]", words)[:-1])


def _plan_subject(clause: str, end: int) -> bool:
    """Tell whether the figure ending at ``end`` is the subject of a plan or a duty said in its own
    phrase after it ("từ nay đến năm 2020, UBND 15 tỉnh khu vực trung du và miền núi phía Bắc cần
    giải thể các HTX …": 15 provinces are, the dissolving is the plan)."""
    phrase = re.split(r"[,;:()]|(?<!\w)\d", clause[end:], maxsplit=1)[0]
    return bool(_SUBJECT_OF_PLAN_RE.search(" ".join(phrase.lower().split()[:12])))


def _planned(before: str) -> bool:
    """Tell whether the words just before a figure make it a plan or a duty ("chịu trách nhiệm thay
    thế 15 xe buýt mới"), with no clause between."""
    words = " ".join(before.lower().split()[-10:])
    found = list(_PLAN_NEAR_RE.finditer(words))
    return bool(found) and not re.search(r"\b(?:nên|thì|nhưng|vì|mà|song)\b|[,;]", words[found[-1].end() :])


def _own_label(clause: str, span: tuple[int, int], label: str) -> bool:
    """Tell whether a period label is said in the figure's own phrase: after the last comma, colon
    or semicolon before it, or in its phrase after it."""
    if not label:
        return False
    own = re.split(r"[,;:]", clause[: span[0]])[-1] + clause[span[1] :].split(",")[0]
    return label in own


def _has_figure(text: str) -> bool:
    """Tell whether ``text`` holds a number other than a year."""
    return any(not re.fullmatch(r"(?:19|20)\d\d", m.group(0)) for m in _NUMBER.finditer(text))


def _own_phrase_before(before: str) -> str:
    """Return the figure's own phrase before it: its part of the clause after the last comma, and
    the list it ends ("thành lập mới 9 HTX, 120 thành viên": 120 is of the list of new ones)."""
    parts = re.split(r"[,;]", before)
    k = len(parts) - 1
    while k > 0 and _has_figure(parts[k - 1]):
        number = next((m for m in _NUMBER.finditer(parts[k]) if _has_figure(m.group(0))), None)
        head = parts[k][: number.start()] if number else parts[k]
        if len(head.split()) > 2:
            break
        k -= 1
    return ",".join(parts[k:])


def _own_qualifiers(clause: str, span: tuple[int, int], qualifiers: frozenset[str]) -> frozenset[str]:
    """Return the qualifiers that the figure's own phrase says: new and dissolved in its part of
    the clause, a negation only next to it, written with its tones ("còn 119 HTX thành lập mới chưa
    bố trí", "8 hợp tác xã vẫn chưa ký"; not "Không phải ngẫu nhiên hơn 100 nông dân", nor "danh
    sách khống")."""
    before = _own_phrase_before(clause[: span[0]])
    after = _own_after(clause, span[1], 5)
    own = f" {' '.join(canonical_words(f'{before} {after}'))} "
    own_found = {q for q in ("new", "dissolved") if _OWN_QUALIFIER_RES[q].search(own)}
    near = f"{' '.join(before.split()[-3:])} | {after}".lower()
    if has_diacritics(clause):
        negated = bool(_NEGATION_RE.search(near))
    else:
        negated = bool(_OWN_QUALIFIER_RES["negative"].search(f" {' '.join(canonical_words(near))} "))
    said = {"new": "new" in own_found, "dissolved": "dissolved" in own_found, "negative": negated}
    return frozenset(q for q in qualifiers if said.get(q, True))


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
    raw = after.split()[:3]
    words = [w.strip(',.;:()“”"') for w in raw]
    for n in (3, 2, 1):
        if len(words) >= n and (noun := " ".join(words[:n])) in _COUNT_NOUNS:
            if n == 1 and len(raw) > 1 and raw[0] == words[0] and words[1] in _HEAD_OF.get(noun, ()):
                return ""  # "5 nhà báo", "3 phòng ngủ": the noun heads another word
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
    if national(clause[:at]) and not find_places(clause[:at]):
        return NATION
    read, mentions = place_mentions(clause[:at])
    if mentions and national(read[max(end for _, _, end in mentions) :]):
        return NATION  # "Đại biểu Mai Sĩ Diến (Thanh Hoá) thì lưu ý việc hiện cả nước có hơn 10.000 HTX"
    if _AREA_RE.search(fold(before + " " + clause[:at])) and not find_places(before + " " + clause[:at]):
        return None  # "Toàn vùng có … 5.500 HTX": a region the sentence does not name, not the article's province
    subjects = figure_subject(clause, before, sentence, document, figure.position)
    place = subjects[0] if subjects else None
    if place is not None and not any(p.key == place.key for p in find_places(sentence)):
        place = _lead_place(place, document)
    return place


def _lead_place(place: Place, document: Document) -> Place | None:
    """Return the article's place for a figure whose sentence names none, when the lead names it
    only in a name ("xe buýt … chạy hướng Bến xe miền Đông (Bình Thạnh) …; Hợp tác xã Đông Nam
    (TP. HCM)": a landmark's district, as in the sentence): the place the lead names otherwise, or
    None when it names no other one (VERSION 13)."""
    heading = f"{document.place or ''} {document.title or ''}"
    lead = _lead(document)
    if any(p.key == place.key for p in find_places(heading)) or not _only_in_names(place, lead):
        return place
    others = [p for p in dict.fromkeys(_places(lead)) if p.key != place.key and not _only_in_names(p, lead)]
    if not others or not one_place(others):
        return None
    return max(others, key=lambda p: sum(within(p, q) for q in others))


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


# --- confidence ----------------------------------------------------------------------------------
# The table is a table of statistics: a figure becomes a row only when the text supports its place,
# its measure and its value. A doubtful figure is left out rather than guessed (recall is measured
# on the seeds; precision on a hand-judged sample, docs/stats_precision.md).

# Countries and continents other than Việt Nam, as articles write them. The gazetteer knows none,
# so a figure about them would get a Vietnamese place from the article's lead, or none.
_FOREIGN_NAMES = sorted(
    [
        *"Đức Mỹ Lào Úc Cuba Iran Israel Italy Canada Brazil Mexico Chile Singapore Malaysia Indonesia".split(),
        *"Philippines Myanmar Brunei Australia Hungary Ukraine Dubai Qatar Nga Anh Ý Áo Bỉ Nhật Pháp".split(),
        *"Campuchia Séc EU Turin Paris London Tokyo Seoul Bangkok Moscow".split(),
        "Hoa Kỳ",
        "Nhật Bản",
        "Hàn Quốc",
        "Trung Quốc",
        "Triều Tiên",
        "Thái Lan",
        "Hà Lan",
        "Thụy Điển",
        "Thuỵ Điển",
        "Thụy Sĩ",
        "Thuỵ Sĩ",
        "Ấn Độ",
        "Đài Loan",
        "New Zealand",
        "Đan Mạch",
        "Na Uy",
        "Phần Lan",
        "Tây Ban Nha",
        "Bồ Đào Nha",
        "Mông Cổ",
        "Nam Phi",
        "Ai Cập",
        "Ba Lan",
        "Thổ Nhĩ Kỳ",
        "Hồng Kông",
        "Hong Kong",
        "Bắc Kinh",
        "Thượng Hải",
        "châu Âu",
        "châu Á",
        "châu Phi",
        "châu Mỹ",
        "Châu Âu",
        "Châu Á",
        "Châu Phi",
        "Bắc Mỹ",
        "Mỹ Latinh",
        "Liên Hiệp Quốc",
        "Liên hợp quốc",
        "Liên Hợp Quốc",
    ],
    key=len,
    reverse=True,
)
_FOREIGN_RE = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, _FOREIGN_NAMES)) + r")(?!\w)")
# One-syllable names that are also ordinary words ("anh", "ý", "áo", "pháp luật"): a country only
# after a word that announces one ("nước Anh", "tại Nhật", "Vương quốc Anh").
_AMBIGUOUS_FOREIGN = frozenset("Anh Ý Áo Bỉ Nhật Pháp Nga Séc".split())
_COUNTRY_CUES = frozenset("nước tại ở của sang quốc người từ với và thị trường".split())
_PERSON_WORDS = frozenset("ông bà anh chị em cô chú bác cụ cháu thầy vợ chồng con tên la".split())
_DESTINATION_CUES = frozenset("sang qua đi tới".split())
_FUNCTION_CAPS = frozenset("tại ở của từ sang với và người nước các những theo trong ngoài như cho đến tới".split())


def foreign(text: str) -> bool:
    """Tell whether ``text`` names a foreign country or continent ("các HTX tại Đức", "nông dân Mỹ
    gốc Việt", "châu Á-Thái Bình Dương"), not a Vietnamese name that holds one ("Đức Hòa", "Lào
    Cai", "ông Đức", "đô la Mỹ")."""
    for match in _FOREIGN_RE.finditer(text):
        before = re.search(r"(\S+)(\s+)$", text[: match.start()])
        prev = before.group(1).strip("(,;:“”\"'") if before else ""
        if text[match.end() : match.end() + 1] == " " and text[match.end() + 1 : match.end() + 2].isupper():
            continue  # "Đức Hòa", "Lào Cai", "Mỹ Tho": the name goes on
        if prev.lower() in _PERSON_WORDS or prev.lower().endswith("đô-la"):
            continue
        if prev.lower() in _DESTINATION_CUES:
            continue  # "xuất khẩu sang Mỹ 12,8 tấn": where the goods go, not where the figure is
        if prev[:1].isupper() and prev.lower() not in _FUNCTION_CAPS and text[: match.start()].rstrip()[-1:].isalpha():
            continue  # "Nguyễn Đức", "Mộ Đức": the end of a longer name
        if match.group(0) in _AMBIGUOUS_FOREIGN and prev.lower() not in _COUNTRY_CUES:
            continue
        return True
    return False


# An organisation's name that ends in the nation ("Tổng cục Đường bộ Việt Nam", "Liên minh HTX
# Việt Nam", "Samsung Việt Nam") says who speaks, not that the figure is national.
_ORG_HEADS_RE = re.compile(
    r"(?:Tổng cục|Cục|Bộ|Hội|Liên minh|Liên hiệp|Ngân hàng|Công ty|Tập đoàn|Hiệp hội|Viện|Trung tâm|Ủy ban|Uỷ ban|"
    r"Mặt trận|Đài|Báo|Thông tấn|Văn phòng|Quỹ|Đoàn|Phòng|Sở|Ban|Nhà nước|Chính phủ|Quốc hội)\b"
)
_NATION_NAME_RE = re.compile(r"(?<!\w)(?:Việt Nam|VN)(?!\w)")
_NATIONWIDE_RE = re.compile(r"\b(ca nuoc|toan quoc|nationwide)\b")


def national(text: str) -> bool:
    """Tell whether ``text`` says its figure is the nation's: "cả nước", "toàn quốc", or Việt Nam
    named as a place ("VN có 22.456 HTX", "tại Việt Nam"), not as the end of a name."""
    if _NATIONWIDE_RE.search(fold(text)):
        return True
    text = re.sub(r"\s*\([^()]{1,12}\)", "", text)  # "Liên minh Hợp tác xã (HTX) Việt Nam"
    for match in _NATION_NAME_RE.finditer(text):
        run = re.split(r"[,.;:()“”\"!?–-]", text[: match.start()])[-1].split()[-6:]
        if run and run[-1][:1].isupper() and run[-1].lower() not in _FUNCTION_CAPS:
            continue  # "Samsung Việt Nam", "BHTG Việt Nam"
        if _ORG_HEADS_RE.search(" ".join(run)):
            continue  # "Hội Nông dân Việt Nam"
        return True
    return False


# A legal threshold or ceiling ("doanh thu tối thiểu là 1,0 tỷ đồng/năm", "vay tín chấp tối đa 500
# triệu đồng", "từ 100 triệu đồng trở xuống") is a rule, not a statistic of a place.
_THRESHOLD_BEFORE = re.compile(
    r"\b(toi thieu|toi da|it nhat|khong qua|khong vuot qua|khong duoi|khong thap hon|khong it hon|"
    r"khong nho hon|khong lon hon|nguong|phai dat|phai co)\b|\bduoi\s*$"
)
_THRESHOLD_AFTER = re.compile(r"^\s*(?:\S+\s+){0,5}?(?:tro len|tro xuong)\b")
# A change ("tăng 26 triệu đồng so với trước", "giảm 3 HTX") is no level of its measure.
_CHANGE_BEFORE = re.compile(r"\b(tang|giam|tang them|giam di|giam bot|them duoc)\s*$")
_BASE_RE = re.compile(r"\b(so voi|thay vi)\b")
_FORMER_RE = re.compile(r"\b(tien than|truoc day|truoc kia)\b")
_TIME_WORDS = frozenset("nam thang ngay tuan vu dem gio phut luot chuyen".split())
# A merged or former state said around the figure (VERSION 12): "sáp nhập 16 hợp tác xã thành …",
# "16 Hợp tác xã trước đây", "hơn 1.000 xã viên trước đây đã không tham gia", "Từ 20m2 ban đầu": what
# no longer is.
_MERGED_BEFORE = re.compile(
    r"\b(?:sáp nhập|hợp nhất)(?: lại)?(?: (?:các|những|cả))?(?: (?:hơn|gần|khoảng|trên|chừng))?\s*$"
)
_FORMER_AFTER = re.compile(
    r"(?<!hơn )(?<!với )(?<!như )(?<!bằng )\b(?:trước đây|trước kia|ngày trước|lúc trước|hồi trước|ban đầu|lúc đầu|"
    r"sáp nhập|hợp nhất)\b"
)
# A past time the text does not date, said before the figure in its clause ("thời điểm hoàng kim,
# HTX … giải quyết việc làm cho 8.000 lao động", "thời điểm đó", "có thời điểm", "từng có", "thời
# điểm hợp tác xã sản xuất 500ha"), unless the present comes after it ("trước đây …, nay …").
_PAST_RE = re.compile(
    r"(?<!trong )\b(?:thời điểm|thời kỳ|thời kì|thời|lúc|khi|hồi) "
    r"(?:đó|ấy|đấy|bấy giờ|hoàng kim|cao điểm|đỉnh cao|đỉnh điểm)\b"
    r"|\bthời (?:bao cấp|hoàng kim)\b|\bcó (?:thời điểm|thời kỳ|thời kì|lúc)\b"
    r"|\b(?:trước đây|trước kia|ngày trước|hồi trước|lúc trước|ngày xưa)\b|(?:^|[,;:]\s*)(?:ban đầu|lúc đầu|mới đầu)\b"
    r"|\b(?:khi|lúc|hồi|thời điểm) mới (?:thành lập|ra đời)\b"
    r"|\btừng (?:có|là|đạt|lên|thu|được|sản xuất|nuôi|trồng|bán|chiếm|giải quyết|thu hút)\b"
    r"|(?<!đến )(?<!tới )\bthời điểm (?!này\b|hiện|nay\b|bây giờ|\d|tháng|ngày|năm|quý|cuối|đầu|giữa|trước|sau)"
)
_PRESENT_RE = re.compile(
    r"(?<!thực )(?<!thể )(?<!xuất )(?<!phát )(?<!biểu )\bhiện\b(?! trường)|\b(?:nay|bây giờ|giờ đây|chỉ còn|còn lại)\b"
    r"|(?:19|20)\d\d"
)
# A rule in a condition ("nếu hộ nào còn nợ … thì bị … tạm giữ 100m2"), not a figure of a place;
# not "Nếu như năm 2015 … thì nay …", which compares two dated facts.
_CONDITION_RE = re.compile(r"\b(?:nếu|hễ|giả sử|giả như|miễn là)\b")
_DATED_FACT_RE = re.compile(r"(?:19|20)\d\d|\b(?:trước đây|trước kia|hiện nay|hiện tại|năm ngoái|năm trước|năm nay)\b")
# "mỗi hợp tác xã 600 ha", "chia nhau mỗi người 5 con": per unit ("mỗi X" before the number, or
# right after its noun); "mỗi ngày … 2 tấn rau", "70 tấn sản phẩm mỗi ngày": a rate per time unit.
_TIME_UNITS = ("ngày đêm", "ngày", "năm", "tháng", "tuần", "vụ", "quý", "đêm", "giờ")
_EACH_BEFORE = re.compile(r"\b(?:mỗi|hằng|hàng)\s+([^\s,;.()\d]+(?:\s+[^\s,;.()\d]+)?)[^\d,;]*$")
_EACH_LIST_RE = re.compile(r"(\b(?:mỗi|hằng|hàng)\s+[^\s,;.()\d]+),\s*(?=[^\s,;.()\d]+\s)", re.IGNORECASE)
_EACH_AFTER = re.compile(r"^\s*(?:[^\s,;.()\d]+\s+){0,3}?(?:mỗi|(?P<one>một))\s+([^\s,;.()\d]+(?:\s+[^\s,;.()\d]+)?)")
# A clause whose subject is a person named anew ("…; ông Bảy là cán bộ Phòng Kinh tế huyện Kế Sách;
# bà Bích và ông Là làm giám đốc 2 hợp tác xã"): a place named only in an earlier clause is theirs.
_PERSON_SUBJECT_RE = re.compile(r"\s*(?:còn |và |trong khi |riêng )?(?:ông|bà|anh|chị|cô|chú|em|cụ)\s+[A-ZĐ]")


# The end of a flow of goods ("mỗi ngày HTX đưa vào các hệ thống siêu thị ở TP.HCM khoảng 2 tấn rau",
# "công ty cung ứng hơn 70 tấn sản phẩm mỗi ngày cho thị trường TP.HCM"): where the goods go, not
# where the producer is, so no single place is the figure's (VERSION 13).
_FLOW_VERB_RE = re.compile(
    r"\b(?:cung cấp|cung ứng|đưa|bán|xuất|vận chuyển|chở|phân phối|tiêu thụ|giao|nhập|chuyển|đổ)\b", re.IGNORECASE
)
_DESTINATION_RE = re.compile(
    r"(?:\b(?:cho|vào|ra|về|đến|tới|sang)\s+(?:(?:các|những|nhiều)\s+)?"
    r"(?:(?:hệ thống|thị trường|siêu thị|chợ|cửa hàng|nhà hàng|bếp ăn|người tiêu dùng|khách hàng|đầu mối|bạn hàng)"
    r"\b[^,;.\d()]{0,30}?)?"
    r"|\b(?:thị trường|siêu thị|chợ đầu mối|hệ thống phân phối)\s+(?:[^\s,;.\d()]+\s+){0,3}?(?:(?:ở|tại)\s+)?)$",
    re.IGNORECASE,
)
# The investment of a project (a bus station, a works) whose investor may be the cooperative ("Dự
# án do hợp tác xã … làm chủ đầu tư với tổng số vốn lên đến 10 tỷ đồng", "dự án … với vốn đầu tư từ
# ngân sách nhà nước gần 150 tỷ đồng"): not the cooperative's capital (VERSION 13).
_PROJECT_RE = re.compile(r"\b(?:dự án|công trình|chủ đầu tư|hạng mục|gói thầu)\b")
_OWN_CAPITAL_RE = re.compile(r"\bvốn (?:điều lệ|góp|hoạt động|đăng ký|chủ sở hữu|tự có|của (?:hợp tác xã|htx))\b")


_ORIGIN_RE = re.compile(r"\btừ\s+(?:(?:ga|cảng|sân bay|chợ|tỉnh|thành phố|TP\.?)\s+)?$", re.IGNORECASE)


# The partners of another body ("công ty PouYuen đang hợp tác với 10 công ty vận tải và 10 hợp tác xã
# vận tải"): they may be anywhere, the body's place is not theirs, unless their own phrase says where
# ("liên kết với 5 HTX trên địa bàn tỉnh") (VERSION 13).
_PARTNERS_BEFORE_RE = re.compile(
    r"(?<!tổ )\b(?:hợp tác(?! xã)|liên kết|ký kết|ký hợp đồng|bắt tay)\b[^,;.:()]{0,80}?"
    r"\svới\s+(?:[^\s,;.:()]+\s+){0,8}$",
    re.IGNORECASE,
)
_LOCAL_AFTER_RE = re.compile(
    r"\b(?:trên địa bàn|trong tỉnh|trong huyện|của tỉnh|của huyện|tại địa phương|ở địa phương)\b"
)


def _flow_end(place: Place, sentence: str) -> bool:
    """Tell whether every mention of ``place`` in the sentence is an end of a flow of goods: where
    they are taken to ("cung ứng … cho thị trường TP.HCM", "đưa vào các hệ thống siêu thị ở
    TP.HCM"), or where they come from on their way to another place ("vận chuyển … từ ga Hà Nội
    vào Đà Nẵng")."""
    read, mentions = place_mentions(sentence)

    def destination(start: int) -> bool:
        return bool(_DESTINATION_RE.search(read[max(0, start - 80) : start]) and _FLOW_VERB_RE.search(read[:start]))

    ends = [start for _, start, _ in mentions if destination(start)]
    own = [start for p, start, _ in mentions if p.key == place.key]
    return bool(own) and all(
        destination(start) or (_ORIGIN_RE.search(read[:start]) and any(end > start for end in ends)) for start in own
    )


def _unbracketed(text: str) -> str:
    """Return ``text`` with what is in brackets blanked (same length)."""
    return re.sub(r"\([^()]*\)", lambda m: " " * len(m.group(0)), text)


def _own_after(clause: str, end: int, words: int = 8) -> str:
    """Return the figure's own phrase after its value, what is in brackets blanked ("20 tổ hợp tác
    (THT) thành lập mới"): up to a comma, an open bracket or the next number."""
    phrase = re.split(r"[,;()]|(?<!\w)\d", _unbracketed(clause[end:]), maxsplit=1)[0]
    return " ".join(phrase.split()[:words])


def _former(clause: str, span: tuple[int, int]) -> bool:
    """Tell whether the figure counts what was merged away or was before ("sáp nhập 16 hợp tác
    xã", "16 Hợp tác xã trước đây", "hơn 1.000 xã viên trước đây đã không tham gia")."""
    lower = clause.lower()
    return bool(_MERGED_BEFORE.search(lower[: span[0]]) or _FORMER_AFTER.search(_own_after(lower, span[1])))


def _past(before: str) -> bool:
    """Tell whether the words before a figure in its clause set it at a past time they do not date
    ("thời điểm hoàng kim, …", "thời điểm đó", "có thời điểm", "từng có"), with no present or year
    after that time ("trước đây chỉ có 20 thành viên, nay đã có 200": 200 is now)."""
    lower = _unbracketed(before.lower())
    found = list(_PAST_RE.finditer(lower))
    return bool(found) and not _PRESENT_RE.search(lower[found[-1].end() :])


def _conditional(before: str) -> bool:
    """Tell whether a figure is part of a condition or its consequence ("nếu hộ nào còn nợ … thì bị
    … tạm giữ 100m2"), not "Nếu như năm 2015 … thì nay …" (two dated facts compared)."""
    lower = before.lower()
    found = list(_CONDITION_RE.finditer(lower))
    return bool(found) and not _DATED_FACT_RE.search(lower[found[-1].end() :])


def _each(before: str, after: str) -> tuple[str, str]:
    """Return how a figure is given per something: ("time", "ngày") for a rate ("mỗi ngày … 2 tấn
    rau", "70 tấn sản phẩm mỗi ngày"), ("unit", "người") for a figure per unit ("mỗi hợp tác xã
    600 ha", "mỗi người 5 con"), ("", "") when it is neither."""
    found = []
    # "mỗi quận, huyện sẽ được trang bị thêm 1.000 thùng rác": the comma of a list after "mỗi" does not
    # end the phrase (VERSION 13).
    before = re.sub(_EACH_LIST_RE, r"\1 ", before)
    if each := _EACH_BEFORE.search(re.split(r"[,;]", before)[-1].lower()):
        found.append((each.group(0).split()[0], each.group(1)))
    if each := _EACH_AFTER.match(after.lower()):
        found.append(("một" if each.group("one") else "mỗi", each.group(2)))
    for word, unit in found:
        time = next((t for t in _TIME_UNITS if unit == t or unit.startswith(t + " ")), None)
        if time:
            return "time", time
        if word == "mỗi":
            return "unit", unit
    return "", ""


# Money that is a debt, a loan or a sum taken ("nợ gốc lãi ... 1,1 tỉ đồng", "chiếm đoạt 17 tỉ
# đồng", "lãi vay", "lãi suất 0%") is none of revenue, profit, income or capital.
_DEBT_RE = re.compile(
    r"\b(no|vay|goc|lai suat|lai vay|chiem doat|lua dao|khau tru|co tuc|boi thuong|bi phat|xu phat|tien phat|"
    r"thiet hai|tai tro)\b"
)
# The words that name a money measure, as written, in the phrase of its figure.
_MONEY_WORDS = {
    "revenue": re.compile(r"doanh thu|doanh số|giá trị sản xuất|thu về|mức thu|\bbán\b"),
    "profit": re.compile(r"lợi nhuận|\blãi\b|\blời\b"),
    "income": re.compile(r"thu nhập"),
    "capital": re.compile(r"\bvốn\b"),
}
_OTHER_CURRENCY_RE = re.compile(r"^\s*(?:euro|eur|€|yên|nhân dân tệ|NDT|bảng|won|baht|kíp|riel|rúp)\b", re.IGNORECASE)
# Bodies whose members are no cooperative's: a steering committee, a club, a web page.
_NOT_COOP_BODIES = (
    "ban chi dao|truong ban|pho truong ban|cau lac bo|clb|facebook|fanpage|trang mang|trang web|nhom zalo|hoi dong|"
    "ban chap hanh|ban thuong vu|doan|uy ban|hoi nong dan|hoi phu nu"
)
_BODIES_RE = re.compile(
    rf"\b(?:(?P<other>{_NOT_COOP_BODIES})|htx|tht|qtdnd|lhhtx|hop tac xa|to hop tac|quy tin dung|xa vien)\b"
)
# A place that is part of the name of a road, a river, a market or a fund ("đường HCM", "cao tốc
# Nội Bài - Lào Cai", "Quỹ tín dụng nhân dân Thái Bình") is not where the figure is.
_NAMED_BY_RE = re.compile(
    r"(?:đường|tuyến|cao tốc|quốc lộ|QL|bến xe|cầu|sông|chợ|quỹ tín dụng(?: nhân dân)?|QTDND|ngân hàng|chi nhánh|"
    r"thủy điện|thuỷ điện|khách sạn|bệnh viện|Nội Bài|[-–])\s*$",
    re.IGNORECASE,
)


# A landmark's district in brackets ("Bến xe miền Đông (Bình Thạnh) đến Bình Hưng Hoà (Bình Tân)"):
# where the landmark is, not where the figure is.
_LANDMARK_RE = re.compile(
    r"(?:bến xe|chợ|cầu|sân bay|ga|cảng|khu công nghiệp|KCN)(?:\s+[^\s,;()]+){1,4}\s*\($", re.IGNORECASE
)
# A unit named with a capitalised name that the gazetteer may not know ("huyện Lộc Hà", "xã Mai
# Phụ"): the article does say where, so an empty place is wrong.
_UNIT_NAME_RE = re.compile(r"(?<!tác )\b(?:huyện|tỉnh|xã|thành phố|TP\.?|quận|thị xã|thị trấn|phường) [A-ZĐÂĂÊÔƠƯ]")
_BARE_UNIT_RE = re.compile(r"(?<!tác )\b(?:tỉnh|huyện|thành phố|TP|thị xã|xã|quận)\b(?! viên)(?!\s*[A-ZĐ])")
# A national or regional body or scope: the article's own place is not the figure's.
_NATIONAL_CUE_RE = re.compile(
    r"Việt Nam|\bVN\b|Trung ương|\bTƯ\b|Chính phủ|Thủ tướng|Quốc hội|cả nước|toàn quốc|trong và ngoài nước|"
    r"miền (?:Trung|Bắc|Nam|Tây)\b|các tỉnh|\b(?:Luật|Nghị định|Thông tư|Chỉ thị)\b"
)
# The nation's figures told just before ("Thủ tướng dẫn ra … 42% số xã của Việt Nam …").
_NATIONWIDE_BEFORE_RE = re.compile(r"cả nước|toàn quốc|(?:của|tại|ở) Việt Nam|Việt Nam (?:có|đã|hiện)|Thủ tướng")
_NATIONAL_TITLE_RE = re.compile(r"Việt Nam|\bVN\b|Trung ương|Chính phủ|Thủ tướng|Quốc hội", re.IGNORECASE)
# The words that open an organisation's name: a place in it without a unit word ("HTX … nông
# nghiệp Thống Nhất", "Công ty TMDV Thuận Ý Gia Lai") is a name, not where the figure is.
_ORG_NAME_RE = re.compile(
    r"(?:\bHTX|[Hh]ợp tác xã|\bCông ty|\bCty|\bTổng công ty|\bDoanh nghiệp|\bDN)\b[^,.;:()]{0,60}$"
)


def _elsewhere(place: Place, document: Document) -> bool:
    """Tell whether ``place`` is a district the gazetteer puts in a province the article never
    names, while the article names another province ("xã Đức Hòa" of Quảng Ngãi read as Long An's
    Đức Hòa, "xã An Nhơn" of Bến Tre read as Bình Định's An Nhơn)."""
    if place.kind not in (None, "district", "city") or not place.parent:
        return False
    whole = f"{document.place or ''} {document.title or ''} {document.text}"
    if re.search(rf"\b{re.escape(place.parent)}\b", fold(whole)) or any(
        p.key == place.parent for p in find_places(whole)
    ):
        return False
    named = find_places(f"{document.place or ''} {document.title or ''} {document.text[:300]}")
    provinces = {p.parent or p.key for p in named if p.key != place.key and (p.parent or p.kind in (None, "province"))}
    return bool(provinces - {place.parent})


def _nested(a: Place, b: Place) -> bool:
    """Tell whether two named places are one place or one lies inside the other."""
    return a.compatible(b) or a.shares(b) or b.shares(a) or within(a, b) or within(b, a)


def one_place(places: Sequence[Place]) -> bool:
    """Tell whether the places named are one place at several levels ("xã …, huyện Đông Anh, Hà
    Nội"), not two places ("Bình Thạnh … Bình Tân", "tại tỉnh Hà Nam … 16 tỉnh … Bắc Trung Bộ")."""
    return all(_nested(a, b) for a, b in combinations(dict.fromkeys(places), 2))


def _only_in_names(place: Place, sentence: str) -> bool:
    """Tell whether every mention of ``place`` in the sentence is part of a name (a road, a river,
    a fund) rather than where something is."""
    read, mentions = place_mentions(sentence)
    own = [(p, start) for p, start, end in mentions if p.key == place.key]
    return bool(own) and all(
        _NAMED_BY_RE.search(read[:start])
        or _LANDMARK_RE.search(read[:start])
        or (p.kind is None and _ORG_NAME_RE.search(read[:start]))
        for p, start in own
    )


def _named_just_before(place: Place, before: str) -> bool:
    """Tell whether ``place`` is the last place named before a figure, with no other number
    between them ("Cục Thuế TP. HCM cho biết … toàn TP có 173 HTX", not "Q. Tân Bình có 18 HTX, Q.
    10 có 17 HTX")."""
    read, mentions = place_mentions(before)
    if not mentions:
        return False
    last, start, end = max(mentions, key=lambda m: m[1])
    aside = read[:start].count("(") > read[:start].count(")") and ")" in read[end:]
    return last.key == place.key and not aside and not re.search(r"\d", read[end:])


_SAIGON = Place("ho chi minh", "Hồ Chí Minh", "province")


def _places(text: str) -> list[Place]:
    """Return the places ``text`` names, "Sài Gòn" among them (the city's old name, which the
    gazetteer does not hold: "Đặc sản quê đổ bộ chợ Tết Sài Gòn - Hà Nội" names two cities)."""
    found = find_places(text)
    return [*found, _SAIGON] if re.search(r"Sài Gòn|Sài gòn|Saigon", text) else found


def _lead(document: Document) -> str:
    return f"{document.place or ''} {document.title or ''} {document.text[:300]}"


# A count that refers back to what the text has just named ("2 HTX trên chấm dứt việc thu", "5 hộ dân
# trên còn nợ", "cả 5 doanh nghiệp trên đều bị", "2 công ty này"): those named, not a count of a place
# (VERSION 14). Not a place ("2 người trên xe", "80 HTX trên các lĩnh vực", "trên địa bàn") nor "over"
# ("203 THT với trên 3.000 thành viên").
_REFERS_BACK_RE = re.compile(
    r"^\s*(?:(?!(?:ở|tại|của|trong|cho|với|từ|thuộc|trên|và|là|có|gồm)\s)[^\s,.;:()\d]+\s+){1,4}?"
    r"(?:nói trên|kể trên|nêu trên|vừa nêu|trên đây|này|(?:đó|ấy|đấy)(?!\s+là\b)"
    r"|trên(?=\s*(?:[,.;:)]|$)|\s+(?:nên|thì|là|đã|đều|còn|chấm dứt|làm|phải|được|không|chưa|cũng|vẫn|đang|sẽ|bị"
    r"|khẩn trương|cùng|tiếp tục)\b))(?!\w)"
)
# The whole that a located part lies in ("64,66 ha thuộc … xã Đồng Tâm, huyện Mỹ Đức (…) nằm trong diện
# tích 239,9 ha đất sân bay Miếu Môn"): the place names where the part lies, not the whole (VERSION 14).
_WHOLE_BEFORE_RE = re.compile(
    r"\b(?:nằm trong|nằm trên|trong tổng(?: số)?|trên tổng(?: số)?|trong số)"
    r"(?: (?:tổng )?(?:diện tích|quỹ đất|khu đất|phần đất|số))?(?: (?:khoảng|gần|hơn|trên|chừng|tới))?\s*$"
)
# The total of a unit below the row's place, named without a name the gazetteer knows ("toàn xã có 80
# ha", "trên địa bàn xã"): the most specific unit the text names for it, or no row (VERSION 14).
_UNIT_TOTAL_RE = re.compile(
    r"\b(?:toàn|cả|trên địa bàn|địa bàn(?: của)?)\s+(xã|thôn|bản|làng|ấp|phường|thị trấn|huyện|quận|thị xã)\b"
    r"(?!\s+(?:viên|hội|đoàn|giao))"
)
_UNIT_LEVELS = {"huyện": "district", "quận": "district", "thị xã": "district"}
_LEVEL_RANK = {"country": 0, "region": 1, "province": 2, "district": 3, "city": 3, "commune": 4}
# A forecast or an estimate ("ước tính năm nay sẽ thu hoạch 40 tấn", "dự báo … sẽ đạt"): neither a plan
# nor a fact, and the table has no status for it (VERSION 14).
_FORECAST_RE = re.compile(r"\b(?:ước (?:tính|đạt|khoảng|chừng|đoán|thu|cả năm)|dự báo|dự đoán)\b")
_PLAN_WORDS_RE = re.compile(r"\b(?:kế hoạch|mục tiêu|chỉ tiêu|phấn đấu)\b")


def _refers_back(after: str) -> bool:
    """Tell whether a count names what the text has just named ("2 HTX trên", "5 hộ dân trên",
    "2 công ty này")."""
    return bool(_REFERS_BACK_RE.match(after.lower()))


def _whole_of_part(place: Place, head: str) -> bool:
    """Tell whether the figure after ``head`` (its sentence before it) is the whole that a part
    located before it lies in ("3 đơn vị … 64,66 ha thuộc … huyện Mỹ Đức (…) nằm trong diện tích
    239,9 ha"): the place is named only after an earlier figure, and the figure is said to contain it
    (not "Cuối tháng 4, UBND TP. Hà Nội … thu hồi khoảng 8.000 m2 … (trong tổng 18.701 m2)")."""
    if not _WHOLE_BEFORE_RE.search(head.lower()):
        return False
    read, mentions = place_mentions(head)
    own = [start for p, start, _ in mentions if p.key == place.key]
    numbers = [
        m.start()
        for m in _NUMBER.finditer(read)
        if not re.fullmatch(r"(?:19|20)\d\d", m.group(0))
        and not re.search(r"(?:tháng|ngày|năm|quý|số|lần|thứ)\s*$", read[: m.start()].lower())
        and not re.match(r"[/-]\d", read[m.end() :])
    ]
    return bool(own) and bool(numbers) and numbers[0] < min(own)


def _unit_total(before: str) -> str:
    """Return the level of a smaller unit whose total the figure is ("toàn xã có 80 ha": "commune"),
    "" when its clause names none before it."""
    found = list(_UNIT_TOTAL_RE.finditer(before.lower()))
    return _UNIT_LEVELS.get(found[-1].group(1), "commune") if found else ""


def _forecast(before: str, status: str) -> bool:
    """Tell whether a figure set in the future is a forecast, not a plan ("ước tính năm nay sẽ thu
    hoạch 40 tấn"): an estimate word in its own phrase and no plan word after it."""
    own = _own_phrase_before(before).lower()
    found = list(_FORECAST_RE.finditer(own))
    return status == "target" and bool(found) and not _PLAN_WORDS_RE.search(own[found[-1].end() :])


def doubt(row: StatRow, clause: str, span: tuple[int, int], document: Document, sentence_at: int) -> str:
    """Return why a figure is too doubtful to be a row of the table ("" when it is not): its place
    is not supported by the text, or its measure or value is not what it seems."""
    before = fold(clause[: span[0]])
    after = clause[span[1] :]
    near = " ".join(before.split()[-8:])
    if row.unit == "%":
        return "percentage"  # "100% HTX", "tăng 8%", "25% vốn": a share or a rate, not the measure's amount
    if _THRESHOLD_BEFORE.search(fold(row.sentence[: row.start - sentence_at])) or _THRESHOLD_AFTER.match(fold(after)):
        return "threshold"
    if re.search(r"\b(?:mọi|như mọi) năm\b", clause[: span[0]].lower()):
        return "usual year"  # "mọi năm đến thời điểm này … 20.000 tấn": not this year's figure
    if _CHANGE_BEFORE.search(before):
        return "change"
    if _FORMER_RE.search(re.split(r"[,;]", before)[-1]) or _former(clause, span):
        return "former state"  # "tiền thân là một tổ hợp tác với 53 thành viên", "sáp nhập 16 HTX": when, unsaid
    if _past(clause[: span[0]]):
        return "past time"  # "thời điểm hoàng kim, HTX … giải quyết việc làm cho 8.000 lao động"
    if _conditional(clause[: span[0]]):
        return "conditional"  # "nếu hộ nào còn nợ … thì bị … tạm giữ 100m2": a rule, not a figure
    if _BASE_RE.search(re.split(r"[,;]", before)[-1]):
        return "comparison base"  # "so với 197 hộ … trước đây", "thay vì 30%": another time's figure
    money = row.unit.startswith(("VND", "USD"))
    if money and (_DEBT_RE.search(near) or _OTHER_CURRENCY_RE.match(after)):
        return "debt or currency"
    own_words = _MONEY_WORDS.get(row.measure)
    numbers = [m for m in _NUMBER.finditer(clause[: span[0]]) if not re.fullmatch(r"(?:19|20)\d\d", m.group(0))]
    since_last = clause[numbers[-1].end() if numbers else 0 : span[0]]
    if own_words is not None and not own_words.search(since_last.lower()):
        return "money not of its measure"  # "ngân sách … chỉ rót gần 1,6 tỉ" after "cả lãi lẫn gốc": no profit
    if (
        row.measure == "capital"
        and _PROJECT_RE.search(clause.lower())
        and not _OWN_CAPITAL_RE.search(since_last.lower())
    ):
        return "investment of a project"  # "Dự án do hợp tác xã … làm chủ đầu tư với tổng số vốn … 10 tỷ đồng"
    if row.measure == "members":
        bodies = list(_BODIES_RE.finditer(before))
        if bodies and bodies[-1].group("other"):
            return "members of another body"  # "Phó trưởng ban và 26 thành viên", "Câu lạc bộ … 20 thành viên"
    if row.measure in _COUNT_UNITS:
        first = after.split()[:1]
        noun = _counted_noun(after) or (first[0].strip(',.;:()“”"') if first and first[0] in _COUNT_NOUNS else "")
        words = " ".join(canonical_words(after[:40]))
        counted = BY_NAME[row.measure].counted
        if (
            noun
            and not any(words.startswith(c) for c in counted)
            and not (noun == "người" and row.measure in ("members", "workers"))
        ):
            return "counts another noun"  # "trụ sở hợp tác xã … và 31 nhà dân": 31 houses, not HTX
    each, _ = _each(clause[: span[0]], after)
    if each == "unit" and "/" not in row.value_text:
        return "money per unit" if money else "count per unit"  # "mỗi hợp tác xã 600 ha", "mỗi người 5 con"
    if each == "time" and row.measure in _COUNT_UNITS:
        return "count per unit"  # "mỗi năm … 20 HTX": a rate, not a number of cooperatives
    if not money and row.unit != "%":
        per = re.match(r"\s*(?:[^\s/,;.()]+\s+){0,3}?/\s*([^\s/,;.()]+)", after)
        if per and per.group(1)[:1].isalpha() and fold(per.group(1)) not in _TIME_WORDS:
            return "count per unit"  # "200 thành viên / HTX": per cooperative, not in all
    if foreign(row.sentence):
        return "foreign"
    if not money and _refers_back(after):
        return "count that refers back"  # "đề nghị 2 HTX trên chấm dứt việc thu tiền": the two just named
    if _forecast(clause[: span[0]], row.status):
        return "forecast"  # "ước tính năm nay sẽ thu hoạch 40 tấn": neither a plan nor a fact
    unit = _unit_total(clause[: span[0]])
    if unit and _LEVEL_RANK.get(unit, 9) > _LEVEL_RANK.get(row.level or row.place_kind, 9):
        return "total of a smaller unit"  # "toàn xã có 80 ha" placed in Hà Nội: the commune's, not the city's
    if (
        row.place_from in ("lead", "title")
        and _PARTNERS_BEFORE_RE.search(clause[: span[0]])
        and not _LOCAL_AFTER_RE.search(_own_after(clause, span[1], 12).lower())
    ):
        return "partners of another body"  # "công ty PouYuen đang hợp tác với 10 công ty vận tải và 10 HTX"
    if row.place_from == "nation":
        return ""
    if row.place_from == "":
        # An empty place is right only when the article names none (a provincial union's report
        # that never names its province); otherwise the figure's place is unknown.
        whole = f"{document.place or ''} {document.title or ''}\n{document.text}"
        unnamed = not (find_places(whole) or foreign(whole) or national(whole) or _UNIT_NAME_RE.search(whole))
        local = _BARE_UNIT_RE.search(row.sentence)  # "toàn tỉnh có 458 HTX": a province the article never names
        return "" if unnamed and local and not _NATIONAL_CUE_RE.search(row.sentence) else "no place"
    place = row.place_obj()
    assert place is not None
    named = find_places(row.sentence)
    if _elsewhere(place, document):
        return "namesake in another province"
    if row.place_from == "sentence":
        if _only_in_names(place, row.sentence):
            return "place in a name"
        if _flow_end(place, row.sentence):
            return "end of a flow"  # "cung ứng hơn 70 tấn sản phẩm mỗi ngày cho thị trường TP.HCM"
        if _whole_of_part(place, row.sentence[: row.start - sentence_at]):
            return "whole of a located part"  # "64,66 ha thuộc … huyện Mỹ Đức (…) nằm trong diện tích 239,9 ha"
        if not any(p.key == place.key for p in find_places(clause)) and _PERSON_SUBJECT_RE.match(clause):
            return "place of another clause"  # "ông Bảy là cán bộ … huyện Kế Sách; bà Bích … 2 hợp tác xã"
        if not one_place(named) and not _named_just_before(place, row.sentence[: row.start - sentence_at]):
            return "several places"  # "… tại Q. Bình Thạnh với 23 HTX, Q. Tân Bình có 18 HTX": only its own
        return ""
    # The place is the article's (title, metadata or lead): only when the article is about that one
    # place, and the text just before the figure names no other.
    if (
        foreign(_lead(document))
        or _NATIONAL_TITLE_RE.search(document.title or "")
        or _NATIONAL_CUE_RE.search(row.sentence)
    ):
        return "article abroad or national"  # "… Hội Nông dân Việt Nam", "Trung ương Đoàn", "4 tỉnh miền Trung"
    if not one_place([place, *_places(_lead(document))]):
        return "article of several places"
    window = document.text[max(0, sentence_at - 500) : sentence_at]
    if foreign(window) or not one_place([place, *_places(window)]):
        return "another place just before"
    if _NATIONWIDE_BEFORE_RE.search(window):
        return "the nation just before"  # "… 42% số xã của Việt Nam … Có trên 13.000 HTX nông nghiệp"
    return ""


# Years that name something, not the figure's period: "Luật HTX năm 2012", "so với năm 2013".
_NAMED_YEAR_RE = re.compile(
    r"\b(?:(?:luat|nghi dinh|nghi quyet|thong tu|quyet dinh|chi thi|hien phap|bo luat)\b[^,.;]{0,40}?|"
    r"so voi (?:cung ky )?(?:nam |thang \d{1,2}[/-])?|"
    r"(?:thanh lap|ra doi|qua doi|chet|sinh) (?:tu |vao |nam |tu nam |vao nam )*)"
    r"((?:19|20)\d\d)\b"
)
# A figure that has run since a date ("từ năm 2010 đến nay", "từ đầu năm đến nay") or over a span
# of years ("từ năm 2012-2015"): the label is that phrase, not its first year.
_SINCE_RE = re.compile(
    r"\b(?:ke )?tu (?:dau |cuoi |giua )?(?:nam |thang \d{1,2}[/-])?(?:(?:19|20)\d\d )?(?:den|toi) nay\b"
    r"|\b(?:ke )?tu dau nam (?:den|toi) nay\b"
)
_SPAN_RE = re.compile(r"\btu (?:nam )?((?:19|20)\d\d) ?(?:-|–|den|toi) ?(?:nam )?((?:19|20)\d\d)\b")
# Two years joined ("giai đoạn cuối năm 2016 và đầu năm 2017"): the label is the phrase, the year its last.
_PAIR_RE = re.compile(
    r"\b(?:giai doan )?(?:(?:cuoi|dau|giua) )?nam ((?:19|20)\d\d) ?(?:va|den|toi|-|–) ?(?:(?:cuoi|dau|giua) )?"
    r"nam ((?:19|20)\d\d)\b"
)
_BEFORE_YEAR_RE = re.compile(r"\b(?:tu )?truoc nam ((?:19|20)\d\d)\b")  # "trước năm 2016 TP. HCM chỉ có 27 HTX"
_AFTER_YEAR_RE = re.compile(r"\bsau (?:nam )?((?:19|20)\d\d)\b")  # "Sau năm 1975, khu đất được chia" (VERSION 14)
_FROM_YEAR_RE = re.compile(r"\b(?:ke )?tu (?:dau |cuoi |giua )?nam ((?:19|20)\d\d)\b(?! ?(?:-|–|den|toi))")
# A month or a day without its year: a month said anywhere before the figure in its clause ("Trung
# tuần tháng 9, HTX … gửi văn bản cho 20 hộ"), a day only in the figure's own phrase ("117 khách
# ngày 24/2"; "Ngày 21-12, đại diện HTX cho biết …" dates the statement). Not a deadline ("trước
# ngày 10/2") nor a name ("HTX 19 tháng 5").
_UNDATED_MONTH_RE = re.compile(
    r"(?<!trước )(?<!sau )(?<!đến )(?<!từ )(?<!hạn )(?<!\d )\b(?:(?:trung|thượng|hạ) tuần |(?:cuối|đầu|giữa) )?"
    r"tháng \d{1,2}\b(?![/-]\d)"
)
_UNDATED_DAY_RE = re.compile(r"(?<!trước )(?<!sau )(?<!đến )(?<!từ )(?<!hạn )\bngày \d{1,2}[/-]\d{1,2}\b(?![/-]\d)")
_AS_OF_DAY_RE = re.compile(r"\btính (?:đến|tới) (?:hết )?ngày \d{1,2}[/-]\d{1,2}\b(?![/-]\d)")
_RELATIVE_YEARS = {"ngoái": -1, "trước": -1, "gần nhất": -1, "nay": 0}
_RELATIVE_YEAR_RE = re.compile(r"(?<!nhiều )(?<!mấy )(?<!vài )(?<!các )(?<!những )\bnăm (ngoái|trước|gần nhất|nay)\b")
# An event ("trong dịp Tết Kỷ Hợi", "dịp lễ 30/4", "trước Tết Nguyên đán") or a time relative to the
# article ("Cách đây khoảng 10 ngày", "Một tuần trước", "3 ngày qua", "hôm qua") said before the
# figure in its clause: the label is the phrase (VERSION 12).
_EVENT_RE = re.compile(
    r"\b(?:[Dd]ịp|[Mm]ùa)\s+(?:lễ\s+)?(?:Tết|tết|[A-ZĐ\d][^\s,;.()]*)(?:\s+(?:Nguyên\s+[Đđ]án|[A-ZĐ\d][^\s,;.()]*)){0,3}"
    r"|\b(?:[Tt]rước|[Ss]au|[Cc]ận|[Gg]iáp|[Tt]rong|[Vv]ào)\s+(?:Tết|tết)(?:\s+(?:Nguyên\s+[Đđ]án|[A-ZĐ\d][^\s,;.()]*)){0,3}"
)
_HOW_MANY = r"(\d+|một|hai|ba|bốn|năm|sáu|bảy|tám|chín|mười|vài|mấy|những)"
_RELATIVE_TIME_RE = re.compile(
    r"\bcách đây\s+(?:khoảng\s+|gần\s+|hơn\s+|chừng\s+|trên\s+|độ\s+|chưa đầy\s+)?"
    rf"{_HOW_MANY}\s+(ngày|tuần|tháng|năm)\b"
    rf"|\b{_HOW_MANY}\s+(ngày|tuần|tháng|năm)\s+(?:về\s+)?trước\b(?!\s+(?:đó|đấy|nữa|thời điểm|khi|ngày|lúc))"
    rf"|\b{_HOW_MANY}\s+(ngày|tuần|tháng|năm)\s+(?:vừa\s+)?qua\b"
    r"|\b(?:tuần|tháng)\s+(?:trước|vừa\s+qua|qua)\b(?!\s+(?:đó|đấy))"
    r"|\bhôm\s+(?:qua|kia|trước)\b|\b(?:đêm|sáng|trưa|chiều|tối)\s+qua\b",
    re.IGNORECASE,
)
_NUMBER_WORDS = {"một": 1, "hai": 2, "ba": 3, "bốn": 4, "năm": 5, "sáu": 6, "bảy": 7, "tám": 8, "chín": 9, "mười": 10}


# The day of an event said before the figure in its clause, without its year ("vào khoảng hơn 10h
# sáng 3/2, … xảy ra một vụ TNGT giữa 3 xe"): not a deadline ("trước ngày 10/2").
_EVENT_DAY_RE = re.compile(
    r"(?<!trước )(?<!sau )(?<!đến )(?<!tới )(?<!từ )(?<!hạn )\b(?:sáng|trưa|chiều|tối|đêm|ngày|hôm)\s+"
    r"(\d{1,2})[/-](\d{1,2})\b(?![/-]\d)",
    re.IGNORECASE,
)


_PLANNED_DAY_RE = re.compile(r"\b(?:dự kiến|sẽ|sắp|tới đây|diễn ra|kế hoạch)\b")


def _event_day(before: str, iso: str | None) -> tuple[str, str, int | None] | None:
    """Return the label and year of an event's day said before a figure in its clause ("sáng 3/2")
    when the article is undated or dated more than a month away from that day (a bulletin of 9/2
    stored as of 8/5): the article's date would not say when. The year is the article's, or the
    year before when the day would fall after the article (VERSION 13)."""
    found = list(_EVENT_DAY_RE.finditer(before))
    if not found or _PLANNED_DAY_RE.search(before.lower()):
        return None  # "cuộc họp dự kiến diễn ra ngày 8/10", "vào thứ 2 (ngày 8/10) sắp tới": a day to come
    day, month = int(found[-1].group(1)), int(found[-1].group(2))
    if not (1 <= day <= 31 and 1 <= month <= 12):
        return None
    year = None
    if iso:
        try:
            article = date.fromisoformat(iso[:10])
            year = article.year if (month, day) <= (article.month, article.day) else article.year - 1
            last = 28 if month == 2 else 30 if month in (4, 6, 9, 11) else 31
            if abs((article - date(year, month, min(day, last))).days) <= 31:
                return None
        except ValueError:
            return None
    return found[-1].group(0), "", year


def _event_or_relative(segment: str, document: Document, doc_year: int | None) -> tuple[str, str, int | None] | None:
    """Return the label and year of an event or of a time relative to the article in ``segment``."""
    if event := _EVENT_RE.search(segment):
        label = event.group(0)
        found = years(label)  # "Tết Kỷ Hợi" is 2019
        return label, "", found[-1] if found else doc_year
    if relative := _RELATIVE_TIME_RE.search(segment):
        label = relative.group(0)
        groups = [g for g in relative.groups() if g]
        if doc_year and len(groups) == 2 and groups[1] == "năm" and not label.lower().endswith("qua"):
            count = groups[0].lower()
            back = int(count) if count.isdigit() else _NUMBER_WORDS.get(count)
            return label, "", doc_year - back if back else doc_year
        return label, "", doc_year
    return None


# A dated event without "đến": "cuối tháng 9/2016", "tháng 11-2018", "ngày 24/2/2019".
_DATED_RE = re.compile(r"\b(?:(?:cuoi|dau|giua) )?(?:thang \d{1,2}[/-]|ngay \d{1,2}/\d{1,2}/)((?:19|20)\d\d)\b")


# "Hiện" that opens a noun ("Hiện trường", "Hiện tượng", "hiện đại"): no "now".
_NOT_NOW_RE = re.compile(r"\bhien(?= (?:truong|tuong|dai|thuc|vat|hinh|than)\b)")


def _masked(text: str) -> str:
    """Return ``text`` with the years that name something blanked (same length)."""
    folded = fold(text)
    if len(folded) != len(text):
        return text
    out = list(text)
    for match in _NAMED_YEAR_RE.finditer(folded):
        out[match.start(1) : match.end(1)] = "####"
    for match in _NOT_NOW_RE.finditer(folded):
        out[match.start() : match.end()] = "    "  # "Hiện trường vụ tai nạn": a scene, not "now" (VERSION 14)
    return "".join(out)


def _own_part(before: str) -> str:
    """Return the part of the sentence before a clause that gives its period: the nearest part (cut
    at semicolons) that names one ("…, Trong 10 tháng đầu năm …; tính đến thời điểm hiện tại …;
    Tổng vốn … là 81.378 triệu đồng" is as of now, not of the ten months)."""
    parts = re.split(r";\s+", before)
    for part in reversed(parts):
        if find_period(_masked(part)):
            return part
    return before


def _since(text: str, note: str, doc_year: int | None) -> tuple[str, str, int | None] | None:
    """Return the label of a figure that has run since a date ("từ năm 2010 đến nay", "từ đầu năm
    đến nay": as of the article's date), over a span ("từ năm 2012-2015") or from a year on ("từ
    năm 2016"), as written in ``text``; None when it says none of these."""
    own = _masked(text)
    folded = fold(own)
    if len(folded) != len(own):
        return None
    if since := _SINCE_RE.search(folded):
        label = text[since.start() : since.end()] + note
        key = period_key(label)
        return label, " ".join(key) if key else "", doc_year
    if span := _SPAN_RE.search(folded) or _PAIR_RE.search(folded):
        return text[span.start() : span.end()], "", int(span.group(2))
    if start := _FROM_YEAR_RE.search(folded):
        return text[start.start() : start.end()], "", int(start.group(1))
    if until := _BEFORE_YEAR_RE.search(folded):
        return text[until.start() : until.end()], "", int(until.group(1))
    if after := _AFTER_YEAR_RE.search(folded):
        return text[after.start() : after.end()], "", int(after.group(1))
    return None


def _keyed(label: str, doc_year: int | None) -> tuple[str, str, int | None]:
    """Return a period label with its key and the year it refers to."""
    key = period_key(label)
    year = int(key[-1][:4]) if key and key[0] != "now" and re.match(r"\d{4}", key[-1]) else None
    if key and key[0] in ("months", "quarter"):
        year = int(key[-1])
    if year is None and label:
        found = years(label)
        year = found[-1] if found else None
    if year is None:
        year = doc_year
    return label, " ".join(key) if key else "", year


def _period(clause: str, before: str, context: str, document: Document, at: int = -1) -> tuple[str, str, int | None]:
    """Return the period label of the figure at ``at`` in ``clause``, its key and its year. The
    period is read before the figure in its clause, then in the figure's own phrase after it (up to
    a comma or a bracket: a year after it is another figure's), then in the nearest part of the
    sentence before that names one; a dated event ("tháng 11-2017") when none says a period."""
    doc_year = int(document.date[:4]) if document.date else None
    shown = display_date(document.date)
    note = f" (theo bài viết ngày {shown})" if shown else " (bài viết không rõ ngày)"
    if at >= 0:
        # The figure's own phrase runs to a comma or a bracket, not to the comma of a list of numbers
        # ("16 xe buýt mới thuộc các tuyến buýt số 40, 146, 51 được đầu tư giai đoạn cuối năm 2016").
        cut = re.search(r"[;()]|(?<!\d),|,(?!\s*\d)", clause[at:])
        parts = [clause[:at], clause[at : at + cut.start()] if cut else clause[at:]]
    else:
        parts = [clause]
    years_before = f"{context[-1500:]} {before}"
    for n, part in enumerate([*parts, _own_part(before)]):
        # The nearest phrase: "đến 31/12/2021, toàn tỉnh có 458 HTX …, năm 2021, toàn tỉnh thành
        # lập mới 13 HTX" gives the 13 new ones the year 2021, not the stock's date.
        for segment in reversed(re.split(r"(?<!\d),\s*|,(?!\s*\d)\s*|;\s*", part)):
            if got := _since(segment, note, doc_year):
                return got
            own = _masked(segment)
            if find_period(own):
                return _keyed(period_for(own, "", years_before, document.date) or "", doc_year)
            if n == 0 and at >= 0 and (got := _event_or_relative(segment, document, doc_year)):
                return got
    for part in parts:
        own = _masked(part)
        folded = fold(own)
        if len(folded) == len(own) and (dated := _DATED_RE.search(folded)):
            return part[dated.start() : dated.end()], "", int(dated.group(1))
    for n, part in enumerate(parts):
        # A month or a day without its year ("Trung tuần tháng 9", "117 khách ngày 24/2") or a
        # year said relative to the article's ("năm gần nhất", "năm ngoái").
        lower = part.lower()
        day = (
            _AS_OF_DAY_RE.search(lower)
            or _UNDATED_MONTH_RE.search(lower)
            or (_UNDATED_DAY_RE.search(lower) if n else None)
        )
        if day:
            return part[day.start() : day.end()], "", doc_year
        if relative := _RELATIVE_YEAR_RE.search(part.lower()):
            shift = _RELATIVE_YEARS[relative.group(1)]
            return part[relative.start() : relative.end()], "", doc_year + shift if doc_year else None
    if at >= 0 and (event := _event_day(parts[0], document.date)):
        return event
    return "", "", doc_year


def extract(document: Document, doubtful: list[tuple[StatRow, str]] | None = None) -> list[StatRow]:
    """Return the table rows of one document, in the order its figures are written. The figures
    too doubtful to be rows (see ``doubt``) are left out; with ``doubtful``, they are added to it
    with the reason."""
    rows: list[StatRow] = []
    text = document.text
    context = ""
    plan: StatRow | None = None  # the dated target of the plan the paragraph is setting out
    previous_end = 0
    after_coop = False  # the sentence before, in the same paragraph, is about cooperatives
    previous = ""  # the sentence before (a paragraph of one sentence goes on in the next)
    for sentence_at, sentence in _sentences(text):
        if "\n" in text[previous_end:sentence_at]:
            plan = None  # a plan is carried to the sentences of its paragraph only
            after_coop = False
        previous_end = sentence_at + len(sentence)
        coop = about_cooperatives(sentence)
        if addresses_assistant(sentence) or not (coop or after_coop):
            after_coop = coop
            previous = sentence
            continue
        after_coop = coop
        own: list[StatRow] = []
        for clause_at, clause, before in _clauses(sentence):
            found = figures(clause)
            for figure, number in zip(found, figure_spans(clause, found), strict=True):
                row = _row(
                    document, sentence, sentence_at + clause_at, clause, before, context, figure, number, len(rows)
                )
                if row is None:
                    continue
                reason = doubt(
                    row,
                    clause,
                    (row.start - sentence_at - clause_at, row.end - sentence_at - clause_at),
                    document,
                    sentence_at,
                )
                if reason:
                    if doubtful is not None:
                        doubtful.append((row, reason))
                    continue
                own.append(row)
                rows.append(row)
        plan = _carry_plan(plan, own, sentence, rows)
        _carry_period(previous, own, sentence, context, document, rows)
        context = f"{context[-1500:]} {sentence}"
        previous = sentence
    return rows


# A sentence that goes on with the one before (VERSION 14): it opens with a word that refers back
# ("Trong đó", "Các HTX này", "Số còn lại"), with a part or a total of what was just told ("Phần đất
# do Nhà nước giao …", "Tổng vốn đăng ký khoảng 24 tỷ đồng"), or with who received it ("Người nhận
# gồm …").
_CONTINUES_RE = re.compile(
    r"\s*(?:trong (?:đó|số (?:đó|này|trên))|số (?:còn lại|này|đó|trên)|còn lại|phần (?:đất|diện tích|còn lại)"
    r"|tổng (?:số |cộng )?(?:vốn|diện tích|kinh phí|giá trị|doanh thu|số|thành viên|lao động)"
    r"|(?:các|những|hai|ba|bốn|\d+) (?:[^\s,.;:()\d]+ ){1,3}?(?:này|đó|ấy|trên|nói trên|kể trên)"
    r"|(?:những |các )?(?:người|hộ|đơn vị) (?:được )?nhận)\b",
    re.IGNORECASE,
)
_YEAR_RE = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
# A time of the sentence's own: it is not carried over.
_OWN_TIME_RE = re.compile(
    r"\b(?:hiện|nay|hôm|lúc|khi|thời điểm|thời kỳ|năm|tháng|quý|tuần|ngày|sáng|chiều|tối|đêm)\b|\d{1,2}[/-]\d{1,2}",
    re.IGNORECASE,
)


def _carry_period(
    previous: str, own: list[StatRow], sentence: str, context: str, document: Document, rows: list[StatRow]
) -> None:
    """Give the undated actual figures of a sentence that goes on with the one before ("Trong 6 tháng
    đầu năm 2017, toàn tỉnh đã thành lập mới được 17 HTX … Tổng vốn đăng ký khoảng 24 tỷ đồng.") the
    one dated period of that sentence, in place in ``rows``: only when the sentence opens by going on
    with it, says no time and names no place of its own, and the period before is a past one with its
    year, not a plan (VERSION 14)."""
    if not previous or not own or not _CONTINUES_RE.match(sentence) or _OWN_TIME_RE.search(sentence):
        return
    if find_places(sentence) or any(r.period or r.status != "actual" for r in own):
        return
    folded = fold(previous)
    if _GOAL_RE.search(_NOT_A_GOAL_RE.sub(" ", folded)) or len(set(_YEAR_RE.findall(_masked(previous)))) != 1:
        return
    label, key, year = _period(previous, "", context, document)
    doc_year = int(document.date[:4]) if document.date else None
    if not _YEAR_RE.search(label) or key.startswith("now") or (doc_year and (year or 0) > doc_year):
        return
    for row in own:
        rows[row.seq] = replace(row, period=label, period_key=key, year=year)


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


# A time said with a plan ("kế hoạch giao đầu năm", "kế hoạch năm 2019"): the plan's period; a plan
# without one ("theo kế hoạch") gives no period label (VERSION 14).
_TIME_WORD_RE = re.compile(r"\b(?:năm|tháng|quý|kỳ|kì|vụ|giai đoạn|tuần|ngày|(?:19|20)\d\d)\b")
# The dated occasion an article is about, in its title or lead ("vé xe khách Tết dương lịch 2019", "dịp
# Tết Nguyên đán 2018").
_OCCASION_RE = re.compile(
    r"(?:\b[Dd]ịp\s+)?\b(?:Tết|tết|[Ll]ễ)(?:\s+(?:Nguyên\s+[Đđ]án|[Dd]ương\s+lịch|[Ââ]m\s+lịch|[A-ZĐ][^\s,;.()\d]*))?"
    r"\s+(?:năm\s+)?((?:19|20)\d\d)\b"
)


def _occasion(document: Document) -> tuple[str, str, int | None] | None:
    """Return the dated occasion the article is about (its title's, else its lead's): "dịp Tết
    dương lịch 2019", with its year."""
    for text in (document.title or "", document.text[:300]):
        if found := _OCCASION_RE.search(text):
            return found.group(0), "", int(found.group(1))
    return None


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
    each, time = _each(clause[: span[0]], clause[span[1] :])
    if raw:
        per_time = re.match(rf"\s*{re.escape(raw)}\s*/\s*(ngày đêm|năm|tháng|ngày|tuần|vụ)\b", clause[span[1] :])
        unit = f"{raw}/{per_time.group(1)}" if per_time else raw  # "700 m3 / ngày đêm": a rate
        if each == "time" and not per_time:
            unit = f"{raw}/{time}"  # "mỗi ngày … 2 tấn rau", "70 tấn sản phẩm mỗi ngày"
    elif figure.unit == "money" and each == "time" and "/" not in value_text:
        unit = f"{unit}/{time}"  # "mỗi năm HTX thu về 2 tỷ đồng"
    elif figure.unit == "count" and measure in _COUNT_UNITS:
        unit = _COUNT_UNITS[measure]
    place = _subject(clause, before, sentence, document, figure, span[0])
    if place is not None and _unit_total(clause[: span[0]]) == "district" and place_level(place)[0] == "province":
        # "toàn huyện có 20 HTX" in an article placed in its province: the district the text names (VERSION 14).
        districts = [
            p
            for p in dict.fromkeys(_places(f"{sentence} {_lead(document)}"))
            if place_level(p)[0] in ("district", "city") and within(p, place)
        ]
        if len({p.key for p in districts}) == 1:
            place = districts[0]
    place_from = _place_source(place, sentence, document)
    label, key, year = _period(clause, before, context, document, span[0])
    scope = figure_scope(clause, figure)
    named = _NAMED_BEFORE.search(" ".join(canonical_words(clause[: span[0]])))
    if scope == "" and named and named.group(1).strip():
        scope = named.group(1).strip()  # "Số HTX sản xuất sản phẩm OCOP là 4 HTX": 4 of a kind, not all
    doc_year = int(document.date[:4]) if document.date else None
    head = fold(clause[: span[0]])
    planned = _BRACKET_PLAN_RE.search(head) if len(head) == span[0] else None
    if planned and _TIME_WORD_RE.search(clause[planned.start() : planned.start(1)].lower()):
        # "vượt kế hoạch giao đầu năm (thành lập mới 12 HTX)": the bracket spells out the plan of a time
        label = clause[planned.start() : planned.start(1)].strip() + (f" (năm {year})" if year else "")
        key = ""
    elif planned and not label and (occasion := _occasion(document)):
        # "bán hết toàn bộ vé theo kế hoạch (khoảng 145 chuyến / ngày" in an article on "Tết dương lịch
        # 2019": a goal word is no period; the plan is the occasion's the article is about (VERSION 14).
        label, key, year = occasion
    goal_words = _NOT_A_GOAL_RE.sub(" ", not_a_plan(head)) if not planned else head
    subject = not planned and _plan_subject(clause, span[1])
    if subject:
        # The plan's subject: its period and status are the plan's, not the count's ("từ nay đến
        # năm 2020, UBND 15 tỉnh … cần giải thể …"); only a period of its own phrase dates it.
        own_label = _own_label(clause, span, label)
        label, key, year = (label, key, year) if own_label else ("", "", doc_year)
    target = (
        not subject
        and (
            bool(planned)
            or (
                ("target" in figure.qualifiers and _goal_near(" ".join(goal_words.split()[-10:])))
                or _goal_said(goal_words)
                or _planned(clause[: span[0]])
                or (year is not None and doc_year is not None and year > doc_year)
                or (
                    key.startswith("by ")
                    and (year or 0) >= (doc_year or _latest_year(document))  # "Đến năm 1980, khi xây dựng …": past
                    and not _AS_OF_RE.search(fold(clause[: span[0]]))
                )
            )
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
        qualifiers=",".join(sorted(_own_qualifiers(clause, span, figure.qualifiers) - {"target"})),
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

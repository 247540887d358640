"""One lexicon of the measures the articles report, read the same way in questions and passages.

A question asks for a measure ("doanh thu bình quân", "how many members"); a passage states
figures, each a number with a unit and the words around it. Both sides use the lexicon below, so a
question about income per month is answered with a figure in "đồng/người/tháng" and never with a
growth rate in %, and a question about members never gets the count of cooperatives.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from retrieval.vietnamese import CAPITALS, canonical_words, fold, has_diacritics, is_english, nfc


@dataclass(frozen=True)
class Measure:
    """A statistic: a count of something ("htx") or a value of something ("doanh thu")."""

    name: str
    label_vi: str
    label_en: str
    counted: tuple[str, ...] = ()  # canonical words written right after the number: "42 HTX"
    subject: tuple[str, ...] = ()  # canonical phrases written before the number: "doanh thu ... 3,24 tỷ"
    english: tuple[str, ...] = ()  # English words that ask for it
    money: bool = False  # its figures carry a currency ("triệu đồng", "tỷ")

    @property
    def is_value(self) -> bool:
        """Tell whether the measure is an amount (revenue, income...) rather than a count."""
        return bool(self.subject)


# One-syllable cue words, by their folded form, as the lexicon means them. Folding merges them with
# common words: "lãi" (profit) with "lại" (again), "lái" (to drive) and "lai" (hybrid); "mấy" (how
# many) with "mây" (rattan) and "máy" (machine); "vốn" (capital) with "vón" ("vón cục", clotted). In
# accented text only the meant spelling is the cue.
_MEANT = {"lai": "lãi", "may": "mấy", "von": "vốn"}


def _twins_re() -> re.Pattern[str]:
    """Return a pattern of every other spelling that folds to a cue word ("lại", "mây", "vón"):
    one class of letters per position, the meant spelling left out."""
    variants: dict[str, str] = {}
    for code in range(0x41, 0x1EFA):
        char = chr(code)
        if char.islower() and len(folded := fold(char)) == 1:
            variants[folded] = variants.get(folded, "") + char
    words = "|".join("".join(f"[{variants[letter]}]" for letter in key) for key in _MEANT)
    meant = "|".join(_MEANT.values())
    return re.compile(rf"(?<!\w)(?!(?:{meant})(?!\w))(?:{words})(?!\w)", re.IGNORECASE)


_TWINS_RE = _twins_re()


def _tokens(text: str) -> list[str]:
    """Return the canonical words of ``text`` as the lexicon reads them: accented text keeps its
    "lại" apart from "lãi", "mây" apart from "mấy" and "vón" apart from "vốn" (a neutral token
    takes its place, so positions do not shift)."""
    if has_diacritics(text):
        text = _TWINS_RE.sub(lambda m: f"{fold(m.group(0)).lower()}z", nfc(text))
    return canonical_words(text)


def cue_words(text: str) -> list[str]:
    """Return the canonical words a question's cues are read from ("mấy", "lãi"): see ``_tokens``."""
    return _tokens(text)


MEASURES: tuple[Measure, ...] = (
    Measure(
        "revenue",
        "doanh thu",
        "revenue",
        subject=("doanh thu", "doanh so", "gia tri san xuat"),
        english=("revenue", "revenues", "turnover", "sales"),
        money=True,
    ),
    Measure(
        "profit",
        "lợi nhuận",
        "profit",
        subject=("loi nhuan", "lai", "thu lai", "loi nhuan binh quan"),
        english=("profit", "profits", "earnings"),
        money=True,
    ),
    Measure(
        "income",
        "thu nhập",
        "income",
        subject=("thu nhap",),
        english=("income", "incomes", "wage", "wages", "salary", "earn"),
        money=True,
    ),
    Measure(
        "capital",
        "vốn",
        "capital",
        subject=("von", "tong von", "von dieu le", "von hoat dong", "nguon von"),
        english=("capital", "funds", "funding", "loan", "loans"),
        money=True,
    ),
    Measure("tht_count", "số tổ hợp tác", "cooperative groups", counted=("tht",), english=("groups", "group", "teams")),
    Measure(
        "qtdnd_count",
        "số quỹ tín dụng nhân dân",
        "people's credit funds",
        counted=("qtdnd",),
        english=("credit", "funds"),
    ),
    Measure("lhhtx_count", "số liên hiệp HTX", "cooperative unions", counted=("lhhtx",), english=("unions", "union")),
    Measure(
        "members",
        "số thành viên",
        "members",
        counted=("thanh vien", "xa vien", "to vien", "ho thanh vien", "hoi vien"),
        english=("members", "member", "membership"),
    ),
    Measure(
        "workers",
        "số lao động",
        "workers",
        counted=("lao dong", "nguoi lao dong", "viec lam"),
        english=("workers", "worker", "employees", "labourers", "laborers", "jobs", "employ", "employs"),
    ),
    Measure("products", "số sản phẩm", "products", counted=("san pham",), english=("products", "product")),
    Measure(
        "htx_count",
        "số HTX",
        "cooperatives",
        counted=("htx",),
        english=("cooperatives", "cooperative", "co-operatives", "coops", "co-ops"),
    ),
)
BY_NAME = {m.name: m for m in MEASURES}

# Words that make a figure a flow, a plan or a negative rather than a plain stock.
QUALIFIERS: dict[str, tuple[str, ...]] = {
    "new": (
        "thanh lap moi",
        "thanh lap",
        "moi thanh lap",
        "phat trien moi",
        "xay dung moi",
        "newly",
        "new",
        "established",
        "founded",
        "set up",
        "created",
    ),
    "target": (
        "phan dau",
        "muc tieu",
        "chi tieu",
        "ke hoach",
        "du kien",
        "se ",
        "target",
        "goal",
        "aim",
        "plan",
        "planned",
        "expected",
    ),
    "dissolved": ("giai the", "ngung hoat dong", "dissolved", "closed", "ceased"),
    "negative": ("chua", "khong", "not yet", "without"),
}
_QUALIFIER_RES = {
    name: re.compile(r"\b(?:" + "|".join(re.escape(w.strip()) for w in words) + r")\b")
    for name, words in QUALIFIERS.items()
}

_THOUSANDS = frozenset(("nghin", "ngan", "trieu"))
# What may follow "nghìn"/"triệu" in a sum of money: the currency, or words that end the figure.
_NOT_COUNTED = frozenset(
    "dong d vnd usd do la va hoac den toi tu cho cua moi mot nam thang ngay tren duoi hon voi la nen thi "
    "ma nhung so tang giam dat khoang gan".split()
)
_MONEY_RE = re.compile(r"^(?:dong|trieu|ty|ti|nghin|ngan|usd|vnd|tr|d)$")
_PER_MONTH_RE = re.compile(r"\b(thang|month|monthly)\b")
_ASK_PER_MONTH_RE = re.compile(r"\b(?:moi|hang|mot|1|per|a|each|tren) (?:thang|month)\b|\bmonthly\b|\bthang\b$")
_PER_YEAR_RE = re.compile(r"\b(nam|year|yearly|annual|annually|per year)\b")
_PERCENT_RE = re.compile(r"(%|\b(?:phan tram|ty le|ty trong|percent|percentage|share|proportion|growth|tang truong)\b)")
_NUMBER_TOKEN = re.compile(r"^\d")
# A sum of money asked: "bao nhiêu tiền", "giá bao nhiêu", "how much": never a count of cooperatives.
_ASK_MONEY_RE = re.compile(
    r"\b(?:bao nhieu tien|het bao nhieu|ton bao nhieu|gia bao nhieu|muc gia|muc phi|chi phi|kinh phi|how much|cost)\b"
    # a loan or a debt: "vay ngân hàng bao nhiêu", "dư nợ còn bao nhiêu"; a sum: "tiền … là bao nhiêu"
    r"|\b(?:vay|du no|no goc|no)\b(?: \S+){0,3} bao nhieu\b"
    # a sum paid or taken: "đặt cọc bao nhiêu", "phải nộp bao nhiêu", "bị phạt bao nhiêu tiền"
    # … or paid out: "buộc bồi thường bao nhiêu", "được đền bù bao nhiêu", "chiếm đoạt bao nhiêu"
    r"|\b(?:dat coc|the chap|nop|bi phat|phat|phai tra|boi thuong|den bu|chi tra|chiem doat|tham o|ung ho|tai tro"
    r"|quyen gop|hoan tra|tri gia)\b(?: \S+){0,2} bao nhieu"
    r"(?: (?:tien|dong|moi|mot|o|tai|cho|voi|khi|neu|thi|cua)\b|\s*$)"
)


def asks_money(text: str) -> bool:
    """Tell whether a question asks a sum of money ("tốn bao nhiêu", "chi phí", "what did it cost",
    "số tiền … là bao nhiêu")."""
    text = _PLACE_TIEN_RE.sub(" ", nfc(text))  # "Tiền Giang", "Tiền Hải" name a place, not money
    return bool(
        _ASK_MONEY_RE.search(" ".join(_tokens(text)))
        or _MONEY_SUBJECT_RE.search(text.lower())
        or _SPENT_RE.search(text.lower())
    )


# "HTX đã chi khoảng bao nhiêu?", "bỏ ra bao nhiêu", "đầu tư bao nhiêu": a sum spent (accented: folded,
# "chi" is also "chỉ").
_SPENT_RE = re.compile(r"(?<!\w)(?:chi|chi ra|bỏ ra|đầu tư)(?:\s+(?:ra|hết|khoảng|tổng cộng|gần|hơn))?\s+bao nhiêu\b")


_PLACE_TIEN_RE = re.compile(rf"\bTiền(?=\s+[{CAPITALS}][^\W\d_{CAPITALS}])")


# "Tiền xây ki ốt … là bao nhiêu?": a sum named before the question word (accented: not "tiến").
_MONEY_SUBJECT_RE = re.compile(r"\b(?:số )?tiền\b(?:\s+\S+){0,20}?\s+(?:là |hết |còn |khoảng )?bao nhiêu\b")


_ASK_COUNT_RE = re.compile(
    r"\b(?:bao nhieu|may|so luong|tong so|so|how many|number of|count of)\s+(?=((?:\S+\s*){1,4}))"
    # "nhiều HTX hơn", "ít thành viên nhất", "more cooperatives", "the most members": a count compared
    r"|\b(?:nhieu|it)\s+(?=((?:\S+\s+){1,3})(?:hon|nhat)\b)|\b(?:more|fewer|most|fewest)\s+(?=((?:\S+\s*){1,3}))"
)


@dataclass(frozen=True)
class Figure:
    """A number in a sentence, with the measure it states and the words that qualify it."""

    number: str  # as written (canonical tokens keep "1.750", "3,24")
    position: int  # token index in the canonical tokens of the sentence
    measure: str | None  # a Measure name, "count:<noun>" for another counted noun, or None
    unit: str  # "money", "percent", "count" or ""
    per_month: bool
    qualifiers: frozenset[str]
    owner: str | None = None  # the entity the figure belongs to: "htx" in "422 HTX với 12,7 nghìn thành viên"


_OWNERS = ("htx", "tht", "qtdnd", "lhhtx")


def question_owner(text: str, measures: tuple[Measure, ...]) -> str | None:
    """Return the entity whose measure is asked ("thành viên HTX" -> "htx"), when it is not the measure itself."""
    if not measures or measures[0].name.endswith("_count"):
        return None
    tokens = _tokens(text)
    english = set(re.findall(r"[a-z-]+", nfc(text).lower()))
    if english & {"groups", "group"} and english & {"cooperative", "cooperatives"}:
        return "tht"  # "cooperative group": a tổ hợp tác, though "cooperative" alone is an HTX
    for token in tokens:
        if token in _OWNERS:
            return token
    if english & {"cooperative", "cooperatives", "co-operatives"}:
        return "htx"
    return None


def _phrase_at(tokens: list[str], start: int, phrases: tuple[str, ...]) -> str | None:
    for phrase in sorted(phrases, key=lambda p: -len(p.split())):
        words = phrase.split()
        if tokens[start : start + len(words)] == words:
            return phrase
    return None


_OTHER_WORKERS_RE = re.compile(
    r"\b(?:health|healthcare|medical|hospital|aid|social|rescue|sanitation|postal|relief)[ -](?:care )?"
    r"(?:workers?|staff|employees)\b",
    re.IGNORECASE,
)


def question_measures(text: str, *, plain_count: bool = True) -> tuple[Measure, ...]:
    """Return the measures a question asks for, most specific first ("doanh thu" over "HTX").

    ``plain_count=False``: "HTX" with a quantity cue is not read as the count of cooperatives (the
    caller knows the question asks something else of one named body)."""
    # "health workers" are cán bộ y tế, no workforce of cooperatives.
    text = _OTHER_WORKERS_RE.sub(" ", text)
    # "cooperative groups" are tổ hợp tác and "cooperative unions" liên hiệp HTX, not cooperatives.
    folded = re.sub(r"\bco ?operative (groups?|unions?|teams?)\b", r"\1", " ".join(_tokens(text)))
    tokens = folded.split()
    found: list[Measure] = []
    # English measure words in an English question: "Đài Loan" holds no loan.
    english = set(re.findall(r"[a-z'-]+", nfc(text).lower())) if is_english(text) else set()
    # Counts: the words right after "bao nhiêu" / "mấy" / "số" / "how many" ("bao nhiêu quỹ tín
    # dụng ... có lãi" counts funds; the "lãi" after it does not make it a question about profit).
    for match in _ASK_COUNT_RE.finditer(folded):
        following = next(g for g in match.groups() if g is not None).split()
        # English puts adjectives first ("how many newly established cooperatives"): the first
        # word that names a counted measure is the noun counted.
        spots = [(at, m) for m in MEASURES if m.counted for at, w in enumerate(following) if w in m.english]
        english_noun = min(spots, key=lambda item: item[0])[1] if spots else None
        for measure in MEASURES:
            is_count = measure.counted and (_phrase_at(following, 0, measure.counted) or measure is english_noun)
            if is_count and measure not in found:
                found.append(measure)
    counts = list(found)
    # "… góp vốn thì tổng kinh phí dự tính là bao nhiêu?": a sum the lexicon does not measure is
    # asked; the measure named before it only says of what.
    other_nouns = not counts and (_counts_other_nouns(text) or _asks_other_sum(text))
    # Amounts named anywhere ("Doanh thu bình quân của HTX là bao nhiêu") when no count is asked.
    for measure in MEASURES:
        named = any(re.search(rf"\b{s}\b", folded) for s in measure.subject) or english & set(measure.english)
        if measure.is_value and named and (not counts or re.search(r"\b(va|and)\b", folded)) and not other_nouns:
            found.insert(len(found) - len(counts) if not counts else len(found), measure)
    if any(m.is_value for m in found) and not any(m.name == "htx_count" for m in counts):
        found = [m for m in found if m.is_value or m.name != "htx_count"]
    if not found:
        for measure in MEASURES:  # English "How many cooperatives", "what share of Vietnam's cooperatives"
            # The noun within three words of the cue: "How many households does the … cooperative
            # supply" counts households, not cooperatives.
            nouns = "|".join(re.escape(w) for w in measure.english)
            asks = re.search(
                rf"\b(?:how many|number of|(?:share|proportion|percentage) of)\s+(?:\S+\s+){{0,3}}(?:{nouns})\b",
                folded,
            )
            if measure.counted and nouns and asks:
                found.append(measure)
                break
    # "Số HTX", "HTX" with a quantity cue and nothing else named: the count of cooperatives.
    if (
        plain_count
        and not found
        and counted_noun(text) is None
        and not asks_money(text)
        and not wants_percent(text)  # "… (Liên hiệp HTX …): … được giảm bao nhiêu phần trăm" asks a rate
        and re.search(r"\b(bao nhieu|may|so luong|tong so|how many)\b", folded)
    ):
        for token in tokens:
            counted = next((m for m in MEASURES if m.counted and token in m.counted), None)
            if counted:
                found.append(counted)
                break
    return tuple(found)


_OTHER_SUM_ASKED_RE = re.compile(r"\b(?:kinh phi|chi phi|ngan sach|so tien|tong tien)\b(?: \S+){0,5} bao nhieu\b")


def _asks_other_sum(text: str) -> bool:
    """Tell whether the clause that asks is about a sum the lexicon does not measure and names no
    measure of it ("lúc … góp vốn thì tổng kinh phí dự tính là bao nhiêu?"), while a measure named
    in another clause only says of what."""
    clauses = re.split(r"[,;:]| thi ", " ".join(_tokens(text)))
    asking = next((c for c in reversed(clauses) if re.search(r"\bbao nhieu\b", c)), "")
    if not _OTHER_SUM_ASKED_RE.search(asking):
        return False
    return not any(re.search(rf"\b{w}\b", asking) for m in MEASURES if m.is_value for w in m.subject)


# Words after "bao nhiêu"/"mấy" that are not the noun counted: a time, a sum of money, a linking word.
_NOT_NOUNS = frozenset(
    "phan lan nam thang ngay la tien con moi trong o tai cua va thi dong trieu ty "
    # "vay bao nhiêu để mua 51 xe": a purpose; "tăng từ bao nhiêu lên bao nhiêu": a direction
    "de khi nua len xuong so mot hang".split()
)


def _cue_noun(word: str) -> str | None:
    return None if word in _NOT_NOUNS or word.isdigit() else unit_word(word)


# A unit written two ways ("3.500 m lụa" for "bao nhiêu mét lụa", "ký" for "kg"), folded: counted
# as one noun.
_UNIT_WORDS = {
    **dict.fromkeys(("m", "metre", "metres", "meter", "meters"), "met"),
    **dict.fromkeys(("hecta", "hectare", "hectares"), "ha"),
    **dict.fromkeys(("ky", "ki", "kilo", "kilogram", "kilograms"), "kg"),
    **dict.fromkeys(("tonne", "tonnes", "ton", "tons"), "tan"),
    **dict.fromkeys(("litre", "litres", "liter", "liters"), "lit"),
    **dict.fromkeys(("kilomet", "kilometre", "kilometres", "kilometer", "kilometers"), "km"),
}


def unit_word(word: str) -> str:
    """Return the one spelling of a unit a count is read in ("m" -> "met", "hecta" -> "ha")."""
    return _UNIT_WORDS.get(word, word)


def counted_noun(text: str) -> str | None:
    """Return the noun a question counts when the lexicon does not know it ("bao nhiêu hộ" -> "ho",
    "bao nhiêu con" -> "con", "tăng bao nhiêu lần" -> "lan")."""
    match = re.search(r"\b(?:bao nhieu|may)\s+(\w+)", " ".join(_tokens(text)))
    if not match:
        return None
    if match.group(1) == "lan" or (
        match.group(1) == "con" and re.search(r"\b(?:bao nhiêu|mấy) con\b", nfc(text).lower())
    ):
        return match.group(1)  # "gấp 5 lần"; "200.000 con" (accented: not "còn")
    return _cue_noun(match.group(1))


def _counts_other_nouns(text: str) -> bool:
    """Tell whether every "bao nhiêu"/"mấy" of a question counts a noun the lexicon does not
    measure as money ("có khoảng mấy hộ …, mỗi năm cung cấp bao nhiêu tấn sữa"): then a sum named
    elsewhere in it ("… góp vốn vào nhà máy") only describes what is asked about."""
    lowered = nfc(text).lower()
    # In accented text "mấy" is the question word; "máy" ("nhà máy") is not.
    cue = r"\b(?:bao nhiêu|mấy)\b" if has_diacritics(lowered) else r"\b(?:bao nhieu|may)\b"
    nouns = [fold(m.group(1) or "") for m in re.finditer(cue + r"(?: (\w+))?", lowered)]
    return bool(nouns) and all(n and _cue_noun(n) and not _MONEY_RE.match(n) for n in nouns)


# "Bộ Kế hoạch và Đầu tư", "Sở KH&ĐT": a ministry's name, no plan.
_PLANNING_BODY_RE = re.compile(r"\bke hoach (?:va |- |va - )?dau tu\b")


def not_a_plan(folded: str) -> str:
    """Return folded text without the names of planning bodies ("Bộ Kế hoạch và Đầu tư"), whose
    "kế hoạch" sets no goal."""
    return _PLANNING_BODY_RE.sub(" ", folded)


def question_qualifiers(text: str) -> frozenset[str]:
    """Return the qualifiers a question asks for: new, target, dissolved, negative."""
    folded = " " + not_a_plan(" ".join(_tokens(text))) + " "
    # "new-model cooperatives" are "HTX kiểu mới", of any age: no count of new ones.
    folded = re.sub(r"\bnew (?:model|type|style|generation)\b", "kieu moi", folded)
    found = {name for name, pattern in _QUALIFIER_RES.items() if pattern.search(folded)}
    if re.search(r"\b(den nam|toi nam|by) (20[2-9]\d)\b", folded) and re.search(
        r"\b(phan dau|se|muc tieu|target)\b", folded
    ):
        found.add("target")
    return frozenset(found)


def wants_per_month(text: str) -> bool:
    """Tell whether a question asks an amount per month ("mỗi tháng", "monthly")."""
    return bool(_ASK_PER_MONTH_RE.search(" ".join(_tokens(text)))) or bool(re.search(r"/\s*tháng", text))


# Units a price or an amount is given per, with their spellings: "bao nhiêu tiền mỗi con", "giá bao
# nhiêu một ký", "how much per kilogram" ask a figure per that unit ("1 triệu đồng/con").
_PER_UNITS = {
    "kg": ("kg", "ky", "ki", "kilo", "kilogram", "kilograms", "can"),
    "con": ("con", "head"),
    "nguoi": ("nguoi", "person", "people", "member", "lao dong"),
    "ha": ("ha", "hecta", "hectare"),
    "tan": ("tan", "tonne", "ton"),
    "chuc": ("chuc",),
    "lit": ("lit", "litre", "liter"),
    "qua": ("qua", "trai", "fruit"),
    "cay": ("cay", "tree"),
    "ngay": ("ngay", "day"),
    "nam": ("nam", "year"),
    "chuyen": ("chuyen", "luot", "trip"),
}
_PER_UNIT_OF = {spelling: unit for unit, spellings in _PER_UNITS.items() for spelling in spellings}
_PER_ASK_RE = re.compile(
    r"(?:\b(?:moi|mot|1|per|each|a)\s+|/\s*)(" + "|".join(sorted(_PER_UNIT_OF, key=len, reverse=True)) + r")\b"
)
_PER_FIGURE_RES = {  # the unit right after an amount: "1 triệu đồng/con", "12.000 đồng một ký"
    unit: re.compile(
        r"(?:\d|\b(?:dong|d|trieu|ty|nghin|ngan|usd|tan|kg|ha))\s*(?:/\s*|\s(?:moi|mot|1)\s+)(?:"
        + "|".join(spellings)
        + r")\b"
    )
    for unit, spellings in _PER_UNITS.items()
}


def asked_per_unit(text: str) -> str | None:
    """Return the unit a question asks an amount per ("lỗ bao nhiêu tiền mỗi con" -> "con"), if any.
    Months are read by ``wants_per_month``."""
    found = _PER_ASK_RE.search(fold(nfc(text)).lower())
    return _PER_UNIT_OF[found.group(1)] if found else None


def states_per_unit(text: str, unit: str) -> bool:
    """Tell whether a text gives an amount per ``unit`` ("1 triệu đồng/con", "12.000 đồng một ký")."""
    return bool(_PER_FIGURE_RES[unit].search(fold(nfc(text)).lower()))


def wants_percent(text: str) -> bool:
    """Tell whether a question asks a rate ("tăng bao nhiêu %", "tỷ lệ", "growth")."""
    folded = " ".join(_tokens(text))
    return bool(_PERCENT_RE.search(folded)) or "%" in text


_LIST_JOINS = frozenset({"va", "and", "con"})


def _own_start(tokens: list[str], i: int) -> int:
    """Return where the words that may qualify the number at ``i`` begin: after the previous
    figure's own words (up to a "và", a number or five words), and after any "và" since then.
    Years and dates are not figures here ("năm 2021, toàn tỉnh thành lập mới 13 HTX")."""

    def is_figure(k: int) -> bool:
        token = tokens[k]
        year = len(token) == 4 and token.startswith(("19", "20"))
        return token[0].isdigit() and not year and not (k and tokens[k - 1] in ("thang", "ngay"))

    previous = next((k for k in range(i - 1, -1, -1) if is_figure(k)), -1)
    if previous < 0:
        return 0
    own = itertools.takewhile(
        lambda t: t not in _LIST_JOINS and not t[0].isdigit(), tokens[previous + 1 : previous + 6]
    )
    start = previous + 1 + len(list(own))
    joins = [k + 1 for k in range(previous + 1, i) if tokens[k] in _LIST_JOINS]
    return max([start, *joins])


# Numbers written as words ("tám thành viên", "hàng trăm lao động"): a figure only when a measure's
# counted noun follows, and, in accented text, only in the meant spelling ("bà con" is no "ba").
_WORD_NUMBERS = {
    "mot": "một", "hai": "hai", "ba": "ba", "bon": "bốn", "nam": "năm", "sau": "sáu", "bay": "bảy",
    "tam": "tám", "chin": "chín", "muoi": "mười", "hang tram": "hàng trăm", "hang chuc": "hàng chục",
    "hang nghin": "hàng nghìn", "hang ngan": "hàng ngàn", "vai chuc": "vài chục", "vai tram": "vài trăm",
    "hang van": "hàng vạn", "mot tram": "một trăm",
}  # fmt: skip
_WORD_STARTS = frozenset(key.split()[0] for key in _WORD_NUMBERS)


def _word_number(tokens: list[str], i: int, raw: str, accented: bool) -> tuple[str, int] | None:
    """Return the number word(s) starting at token ``i`` as written, and how many tokens they
    take, when a measure's counted noun follows them; None otherwise."""
    for size in (2, 1):
        folded = " ".join(tokens[i : i + size])
        if folded not in _WORD_NUMBERS or (i and tokens[i - 1] in ("thu", "lan", "nam", "thang", "ngay")):
            continue
        following = tokens[i + size : i + size + 4]
        if not any(m.counted and _phrase_at(following, 0, m.counted) for m in MEASURES):
            return None
        spelling = _WORD_NUMBERS[folded] if accented else folded
        words = r"\s+".join(map(re.escape, spelling.split()))
        pattern = rf"(?<!\w)({words})\s+(\w+)"
        written = next(
            (m.group(1) for m in re.finditer(pattern, raw, re.IGNORECASE) if fold(m.group(2)).lower() == following[0]),
            None,
        )
        return None if written is None else (written, size)
    return None


@lru_cache(maxsize=16384)
def figures(text: str) -> tuple[Figure, ...]:
    """Return the figures stated in ``text`` with their measure, unit and qualifiers."""
    tokens = _tokens(text)
    raw = nfc(text)
    percent_after = {m.start() for m in re.finditer(r"\d\s*%", raw)}
    out: list[Figure] = []
    number_index = 0
    numbers_in_raw = [m for m in re.finditer(r"\d+(?:[.,]\d+)*", raw)]
    accented = has_diacritics(raw)
    for i, token in enumerate(tokens):
        if not _NUMBER_TOKEN.match(token):
            word = _word_number(tokens, i, raw, accented) if token in _WORD_STARTS else None
            if word is not None:
                out.append(_figure(tokens, i, word[0], word[1], percent=False))
            continue
        raw_match = numbers_in_raw[number_index] if number_index < len(numbers_in_raw) else None
        number_index += 1
        if (
            len(token) == 4
            and token.startswith(("19", "20"))
            and (i == 0 or tokens[i - 1] in ("nam", "year", "in") or tokens[i - 1].isdigit())
        ):
            continue  # a year ("năm 2021", "31/12/2021"), not a figure
        if i + 1 < len(tokens) and tokens[i + 1] in ("thang", "quy") and i and tokens[i - 1] in ("ngay", "den"):
            continue
        if token in ("1", "01") and i and tokens[i - 1] in ("quan", "moi", "tren", "cua", "per"):
            continue  # "doanh thu bình quân 1 HTX": a unit of the average, not a count of cooperatives
        percent = bool(raw_match and any(raw_match.end() - 1 <= p <= raw_match.end() + 1 for p in percent_after))
        after = raw[raw_match.end() : raw_match.end() + 40] if raw_match else ""
        if _NAMED_BODY_AFTER_RE.match(after):
            continue  # "các tuyến số 51, 99 và 146 HTX Đông Nam đảm nhận": a route, then a body's name
        out.append(_figure(tokens, i, token, 1, percent=percent, after=after))
    return tuple(out)


# A cooperative's name right after a number ("146 HTX Đông Nam"): two capitalised words after "HTX".
_NAMED_BODY_AFTER_RE = re.compile(rf"\s*(?:HTX|[Hh]ợp tác xã)\s+[{CAPITALS}]\w*\s+[{CAPITALS}]\w*")


def _figure(tokens: list[str], i: int, number: str, size: int, *, percent: bool, after: str = "") -> Figure:
    """Read the figure whose number (``size`` tokens) starts at token ``i``: its measure, unit,
    qualifiers and owner, from the words around it (``after``: the text right after the number)."""
    following = tokens[i + size : i + size + 4]
    measure: str | None = None
    for m in MEASURES:
        if m.counted and (
            _phrase_at(following, 0, m.counted)
            or (
                len(following) > 1
                and following[0] in ("nghin", "ngan", "trieu")
                and _phrase_at(following, 1, m.counted)
            )
        ):
            measure = m.name
            break
    money = measure is None and bool(following and _MONEY_RE.match(following[0]))
    if (
        money
        and following[0] in _THOUSANDS
        and len(following) > 1
        and following[1] not in _NOT_COUNTED
        and not re.match(r"\s*\w+\s*/", after)  # "4 triệu/người/tháng" is money per person
    ):
        # "15 nghìn lợn thịt", "1,2 triệu con gà": a multiplier before a counted noun is no money.
        money, measure = False, f"count:{unit_word(following[1])}"
    if measure is None and not money and not percent:
        # "số xã viên uỷ quyền cho HTX là 3.133 người": the count named before the number.
        window = tokens[max(0, i - 16) : i]
        for m in MEASURES:
            if m.counted and any(
                window[j] == "so"
                and (
                    _phrase_at(window, j + 1, m.counted)
                    or (window[j + 1] == "luong" and _phrase_at(window, j + 2, m.counted))  # "số lượng HTX"
                )
                for j in range(len(window) - 1)
            ):
                measure = m.name
                break
    if measure is None and (money or percent):
        measure = _last_value(tokens[max(0, i - 22) : i])
    if measure is None and following and not money and not percent and following[0].isalpha():
        measure = f"count:{unit_word(following[0])}"
    unit = "percent" if percent else "money" if money else "count" if measure else ""
    before = " ".join(tokens[max(0, i - 10) : i])
    # "Mới", "giải thể", "chưa" qualify one figure: read up to the next "và" or number after
    # it, and before it only back to the previous figure's words ("655 HTX giải thể và 222 HTX
    # chuyển đổi": 222 is not dissolved). A goal ("phấn đấu có 60 HTX và 900 thành viên")
    # qualifies the whole list.
    after_words = list(
        itertools.takewhile(lambda t: t not in _LIST_JOINS and not t[0].isdigit(), tokens[i + size : i + size + 5])
    )
    own_before = " ".join(tokens[max(0, i - 10, _own_start(tokens, i)) : i])
    qualifiers = frozenset(
        name
        for name, pattern in _QUALIFIER_RES.items()
        if pattern.search(f" {not_a_plan(before) if name == 'target' else own_before} ")
        or (name in ("new", "dissolved", "negative") and pattern.search(f" {' '.join(after_words)} "))
    )
    per_month = bool(_PER_MONTH_RE.search(" ".join(tokens[i + size : i + size + 5])))
    owner = next((t for t in reversed(tokens[max(0, i - 30) : i]) if t in _OWNERS), None)
    if owner is None and measure and not measure.endswith("_count"):
        owner = next((t for t in tokens[i + size : i + size + 3] if t in _OWNERS), None)
    return Figure(number, i, measure, unit, per_month, qualifiers, owner)


def named_value(text: str) -> str | None:
    """Return the amount measure (income, revenue, capital…) ``text`` names last, or None: what
    the figures of a sentence elaborating it are of ("Nhờ vậy, thu nhập … tăng cao. Cụ thể, năm
    2016 đạt 70 triệu đồng/ha/năm")."""
    return _last_value(_tokens(text))


def _last_value(tokens: list[str]) -> str | None:
    """Return the amount measure whose subject words come last in ``tokens``, or None."""
    best, found = -1, None
    for m in MEASURES:
        if not m.is_value:
            continue
        for subject in m.subject:
            words = subject.split()
            for j in range(len(tokens) - len(words), -1, -1):
                if tokens[j : j + len(words)] == words:
                    if j > best:
                        best, found = j, m.name
                    break
    return found


# What may follow a plain count without narrowing it: "42 HTX đang hoạt động trên địa bàn", "1.920 HTX, …".
_PLAIN_AFTER_RE = re.compile(
    r"^(?:(?:dang )?hoat dong|dang)?\s*(?:$|(?:tren dia ban|tren toan|toan (?:tinh|huyen|thanh pho)|"
    r"tai|o|cua|thuoc|voi|va|thu hut|tang|giam|so voi|nam|tinh den|den)\b)"
)
_BREAKDOWN_RE = re.compile(r"\b(?:trong do|trong so|gom|bao gom|chi co|con|rieng)\s*$")


def figure_span(text: str, figure: Figure) -> tuple[int, int] | None:
    """Return the character span of the figure's number in ``text`` (NFC), or None when it
    cannot be found there."""
    return figure_spans(text, (figure,))[0]


def figure_spans(text: str, found: Sequence[Figure]) -> list[tuple[int, int] | None]:
    """Return the character spans of several figures of ``text`` at once (the text is read once,
    however many figures it holds)."""
    spans = list(re.finditer(r"\d+(?:[.,]\d+)*", text))
    tokens = _tokens(text)
    before = [0]  # before[i]: how many number tokens precede token i
    for token in tokens:
        before.append(before[-1] + bool(_NUMBER_TOKEN.match(token)))
    out: list[tuple[int, int] | None] = []
    for figure in found:
        order = before[min(figure.position, len(tokens))]
        match = spans[order] if order < len(spans) else None
        out.append(match.span() if match is not None and _tokens(match.group(0)) == [figure.number] else None)
    return out


def figure_scope(text: str, figure: Figure) -> str | None:
    """Return what narrows a count in ``text``: "" for a plain count ("có 1.920 hợp tác xã, …",
    "42 HTX đang hoạt động"), the words that narrow it otherwise ("nong nghiep" in "1.200 HTX nông
    nghiệp"), None when it is a part of a total ("trong đó 50 HTX") or cannot be read."""
    raw = nfc(text)
    span = figure_span(raw, figure)
    if span is None:
        return None
    if _BREAKDOWN_RE.search(" ".join(_tokens(raw[: span[0]]))):
        return None
    after = " ".join(_tokens(re.split(r"[,.;:()–—!?\"“”]", raw[span[1] :], maxsplit=1)[0]))
    measure = BY_NAME.get(figure.measure or "")
    counted = _phrase_at(after.split(), 0, measure.counted) if measure and measure.counted else None
    rest = after[len(counted) :].strip() if counted else after
    return "" if _PLAIN_AFTER_RE.match(rest) else rest

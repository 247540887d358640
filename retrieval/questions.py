"""Question analysis: a question (already standalone) becomes a structured query.

The query names the places asked (the most specific unit of each mention), the measures from the
shared lexicon (retrieval/measures.py), the years and dates, the qualifiers (new, target...), the
intent (lookup, compare, trend, rank, which) and the topic terms used to match sentences.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from retrieval.measures import (
    Measure,
    asked_per_unit,
    asks_money,
    counted_noun,
    cue_words,
    question_measures,
    question_owner,
    question_qualifiers,
    wants_per_month,
    wants_percent,
)
from retrieval.periods import years
from retrieval.places import REGION_NAMES_RE, Place, find_places, place_mentions, within
from retrieval.vietnamese import CAPITALS, bigrams, canonical_words, fold, has_diacritics, is_english, nfc

# Folded function words and question words that carry no topic.
_STOPWORDS = frozenset(
    (
        "co la cua va cac nhung mot trong o tai cho den duoc may gi nao ai thi sao con ve voi so sanh tong "
        "nhu the nao khong da se dang bi tu theo tren duoi ra vao nay do kia hay hoac ma neu vay huyen tinh "
        "thi xa tp dia ban toan bay gio hom nam thang ngay hien het how many much what which who when where "
        "is are was were the of in there does do did a an to for on by and or with at from as be been has "
        "have had that this it its their than about hon nhieu nhat more fewer most khoang lam toi cu thuoc hcm tphcm"
    ).split()
)

_QUALIFIER_WORDS = frozenset(
    ["phan", "dau", "muc", "tieu", "chi", "ke", "hoach", "du", "kien", "thanh", "lap", "moi", "giai", "the", "them"]
)
_AMOUNT_RE = re.compile(r"\b(bao nhieu|la gi|dat|muc|how much|what is|what was|average|binh quan)\b")
_QUANTITY_RE = re.compile(
    r"\b(bao nhieu|may|so luong|tong so|how many|how much|number of|so (?:htx|tht|qtdnd|lhhtx)|"
    r"what (?:share|proportion|percentage|percent)|"
    # money asked in English: "what did it cost", "what was the budget", "how large was the loan"
    r"what (?:did|does|do|was|is|were|are) (?:it |the |its |their )?(?:cost|price|budget|fee|fine|loan|salary|wage)s?|"
    r"(?:cost|costs|costing) (?:of|to)|"
    # a size, a length, a price asked in English: "how large may a house be", "at what price"
    r"how (?:large|big|long|far|high|tall|heavy|wide|deep|old)|"
    r"what (?:area|size|amount|sum|total|value|price|volume|output|yield|capacity|length|distance)|"
    r"(?:nhieu|it)(?: \S+){1,3} (?:hon|nhat)|(?:more|fewer|most|fewest) (?:cooperatives?|members|groups)|"
    # a gap between two figures: "… so với … chênh nhau thế nào?"
    r"chenh (?:nhau|lech))\b"
)

# English question words mapped to the Vietnamese terms the articles use (for matching only): a
# data file beside this module, one word per line.
GLOSSARY_PATH = Path(__file__).with_name("glossary_en_vi.tsv")


def _read_glossary(path: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        english, sep, vietnamese = line.partition("\t")
        if not sep or not english.strip() or not vietnamese.strip():
            raise ValueError(f"{path}:{number}: expected 'english<TAB>vietnamese', got {line!r}")
        out[english.strip().lower()] = vietnamese.strip()
    return out


_GLOSSARY = _read_glossary(GLOSSARY_PATH)


# What a count is of: the word after a number ("42 HTX", "11 lớp"), canonical and folded.
_ENTITIES = frozenset({"htx", "tht", "qtdnd", "lhhtx"})
# Qualifiers that turn a stock ("có 42 HTX") into a flow or a target ("thành lập mới", "phấn đấu").
_QUALIFIERS = (("thanh lap", "moi"), ("phan dau", "muc tieu", "chi tieu", "ke hoach", "den nam"), ("chua", "khong"))


@dataclass(frozen=True)
class Question:
    """A question after analysis."""

    text: str
    english: bool
    places: tuple[Place, ...]
    years: tuple[int, ...]
    quantity: bool
    terms: dict[str, float]  # canonical term -> weight (before IDF)
    measures: tuple[str, ...] = ()  # what is counted: "htx", "thanh vien", "lop"...
    dates: tuple[str, ...] = ()  # dates as written: "31/12/2021", "6/2017"
    pairs: tuple[str, ...] = ()  # adjacent topic words ("gia_lua"): the phrase must be found, not just its words
    intent: str = "lookup"  # lookup, compare, trend, rank, which
    asked: tuple[Measure, ...] = ()  # the measures of the lexicon the question asks for
    noun: str | None = None  # the counted noun when the lexicon does not know it ("lop", "ho")
    qualifiers: frozenset[str] = frozenset()  # new, target, dissolved, negative
    per_month: bool = False  # an amount per month is asked ("mỗi tháng", "monthly")
    per_unit: str | None = None  # an amount per another unit is asked: "con" in "lỗ bao nhiêu tiền mỗi con"
    owner: str | None = None  # whose measure: "htx" in "thành viên HTX", "tht" in "doanh thu của THT"
    owners: tuple[str, ...] = ()  # every entity named: "HTX và THT" asks a comparison of the two
    unknown_places: tuple[str, ...] = ()  # "huyện X" where X is no unit the gazetteer knows
    percent: bool = False  # a rate is asked ("tăng bao nhiêu %")
    nation: bool = False  # "cả nước", "toàn quốc", "Vietnam": a figure of the whole country is asked
    sides: tuple[tuple[str, ...], ...] = ()  # "A hay B": the words only A has, and those only B has
    head: tuple[str, ...] = ()  # folded words of the noun the question opens with: "thiet hai" in "Thiệt hại do …"
    organisations: tuple[str, ...] = ()  # folded proper names of the bodies named: "tang hoa" in "HTX … Tăng Hoà"
    document: str | None = None  # the kind of document whose number is asked: "chi thi" in "chỉ thị số mấy"

    @property
    def match_text(self) -> str:
        """Return the Vietnamese-side text used for lexical matching."""
        return _translate(self.text) if self.english else self.text

    @property
    def search_text(self) -> str:
        """Return the text BM25 searches with: ``match_text`` without its question words, which
        match the articles that quote a question ("… có bao nhiêu nước có lợi nhuận") instead of
        those that answer it."""
        return " ".join(_INTERROGATIVE_RE.sub(" ", nfc(self.match_text)).split()) or self.match_text


_INTERROGATIVE_RE = re.compile(
    r"(?<!\w)(?:bao nhiêu|bao nhieu|mấy|là gì|la gi|gì|nào|ai|ở đâu|o dau|đâu|khi nào|khi nao|bao giờ|"
    r"bao gio|tại sao|tai sao|vì sao|vi sao|như thế nào|nhu the nao|thế nào|the nao|how many|how much|"
    r"what|which|who|whom|where|when|why|how)(?!\w)",
    re.IGNORECASE,
)


# English phrases whose words mean something else alone ("cooperative" is an HTX, a "cooperative
# group" a tổ hợp tác): translated first, and their words are not looked up again.
_PHRASES = {
    # the articles mostly write "TP. HCM"
    "ho chi minh city": "thành phố Hồ Chí Minh TP HCM",
    "hcmc": "thành phố Hồ Chí Minh TP HCM",
    "cooperative group": "tổ hợp tác",
    "cooperative groups": "tổ hợp tác",
    "cooperative union": "liên hiệp hợp tác xã",
    "cooperative unions": "liên hiệp hợp tác xã",
    "cooperative alliance": "Liên minh Hợp tác xã",
    "people's credit fund": "quỹ tín dụng nhân dân",
    "people's credit funds": "quỹ tín dụng nhân dân",
    # how cooperatives are graded: tốt, khá, trung bình, yếu ("fair" alone is a trade fair)
    "good or fair": "tốt khá",
    "good and fair": "tốt khá",
    "fair or good": "tốt khá",
    "fair and good": "tốt khá",
    "rated fair": "khá",
    # people who are not a cooperative's workforce
    "health workers": "cán bộ y tế nhân viên y tế",
    "medical workers": "cán bộ y tế nhân viên y tế",
    "medical staff": "cán bộ y tế nhân viên y tế",
    "local residents": "người dân",
    "african swine fever": "dịch tả lợn châu Phi",
    "swine fever": "dịch tả lợn",
}
_PHRASE_RE = re.compile(r"\b(" + "|".join(sorted(map(re.escape, _PHRASES), key=len, reverse=True)) + r")\b")


# Capitalised English words that are no names: the words the glossary translates are domain words
# ("Cooperative Alliance"), and the country is the place model's.
_NOT_ENGLISH_NAMES = (
    frozenset(_GLOSSARY) | {w for phrase in _PHRASES for w in phrase.split()} | {"i", "vietnam", "vietnamese", "viet"}
)


def _english_names(text: str) -> list[str]:
    """Return the names an English question writes without diacritics ("Na San", "Yen Tu",
    "Co.opmart"): capitalised words after the first, which the articles write folded alike."""
    words = re.findall(r"[A-Za-z][\w.'-]*", text)
    names = [w.rstrip(".'-").removesuffix("'s") for w in words[1:] if w[0].isupper()]
    return [w for w in names if w.lower() not in _NOT_ENGLISH_NAMES]


def _english_noun(text: str) -> str | None:
    """Return the folded Vietnamese noun an English question counts ("how many households" -> "ho",
    "how many Co.opmart supermarkets" -> "sieu"): the last of the glossary words after "how many"."""
    match = re.search(r"\bhow many\s+((?:[\w.'-]+\s*){1,5})", text.lower())
    if match is None:
        return None
    last = None
    for word in match.group(1).split():
        if word in _GLOSSARY:
            last = word
        elif last is not None:
            break
    tokens = canonical_words(_GLOSSARY[last]) if last else []
    return tokens[0] if tokens else None


_EN_MONTHS = ("january february march april may june july august september october november december").split()
# "7 September", "September 7" or a month alone; "may" only with a day or a year ("May 2019").
_EN_MONTH_RE = re.compile(
    r"\b(?:(\d{1,2})(?:st|nd|rd|th)? (?:of )?)?(january|february|march|april|june|july|august|september|"
    r"october|november|december|may(?= \d))(?: (\d{1,2})(?:st|nd|rd|th)?\b)?\b"
)


def _translate(text: str) -> str:
    """Return an English question with its domain words followed by their Vietnamese terms."""
    # The places are read by the place model: "Mekong Delta and Southeast region" is no topic.
    lowered = REGION_NAMES_RE.sub(" ", " ".join(re.findall(r"[a-z0-9'-]+", text.lower())))
    extra = [_PHRASES[m.group(1)] for m in _PHRASE_RE.finditer(lowered)]
    extra += [_GLOSSARY[w] for w in re.findall(r"[a-z-]+", _PHRASE_RE.sub(" ", lowered)) if w in _GLOSSARY]
    # A month as the articles write it: "in June" is "tháng 6", "on 7 September" is "7/9".
    for match in _EN_MONTH_RE.finditer(lowered):
        month = _EN_MONTHS.index(match.group(2)) + 1
        day = match.group(1) or match.group(3)
        extra.append(f"tháng {month}" + (f" {day}/{month}" if day else ""))
    # …and named as the articles name them, in their order, for the search (the topic drops them).
    extra += [f"vùng {place.name}" for place in find_places(text) if place.kind == "region"]
    return text + " " + " ".join(extra)


def _measures(tokens: list[str]) -> tuple[str, ...]:
    """Return what the question counts: the word after "bao nhiêu" / "mấy" ("bao nhiêu HTX")."""
    found: list[str] = []
    for i, token in enumerate(tokens):
        if token in ("nhieu", "may", "so") and i + 1 < len(tokens) and (token != "so" or tokens[i + 1] in _ENTITIES):
            following = tokens[i + 1]
            if (
                following not in _STOPWORDS
                and following not in ("moi", "nam", "phan", "lan")
                and following not in found
            ):
                found.append(following)
    return tuple(found)


# Question phrases and reporting verbs that say nothing of the topic.
# Period phrases are matched as periods, not as topic words ("sáu tháng đầu năm" is written "6 tháng đầu năm").
_PERIOD_WORDS = re.compile(
    r"\b(?:(?:sau |trong |het )?(?:\d+|mot|hai|ba|bon|nam|sau|bay|tam|chin|muoi(?: hai)?) thang (?:dau|cuoi)(?: nam)?|"
    r"giua nam|dau nam|cuoi nam|quy (?:i|ii|iii|iv|\d)|luy ke|tinh den|den het|den nay|"
    r"first half|second half|first (?:six|6) months)\b"
)
_STOP_PHRASES = re.compile(
    r"\b(bao nhieu|so luong|tong so|nhu the nao|thi sao|hien nay|so sanh|how many|how much|la gi|thanh pho|"
    r"bao cao|cho biet|cho hay|ghi nhan|thong ke|cong bo|thong tin|so lieu|moi nam|nhieu hon|it hon|cao hon|"
    r"thap hon|lon hon|"
    r"nho hon|chenh lech|chenh nhau|so voi|khac nhau|giua|hay|compare|more|less|higher|lower|than|"
    r"difference|between|versus|vs|nguoi dung dau|who heads|"
    # Fillers that say "all", "now", "each", "please": no topic ("có tất cả bao nhiêu HTX").
    r"tat ca|tong cong|toan bo|ca thay|hien tai|hien gio|luc do|luc ay|khi do|khi ay|xap xi|cu the|"
    r"lan luot|moi ben|giup|gium|nhe|thi tran|phan tram|chuyen khac|cau khac|viec khac|"
    r"(?:cho|xin)(?: toi| minh| em| phep)? hoi|"
    # "Vùng nào…", "Địa phương nào…": the places asked about, which the place model reads.
    r"(?:vung|khu vuc|dia phuong|tinh thanh) nao|which (?:region|area|locality|localities|province)s?)\b"
)


def _topic_tokens(tokens: list[str], places: Sequence[Place]) -> list[str]:
    """Drop place names (with their unit word), question phrases and function words."""
    joined = " " + " ".join(tokens) + " "
    if any(place.kind == "region" for place in places):
        joined = REGION_NAMES_RE.sub(" ", joined)  # as written, with "vùng": "vùng ĐBSCL", "Mekong Delta"
    for place in places:
        joined = re.sub(
            rf" (?:(?:thanh pho|tinh|huyen|quan|thi xa|tp) )?{re.escape(place.key)}"
            rf"(?: (?:district|province|city))? ",
            " ",
            joined,
            count=1,
        )
    joined = _PERIOD_WORDS.sub(" ", joined)
    joined = _STOP_PHRASES.sub(" ", joined)
    return [t for t in joined.split() if t not in _STOPWORDS and not t.isdigit()]


_COMPARE_RE = re.compile(
    r"\b(so sanh|compare|comparison|hon hay|(?:nhieu|it|cao|thap|lon|nho)(?: \S+){0,3} hon|"
    r"chenh lech|chenh nhau|so voi|khac nhau|difference|versus|vs|more than|higher|lower|larger)\b"
)
_TREND_RE = re.compile(
    r"\b(thay doi|bien dong|qua cac nam|tang hay giam|tang giam|xu huong|tang them|"
    r"truoc va sau|trend|changed?|over the years|"
    # "how has it grown", not "grown at the cooperative" (cultivated there)
    r"grown(?! (?:at|in|on|by|under|with|using|for)\b)|grew(?! (?:up|at|in|on|by)\b)|"
    # "ban đầu … nay", "lúc thành lập … hiện nay": a start and a later time; "thiệt hại ban đầu ước
    # bao nhiêu" is a first estimate, one figure
    r"(?:luc (?:moi )?thanh lap|ban dau)\b.*\b(?:nay|hien|hien tai|bay gio|sau|moi nhat|gan nhat|tang|giam)|"
    r"(?:nay|hien|hien tai|bay gio|sau|tang|giam)\b.*\b(?:luc (?:moi )?thanh lap|ban dau)|"
    # a figure before and one now: "trước năm 2016 và theo thống kê mới nhất", "so với trước"
    r"so voi (?:truoc|luc|ban dau|nam truoc)|"
    # "tăng thế nào", "giảm ra sao", "phát triển như thế nào": how a figure moved
    r"(?:tang|giam|phat trien|bien chuyen|chuyen bien)(?: len| xuong)? (?:the nao|ra sao|nhu the nao)|"
    # "tăng bao nhiêu so với năm 2018", "so với cuối năm 2020": a figure against an earlier year
    # ("… tăng bao nhiêu phần trăm, so với mức VCCI đề xuất": another side, no earlier time)
    r"(?:tang|giam)(?: them)? bao nhieu(?: \S+){0,4} so voi (?=nam|thang|cung ky|ky|truoc|dau|cuoi|luc|hoi|\d)|"
    r"so voi (?:cuoi |dau )?(?:nam|thang) \d{4}|"
    r"(?:by )?how much (?:\S+ ){0,10}(?:increase|decrease|rise|grow|decline|drop|fall)|"
    # "tăng gấp mấy lần", "how many times over"
    r"(?:gap|tang|giam) (?:may|bao nhieu) lan|how many times|how many fold|"
    r"truoc (?:nam \d{4}|day|kia)\b.*\b(?:hien nay|hien|den nay|bay gio|moi nhat|gan nhat|gan day))\b"
)
_RANK_RE = re.compile(
    r"\b(?:(?:nhieu|cao|lon|it|thap|nho|dong)(?: \S+){0,5} nhat|(?<!nguoi )dung dau|"  # "người đứng đầu" is a head
    r"most|highest|largest|lowest|fewest|(?<!at )least)\b"
)
_WHICH_RE = re.compile(r"\b(nao|ai|gi|la ai|which|who|what product|whom|where|o dau)\b")


def _two_asks_of_one(folded: str, places: Sequence[Place]) -> bool:
    """Tell whether a question asks two things of what it names before them ("Xe khách … (Móng
    Cái) bị công an Thanh Hóa dừng … chở bao nhiêu người và bị phạt bao nhiêu tiền?"): two asks,
    no place named after the first. Such a "và" joins the asks, not two places to compare."""
    asks = [m.start() for m in _QUANTITY_ASK_RE.finditer(folded)]
    if len(asks) < 2:
        return False
    after = folded[asks[0] :]
    return not any(re.search(rf"\b{re.escape(p.key)}\b", after) for p in places)


def intent_of(text: str, places: Sequence[Place], years_asked: Sequence[int]) -> str:
    """Return what the question wants done: compare, trend, rank, which or lookup."""
    folded = " ".join(cue_words(text))
    if _TREND_RE.search(folded):
        return "trend"
    if _RANK_RE.search(folded):
        return "rank"
    if len(places) >= 2 and (
        _COMPARE_RE.search(folded)
        or (
            re.search(r"\b(va|and|voi|hay|or|con)\b", folded)
            # place names as written: the cue words mark "Lai" of "Lai Châu" as no profit ("laiz")
            and not _two_asks_of_one(fold(nfc(text).lower()), places)
        )
    ):
        return "compare"
    if len(set(years_asked)) >= 2:
        return "trend"
    if _COMPARE_RE.search(folded) or re.search(r"\b(?:hay|hoac|or)\b.*\b(?:hon|more|less|higher|lower)\b", folded):
        return "compare"
    if (_EACH_SIDE_RE.search(fold(nfc(text).lower())) or _each_body(text, fold(nfc(text).lower()))) and compare_sides(
        text
    ):
        return "compare"
    if _WHICH_RE.search(folded) and not _QUANTITY_RE.search(folded):
        return "which"
    return "lookup"


_UNIT_NAME_RE = re.compile(
    # a commune too ("xã Thạch Kim"), never a cooperative ("hợp tác xã Tân Tiến")
    r"\b(?:[Hh]uyện|[Tt]ỉnh|[Tt]hành phố|[Tt]hị xã|[Qq]uận|TP\.?|Tp\.?|"
    r"(?<![Tt]ác )(?<!TÁC )[Xx]ã|[Pp]hường|[Tt]hị trấn)\s*"
    rf"((?:[{CAPITALS}][^\s,.?!;:()]*)(?:\s+[{CAPITALS}][^\s,.?!;:()]*){{0,3}})"
)
# The name before an English unit word, never a sentence's first function word ("In Khanh Loc commune").
_EN_UNIT_RE = re.compile(
    r"\b(?!(?:In|At|On|For|Of|From|The|And|To|By|With|About|Within|Across)\s)"
    r"((?:[A-Z][a-z]+\s+){1,4})(?:district|province|city|town|commune|ward|township)\b"
)
# Typed without diacritics; "quan" is left out: "binh quan", "lien quan" are no districts.
_PLAIN_UNIT_RE = re.compile(r"(?:^|\s)(?:huyen|tinh|thi xa) ([a-z]+(?: [a-z]+)?)(?=\s|$)")
# A commune typed without diacritics, its name capitalised ("xa Ich Hau"), never "hop tac xa".
_PLAIN_COMMUNE_RE = re.compile(r"(?<![Tt]ac )\b(?:[Xx]a|[Pp]huong|[Tt]hi tran) ([A-Z][a-z]+(?: [A-Z][a-z]+){0,2})\b")
_NOT_NAMES = frozenset(
    (
        "co bao nhieu la nao nay do ta minh ban toi chung the con va hay hoac o tai cua cac htx tht so doanh "
        "thu loi nhuan thanh vien moi cu dang da se duoc"
    ).split()
)


_EN_NOT_NAMES = frozenset("which what whose each every any this that the one another other same".split())


# Words (as written, lowercase) that follow "huyện" / "tỉnh" as its verb, not as a name: "huyện đặt
# mục tiêu", "tỉnh hỗ trợ", "huyện thành lập". A lowercase name keeps its own spelling ("huyện
# thanh chương" is not "thành").
_VERBS_AFTER_UNIT = frozenset(
    "đặt giao hỗ phấn triển tổ chỉ yêu thành phát quan tiếp hiện mục kế cũng vẫn chưa không còn nên cần "
    "phải đề đưa tập xây vận tăng giảm thu chi đạt có đã đang sẽ được bị là này đó nào ban ủy uỷ".split()
)


def unknown_places(text: str, known: Sequence[Place]) -> tuple[str, ...]:
    """Return the names written as places ("huyện X", "X district") that the gazetteer does not
    know: such a question must be refused, never answered with a figure of somewhere else."""
    keys = {p.key for p in known} | {w for p in known for w in p.key.split()}
    found = []
    candidates = [m.group(1) for m in _UNIT_NAME_RE.finditer(text)] + [m.group(1) for m in _EN_UNIT_RE.finditer(text)]
    if fold(text) == text.lower():  # typed without diacritics
        candidates += [m.group(1) for m in _PLAIN_COMMUNE_RE.finditer(" ".join(text.split()))]
        candidates += [m.group(1) for m in _PLAIN_UNIT_RE.finditer(" ".join(text.lower().split()))]
    for name in candidates:
        key = " ".join(re.findall(r"[a-z0-9]+", fold(name).lower()))
        words = key.split()
        first = name.split()[0].lower() if name.split() else ""
        if (
            not words
            or (words[0] in _NOT_NAMES and not name[:1].isupper())
            or (first in _VERBS_AFTER_UNIT and not name[:1].isupper())  # "huyện đặt mục tiêu …"
            or words[0] in _EN_NOT_NAMES  # "Which province has…", "Each district…"
            or key in keys
            or all(w in keys for w in words)
            or any(p.key in keys for p in find_places(f"TP.{name}") + find_places(f"tỉnh {name}"))
        ):
            continue
        if any(w in _NOT_NAMES for w in words[1:]):
            words = words[: next(i for i, w in enumerate(words) if w in _NOT_NAMES)]
            key = " ".join(words)
            if not key or key in keys:
                continue
        found.append(name.strip())
    return tuple(dict.fromkeys(found))


def asked_places(text: str) -> tuple[Place, ...]:
    """Return the places a question asks about, the most specific of each mention: in "huyện Chợ
    Mới (tỉnh Bắc Kạn)" the district is asked and the province only says where it lies."""
    places = [p for p in find_places(text) if not p.qualifier]
    if len(places) < 2:
        return tuple(places)
    folded = " ".join(canonical_words(text))
    kept: list[Place] = []
    for n, place in enumerate(places):
        previous = places[n - 1] if n else None
        if (
            place.kind in (None, "province")
            and previous is not None
            and previous.kind in ("district", "city")
            and (previous.parent is None or within(previous, place))
        ):
            # "huyện X, tỉnh Y" / "huyện X (tỉnh Y)" / "X - Y": Y is where X lies.
            between = re.search(rf"\b{re.escape(previous.key)}\b(.{{0,20}}?)\b{re.escape(place.key)}\b", folded)
            if between and set(between.group(1).split()) <= {"tinh", "thuoc", "o", "cua", "province"}:
                continue
        kept.append(place)
    return tuple(kept)


# A clause that only says when ("lúc công bố sẽ bán …", "khi mới thành lập", "sau khi được giao …").
_TIME_CLAUSE_RE = re.compile(r"^(?:luc|khi|hoi|sau khi|truoc khi|dip|nhan dip|vao luc|when|while|after|before)\b")


def _without_time_clauses(text: str) -> str:
    """Return ``text`` without the comma-separated clauses that only say when: their plan words
    ("Hồi giữa năm 2017, lúc công bố sẽ bán …, hệ thống … có bao nhiêu siêu thị?") are not asked."""
    segments = re.split(r"(?<=,)\s+", text)
    kept = [seg for seg in segments if not _TIME_CLAUSE_RE.match(fold(seg).lower().strip())]
    return " ".join(kept) if kept else text


def analyse(text: str) -> Question:
    """Read the places, years, quantity cue, measures, intent and topic terms of a question."""
    english = is_english(text)
    match_text = _translate(text) if english else text
    places = asked_places(text)
    named = find_places(text)
    unknown = unknown_places(text, named)
    if unknown:
        # "Huyện Lộc Hà (Hà Tĩnh)": the district asked is unknown to the gazetteer, so the province
        # after it only says where it lies; the name itself decides (see selection).
        places = ()
    place_tokens = {tok for p in places for tok in p.key.split()}
    named_tokens = {tok for p in named for tok in p.key.split()}
    if english:
        after = re.search(r"\b(?:many|much)((?:\s+[a-z-]+){1,3})", text.lower())
        nouns = [_GLOSSARY.get(w, "") for w in (after.group(1).split() if after else [])]
        measures = tuple(dict.fromkeys(m for m in canonical_words(" ".join(nouns)) if m in _ENTITIES))
        tokens = (
            canonical_words(match_text[len(text) :])
            + [t for t in canonical_words(text) if t in place_tokens]
            + [t for t in canonical_words(" ".join(_english_names(text))) if t not in named_tokens]
        )
    else:
        tokens = canonical_words(match_text)
        measures = _measures(cue_words(match_text))
    topic = _topic_tokens(tokens, named)
    qualifiers = question_qualifiers(_without_time_clauses(match_text))
    # "HTX Chợ Mới có bao nhiêu?" asks the cooperatives of a place, not one body named Chợ Mới.
    place_keys = {p.key for p in named}
    bodies = tuple(b for b in organisations(text) if b not in place_keys)
    if places and NATION_RE.search(" ".join(canonical_words(match_text))):
        # "At the Cần Thơ review …, how many … did he want the country to have?", "Tại hội nghị ở
        # Cần Thơ, cả nước đặt mục tiêu …": the place of a meeting is no place asked.
        held = _meeting_places(text)
        if held and all(p.key in held for p in places):
            places = ()
            place_tokens = set()
    if english and not bodies:
        # "the An Khê rattan and bamboo cooperative in Đà Nẵng": the capitalised words before
        # "cooperative" name the body, even a place's name when the question says where it is.
        bodies = tuple(dict.fromkeys(" ".join(canonical_words(m.group(1))) for m in _EN_BODY_RE.finditer(text)))
        elsewhere = [p for p in places if p.key not in bodies]
        if elsewhere and len(elsewhere) < len(places):
            places = tuple(elsewhere)
            place_tokens = {tok for p in places for tok in p.key.split()}
        bodies = tuple(b for b in bodies if b not in {p.key for p in places})
    # "Vườn chuối của HTX Lâm Phát Hưng rộng bao nhiêu?": what is asked of one named body is the
    # noun the question opens with, not the count of cooperatives; its figure must stand beside
    # that noun (see selection), or the answer is a refusal.
    head = question_head(text)
    asked = question_measures(_without_place_names(text), plain_count=not bodies)
    if asked and qualifiers:
        # The qualifier is matched on the figure itself ("phấn đấu có 60 HTX" answers "mục tiêu"):
        # its words must not be required as topic words too.
        topic = [t for t in topic if t not in _QUALIFIER_WORDS]
    terms: dict[str, float] = {t: 1.0 for t in topic}
    # Pairs of words said together, never across a comma ("… ký hợp đồng, trung tâm …").
    said = {
        pair for segment in re.split(r"[,;:()?!]|\s[-–]\s", match_text) for pair in bigrams(canonical_words(segment))
    }
    pairs = said & set(bigrams(topic)) if not english else set()
    # "bao nhiêu ha làm muối": the counted noun stands by the figure ("3.000 ha"), not by the words
    # that say what it counts ("diện tích muối"), so no pair holds it.
    counted = None if asked else counted_noun(text)  # a measure's own words ("thành viên") stay a pair
    pairs = {pair for pair in pairs if counted not in pair.split("_")} if counted else pairs
    asked_years = tuple(years(_LAW_YEAR_RE.sub(" ", text)))
    cues = " ".join(cue_words(text))
    quantity = bool(_QUANTITY_RE.search(cues)) or bool(asked and _AMOUNT_RE.search(cues))
    intent = intent_of(text, places, asked_years)
    # A comparison, a change or a ranking of cooperatives (or of a measure) is of figures, even when
    # no quantity word asks one ("bên nào nặng hơn?", "thay đổi thế nào?", "HTX nào … lớn nhất?"): a
    # sentence without one does not answer it. Elsewhere "ban đầu", "lớn nhất" ask a name.
    owners = tuple(dict.fromkeys(t for t in canonical_words(match_text) if t in ("htx", "tht", "qtdnd")))
    quantity = quantity or (intent in ("compare", "trend", "rank") and bool(asked or owners or measures))
    document = document_asked(text)
    if document is not None:
        # "… thực hiện chỉ thị số mấy …?": the number of a document is its name, not a quantity.
        asked, measures, quantity, intent = (), (), False, "which"
    # A noun counted ("bao nhiêu ha"), else an area asked without its unit (read below in hectares).
    area = None if asked or english else counted or _area_noun(text, quantity, intent)
    if area and not counted:
        # "Diện tích trồng nho … là bao nhiêu?": the hectares say the area ("có hơn 5.000 ha nho").
        terms = {t: w for t, w in terms.items() if t not in ("dien", "tich")}
        pairs = {pair for pair in pairs if not {"dien", "tich"} & set(pair.split("_"))}
    return Question(
        text=text,
        english=english,
        places=places,
        years=asked_years,
        quantity=quantity,
        terms=terms,
        measures=measures,
        pairs=tuple(sorted(pairs)),
        dates=tuple(re.findall(r"\d{1,2}/\d{1,2}/\d{4}|\d{1,2}/\d{4}", text)),
        intent=intent,
        document=document,
        asked=asked,
        noun=None if asked else (_english_noun(text) if english else area),
        qualifiers=qualifiers,
        per_month=wants_per_month(text),
        per_unit=asked_per_unit(text),
        percent=wants_percent(text),
        owner=question_owner(match_text, asked),
        owners=owners,
        unknown_places=unknown,
        organisations=bodies,
        head=head,
        nation=not places and bool(NATION_RE.search(" ".join(canonical_words(match_text)))),
        sides=compare_sides(text) if intent == "compare" and len(places) < 2 else (),
    )


# A document's number asked: "nghị quyết số mấy", "theo quyết định số bao nhiêu", "which decree".
_DOCUMENT_ASKED_RE = re.compile(
    r"\b(nghi quyet|chi thi|quyet dinh|ke hoach|thong tu|nghi dinh|cong van|ket luan|thong bao)"
    r"(?: \w+){0,2}? so (?:may|bao nhieu|nao|gi)\b"
    r"|\bwhich (resolution|directive|decision|decree|circular) number\b"
)
_DOCUMENT_KINDS = {
    "resolution": "nghi quyet",
    "directive": "chi thi",
    "decision": "quyet dinh",
    "decree": "nghi dinh",
    "circular": "thong tu",
}


def document_asked(text: str) -> str | None:
    """Return the folded kind of document whose number a question asks ("chi thi" for "chỉ thị số
    mấy"), if any."""
    match = _DOCUMENT_ASKED_RE.search(fold(nfc(text).lower()))
    if match is None:
        return None
    return match.group(1) or _DOCUMENT_KINDS[match.group(2)]


# "A và B, mỗi loại (bên, nơi) bao nhiêu?": each of two sides asked.
_EACH_SIDE_RE = re.compile(
    r"\b(?:moi|tung) (?:loai|ben|noi|nhom|khoan|xa|huyen|tinh|thon|phuong|dia phuong|vung|du an|tuyen|mo hinh)\b"
    r"|\beach of (?:them|the two)\b"
)
_EACH_BOUNDARY_RE = re.compile(r"[;:.?!]|\b(?:giua|thi|between)\b")
_SIDE_CONNECTOR_RE = re.compile(r"\b(?:hay|hoac|so voi|or|versus|vs|compared with|compared to)\b")
_SIDE_BOUNDARY_RE = re.compile(r"[,;:.?!]|\b(?:giua|thi|between)\b")
# Words that say what is compared or how, not which side: "nhiều hơn", "bên nào", "có".
_SIDE_STOPWORDS = frozenset(
    "co la cua va cac nhung mot trong o tai cho den duoc nao gi ai thi con voi nhu the khong da se dang bi "
    "tu theo tren hon nhieu it cao thap lon nho ben chenh lech the nao bao nhieu hay hoac so sanh nhat "
    "tang giam phan tram ty le muc "  # what is asked of both sides ("tăng bao nhiêu phần trăm")
    "more less higher lower than which the of in a an and or is are was were has have had does did".split()
)


NATION_RE = re.compile(r"\b(ca nuoc|toan quoc|nuoc ta|viet nam|nationwide|vietnam|national)\b")


_EACH_BODY_RE = re.compile(r"\bmoi (?:htx|hop tac xa|cong ty|doanh nghiep|don vi)\b")


def _each_body(text: str, folded: str) -> re.Match[str] | None:
    """ "Mỗi HTX …" after two bodies named ("HTX Vĩnh Hưng … và HTX CN Thanh Tùng …. Mỗi HTX bị xử
    phạt bao nhiêu?"): each of the two, not a figure per cooperative."""
    return _EACH_BODY_RE.search(folded) if len(organisations(text)) >= 2 else None


def compare_sides(text: str) -> tuple[tuple[str, ...], ...]:
    """Return the words that tell the two sides of "A hay B" / "A so với B" apart: for "Ở Kiên
    Lương, HTX Phát Tài hay HTX Tân Tiến có nhiều cán bộ … hơn?" (("phat", "tai"), ("tan", "tien",
    "can", "bo", …)); () when the question has no such pair."""
    folded = re.sub(r"[()\[\]\"“”]", " ", fold(nfc(text).lower()))
    connector = _SIDE_CONNECTOR_RE.search(folded)
    compare = re.search(r"\bso sanh\b", folded)
    if connector is None and compare is not None:
        # "So sánh A với B": the "với" (or "và") after "so sánh" parts the two sides.
        connector = re.compile(r"\b(?:voi|va)\b").search(folded, compare.end())
    each = _EACH_SIDE_RE.search(folded) or _each_body(text, folded)
    boundary = _SIDE_BOUNDARY_RE
    if connector is None and each is not None:
        # "số hồ do xã, HTX quản lý và số hồ do doanh nghiệp quản lý, mỗi loại bao nhiêu?": the
        # first side may hold a comma of its own.
        connector = next((m for m in re.finditer(r"\b(?:va|and)\b", folded[: each.start()])), None)
        boundary = _EACH_BOUNDARY_RE
    if connector is None:
        return ()
    # "A …, so với B thì …": the comma before the connector does not end side A.
    before = boundary.split(folded[: connector.start()].rstrip(" ,"))[-1]
    frame, comma, rest = before.rpartition(",")
    if comma and rest.strip() and re.match(r"\s*(?:o|tai|trong|theo|in|at)\b", frame):
        # "Ở huyện Lộc Hà (Hà Tĩnh), xã Bình Lộc và xã Mai Phụ …": where both sides are is no side.
        before = rest
    # "xã A và xã B mỗi xã có bao nhiêu HTX": side B ends where "mỗi" begins.
    end = each.start() if each is not None and each.start() > connector.end() else len(folded)
    after = _SIDE_BOUNDARY_RE.split(folded[connector.end() : end].lstrip(" ,"))[0]
    left = [w for w in dict.fromkeys(canonical_words(before)) if w not in _SIDE_STOPWORDS]
    right = [w for w in dict.fromkeys(canonical_words(after)) if w not in _SIDE_STOPWORDS]
    only_left = tuple(w for w in left if w not in right)
    only_right = tuple(w for w in right if w not in left)
    return (only_left, only_right) if only_left and only_right else ()


# What joins the two sides of a comparison of places.
_PLACE_CONNECTOR_RE = re.compile(
    r"\s*(?:,\s*)?\b(?:so với|so voi|hay là|hay|hoặc|hoac|với|voi|và|va|còn|con"
    r"|versus|vs\.?|compared (?:with|to)|than|or|and)\b\s*",
    re.IGNORECASE,
)


def _two_segments(
    text: str, mentions: Sequence[tuple[Place, int, int]]
) -> tuple[tuple[Place, int, int], tuple[Place, int, int], re.Match[str]] | None:
    """Return the first and the second place named and the last connector between them, when each
    is named in its own plain segment ("A … so với B …")."""
    ordered = sorted(mentions, key=lambda m: m[1])
    if len({m[0].key for m in ordered}) != 2:
        return None
    first = ordered[0]
    second = next(m for m in ordered if m[0].key != first[0].key)
    if any(m[0].key == first[0].key and m[1] > second[1] for m in ordered):
        return None  # a place named again after the other: no two plain segments
    last_first = max((m for m in ordered if m[0].key == first[0].key), key=lambda m: m[2])
    connectors = list(_PLACE_CONNECTOR_RE.finditer(text, last_first[2], second[1]))
    return (first, second, connectors[-1]) if connectors else None


def _asks_its_own(segment: str) -> bool:
    """Tell whether a segment asks a quantity itself ("Lạng Sơn … có bao nhiêu HTX")."""
    return bool(_QUANTITY_RE.search(" ".join(cue_words(segment))))


def first_side(text: str, mentions: Sequence[tuple[Place, int, int]]) -> tuple[str, str] | None:
    """Return the first place compared and its question without the second side's own words: for
    "Thu nhập mỗi tháng của nông dân vùng ĐBSCL so với lao động … của Vinaseed ở Hà Nam chênh nhau
    thế nào?", "Thu nhập mỗi tháng của nông dân vùng ĐBSCL chênh nhau thế nào?". The words from the
    connector to the second place are cut; None without a connector between the two places."""
    segments = _two_segments(text, mentions)
    if segments is None:
        return None
    first, second, connector = segments
    head = text[: connector.start()]
    if _asks_its_own(head):
        # "Lạng Sơn … có bao nhiêu HTX, còn Hòa Bình lũy kế tới cuối năm 2020 có bao nhiêu?": all
        # that follows is the second side's.
        return first[0].key, head.strip()
    # What follows the second place is both sides' ("… hay tỉnh Lạng Sơn có nhiều HTX hơn?").
    return first[0].key, f"{head} {text[second[2] :]}".strip()


def second_side(text: str, mentions: Sequence[tuple[Place, int, int]]) -> tuple[str, str] | None:
    """Return the second place compared and its own question when each side asks its own ("Lạng
    Sơn đến hết tháng 6/2017 có bao nhiêu HTX, còn Hòa Bình tới cuối năm 2020 có bao nhiêu HTX?"):
    the words before the first place, then those from the connector on; None otherwise."""
    segments = _two_segments(text, mentions)
    if segments is None or not _asks_its_own(text[: segments[2].start()]):
        return None
    first, second, connector = segments
    return second[0].key, f"{text[: first[1]]} {text[connector.end() :]}".strip()


# Words that end the noun a question opens with ("Thiệt hại | do nghêu chết của …"), and openers
# that mean it does not open with one ("Huyện …", "Theo …", "Ở …", "Có bao nhiêu …").
_HEAD_END = frozenset(
    "cua do ma o tai trong thuoc so voi cac nam hien la co duoc dang da tang giam thay luc sau truoc "
    "theo khi nao gi bao nhieu may the nhu va hay hoac cho nhat hon".split()
)
_HEAD_OPENERS = frozenset(
    "huyen tinh thanh tp thi quan xa phuong theo o tai trong cho xin ban co nam hien nhung cac bao may "
    "ai nao gi vi sao tai khi con va hay neu the giua dau cuoi hoi luc thang ngay tuan quy sang chieu dip vao "
    "tu den nhan sau truoc phat bieu ong ba giam pho hai mot".split()
)  # a time or an occasion first ("Giữa tháng 7/2017, …", "Phát biểu tại …, Thủ tướng cho biết …"), or
# a speaker ("Ông Phó Giám đốc HTX … nói người nuôi lợn bị lỗ bao nhiêu?"): what they said is asked


def _without_place_names(text: str) -> str:
    """Return ``text`` with the places it names blanked: "Gia Lai", "Lai Châu" say no profit (lãi)."""
    written, mentions = place_mentions(text)
    for _place, start, end in sorted(mentions, key=lambda m: -m[1]):
        written = written[:start] + " " + written[end:]
    return written


def question_head(text: str) -> tuple[str, ...]:
    """Return the folded words of the noun phrase a question opens with when it opens with one:
    ("thiet", "hai") for "Thiệt hại do nghêu chết của Tổ hợp tác Thanh Vũ … bên nào nặng hơn?",
    ("tong", "dan", "ga") for "Tổng đàn gà của tổ hợp tác … thay đổi thế nào?"; () for "Huyện X có
    bao nhiêu HTX?" or an English question. The figure asked stands next to these words."""
    if is_english(text):
        return ()
    asked = _asked_segment_head(text)
    if asked:
        return asked
    first = re.split(r"[,?:;()!\-–]", nfc(text).strip(), maxsplit=1)[0]
    tokens = canonical_words(first)
    written = first.split()
    if not tokens or tokens[0] in _HEAD_OPENERS or tokens[0] in _ENTITIES:
        return ()
    if len(written) > 1 and written[0][:1].isupper() and written[1][:1].isupper():
        return ()  # a name: "Bạc Liêu có …", "Saigon Co.op …"
    head: list[str] = []
    for token in tokens[:5]:
        if token in _HEAD_END or token[:1].isdigit():
            break
        head.append(token)
    return tuple(head[:4])


def _asked_segment_head(text: str) -> tuple[str, ...]:
    """Return the noun said right before the question word when the question asks it after a
    comma: "Mưa lớn giữa tháng 9 làm cá chết …, thiệt hại ban đầu ước bao nhiêu tiền?" asks the
    "thiệt hại", whatever the question opens with; () when that segment opens with a place, a time,
    a name or an entity of the lexicon."""
    segments = re.split(r"[,;:?!()]", nfc(text).strip())
    at = next((n for n in range(len(segments) - 1, 0, -1) if _CUE_RE.search(fold(segments[n]).lower())), None)
    if at is None:
        return ()
    before = _CUE_RE.split(fold(segments[at]).lower(), maxsplit=1)[0]
    written = segments[at].split()
    tokens = [t for t in canonical_words(before) if t not in ("va", "con", "thi", "vay")]
    if not tokens or len(tokens) > 5 or tokens[0] in _HEAD_OPENERS or tokens[0] in _ENTITIES or tokens[0] in _HEAD_END:
        return ()
    if len(written) > 1 and written[0][:1].isupper() and written[1][:1].isupper():
        return ()
    head: list[str] = []
    for token in tokens[:5]:
        if token in _HEAD_END or token[:1].isdigit():
            break
        head.append(token)
    return tuple(head[:4]) if len(head) >= 2 else ()


_CUE_RE = re.compile(r"\b(?:bao nhieu|may)\b")


# A body named in a question: "HTX dịch vụ nông nghiệp Tăng Hoà", "hợp tác xã … Đông Cao": its
# kind, up to five lowercase words of trade, then a capitalised name of two syllables or more.
_ORGANISATION_RE = re.compile(
    r"(?<!\w)(?:HTX|THT|QTDND|[Hh]ợp tác xã|[Tt]ổ hợp tác|[Cc]ông ty|[Qq]uỹ tín dụng(?: nhân dân)?)(?!\w)"
)
# Words that end a body's trade words: "các HTX ở Chợ Đồn" names a place, not a body.
_NOT_TRADE = frozenset(
    "o tai cua tren thuoc trong va co la huyen tinh xa thanh pho tp quan phuong thi tran vung nam thang "
    "nao gi bao nhieu may so nhu hay hoac voi cho den tu hien da dang se duoc bi nhung cac mot moi tung".split()
)


_NOT_TRADE_ACCENTED = frozenset(
    "ở tại của trên thuộc trong và có là huyện tỉnh xã thành phố tp quận phường thị trấn vùng năm tháng "
    "nào gì bao nhiêu mấy số như hay hoặc với cho đến từ hiện đã đang sẽ được bị những các một mỗi từng".split()
)


def _area_noun(text: str, quantity: bool, intent: str) -> str | None:
    """Return "ha" for an area asked without its unit ("Diện tích trồng thanh long của Bình Thuận
    so với Bà Rịa – Vũng Tàu chênh nhau thế nào?"): the articles give areas in hectares. A ranking
    ("HTX nào được giao ít diện tích nhất?") is read from the list that names them instead."""
    asked = quantity and intent in ("lookup", "compare")
    return "ha" if asked and re.search(r"\bdien tich\b", fold(nfc(text)).lower()) else None


# The year in a law's name is no period asked: "Luật HTX năm 2012", "the 2012 Cooperative Law".
_LAW_YEAR_RE = re.compile(
    r"\b(?:[Ll]uật|[Ll]aw)(?:\s+[^\s\d,.?]+){0,4}?\s+(?:năm\s+)?(?:19|20)\d\d\b"
    r"|\b(?:19|20)\d\d(?:\s+[A-Z]\w*){0,3}\s+[Ll]aw\b"
)
_MEETING_WORDS = r"(?:hoi nghi|hoi thao|dien dan|tong ket|so ket|review|conference|meeting|forum|workshop|summit)"
# "hội nghị tổ chức tại Cần Thơ", "the conference in Can Tho": a meeting, then where it was held.
_HELD_IN_RE = re.compile(rf"\b{_MEETING_WORDS}(?:\s+\S+){{0,4}}?\s+(?:o|tai|in|at)\s+$")
# "At the Cần Thơ review of …": the place names the meeting.
_NAMES_MEETING_RE = re.compile(rf"^\s+{_MEETING_WORDS}\b")


def _meeting_places(text: str) -> set[str]:
    """Return the keys of the places a question names only as where a meeting was held ("At the
    Cần Thơ review of the Law", "tại hội nghị ở Cần Thơ")."""
    written, mentions = place_mentions(text)
    folded = fold(written).lower()
    return {
        p.key
        for p, start, end in mentions
        if _HELD_IN_RE.search(folded[max(0, start - 50) : start])
        or (folded[max(0, start - 8) : start].endswith(("at the ", "tai ")) and _NAMES_MEETING_RE.match(folded[end:]))
    }


_EN_BODY_RE = re.compile(
    rf"\bthe ((?:[{CAPITALS}][^\s,.?!;:()]*\s+){{1,3}}?)(?:[a-z][\w-]*\s+){{0,4}}(?:co-?operative|co-?op)s?\b"
)


def organisations(text: str) -> tuple[str, ...]:
    """Return the folded proper names of the cooperatives and firms ``text`` names ("tang hoa")."""
    found: list[str] = []
    accented = has_diacritics(text)
    for match in _ORGANISATION_RE.finditer(text):
        before = text[: match.start()].rstrip().rsplit(" ", 1)[-1].lower()
        if before in ("các", "những", "số", "cac", "nhung", "so"):
            continue
        words: list[str] = []  # trade words, then the name: the last run of capitalised words
        following = re.findall(r"\S+", text[match.end() :])[:10]
        for at, word in enumerate(following):
            bare = word.rstrip(",.;:?!)")
            lower = bare.lower()
            trade_word = not bare[:1].isupper() and lower not in ("mây", "máy")
            # Accented, the word itself decides: "nuôi trồng" is a trade, "trong" (in) is not.
            stop = lower in _NOT_TRADE_ACCENTED if accented else fold(lower) in _NOT_TRADE
            if stop and fold(lower) == "va" and words and at + 1 < len(following) and following[at + 1][:1].islower():
                stop = False  # "HTX nông nghiệp và dịch vụ Safe Farm": "và" between two trades
            if not bare.isalpha() or lower == "mấy" or (trade_word and stop):
                break
            words.append(bare)
            if bare != word and not (trade_word and word == bare + ","):
                break  # a comma between trades goes on: "HTX sản xuất, kinh doanh rượu nếp Khánh Lộc"
        name: list[str] = []
        for word in reversed(words):
            if not word[:1].isupper():
                if name:
                    break
                continue
            name.insert(0, word)
        key = " ".join(canonical_words(" ".join(name)))
        if len(key.split()) >= 2 and key not in found:
            found.append(key)
    for match in _ENGLISH_BODY_RE.finditer(text):  # "the Hop Luc cooperative", "Na San farm produce cooperative"
        key = " ".join(canonical_words(match.group(1)))
        if len(key.split()) >= 2 and key not in found:
            found.append(key)
    return tuple(found)


_BODY_KIND_RE = re.compile(r"\b(?:htx|hop tac xa|to hop tac|tht|cong ty|quy tin dung)\b")


def body_sides(q: Question) -> list[tuple[str, str]]:
    """Return, for a comparison of two named bodies ("HTX cá lồng Thanh Thủy (Phú Thọ) và bè cá của
    HTX Hợp Lực (Lộc Hà, Hà Tĩnh) mỗi bên có bao nhiêu lồng?"), each body's name as written and the
    question with the other body (and the places said with it) left out; [] when the question does
    not name two bodies that way."""
    text = nfc(q.text)
    folded = fold(text).lower()
    if len(folded) != len(text) or len(q.organisations) != 2:
        return []
    spans: list[tuple[int, int, int]] = []  # kind word start, name end, end of what is said with it
    for key in q.organisations:
        # The mention that follows its kind word ("Tàu Quê Hương 2 của HTX vận tải biển Quê Hương").
        found = [
            (name, kinds[-1])
            for name in re.finditer(rf"\b{re.escape(key)}\b", folded)
            for kinds in [list(_BODY_KIND_RE.finditer(folded, max(0, name.start() - 60), name.start()))]
            if kinds
        ]
        if not found:
            return []
        name, kind = found[0]
        end = name.end()
        after = re.match(r"\s*\([^)]*\)|\s+(?:o|tai|thuoc)\s+[^,;?]*?(?=\s+va\s|[,;?]|\.(?:\s|$)|$)", folded[end:])
        spans.append((kind.start(), name.end(), end + (after.end() if after else 0)))
    (a_start, _, a_end), (b_start, _, b_end) = spans
    if a_start < b_end and b_start < a_end:
        return []
    sides = []
    for (start, name_end, _), (other_start, _, other_end) in ((spans[0], spans[1]), (spans[1], spans[0])):
        rest = text[:other_start] + " " + text[other_end:]
        rest = re.sub(r"\s+(?:và|and|với)\s*(?=[,.;?:]|\s+(?:và|and|với)\b)", " ", rest)
        sides.append((text[start:name_end], " ".join(rest.split())))
    return sides


# A body an English question names: capitalised words, then up to three trade words, then its kind.
_ENGLISH_BODY_RE = re.compile(
    r"\b((?:[A-Z][\w.'-]*\s+){1,3}[A-Z][\w.'-]*)\s+(?:[a-z-]+\s+){0,3}?(?:cooperative|co-operative|coop|co-op)\b"
)


# Where a question that asks two things turns to the second: "…, và …", "…, còn …", "… and …".
_PART_BREAK_RE = re.compile(r"(?:[?!.]|[,;]\s*(?:va|con|roi|and|while)?|\s(?:va|con|and))\s+")  # read on folded text
_NOW_RE = re.compile(r"\b(?:den nay|hien nay|hien tai|bay gio|nay con|now|today|currently)\b")
_ASKS_RE = re.compile(
    r"\b(?:bao nhieu|may|nao|la ai|ai la|khi nao|bao gio|bao lau|how many|how much|what|which|when|who|"
    r"how (?:long|large|big|far|old|high|often))\b"
)
# The country said as a place ("in Vietnam", "cả nước"), not as the end of a body's name ("Trung
# tâm Sâm Việt Nam", "Liên minh HTX Việt Nam").
_COUNTRY_AS_PLACE_RE = re.compile(
    r"\b(?:ca nuoc|toan quoc|nuoc ta|nationwide|(?:in|of|o|tai|cua) (?:viet nam|vietnam))\b"
)
_QUANTITY_ASK_RE = re.compile(r"\b(?:bao nhieu|may|how many|how much)\b")
# "Lộc Hà có bao nhiêu HTX trên địa bàn bao nhiêu xã": the second ask opens with where it is.
_WHERE_BREAK_RE = re.compile(r"\s+(?=(?:tren dia ban|tai|o|thuoc|trong|gom)\s+(?:\S+\s+){0,2}bao nhieu\b)")


def question_parts(q: Question) -> list[Question]:
    """Return the two questions a question asks one after the other ("HTX X lúc được giao quản lý
    có hơn bao nhiêu ha đất, và đến năm 1986 HTX đã cho … mượn bao nhiêu ha?"), each with the
    places and bodies of the whole; [] for a question that asks one thing."""
    folded = fold(q.text).lower()
    asks = [m.start() for m in _ASKS_RE.finditer(folded)]
    if len(asks) < 2 or len(folded) != len(q.text):
        return []
    # The last two asks part the question; an earlier one is the first part's ("fishermen who
    # belong to a cooperative: how much …, and … what engine power?").
    asks = asks[-2:]
    breaks = [m for m in _PART_BREAK_RE.finditer(folded) if asks[0] < m.start() < asks[1]]
    where = [m for m in _WHERE_BREAK_RE.finditer(folded) if asks[0] < m.start() < asks[1]]
    if not breaks and where:
        # The second ask says where the first counted thing is: it is asked of the whole subject,
        # less the first ask ("Lộc Hà có HTX trên địa bàn bao nhiêu xã?").
        ask_end = asks[0] + len(_ASKS_RE.match(folded, asks[0]).group(0))  # type: ignore[union-attr]
        first = q.text[: where[0].start()].strip()
        second = (q.text[: asks[0]] + q.text[ask_end:].lstrip()).strip()
        return _parts(q, first, second)
    if not breaks:
        return []

    # ", và …" / "; còn …" part the question, before a bare comma (which may list: "thành lập mới
    # HTX, liên hiệp HTX") and before a bare "còn" (which may be a verb: "dư nợ còn bao nhiêu").
    def strength(m: re.Match[str]) -> float:
        if m.group(0)[0] in "?!.":
            return 4  # two questions one after the other: "… bao nhiêu tiền? Tổng số tiền … là bao nhiêu?"
        mark, word = m.group(0)[0] in ",;", bool(re.search(r"\w", m.group(0)))
        bare_and = not mark and fold(m.group(0)).strip().lower() in ("va", "and")
        return 3 if mark and word else 2 if m.group(0)[0] == ";" else 1 if mark else 0.5 if bare_and else 0

    cut = max(reversed(breaks), key=strength)
    return _parts(q, q.text[: cut.start()].strip(), q.text[cut.end() :].strip())


def _parts(q: Question, first: str, second: str) -> list[Question]:
    if len(first.split()) < 3 or len(second.split()) < 2:
        return []
    parts: list[Question] = []
    texts = (first, second + ("" if second.endswith("?") else "?"))
    analysed = [analyse(text) for text in texts]
    for at, (text, part) in enumerate(zip(texts, analysed, strict=True)):
        # "… kim ngạch xuất khẩu là bao nhiêu, và … đặt mục tiêu bao nhiêu HTX?": a count said in the
        # second part only is not the first's; an amount may be ("tổng kinh phí dự tính là bao nhiêu,
        # còn … vốn đầu tư khoảng bao nhiêu?"), and one said in the first is the second's too.
        shared = q.asked if at else tuple(m for m in q.asked if not (m.counted and m in analysed[1].asked))
        parts.append(
            replace(
                part,
                places=part.places or q.places,
                # "…, how many cooperatives and how many cooperative groups are there in Vietnam?":
                # the country said once is both parts' place.
                nation=part.nation or (not part.places and bool(_COUNTRY_AS_PLACE_RE.search(fold(q.text).lower()))),
                # A body named in the first part is the second's too ("HTX X … có bao nhiêu ha, và
                # đến năm 1986 HTX đã cho mượn bao nhiêu?"); one named only in the second is not
                # the first's ("lúc doanh nghiệp góp vốn …, còn khi giao HTX An Phát thì …").
                organisations=part.organisations or (q.organisations if parts else ()),
                # "doanh thu … năm 2020 là bao nhiêu, và năm 2021 đặt chỉ tiêu tăng bao nhiêu?": the
                # measure said once is asked of both parts; a part that asks when or which
                # ("In which year was … set up, and how many members …?") asks no measure.
                asked=part.asked
                or (shared if part.noun is None and _QUANTITY_ASK_RE.search(fold(text).lower()) else ()),
                # "…cuối năm 2016, và đến nay còn bao nhiêu?": the part about now is not of 2016.
                years=part.years or (() if _NOW_RE.search(fold(text).lower()) else q.years),
                # "… giảm bao nhiêu phần trăm, còn … được giảm bao nhiêu?": the rate asked once is
                # asked of both parts.
                percent=part.percent
                or (
                    q.percent
                    and not part.asked
                    and part.noun is None
                    and not asks_money(text)  # "… đòi nợ bao nhiêu tiền?" asks a sum, not the other part's rate
                    and bool(_QUANTITY_ASK_RE.search(fold(text).lower()))
                ),
            )
        )
    return parts

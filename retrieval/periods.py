"""Reference periods of statistics ("đến hết tháng 6/2017", "10 tháng đầu năm") and years."""

from __future__ import annotations

import re

from retrieval.vietnamese import fold

YEAR_RE = re.compile(r"(?<![\d/.,])(19[5-9]\d|20\d\d)(?![\d])")
# The year of a month or a day ("tháng 6/2017", "ngày 25/5/2018"), not of a decree number
# ("Nghị định 02/2017/NĐ-CP"), which goes on with a slash.
_DATED_YEAR_RE = re.compile(r"(?<![\d/.,])(?:\d{1,2}/)?(?:0?[1-9]|1[0-2])/(19[5-9]\d|20\d\d)(?![\d/])")

# Ordered from the most to the least specific; matched on folded text, returned as written.
_PERIOD_PATTERNS = [
    r"(?:tinh |luy ke )?(?:den|toi) (?:het |cuoi )?(?:ngay )?\d{1,2}/\d{1,2}/\d{4}",
    r"(?:tinh |luy ke )?(?:den|toi) (?:het |cuoi )?(?:thang )?\d{1,2}/\d{4}",
    r"(?:tinh |luy ke )?(?:den|toi) (?:het |cuoi |dau )?nam \d{4}",
    r"(?:trong |ca )?(?:\d+|sau|chin|muoi) thang (?:dau|cuoi) nam(?: \d{4})?",
    r"quy [ivx1-4]+(?:/| nam )\d{4}",
    r"(?:giai doan|nhiem ky) \d{4} ?- ?\d{4}",
    # not the base a figure is compared with: "cao hơn năm 2020", "so với (cùng kỳ) năm 2020"
    r"(?<!so voi )(?<!hon )(?<!cung ky )(?:trong |ca )?nam \d{4}",
    r"(?:tinh )?den thoi diem hien tai|hien nay|luy ke (?:toi|den) nay|(?:tinh )?(?:den|toi) nay|trong nam|^hien",
]
_PERIOD_RES = [re.compile(rf"\b{p}\b") for p in _PERIOD_PATTERNS]


def years(text: str) -> list[int]:
    """Return the years written in ``text`` (1950-2099), in order: four digits, or a lunar year
    named after "Tết", "năm" or "xuân" ("Tết Kỷ Hợi" is 2019)."""
    found = [(m.start(), int(m.group(1))) for m in YEAR_RE.finditer(text)]
    found += [(m.start(1), int(m.group(1))) for m in _DATED_YEAR_RE.finditer(text)]
    found.sort()
    lunar = [(m.start(), _lunar_year(m.group(1).lower(), m.group(2).lower())) for m in _LUNAR_RE.finditer(text)]
    return [year for _, year in sorted(found + lunar)] if lunar else [year for _, year in found]


# The ten stems and twelve branches of a lunar year, by year % 10 and year % 12 (2019 = Kỷ Hợi).
_STEMS = ("canh", "tân", "nhâm", "quý", "giáp", "ất", "bính", "đinh", "mậu", "kỷ")
_BRANCHES = ("thân", "dậu", "tuất", "hợi", "tý", "sửu", "dần", "mão", "thìn", "tỵ", "ngọ", "mùi")
_LUNAR_RE = re.compile(
    r"\b(?:tết|năm|xuân)\s+(canh|tân|nhâm|quý|quí|giáp|ất|bính|đinh|mậu|kỷ|kỉ)\s+"
    r"(thân|dậu|tuất|hợi|tý|tí|sửu|dần|mão|mẹo|thìn|tỵ|tị|ngọ|mùi)\b",
    re.IGNORECASE,
)
_SPELLINGS = {"quí": "quý", "kỉ": "kỷ", "tí": "tý", "mẹo": "mão", "tị": "tỵ"}


def _lunar_year(stem: str, branch: str) -> int:
    """Return the year from 1990 to 2049 that has this stem and branch (once in 60 years)."""
    stem_at = _STEMS.index(_SPELLINGS.get(stem, stem))
    branch_at = _BRANCHES.index(_SPELLINGS.get(branch, branch))
    return next(y for y in range(1990, 2050) if y % 10 == stem_at and y % 12 == branch_at)


def find_period(text: str) -> str | None:
    """Return the first reference-period phrase in ``text``, as written there, or None.

    Folding keeps the length of Vietnamese text unchanged, so folded offsets map back to the
    original characters.
    """
    folded = fold(text)
    if len(folded) != len(text):
        folded = fold(text)[: len(text)]
    best: tuple[int, int, int] | None = None
    for rank, pattern in enumerate(_PERIOD_RES):
        match = pattern.search(folded)
        if match and (best is None or rank < best[2]):
            best = (match.start(), match.end(), rank)
    if best is None:
        return None
    return text[best[0] : best[1]]


_PRESENT_RE = re.compile(r"\b(hien nay|hien tai|toi nay|den nay)\b|^hien$")


def period_for(clause: str, sentence_before: str, text_before: str, doc_date: str | None) -> str | None:
    """Return the reference period of a statistic quoted from ``clause``.

    Looks in the clause, then the start of its sentence. A phrase of the present ("hiện nay",
    "đến nay") refers to the article's date; a phrase without a year ("10 tháng đầu năm", "trong
    năm") gets the nearest year the article named before it, else the article's year.
    """
    phrase = find_period(clause) or find_period(sentence_before)
    if phrase is None:
        return None
    if re.search(r"(?:19|20)\d\d", phrase):
        return phrase
    shown_date = display_date(doc_date)
    if _PRESENT_RE.search(fold(phrase)):
        return f"{phrase} (theo bài viết ngày {shown_date})" if shown_date else f"{phrase} (bài viết không rõ ngày)"
    earlier = years(text_before + " " + sentence_before)
    if earlier:
        return f"{phrase} (năm {earlier[-1]})"
    if doc_date:
        return f"{phrase} (năm {doc_date[:4]}, theo ngày bài viết)"
    return phrase


_WORD_NUMBERS = {"sau": "6", "chin": "9", "muoi": "10"}


def period_key(label: str | None) -> tuple[str, ...] | None:
    """Return what a period label of `period_for` refers to, comparable between articles, or None
    when that is not known (a present without an article date, no period at all).

    Conservative: two labels share a key only when they name the same period ("đến hết năm 2020",
    "tính đến 31/12/2020" and "đến hết tháng 12/2020" do; "năm 2020" and "đến hết năm 2020" do not;
    "hiện nay" in articles of different days do not).
    """
    if not label:
        return None
    folded = " ".join(fold(label).split())
    main, _, note = folded.partition(" (")
    main = re.sub(r"^(?:tinh |luy ke )+", "", main)
    dated = re.search(r"ngay (\d{1,2})/(\d{1,2})/(\d{4})", note)
    year = re.search(r"\b((?:19|20)\d\d)\b", main) or re.search(r"nam ((?:19|20)\d\d)", note)
    if match := re.match(r"(?:den|toi) (?:het |cuoi )?(?:ngay )?(\d{1,2})/(\d{1,2})/(\d{4})", main):
        day, month, yyyy = (int(g) for g in match.groups())
        return ("end", str(yyyy)) if (day, month) == (31, 12) else ("end", f"{yyyy}-{month:02d}-{day:02d}")
    if match := re.match(r"(?:den|toi) (?:het |cuoi )?(?:thang )?(\d{1,2})/(\d{4})", main):
        month, yyyy = (int(g) for g in match.groups())
        return ("end", str(yyyy)) if month == 12 else ("end", f"{yyyy}-{month:02d}")
    if match := re.match(r"(?:den|toi) (?:het|cuoi) nam (\d{4})", main):
        return ("end", match.group(1))
    if match := re.match(r"(?:den|toi) (dau )?nam (\d{4})", main):
        return ("start" if match.group(1) else "by", match.group(2))
    if match := re.search(r"(\d+|sau|chin|muoi) thang (dau|cuoi) nam", main):
        return (
            ("months", _WORD_NUMBERS.get(match.group(1), match.group(1)), match.group(2), year.group(1))
            if year
            else None
        )
    if match := re.match(r"quy ([ivx1-4]+)(?:/| nam )(\d{4})", main):
        return (
            "quarter",
            {"i": "1", "ii": "2", "iii": "3", "iv": "4"}.get(match.group(1), match.group(1)),
            match.group(2),
        )
    if match := re.match(r"(?:giai doan|nhiem ky) (\d{4}) ?- ?(\d{4})", main):
        return ("span", match.group(1), match.group(2))
    if re.match(r"(?:trong |ca )?nam \d{4}|trong nam\b", main):
        return ("year", year.group(1)) if year else None
    if _PRESENT_RE.search(main) and dated:
        return ("now", *dated.groups())
    return None


def display_date(iso: str | None) -> str | None:
    """Return an ISO date as Vietnamese readers write it ("2021-11-18" -> "18/11/2021"), or None."""
    if not iso:
        return None
    year, month, day = iso[:10].split("-")
    return f"{day}/{month}/{year}"

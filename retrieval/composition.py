"""Composition: the words around the quotes, per language; citations; periods in English."""

from __future__ import annotations

import re
from collections.abc import Sequence

from retrieval.measures import figures
from retrieval.models import Citation
from retrieval.periods import display_date, period_for
from retrieval.places import current_province, find_places, relation_note, within
from retrieval.questions import Question
from retrieval.selection import CHANGE_RE, Clause, asks_twice, counts
from retrieval.vietnamese import canonical_words, fold

# What the answerer says in its own words, by the language of the question.
TEXTS = {
    "vi": {
        "quote": "{marked}",
        "also": " Cùng số liệu: {markers}.",
        "sources": "",
        "source_quote": "{marked}",
        "gap": "Các bài viết chưa có số liệu cho thời điểm bạn hỏi. Số liệu gần nhất: ",
        "target_only": "Số liệu dưới đây là mục tiêu (chỉ tiêu) bài viết nêu, không phải số liệu đã đạt: ",
        "period": "\nThời điểm của số liệu: {period}.",
        "period_inline": " (thời điểm: {period})",
        "compare": "So sánh theo các bài viết:",
        "larger": "→ {a} cao hơn {b} ({va} so với {vb}; lưu ý thời điểm của từng số liệu).",
        "equal": "→ Hai số liệu bằng nhau ({va}).",
        "highest_of": "→ Cao nhất: {a} ({va}; lưu ý thời điểm của từng số liệu).",
        "lowest_of": "→ Thấp nhất: {a} ({va}; lưu ý thời điểm của từng số liệu).",
        "highest_item": "→ Lớn nhất trong câu trích: «{item}».",
        "lowest_item": "→ Nhỏ nhất trong câu trích: «{item}».",
        "trend": "Diễn biến theo các bài viết:",
        "rank": "Xếp hạng theo các số liệu trong các bài viết ({measure}, {order}):",
        "rank_most": "nhiều nhất trước",
        "rank_least": "ít nhất trước",
        "rank_top_most": "→ Nhiều nhất trong các số liệu này: {place} ({value}).",
        "rank_top_least": "→ Ít nhất trong các số liệu này: {place} ({value}).",
        "rank_more": "Các bài viết còn có số liệu của {count} nơi khác.",
        "mixed_periods": "Lưu ý: các số liệu thuộc những thời điểm khác nhau, nên thứ hạng chỉ mang tính tham khảo.",
        "no_figure": "các bài viết không có số liệu.",
        "no_place": "Xin lỗi, các bài viết hiện có không có số liệu về {place}.",
        "no_measure": "Xin lỗi, các bài viết hiện có không có số liệu về {measure}{where}.",
        "no_answer": "Xin lỗi, các bài viết hiện có không có thông tin để trả lời câu hỏi này.",
        "covers": "\nDữ liệu hiện có nói về:\n{places}",
        "suggest": "{place} có bao nhiêu HTX?",
        "stale": "Xin lỗi, các bài viết hiện có không có giá của hôm nay: giá thay đổi từng ngày, "
        "và các bài viết chỉ có giá của những ngày đã qua.",
        "small_talk": "Xin chào! Tôi trả lời các câu hỏi về số liệu hợp tác xã (HTX), tổ hợp tác và kinh tế "
        'tập thể theo các bài báo, kèm nguồn. Ví dụ: "Huyện Chợ Đồn có bao nhiêu HTX?"',
        "about": " Lưu ý: {note}.",
        "part_of": "Các bài viết không có số liệu chung cho {asked}; số liệu dưới đây là của {subject} "
        "(nay là một phần của {asked}): ",
        "joint": "Các bài viết không có số liệu riêng cho {asked}; số liệu dưới đây là của {subject} (tính chung): ",
        "inside": " Các bài viết chỉ có số liệu riêng của: {places}.",
        "conflict": "Các bài viết đưa ra số liệu khác nhau cho cùng nơi và cùng thời điểm:",
        "conflict_line": "- Theo {source}: {quote}",
        "conflict_end": "Các nguồn không thống nhất; chưa thể khẳng định số liệu nào đúng.",
        "undated": "bài viết không rõ ngày",
        "dated": "bài viết ngày {date}",
    },
    "en": {
        "quote": 'According to the source [1]: "{quote}"',
        "also": " The same figure is reported in {markers}.",
        "sources": "According to the sources: ",
        "source_quote": '"{quote}" [{number}]',
        "gap": "The articles hold no figure for the period you asked about. The latest one: ",
        "target_only": "This figure is a target the article sets, not an achieved one: ",
        "period": " Reference period: {period}.",
        "period_inline": " (period: {period})",
        "compare": "Comparison from the articles:",
        "larger": "→ {a} is higher than {b} ({va} against {vb}; mind the period of each figure).",
        "equal": "→ Both figures are equal ({va}).",
        "highest_of": "→ Highest: {a} ({va}; mind the period of each figure).",
        "lowest_of": "→ Lowest: {a} ({va}; mind the period of each figure).",
        "highest_item": "→ Largest in the quote: «{item}».",
        "lowest_item": "→ Smallest in the quote: «{item}».",
        "trend": "How it changed, from the articles:",
        "rank": "Ranking from the figures in the articles ({measure}, {order}):",
        "rank_most": "highest first",
        "rank_least": "lowest first",
        "rank_top_most": "→ Highest of these figures: {place} ({value}).",
        "rank_top_least": "→ Lowest of these figures: {place} ({value}).",
        "rank_more": "The articles also give figures for {count} other places.",
        "mixed_periods": "Note: the figures are of different periods, so the ranking is only indicative.",
        "no_figure": "the articles hold no figure.",
        "no_place": "Sorry, the articles I have hold no figure for {place}.",
        "no_measure": "Sorry, the articles I have hold no figure for {measure}{where}.",
        "no_answer": "Sorry, the articles I have do not answer this question.",
        "covers": "\nThey cover:\n{places}",
        "suggest": "How many cooperatives does {place} have?",
        "stale": "Sorry, the articles I have hold no price of today: prices change from day to day, "
        "and the articles only give prices of days gone by.",
        "small_talk": "Hello! I answer questions about cooperative (HTX) statistics from news articles, with "
        'sources. For example: "How many cooperatives are there in Cho Don district?"',
        "about": " Note: {note}.",
        "part_of": "The articles hold no figure for the whole of {asked}; this figure is for {subject} "
        "(now part of {asked}): ",
        "joint": "The articles hold no figure for {asked} alone; this figure is for {subject} together: ",
        "inside": " The articles only have figures for places within it: {places}.",
        "conflict": "The articles give different figures for the same place and period:",
        "conflict_line": "- According to {source}: {quote}",
        "conflict_end": "The sources disagree; it cannot be said which figure is right.",
        "undated": "article undated",
        "dated": "article of {date}",
    },
}


def texts_for(q: Question) -> dict[str, str]:
    """Return the answer texts in the question's language."""
    return TEXTS["en" if q.english else "vi"]


def place_now(place_text: str | None) -> str | None:
    """Return an article's place with the 2025 province that holds it now: "Huyện Chợ Đồn, tỉnh Bắc
    Kạn (nay thuộc tỉnh Thái Nguyên)"; unchanged when the unit did not change or is unknown."""
    if not place_text:
        return place_text
    places = [p for p in find_places(place_text) if not p.qualifier] or find_places(place_text)
    if not places:
        return place_text
    now = current_province(places[0])
    if now is None or fold(now) == fold(places[0].name) and places[0].kind in (None, "province"):
        return place_text
    return f"{place_text} (nay thuộc tỉnh {now})"


def place_notes(q: Question, clauses: Sequence[Clause]) -> list[str]:
    """Return how the places of an answer map onto the 2025 units: the place asked, and the place a
    quoted figure is about when it is not the one asked (old Bắc Kạn for "tỉnh Thái Nguyên")."""
    lang = "en" if q.english else "vi"
    notes: list[str] = []
    for place in q.places:
        note = relation_note(place, lang, dated=False)
        if note and note not in notes:
            notes.append(note)
    for clause in clauses:
        subjects = clause.subjects()
        if any(p.compatible(s) for p in q.places for s in subjects):
            continue
        for subject in subjects:
            if q.places:
                note = relation_note(subject, lang, dated=False)
                if note and note not in notes:
                    notes.append(note)
    return notes


def part_of_lead(q: Question, clauses: Sequence[Clause]) -> str:
    """Return the lead that says a figure is for an old unit inside the 2025 province asked, or ""."""
    texts = texts_for(q)
    subjects = clauses[0].subjects()
    for asked in q.places:
        if any(asked.compatible(s) for s in subjects):
            return ""
        # Only a unit inside the asked one; a sentence that names the body asked is not labelled.
        joint = next((s for s in subjects if asked.shares(s)), None)
        if joint is not None:
            asked_label = asked.name if q.english else asked.label()
            return texts["joint"].format(asked=asked_label, subject=joint.name if q.english else joint.label())
        inside = next((s for s in subjects if s.key != asked.key and within(s, asked)), None)
        if inside is not None:
            asked_label = asked.name if q.english else asked.label()
            subject_label = inside.name if q.english else inside.label()
            return texts["part_of"].format(asked=asked_label, subject=subject_label)
    return ""


def cite(clauses: Sequence[Clause], q: Question | None = None) -> tuple[Citation, str | None]:
    """Return the citation of the quoted clauses and the period of their figure."""
    first = clauses[0]
    document = first.document
    # The citation holds all the answer quotes: the whole sentence when that is what is quoted.
    quote = " … ".join(c.sentence if q is not None and quoted_span(c, q) == c.sentence else c.text for c in clauses)
    period = period_for(first.text, first.before, first.context, document.date)
    for clause in clauses[1:]:
        if period is not None:
            break
        # The sentence quoted before the figure's for its subject may name no period.
        period = period_for(clause.text, clause.before, clause.context, document.date)
    if period and q is not None and q.english:
        period = english_period(period)
    citation = Citation(
        source=document.cited_as,
        title=document.title,
        date=document.date,
        place=place_now(document.place),
        url=document.url,
        quote=quote,
        chunk_id=first.passage.chunk_id,
        paper=document.paper,
    )
    return citation, period


def source_of(clause: Clause, q: Question) -> str:
    """Return a quoted clause's source in words: its paper and its date ("Báo Lạng Sơn, bài viết
    ngày 27/07/2017"); no title, whose numbers are not the passage's."""
    texts = texts_for(q)
    shown = display_date(clause.document.date)
    dated = texts["dated"].format(date=shown) if shown else texts["undated"]
    return ", ".join(part for part in (clause.document.paper, dated) if part)


def quote_of(clause: Clause, q: Question) -> str:
    """Return what is quoted of a clause: the clause, cut after the part that answers, never a
    fragment without the figure or too short to stand alone (then the whole sentence)."""
    return sentence_case(as_sentence(quoted_span(clause, q)))


def quoted_span(clause: Clause, q: Question) -> str:
    """Return the verbatim text ``quote_of`` quotes: the trimmed clause or its whole sentence."""
    if not (q.quantity or q.asked):
        # A who / what / where question: its answer may sit in another clause of the sentence.
        return clause.sentence
    text = trim(clause.text, q)
    # A clause that opens with its figure ("…; trên 940 hợp tác xã thành lập mới; 222 hợp tác xã
    # chuyển đổi …") has its subject in the clauses before it: the whole sentence is quoted.
    stated = figures(text)
    opens = bool(clause.before) and bool(stated) and stated[0].position <= 2
    if len(text.split()) < 4 or (q.quantity and not any(ch.isdigit() for ch in text)) or opens:
        return clause.sentence
    return text


def trim(text: str, q: Question) -> str:
    """Cut a long clause after the part that answers: "Hiện nay, huyện Chợ Đồn có 42 HTX, các HTX
    của huyện đã chủ động …" becomes "Hiện nay, huyện Chợ Đồn có 42 HTX". The result is a verbatim
    prefix of the clause that keeps the figure asked."""
    segments = text.split(", ")
    if len(text) < 120 or len(segments) < 2:
        return text
    names = {m.name for m in q.asked}
    keep = -1
    twice = asks_twice(q)
    for n, segment in enumerate(segments):
        if twice:  # "bao nhiêu xe buýt và bao nhiêu lượt khách": both figures stay
            holds = bool(figures(segment))
        elif q.percent:  # a share asked: the rate is the answer ("… có 5.500 HTX, …, chiếm 50%")
            holds = any(f.unit == "percent" for f in figures(segment))
        elif names:
            holds = any(f.measure in names for f in figures(segment))
        elif q.measures:
            holds = any(counts(segment, m) for m in q.measures)
        else:
            holds = bool(set(canonical_words(segment)) & set(q.terms))
        if holds:
            keep = n
    if keep < 0:
        return text
    if q.intent == "trend":
        # "… là 11 tỷ đồng, tăng 4 tỷ đồng, …": the change said of the figure stays with it.
        while keep + 1 < len(segments) and CHANGE_RE.match(" ".join(canonical_words(segments[keep + 1]))):
            keep += 1
    # "Với mức đầu tư khoảng 1,8 tỷ đồng một chiếc, xe buýt 2 tầng, có sức chở 120 người được đưa vào
    # hoạt động …": a segment that opens with a verb is the predicate of the one before; the quote
    # never stops at a subject without it.
    while keep + 1 < len(segments) and _PREDICATE_RE.match(" ".join(canonical_words(segments[keep + 1]))):
        keep += 1
    trimmed = ", ".join(segments[: keep + 1])
    if len(trimmed.split()) < 5:
        return text
    return trimmed if len(text) - len(trimmed) > 30 else text


# A verb that opens the predicate, or a restatement of the figure before it ("3,8 triệu đồng/năm,
# tức 317.000đ/người/tháng", "tương đương 15%"): the quote keeps it.
_PREDICATE_RE = re.compile(r"(?:co|duoc|la|da|se|dang|bi|van|deu|dat|chiem|tuc|tuong duong|nghia la)\b")

_EN_PERIODS = (
    (r"^(?:tinh |luy ke )?(?:den|toi) (?:het |cuoi )?(?:ngay )?(\d{1,2}/\d{1,2}/\d{4})", "as of {0}"),
    (r"^(?:tinh |luy ke )?(?:den|toi) (?:het |cuoi )?(?:thang )?(\d{1,2}/\d{4})", "as of the end of {0}"),
    (r"^(?:tinh |luy ke )?(?:den|toi) (?:het |cuoi )?nam (\d{4})", "as of the end of {0}"),
    (r"^(?:tinh |luy ke )?(?:den|toi) dau nam (\d{4})", "as of the start of {0}"),
    (r"^(?:trong |ca )?(\d+|sau|chin|muoi) thang dau nam(?: (\d{4}))?", "first {0} months of the year {1}"),
    (r"^(?:trong |ca )?(\d+|sau|chin|muoi) thang cuoi nam(?: (\d{4}))?", "last {0} months of the year {1}"),
    (r"^quy ([ivx1-4]+)(?:/| nam )(\d{4})", "quarter {0} of {1}"),
    (r"^(?:giai doan|nhiem ky) (\d{4}) ?- ?(\d{4})", "the period {0}-{1}"),
    (r"^(?:trong |ca )?nam (\d{4})", "the year {0}"),
    (r"^trong nam", "during the year"),
    (
        r"^(?:tinh )?den thoi diem hien tai|^hien nay|^luy ke (?:toi|den) nay|^(?:tinh )?(?:den|toi) nay|^hien",
        "currently",
    ),
)
_EN_NUMBERS = {"sau": "6", "chin": "9", "muoi": "10"}


def english_period(period: str) -> str:
    """Translate a Vietnamese period label for an English answer, keeping the Vietnamese in quotes."""
    folded = fold(period).lower().strip()
    main, _, rest = folded.partition(" (")
    english = None
    for pattern, template in _EN_PERIODS:
        match = re.match(pattern, main)
        if match:
            groups = [_EN_NUMBERS.get(g, g) if g else "" for g in match.groups()]
            english = template.format(*groups).replace(" year ", " year ").strip()
            english = re.sub(r"\s+", " ", english)
            break
    if english is None:
        return f'"{period}"'
    note = ""
    date = re.search(r"ngay (\d{1,2}/\d{1,2}/\d{4})", rest)
    year = re.search(r"nam (\d{4})", rest)
    if date:
        note = f" (article of {date.group(1)})"
    elif "khong ro ngay" in rest:
        note = " (article undated)"
    elif year:
        note = f" ({year.group(1)})"
    return f'{english}{note} — "{period}"'


def as_sentence(text: str) -> str:
    """End a quote with a full stop."""
    text = text.strip().rstrip(",;:")
    return text if text.endswith((".", "!", "?", "…")) else text + "."


def capitalise(text: str) -> str:
    """Upper-case the first letter."""
    return text[:1].upper() + text[1:]


def sentence_case(text: str) -> str:
    """Strip and capitalise."""
    return capitalise(text.strip())


def nested_quotes(text: str) -> str:
    """Turn the double quotation marks of a quote into single ones, for an answer that puts the
    quote itself in double quotation marks: '" Bè cá gồm 39 lồng … ", người này nói' becomes
    "'Bè cá gồm 39 lồng …', người này nói" (scraped pages space their marks; they alternate)."""
    opening = True

    def mark(match: re.Match[str]) -> str:
        nonlocal opening
        before, after = match.group(1), match.group(2)
        out = (before + "'") if opening else ("'" + after)
        opening = not opening
        return out

    text = re.sub(r'(\s*)"(\s*)', mark, text)
    return text.translate({ord("“"): "‘", ord("”"): "’"})


def marker(text: str, number: int) -> str:
    """Put the citation marker before the final full stop: "… 42 HTX [1]."."""
    text = text.rstrip()
    if text.endswith("."):
        return f"{text[:-1]} [{number}]."
    return f"{text} [{number}]"


def stream_pieces(text: str, words: int = 3) -> list[str]:
    """Cut an answer into small pieces for streaming, keeping the spaces and line breaks."""
    tokens = re.findall(r"\S+\s*", text)
    return ["".join(tokens[i : i + words]) for i in range(0, len(tokens), words)]

"""The extractive answerer: follow-ups, sentence selection, reference periods, citations, refusals.

Deterministic and LLM-free: every figure in an answer is quoted from a passage, and when the
passages do not hold the answer (an unknown place, an unrelated topic) it says so.
"""

from __future__ import annotations

import asyncio
import math
import re
import time
from collections.abc import Sequence
from datetime import date
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Protocol

from retrieval.chunking import split_sentences
from retrieval.errors import InputError
from retrieval.models import Answer, Citation, Document, Passage
from retrieval.periods import period_for, years
from retrieval.places import Place, find_places
from retrieval.vietnamese import bigrams, canonical_words, fold, is_english, nfc, numbers

MAX_QUESTION_CHARS = 2000


class SearchIndex(Protocol):
    """What the answerer needs of an index."""

    def search(self, query: str, k: int | None = None, *, lexical_query: str | None = None) -> list[Passage]:
        """Return ranked passages."""

    def document(self, doc_id: str) -> Document | None:
        """Return a document by id."""

    def covered_places(self, limit: int = 8) -> list[str]:
        """Return the places most documents are about."""


# --- question analysis -------------------------------------------------------------------------

# Folded function words and question words that carry no topic.
_STOPWORDS = frozenset("""
co la cua va cac nhung mot trong o tai cho den duoc may gi nao ai thi sao con ve voi
so sanh tong nhu the nao khong da se dang bi tu theo tren duoi ra vao nay do kia hay hoac ma neu vay
huyen tinh thi xa tp dia ban toan bay gio hom nam thang ngay hien het
how many much what which who when where is are was were the of in there does do did a an to for on by and
or with at from as be been has have had that this it its their than about
""".split())

_QUANTITY_RE = re.compile(r"\b(bao nhieu|may|so luong|tong so|how many|how much|number of|so (?:htx|tht|qtdnd|lhhtx))\b")
_FOLLOWUP_RE = re.compile(r"^(con|the con|vay con|va|con o|what about|and|how about)\b|\b(thi sao|the nao|thi bao nhieu)\b")
_COMPARE_RE = re.compile(r"\b(so sanh|compare|comparison|hon hay|nhieu hon|it hon)\b")

# English question words mapped to the Vietnamese terms the articles use (for matching only).
_GLOSSARY = {
    "cooperatives": "hợp tác xã HTX", "cooperative": "hợp tác xã HTX", "co-operatives": "hợp tác xã HTX",
    "groups": "tổ hợp tác", "group": "tổ hợp tác", "collective": "kinh tế tập thể", "district": "huyện",
    "province": "tỉnh", "city": "thành phố", "members": "thành viên", "member": "thành viên",
    "workers": "lao động", "labourers": "lao động", "laborers": "lao động", "employees": "lao động",
    "revenue": "doanh thu", "turnover": "doanh thu", "profit": "lợi nhuận lãi", "profits": "lợi nhuận lãi",
    "income": "thu nhập", "capital": "vốn", "new": "mới", "newly": "mới", "founded": "thành lập",
    "established": "thành lập", "created": "thành lập", "set": "thành lập", "average": "bình quân",
    "products": "sản phẩm", "product": "sản phẩm", "agricultural": "nông nghiệp", "agriculture": "nông nghiệp",
    "credit": "quỹ tín dụng nhân dân", "funds": "quỹ", "training": "tập huấn", "courses": "lớp",
    "classes": "lớp", "target": "chỉ tiêu mục tiêu", "year": "năm", "first": "đầu", "half": "6 tháng",
    "total": "tổng", "operating": "hoạt động", "active": "hoạt động", "head": "trưởng đoàn", "led": "trưởng đoàn",
}


# What a count is of: the word after a number ("42 HTX", "11 lớp"), canonical and folded.
_ENTITIES = frozenset({"htx", "tht", "qtdnd", "lhhtx"})
# Qualifiers that turn a stock ("có 42 HTX") into a flow or a target ("thành lập mới", "phấn đấu").
_QUALIFIERS = (("thanh lap", "moi"), ("phan dau", "muc tieu", "chi tieu", "ke hoach", "den nam"),
               ("chua", "khong"))


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

    @property
    def match_text(self) -> str:
        """Return the Vietnamese-side text used for lexical matching."""
        return _translate(self.text) if self.english else self.text


def _translate(text: str) -> str:
    """Return an English question with its domain words followed by their Vietnamese terms."""
    extra = [_GLOSSARY[w] for w in re.findall(r"[a-z-]+", text.lower()) if w in _GLOSSARY]
    return text + " " + " ".join(extra)


def _measures(tokens: list[str]) -> tuple[str, ...]:
    """Return what the question counts: the word after "bao nhiêu" / "mấy" ("bao nhiêu HTX")."""
    found: list[str] = []
    for i, token in enumerate(tokens):
        if token in ("nhieu", "may", "so") and i + 1 < len(tokens) and (token != "so" or tokens[i + 1] in _ENTITIES):
            following = tokens[i + 1]
            if following not in _STOPWORDS and following not in ("moi", "nam", "phan", "lan") \
                    and following not in found:
                found.append(following)
    return tuple(found)


# Question phrases and reporting verbs that say nothing of the topic.
_STOP_PHRASES = re.compile(r"\b(bao nhieu|nhu the nao|thi sao|hien nay|so sanh|how many|how much|la gi|thanh pho|"
                           r"bao cao|cho biet|thong tin|so lieu|moi nam)\b")


def _topic_tokens(tokens: list[str], places: Sequence[Place]) -> list[str]:
    """Drop place names (with their unit word), question phrases and function words."""
    joined = " " + " ".join(tokens) + " "
    for place in places:
        joined = re.sub(rf" (?:(?:thanh pho|tinh|huyen|quan|thi xa|tp) )?{re.escape(place.key)}"
                        rf"(?: (?:district|province|city))? ", " ", joined, count=1)
    joined = _STOP_PHRASES.sub(" ", joined)
    return [t for t in joined.split() if t not in _STOPWORDS and not t.isdigit()]


def analyse(text: str) -> Question:
    """Read the places, years, quantity cue, counted measures and topic terms of a question."""
    english = is_english(text)
    match_text = _translate(text) if english else text
    places = tuple(find_places(text))
    place_tokens = {tok for p in places for tok in p.key.split()}
    if english:
        after = re.search(r"\b(?:many|much)((?:\s+[a-z-]+){1,3})", text.lower())
        nouns = [_GLOSSARY.get(w, "") for w in (after.group(1).split() if after else [])]
        measures = tuple(dict.fromkeys(m for m in canonical_words(" ".join(nouns)) if m in _ENTITIES))
        tokens = canonical_words(match_text[len(text):]) + [t for t in canonical_words(text) if t in place_tokens]
    else:
        tokens = canonical_words(match_text)
        measures = _measures(tokens)
    topic = _topic_tokens(tokens, places)
    terms: dict[str, float] = {t: 1.0 for t in topic}
    pairs = set(bigrams(tokens)) & set(bigrams(topic)) if not english else set()
    return Question(text=text, english=english, places=places, years=tuple(years(text)),
                    quantity=bool(_QUANTITY_RE.search(" ".join(canonical_words(text)))), terms=terms,
                    measures=measures, pairs=tuple(sorted(pairs)), dates=tuple(re.findall(r"\d{1,2}/\d{1,2}/\d{4}|\d{1,2}/\d{4}", text)))


# --- follow-ups --------------------------------------------------------------------------------

_MEASURES = ("to hop tac", "tht", "hop tac xa", "htx", "thanh vien", "lao dong", "doanh thu", "loi nhuan",
             "von", "san pham", "quy tin dung", "lien hiep")


def resolve_followup(question: str, history: Sequence[dict] | None) -> str:
    """Turn a follow-up ("Còn thành phố Bắc Kạn thì sao?") into a standalone question.

    The place, year or measure named in the follow-up replaces the one in the previous question;
    a question that already stands on its own is returned unchanged.
    """
    previous = [nfc(str(turn.get("content", ""))).strip() for turn in history or []
                if turn.get("role") == "user" and str(turn.get("content", "")).strip()]
    if not previous:
        return question
    base = previous[0]
    for earlier in previous[1:]:
        base = _merge(base, earlier)
    return _merge(base, question)


def _merge(base: str, question: str) -> str:
    folded = " ".join(canonical_words(question))
    new_places = find_places(question)
    new_years = years(question)
    asks_quantity = bool(_QUANTITY_RE.search(folded))
    words = [w for w in folded.split() if w not in _STOPWORDS]
    looks_followup = bool(_FOLLOWUP_RE.search(folded)) or len(words) <= 3
    if not looks_followup or (new_places and asks_quantity and len(words) > 4):
        return question
    merged = base
    if new_places:
        old_places = find_places(base)
        if old_places:
            merged = _replace_place(merged, old_places[0], new_places[0])
        else:
            merged = f"{merged.rstrip('?. ')} ở {new_places[0].label()}?"
    if new_years:
        old_years = years(base)
        merged = merged.replace(str(old_years[0]), str(new_years[0])) if old_years else \
            f"{merged.rstrip('?. ')} năm {new_years[0]}?"
    measure = next((m for m in _MEASURES if re.search(rf"\b{m}\b", folded)), None)
    if measure and not new_places:
        merged = _replace_measure(merged, question, measure)
    return merged


def _replace_place(text: str, old: Place, new: Place) -> str:
    """Replace the mention of ``old`` (with its unit word) in ``text`` by ``new``."""
    pattern = re.compile(r"(?:(?:thành phố|tỉnh|huyện|quận|thị xã|tp\.?)\s+)?" +
                         r"\s+".join(re.escape(w) for w in old.name.split()), re.IGNORECASE)
    if pattern.search(text):
        return pattern.sub(new.label(), text, count=1)
    return f"{text.rstrip('?. ')} ở {new.label()}?"


_MEASURE_WORDS = {
    "to hop tac": "tổ hợp tác", "tht": "tổ hợp tác", "hop tac xa": "hợp tác xã", "htx": "HTX",
    "thanh vien": "thành viên", "lao dong": "lao động", "doanh thu": "doanh thu", "loi nhuan": "lợi nhuận",
    "von": "vốn", "san pham": "sản phẩm", "quy tin dung": "quỹ tín dụng nhân dân", "lien hiep": "liên hiệp HTX",
}


def _replace_measure(base: str, question: str, measure: str) -> str:
    """Swap the measure the previous question asked about for the one the follow-up names."""
    new_word = _MEASURE_WORDS[measure]
    pattern = re.compile(r"\b(HTX|hợp tác xã|tổ hợp tác|THT|thành viên|lao động|doanh thu|lợi nhuận|vốn)\b",
                         re.IGNORECASE)
    if pattern.search(base):
        return pattern.sub(new_word, base, count=1)
    return f"{base.rstrip('?. ')} {new_word}?"


# --- candidate clauses -------------------------------------------------------------------------

@dataclass(frozen=True)
class Clause:
    """A quotable piece of a sentence, with where it comes from."""

    text: str
    sentence: str
    before: str  # the sentence up to this clause
    context: str  # the passage text before this sentence
    passage: Passage
    rank: int
    document: Document

    def scope(self) -> list[Place]:
        """Return the places the clause speaks of: named in it, earlier in its sentence or
        passage, else the article's place."""
        for text in (self.text, self.before, self.context[-400:]):
            places = find_places(text)
            if places:
                return places
        return find_places(self.document.place) if self.document.place else []


def _clauses(passage: Passage, rank: int, document: Document) -> list[Clause]:
    out = []
    flat = " ".join(document.text.split())
    start = flat.find(passage.text[:80])
    # What the article says before the passage: its places and years give the clauses their scope.
    context = flat[max(0, start - 1500): start] if start > 0 else ""
    for sentence in split_sentences(" ".join(passage.text.split("\n"))):
        parts = [p.strip() for p in re.split(r";\s+", sentence) if p.strip()]
        before = ""
        for part in parts:
            out.append(Clause(part.rstrip(";").strip(), sentence, before, context, passage, rank, document))
            before = f"{before} {part}".strip()
        context = f"{context} {sentence}".strip()
    return out


@lru_cache(maxsize=16384)
def _clause_terms(text: str) -> frozenset[str]:
    tokens = canonical_words(text)
    return frozenset(tokens) | frozenset(bigrams(tokens))


_TODAY_RE = re.compile(r"\b(hom nay|today|right now)\b")


def _asks_price(text: str) -> bool:
    """Tell whether a question asks a price, a figure only true on its article's day."""
    text = nfc(text).lower()
    if re.search(r"\b(giá|prices?|exchange rate)\b", text):
        return True
    # Typed without diacritics, "gia" is also "tham gia", "quốc gia", "gia đình", "gia tăng"...
    return fold(text) == text and bool(
        re.search(r"(?<!tham )(?<!quoc )\bgia\b(?! (?:dinh|tang|tri|han|nhap|hoa))", text))


def _fresh(document: Document, days: int) -> bool:
    """Tell whether an article is dated within ``days`` of today."""
    try:
        return bool(document.date) and (date.today() - date.fromisoformat(document.date[:10])).days <= days
    except ValueError:
        return False


def _has_figure(text: str) -> bool:
    return any(not (len(n) == 4 and n.startswith(("19", "20"))) for n in numbers(text))


# --- the answerer ------------------------------------------------------------------------------

@dataclass(frozen=True)
class AnswerConfig:
    """Thresholds of the extractive answerer."""

    passages: int = 10  # returned with the answer (hit@k, the results format)
    read: int = 6  # passages whose sentences are candidates
    min_coverage: float = 0.45  # share of the question's topic weight a quote must cover
    fresh_days: int = 7  # how old an article's price may be to answer "giá ... hôm nay"
    max_question_chars: int = MAX_QUESTION_CHARS


class ExtractiveAnswerer:
    """Answers from the passages alone by quoting the sentence that holds the figure."""

    def __init__(self, index: SearchIndex, config: AnswerConfig | None = None):
        self.index = index
        self.config = config or AnswerConfig()

    def answer(self, question: str, history: Sequence[dict] | None = None) -> Answer:
        """Answer ``question`` (a follow-up when ``history`` holds earlier turns)."""
        started = time.perf_counter()
        question = validate_question(question, self.config.max_question_chars)
        standalone = resolve_followup(strip_instructions(question), history)
        q = analyse(standalone)
        passages = self.index.search(standalone, self.config.passages, lexical_query=q.match_text)
        if _COMPARE_RE.search(" ".join(canonical_words(standalone))) and len(q.places) >= 2 \
                or len(q.places) >= 2 and re.search(r"\b(va|and|voi)\b", " ".join(canonical_words(standalone))) \
                and q.quantity:
            answer = self._compare(q, passages)
        else:
            answer = self._single(q, passages)
        return replace(answer, question=question, standalone_question=standalone,
                       latency_ms=(time.perf_counter() - started) * 1000)

    async def astream(self, question: str, history: Sequence[dict] | None = None):
        """Yield ("delta", text) pieces of the answer, then ("final", Answer) — the streaming shape
        the LLM answerer has too."""
        answer = await asyncio.to_thread(self.answer, question, history)
        for piece in stream_pieces(answer.text):
            yield "delta", piece
        yield "final", answer

    # one question, one (or two) quotes
    def _single(self, q: Question, passages: list[Passage]) -> Answer:
        pick = self._select(q, passages, q.places)
        if isinstance(pick, str):
            return self._refuse(q, passages, pick)
        clauses, temporal_gap = pick
        citation, period = self._cite(clauses)
        texts = _TEXTS["en" if q.english else "vi"]
        short = _sentence_case(" ".join(_as_sentence(_trim(c.text, q)) for c in clauses))
        text = (texts["gap"] if temporal_gap else "") + texts["quote"].format(quote=short, marked=_marker(short, 1))
        if period:
            text += texts["period"].format(period=period)
        return Answer(question=q.text, text=text, found=True, citations=(citation,), passages=tuple(passages),
                      period=period, language="en" if q.english else "vi")

    def _compare(self, q: Question, passages: list[Passage]) -> Answer:
        lines, citations, missing = [], [], []
        periods = []
        texts = _TEXTS["en" if q.english else "vi"]
        for place in q.places:
            query = q.text
            for other in q.places:
                if other != place:
                    query = re.sub(re.escape(other.name), " ", query, flags=re.IGNORECASE)
            sub = analyse(query)
            sub = replace(sub, places=(place,))
            pick = self._select(sub, self.index.search(query, self.config.passages, lexical_query=sub.match_text)
                                + passages, (place,))
            if isinstance(pick, str):
                missing.append(place)
                continue
            clauses, _ = pick
            citation, period = self._cite(clauses)
            number = len(citations) + 1
            if any(c.source == citation.source for c in citations):
                number = next(i for i, c in enumerate(citations, 1) if c.source == citation.source)
            else:
                citations.append(citation)
            quote = " ".join(_as_sentence(_trim(c.text, sub)) for c in clauses)
            line = f"- {_capitalise(place.label())}: {_marker(_sentence_case(quote), number)}"
            if period:
                line += texts["period_inline"].format(period=period)
                periods.append(period)
            lines.append(line)
        if not citations:
            return self._refuse(q, passages, "place" if missing else "topic", missing[0] if missing else None)
        for place in missing:
            lines.append(f"- {_capitalise(place.label())}: {texts['no_figure']}")
        return Answer(question=q.text, text=texts["compare"] + "\n" + "\n".join(lines), found=True, citations=tuple(citations),
                      passages=tuple(passages), period="; ".join(periods) or None,
                      language="en" if q.english else "vi")

    def _select(self, q: Question, passages: list[Passage], places: Sequence[Place]):
        """Return ([clauses], temporal_gap) for the best quote, or the reason to refuse."""
        documents: dict[str, Document] = {}
        candidates: list[Clause] = []
        seen: set[str] = set()
        for rank, passage in enumerate(passages[: self.config.read + 4]):
            if passage.chunk_id in seen:
                continue
            seen.add(passage.chunk_id)
            document = documents.get(passage.doc_id) or self.index.document(passage.doc_id)
            if document is None:
                continue
            documents[passage.doc_id] = document
            candidates.extend(_clauses(passage, rank, document))
        if not candidates:
            return "topic"

        if places:
            place_keys = {p.key for p in places}
            mentioned = any(key in _folded(c.sentence + " " + c.document.title + " " + (c.document.place or ""))
                            for c in candidates for key in place_keys)
            candidates = [c for c in candidates if any(p.compatible(s) for p in places for s in c.scope())]
            if not candidates:
                return "place" if not mentioned else "place-figure"

        weights = self._term_weights(q, candidates)
        total = sum(weights.values()) or 1.0
        scored = []
        for clause in candidates:
            coverage = self._coverage(weights, clause) / total
            score = coverage + 0.05 * (1.0 / (1 + clause.rank))
            fit = 0.0
            if q.quantity:
                score += 0.15 if _has_figure(clause.text) else -0.3
                fit = _measure_fit(q, clause.text)
                score += fit
            if fit <= 0:
                score -= _qualifier_mismatch(q, clause.before + " " + clause.text)
            if q.dates and any(d in clause.text for d in q.dates):
                score += 0.3  # the exact date asked about ("đến 31/12/2021") is a strong signal
            elif q.dates and any(d in clause.sentence for d in q.dates):
                score += 0.1
            if fit > 0 and re.search(rf"\bco \d[\d.,]* (?:{'|'.join(q.measures)})\b", _folded(clause.text)):
                score += 0.05  # "X có 42 HTX": the plain statement of a count
            score -= 0.02 * len(clause.text) / 100
            if q.years:
                doc_years = set(years(clause.sentence + " " + clause.context)) | (
                    {int(clause.document.date[:4])} if clause.document.date else set())
                if set(q.years) & set(years(clause.sentence)):
                    score += 0.1
                elif not set(q.years) & doc_years:
                    score -= 0.05
            scored.append((score, coverage, clause))
        # Only sentences that cover the question's topic may answer it; the best of those wins.
        scored = [item for item in scored if item[1] >= self.config.min_coverage and _pairs_found(q, item[2])]
        if not scored:
            return "topic"
        scored.sort(key=lambda item: -item[0])
        best_score, best_coverage, best = scored[0]

        chosen = [best]
        # A question that counts two things ("bao nhiêu HTX và bao nhiêu thành viên") may need a
        # second clause of the same article for the measure the first one lacks.
        lacking = [m for m in q.measures if not _counts(best.text, m)]
        if q.quantity and len(q.measures) > 1 and lacking:
            extra = next((c for _, _, c in scored[1:12] if c.passage.doc_id == best.passage.doc_id
                          and c.text != best.text and any(_counts(c.text, m) for m in lacking)), None)
            if extra is not None:
                chosen.append(extra)

        # News holds no figure "of today": such a question gets the latest figure, labelled as such,
        # except a price, which changes from day to day: an old one must not pass for today's.
        asked = " ".join(canonical_words(q.text))
        temporal_gap = bool(_TODAY_RE.search(asked))
        if temporal_gap and _asks_price(q.text) and not _fresh(best.document, self.config.fresh_days):
            return "stale"
        if q.years:
            covered = any(set(q.years) & (set(years(c.document.text + " " + c.document.title)))
                          for _, cov, c in scored if cov >= self.config.min_coverage)
            temporal_gap = not covered
            if temporal_gap:
                chosen = [_latest([c for s, cov, c in scored if cov >= self.config.min_coverage
                                   and s >= best_score - 0.15]) or best]
        return chosen, temporal_gap

    @staticmethod
    def _term_weights(q: Question, candidates: Sequence[Clause]) -> dict[str, float]:
        """Weight each question term by how rare it is among the candidate sentences (IDF)."""
        sentences = {c.sentence for c in candidates}
        n = len(sentences)
        term_sets = [_clause_terms(s) for s in sentences]
        weights = {}
        for term, base in q.terms.items():
            df = sum(1 for terms in term_sets if term in terms)
            weights[term] = base * math.log(1 + (n + 1) / (df + 0.5))
        return weights

    @staticmethod
    def _coverage(weights: dict[str, float], clause: Clause, own_only: bool = False) -> float:
        own = _clause_terms(clause.text)
        if own_only:
            return sum(w for t, w in weights.items() if t in own)
        sentence = _clause_terms(clause.sentence)
        around = _clause_terms(clause.document.title + " " + clause.context[-300:])
        total = 0.0
        for term, weight in weights.items():
            if term in own:
                total += weight
            elif term in sentence:
                total += 0.7 * weight
            elif term in around:
                total += 0.4 * weight
        return total

    def _cite(self, clauses: Sequence[Clause]) -> tuple[Citation, str | None]:
        first = clauses[0]
        document = first.document
        quote = " … ".join(c.text for c in clauses)
        period = period_for(first.text, first.before, first.context, document.date)
        citation = Citation(source=document.id, title=document.title, date=document.date, place=document.place,
                            url=document.url, quote=quote, chunk_id=first.passage.chunk_id, paper=document.paper)
        return citation, period

    def _refuse(self, q: Question, passages: list[Passage], reason: str, place: Place | None = None) -> Answer:
        place = place or (q.places[0] if q.places else None)
        texts = _TEXTS["en" if q.english else "vi"]
        if reason == "stale":
            text = texts["stale"]
        elif reason.startswith("place") and place:
            text = texts["no_place"].format(place=place.name if q.english else place.label())
        else:
            text = texts["no_answer"]
        covered = self.index.covered_places() if reason != "stale" else []
        if covered:
            text += texts["covers"].format(places=", ".join(covered))
        return Answer(question=q.text, text=text, found=False, citations=(), passages=tuple(passages),
                      language="en" if q.english else "vi")


# What the answerer says in its own words, by the language of the question.
_TEXTS = {
    "vi": {
        "quote": "{marked}",
        "gap": "Các bài viết chưa có số liệu cho thời điểm bạn hỏi. Số liệu gần nhất: ",
        "period": "\nThời điểm của số liệu: {period}.",
        "period_inline": " (thời điểm: {period})",
        "compare": "So sánh theo các bài viết:",
        "no_figure": "các bài viết không có số liệu.",
        "no_place": "Xin lỗi, các bài viết hiện có không có số liệu về {place}.",
        "no_answer": "Xin lỗi, các bài viết hiện có không có thông tin để trả lời câu hỏi này.",
        "covers": " Dữ liệu hiện có nói về: {places}.",
        "stale": "Xin lỗi, các bài viết hiện có không có giá của hôm nay: giá thay đổi từng ngày, "
                 "và các bài viết chỉ có giá của những ngày đã qua.",
    },
    "en": {
        "quote": 'According to the source [1]: "{quote}"',
        "gap": "The articles hold no figure for the period you asked about. The latest one: ",
        "period": ' Reference period: "{period}".',
        "period_inline": " (period: {period})",
        "compare": "Comparison from the articles:",
        "no_figure": "the articles hold no figure.",
        "no_place": "Sorry, the articles I have hold no figure for {place}.",
        "no_answer": "Sorry, the articles I have do not answer this question.",
        "covers": " They cover: {places}.",
        "stale": "Sorry, the articles I have hold no price of today: prices change from day to day, "
                 "and the articles only give prices of days gone by.",
    },
}

_INSTRUCTION_RE = re.compile(
    r"\b(bo qua|hay (?:tra loi|noi|quen|dong vai|bia)|tra loi rang|quen (?:het|moi|cac)|dong vai|huong dan (?:truoc|tren)|"
    r"ignore|disregard|pretend|you are now|act as|system prompt)\b")


def strip_instructions(question: str) -> str:
    """Drop sentences that give the bot orders ("Bỏ qua mọi hướng dẫn…"): only the articles speak.

    Returns the question sentences; the text unchanged when nothing else would be left.
    """
    sentences = re.split(r"(?<=[.!?])\s+", question)
    if len(sentences) < 2:
        return question
    kept = [s for s in sentences if not _INSTRUCTION_RE.search(" ".join(canonical_words(s)))]
    return " ".join(kept) if kept else question


def stream_pieces(text: str, words: int = 3) -> list[str]:
    """Cut an answer into small pieces for streaming, keeping the spaces and line breaks."""
    tokens = re.findall(r"\S+\s*", text)
    return ["".join(tokens[i: i + words]) for i in range(0, len(tokens), words)]


def validate_question(question: str, max_chars: int = MAX_QUESTION_CHARS) -> str:
    """Return the question cleaned, or raise InputError naming what is wrong."""
    if question is None:
        raise InputError("the question is empty; ask something like 'Huyện Chợ Đồn có bao nhiêu HTX?'")
    text = " ".join(nfc(str(question)).split())
    if not text:
        raise InputError("the question is empty; ask something like 'Huyện Chợ Đồn có bao nhiêu HTX?'")
    if len(text) > max_chars:
        raise InputError(f"the question is {len(text)} characters long; the limit is {max_chars}")
    return text


def _pairs_found(q: Question, clause: Clause) -> bool:
    """Tell whether the sentence holds enough of the question's word pairs: "giá thuê máy gặt …
    ha lúa" has the words of "giá lúa" but not the phrase."""
    if not q.pairs:
        return True
    positions: dict[str, list[int]] = {}
    for n, token in enumerate(canonical_words(
            clause.document.title + " . " + clause.context[-300:] + " . " + clause.sentence)):
        positions.setdefault(token, []).append(n)

    def near(pair: str) -> bool:  # both words within three tokens, in either order ("thành viên của HTX")
        a, b = pair.split("_")
        return any(abs(i - j) <= 3 for i in positions.get(a, ()) for j in positions.get(b, ()))

    return sum(near(p) for p in q.pairs) * 3 >= len(q.pairs)


def _trim(text: str, q: Question) -> str:
    """Cut a long clause after the part that answers: "Hiện nay, huyện Chợ Đồn có 42 HTX, các HTX
    của huyện đã chủ động …" becomes "Hiện nay, huyện Chợ Đồn có 42 HTX". The result is a verbatim
    prefix of the clause."""
    segments = text.split(", ")
    if len(text) < 120 or len(segments) < 2:
        return text
    keep = 0
    for n, segment in enumerate(segments):
        if q.measures and any(_counts(segment, m) for m in q.measures):
            keep = n
        elif not q.measures and _clause_terms(segment) & set(q.terms):
            keep = n
    trimmed = ", ".join(segments[: keep + 1])
    return trimmed if len(text) - len(trimmed) > 30 else text


def _counts(text: str, measure: str) -> bool:
    """Tell whether ``text`` gives a number of ``measure`` ("42 HTX", "11 lớp")."""
    tokens = canonical_words(text)
    return any(a[:1].isdigit() and b == measure for a, b in zip(tokens, tokens[1:]))


def _measure_fit(q: Question, text: str) -> float:
    """Reward a clause that counts what the question counts, more when the count is not qualified
    as new or as a target the question does not ask about; penalise one counting another entity."""
    if not q.measures:
        return 0.0
    tokens = canonical_words(text)
    sites = [i for i, (a, b) in enumerate(zip(tokens, tokens[1:])) if a[:1].isdigit() and b in q.measures]
    if sites:
        question = " ".join(canonical_words(q.match_text))
        for i in sites:
            # Qualifiers come before the count ("phấn đấu có 60 HTX") or right after it ("66 HTX thành lập mới").
            window = " ".join(tokens[: i + 6])
            if not any(w in window and w not in question for group in _QUALIFIERS for w in group):
                return 0.3
        return 0.15
    counted = {b for a, b in zip(tokens, tokens[1:]) if a[:1].isdigit()}
    return -0.2 if counted & (_ENTITIES - set(q.measures)) else 0.0


def _qualifier_mismatch(q: Question, text: str) -> float:
    """Penalise a clause qualified as new or as a target when the question asks for neither."""
    question = " ".join(canonical_words(q.match_text))
    clause = " ".join(canonical_words(text))
    penalty = 0.0
    for group in _QUALIFIERS:
        if any(w in clause for w in group) and not any(w in question for w in group):
            penalty += 0.15
    return penalty


def _latest(clauses: Sequence[Clause]) -> Clause | None:
    """Return the clause whose figure is the most recent (by the years around it, then the article date)."""
    def recency(clause: Clause) -> tuple[int, str]:
        ys = years(clause.text) or years(clause.sentence) or years(clause.context)
        return (max(ys) if ys else 0, clause.document.date or "")
    return max((c for c in clauses if _has_figure(c.text)), key=recency, default=None)


def _folded(text: str) -> str:
    return " ".join(canonical_words(text))


def _as_sentence(text: str) -> str:
    text = text.strip().rstrip(",;:")
    return text if text.endswith((".", "!", "?", "…")) else text + "."


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def _sentence_case(text: str) -> str:
    return _capitalise(text.strip())


def _marker(text: str, number: int) -> str:
    """Put the citation marker before the final full stop: "… 42 HTX [1]."."""
    text = text.rstrip()
    if text.endswith("."):
        return f"{text[:-1]} [{number}]."
    return f"{text} [{number}]"

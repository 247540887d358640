"""A small learned scorer that picks, among candidate sentences, the one that answers a question.

Pure and fast: a handful of lexical and question-type features per sentence (numpy and our
Vietnamese helpers only) and a linear model trained listwise on ViQuAD by ``bench/train_ranker.py``;
its weights live in ``sentence_ranker.json`` beside this module, named feature by feature, so a
model and a feature set that do not match are refused with a clear error.

    ranker = default_ranker()
    best = int(np.argmax(ranker.score(question, sentences, contexts=passages, passage_ranks=ranks)))
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from retrieval.vietnamese import bigrams, canonical_words, fold, has_diacritics, nfc, words

WEIGHTS_PATH = Path(__file__).with_name("sentence_ranker.json")

FEATURES = (
    "idf_overlap",  # IDF-weighted share of the question's content terms found in the sentence
    "coverage",  # unweighted share of the content terms found
    "bigram_overlap",  # share of the question's word pairs found (Vietnamese words are often two syllables)
    "accented_overlap",  # share of the question's accented content words found as written
    "common_run",  # longest run of question tokens the sentence repeats, capped at 8, / 8
    "density",  # matched terms over the span of sentence they occupy
    "best_overlap",  # 1 for the candidate(s) with the highest idf_overlap
    "overlap_rank",  # 1 / (1 + how many candidates have a higher idf_overlap)
    "context_overlap",  # idf_overlap of the whole passage the sentence comes from
    "previous_overlap",  # idf_overlap of the sentence before it in its passage
    "next_overlap",  # idf_overlap of the sentence after it in its passage
    "follows_best",  # the sentence before it has the highest idf_overlap ("... Tuy nhiên, ...")
    "anaphora_after_match",  # it opens with "Đây / Điều này / Nó / Tuy nhiên..." times previous_overlap
    "rare_match",  # the IDF of its rarest matched question term over the rarest question term's
    "novelty",  # share of the sentence's content tokens the question does not have
    "question_copy",  # the sentence repeats nearly all of the question and adds little
    "length",  # log(1 + tokens) / 4
    "first_in_passage",
    "position",  # index in the passage / number of sentences there
    "passage_rank",  # 1 / (1 + rank of the passage)
    "top_passage",  # the passage ranked first
    "who_name",  # "ai / người nào / who" and a capitalised name the question lacks
    "who_person",  # "ai / người nào / who" and a person cue: a title ("ông", "vua") or surname before a name
    "quantity_number",  # "bao nhiêu / mấy / how many" and a number (not a year) the question lacks
    "quantity_measure",  # "bao nhiêu X" and a number right before a question word ("42 thành viên")
    "when_date",  # "năm nào / khi nào / when" and a year, date or century the question lacks
    "where_place",  # "ở đâu / nơi nào / where" and a place cue ("tại", "ở" + a name)
    "why_reason",  # "tại sao / vì sao / why" and a cause cue ("vì", "do", "bởi", "nhờ")
    "what_definition",  # "là gì / gì" and a copula ("là") after matched terms
)

# Folded function words and question words: they say nothing of the topic.
_STOPWORDS = frozenset(
    (
        "co la cua va cac nhung mot trong o tai cho den duoc may gi nao ai thi sao con ve voi nhu the khong "
        "da se dang bi tu theo tren duoi ra vao nay do kia hay hoac ma neu vay bao nhieu dau khi luc gio "
        "nguoi cai dieu viec su lam nhat rat cung nen vi boi de hon phai how many much what which who whom "
        "whose when where why is are was were the of in there does do did a an to for on by and or with at "
        "from as be been has have had that this it its their than about"
    ).split()
)

_WHO = re.compile(r"(?:^| )(?:ai|người nào|nhân vật nào|who|whom|whose)(?: |$)")
_QUANTITY = re.compile(r"(?:^| )(?:bao nhiêu|mấy|số lượng|how many|how much|how long)(?: |$)")
_WHEN = re.compile(
    r"(?:^| )(?:năm nào|khi nào|lúc nào|bao giờ|thời gian nào|thời điểm nào|thời kỳ nào|"
    r"ngày nào|tháng nào|thế kỷ nào|năm bao nhiêu|when|what year)(?: |$)"
)
_WHERE = re.compile(r"(?:^| )(?:ở đâu|tại đâu|từ đâu|nơi nào|chỗ nào|đâu|nước nào|thành phố nào|where)(?: |$)")
_WHY = re.compile(r"(?:^| )(?:tại sao|vì sao|lý do|do đâu|why)(?: |$)")
_WHAT = re.compile(r"(?:^| )(?:gì|cái gì|là gì|what|which)(?: |$)")

_ANAPHORA = re.compile(
    r"^(?:đây|điều này|điều đó|việc này|việc đó|nó|chúng|họ|ông|bà|anh|cô|"
    r"tuy nhiên|do đó|vì vậy|vì thế|sau đó|nhờ đó|từ đó|cả hai|những|các|này|it|this|these|they|he|she|however)\b"
)
_STRIP = ",.;:!?()[]\"'“”‘’«»…-–—/"
# A title or a common Vietnamese surname, then a capitalised word: "ông Nguyễn Văn Bình", "vua Charles".
_PERSON = re.compile(
    r"\b(?:ông|bà|anh|chị|ngài|vua|hoàng đế|tổng thống|thủ tướng|giáo sư|tiến sĩ|bác sĩ|"
    r"tướng|chủ tịch|giám đốc|nhà văn|nhà thơ|mr|mrs|dr|sir|king|president) [A-ZĐ]|"
    r"\b(?:Nguyễn|Trần|Lê|Phạm|Hoàng|Huỳnh|Phan|Vũ|Võ|Đặng|Bùi|Đỗ|Hồ|Ngô|Dương|Lý) [A-ZĐ]"
)
_YEAR = re.compile(r"(?:1\d{3}|20\d{2})")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_DATE = re.compile(
    r"\b(?:1\d{3}|20\d{2})\b|\b\d{1,2}/\d{1,2}(?:/\d{2,4})?\b|\bthế kỷ\b|\bthập niên\b|"
    r"\btháng (?:\d|một|hai|ba|tư|năm|sáu|bảy|tám|chín|mười)|\bTCN\b|\bcentury\b"
)
_PLACE = re.compile(r"\b(?:tại|ở|thuộc|nằm|từ|đến|vùng|miền|tỉnh|thành phố|nước|quốc gia)\b")
_REASON = re.compile(r"\b(?:vì|do|bởi|nhờ|nên|because|since|due)\b")
_COPULA = re.compile(r"\b(?:là|gọi|tên|named|called|is|are|was)\b")


_CUES = (_WHO, _QUANTITY, _WHEN, _WHERE, _WHY, _WHAT)
_FOLDED_CUES = tuple(re.compile(fold(p.pattern)) for p in _CUES)


def _question_types(question: str) -> tuple[bool, ...]:
    """Return (who, quantity, when, where, why, what) for a question, accented or not."""
    text = " ".join(words(question))
    # Typed without diacritics, the question is matched against folded forms of the cues.
    patterns = _CUES if has_diacritics(question) else _FOLDED_CUES
    who, quantity, when, where, why, what = (bool(p.search(text)) for p in patterns)
    quantity = quantity and not ("năm bao nhiêu" in text or "nam bao nhieu" in text)  # a date, not a count
    return who, quantity, when, where and not when, why, what and not (who or when or where)


def asks_quantity(question: str) -> bool:
    """Tell whether the ranker reads ``question`` as asking a quantity ("bao nhiêu", "how many")."""
    return _question_types(question)[1]


@dataclass(frozen=True)
class _Sentence:
    """What the features need of one candidate sentence, computed once."""

    tokens: tuple[str, ...]
    terms: frozenset[str]
    pairs: frozenset[str]
    accented: frozenset[str]
    names: frozenset[str]
    numbers: frozenset[str]
    counted: frozenset[str]
    dates: frozenset[str]
    place: bool
    person: bool
    reason: bool
    copula: bool
    anaphora: bool


def _names(text: str) -> frozenset[str]:
    """Return the folded capitalised words of ``text`` that do not open a sentence."""
    found = set()
    tokens = text.split()
    for n, raw in enumerate(tokens):
        token = raw.strip(_STRIP)
        if n and token[:1].isupper() and not tokens[n - 1].endswith((".", "!", "?", ":")):
            found.add(fold(token))
    return frozenset(found)


def _counted(tokens: Sequence[str]) -> frozenset[str]:
    """Return the words that follow a number, within two tokens ("42 thành viên" -> thanh, vien)."""
    return frozenset(
        tokens[j]
        for i, t in enumerate(tokens)
        if t[:1].isdigit() and not _YEAR.fullmatch(t)
        for j in (i + 1, i + 2)
        if j < len(tokens)
    )


@lru_cache(maxsize=32768)
def _analyse(sentence: str) -> _Sentence:
    text = nfc(sentence)
    tokens = tuple(canonical_words(text))
    return _Sentence(
        tokens=tokens,
        terms=frozenset(tokens),
        pairs=frozenset(bigrams(list(tokens))),
        accented=frozenset(words(text)),
        names=_names(text),
        numbers=frozenset(n for n in _NUMBER.findall(text) if not _YEAR.fullmatch(n)),
        counted=_counted(tokens),
        dates=frozenset(m.group(0).lower() for m in _DATE.finditer(text)),
        person=bool(_PERSON.search(text)),
        place=bool(_PLACE.search(text.lower())),
        reason=bool(_REASON.search(text.lower())),
        copula=bool(_COPULA.search(text.lower())),
        anaphora=bool(_ANAPHORA.search(text.lower())),
    )


@lru_cache(maxsize=4096)
def _context_terms(context: str) -> frozenset[str]:
    return frozenset(canonical_words(context))


def _positions(tokens: Sequence[str]) -> dict[str, list[int]]:
    where: dict[str, list[int]] = {}
    for i, token in enumerate(tokens):
        where.setdefault(token, []).append(i)
    return where


def _common_run(question: Sequence[str] | dict[str, list[int]], sentence: Sequence[str]) -> int:
    """Return the length of the longest run of tokens both sequences share.

    ``question`` may be given as its token positions (``_positions``), computed once per question.
    """
    where = question if isinstance(question, dict) else _positions(question)
    best = 0
    previous: dict[int, int] = {}
    for token in sentence:  # only positions that match are tracked: O(matches), not O(|q| x |s|)
        positions = where.get(token)
        if positions is None:
            previous = {}
            continue
        current = {i: previous.get(i - 1, 0) + 1 for i in positions}
        best = max(best, max(current.values()))
        previous = current
    return best


def _density(content: frozenset[str], tokens: Sequence[str]) -> float:
    """Return matched content terms over the span of the sentence they occupy (1 = side by side)."""
    positions = [i for i, t in enumerate(tokens) if t in content]
    if len(positions) < 2:
        return float(bool(positions)) * 0.5
    return len(positions) / (positions[-1] - positions[0] + 1)


def sentence_features(
    question: str,
    sentences: Sequence[str],
    *,
    contexts: Sequence[str] | None = None,
    passage_ranks: Sequence[int] | None = None,
) -> np.ndarray:
    """Return one row of FEATURES per candidate sentence of ``question``.

    ``contexts`` gives each sentence's passage (neighbours and position are read where consecutive
    sentences share one); ``passage_ranks`` the retrieval rank of that passage (0 = best).
    IDF is taken over the candidate sentences themselves, so no corpus statistics are needed.
    """
    n = len(sentences)
    if contexts is not None and len(contexts) != n:
        raise ValueError(f"got {len(contexts)} contexts for {n} sentences; expected one per sentence")
    if passage_ranks is not None and len(passage_ranks) != n:
        raise ValueError(f"got {len(passage_ranks)} passage ranks for {n} sentences; expected one per sentence")
    out = np.zeros((n, len(FEATURES)), dtype=np.float64)
    if n == 0:
        return out

    q_tokens = canonical_words(nfc(question))
    content = [t for t in dict.fromkeys(q_tokens) if t not in _STOPWORDS and len(t) > 0]
    content_set = frozenset(content)
    q_pairs = set(bigrams(q_tokens))
    q_accented = {w for w in words(question) if fold(w) not in _STOPWORDS} if has_diacritics(question) else set()
    q_numbers = set(_NUMBER.findall(question))
    q_folded = set(q_tokens)
    who, quantity, when, where, why, what = _question_types(question)

    info = [_analyse(s) for s in sentences]
    df = {t: 0 for t in content}
    for s in info:
        for t in content:
            if t in s.terms:
                df[t] += 1
    idf = {t: math.log(1 + (n + 1) / (df[t] + 0.5)) for t in content}
    idf_total = sum(idf.values()) or 1.0

    def idf_share(terms: frozenset[str]) -> float:
        return sum(w for t, w in idf.items() if t in terms) / idf_total

    overlaps = [idf_share(s.terms) for s in info]
    best = max(overlaps)
    contexts = list(contexts) if contexts is not None else [""] * n
    context_overlap: dict[str, float] = {}
    ranks = list(passage_ranks) if passage_ranks is not None else [0] * n
    # Position within the passage: consecutive sentences with the same context form one passage.
    index_in, size = [0] * n, [1] * n
    start = 0
    for i in range(1, n + 1):
        if i == n or contexts[i] != contexts[start] or ranks[i] != ranks[start]:
            for j in range(start, i):
                index_in[j], size[j] = j - start, i - start
            start = i

    max_idf = max(idf.values(), default=1.0)
    q_names = q_folded | {fold(w) for w in words(question)}
    question_lower = nfc(question).lower()
    q_where = _positions(q_tokens)
    ordered = np.sort(np.asarray(overlaps))  # for each sentence's rank by overlap
    for i, s in enumerate(info):
        col: dict[str, float] = {}
        matched = content_set & s.terms
        col["idf_overlap"] = overlaps[i]
        col["coverage"] = len(matched) / len(content) if content else 0.0
        col["bigram_overlap"] = len(q_pairs & s.pairs) / len(q_pairs) if q_pairs else 0.0
        col["accented_overlap"] = len(q_accented & s.accented) / len(q_accented) if q_accented else col["coverage"]
        col["common_run"] = min(_common_run(q_where, s.tokens), 8) / 8
        col["density"] = _density(content_set, s.tokens)
        col["best_overlap"] = float(overlaps[i] >= best - 1e-9 and best > 0)
        col["overlap_rank"] = 1.0 / (1 + n - int(np.searchsorted(ordered, overlaps[i] + 1e-9)))
        ctx = contexts[i]
        if ctx:
            if ctx not in context_overlap:
                context_overlap[ctx] = idf_share(_context_terms(ctx))
            col["context_overlap"] = context_overlap[ctx]
        else:
            col["context_overlap"] = overlaps[i]
        before = i - 1 >= 0 and contexts[i - 1] == ctx and ranks[i - 1] == ranks[i]
        after = i + 1 < n and contexts[i + 1] == ctx and ranks[i + 1] == ranks[i]
        col["previous_overlap"] = overlaps[i - 1] if before else 0.0
        col["next_overlap"] = overlaps[i + 1] if after else 0.0
        col["follows_best"] = float(before and overlaps[i - 1] >= best - 1e-9 and best > 0)
        col["anaphora_after_match"] = col["previous_overlap"] * s.anaphora
        matched_idf = [idf[t] for t in matched]
        col["rare_match"] = max(matched_idf) / max_idf if matched_idf else 0.0
        own = [t for t in s.tokens if t not in _STOPWORDS]
        novel = [t for t in own if t not in q_folded]
        col["novelty"] = len(novel) / len(own) if own else 0.0
        col["question_copy"] = float(col["coverage"] >= 0.85 and len(novel) <= max(3, 0.25 * len(own)))
        col["length"] = math.log1p(len(s.tokens)) / 4
        col["first_in_passage"] = float(index_in[i] == 0)
        col["position"] = index_in[i] / size[i]
        col["passage_rank"] = 1.0 / (1 + ranks[i])
        col["top_passage"] = float(ranks[i] == 0)
        novel_name = bool(s.names - q_names)
        if who:
            col["who_name"] = float(novel_name)
            col["who_person"] = float(s.person)
        if quantity:
            col["quantity_number"] = float(bool(s.numbers - q_numbers))
            col["quantity_measure"] = float(bool(s.counted & content_set))
        if when:
            col["when_date"] = float(any(d not in question_lower for d in s.dates))
        if where:
            col["where_place"] = float(s.place and novel_name)
        if why:
            col["why_reason"] = float(s.reason)
        if what:
            col["what_definition"] = float(s.copula and bool(matched))
        out[i] = [col.get(name, 0.0) for name in FEATURES]
    return out


class SentenceRanker:
    """A linear model over FEATURES; a higher score means a likelier answer sentence."""

    def __init__(self, weights: Sequence[float], bias: float = 0.0, features: Sequence[str] = FEATURES):
        features = tuple(features)
        if features != FEATURES:
            missing = [f for f in FEATURES if f not in features]
            extra = [f for f in features if f not in FEATURES]
            raise ValueError(
                f"the ranker weights are for features {list(features)}; this code computes "
                f"{list(FEATURES)} (missing {missing}, unknown {extra}): retrain with "
                "'python -m bench.train_ranker'"
            )
        self.weights = np.asarray(weights, dtype=np.float64)
        if self.weights.shape != (len(FEATURES),):
            raise ValueError(f"got {self.weights.size} weights; expected {len(FEATURES)}, one per feature")
        self.bias = float(bias)

    @classmethod
    def load(cls, path: Path | str = WEIGHTS_PATH) -> SentenceRanker:
        """Read a ranker from its JSON file ({"features": [...], "weights": [...], "bias": b})."""
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
            return cls(data["weights"], data.get("bias", 0.0), data["features"])
        except (OSError, json.JSONDecodeError, KeyError, TypeError) as exc:
            raise ValueError(f"cannot read sentence ranker weights from {path}: {exc}") from exc

    def to_dict(self) -> dict[str, object]:
        """Return the JSON form of the model."""
        return {
            "features": list(FEATURES),
            "weights": [round(float(w), 6) for w in self.weights],
            "bias": round(self.bias, 6),
        }

    def score(
        self,
        question: str,
        sentences: Sequence[str],
        *,
        contexts: Sequence[str] | None = None,
        passage_ranks: Sequence[int] | None = None,
    ) -> np.ndarray:
        """Return one score per sentence (an empty array for no sentences)."""
        features = sentence_features(question, sentences, contexts=contexts, passage_ranks=passage_ranks)
        return features @ self.weights + self.bias

    def best(
        self,
        question: str,
        sentences: Sequence[str],
        *,
        contexts: Sequence[str] | None = None,
        passage_ranks: Sequence[int] | None = None,
    ) -> int | None:
        """Return the index of the best sentence, or None when there is none."""
        if not len(sentences):
            return None
        return int(np.argmax(self.score(question, sentences, contexts=contexts, passage_ranks=passage_ranks)))


@lru_cache(maxsize=1)
def default_ranker() -> SentenceRanker:
    """Return the ranker trained on ViQuAD, read once from ``sentence_ranker.json``."""
    return SentenceRanker.load(WEIGHTS_PATH)

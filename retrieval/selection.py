"""Sentence selection: which quotable clause of the retrieved passages answers a query, or why none does.

Pure over plain data: candidates are built from passages and their documents, then `select`
filters them by place (the place-safety invariant, checked here and only here), by measure and
qualifiers (from the shared lexicon), and scores the rest with named weights.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from functools import cached_property, lru_cache, partial
from itertools import pairwise

import numpy as np

from retrieval.chunking import split_sentences
from retrieval.guards import addresses_assistant, asks_price, is_fresh, is_poisoned
from retrieval.listing import listed_group
from retrieval.measures import (
    BY_NAME,
    Figure,
    asks_money,
    counted_noun,
    figure_scope,
    figures,
    named_value,
    not_a_plan,
    states_per_unit,
)
from retrieval.models import Document, Passage
from retrieval.periods import period_for, period_key, years
from retrieval.places import Place, find_places, place_mentions, situate, within
from retrieval.questions import NATION_RE, Question, organisations
from retrieval.sentence_ranker import asks_quantity, default_ranker
from retrieval.units import admin_map
from retrieval.vietnamese import (
    CAPITALS,
    bigrams,
    canonical_words,
    fold,
    has_diacritics,
    number_value,
    numbers,
    spelling,
    words,
)


@dataclass(frozen=True)
class Weights:
    """The named weights of the clause score."""

    rank: float = 0.05  # retrieval rank of the clause's passage (1 / (1 + rank))
    has_figure: float = 0.15  # a numeric question and a clause with a figure
    no_figure: float = -0.3  # a numeric question and a clause without one
    measure: float = 0.3  # the clause states the asked measure, qualifiers matching
    measure_qualified: float = 0.15  # it states it, with a qualifier the question does not ask
    other_entity: float = -0.2  # it counts another entity of the lexicon
    qualifier_mismatch: float = 0.15  # per qualifier group the question does not ask
    exact_date: float = 0.3  # the date asked is in the clause
    date_in_sentence: float = 0.1  # ... or elsewhere in its sentence
    plain_count: float = 0.05  # "X có 42 HTX": the plain statement of a count
    length: float = 0.02  # per 100 characters
    year_match: float = 0.1  # the year asked is in the sentence
    year_absent: float = 0.05  # the year asked is nowhere near the clause
    exact_place: float = 0.1  # the clause names the asked place itself
    other_number: float = 0.3  # the clause names by another number what the question names by its own ("tuyến 66")
    past: float = 0.2  # a figure said to be of the past ("trước năm 2016 … chỉ có 27") for a question that asks no year
    ranker: float = 1.0  # the learned sentence ranker's probability that the sentence answers (who/what/where)
    ranker_figure: float = 0.3  # ... for a figure asked without a quantity word ("HTX nào … lớn nhất?")
    ranker_numeric: float = 0.1  # ... for a question that asks a figure, where the measure decides
    coverage_which: float = 0.1  # the share of question words a who / what sentence covers
    clause_words: float = 0.05  # ... and the share its own clause covers (which clause of a long sentence)
    misspelt: float = 0.4  # a question word found only with other diacritics ("tiên" for "tiến") counts this much
    one_body: float = (
        0.2  # a place asked and a figure of one body there ("20 tấn cá chết của một hợp tác xã thuộc huyện …")
    )
    narrower: float = 0.2  # each figure of the asked measure counts a part not asked ("1.200 HTX nông nghiệp")
    same_figure: float = (
        1.0  # an undated figure is cited from a dated article giving it (same number and measure) within this
    )
    figure_near: float = 0.3  # times how rare the question word found within 3 words of a figure
    names_body: float = 0.5  # a who / what question about a named body and a sentence that names it
    per_unit: float = 0.3  # an amount asked per a unit ("mỗi con") and a clause that gives one ("1 triệu đồng/con")
    year_told: float = 0.3  # a question that asks when ("giải thể năm nào?") and a clause that names a year
    role_person: float = 1.2  # a name asked for a role ("giám đốc HTX X là ai?") and a sentence naming one in it
    listing: float = 0.5  # a ranking question and a sentence that lists figures of one kind ("60 thuyền nan, 115 …")
    figure_head: float = 0.6  # a figure within 3 words of the noun the question opens with ("thiệt hại gần 19 tỷ")
    share_of_other: float = (
        0.2  # a rate asked and a clause whose rates are of a noun the question does not name ("36% dân số")
    )
    runner_up: float = (
        1.0  # a who / what answer quotes a second sentence of its passage scoring within this of the best
    )


WEIGHTS = Weights()
# Qualifier groups compared between the question and a figure; "negative" is too common to decide.
DECISIVE = frozenset({"new", "target", "dissolved"})
_DURATION_ASK_RE = re.compile(r"\b(?:how long|bao lau)\b")
_DURATION_RE = re.compile(r"\b\d+(?:[.,]\d+)?\s+(?:ngay|thang|nam|tuan|gio|days?|months?|years?|weeks?)\b")
_TODAY_RE = re.compile(r"\b(hom nay|today|right now)\b")


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

    def subjects(self) -> list[Place]:
        """Return the places the clause's figures are about: for each figure the place named last
        before it in the clause, else the last named earlier in its sentence, else the first named
        later in it, else the article's place. Never a place from another sentence: that is how
        another district's figure passed for the one asked."""
        found = [s for f in self.figures for s in [self.figure_subject(f.position)] if s]
        if not found:
            found = [self.figure_subject(10**6)]
        return [_situated(p, self.sentence, self.document) for p in dict.fromkeys(p for group in found for p in group)]

    @cached_property
    def figures(self) -> tuple[Figure, ...]:
        """Return the clause's figures. An amount whose sentence opens by elaborating the one
        before ("Nhờ vậy, thu nhập … tăng cao. Cụ thể, năm 2016 đạt 70 triệu đồng/ha/năm"), or
        is a short bare sentence ("Năm 2020 đạt 12 tỷ đồng."), and names no measure before it is
        of the measure that sentence names."""
        found = figures(self.text)
        bare = [f for f in found if f.measure is None and f.unit in ("money", "percent")]
        if not bare or not self.context or not (_ELABORATES_RE.match(_folded(self.sentence)) or _bare(self)):
            return found
        if named_value(self.before + " " + self.text):
            return found
        before = _sentences_before(self.context[-800:])
        measure = named_value(before[-1]) if before else None
        if measure is None:
            return found
        return tuple(replace(f, measure=measure) if f in bare else f for f in found)

    def figure_subject(self, position: int) -> list[Place]:
        """Return the place(s) the figure at token ``position`` of the clause is about. A sentence
        that names no place and opens by elaborating the one before it ("Cụ thể, …", "Trong đó,
        …") or by quoting the speaker it introduced ('" Chúng tôi …", ông Kim nói') is about the
        place that sentence names."""
        if not find_places(self.sentence) and self.context:
            before = _sentences_before(self.context[-800:])
            opens = (
                _ELABORATES_RE.match(_folded(self.sentence))
                or self.sentence.lstrip().startswith(('"', "“"))
                or _bare(self)  # "Năm 2020 đạt 12 tỷ đồng.": the sentence before says of what and where
            )
            if opens:
                named = _specific(find_places(before[-1])) if before else []
                # "Hà Nội có tổng đàn lợn đứng thứ hai cả nước (sau Đồng Nai). Trong đó có trên 280
                # …": a place said in brackets is an aside, not what the sentence is about.
                aside = {p.key for part in re.findall(r"\(([^)]*)\)", before[-1]) for p in find_places(part)}
                named = [p for p in named if p.key not in aside] or named
                if named:
                    return named[-1:]
            if before and _speaker_goes_on(self.sentence, before[-1]):
                # "… thăm gia đình anh Nguyễn Văn Tới - hộ chăn nuôi giỏi của xã Phú Lợi … Anh Tới
                # nói, …": the person the sentence before introduced goes on speaking, of the
                # places that sentence names as much as of the article's.
                named = _specific(find_places(before[-1]))
                if named:
                    return list(dict.fromkeys([*named, *article_places(self.document)]))
            # "Phòng NN-PTNT huyện …" with no name after the unit word: the district the sentences
            # before it name (the last two), never another kind of unit.
            bare = _BARE_UNIT_RE.search(self.sentence)
            if bare:
                kinds = _BARE_UNIT_KINDS[bare.group(1).lower()]
                earlier = [p for s in before for p in find_places(s)]
                same = [p for p in earlier if p.kind in kinds]
                if same:
                    return same[-1:]
        return figure_subject(self.text, self.before, self.sentence, self.document, position)


@lru_cache(maxsize=256)
def _folded_article(doc_id: str, title: str, text: str) -> str:
    """Return an article's title and text folded (kept for the articles in use)."""
    return _folded(title + " " + text)


def _situated(place: Place, sentence: str, document: Document) -> Place:
    """Return a district the gazetteer puts in a province its article never names, in the one
    province its sentence names instead: "Chi cục trưởng Thuỷ sản … Hoà Bình cho biết, huyện Kỳ
    Sơn thiệt hại hơn 35 tấn" is Hòa Bình's Kỳ Sơn (merged in 2020, so the gazetteer knows only
    Nghệ An's)."""
    if place.kind not in ("district", "city") or not place.parent:
        return place
    if re.search(rf"\b{re.escape(place.parent)}\b", _folded_article(document.id, document.title, document.text)):
        return place
    named = [p for p in find_places(sentence) if p.key != place.key]
    provinces = {p.key if p.kind in (None, "province") else p.parent for p in named} - {None}
    return replace(place, parent=provinces.pop()) if len(provinces) == 1 else place


@lru_cache(maxsize=4096)
def _sentences_before(context: str) -> tuple[str, ...]:
    """Return the last two sentences of ``context`` (a clause's figures each ask for them)."""
    return tuple(split_sentences(context)[-2:])


# A unit word with no name after it ("của huyện", "huyện đã …"): the unit the text is about.
_BARE_UNIT_RE = re.compile(rf"\b([Hh]uyện|[Tt]ỉnh|[Tt]hị xã)\b(?!\s+[{CAPITALS}])")
_BARE_UNIT_KINDS: dict[str, tuple[str, ...]] = {
    "huyện": ("district",),
    "thị xã": ("district", "city"),
    "tỉnh": ("province",),
}
# Openers of a sentence that says more of the one before it.
_ELABORATES_RE = re.compile(r"(?:cu the|trong do|trong so do|theo do|trong so nay|specifically|of which|of these)\b")


def figure_subject(text: str, before: str, sentence: str, document: Document, position: int) -> list[Place]:
    """Return the place(s) the figure at token ``position`` of clause ``text`` is about: the place
    named last before it in the clause, else the last named earlier in its sentence (``before``),
    else the first named later in the clause or the sentence, else the article's place. Places
    joined by "và" ("gần 300 tấn cá lồng ở Hoà Bình và Phú Thọ") are one subject: the figure is of
    them together, never of one of them."""
    gone = _destinations(sentence)
    own = tuple((at, p) for at, p in _joined(text) if p.key not in gone)
    preceding = [(at, p) for at, p in own if at < position]
    if preceding:
        return [preceding[-1][1]]
    # "tỉnh Bà Rịa – Vũng Tàu hiện có hơn 300 ha …, tập trung ở 2 xã … (huyện Xuyên Mộc)": the
    # province named before the figure is its subject; the district named after it says where in it.
    named_before = [p for at, p in _positioned(text, specific=False) if at < position and p.key not in gone]
    if named_before and own and all(within(p, named_before[-1]) for _, p in own):
        return named_before[-1:]
    unit = _WHOLE_UNIT_RE.search(" ".join(canonical_words(text)[:position]))
    if unit:
        # "Cục Thuế TP. HCM cho biết toàn TP có 173 HTX, … tại Q. Bình Thạnh …": the whole unit
        # named before the figure (or the article's), never a place inside it named later.
        kinds = _WHOLE_UNIT_KINDS[unit.group(1)]
        named_before = [p for at, p in _positioned(text, specific=False) if at < position][::-1]
        title = _specific(find_places(document.place or document.title or ""))
        for place in [*named_before, *find_places(before)[::-1], *article_places(document), *title]:
            if place.kind in kinds:
                return [place]
    earlier = _specific(find_places(before))
    if earlier:
        return _joint_with(before, earlier[-1], last=True)
    if own:
        first = own[0][1]
        if " + " in first.key and first.kind is None:
            # "Ninh Thuận có … 4.200 ha tại huyện Ninh Hải và Thuận Nam": a figure spread over the
            # places listed after it is of the place named before it that holds them all.
            members = [p for p in find_places(first.name) if p.kind != "province"]
            holder = [
                p
                for at, p in _positioned(text, specific=False)
                if at < position and members and all(within(m, p) and m.key != p.key for m in members)
            ]
            if holder:
                return holder[-1:]
        return [first]
    whole = [p for p in _specific(find_places(sentence)) if p.key not in gone]
    if whole:
        return _joint_with(sentence, whole[0], last=False)
    return article_places(document)


# A verb that sends goods somewhere: the place after it is where they go, not whose figure it is
# ("mỗi ngày HTX đưa vào các hệ thống siêu thị ở TP.HCM khoảng 2 tấn rau").
_SENT_TO_RE = re.compile(
    r"\b(?:dua vao|dua ra|dua len|cung ung|cung cap|xuat khau|xuat sang|ban sang|ban ra|ban vao|phan phoi|"
    r"giao cho|tieu thu tai|tieu thu o)\b(?:\s+\S+){0,6}\s*$"
)
# Goods carried "từ A vào B": both ends of a flow, which no place owns (read as such elsewhere).
_FLOW_RE = re.compile(r"\btu\b(?:\s+\S+){1,6}\s+(?:vao|ve|ra|den|toi|sang|len)\b")


@lru_cache(maxsize=4096)
def _destinations(sentence: str) -> frozenset[str]:
    """Return the places a sentence names only as where goods are sent."""
    written, mentions = place_mentions(sentence)
    folded = fold(written).lower()
    if _FLOW_RE.search(folded):
        return frozenset()
    sent: dict[str, list[bool]] = {}  # each mention of a place: after a verb that sends goods?
    for place, start, _ in mentions:
        sent.setdefault(place.key, []).append(bool(_SENT_TO_RE.search(folded[max(0, start - 60) : start])))
    return frozenset(key for key, each in sent.items() if all(each))


def _joint_with(text: str, place: Place, *, last: bool) -> list[Place]:
    """Return ``place``, or the places listed together with it in ``text`` as one."""
    listed = _joined(text)
    if listed:
        candidate = listed[-1 if last else 0][1]
        if candidate.kind is None and " + " in candidate.key and place.key in candidate.key.split(" + "):
            return [candidate]
    return [place]


_WHOLE_UNIT_RE = re.compile(r"\b(?:toan|ca) (tinh|thanh pho|tp|huyen|quan|thi xa)\b(?: \S+){0,3}$")
_WHOLE_UNIT_KINDS: dict[str, tuple[str | None, ...]] = {
    "tinh": ("province", None),
    "thanh pho": ("city", "province", None),
    "tp": ("city", "province", None),
    "huyen": ("district", None),
    "quan": ("district", None),
    "thi xa": ("district", None),
}


@lru_cache(maxsize=16384)
def _positioned(text: str, specific: bool = True) -> tuple[tuple[int, Place], ...]:
    """Return the places named in ``text`` (the most specific ones unless ``specific`` is false)
    with the token index where each is named."""
    tokens = canonical_words(text)
    out = []
    found = find_places(text)
    for place in _specific(found) if specific else found:
        words = place.key.split()
        at = next((i for i in range(len(tokens)) if tokens[i : i + len(words)] == words), 0)
        out.append((at, place))
    return tuple(sorted(out, key=lambda item: item[0]))


# Words that may stand between places listed together: joiners and unit words ("huyện A và thành phố B").
_JOINERS = frozenset({"va", "cung", "and", "&"})
_UNIT_TOKENS = frozenset({"tinh", "thanh", "pho", "tp", "thi", "xa", "huyen", "quan", "province", "provinces"})


@lru_cache(maxsize=16384)
def _joined(text: str) -> tuple[tuple[int, Place], ...]:
    """Return ``_positioned(text)`` with places listed together ("Hoà Bình và Phú Thọ", "4 tỉnh
    (Đắk Lắk, Đắk Nông, Lâm Đồng và Gia Lai)") made one place: a list joined by "và" of places
    none of which holds another. "Chợ Đồn, Bắc Kạn" (a district and its province) stays as it is."""
    tokens = canonical_words(text)
    out: list[tuple[int, Place]] = []
    group: list[tuple[int, Place]] = []
    joined = False

    def flush() -> None:
        if len(group) > 1 and joined:
            places = [p for _, p in group]
            key = " + ".join(p.key for p in places)
            out.append((group[0][0], Place(key, " và ".join(p.name for p in places), None)))
        else:
            out.extend(group)

    for at, place in _positioned(text):
        if group and place.kind != "region" and group[-1][1].kind != "region":
            last_at, last = group[-1]
            gap = tokens[last_at + len(last.key.split()) : at]
            between = [t for t in gap if t not in _UNIT_TOKENS]
            separate = any(_nested(place, p) for _, p in group)
            if len(gap) <= 4 and set(between) <= _JOINERS and not separate:
                joined = joined or bool(between)
                group.append((at, place))
                continue
        flush()
        group, joined = [(at, place)], False
    flush()
    return tuple(out)


def _nested(one: Place, other: Place) -> bool:
    """Tell whether one place holds the other as the articles name them (a district and its
    province); two legacy provinces merged in 2025 ("Hoà Bình và Phú Thọ") are two places."""
    provinces = admin_map().provinces
    if all(p.kind in (None, "province") and p.key in provinces for p in (one, other)):
        return False
    return within(one, other) or within(other, one)


_SPEAKER_RE = re.compile(
    rf"^\s*(?:[Tt]heo\s+)?(?:[Aa]nh|[Cc]hị|[Ôô]ng|[Bb]à|[Cc]ô|[Cc]hú)\s+((?:[{CAPITALS}]\w*\s*){{1,3}}?)"
    r"(?:,|\s(?:nói|cho biết|cho hay|kể|chia sẻ|thừa nhận|khẳng định|bộc bạch|tâm sự)\b)"
)


def _speaker_goes_on(sentence: str, previous: str) -> bool:
    """Tell whether a sentence opens with someone the sentence before it names ("Anh Tới nói, …"
    after "… gia đình anh Nguyễn Văn Tới …"): what they say is about that sentence's place."""
    match = _SPEAKER_RE.match(sentence)
    return match is not None and re.search(rf"\b{re.escape(match.group(1).split()[-1])}\b", previous) is not None


def article_places(document: Document) -> list[Place]:
    """Return the place an article is about: its metadata place, else its title's (the most
    specific), else the places its lead names ("Nông dân xã Trường Thành, H.Thới Lai, TP.Cần Thơ")."""
    lead = find_places(document.text[:300])
    for text in (document.place or "", document.title or ""):
        places = _specific(find_places(text))
        if places:
            # "HTX ở Tây Nguyên" in the title, "vùng Tây Nguyên và duyên hải Nam Trung Bộ" in the
            # lead: the region the article reports on is the one its lead names in full.
            fuller = [p for p in lead if p.kind == "region" == places[0].kind and places[0].key in p.key.split(" + ")]
            return fuller[:1] or list(_main_district(document.text, places[0])) or places[:1]
    return lead or _only_place(document.text) or _dominant_place(document.text)


@lru_cache(maxsize=4096)
def _dominant_place(text: str) -> list[Place]:
    """Return the place an article names far more often than any other (three times or more, every
    other at most half as often), when its lead and title name none: "Giá tăng trở lại, nông dân
    đua nhau nuôi heo" names Đồng Nai three times and its districts and one other province once."""
    _, mentions = place_mentions(text)
    counts = Counter(p.key for p, _, _ in mentions)
    ranked = counts.most_common()
    if not ranked or ranked[0][1] < 3 or any(n * 2 > ranked[0][1] for _, n in ranked[1:]):
        return []
    return [next(p for p, _, _ in mentions if p.key == ranked[0][0])]


@lru_cache(maxsize=4096)
def _main_district(text: str, province: Place) -> tuple[Place, ...]:
    """Return the one district of ``province`` an article is about: its lead names it first, the
    text names it at least three times and any other district of that province at most once.
    "Những cánh đồng 'vàng' ở Quảng Ngãi" reports Mộ Đức throughout, and its "Cụ thể, năm 2016
    đạt 70 triệu đồng/ha/năm" is Mộ Đức's."""
    if province.kind not in (None, "province"):
        return ()
    lead = [situate(p, [province]) for p in find_places(text[:300]) if p.kind in (None, "district", "city")]
    inside = [p for p in lead if p.key != province.key and p.parent == province.key]
    if not inside:
        return ()
    district = inside[0]
    folded = " ".join(canonical_words(text))

    def times(place: Place) -> int:
        return len(re.findall(rf"\b{re.escape(place.key)}\b", folded))

    others = [
        p
        for p in find_places(text)
        if p.key not in (district.key, province.key) and within(situate(p, [province]), province)
    ]
    if times(district) < 3 or any(times(p) > 1 for p in others):
        return ()
    return (district,)


@lru_cache(maxsize=4096)
def _only_place(text: str) -> list[Place]:
    """Return the one place an article names, when it names exactly one (however often): its
    sentences without a place are about it ("Cũng tại tỉnh Ninh Bình, …"; "Cụ thể, dự án … thiếu
    120 tỷ đồng")."""
    found = {p.key: p for p in _specific(find_places(text))}
    return list(found.values()) if len(found) == 1 else []


def _specific(places: Sequence[Place]) -> list[Place]:
    """Drop a province named only as the parent of a district also named ("huyện X, tỉnh Y")."""
    places = [p for p in places if not p.qualifier]
    districts = [p for p in places if p.kind in ("district", "city")]
    if not districts:
        return list(places)
    return [p for p in places if p.kind in ("district", "city") or not any(within(d, p) for d in districts)]


def place_ok(asked: Place, subjects: Sequence[Place]) -> bool:
    """The place-safety invariant: a figure answers for ``asked`` only when its subject is that
    place (or a legacy unit that the asked 2025 province now holds whole)."""
    for subject in subjects:
        if asked.compatible(subject):
            return True
        if subject.kind in (None, "province") and asked.kind in (None, "province") and within(subject, asked):
            return True
    return False


def _anchored(q: Question, clause: Clause) -> bool:
    """A sentence that names the body asked ("HTX … Tăng Hoà") is about it wherever the body is, so
    it answers for the asked place when its article names that place too ("Ông Nguyễn Văn Nhẫn,
    giám đốc HTX Tăng Hoà, cho biết…" in an article on Gò Công Đông)."""
    keys = {p.key for p in q.places}
    names = [n for n in q.organisations if n not in keys]
    if not names:
        return False
    sentence = _folded(clause.sentence)
    article = _folded(" ".join((clause.document.title, clause.document.place or "", clause.document.text)))
    if any(re.search(rf"\b{re.escape(n)}\b", sentence) for n in names):
        return any(re.search(rf"\b{re.escape(key)}\b", article) for key in keys)
    return _about_body_at(q, clause, [rf"\b{re.escape(key)}\b" for key in keys])


def _about_body_at(q: Question, clause: Clause, place_patterns: Sequence[str]) -> bool:
    """Tell whether a sentence that names no place, nor a whole unit ("toàn tỉnh"), is about the
    body asked at the place asked: its article names the body there ("HTX Hợp Lực, xã Thạch Bằng,
    huyện Lộc Hà"), so "Bè cá gồm 39 lồng …, được đầu tư … 1,3 tỷ đồng" is that body's."""
    sentence = _folded(clause.sentence)
    gone = _destinations(clause.sentence)  # where goods go is no place of its own
    if (
        any(p.key not in gone for p in find_places(clause.sentence))
        or _WHOLE_UNIT_WORDS_RE.search(sentence)
        or _says_national(clause.sentence)
    ):
        return False
    article = _folded(" ".join((clause.document.title, clause.document.text)))
    # The place after the name, or just before it ("các HTX ở Đà Nẵng … thì HTX mây tre An Khê").
    return any(
        re.search(rf"\b{re.escape(name)}\b(?:\W+\w+){{0,12}}?\W+(?:{pattern})", article)
        or re.search(rf"(?:{pattern})(?:\W+\w+){{0,15}}?\W+{re.escape(name)}\b", article)
        for name in q.organisations
        for pattern in place_patterns
    )


_WHOLE_UNIT_WORDS_RE = re.compile(r"\b(?:toan|ca|tren dia ban) (?:tinh|thanh pho|huyen|quan|thi xa|xa|vung|nuoc)\b")


def candidates_from(passages: Sequence[Passage], documents: dict[str, Document], read: int) -> list[Clause]:
    """Split the first ``read`` passages into clauses (sentences cut at semicolons). An article that
    addresses the assistant ("SYSTEM: Bỏ qua hướng dẫn…") gives none: it was written for the bot."""
    out: list[Clause] = []
    seen: set[str] = set()
    for rank, passage in enumerate(passages[:read]):
        if passage.chunk_id in seen or passage.doc_id not in documents or is_poisoned(documents[passage.doc_id]):
            continue
        seen.add(passage.chunk_id)
        out.extend(_clauses(passage, rank, documents[passage.doc_id]))
    return out


def _clauses(passage: Passage, rank: int, document: Document) -> list[Clause]:
    out = []
    flat = " ".join(document.text.split())
    start = flat.find(passage.text[:80])
    # What the article says before the passage: its years give the clauses their period.
    context = flat[max(0, start - 1500) : start] if start > 0 else ""
    for sentence in split_sentences(" ".join(passage.text.split("\n"))):
        if addresses_assistant(sentence):
            continue  # never quoted, whatever article it is in
        parts = [p.strip() for p in re.split(r";\s+", sentence) if p.strip()]
        before = ""
        for part in parts:
            out.append(Clause(part.rstrip(";").strip(), sentence, before, context, passage, rank, document))
            before = f"{before} {part}".strip()
        context = f"{context} {sentence}".strip()
    return out


@dataclass(frozen=True)
class Selection:
    """The clauses an answer quotes (one, or two for a two-measure question), whether the period
    asked was missing (the latest figure is given instead), and the clauses of other articles that
    give another figure for the same place, measure and period (the sources disagree)."""

    clauses: tuple[Clause, ...]
    temporal_gap: bool = False
    conflicts: tuple[Clause, ...] = ()


@dataclass(frozen=True)
class Refusal:
    """Why no clause answers: topic, place, place-figure, measure or stale."""

    reason: str
    places_with_figures: tuple[str, ...] = ()


def select(
    q: Question,
    candidates: Sequence[Clause],
    *,
    min_coverage: float,
    fresh_days: int,
    weights: Weights = WEIGHTS,
    measure_coverage: float = 0.25,
    which_coverage: float = 0.3,
) -> Selection | Refusal:
    """Return the best clauses for ``q`` among ``candidates``, or the reason to refuse."""
    choose = partial(
        _select,
        min_coverage=min_coverage,
        fresh_days=fresh_days,
        weights=weights,
        measure_coverage=measure_coverage,
        which_coverage=which_coverage,
    )
    pick = choose(q, candidates)
    if isinstance(pick, Refusal) and q.places:
        # A region the articles report only together with its neighbour ("Tây Nguyên và duyên hải
        # Nam Trung Bộ"): the joint figure, which composition labels as of both regions.
        joint = dict.fromkeys(s for c in candidates for s in c.subjects() for p in q.places if p.shares(s))
        for place in joint:
            shared = choose(replace(q, places=(place,)), candidates)
            if isinstance(shared, Selection):
                return shared
    return pick


def _select(
    q: Question,
    candidates: Sequence[Clause],
    *,
    min_coverage: float,
    fresh_days: int,
    weights: Weights,
    measure_coverage: float,
    which_coverage: float,
) -> Selection | Refusal:
    if not candidates:
        return Refusal("topic")
    every = candidates
    if q.unknown_places:
        candidates = _naming_unknown_places(q, candidates)
        if not candidates:
            return Refusal("place")
    if q.nation:
        # "cả nước": a figure of the whole country, whose sentence says so; a province's or a
        # district's figure never passes for the nation's.
        candidates = _national(candidates)
        if not candidates:
            return Refusal("topic")
    if q.places:
        safe = [c for c in candidates if any(place_ok(p, c.subjects()) for p in q.places) or _anchored(q, c)]
        inside = tuple(
            dict.fromkeys(
                s.label()
                for c in candidates
                if c not in safe and (not q.asked or any(f.measure in {m.name for m in q.asked} for f in c.figures))
                for s in c.subjects()
                if any(within(s, p) for p in q.places)
            )
        )
        if not safe:
            keys = {p.key for p in q.places}
            mentioned = any(
                key in _folded(c.sentence + " " + c.document.title + " " + (c.document.place or ""))
                for c in candidates
                for key in keys
            )
            return Refusal("place-figure" if mentioned else "place", inside[:4])
        year_asked = not (q.quantity or q.asked) and bool(_WHEN_ASKED_RE.search(_folded(q.match_text)))
        if year_asked:
            # "… thành lập năm nào?": the article about the place asked tells the year where the
            # story goes elsewhere ("Năm 2014, Nủ đến tận Ninh Bình học nghề và về bản Cát Cát thành
            # lập HTX"). No figure is asked.
            articles = {c.document.id for c in safe}
            safe += [c for c in candidates if c not in safe and c.document.id in articles and years(c.sentence)]
        body_asked = not (q.quantity or q.asked) and bool(_BODY_ASKED_RE.search(_folded(q.match_text)))
        if body_asked and not any(_names_a_body(c.sentence) for c in safe):
            # "Chiếc xe … bị CSGT Phú Lộc dừng … là xe của hợp tác xã nào?": the article about what
            # happened at the place asked names the body where it says whose it was ("Chủ xe là HTX
            # vận tải Sông Giang (Quảng Bình)"), wherever the body is. No figure is asked.
            articles = {c.document.id for c in safe}
            safe += [c for c in candidates if c not in safe and c.document.id in articles and _names_a_body(c.sentence)]
        candidates = safe

    # "… đã góp vốn thành lập công ty nào?": a name is asked; the measure named is a topic word.
    numeric = q.quantity or (bool(q.asked) and q.intent != "which")
    if numeric and q.organisations and q.head and not q.asked and not q.noun:
        # Something asked of one named body ("Vườn chuối … của HTX X rộng bao nhiêu?"): a figure
        # beside the noun asked ("vườn chuối … 87ha"), never any figure of its article.
        head = {t: 1.0 for t in q.head}  # within a clause's reach: "Vườn cam của HTX Hoa Mai rộng 12 ha"
        candidates = [c for c in candidates if _figure_near(head, c.text, reach=8) == 1.0]
        if not candidates:
            return Refusal("topic")
    if numeric and q.organisations:
        # A figure of a body asked by name ("HTX Lâm Phát Hưng … bao nhiêu?") comes from an article
        # that names it: never one for a body no article knows.
        folded = {c.document.id: _folded(c.document.text) for c in candidates}  # each article once
        candidates = [c for c in candidates if any(n in folded[c.document.id] for n in q.organisations)]
        if not candidates:
            return Refusal("topic")
    placed = list(candidates)
    stated = False
    if numeric and not q.asked and not q.percent and asks_money(q.text):
        # "Tốn bao nhiêu", "what did it cost": a sum of money answers, never a count or a date (a
        # rate asked of a sum, "tạm ứng mấy phần trăm kinh phí", is read below).
        sums = [c for c in candidates if any(f.unit == "money" for f in c.figures)]
        candidates = sums or candidates
    if numeric and _DURATION_ASK_RE.search(_folded(q.text)):
        # "how long was the revocation?", "kéo dài bao lâu?": a figure of days, months or years.
        lasting = [c for c in candidates if _DURATION_RE.search(_folded(c.text))]
        candidates = lasting or candidates
    if q.percent and numeric:
        # "bao nhiêu phần trăm", "tỷ lệ": any rate answers; the measure words stay topic words.
        rates = [c for c in candidates if any(f.unit == "percent" for f in c.figures)]
        if not rates:
            return Refusal("measure")
        candidates, stated = rates, True
    elif q.asked and numeric:
        stating = [c for c in candidates if _measure_figures(q, c)]
        wanted = q.qualifiers & DECISIVE
        if wanted and all(m.counted for m in q.asked) and not asks_twice(q):
            # A count of new (or dissolved, or planned) cooperatives is never answered with the stock.
            stating = [
                c for c in stating if any(wanted <= f.qualifiers | _clause_target(c) for f in _measure_figures(q, c))
            ]
        if not stating:
            return Refusal("measure", inside[:4] if q.places else ())
        # Two quantities asked ("tổng số HTX là bao nhiêu và đã thêm bao nhiêu?"): the total and the
        # new ones both answer, whatever the qualifier.
        qualified = stating if asks_twice(q) else _prefer_qualifiers(q, stating)
        candidates, stated = _prefer_units(q, _prefer_owner(q, qualified)), True
    elif q.noun and q.quantity:
        counting = [c for c in candidates if any(f.measure == f"count:{q.noun}" for f in c.figures)]
        # "phương tiện thuộc các HTX": the vehicles the cooperatives own. A body asked by name is
        # the owner already: a count some other cooperative owns is no better ("xe khách … của HTX
        # Ka Long … chở bao nhiêu người?").
        owned = [
            c
            for c in counting
            if not q.organisations and any(f.measure == f"count:{q.noun}" and f.owner in q.owners for f in c.figures)
        ]
        if owned and q.years:
            # A sentence that names the year asked may leave the owner to the one before it
            # ("… hợp tác xã phát triển khoảng 1ha … Năm 2018 đã lên được 6ha").
            owned += [c for c in counting if c not in owned and set(q.years) & set(years(c.sentence))]
        counting = owned or counting
        candidates, stated = counting or candidates, bool(counting)
    elif numeric and q.per_unit is not None:
        # "bán tại vườn bao nhiêu một ký?": an amount per the unit asked ("18.000 - 30.000 đồng/kg")
        # states what is asked, as a measure does.
        per_unit = [c for c in candidates if states_per_unit(c.text, q.per_unit)]
        candidates, stated = per_unit or candidates, bool(per_unit)

    # A figure of a measure the lexicon knows (or of a noun counted in the passages, or a rate, or
    # a price) is chosen by measure, qualifiers and topic words; anything else by the learned ranker.
    domain = stated or (numeric and (bool(q.measures) or asks_price(q.text) or q.per_unit is not None))
    term_weights = _term_weights(q, candidates)
    total = sum(term_weights.values()) or 1.0
    learned = _ranker_probabilities(q, candidates)
    # The ranker reads a figure as asked only from a quantity word ("bao nhiêu"); a comparison, change
    # or ranking asks one without it, and the figure's own features weigh more there.
    implicit = numeric and not asks_quantity(q.match_text)
    asked_text = _folded(q.match_text)
    roles: set[str] = set()
    if _NAME_ASKED_RE.search(asked_text):
        roles = set(_ROLE_RE.findall(asked_text)) | (set(_HEAD_ROLES) if _HEAD_ROLE_RE.search(asked_text) else set())
    # "Ai là Chủ tịch Liên minh HTX tỉnh X?": the answer names someone in that role of that body, or
    # there is none to give (a sentence about the body without the person is no answer).
    role_pattern = _role_pattern(roles, q)
    role_required = role_pattern is not None and bool(_COOPERATIVE_ROLE_RE.search(asked_text)) and not q.english
    when_asked = bool(_WHEN_ASKED_RE.search(_folded(q.text)))
    kind_asked = _body_kind_asked(asked_text)
    spelled = question_spellings(q)
    scored = []
    for clause in candidates:
        coverage = (
            _coverage(term_weights, clause, whole_sentence=not domain, spelled=spelled, misspelt=weights.misspelt)
            / total
        )
        if domain:
            score = coverage + weights.rank / (1 + clause.rank) + _clause_score(q, clause, numeric, weights)
            score += weights.ranker_numeric * learned.get(clause.sentence, 0.0)
        else:
            # Who / what / where, and figures of no measure the lexicon knows: the learned ranker
            # reads the whole sentence; coverage only breaks ties.
            score = (
                (weights.ranker_figure if implicit else weights.ranker) * learned.get(clause.sentence, 0.0)
                + weights.coverage_which * coverage
                + _place_and_date_score(q, clause, weights)
            )
            if q.organisations and any(
                re.search(rf"\b{re.escape(n)}\b", _folded(clause.sentence)) for n in q.organisations
            ):
                # "gian hàng của HTX Năm Đặm … bán sản phẩm gì?": the sentence that names the body
                # says what it sells, more than one about the whole fair.
                score += weights.names_body
            if numeric:
                score += weights.has_figure if _has_figure(clause.sentence) else weights.no_figure
                # The clauses of one sentence read alike to the ranker: the one that holds the
                # question's words is quoted ("…phải đạt 50 ha; riêng đối với công trình cấp nước
                # đầu mối … là 10 ha" for "công trình cấp nước đầu mối … bao nhiêu?").
                score += weights.clause_words * _coverage(term_weights, clause) / total
        if role_pattern and _PERSON_RE.search(clause.sentence) and role_pattern.search(_folded(clause.sentence)):
            score += weights.role_person
        if q.intent == "rank" and listed_group(clause.sentence):
            score += weights.listing
        if when_asked and years(clause.text):
            score += weights.year_told
        if q.per_unit and numeric and states_per_unit(clause.text, q.per_unit):
            score += weights.per_unit
        if implicit and not stated:
            # No measure of the lexicon and no quantity word pick the figure ("Thiệt hại … bên nào
            # nặng hơn?"): the question's rarest words, and the noun it opens with, beside it do.
            score += weights.figure_near * _figure_near(term_weights, clause.text)
            if q.head and _figure_near({t: 1.0 for t in q.head}, clause.text) == 1.0:
                score += weights.figure_head
        scored.append((score, coverage, clause))
    # A clause that states the asked measure, for the asked place and qualifiers, needs less of
    # the question's other words ("Theo hội nghị tổng kết ... toàn tỉnh có bao nhiêu tổ hợp tác?").
    threshold = measure_coverage if stated else min_coverage if domain else min(min_coverage, which_coverage)
    if numeric and q.organisations:
        # A body asked by name, in the article that names it: the name and the words that tell the
        # story ("ông Phó Giám đốc HTX … Thái Sơn (xã Tú Sơn …) nói …") are said once, before the
        # figure ("… mà lỗ đến trên 1 triệu đồng/con"), which needs no more than a stated measure.
        threshold = min(threshold, measure_coverage)
    if domain:
        # A clause of a long sentence may leave the topic words to the clauses before it ("…có
        # hơn 5.500 hợp tác xã nông nghiệp …; trong đó, số hợp tác xã … chiếm 76,8%"): its
        # sentence may hold them instead.
        scored = [
            item
            for item in scored
            if (item[1] >= threshold or _whole_coverage(term_weights, item[2], spelled, weights) / total >= threshold)
            and _pairs_found(q, item[2])
        ]
    else:
        # A who / what sentence often repeats few of the question's words ("Tên lửa Scud ... do Liên
        # Xô phát triển" for "Quốc gia nào đã sáng chế ra tên lửa Scud?"): its passage must be on
        # the topic, and the ranker picks the sentence in it.
        passages = {c.passage.chunk_id: c for c in candidates}  # one clause per passage is enough
        reach = {
            chunk: _passage_coverage(term_weights, c, spelled, weights.misspelt) / total
            for chunk, c in passages.items()
        }
        scored = [item for item in scored if max(item[1], reach[item[2].passage.chunk_id]) >= threshold]
    if not scored:
        return Refusal("topic")
    scored.sort(key=lambda item: -item[0])
    if role_required and role_pattern is not None:
        scored = [i for i in scored if _PERSON_RE.search(i[2].sentence) and role_pattern.search(_folded(i[2].sentence))]
        if not scored:
            return Refusal("topic")
    if not domain and _BODY_ASKED_RE.search(asked_text):
        # "… là xe của hợp tác xã nào?", "which cooperative …": the answer names a cooperative other
        # than those the question names, when any sentence read does.
        naming = [i for i in scored if _names_a_body(i[2].sentence, q.organisations)]
        scored = naming or scored
    if not domain and q.document is not None:
        # "… chỉ thị số mấy …?": the sentence that gives such a document's number ("Chỉ thị số 27-CT/TU").
        numbered = [i for i in scored if re.search(rf"\b{q.document} so \d", _folded(i[2].sentence))]
        scored = numbered or scored
    if not domain and kind_asked is not None:
        # "… thành lập công ty nào?": the sentence that names a company the question does not.
        naming = [i for i in scored if _names_new_body(kind_asked, i[2].sentence, asked_text)]
        scored = naming or scored
    best_score, _, best = scored[0]

    if domain and not _dated(best):
        # The same figure is often quoted by several articles: cite one that tells its date.
        given = {(f.number, f.measure) for f in best.figures if f.measure}
        best = next(
            (
                c
                for score, _, c in scored[1:]
                if score >= best_score - weights.same_figure
                and _dated(c)
                and bool(given & {(f.number, f.measure) for f in c.figures})
                and (not q.places or any(place_ok(p, c.subjects()) for p in q.places))
            ),
            best,
        )
    chosen = [best]
    if not domain and _PERSON_ASKED_RE.search(_folded(q.text)) and not _PERSON_RE.search(best.sentence):
        # "Ai chủ trì hội nghị?": the sentence about the meeting, then the one that names who chaired it.
        following = _next_sentence(best, candidates)
        if following is not None and _PERSON_RE.search(following.sentence):
            chosen.append(following)
    two_figures = numeric and (q.intent == "trend" or asks_twice(q))  # chosen below, by figure
    if not domain and len(chosen) == 1 and weights.runner_up > 0 and not two_figures:
        # When the ranker is unsure between two sentences of the same passage, both are quoted, in
        # the article's order: the reader gets the answer at the cost of one more sentence.
        runner = next(
            (
                (s, c)
                for s, _, c in scored[1:]
                if c.passage.chunk_id == best.passage.chunk_id
                and c.sentence != best.sentence
                # "Tuyến 71 … do hợp tác xã Quyết Thắng khai thác" is not about "tuyến số 42"
                and not _other_number_named(q.text, c.text)
            ),
            None,
        )
        if runner is not None and runner[0] >= best_score - weights.runner_up:
            chosen = sorted([best, runner[1]], key=lambda c: c.passage.text.find(c.sentence))
    if q.sides and len(chosen) == 1:
        # "Dự án A hay dự án B thiếu vốn nhiều hơn?": each side's figure, often in another clause.
        # The other side's figure may not name the measure ("dự án B thiếu 110 tỷ đồng"): after the
        # scored clauses, any clause about the asked place is looked at.
        pool = [c for _, _, c in scored[1:]] + placed
        sided = 0  # sides told by clauses other than the best
        for side in q.sides:
            # The best clause tells a side only with one of the side's rarest words ("VCCI chỉ đề
            # xuất 2%" shares "đề xuất" with "Liên minh HTX đề xuất …", not its name).
            key = _side_key(side, placed)
            if _side_share(best, side, key) >= 0.5:
                continue
            extra = next(
                (
                    c
                    for c in pool
                    if c.text != best.text
                    and _side_share(c, side) >= 0.5
                    and (not numeric or _has_figure(c.text))
                    and all(c.text != e.text for e in chosen)
                ),
                None,
            )
            if extra is not None:
                # A side named only in the sentence before is quoted with it, so the reader sees
                # which side the figure is of.
                own = set(canonical_words(extra.text))
                previous = _previous_sentence(extra, placed) if not set(side) & own else None
                chosen += [c for c in (previous, extra) if c is not None and all(c.text != e.text for e in chosen)]
                sided += 1
        if sided == len(q.sides) and len({c.document.id for c in chosen[1:]}) == 1:
            # Each side told by one article and none by the best clause ("… mức tăng bình quân 5,3%"
            # for "Liên minh HTX đề xuất bao nhiêu, so với mức VCCI đề xuất?"): the sides answer.
            chosen, best = chosen[1:], chosen[1]
        chosen = sorted(
            chosen, key=lambda c: (c.passage.doc_id != best.passage.doc_id, c.document.text.find(c.text[:60]))
        )
    # A question that asks two measures ("bao nhiêu HTX và bao nhiêu thành viên") may need a
    # second clause of the same article for the measure the first one lacks.
    lacking = [m for m in q.asked if not any(f.measure == m.name for f in best.figures)]
    if len(q.asked) > 1 and lacking:
        extra = next(
            (
                c
                for _, _, c in scored[1:12]
                if c.passage.doc_id == best.passage.doc_id
                and c.text != best.text
                and any(f.measure == m.name for m in lacking for f in c.figures)
            ),
            None,
        )
        if extra is not None:
            chosen.append(extra)
    elif (
        numeric
        and len(chosen) == 1
        and len(q.asked) <= 1
        and (asks_twice(q) or q.intent == "trend")
        and len({f.number for f in _measure_figures(q, best)}) < 2
    ):
        # "Tăng bao nhiêu … và hiện nay là bao nhiêu?", "… lúc mới thành lập và sau 3 năm thay đổi
        # thế nào?": two figures of one measure, often in two sentences of the same article
        # ("toàn quốc tăng 101 HTX vận tải" … "hiện có 783 HTX"; "đàn gà 35.000 con" … "80.000 con").
        names = {m.name for m in q.asked}
        quoted = {f.number for f in best.figures}
        head = {t: 1.0 for t in q.head}

        kinds = {f.measure for f in best.figures if f.measure}
        # A money figure the lexicon names no measure for ("khoản nợ gốc còn khoảng 37 tỉ đồng") may
        # be the second amount asked beside the first ("vay bao nhiêu … dư nợ còn bao nhiêu?").
        units = {f.unit for f in best.figures if f.measure in names and f.unit in ("money", "percent")}

        # "… giảm từ bao nhiêu xuống còn bao nhiêu người?": the second figure may count the noun
        # the question names last ("chỉ cần khoảng 6 người" after "cần đến 200 lao động").
        last_noun = (
            counted_noun("bao nhiêu " + q.text.rsplit("bao nhiêu", 1)[1]) if names and "bao nhiêu" in q.text else None
        )
        counts = {f"count:{last_noun}"} if last_noun else set()

        def same_kind(f: Figure, wanted: Collection[str]) -> bool:
            return f.number not in quoted and (
                f.measure in wanted or f.measure in counts or (f.measure is None and f.unit in units)
            )

        def another(c: Clause) -> bool:
            if names:
                return any(same_kind(f, names) for f in c.figures)
            if not domain and not (head and _figure_near(head, c.text) == 1.0):
                # The same kind of figure as the first one ("khoảng 1ha" … "lên 6ha").
                return any(f.measure in kinds and f.number not in quoted for f in c.figures)
            return any(f.number not in quoted for f in c.figures)

        # A year asked that the first figure's sentence does not name ("… tới năm 2018 đã lên bao
        # nhiêu?") picks the sentence of the article that does, before any better-worded one.
        unnamed = set(q.years) - set(years(best.sentence))
        extra = next(
            (
                c
                for c in ([c for _, _, c in scored[1:]] + placed if unnamed else [])
                if c.passage.doc_id == best.passage.doc_id
                and c.sentence != best.sentence
                and unnamed & set(years(c.sentence))
                and another(c)
            ),
            None,
        ) or next(
            (
                c
                for _, _, c in scored[1:12]
                if c.passage.doc_id == best.passage.doc_id and c.sentence != best.sentence and another(c)
            ),
            None,
        )
        if extra is None:
            # The other figure's sentence may repeat none of the question's words ("Năm 2018 đã lên
            # được 6ha"): the nearest sentence of the article with a figure of the same kind.
            of_kind = names or kinds
            at = best.document.text.find(best.sentence[:60])
            # The sentence right after the first figure's, naming no place of its own, goes on
            # about the same place ("… cần đến 200 lao động. Nếu … thì chỉ cần khoảng 6 người").
            following = _next_sentence(best, every)
            if following is not None and not find_places(following.sentence) and following not in placed:
                placed = [*placed, following]
            extra = min(
                (
                    c
                    for c in placed
                    if c.passage.doc_id == best.passage.doc_id
                    and c.sentence != best.sentence
                    and any(same_kind(f, of_kind) for f in c.figures)
                ),
                key=lambda c: abs(c.document.text.find(c.sentence[:60]) - at),
                default=None,
            )
        if extra is not None:
            chosen = sorted([best, extra], key=lambda c: c.document.text.find(c.sentence[:60]))

    if domain and len(chosen) == 1 and (_bare(best) or best.figures != figures(best.text)):
        # "Năm 2018 đã lên được 6ha.": a short sentence that leaves its subject to the one before
        # it is quoted with that sentence; so is one whose measure that sentence names ("Cụ thể,
        # năm 2016 đạt 70 triệu đồng/ha/năm").
        previous = _previous_sentence(best, placed)
        if previous is not None:
            chosen = [previous, best]

    # News holds no figure "of today": such a question gets the latest figure, labelled as such,
    # except a price, which changes from day to day: an old one must not pass for today's.
    asked = _folded(q.text)
    temporal_gap = bool(_TODAY_RE.search(asked))
    if temporal_gap and asks_price(q.text) and not is_fresh(best.document, fresh_days):
        return Refusal("stale")
    if q.years and domain:
        # The year asked must be the chosen figure's: in its sentence, in the article before it, in
        # its title or the article's date. Another article that names the year does not make an
        # undated "hiện cả nước có 22.456 HTX" a figure of 2025.
        # A second figure quoted for the question ("… năm 2021 đã lên bao nhiêu?") may carry the year
        # in its own sentence; the context of a second clause does not date anything.
        temporal_gap = not set(q.years) & _years_around(best) and not any(
            set(q.years) & set(years(c.sentence)) for c in chosen[1:]
        )
        if temporal_gap:
            near = [c for s, _, c in scored if s >= best_score - 0.15 and c is not scored[0][2]]
            chosen = [_latest([best, *near]) or best]
    conflicts = disagreeing(q, chosen[0], [c for _, _, c in scored]) if len(chosen) == 1 and stated else ()
    return Selection(tuple(chosen), temporal_gap, conflicts)


def disagreeing(q: Question, chosen: Clause, others: Sequence[Clause], limit: int = 2) -> tuple[Clause, ...]:
    """Return up to ``limit`` clauses of other articles whose figure of the asked count differs from
    ``chosen``'s for the same place and the same period: the articles disagree, and the answer must
    show each figure with its source rather than pick one. Conservative: only counts, plain ones
    (not "trong đó 50 HTX", not "1.200 HTX nông nghiệp"), and only a period both clauses name."""
    own = _comparable(q, chosen)
    if own is None:
        return ()
    key, places, value = own
    out: list[Clause] = []
    values = {value}
    documents = {chosen.document.id}
    for clause in others:
        if clause.document.id in documents:
            continue
        other = _comparable(q, clause)
        if (
            other is None
            or other[0] != key
            or other[2] in values
            or not any(a.compatible(b) for a in places for b in other[1])
        ):
            continue
        values.add(other[2])
        documents.add(clause.document.id)
        out.append(clause)
        if len(out) == limit:
            break
    return tuple(out)


def _comparable(
    q: Question, clause: Clause
) -> tuple[tuple[str | None, frozenset[str], str, tuple[str, ...]], list[Place], float] | None:
    """Return what a clause's answering figure is (measure, qualifiers, scope, period), its places
    and its value; None when one of them is unknown."""
    found = _measure_figures(q, clause)
    figure = found[0] if found else None
    if figure is None or figure.unit != "count" or figure.measure not in BY_NAME or not BY_NAME[figure.measure].counted:
        return None
    scope = figure_scope(clause.text, figure)
    period = period_key(period_for(clause.text, clause.before, clause.context, clause.document.date))
    value = number_value(figure.number)
    places = clause.figure_subject(figure.position)
    if scope is None or period is None or value is None or not places:
        return None
    qualifiers = (figure.qualifiers | _clause_target(clause)) & (DECISIVE | {"negative"})
    return (figure.measure, qualifiers, scope, period), places, value


_PERSON_ASKED_RE = re.compile(r"\b(ai|nguoi nao|who|whom)\b")
# The kind of body other than a cooperative (see _BODY_ASKED_RE) a "which" question asks ("công ty
# nào", "which brand"), and how articles write it.
_BODY_KINDS = {
    "cong ty": "công ty",
    "doanh nghiep": "doanh nghiệp",
    "to hop tac": "tổ hợp tác|tht",
    "tht": "tổ hợp tác|tht",
    "lien hiep": "liên hiệp",
    "nha may": "nhà máy",
    "thuong hieu": "thương hiệu",
    "ngan hang": "ngân hàng",
    "sieu thi": "siêu thị",
    "company": "công ty",
    "brand": "thương hiệu",
}
_BODY_KIND_ASKED_RE = re.compile(
    r"\b(?:(" + "|".join(k for k in _BODY_KINDS if k not in ("company", "brand")) + r") nao"
    r"|which (company|brand))\b"
)


def _body_kind_asked(folded_question: str) -> str | None:
    """Return how articles write the kind of body a question asks by "nào" / "which", if any."""
    match = _BODY_KIND_ASKED_RE.search(folded_question)
    return _BODY_KINDS[match.group(1) or match.group(2)] if match else None


@lru_cache(maxsize=4096)
def _names_new_body(kind: str, sentence: str, folded_question: str) -> bool:
    """Tell whether ``sentence`` names a body of ``kind`` ("Công ty Happy Coco", "Hợp tác xã (HTX)
    Nông nghiệp … Hoà Hiệp Bắc") whose name the question does not already hold: the name a "which"
    question asks. The name is the capitalised words after the kind and its trades."""
    asked = set(folded_question.split())
    for match in re.finditer(rf"(?i:\b(?:{kind}))(?:\s*\([^)]{{1,12}}\))?((?:\s+[^\s,.;:()]+){{1,10}})", sentence):
        tokens = match.group(1).split()
        start = next((i for i, t in enumerate(tokens[:7]) if t[0].isupper() or t[0].isdigit()), None)
        if start is None:
            continue
        name = []
        for token in tokens[start : start + 4]:
            if not (token[0].isupper() or token[0].isdigit()):
                break
            name.append(token)
        folded = set(_folded(" ".join(name)).split())
        if folded and not folded <= asked and not all(t.isdigit() for t in folded):
            return True
    return False


# "Ai là giám đốc HTX X?", "Giám đốc HTX X tên là gì?": a role, and a name asked.
_NAME_ASKED_RE = re.compile(r"\b(ai|nguoi nao|ten (?:la )?gi|ho ten|who|whom|name)\b")
# "Người đứng đầu HTX X là ai?": any head of a body.
_HEAD_ROLE_RE = re.compile(r"\b(nguoi dung dau|lanh dao|head|leader|leads)\b")
# A role in a cooperative body: "giám đốc HTX …", "chủ tịch Liên minh HTX …", "chủ nhiệm THT …".
_COOPERATIVE_ROLE_RE = re.compile(
    r"\b(?:giam doc|chu nhiem|chu tich|truong ban quan tri|nguoi dung dau|lanh dao) (?:\S+ ){0,2}?"
    r"(?:htx|tht|qtdnd|lmhtx|lhhtx|lien minh|lien hiep)\b"
)
_HEAD_ROLES = frozenset({"giam doc", "chu nhiem", "chu tich", "tong giam doc", "truong ban quan tri"})
_ROLE_RE = re.compile(
    r"\b((?:pho )?(?:giam doc|chu nhiem|chu tich|tong giam doc)|truong (?:ban|phong|thon|ban quan tri)|bi thu|"
    r"ke toan truong)\b"
)
_PERSON_RE = re.compile(
    r"\b(?:[Đđ]ồng chí|[Ôô]ng|[Bb]à|[Cc]hị|[Aa]nh|Mr\.?|Ms\.?)\s+[A-ZĐ][^\s,.;:]*(?:\s+[A-ZĐ][^\s,.;:]*)+"
    r"|(?:[A-ZĐ][a-zà-ỹđ]+\s+){2,3}[A-ZĐ][a-zà-ỹđ]+"
)


def _bare(clause: Clause) -> bool:
    """Tell whether a clause is a short whole sentence that names no place, no body and no
    cooperative: its subject is in the sentence before it."""
    words = clause.sentence.split()
    return (
        (clause.text == clause.sentence.rstrip(".") or clause.text == clause.sentence)
        and len(words) <= 10
        and not any(w[:1].isupper() for w in words[1:])
        and not (set(canonical_words(clause.sentence)) & _ENTITIES)
        and not find_places(clause.sentence)
    )


def _previous_sentence(clause: Clause, candidates: Sequence[Clause]) -> Clause | None:
    """Return the first clause of the sentence before ``clause``'s in the same passage, if any."""
    return _sentence_beside(clause, candidates, after=False)


def _next_sentence(clause: Clause, candidates: Sequence[Clause]) -> Clause | None:
    """Return the first clause of the sentence after ``clause``'s in the same passage, if any."""
    return _sentence_beside(clause, candidates, after=True)


def _sentence_beside(clause: Clause, candidates: Sequence[Clause], *, after: bool) -> Clause | None:
    """Return the first clause of the sentence next to ``clause``'s (after or before it) in the
    same passage. A passage read twice lists its clauses twice: the order is the passage's own."""
    text = clause.passage.text
    at = text.find(clause.sentence)
    if at < 0:
        return None
    beside: dict[str, tuple[int, Clause]] = {}
    for other in candidates:
        where = text.find(other.sentence) if other.passage.chunk_id == clause.passage.chunk_id else -1
        if where >= 0 and (where > at if after else where < at):
            beside.setdefault(other.sentence, (where, other))
    pick = min if after else max
    nearest = pick(beside.values(), key=lambda item: item[0], default=None)
    return nearest[1] if nearest else None


# A place named as the seat of an authority: "UBND tỉnh Ninh Bình", "Sở NN&PTNT Hà Tĩnh".
_AUTHORITY_RE = re.compile(
    r"\b(?:UBND|HĐND|Ủy ban nhân dân|Uỷ ban nhân dân|Hội đồng nhân dân|Tỉnh ủy|Tỉnh uỷ|Huyện ủy|Huyện uỷ|"
    rf"Sở(?: [{CAPITALS}][\w&]*){{1,4}}|Công an)"
    rf"(?: (?:tỉnh|huyện|thành phố|TP\.?|thị xã|quận|xã))?(?: [{CAPITALS}]\w*){{1,3}}"
)


def _naming_unknown_places(q: Question, candidates: Sequence[Clause]) -> list[Clause]:
    """Keep the clauses about a place the gazetteer does not know ("huyện Lộc Hà"): its name must be
    in the figure's sentence, or be the article's own place when the sentence names no other."""
    names = [" ".join(canonical_words(name)) for name in q.unknown_places]
    # "Xã Thịnh Lộc (huyện Lộc Hà, Hà Tĩnh)": the commune is asked; its district only says where it
    # lies, and a figure of the district is no figure of the commune.
    folded_question = " ".join(canonical_words(q.text))
    communes = [n for n in names if re.search(rf"\b(?:xa|phuong|thi tran) {re.escape(n)}\b", folded_question)]
    # A one-syllable name ("Chũ") is an ordinary word too ("chủ động"): it needs its unit word.
    patterns = [
        rf"\b{re.escape(n)}\b"
        if len(n.split()) > 1
        else rf"\b(?:huyen|tinh|thi xa|thanh pho|tp|quan|xa|phuong|thi tran) {re.escape(n)}\b"
        for n in (communes or names)
    ]

    def names_it(text: str) -> bool:
        return any(re.search(pattern, _folded(text)) for pattern in patterns)

    # "Số gà trên toàn xã xấp xỉ 50.000" is of the commune asked ("xã Đông Tảo"); "toàn tỉnh", "cả
    # nước" turn away from it.
    own = {"xa"} if re.search(r"\b(?:xa|phuong|thi tran) \w", _folded(q.text)) else set()

    def turns_away(sentence: str) -> bool:
        units = re.findall(
            r"\b(?:toan|ca|tren dia ban) (tinh|thanh pho|huyen|quan|thi xa|xa|vung|nuoc)\b", _folded(sentence)
        )
        return any(u not in own for u in units) or _says_national(sentence)

    # The known places the question names around it ("xã Xuân Phú, huyện Quan Hóa (Thanh Hóa)").
    around = [p for p in find_places(q.text) if not p.qualifier]

    def of_body_there(c: Clause) -> bool:
        # "HTX Hợp Phát … ở huyện Quan Hoá, … giải quyết việc làm cho hàng trăm lao động": the body
        # asked, said to be in the district the question puts the commune in.
        named = _specific(find_places(c.sentence))
        return (
            bool(named and around)
            and any(re.search(rf"\b{re.escape(n)}\b", _folded(c.sentence)) for n in q.organisations)
            and all(any(p.compatible(s) or within(p, s) or within(s, p) for s in around) for p in named)
        )

    asked = find_places(q.text)  # with the units that only say where ("(Kim Sơn, Ninh Bình)")

    about: dict[str, bool] = {}  # by article: its clauses ask the same

    def mostly_about_it(document: Document) -> bool:
        # "Ông Trần Văn Thắng (xã Định Thuỷ …) …", "tại xã Định Thuỷ …": an article that names the
        # asked place again and again, and no known place more often than it, save those the question
        # puts it in, is about that place.
        if document.id not in about:
            folded = _folded_article(document.id, "", document.text)  # the text, as before: no title
            times = sum(len(re.findall(pattern, folded)) for pattern in patterns)
            holding = {p.key for p in asked}
            others = {
                p.key
                for p in find_places(document.text)
                if p.key not in holding and not any(within(a, p) for a in asked)
            }
            about[document.id] = times >= 2 and all(
                len(re.findall(rf"\b{re.escape(key)}\b", folded)) < times for key in others
            )
        return about[document.id]

    def other_places(sentence: str) -> bool:
        # An authority of a place the question puts the asked one in is no other subject ("Tổng
        # vốn đầu tư ban đầu 3,5 tỷ đồng …, theo đề án … của UBND tỉnh Ninh Bình" for a commune of it).
        named = find_places(sentence)
        if not named:
            return False
        authorities = _AUTHORITY_RE.sub(" ", sentence)
        holding = all(any(p.compatible(a) or within(a, p) for a in asked) for p in named)
        return bool(find_places(authorities)) or not holding

    return [
        c
        for c in candidates
        if names_it(c.sentence)
        or (
            # A sentence with no place, unless it turns to a whole unit ("Toàn tỉnh có …") or the
            # country: the article's own place, or "Chủ tịch Hội Nông dân xã Mai Phụ cho biết: … .
            # Thu nhập …" (the sentences before it).
            not other_places(c.sentence)
            and not turns_away(c.sentence)
            and (
                names_it((c.document.place or "") + " " + c.document.title + " " + c.document.text[:300])
                or names_it(" ".join(_sentences_before(c.context[-800:])))
                or mostly_about_it(c.document)
            )
        )
        or _about_body_at(q, c, patterns)
        or of_body_there(c)
    ]


def _national(candidates: Sequence[Clause]) -> list[Clause]:
    """Keep the clauses about the whole country: their sentence says so ("cả nước có 19.570 hợp tác
    xã"), or it names no place and its article is about the country (names it, and no province or
    district as its own place), as the article's place answers for a place-less sentence."""
    return [
        c
        for c in candidates
        if _says_national(c.before + " " + c.text)
        or (
            not _specific(find_places(c.sentence))
            and (
                (
                    not article_places(c.document)
                    and NATION_RE.search(_folded(c.document.title + " " + c.context[-600:]))
                )
                or _continues_national(c)
            )
        )
    ]


def _continues_national(clause: Clause) -> bool:
    """Tell whether a sentence that names no place goes on with the country's figures the sentence
    before it gave ("… 42% số xã của Việt Nam đạt chuẩn nông thôn mới. Có trên 13.000 hợp tác xã
    nông nghiệp …"), rather than turning to one place ("Riêng …", "Còn ở …")."""
    if _TURNS_RE.match(_folded(clause.sentence)):
        return False
    before = _sentences_before(clause.context[-800:])
    return bool(before) and _says_national(before[-1])


_TURNS_RE = re.compile(r"(?:rieng|con|tai|o|trong khi|trong khi do|nhung|tuy nhien|mat khac)\b")


def _says_national(text: str) -> bool:
    """Tell whether ``text`` gives the whole country's figure: it says "cả nước" before any
    province, district or region it names ("ở ĐBSCL … có 1.642 HTX, chiếm 15,16% cả nước" is the
    region's figure, measured against the nation's), other than one in brackets after a person."""
    expanded, named = place_mentions(re.sub(r"\bVN\b", "Việt Nam", text))
    nation = NATION_RE.search(fold(expanded))
    if nation is None:
        return False
    firsts = [
        start
        for place, start, _ in named
        if place.kind != "country" and not place.qualifier and not expanded[:start].rstrip().endswith("(")
    ]  # "Đại biểu Mai Sĩ Diến (Thanh Hoá) lưu ý hiện cả nước có …": where the speaker is from
    return not firsts or nation.start() < min(firsts)


def select_series(q: Question, candidates: Sequence[Clause], limit: int = 3) -> list[Clause]:
    """Return up to ``limit`` clauses that state the asked measure for the asked place at different
    periods or states (now, new in the year, target), in article order: a trend or a before/after."""
    if q.places:
        candidates = [c for c in candidates if any(place_ok(p, c.subjects()) for p in q.places)]
    if q.unknown_places:
        candidates = _naming_unknown_places(q, candidates)
    if q.nation:
        candidates = _national(candidates)
    stating = (
        [c for c in candidates if _measure_figures(q, c)] if q.asked else [c for c in candidates if _has_figure(c.text)]
    )
    if not stating:
        return []
    term_weights = _term_weights(q, stating)
    total = sum(term_weights.values()) or 1.0
    ranked = sorted(stating, key=lambda c: -(_coverage(term_weights, c) / total + WEIGHTS.rank / (1 + c.rank)))
    asked_years = sorted(set(q.years))
    if len(asked_years) >= 2:
        # "… năm 1989 so với năm 2018": the figure of each year asked, where the sentence names it.
        def named(c: Clause) -> set[int]:
            return set(years(c.text + " " + c.before)) & set(asked_years)

        found: list[Clause] = []
        for year in asked_years:  # a sentence of that year alone first, then one naming it with others
            pick = min(
                (c for c in ranked if year in named(c) and c not in found),
                key=lambda c: (len(named(c)), ranked.index(c)),
                default=None,
            )
            if pick is not None:
                found.append(pick)
        if len(found) >= 2:
            return found[:limit]
    # A before and an after told by one article ("trước năm 2016 … chỉ có 27 HTX" … "173 HTX")
    # are the answer; other articles' figures come in only when it tells fewer than two.
    top = [c for c in ranked if c.passage.doc_id == ranked[0].passage.doc_id]
    own = _distinct_states(q, top, limit)
    if len(own) >= 2 or CHANGE_RE.search(_folded(ranked[0].text)):
        # "… là 11 tỷ đồng, tăng 4 tỷ đồng": one sentence that states the change is the answer.
        return own
    return _distinct_states(q, ranked, limit)


# A change stated beside a figure: "tăng 4 tỷ đồng", "giảm 12%", "gấp đôi", "increased by 5".
CHANGE_RE = re.compile(
    r"\b(?:tang|giam|gap|increased?|decreased?|up|down)(?: them| hon| khoang| len| xuong| by)? (?:\d|doi|ba)"
)


def _distinct_states(q: Question, ranked: Sequence[Clause], limit: int) -> list[Clause]:
    """Return up to ``limit`` of ``ranked``, in order, each of another state (qualifier, years, article)."""
    chosen: list[Clause] = []
    states: set[tuple[frozenset[str], tuple[int, ...], str]] = set()
    for clause in ranked:
        figs = _measure_figures(q, clause) if q.asked else list(clause.figures)
        state = (
            frozenset().union(*(f.qualifiers & DECISIVE for f in figs)) if figs else frozenset(),
            tuple(sorted(set(years(clause.text + " " + clause.before)))),
            clause.passage.doc_id,
        )
        if state in states or any(c.text == clause.text for c in chosen):
            continue
        states.add(state)
        chosen.append(clause)
        if len(chosen) == limit:
            break
    return chosen


def _ranker_probabilities(q: Question, candidates: Sequence[Clause]) -> dict[str, float]:
    """Return, per candidate sentence, the learned ranker's odds against its best sentence (best = 1)."""
    sentences: dict[str, Clause] = {}
    for clause in candidates:
        sentences.setdefault(clause.sentence, clause)
    if not sentences:
        return {}
    texts = list(sentences)
    scores = default_ranker().score(
        q.match_text,
        texts,
        contexts=[sentences[t].passage.text for t in texts],
        passage_ranks=[sentences[t].rank for t in texts],
    )
    # Relative to the ranker's best sentence (1.0): how much less likely each other one is.
    relative = np.exp(scores - scores.max())
    return {text: float(p) for text, p in zip(texts, relative, strict=True)}


def _measure_figures(q: Question, clause: Clause) -> list[Figure]:
    """Return the clause's figures of the asked measures, about the asked place when one is asked."""
    names = {m.name for m in q.asked}
    stated = [f for f in clause.figures if f.measure in names]
    if not q.places or not stated:
        return stated
    # A sentence that names the body asked and no place is about the body, where its article places
    # it (see _anchored): "Bây giờ riêng HTX khoai deo Hải Ninh … thu lãi từ 250-300 triệu đồng".
    if q.organisations and not find_places(clause.sentence) and _anchored(q, clause):
        return stated
    return [f for f in stated if any(place_ok(p, clause.figure_subject(f.position)) for p in q.places)]


_TARGET_RE = re.compile(r"\b(phan dau|muc tieu|chi tieu|ke hoach|du kien|se)\b")


# A plan named as what a figure reached: "66 HTX thành lập mới, vượt kế hoạch năm đề ra", "đạt 102%
# kế hoạch", "hoàn thành chỉ tiêu", "so với kế hoạch": the figure is achieved, not a goal.
_ACHIEVED_PLAN_RE = re.compile(
    r"\b(?:vuot|dat|hoan thanh|so voi|bang|exceeded|met|reached)(?: \S+){0,2}? "
    r"(?:ke hoach|chi tieu|muc tieu|plan|target)\b(?: (?:ke hoach|chi tieu|muc tieu|de ra|giao|nam))*"
)  # "vượt chỉ tiêu kế hoạch đề ra": the whole plan named


def _without_achieved_plans(folded: str) -> str:
    """Return folded text without the plans it says were reached or beaten, so that what is left
    names a goal only where one is set ("phấn đấu", "mục tiêu đến năm 2025", "kế hoạch năm 2021").
    For a sentence only: a figure after such a plan may be the plan's own ("vượt kế hoạch giao đầu
    năm (thành lập mới 12 HTX)"), which the figure's own words still tell."""
    return _ACHIEVED_PLAN_RE.sub(" ", not_a_plan(folded))


def _clause_target(clause: Clause) -> frozenset[str]:
    """Return {"target"} when the clause's sentence (or the one before it) sets a goal: "Theo đó,
    đến năm 2025 huyện sẽ …; phấn đấu …; lợi nhuận bình quân đạt 420 triệu đồng/HTX"."""
    near = _without_achieved_plans(_folded(clause.before + " " + clause.text + " " + clause.context[-600:]))
    return frozenset({"target"}) if _TARGET_RE.search(near) else frozenset()


def states_target(q: Question, clause: Clause) -> bool:
    """Tell whether the clause's figure is a goal, not an achieved figure: "phấn đấu … doanh thu bình
    quân đạt 1 tỷ đồng/HTX", read from the figure's own words or its sentence."""
    targets = ["target" in f.qualifiers for f in _measure_figures(q, clause)]
    if any(targets):  # all of them goals; a sentence that also gives what was reached is no goal
        return all(targets)  # ("thành lập mới 17 HTX, vượt kế hoạch giao đầu năm (12 HTX)")
    return bool(_TARGET_RE.search(_without_achieved_plans(_folded(clause.before + " " + clause.sentence))))


def _prefer_qualifiers(q: Question, clauses: list[Clause]) -> list[Clause]:
    """Keep the clauses whose figure is qualified as asked (new / target / dissolved), if any."""
    # Here "negative" counts too: "còn 119 HTX … chưa bố trí kinh phí" does not answer "bao nhiêu HTX mới".
    kinds = DECISIVE | {"negative"}
    wanted = q.qualifiers & kinds

    def state(c: Clause, f: Figure) -> frozenset[str]:
        return (f.qualifiers | (_clause_target(c) if "target" in wanted else frozenset())) & kinds

    matching = [c for c in clauses if any(state(c, f) == wanted for f in _measure_figures(q, c))]
    return matching or clauses


def _prefer_owner(q: Question, clauses: list[Clause]) -> list[Clause]:
    """Keep the clauses whose figure belongs to the entity asked: members of HTX, not of THT."""
    if q.owner is None:
        return clauses
    matching = [c for c in clauses if any(f.owner in (None, q.owner) for f in _measure_figures(q, c))]
    return matching or clauses


def _prefer_units(q: Question, clauses: list[Clause]) -> list[Clause]:
    """Keep the clauses whose figure has the unit asked: per month, a rate, else a level, not a rate."""

    def fits(f: Figure) -> bool:
        measure = BY_NAME.get(f.measure or "")
        if q.percent:
            return f.unit == "percent"
        if measure is not None and measure.money and f.unit == "percent":
            return False
        if q.per_month and measure is not None and measure.money:
            return f.per_month
        return True

    matching = [c for c in clauses if any(fits(f) for f in _measure_figures(q, c))]
    return matching or clauses


def _place_and_date_score(q: Question, clause: Clause, w: Weights) -> float:
    score = 0.0
    if q.dates and any(d in clause.sentence for d in q.dates):
        score += w.date_in_sentence
    if q.years and set(q.years) & set(years(clause.sentence)):
        score += w.year_match
    if q.places and any(p.compatible(s) for p in q.places for s in _specific(find_places(clause.sentence))):
        score += w.exact_place
    return score


_CATEGORY_ASKED_RE = re.compile(
    r"\b(?:linh vuc|loai hinh|nganh nghe|nganh|nhom|mo hinh) nao\b|\bwhich (?:sector|field|type|kind|branch)s?\b"
)


def _clause_score(q: Question, clause: Clause, numeric: bool, w: Weights) -> float:
    score = 0.0
    fit = 0.0
    if numeric:
        score += w.has_figure if _has_figure(clause.text) else w.no_figure
        fit = _measure_fit(q, clause.text, w)
        score += fit
    if fit <= 0:
        score -= _qualifier_mismatch(q, clause.before + " " + clause.text, w)
    if q.asked and _narrower(q, clause):
        # A part is no answer to "how many" ("1.200 HTX nông nghiệp"), but is the answer to "which
        # sector has the most" ("hợp tác xã nông nghiệp chiếm chủ yếu với 10.762").
        score += w.narrower if _CATEGORY_ASKED_RE.search(_folded(q.text)) else -w.narrower
    if numeric and q.places and not q.organisations and _ONE_BODY_RE.search(_folded(clause.text)):
        score -= w.one_body
    if q.dates and any(d in clause.text for d in q.dates):
        score += w.exact_date  # the exact date asked about ("đến 31/12/2021") is a strong signal
    elif q.dates and any(d in clause.sentence for d in q.dates):
        score += w.date_in_sentence
    if fit > 0 and q.measures and re.search(rf"\bco \d[\d.,]* (?:{'|'.join(q.measures)})\b", _folded(clause.text)):
        score += w.plain_count
    if q.percent and numeric and _shares_of_other(q, clause.text):
        score -= w.share_of_other
    score -= w.length * len(clause.text) / 100
    if q.years:
        doc_years = set(years(clause.sentence + " " + clause.context)) | (
            {int(clause.document.date[:4])} if clause.document.date else set()
        )
        if set(q.years) & set(years(clause.sentence)):
            score += w.year_match
        elif not set(q.years) & doc_years:
            score -= w.year_absent
    if q.places and any(p.compatible(s) for p in q.places for s in _specific(find_places(clause.sentence))):
        score += w.exact_place
    if _other_number_named(q.text, clause.text):
        score -= w.other_number
    past = _PAST_RE.search(_folded(clause.text))
    # "trước năm 2016 TP. HCM chỉ có 27 HTX vận tải nhưng đến nay đã có hàng trăm": a figure said to
    # be of the past answers a question that asks no year only when nothing newer does, or when the
    # question asks that past ("tổng vốn đầu tư ban đầu là bao nhiêu?").
    if (
        numeric
        and not q.years
        and q.intent != "trend"
        and past
        and not re.search(rf"\b{re.escape(past.group(0))}\b", _folded(q.text))
    ):
        score -= w.past
    return score


_ONE_BODY_RE = re.compile(
    r"\b(?:cua|thuoc) (?:mot|1) (?:htx|hop tac xa|ho|ho dan|gia dinh|doanh nghiep|cong ty|co so|trang trai)\b"
)
# A cooperative asked for by name: "hợp tác xã nào", "HTX vận tải nào", "which cooperative".
_BODY_ASKED_RE = re.compile(
    # the words between are trades ("HTX vận tải nào"), not a verb or a time ("HTX thành lập năm nào")
    r"\b(?:htx|hop tac xa|lien hiep htx|lien hiep hop tac xa)(?: (?!(?:nam|thanh|lap|duoc|co|la|da|o|tai)\b)\w+){0,3}? "
    r"nao\b|"
    r"\bwhich (?:\w+ ){0,2}co-?operatives?\b"
)

_NUMBERED_BODY_RE = re.compile(r"\b(?:htx|hop tac xa)(?: \w+){0,4}? so \d+")


def _names_a_body(sentence: str, besides: Sequence[str] = ()) -> bool:
    """Tell whether a sentence names a cooperative other than ``besides``: by its name ("HTX vận
    tải Sông Giang") or its number ("HTX vận tải số 26")."""
    return bool(set(organisations(sentence)) - set(besides)) or bool(_NUMBERED_BODY_RE.search(_folded(sentence)))


# A thing named by its number: "tuyến 65", "quốc lộ 1A", "Nghị quyết 13", "tiểu khu 1657".
_NUMBERED_RE = re.compile(
    r"\b(tuyen|xe buyt|quoc lo|tinh lo|nghi quyet|quyet dinh|thong tu|chi thi|tieu khu|lo|khu|"
    r"route|resolution|decree)(?:\s+(?:xe\s+)?buyt)?\s+(?:so\s+)?(\d+[a-z]?)\b"
)


@lru_cache(maxsize=16384)
def _numbered(text: str) -> frozenset[tuple[str, str]]:
    """Return the things ``text`` names by their number, as (kind, number): ("tuyen", "65")."""
    return frozenset((m.group(1).split()[0], m.group(2)) for m in _NUMBERED_RE.finditer(_folded(text)))


def _other_number_named(question: str, text: str) -> bool:
    """Tell whether a clause names by another number what the question names by its number ("Tuyến
    66 trước kia có vài chục xe" for "Tuyến xe buýt số 65 … có bao nhiêu xe?")."""
    asked = _numbered(question)
    if not asked:
        return False
    said = _numbered(text)
    kinds = {kind for kind, _ in asked}
    return any(kind in kinds and (kind, number) not in asked for kind, number in said) and not said & asked


_PAST_RE = re.compile(r"\b(?:truoc (?:nam \d{4}|day|kia|do)|ban dau|luc (?:moi )?thanh lap|thoi diem (?:do|ay))\b")


@lru_cache(maxsize=16384)
def clause_terms(text: str) -> frozenset[str]:
    """Return the folded words and word pairs of ``text``."""
    tokens = canonical_words(text)
    return frozenset(tokens) | frozenset(bigrams(tokens))


def _term_weights(q: Question, candidates: Sequence[Clause]) -> dict[str, float]:
    """Weight each question term by how rare it is among the candidate sentences (IDF)."""
    sentences = {c.sentence for c in candidates}
    n = len(sentences)
    term_sets = [clause_terms(s) for s in sentences]
    weights = {}
    for term, base in q.terms.items():
        df = sum(1 for terms in term_sets if term in terms)
        weights[term] = base * math.log(1 + (n + 1) / (df + 0.5))
    return weights


def _coverage(
    weights: dict[str, float],
    clause: Clause,
    *,
    whole_sentence: bool = False,
    spelled: dict[str, frozenset[str]] | None = None,
    misspelt: float = 1.0,
) -> float:
    own = clause_terms(clause.sentence if whole_sentence else clause.text)
    sentence = clause_terms(clause.sentence)
    around = clause_terms(clause.document.title + " " + clause.context[-300:])
    as_written = _spellings(clause.sentence) if spelled else frozenset()
    total = 0.0
    for term, weight in weights.items():
        if spelled and term in spelled and term in sentence and not spelled[term] & as_written:
            weight *= misspelt  # "tiên phong" holds the letters of "Tây Tiến", not the word
        if term in own:
            total += weight
        elif term in sentence:
            total += 0.7 * weight
        elif term in around:
            total += 0.4 * weight
        elif term in _article_terms(clause.document.id, clause.document.text):
            # Words that tell which article the question means ("Phát biểu tại lễ tôn vinh …, Thủ
            # tướng cho biết …"), said anywhere in it, not beside the figure.
            total += ARTICLE_SHARE * weight
    return total


ARTICLE_SHARE = 0.25
ARTICLE_PAIR_SHARE = 0.5


@lru_cache(maxsize=256)
def _article_terms(doc_id: str, text: str) -> frozenset[str]:
    """Return the folded words and word pairs of a whole article (kept for the articles in use)."""
    return clause_terms(text)


def question_spellings(q: Question) -> dict[str, frozenset[str]]:
    """Return, for each folded one-syllable term of an accented question, its spellings as
    written ("gia" -> {"giả"} in "tác giả"); empty for an unaccented or English question."""
    if q.english or not has_diacritics(q.text):
        return {}
    out: dict[str, set[str]] = {}
    for word in words(q.text):
        if not word.isdigit():
            out.setdefault(fold(word), set()).add(spelling(word))
    return {term: frozenset(found) for term, found in out.items() if term in q.terms}


@lru_cache(maxsize=16384)
def _spellings(text: str) -> frozenset[str]:
    return frozenset(spelling(word) for word in words(text))


def _whole_coverage(
    term_weights: dict[str, float], clause: Clause, spelled: dict[str, frozenset[str]], weights: Weights
) -> float:
    """Return the coverage of the clause's whole sentence (the clause itself when it is one)."""
    if clause.text == clause.sentence:
        return 0.0
    return _coverage(term_weights, clause, whole_sentence=True, spelled=spelled, misspelt=weights.misspelt)


def _passage_coverage(
    weights: dict[str, float], clause: Clause, spelled: dict[str, frozenset[str]], misspelt: float
) -> float:
    """Return the weight of the question terms that the clause's whole passage (and title) holds."""
    text = clause.document.title + " " + clause.passage.text
    terms = clause_terms(text)
    as_written = _spellings(text) if spelled else frozenset()
    return sum(
        weight * (misspelt if term in spelled and not spelled[term] & as_written else 1.0)
        for term, weight in weights.items()
        if term in terms
    )


def _pairs_found(q: Question, clause: Clause) -> bool:
    """Tell whether the sentence holds enough of the question's word pairs: "giá thuê máy gặt …
    ha lúa" has the words of "giá lúa" but not the phrase."""
    if not q.pairs:
        return True
    positions: dict[str, list[int]] = {}
    for n, token in enumerate(
        canonical_words(clause.document.title + " . " + clause.context[-300:] + " . " + clause.sentence)
    ):
        positions.setdefault(token, []).append(n)

    def near(pair: str) -> bool:  # both words within three tokens, in either order ("thành viên của HTX")
        a, b = pair.split("_")
        return any(abs(i - j) <= 3 for i in positions.get(a, ()) for j in positions.get(b, ()))

    # A body's name ("HTX chanh leo Nông Xanh") is looked for in its whole article: the sentence
    # with the figure seldom repeats it.
    named = {w for body in q.organisations for w in body.split()}
    article = _article_positions(clause.document)

    def in_article(pair: str) -> bool:
        a, b = pair.split("_")
        return any(abs(i - j) <= 3 for i in article.get(a, ()) for j in article.get(b, ()))

    found = 0.0
    own = 0
    for pair in q.pairs:
        if near(pair) or (bool(set(pair.split("_")) & named) and in_article(pair)):
            found, own = found + 1, own + 1
        elif in_article(pair):
            # A phrase that tells which article is meant ("lễ tôn vinh", "Nghị quyết Trung ương"),
            # said elsewhere in it, counts half: the sentence must hold one of its own.
            found += ARTICLE_PAIR_SHARE
    return own > 0 and found * 3 >= len(q.pairs)


@lru_cache(maxsize=256)
def _article_positions(document: Document) -> dict[str, list[int]]:
    """Return where each canonical word of an article (title first) stands, read once per article."""
    positions: dict[str, list[int]] = {}
    for n, token in enumerate(canonical_words(document.title + " . " + document.text)):
        positions.setdefault(token, []).append(n)
    return positions


# What a count is of: the word after a number ("42 HTX", "11 lớp"), canonical and folded.
_ENTITIES = frozenset({"htx", "tht", "qtdnd", "lhhtx"})
# Qualifiers that turn a stock ("có 42 HTX") into a flow or a target ("thành lập mới", "phấn đấu").
_QUALIFIERS = (("thanh lap", "moi"), ("phan dau", "muc tieu", "chi tieu", "ke hoach", "den nam"), ("chua", "khong"))


def counts(text: str, measure: str) -> bool:
    """Tell whether ``text`` gives a number of ``measure`` ("42 HTX", "11 lớp")."""
    tokens = canonical_words(text)
    return any(a[:1].isdigit() and b == measure for a, b in pairwise(tokens))


def _measure_fit(q: Question, text: str, w: Weights) -> float:
    """Reward a clause that counts what the question counts, more when the count is not qualified
    as new or as a target the question does not ask about; penalise one counting another entity."""
    if not q.measures:
        return 0.0
    tokens = canonical_words(text)
    sites = [i for i, (a, b) in enumerate(pairwise(tokens)) if a[:1].isdigit() and b in q.measures]
    if sites:
        question = _folded(q.match_text)
        for i in sites:
            # Qualifiers come before the count ("phấn đấu có 60 HTX") or right after it ("66 HTX thành lập mới").
            window = " ".join(tokens[: i + 6])
            if not any(word in window and word not in question for group in _QUALIFIERS for word in group):
                return w.measure
        return w.measure_qualified
    counted = {b for a, b in pairwise(tokens) if a[:1].isdigit()}
    return w.other_entity if counted & (_ENTITIES - set(q.measures)) else 0.0


def _qualifier_mismatch(q: Question, text: str, w: Weights) -> float:
    """Penalise a clause qualified as new or as a target when the question asks for neither."""
    question = _folded(q.match_text)
    clause = _folded(text)
    return sum(
        w.qualifier_mismatch
        for group in _QUALIFIERS
        if any(word in clause for word in group) and not any(word in question for word in group)
    )


def _latest(clauses: Sequence[Clause]) -> Clause | None:
    """Return the clause whose figure is the most recent (by the years around it, then the article date)."""

    def recency(clause: Clause) -> tuple[int, str]:
        ys = set(years(clause.text) or years(clause.sentence) or years(clause.context))
        if clause.document.date:  # "hiện cả nước có …" in an article of 2018 is a figure of 2018
            ys.add(int(clause.document.date[:4]))
        return (max(ys) if ys else 0, clause.document.date or "")

    return max((c for c in clauses if _has_figure(c.text)), key=recency, default=None)


_ASK_RE = re.compile(r"\b(?:bao nhieu|how many|how much)\b")


def _narrower(q: Question, clause: Clause) -> bool:
    """Tell whether each figure of the asked measure in the clause counts a part the question does
    not name ("1.200 hợp tác xã nông nghiệp" for "bao nhiêu hợp tác xã"), not the plain total."""
    asked = set(_folded(q.match_text).split())
    scopes = [figure_scope(clause.text, f) for f in _measure_figures(q, clause)]
    return bool(scopes) and all(scope and not set(scope.split()) <= asked for scope in scopes)


def asks_twice(q: Question) -> bool:
    """Tell whether a question asks two quantities ("tăng bao nhiêu … và hiện là bao nhiêu")."""
    return len(_ASK_RE.findall(_folded(q.text))) >= 2


def _dated(clause: Clause) -> bool:
    """Tell whether a clause's figure has a date: a year in its sentence, or its article's date."""
    return bool(clause.document.date or years(clause.sentence))


def _years_around(clause: Clause) -> set[int]:
    """Return the years a clause's figure may be of: named in its sentence, the article before it or
    the title, and the article's own year."""
    found = set(years(" ".join((clause.sentence, clause.context, clause.document.title))))
    if clause.document.date:
        found.add(int(clause.document.date[:4]))
    return found


# A board written short or in full: "Chủ tịch HĐQT" is "Chủ tịch Hội đồng quản trị".
_BOARD_SPELLINGS = {
    "hdqt": "(?:hdqt|hoi dong quan tri)",
    "hdnd": "(?:hdnd|hoi dong nhan dan)",
    "hdtv": "(?:hdtv|hoi dong thanh vien)",
}


def _role_pattern(roles: set[str], q: Question) -> re.Pattern[str] | None:
    """Return what a sentence must say to name the role asked of the body asked: "Đỗ Văn Tâm, Chủ
    nhiệm HTX Ngọc Lan" for the head of HTX Ngọc Lan, not "Chủ tịch UBND xã … HTX Ngọc Lan"; None
    when no role is asked. Built once per question."""
    if not roles:
        return None
    # The body: the one the question names, else the word after the role in it ("Phó Chủ tịch UBND
    # tỉnh …" -> "ubnd"), else any cooperative.
    asked = _folded(q.match_text)
    after = [m.group(1) for role in roles for m in [re.search(rf"\b{re.escape(role)} (\w+)", asked)] if m]
    bodies = (
        [re.escape(n) for n in q.organisations]
        or [_BOARD_SPELLINGS.get(w, re.escape(w)) for w in after]
        or ["htx", "tht", "qtdnd"]
    )
    role = "(?:" + "|".join(map(re.escape, sorted(roles))) + ")"
    body = "(?:" + "|".join(bodies) + ")"
    # "Giám đốc HTX dịch vụ … Tăng Hoà", or "HTX Lâm Phát Hưng do ông Lâm Văn Hộ làm chủ tịch".
    # A long trade list is read only after the body's kind: "Giám đốc HTX Sản xuất, kinh doanh rượu
    # nếp Khánh Lộc", not "Chủ tịch UBND xã, đã trao bằng khen cho HTX Ngọc Lan".
    gap = r"(?:(?:htx|hop tac xa) (?:\S+ ){0,8}?|(?:\S+ ){0,6}?)"
    return re.compile(rf"\b{role} {gap}{body}\b|\b{body} (?:\S+ ){{0,6}}?{role}\b")


def _side_key(side: Sequence[str], clauses: Sequence[Clause]) -> frozenset[str]:
    """Return the words of a side fewest of the clauses read say (and at least one does)."""
    said = Counter(w for text in {c.text for c in clauses} for w in set(canonical_words(text)) if w in side)
    fewest = min(said.values(), default=0)
    return frozenset(w for w, n in said.items() if n == fewest)


def _side_share(clause: Clause, side: Sequence[str], key: frozenset[str] = frozenset()) -> float:
    """Return the share of one side's words ("A hay B") that the clause holds, or that the sentence
    before it holds when the clause names no place and goes on from it ("Chị Tâm - Chủ tịch Hội
    LHPN xã Bình Lộc cho biết: … Trong số 5 HTX trên địa bàn thì …")."""
    if not side:
        return 0.0

    def share_of(words: set[str]) -> float:
        # The side's rarest words name it ("Liên minh HTX đề xuất …" against "VCCI"): without one
        # of them, common words ("đề xuất") do not make a clause that side's.
        return sum(1 for w in side if w in words) / len(side) if not key or key & words else 0.0

    share = share_of(set(canonical_words(clause.text)))
    if share < 0.5 and clause.context and not find_places(clause.sentence) and _goes_on(clause.sentence):
        before = _sentences_before(clause.context[-800:])
        if before:
            share = max(share, share_of(set(canonical_words(before[-1]))))
    return share


# A sentence that goes on from the one before: it elaborates ("Trong đó …", "Cụ thể …", see
# _ELABORATES_RE) or opens by narrowing ("Trong số …", "Riêng …", "Hiện …"), after a quote mark or not.
_GOES_ON_RE = re.compile(r"(?:trong so|rieng|hien|con|ngoai ra|dong thoi)\b")


def _goes_on(sentence: str) -> bool:
    opening = _folded(sentence).lstrip(" \"“”'")
    return bool(_GOES_ON_RE.match(opening) or _ELABORATES_RE.match(opening))


def _figure_near(term_weights: dict[str, float], text: str, reach: int = 3) -> float:
    """Return how rare (relative to the rarest question word) the rarest question word is that
    stands within ``reach`` words of a figure in ``text``: "thiệt hại gần 19 tỷ đồng" for a question
    about "thiệt hại", rather than the "gần một năm" of another sentence of the article."""
    top = max(term_weights.values(), default=0.0)
    if top <= 0:
        return 0.0
    tokens = canonical_words(text)
    spots = [i for i, t in enumerate(tokens) if t[:1].isdigit() and not _YEAR_TOKEN_RE.fullmatch(t)]
    near = {tokens[j] for i in spots for j in range(max(0, i - reach), min(len(tokens), i + reach + 1)) if j != i}
    return max((w for t, w in term_weights.items() if t in near), default=0.0) / top


_YEAR_TOKEN_RE = re.compile(r"(?:19|20)\d\d")
_WHEN_ASKED_RE = re.compile(r"\b(?:nam nao|khi nao|bao gio|luc nao|which year|what year|when)\b")


_SHARE_OF_RE = re.compile(r"\d\s*%\s+([a-z]+)")
_SHARE_WORDS = frozenset({"so", "tong", "ca", "tren", "trong", "cua", "va", "hay", "nam", "so voi", "of", "the"})


def _shares_of_other(q: Question, text: str) -> bool:
    """Tell whether every rate of ``text`` is said of a noun the question does not name: "chiếm
    36% dân số" answers no share of cooperatives."""
    folded = fold(text).lower()
    nouns = [m.group(1) for m in _SHARE_OF_RE.finditer(folded)]
    asked = set(q.terms) | {w for p in q.pairs for w in p.split("_")}
    return bool(nouns) and all(n not in _SHARE_WORDS and n not in asked for n in nouns)


def _has_figure(text: str) -> bool:
    """Tell whether ``text`` holds a figure: a number that is not a year or part of a date
    ("tháng 6", "ngày 2/9", "quý 3")."""
    folded = _DATE_RE.sub(" ", fold(text.lower()))
    return any(not (len(n) == 4 and n.startswith(("19", "20"))) for n in numbers(folded))


# A date or time, not a quantity: "ngày 2/9", "tháng 6", "Sáng 28-12", "chiều 5/1" (not "tối", "đêm":
# folded they are "tới 30 HTX", "đem về 50 triệu").
_DATE_RE = re.compile(
    r"\b(?:ngay|thang|quy|gio|lan thu|khoa|sang|trua|chieu|hom) \d+(?:[ /-]\d+)*\b"
    r"|\b\d{1,2}/\d{1,2}(?:/\d{2,4})?\b"
)


def _folded(text: str) -> str:
    return " ".join(canonical_words(text))

"""Follow-up resolution: a follow-up ("Còn thành phố Bắc Kạn thì sao?") becomes a standalone question.

What the follow-up names (a place, a year, a measure) replaces the same slot of the conversation's
question; what it leaves out is inherited. A question that stands on its own — its own place and
its own measure or topic — and small talk ("Xin chào", "Cảm ơn") inherit nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from retrieval.measures import question_measures
from retrieval.periods import years
from retrieval.places import REGION_NAMES_RE, Place, find_places
from retrieval.vietnamese import CAPITALS, canonical_words, fold, has_diacritics, nfc

Turn = Mapping[str, object]  # one turn of a conversation: {"role": "user" | "assistant", "content": text}

# Polite openings and closings that say nothing of the question.
_POLITE_RE = re.compile(
    r"^\s*(?:(?:cho (?:toi |minh |em |to )?hoi(?: them)?(?: (?:cau|1 cau|mot cau) (?:khac|nua))?|xin hoi|"
    r"xin cho biet|ban oi|bot oi|anh oi|chi oi|ad oi|admin oi|da|cau khac|hoi them|"
    r"cho minh biet|cho toi biet|lam on cho biet|please tell me|can you tell me|tell me|please|"
    r"another question|one more question)[\s,:!]+)+",
)
_DA_TWINS_RE = re.compile(r"(?<!\w)(?:đà|đá|đã|đả|đạ|đa|dà|dá|dã|dả)(?!\w)", re.IGNORECASE)
_SMALL_TALK_RE = re.compile(
    r"^(xin chao|chao ban|chao bot|chao|hello|hi|hey|cam on|cam on ban|thanks|thank you|tam biet|bye|ok|oke|"
    r"vang|da|duoc roi|tot|good|great)(?: (?:ban|nhe|nha|a|nhieu|bot|you|very much))*$"
)
_FOLLOWUP_START_RE = re.compile(r"^(con|the con|vay con|vay|the|va|con o|con tai|what about|and|how about|also)\b")

_FOLLOWUP_WORDS_RE = re.compile(
    r"\b(thi sao|the thi sao|thi bao nhieu|trong so do|trong do|o do|tai do|cac htx do|htx do|dia phuong do|"
    r"noi do|nam do|luc do)\b"
)
# Read in English questions only: folded, "thêm" is "them" and "ít" is "it".
_EN_FOLLOWUP_WORDS_RE = re.compile(r"\b(there|those|them|it|that place|of them|among them)\b")
_STOP = frozenset(
    (
        "co la cua va cac nhung mot trong o tai cho den duoc may gi nao ai thi sao con ve voi bao nhieu the "
        "nao khong da se dang bi tu theo nay do kia hay hoac vay what about how and the of in is are many "
        "much"
    ).split()
)


def strip_politeness(text: str) -> str:
    """Drop greetings before a question ("Cảm ơn. …", "Xin chào! …") and polite openings ("Cho
    hỏi", "Bạn ơi,"), keeping the rest as written."""
    while True:
        head, sep, tail = text.partition(next((m for m in re.findall(r"[.!?]\s+", text)), "\0"))
        if sep and tail.strip() and is_small_talk(head):
            text = tail
            continue
        break
    # "Dạ, cho hỏi…" opens politely; "Đà Nẵng có…" folds to the same "da" but names a place.
    folded = " ".join(canonical_words(_DA_TWINS_RE.sub("daz", nfc(text)) if has_diacritics(text) else text))
    match = _POLITE_RE.match(folded)
    if not match or not match.group(0).strip():
        return text
    words_to_drop = len(match.group(0).split())
    kept = text.split()
    # Punctuation glued to the words ("ơi,") is dropped with them.
    stripped = " ".join(kept[words_to_drop:]) or text
    if {p.key for p in find_places(text)} - {p.key for p in find_places(stripped)}:
        return text  # "da nang co bao nhieu htx": the "da" was Đà Nẵng's
    return stripped


def is_small_talk(text: str) -> bool:
    """Tell whether ``text`` is a greeting, a thank-you or an acknowledgement, not a question."""
    folded = " ".join(canonical_words(text))
    return bool(folded) and bool(_SMALL_TALK_RE.match(folded))


_COMPARE_FOLLOWUP_RE = re.compile(r"\b(so voi|so sanh|compared? (?:with|to)|versus|vs)\b")


def resolve_followup(question: str, history: Sequence[Turn] | None) -> str:
    """Turn a follow-up into a standalone question; a question that stands on its own is returned unchanged.

    The place, year or measure named in the follow-up replaces the one in the previous question.
    """
    previous = [
        nfc(str(turn.get("content", ""))).strip()
        for turn in history or []
        if turn.get("role") == "user" and str(turn.get("content", "")).strip()
    ]
    previous = [strip_politeness(p) for p in previous if not is_small_talk(p)]
    if not previous or is_small_talk(question):
        return question
    base = previous[0]
    for earlier in previous[1:]:
        base = _merge(base, earlier)
    return _merge(base, question)


def _merge(base: str, question: str) -> str:
    question = strip_politeness(question)
    folded = " ".join(canonical_words(question))
    new_places = find_places(question)
    new_years = years(question)
    new_measures = question_measures(question)
    # Place names are not words of the question's own: "Còn vùng Tây Nguyên và duyên hải Nam Trung Bộ?"
    rest = REGION_NAMES_RE.sub(" ", f" {folded} ")
    for place in new_places:
        rest = rest.replace(f" {place.key} ", " ")
    words = [w for w in rest.split() if w not in _STOP]
    starts_like_followup = bool(_FOLLOWUP_START_RE.search(folded))
    refers_back = (
        bool(_FOLLOWUP_WORDS_RE.search(folded))
        or (_english(question) and bool(_EN_FOLLOWUP_WORDS_RE.search(folded)))
        or (
            not new_places
            and bool(re.search(r"\b(?:thi|cua|o|tai) (?:huyen|tinh|thanh pho|thi xa|dia phuong)\b", folded))
        )
    )
    looks_followup = starts_like_followup or refers_back or len(words) <= 3
    stands_alone = bool(new_places) and (bool(new_measures) or len(words) > 4) and not refers_back
    if not looks_followup or stands_alone:
        return question
    merged = base
    if new_places:
        old_places = find_places(base)
        if old_places and _COMPARE_FOLLOWUP_RE.search(folded) and new_places[0].key != old_places[0].key:
            # "So với thành phố Bắc Kạn thì sao?": both places, compared, not the old one replaced.
            joiner = " compared with " if _english(question) else " so với "
            return f"{base.rstrip('?. ')}{joiner}{new_places[0].label()}?"
        if old_places:
            merged = _replace_place(merged, old_places[0], new_places[0])
        else:
            merged = f"{merged.rstrip('?. ')} ở {new_places[0].label()}?"
    if new_years:
        old_years = years(base)
        merged = (
            merged.replace(str(old_years[0]), str(new_years[0]))
            if old_years
            else f"{merged.rstrip('?. ')} năm {new_years[0]}?"
        )
    if new_places or (new_years and not new_measures and len(words) <= 3):
        return merged
    # The follow-up asks something else about the same place and period: "Còn lợi nhuận bình quân?",
    # "Trong số đó có bao nhiêu HTX nông nghiệp?". It keeps its own words and inherits the rest.
    measure = next((m for m in _MEASURES if re.search(rf"\b{m}\b", folded)), None)
    if measure and len(words) <= 3 and _MEASURE_RE.search(base):
        return _replace_measure(base, measure)
    own = re.sub(
        r"^\s*(?:(?:còn|thế còn|vậy còn|và|what about|how about|and)\s+)", "", question, flags=re.IGNORECASE
    ).rstrip(" ?.")
    own = re.sub(r"\s+(?:thì sao|thế nào|ở đó|tại đó|there)$", "", own, flags=re.IGNORECASE)
    inherited = []
    old_places = find_places(base)
    # A place the gazetteer does not know ("huyện Lộc Hà", "xã Đông Tảo") is inherited as written,
    # before the district or province it lies in: it is the place the conversation is about.
    unknown = _UNKNOWN_MENTION_RE.search(base)
    if unknown and not new_places and not any(p.key == fold(unknown.group(1)).lower() for p in old_places):
        inherited.append(("ở " if not _english(question) else "in ") + unknown.group(0).rstrip("?,.()"))
    elif old_places and not new_places:
        inherited.append(("ở " if not _english(question) else "in ") + old_places[0].label())
    old_years = years(base)
    if old_years and not new_years:
        # "… đến năm 2025 phấn đấu có bao nhiêu HTX? — Trong số đó …": the year of a plan stays one.
        planned = bool(_PLAN_RE.search(" ".join(canonical_words(base))))
        if _english(question):
            inherited.append(("by " if planned else "in ") + str(old_years[0]))
        else:
            inherited.append(("theo kế hoạch đến năm " if planned else "năm ") + str(old_years[0]))
    if not question_measures(own) and not re.search(r"\b(bao nhieu|how many|how much)\b", folded):
        measures = question_measures(base)
        if measures and len(words) <= 3:
            inherited.insert(0, measures[0].label_en if _english(question) else measures[0].label_vi)
    return f"{own} {' '.join(inherited)}?".replace("  ", " ") if inherited else question


_PLAN_RE = re.compile(r"\b(phan dau|muc tieu|chi tieu|ke hoach|target|plan|plans|planned|aim|aims)\b")
_UNKNOWN_MENTION_RE = re.compile(
    rf"\b(?:[Hh]uyện|[Tt]ỉnh|[Tt]hành phố|[Tt]hị xã|[Qq]uận|(?<![Tt]ác )[Xx]ã|[Pp]hường|[Tt]hị trấn)\s+"
    rf"([{CAPITALS}]\S*(?:\s+[{CAPITALS}]\S*){{0,3}})"
)


def _english(text: str) -> bool:
    return bool(re.search(r"\b(what|how|and|the|about|there)\b", text.lower())) and not re.search(
        r"[à-ỹđ]", text.lower()
    )


_MEASURES = (
    "to hop tac",
    "tht",
    "hop tac xa",
    "htx",
    "thanh vien",
    "lao dong",
    "doanh thu",
    "loi nhuan",
    "thu nhap",
    "von",
    "san pham",
    "quy tin dung",
    "lien hiep",
)
_MEASURE_WORDS = {
    "to hop tac": "tổ hợp tác",
    "tht": "tổ hợp tác",
    "hop tac xa": "hợp tác xã",
    "htx": "HTX",
    "thanh vien": "thành viên",
    "lao dong": "lao động",
    "doanh thu": "doanh thu",
    "loi nhuan": "lợi nhuận",
    "thu nhap": "thu nhập",
    "von": "vốn",
    "san pham": "sản phẩm",
    "quy tin dung": "quỹ tín dụng nhân dân",
    "lien hiep": "liên hiệp HTX",
}
_MEASURE_RE = re.compile(
    r"\b(HTX|hợp tác xã|tổ hợp tác|THT|thành viên|lao động|doanh thu|lợi nhuận|thu nhập|vốn)\b", re.IGNORECASE
)


def _replace_place(text: str, old: Place, new: Place) -> str:
    """Replace the mention of ``old`` (with its unit word) in ``text`` by ``new``."""
    folded = fold(text)
    if old.kind == "region" and len(folded) == len(text):
        # A region is written many ways ("ĐBSCL", "Mekong Delta"): find it in the folded text.
        found = REGION_NAMES_RE.search(folded)
        if found:
            return text[: found.start()] + new.label() + text[found.end() :]
    pattern = re.compile(
        r"(?:(?:thành phố|tỉnh|huyện|quận|thị xã|tp\.?)\s+)?" + r"\s+".join(re.escape(w) for w in old.name.split()),
        re.IGNORECASE,
    )
    if pattern.search(text):
        return pattern.sub(new.label(), text, count=1)
    return f"{text.rstrip('?. ')} ở {new.label()}?"


def _replace_measure(base: str, measure: str) -> str:
    """Swap the measure the previous question asked about for the one the follow-up names."""
    new_word = _MEASURE_WORDS[measure]
    if _MEASURE_RE.search(base):
        return _MEASURE_RE.sub(new_word, base, count=1)
    return f"{base.rstrip('?. ')} {new_word}?"

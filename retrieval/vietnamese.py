"""Vietnamese text handling: NFC, diacritic folding, tokenising, numbers and language cues."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from itertools import pairwise

_FOLD_EXTRA = str.maketrans({"đ": "d", "Đ": "D"})

# A number as Vietnamese news writes it: "42", "1.750", "3,24", "81.378", "02".
NUMBER_RE = re.compile(r"\d+(?:[.,]\d+)*")
_TOKEN_RE = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+|\d+", re.UNICODE)


# The capital letters of Vietnamese (and Latin) text as a regex class body: Python's range À-Ỹ
# also holds lowercase letters ("ơ", "đ", "ạ"), so the capitals are listed one by one.
CAPITALS = "A-Z" + "".join(sorted({chr(c) for c in range(0xC0, 0x1EFA) if chr(c).isupper()}))


def nfc(text: str) -> str:
    """Return ``text`` in Unicode NFC, the form every stored text uses."""
    return unicodedata.normalize("NFC", text)


def _fold_char(ch: str) -> str:
    decomposed = unicodedata.normalize("NFD", ch.translate(_FOLD_EXTRA))
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn")


# Precomputed for the Latin letters Vietnamese uses, so folding is one str.translate call.
_FOLD_TABLE = {cp: _fold_char(chr(cp)) for cp in range(0xC0, 0x1F00) if _fold_char(chr(cp)) != chr(cp)}


def fold(text: str) -> str:
    """Strip Vietnamese diacritics and lowercase: "Chợ Đồn" -> "cho don".

    Unicode decomposition does not split "đ" (it is a letter of its own), so it is mapped explicitly.
    Text is expected in NFC (as everything stored is); stray combining marks are dropped too.
    """
    folded = text.translate(_FOLD_TABLE).lower()
    if any("\u0300" <= ch <= "\u036f" for ch in folded):
        folded = "".join(c for c in unicodedata.normalize("NFD", folded) if unicodedata.category(c) != "Mn")
    return folded


def has_diacritics(text: str) -> bool:
    """Tell whether ``text`` carries any Vietnamese diacritic (or the letter đ)."""
    return fold(text) != text.lower()


def words(text: str) -> list[str]:
    """Split ``text`` into lowercase word and number tokens, keeping diacritics."""
    return [m.group(0) for m in _TOKEN_RE.finditer(nfc(text).lower())]


_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")  # huyền, sắc, ngã, hỏi, nặng


@lru_cache(maxsize=65536)
def spelling(word: str) -> str:
    """Return a lowercase word's spelling with its tone mark moved to the end, so the two tone
    placements in use compare equal ("hoà" and "hòa", "thuỷ" and "thủy") while "gia" and "giả",
    "tiên" and "tiến" stay apart."""
    marks = unicodedata.normalize("NFD", word)
    tone = "".join(c for c in marks if c in _TONE_MARKS)
    return unicodedata.normalize("NFC", "".join(c for c in marks if c not in _TONE_MARKS)) + tone


def folded_words(text: str) -> list[str]:
    """Split ``text`` into folded (diacritic-free) lowercase tokens."""
    return words(fold(text))


def bigrams(tokens: list[str]) -> list[str]:
    """Return adjacent token pairs joined by "_" (Vietnamese words are often two syllables)."""
    return [f"{a}_{b}" for a, b in pairwise(tokens)]


# Long forms and their abbreviations, folded; both are written in the articles and the questions
# ("VN" is written out instead: "Việt Nam" is a place name too).
_ABBREVIATIONS = (
    ("lien hiep hop tac xa", "lhhtx"),
    ("to hop tac", "tht"),
    ("hop tac xa", "htx"),
    ("kinh te tap the", "kttt"),
    ("quy tin dung nhan dan", "qtdnd"),
    ("uy ban nhan dan", "ubnd"),
    ("lien minh htx", "lmhtx"),
)
_ABBREVIATION_RES = tuple((re.compile(rf"\b{long}\b"), short) for long, short in _ABBREVIATIONS)


def canonical_words(text: str) -> list[str]:
    """Return folded tokens with long forms replaced by their abbreviation ("hợp tác xã" -> "htx")."""
    # Short texts (questions, clauses) recur across questions and are cached; whole chunks are not,
    # so indexing a large corpus does not fill the cache with them.
    return list(_canonical_cached(text)) if len(text) <= 600 else _canonical(text)


_VN_RE = re.compile(r"\bvn\b")


def _canonical(text: str) -> list[str]:
    folded = _VN_RE.sub("viet nam", " ".join(folded_words(text)))  # "Liên minh HTX VN"
    for pattern, short in _ABBREVIATION_RES:
        folded = pattern.sub(short, folded)
    return folded.split()


@lru_cache(maxsize=16384)
def _canonical_cached(text: str) -> tuple[str, ...]:
    return tuple(_canonical(text))


LEXICAL_VERSION = "folded-canonical-uni-bi+accented-uni-3"


def lexical_terms(text: str, *, query: bool = False) -> list[str]:
    """Return the BM25 terms of ``text``: folded, abbreviation-canonical unigrams and bigrams, plus
    the accented unigrams ("~chợ") that tell apart words folding merges ("chợ"/"cho").

    A query typed without diacritics gets no accented terms: its folded terms match either way.
    """
    tokens = canonical_words(text)
    terms = tokens + bigrams(tokens)
    if not query or has_diacritics(text):
        terms += ["~" + w for w in words(text)]
    return terms


def numbers(text: str) -> list[str]:
    """Return every number written in ``text``, as written ("1.750", "3,24")."""
    return [m.group(0) for m in NUMBER_RE.finditer(text)]


def number_value(token: str) -> float | None:
    """Read a Vietnamese-formatted number: "." groups thousands, "," marks decimals.

    "1.750" -> 1750, "3,24" -> 3.24, "81.378" -> 81378, "02" -> 2. Returns None for non-numbers.
    """
    token = token.strip()
    if not NUMBER_RE.fullmatch(token):
        return None
    if "," in token:
        token = token.replace(".", "").replace(",", ".", 1).replace(",", "")
    elif "." in token:
        head, *groups = token.split(".")
        if all(len(g) == 3 for g in groups):
            token = head + "".join(groups)
    try:
        return float(token)
    except ValueError:
        return None


_ENGLISH_WORDS = frozenset(
    (
        "how many what which who when where is are was were the of in there does do did many much cooperative "
        "cooperatives district province city members number new founded established revenue profit average "
        "year total and or compare with its for from by at now they their have has had that this these those "
        "been into per about more most less between after before since during plan expand cover hectares "
        "income price area village commune farmers households workers capital set up founding model would should "
        "could"
    ).split()
)


# One Vietnamese syllable, folded: an onset, one to three vowels, a final. English words break it
# ("shipment", "weighed", "tonnes", "how"); names and abbreviations can too ("htx", "ocop").
_SYLLABLE_RE = re.compile(
    r"(?:ngh|ng|gh|gi|kh|nh|ph|qu|th|tr|ch|[bcdghklmnpqrstvx])?[aeiouy]{1,3}(?:ch|ng|nh|[cmnpt])?"
)


def _foreign(tokens: list[str]) -> int:
    """Count the tokens that are English words or that no Vietnamese syllable spells."""
    return sum(1 for t in tokens if t in _ENGLISH_WORDS or not _SYLLABLE_RE.fullmatch(fold(t)))


def is_english(text: str) -> bool:
    """Guess whether a question is written in English rather than Vietnamese."""
    tokens = [t for t in words(text) if not t.isdigit()]
    if not tokens:
        return False
    hits = sum(1 for t in tokens if t in _ENGLISH_WORDS)
    if not has_diacritics(text):
        # Words no Vietnamese syllable spells weigh as English ones: "Vietnam's first mango
        # shipment … weighed roughly how many tonnes?" names few words of the list.
        foreign = _foreign(tokens)
        if foreign >= 4 and foreign / len(tokens) >= 0.6:
            return True
    if has_diacritics(text):
        # Vietnamese names or terms inside an English sentence ("How many cooperatives does Chợ
        # Đồn have?", "cooperative groups (tổ hợp tác)"): English when its own words dominate.
        if hits >= 4 and hits / len(tokens) >= 0.45:
            return True
        # Or when the words written without diacritics are mostly no Vietnamese syllables and
        # outnumber those with ("How many tonnes of vegetables a day does the Phước Thịnh
        # cooperative in Tây Ninh supply …?").
        plain = [t for t in tokens if not has_diacritics(t)]
        foreign = _foreign(plain)
        return foreign >= 6 and foreign / len(plain) >= 0.6 and foreign >= 2 * (len(tokens) - len(plain))
    return hits >= 2 and hits / len(tokens) >= 0.3

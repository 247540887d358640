"""Score fusion of a lexical and a dense ranking: pure functions over (id, score) lists."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

FUSION_METHODS = ("weighted", "rrf", "lexical", "dense")


@dataclass(frozen=True)
class SearchConfig:
    """How retrieval ranks: candidate pool size and fusion of lexical and dense scores."""

    k: int = 10
    candidates: int = 50
    fusion: str = "weighted"
    lexical_weight: float = 0.6
    rrf_k: int = 60


def fuse(
    lexical: Sequence[tuple[str, float]],
    dense: Sequence[tuple[str, float]],
    method: str,
    lexical_weight: float = 0.6,
    rrf_k: int = 60,
) -> list[tuple[str, float]]:
    """Combine two ranked lists of (id, score) into one, best first.

    ``weighted``: BM25 scores divided by the best one, dense similarities min-max scaled over the
    pool, then a weighted sum; ``rrf``: reciprocal rank fusion; ``lexical``/``dense``: one list.
    """
    if method == "lexical" or not dense:
        return list(lexical)
    if method == "dense" or not lexical:
        return list(dense)
    if method == "rrf":
        scores: dict[str, float] = {}
        for hits in (lexical, dense):
            for rank, (cid, _) in enumerate(hits):
                scores[cid] = scores.get(cid, 0.0) + 1.0 / (rrf_k + rank + 1)
        return sorted(scores.items(), key=lambda item: -item[1])
    top_lex = max(s for _, s in lexical) or 1.0
    dense_values = [s for _, s in dense]
    low, high = min(dense_values), max(dense_values)
    span = (high - low) or 1.0
    lex = {cid: s / top_lex for cid, s in lexical}
    den = {cid: (s - low) / span for cid, s in dense}
    scores = {
        cid: lexical_weight * lex.get(cid, 0.0) + (1 - lexical_weight) * den.get(cid, 0.0)
        for cid in set(lex) | set(den)
    }
    return sorted(scores.items(), key=lambda item: -item[1])

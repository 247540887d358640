"""Retrieval acceptance on XQuAD-vi with the default configuration (real embedder, real Chroma).

Measured only: nothing is tuned on this set (tuning uses ViQuAD, see bench/quality.py).
"""

import pytest

from bench.quality import evaluate, load_set
from bot.settings import Settings
from bot.wiring import build_services
from tests.helpers.data import SHARED

pytestmark = pytest.mark.slow


def test_xquad_vi_hit_rates(tmp_path, closing):
    documents, questions = load_set(SHARED / "data" / "xquad_vi.jsonl.gz")
    assert (len(documents), len(questions)) == (240, 1190)
    services = closing(build_services(Settings(data_dir=tmp_path / "xquad")))
    services.index.ingest_documents(documents)
    result = evaluate(services.index, questions, services.settings.fusion)
    print(f"XQuAD-vi hit@1 {result['hit@1']:.3f} hit@5 {result['hit@5']:.3f} mrr@10 {result['mrr@10']:.3f}")
    assert result["hit@1"] >= 0.94
    assert result["hit@5"] >= 0.99

import json

import numpy as np
import pytest

from retrieval.sentence_ranker import FEATURES, WEIGHTS_PATH, SentenceRanker, default_ranker, sentence_features

PASSAGE = [
    "Hợp tác xã Tân Thành được thành lập ở huyện Chợ Đồn.",
    "Người sáng lập hợp tác xã là ông Nguyễn Văn Bình, một kỹ sư nông nghiệp.",
    "Hợp tác xã có 42 thành viên và 15 lao động thường xuyên.",
    "Hợp tác xã được thành lập vào năm 2015 với số vốn ban đầu 2 tỷ đồng.",
    "Các thành viên của hợp tác xã trồng chè và nuôi cá.",
]


def _best(question: str, sentences=PASSAGE) -> str:
    context = " ".join(sentences)
    scores = default_ranker().score(
        question, sentences, contexts=[context] * len(sentences), passage_ranks=[0] * len(sentences)
    )
    return sentences[int(np.argmax(scores))]


def test_weights_load_and_match_the_features():
    data = json.loads(WEIGHTS_PATH.read_text(encoding="utf-8"))
    assert data["features"] == list(FEATURES)
    assert len(data["weights"]) == len(FEATURES)
    ranker = default_ranker()
    assert ranker.weights.shape == (len(FEATURES),)


def test_mismatched_weights_are_refused_with_a_clear_error():
    with pytest.raises(ValueError, match="retrain"):
        SentenceRanker([1.0, 2.0], features=["idf_overlap", "not_a_feature"])
    with pytest.raises(ValueError, match="one per feature"):
        SentenceRanker([1.0, 2.0])


def test_load_names_the_file_it_cannot_read(tmp_path):
    path = tmp_path / "weights.json"
    path.write_text("{}", encoding="utf-8")
    with pytest.raises(ValueError, match="weights.json"):
        SentenceRanker.load(path)


@pytest.mark.parametrize(
    "question, answer",
    [
        ("Ai là người sáng lập hợp tác xã Tân Thành?", "Nguyễn Văn Bình"),
        ("Hợp tác xã Tân Thành có bao nhiêu thành viên?", "42 thành viên"),
        ("Hợp tác xã Tân Thành được thành lập vào năm nào?", "năm 2015"),
        ("Hop tac xa Tan Thanh co bao nhieu thanh vien?", "42 thành viên"),
    ],
)
def test_the_answer_sentence_ranks_first(question, answer):
    assert answer in _best(question)


def test_an_earlier_passage_wins_a_tie():
    sentence = "Hợp tác xã có 42 thành viên."
    scores = default_ranker().score(
        "Hợp tác xã có bao nhiêu thành viên?", [sentence, sentence], contexts=["a", "b"], passage_ranks=[0, 3]
    )
    assert scores[0] > scores[1]


def test_scores_are_deterministic():
    question = "Hợp tác xã có bao nhiêu thành viên?"
    first = default_ranker().score(question, PASSAGE)
    second = default_ranker().score(question, list(PASSAGE))
    assert np.array_equal(first, second)


def test_empty_input_is_handled():
    assert sentence_features("Ai?", []).shape == (0, len(FEATURES))
    assert default_ranker().score("Ai?", []).shape == (0,)
    assert default_ranker().best("Ai?", []) is None
    assert default_ranker().score("", ["Một câu."]).shape == (1,)
    assert np.isfinite(default_ranker().score("?", ["", "Một câu."])).all()


def test_features_lie_in_unit_range_and_lengths_are_checked():
    features = sentence_features("Hợp tác xã có bao nhiêu thành viên?", PASSAGE)
    assert features.shape == (len(PASSAGE), len(FEATURES))
    assert (features >= 0).all() and (features <= 1.5).all()
    with pytest.raises(ValueError, match="contexts"):
        sentence_features("Ai?", PASSAGE, contexts=["x"])
    with pytest.raises(ValueError, match="passage ranks"):
        sentence_features("Ai?", PASSAGE, passage_ranks=[0])

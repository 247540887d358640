"""Sentence selection for questions that are not about a measure of the lexicon (who / what / where)."""

from retrieval.models import Document, Passage
from retrieval.questions import analyse
from retrieval.selection import Refusal, Selection, candidates_from, select

SCUD = (
    "Vai trò của các tên lửa Scud được trang bị đầu đạn hạt nhân là tiêu diệt các mục tiêu lớn. "
    "Tên lửa Scud là tên lửa đạn đạo chiến thuật do Liên bang xô viết phát triển và từng triển khai "
    "cho những sư đoàn Hồng Quân tại Đông Đức. Iraq đã sử dụng các tên lửa Scud trong chiến tranh. "
    "Ngày nay nhiều quốc gia vẫn giữ loại tên lửa này trong kho vũ khí."
)
OTHER = (
    "Canada là một quốc gia tiên phong trong người máy không gian, chế tạo ra các tay máy robot "
    "cho trạm vũ trụ quốc tế và được nhiều quốc gia ghi nhận."
)


def pick(question, *texts):
    documents = {f"d{i}": Document(id=f"d{i}", title="", text=text) for i, text in enumerate(texts)}
    passages = [Passage(f"d{i}#0", f"d{i}", text, 1.0 / (1 + i)) for i, text in enumerate(texts)]
    return select(
        analyse(question), candidates_from(passages, documents, len(passages)), min_coverage=0.45, fresh_days=30
    )


def quoted(selection):
    assert isinstance(selection, Selection), selection
    return " ".join(c.sentence for c in selection.clauses)


def test_an_on_topic_passage_beats_an_off_topic_one_that_shares_more_letters():
    # The Canada sentence holds "quốc gia" and "chế" (of "chế tạo"); the Scud passage is the topic.
    selection = pick("Quốc gia nào đã sáng chế ra tên lửa Scud?", SCUD, OTHER)
    assert isinstance(selection, Selection)
    assert {c.passage.doc_id for c in selection.clauses} == {"d0"}


def test_an_unrelated_question_is_still_refused():
    assert isinstance(pick("Ai là tác giả của bài thơ Tây Tiến?", SCUD, OTHER), Refusal)


def test_a_second_sentence_is_quoted_only_from_the_same_passage_and_in_the_article_order():
    for question in (
        "Tên lửa Scud do ai phát triển và Iraq dùng chúng trong cuộc chiến nào?",
        "Quốc gia nào đã sáng chế ra tên lửa Scud?",
    ):
        selection = pick(question, SCUD, OTHER)
        assert isinstance(selection, Selection)
        sentences = [c.sentence for c in selection.clauses]
        assert 1 <= len(sentences) <= 2
        assert len({c.passage.chunk_id for c in selection.clauses}) == 1
        assert sentences == sorted(sentences, key=SCUD.find)

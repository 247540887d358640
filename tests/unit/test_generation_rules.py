import pytest

import prompts
from retrieval.generation import best_quote, grounding_violations, is_refusal, renumber

PASSAGES = [
    "Đến hết tháng 6/2017, toàn tỉnh có 1 Liên hiệp HTX, 153 HTX, 1.750 tổ hợp tác.",
    "Có 422 HTX với 12,7 nghìn thành viên, doanh thu bình quân 3,24 tỷ đồng/năm.",
    "Hiện nay, huyện Chợ Đồn có 42 HTX; sản phẩm đạt 02 sao.",
]


def test_vietnamese_number_formats_are_grounded():
    assert grounding_violations("Lạng Sơn có 1.750 tổ hợp tác đến hết tháng 6/2017 [1].", PASSAGES) == []
    assert grounding_violations("Doanh thu 3,24 tỷ đồng, 12,7 nghìn thành viên [2].", PASSAGES) == []
    assert grounding_violations("Chợ Đồn có 42 HTX, 02 sao [3].", PASSAGES) == []
    # The same value written another way is still the passage's figure.
    assert grounding_violations("Lạng Sơn có 1750 tổ hợp tác [1].", PASSAGES) == []


def test_invented_or_misplaced_numbers_are_caught():
    assert grounding_violations("Chợ Đồn có 43 HTX [3].", PASSAGES) == ["number 43 is not in the cited passages"]
    # A real figure, but from a passage the answer does not cite.
    assert grounding_violations("Chợ Đồn có 153 HTX [3].", PASSAGES) == ["number 153 is not in the cited passages"]
    assert "cites [7] but 3 passages were given" in grounding_violations("Có 42 HTX [7].", PASSAGES)
    assert "gives figures without citing a passage" in grounding_violations("Có 42 HTX.", PASSAGES)


def test_renumber_and_refusal_and_quote():
    assert renumber("A [3]. B [1]. C [3].") == ("A [1]. B [2]. C [1].", [3, 1])
    assert is_refusal(prompts.REFUSAL)
    assert not is_refusal("Chợ Đồn có 42 HTX [1].")
    assert (
        best_quote("Câu mở đầu. Hiện nay, huyện Chợ Đồn có 42 HTX. Câu khác.", "có 42 HTX [1]")
        == "Hiện nay, huyện Chợ Đồn có 42 HTX."
    )


def test_every_prompt_renders():
    values = {
        "refusal": prompts.REFUSAL,
        "passages": "[1] Tiêu đề\nNội dung",
        "question": "Câu hỏi?",
        "history": "Người hỏi: Câu trước?",
    }
    for name in prompts.names():
        wanted = {k: v for k, v in values.items() if k in prompts.placeholders(name)}
        assert prompts.placeholders(name) <= set(values), name
        text = prompts.render(name, **wanted)
        assert "$" not in text and all(v in text for v in wanted.values())
    assert set(prompts.names()) == {"answer", "condense", "system"}


def test_rendering_is_strict():
    with pytest.raises(prompts.PromptError, match="missing \\['question'\\]"):
        prompts.render("answer", passages="x")
    with pytest.raises(prompts.PromptError, match="unexpected"):
        prompts.render("system", refusal="x", extra="y")
    with pytest.raises(prompts.PromptError, match="no prompt named"):
        prompts.render("nope")

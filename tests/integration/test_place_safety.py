"""The place-safety invariant, property-tested over the whole gazetteer.

For every legacy province and district that no seed article covers, asked in five phrasings (with
and without its province, without diacritics, in English, and about another measure), the answer
refuses and carries no figure. Then the other side: the covered places are answered.
"""

import pytest

from retrieval.answering import ExtractiveAnswerer
from retrieval.index import Index
from retrieval.places import find_places, gazetteer_places, within
from retrieval.vietnamese import fold, numbers
from tests.helpers.data import SEEDS

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def answerer(lexical_seeded_dir):
    index = Index(lexical_seeded_dir, None)
    yield ExtractiveAnswerer(index)
    index.close()


def covered_places(index: Index):
    """Every place a seed article names, in its text, title or metadata."""
    found = []
    for document, _ in index.documents():
        for text in (document.text, document.title, document.place or ""):
            found += [p for p in find_places(text) if p not in found]
    return found


def phrasings(place):
    name, plain = place.name, fold(place.name).lower()
    parent = next((p for p in gazetteer_places() if p.key == place.parent and p.kind == "province"), None)
    if place.kind == "province":
        return [
            f"Tỉnh {name} có bao nhiêu HTX?",
            f"{name} có bao nhiêu hợp tác xã đang hoạt động?",
            f"tinh {plain} co bao nhieu htx",
            f"How many cooperatives are there in {plain.title()} province?",
            f"Doanh thu bình quân của HTX tỉnh {name} là bao nhiêu?",
        ]
    where = f" (tỉnh {parent.name})" if parent else ""
    return [
        f"Huyện {name}{where} có bao nhiêu HTX?",
        f"{place.label()}{where} có bao nhiêu hợp tác xã?",
        f"huyen {plain} co bao nhieu hop tac xa",
        f"How many cooperatives are there in {plain.title()} district?",
        f"Thu nhập bình quân của thành viên HTX ở {place.label()} là bao nhiêu?",
    ]


def test_no_figure_for_any_place_the_articles_do_not_cover(answerer):
    covered = covered_places(answerer.index)
    assert {p.key for p in covered} >= {"cho don", "bac kan", "hoa binh", "lang son"}
    uncovered = [
        p for p in gazetteer_places() if not any(p.compatible(c) or within(c, p) or within(p, c) for c in covered)
    ]
    assert len(uncovered) > 600, len(uncovered)
    leaks = []
    for place in uncovered:
        for question in phrasings(place):
            answer = answerer.answer(question)
            figures = [n for n in numbers(answer.text) if n not in numbers(question)]
            if answer.found or answer.citations or figures:
                leaks.append((question, answer.text[:160]))
    assert not leaks, f"{len(leaks)} answers gave a figure for an uncovered place, e.g. {leaks[:5]}"


@pytest.mark.parametrize(
    "question, figure",
    [
        ("Huyện Chợ Đồn (tỉnh Bắc Kạn) có bao nhiêu HTX?", "42"),
        ("cho don co bao nhieu htx", "42"),
        ("How many cooperatives are there in Bac Kan city?", "44"),
        ("xã Chợ Đồn có bao nhiêu HTX?", "42"),  # the 2025 commune named after the old district
    ],
)
def test_covered_places_are_answered(answerer, question, figure):
    answer = answerer.answer(question)
    assert answer.found and figure in answer.text, answer.text


def test_a_new_province_is_answered_with_an_old_one_labelled(answerer):
    answer = answerer.answer("Tỉnh Phú Thọ có bao nhiêu HTX?")  # since 1/7/2025 it holds old Hòa Bình
    assert answer.found and "422" in answer.text and "Hòa Bình" in answer.text
    assert "nay là một phần của tỉnh Phú Thọ" in answer.text
    # The relation is said in words: every number of the answer is still one of the cited article's.
    assert set(numbers(answer.text.replace("[1]", ""))) <= set(numbers(answer.citations[0].quote + " 18/01/2021"))
    refused = answerer.answer("Tỉnh Thái Nguyên có bao nhiêu HTX?")  # old Bắc Kạn: only district figures
    assert not refused.found and not numbers(refused.text)
    assert "Chợ Đồn" in refused.text  # it says which places inside do have figures
    assert SEEDS.exists()


@pytest.mark.parametrize(
    "question, english",
    [("Huyện Ba Bể có bao nhiêu HTX?", False), ("How many cooperatives are there in Ba Be district?", True)],
)
def test_a_refusal_lists_the_covered_places_and_suggests_questions_they_answer(answerer, question, english):
    refused = answerer.answer(question)
    assert not refused.found
    bullets = [line[2:] for line in refused.text.splitlines() if line.startswith("• ")]
    assert bullets == answerer.index.covered_places()  # one place a line, not a comma run
    assert 1 <= len(refused.suggestions) <= 3
    for suggestion in refused.suggestions:
        assert ("How many cooperatives" in suggestion) == english
        assert answerer.answer(suggestion).found, suggestion  # offered only because the articles answer it
    assert refused.to_result()["suggestions"] == list(refused.suggestions)
    # An answered question suggests nothing.
    assert answerer.answer(refused.suggestions[0]).suggestions == ()

"""Charts drawn as PNG (bars for places, a line for periods) and the caption Telegram sends with them."""

from __future__ import annotations

import io
import time
import warnings
from dataclasses import replace

import pytest
from matplotlib.image import imread

from bot.charts import chart_title, format_number, render_png, shorten
from bot.telegram.formatting import format_chart_caption
from retrieval.models import Answer, Chart, ChartPoint, Citation

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PERIOD = "Lũy kế tới nay (theo bài viết ngày 18/01/2021)"
BAR = Chart(
    kind="bar",
    measure="số HTX",
    unit="HTX",
    points=(
        ChartPoint("Tỉnh Hòa Bình", 422.0, "422", "HTX", PERIOD, 1),
        ChartPoint("Tỉnh Lạng Sơn", 153.0, "153", "HTX", "Đến hết tháng 6/2017", 2),
        ChartPoint("Huyện Chợ Đồn, tỉnh Bắc Kạn (nay thuộc tỉnh Thái Nguyên)", 42.0, "42", "HTX", None, 3),
        ChartPoint("Thành phố Bắc Kạn", 44.0, "44", "HTX", "năm 2021 " * 10, 3),
        ChartPoint("Xã Ỷ La", 1750.0, "1.750", "HTX", "đến hết năm 2017", 2),
    ),
)
LINE = Chart(
    kind="line",
    measure="doanh thu bình quân",
    unit="VND",
    points=(
        ChartPoint("năm 2018", 2.1e9, "2,1 tỷ đồng", "VND", "năm 2018", 1),
        ChartPoint("năm 2019", 2.8e9, "2,8 tỷ đồng", "VND", "năm 2019", 1),
        ChartPoint("2021", 3.24e9, "3,24 tỷ đồng", "VND", PERIOD, 1),
    ),
)


def draw(chart: Chart) -> tuple[bytes, float]:
    """Return the chart's PNG and the seconds drawing it took, failing on any missing glyph."""
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*missing from font")
        start = time.perf_counter()
        png = render_png(chart)
        return png, time.perf_counter() - start


@pytest.mark.parametrize("chart", [BAR, LINE], ids=["bar", "line"])
def test_chart_is_a_small_readable_png(chart):
    render_png(chart)  # the first drawing loads the fonts
    png, seconds = draw(chart)
    assert png.startswith(PNG_SIGNATURE)
    assert 5_000 < len(png) < 200_000
    assert seconds < 1.0
    pixels = imread(io.BytesIO(png), format="png")
    height, width = pixels.shape[:2]
    assert width == 800 and 350 <= height <= 700
    # Drawn, not blank: the bars or the line are coloured (white, black and greys have r = g = b).
    rgb = pixels[..., :3]
    coloured = (abs(rgb[..., 0] - rgb[..., 1]) > 0.1) | (abs(rgb[..., 1] - rgb[..., 2]) > 0.1)
    assert coloured.mean() > 0.002


def test_more_bars_make_a_taller_picture():
    two = Chart("bar", "số HTX", "HTX", BAR.points[:2])
    heights = [imread(io.BytesIO(draw(c)[0]), format="png").shape[0] for c in (two, BAR)]
    assert heights[0] < heights[1]


def test_a_glyph_missing_from_the_font_would_be_caught():
    foreign = Chart("bar", "số HTX 合作社", "HTX", BAR.points[:2])
    with pytest.raises(UserWarning, match="missing from font"):
        draw(foreign)


def test_unknown_kind_or_no_points_is_refused():
    with pytest.raises(ValueError, match="expected one of bar, line"):
        render_png(Chart("pie", "số HTX", "HTX", BAR.points))
    with pytest.raises(ValueError, match="no points"):
        render_png(Chart("bar", "số HTX", "HTX", ()))


def test_title_labels_and_axis_numbers():
    assert chart_title(BAR) == "Số HTX"
    assert chart_title(LINE) == "Doanh thu bình quân (VND)"
    assert shorten(PERIOD, 48) == PERIOD
    assert shorten(PERIOD, 20) == "Lũy kế tới nay (the…" and len(shorten(PERIOD, 20)) == 20
    assert [format_number(v) for v in (0, 1750, 3.5, 2.5e6, 3.24e9)] == ["0", "1.750", "3,5", "2,5 triệu", "3,2 tỷ"]


def _citation(n: int, paper: str | None, date: str | None) -> Citation:
    return Citation(
        source=f"s{n}",
        title=f"Bài viết số {n} về kinh tế tập thể",
        date=date,
        place=None,
        url=None,
        quote="…",
        chunk_id=f"s{n}#0",
        paper=paper,
    )


def test_caption_is_the_first_line_and_the_charted_sources():
    answer = Answer(
        question="Tỉnh Hòa Bình hay tỉnh Lạng Sơn có nhiều HTX hơn?",
        text="So sánh theo các bài viết:\n- Tỉnh Hòa Bình: 422 HTX [1].\n- Tỉnh Lạng Sơn: 153 HTX [3].",
        found=True,
        citations=(
            _citation(1, "Báo Hòa Bình", "2021-01-18"),
            _citation(2, "Báo Khác", None),
            _citation(3, None, None),
        ),
        chart=Chart("bar", "số HTX", "HTX", (BAR.points[0], replace(BAR.points[1], citation=3))),
    )
    caption = format_chart_caption(answer)
    assert caption == (
        "So sánh theo các bài viết:\n"
        "Nguồn: [1] Báo Hòa Bình, 18/01/2021; [3] Bài viết số 3 về kinh tế tập thể, không rõ ngày"
    )


def test_a_long_caption_is_cut_within_telegram_limit():
    answer = Answer(
        question="q",
        text="Xếp hạng " * 300,
        found=True,
        citations=tuple(_citation(n, "Báo " + "Hòa Bình " * 20, "2021-01-18") for n in range(1, 6)),
        chart=Chart("bar", "số HTX", "HTX", tuple(replace(BAR.points[0], citation=n) for n in range(1, 6))),
    )
    caption = format_chart_caption(answer)
    assert len(caption) <= 1024
    assert caption.startswith("Xếp hạng Xếp hạng") and "…\nNguồn: [1] Báo Hòa Bình" in caption

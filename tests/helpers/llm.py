"""Reading the answer prompt back, as the scripted fake model (tests/fake_openai.py) does."""

from __future__ import annotations

import re


def numbered_passages(prompt: str) -> dict[int, str]:
    """Read the numbered passages back out of the answer prompt."""
    blocks = re.split(r"\n\n(?=\[\d+\] )", prompt.split("Các đoạn trích:", 1)[1].split("\n\nCâu hỏi:", 1)[0].strip())
    return {int(re.match(r"\[(\d+)\]", b).group(1)): b for b in blocks}

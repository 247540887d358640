"""Prompt texts as data: one .txt file per prompt, with $name placeholders rendered strictly."""

from __future__ import annotations

import re
from pathlib import Path
from string import Template

from retrieval.errors import ConfigError

FOLDER = Path(__file__).parent
REFUSAL = "Các bài viết hiện có không có thông tin để trả lời câu hỏi này."


class PromptError(ConfigError):
    """A prompt file is missing, or a placeholder was left without a value."""


def names() -> list[str]:
    """Return the names of every prompt file."""
    return sorted(p.stem for p in FOLDER.glob("*.txt"))


def placeholders(name: str) -> set[str]:
    """Return the placeholders a prompt expects."""
    return set(re.findall(r"\$(\w+)", _read(name)))


def _read(name: str) -> str:
    path = FOLDER / f"{name}.txt"
    if not path.is_file():
        raise PromptError(f"no prompt named {name!r} in {FOLDER} (have: {', '.join(names())})")
    return path.read_text(encoding="utf-8")


def render(name: str, **values: str) -> str:
    """Render a prompt; a missing or unexpected value is an error, never an empty gap."""
    expected = placeholders(name)
    missing, extra = expected - set(values), set(values) - expected
    if missing or extra:
        raise PromptError(
            f"prompt {name!r} expects {sorted(expected)}; missing {sorted(missing)}, unexpected {sorted(extra)}"
        )
    return Template(_read(name)).substitute(values).strip()

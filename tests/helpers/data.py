"""Where the test data lives: the seed articles, the shared evaluation kit and its dev questions."""

from __future__ import annotations

import json
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
ARTEFACTS = REPO / "test-artifacts"  # screenshots of the browser tests, to look at
SHARED = REPO.parent / "shared"
SEEDS = REPO / "seeds"
QUESTIONS = SHARED / "eval" / "questions.jsonl"


def load_questions() -> list[dict]:
    """Return the kit's dev questions."""
    return [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]

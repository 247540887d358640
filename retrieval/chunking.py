"""Sentence-aware chunks with stable ids and content hashes."""

from __future__ import annotations

import hashlib
import re

from retrieval.models import Chunk, Document
from retrieval.vietnamese import CAPITALS

# A sentence ends at . ! ? … followed by space and a capital letter, digit, quote or the letter of
# a list item ("… là 10 ha. b) Công trình …"). Abbreviations common in the articles ("TP.", "Tp.",
# "TS.", "ThS.") do not end a sentence.
_SENTENCE_BREAK = re.compile(rf"(?<=[.!?…])[\"”)]?\s+(?=[\"“(]?\s?[{CAPITALS}0-9]|[a-zđ]\)\s)")
_ABBREVIATIONS = ("tp.", "ts.", "ths.", "pgs.", "gs.", "bs.", "th.", "ô.", "bà.", "st.", "p.", "q.", "tt.")


def split_sentences(paragraph: str) -> list[str]:
    """Split a paragraph into sentences; a statistic stays whole with its subject."""
    pieces = []
    start = 0
    for match in _SENTENCE_BREAK.finditer(paragraph):
        candidate = paragraph[start : match.start()].rstrip()
        last_word = candidate.rsplit(" ", 1)[-1].lower().lstrip("(\"“'[")  # "(Q. Thanh Khê)"
        if last_word in _ABBREVIATIONS:
            continue
        if candidate:
            pieces.append(candidate)
        start = match.end()
    tail = paragraph[start:].strip()
    if tail:
        pieces.append(tail)
    return pieces


def split_long(sentence: str, max_chars: int) -> list[str]:
    """Split an over-long sentence into pieces of at most ``max_chars``: at clause boundaries
    ("; ") first, then at commas, then between words; a run with no space at all (a pasted table
    or an encoded blob) is cut by characters. No chunk is ever larger than ``max_chars``."""
    if len(sentence) <= max_chars:
        return [sentence]
    for pattern in (r"(?<=;)\s+", r"(?<=,)\s+", r"\s+"):
        pieces = re.split(pattern, sentence)
        if len(pieces) > 1:
            break
    else:
        return [sentence[i : i + max_chars] for i in range(0, len(sentence), max_chars)]
    parts, current = [], ""
    for piece in pieces:
        if current and len(current) + len(piece) + 1 > max_chars:
            parts.append(current)
            current = piece
        else:
            current = f"{current} {piece}".strip()
    if current:
        parts.append(current)
    return [part for big in parts for part in split_long(big, max_chars)]


def content_hash(text: str) -> str:
    """Return a short, stable hash of ``text``."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def document_context(document: Document) -> str:
    """Return the context every chunk of ``document`` carries for retrieval: title and place."""
    parts = [document.title]
    if document.place:
        parts.append(document.place)
    return " | ".join(parts)


def chunk_document(document: Document, max_chars: int = 1000, overlap_sentences: int = 0) -> list[Chunk]:
    """Cut a document into chunks of whole sentences, at most ``max_chars`` each where possible.

    Paragraph boundaries are preferred cut points; ids are ``{doc_id}#{n}`` and stable as long as
    the text before a chunk does not change.
    """
    context = document_context(document)
    sentences: list[tuple[str, bool]] = []  # (sentence, starts a paragraph)
    for paragraph in document.text.split("\n"):
        for n, sentence in enumerate(split_sentences(paragraph.strip())):
            for m, piece in enumerate(split_long(sentence, max_chars)):
                sentences.append((piece, n == 0 and m == 0))

    groups: list[list[str]] = []
    current: list[str] = []
    size = 0
    for sentence, new_paragraph in sentences:
        too_big = current and size + len(sentence) + 1 > max_chars
        soft_cut = current and new_paragraph and size > max_chars * 0.6
        if too_big or soft_cut:
            groups.append(current)
            current = current[-overlap_sentences:] if overlap_sentences else []
            size = sum(len(s) + 1 for s in current)
        current.append(sentence)
        size += len(sentence) + 1
    if current:
        groups.append(current)

    chunks = []
    for n, group in enumerate(groups):
        text = " ".join(group)
        chunks.append(
            Chunk(
                id=f"{document.id}#{n}",
                doc_id=document.id,
                index=n,
                text=text,
                context=context,
                hash=content_hash(context + "\n" + text),
            )
        )
    return chunks

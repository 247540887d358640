"""Loading articles (.txt .md .html .jsonl .jsonl.gz), cleaning page boilerplate, reading metadata."""

from __future__ import annotations

import gzip
import json
import os
import re
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, cast

from retrieval.errors import IngestError
from retrieval.models import Document
from retrieval.vietnamese import nfc

if TYPE_CHECKING:
    from trafilatura.metadata import Document as ExtractedPage

SUPPORTED_SUFFIXES = (".txt", ".md", ".html", ".htm", ".jsonl", ".jsonl.gz")
METADATA_FILE = "metadata.json"


@dataclass(frozen=True)
class LoadProblem:
    """A file or record that could not be loaded; the rest of the ingest goes on."""

    path: str
    reason: str


@dataclass(frozen=True)
class LoadNote:
    """Something read but not indexed (a field, a record's bad metadata): reported, not an error."""

    path: str
    message: str


# --- boilerplate -------------------------------------------------------------------------------

_BOILERPLATE_LINES = {
    "font size:",
    "decrease",
    "reset",
    "increase",
    "tin bài cùng chuyên mục",
    "bài viết mới",
    "translate:",
    "language",
    "skip to content",
    "tin liên quan",
    "bài viết liên quan",
    "chia sẻ",
    "in bài viết",
    "xem thêm",
    "tin khác",
    "bình luận",
}
_BOILERPLATE_PREFIXES = (
    "thống kê truy cập",
    "số người trực tuyến",
    "bài trước",
    "bài tiếp theo",
    "đang truy cập",
    "lượt truy cập",
    "tổng lượt truy cập",
    "copyright",
    "bản quyền",
)
_BULLET_RE = re.compile(r"^[\s•·\-*–]+")
# An editing stamp some CMSes leave at the start of the lead: "dt 18120211745 ltt 1106".
_STAMP_RE = re.compile(r"^dt\s+\d{6,}\s+ltt\s+\d+\s*")
_CREDIT_RE = re.compile(r"^\s*(?:trích|nguồn)\s*:\s*(.+?)\s*$", re.IGNORECASE)
# A sentence end glued to the next capitalised text with no space: "...HTX tỉnh.Đồng chí ..."
_GLUED_RE = re.compile(r"(?<=[a-zà-ỹđ0-9)])\.(?=[A-ZÀ-ỸĐ])")
_SENTENCE_END = tuple('.!?…:;"”)')
_UPPER = "A-ZÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬĐÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ"

# Dateline prefixes that name the paper ("LSO-Sáng nay ...").
_DATELINES = {
    "LSO": "Báo Lạng Sơn",
    "BBK": "Báo Bắc Kạn",
    "HBĐT": "Báo Hòa Bình",
    "BHG": "Báo Hà Giang",
    "TTXVN": "Thông tấn xã Việt Nam",
    "VOV": "Đài Tiếng nói Việt Nam",
    "QĐND": "Báo Quân đội nhân dân",
}
_DATELINE_RE = re.compile(r"^\(?([A-ZĐ]{2,6})\)?\s*[-–—]\s*(?=\S)")


def _glued_caption(line: str, dot: int) -> bool:
    """Tell whether the text after a full stop glued to a capital ("…HTX tỉnh.Đồng chí …") is a
    caption the scraper glued on: short, with no sentence end, after a whole lower-case word. An
    abbreviation ("TP.HCM", "X.Phong Chương", a photographer's "Kh.V") runs on in the sentence."""
    word = re.search(r"(\w+)$", line[:dot])
    tail = line[dot + 1 :].rstrip()
    return (
        word is not None
        and len(word.group(1)) >= 3
        and word.group(1).islower()
        and len(tail) < 200
        and not tail.endswith(_SENTENCE_END)
    )


def _is_boilerplate(line: str) -> bool:
    bare = _BULLET_RE.sub("", line).strip().lower()
    if not bare:
        return True
    if bare in _BOILERPLATE_LINES:
        return True
    return bare.startswith(_BOILERPLATE_PREFIXES)


def _is_caption(raw_line: str, line: str, body_started: bool) -> bool:
    """Tell a photo caption or byline from body text.

    Captions are short single statements without a closing full stop ("Đồng chí ... phát biểu
    kết luận cuộc họp"), or indented one-sentence lines between paragraphs.
    """
    if len(line) > 260:
        return False
    if body_started and not line.endswith(_SENTENCE_END):
        return True
    indented = raw_line[:1].isspace()
    return indented and line.count(". ") == 0 and len(line) < 200


def clean_text(raw: str) -> tuple[list[str], str | None]:
    """Remove page boilerplate, captions and bylines; return the paragraphs and a credited paper."""
    paper = None
    body_started = False
    paragraphs: list[str] = []
    for raw_line in nfc(raw).replace("\r\n", "\n").replace("\xa0", " ").split("\n"):
        line = " ".join(raw_line.split())
        credit = _CREDIT_RE.match(line)
        if credit:
            paper = _title_case_paper(credit.group(1))
            continue
        if _is_boilerplate(line):
            continue
        line = _STAMP_RE.sub("", line)
        glued = next((m for m in _GLUED_RE.finditer(line) if _glued_caption(line, m.start())), None)
        if glued:
            # The tail after "tỉnh.Đồng chí" is a caption glued on by the page scraper.
            line = line[: glued.end()]
        if paragraphs and _is_caption(raw_line, line, body_started):
            continue
        paragraphs.append(line)
        # Captions sit between body paragraphs; before the first one come the title and kicker.
        body_started = body_started or (len(line) > 120 and line.endswith(_SENTENCE_END))
    return paragraphs, paper


def _title_case_paper(name: str) -> str:
    name = " ".join(name.split())
    return " ".join(w if w.isupper() else w[:1].upper() + w[1:] for w in name.split())


# --- dates -------------------------------------------------------------------------------------

_HEADER_DATE_RE = re.compile(
    r"^(?:ngày(?:\s+đăng)?|cập nhật|đăng ngày|thứ\s+\w+|chủ nhật)\s*[:,]?\s*"
    r"(\d{1,2})/(\d{1,2})/(\d{4})",
    re.IGNORECASE,
)
_DATE_RES = (
    re.compile(r"(?<!\d)(\d{1,2})/(\d{1,2})/(\d{4})(?!\d)"),
    re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE),
)
# "Quyết định số 938/QĐ-UBND ngày 21 tháng 6 năm 2021" dates a cited document, not the event.
_CITED_DOC_RE = re.compile(r"\bsố\s+\S+\s+(?:ngày\s*)?$", re.IGNORECASE)


def _iso(day: str, month: str, year: str) -> str | None:
    try:
        return date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


def header_date(lines: Iterable[str]) -> str | None:
    """Return the date of a dated page header ("Ngày: 12/02/2022", "Thứ hai, 27/09/2021")."""
    for line in list(lines)[:6]:
        match = _HEADER_DATE_RE.match(line.strip())
        if match:
            return _iso(*match.groups())
    return None


def first_event_date(text: str) -> str | None:
    """Return the first full date in ``text`` that is not the date of a cited decision or plan."""
    found: list[tuple[int, str]] = []
    for pattern in _DATE_RES:
        for match in pattern.finditer(text):
            before = text[max(0, match.start() - 40) : match.start()]
            if _CITED_DOC_RE.search(before):
                continue
            iso = _iso(*match.groups())
            if iso:
                found.append((match.start(), iso))
    return min(found)[1] if found else None


def _normalise_date(value: object) -> str | None:
    if not value:
        return None
    text = str(value).strip()
    match = re.match(r"(\d{4})-(\d{2})-(\d{2})", text)
    if match:
        return _iso(match.group(3), match.group(2), match.group(1))
    match = re.match(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
    return _iso(*match.groups()) if match else None


# --- building documents ------------------------------------------------------------------------


def document_from_text(
    doc_id: str, raw: str, *, path: str | None = None, meta: dict[str, Any] | None = None, title: str | None = None
) -> Document:
    """Build a cleaned Document from plain article text and optional metadata."""
    meta = meta or {}
    raw_lines = [" ".join(line.split()) for line in nfc(raw).splitlines() if line.strip()]
    paragraphs, paper = clean_text(raw)
    dated_header = header_date(raw_lines)
    paragraphs = [p for n, p in enumerate(paragraphs) if n > 2 or not _HEADER_DATE_RE.match(p)]
    if title is None and paragraphs:
        title = paragraphs[0].lstrip("# ").strip()
        paragraphs = paragraphs[1:]
    elif title and paragraphs and paragraphs[0].lstrip("# ").strip() == title:
        paragraphs = paragraphs[1:]
    if meta.get("title"):
        wanted = nfc(meta["title"])
        paragraphs = [p for p in paragraphs if p.rstrip(":") != wanted and p != wanted]
        title = wanted
    if paragraphs:
        dateline = _DATELINE_RE.match(paragraphs[0])
        if dateline:
            paper = paper or _DATELINES.get(dateline.group(1))
            paragraphs[0] = paragraphs[0][dateline.end() :]
    text = "\n".join(paragraphs)

    if "date" in meta:
        doc_date, date_source = _normalise_date(meta["date"]), str(meta.get("date_source") or "metadata")
    elif dated_header:
        doc_date, date_source = dated_header, "header"
    else:
        doc_date = first_event_date(text)
        date_source = "text" if doc_date else "none"
    return Document(
        id=doc_id,
        title=title or doc_id,
        text=text,
        date=doc_date,
        date_source=date_source if doc_date else "none",
        place=meta["place"] if "place" in meta else place_from_title(title or ""),
        paper=meta.get("paper") or paper,
        url=meta.get("url") or None,
        path=path,
    )


def document_from_html(
    doc_id: str, html: str, *, path: str | None = None, meta: dict[str, Any] | None = None
) -> Document:
    """Extract the article of an HTML page with trafilatura, then clean it like plain text."""
    import trafilatura

    extracted = cast(
        "ExtractedPage | None",  # a dict only with as_dict=True (deprecated, not passed)
        trafilatura.bare_extraction(
            html, with_metadata=True, include_comments=False, include_tables=True, favor_precision=True
        ),
    )
    if extracted is None or not (extracted.text or "").strip():
        raise IngestError("no article text found in the page")
    text = extracted.text or ""  # not empty: checked above
    meta = dict(meta or {})
    meta.setdefault("url", extracted.url)
    if extracted.date and "date" not in meta:
        meta["date"], meta["date_source"] = extracted.date, "html-metadata"
    return document_from_text(doc_id, text, path=path, meta=meta, title=meta.get("title") or extracted.title)


# Fields of a JSONL record the loader reads, and text-bearing ones it leaves out on purpose.
_RECORD_TEXT = ("text", "body", "context")
_RECORD_LEAD = ("sapo", "abstract")
_RECORD_META = ("id", "title", "date", "crawl_date", "url", "place", "paper", "paragraph_index", "date_source")
_RECORD_LEFT_OUT = {
    "captions": "photo captions, left out by design (they describe pictures, not the statistics)",
}
_TEXT_WORDS = 8  # a string of this many words or more is text worth indexing


def _is_text_bearing(value: object) -> bool:
    if isinstance(value, str):
        return len(value.split()) >= _TEXT_WORDS
    if isinstance(value, list):
        return any(_is_text_bearing(v) for v in value)
    return False


def unread_text_fields(record: dict[str, Any]) -> list[str]:
    """Return the fields of ``record`` that hold text the loader does not index."""
    known = set(_RECORD_TEXT + _RECORD_LEAD + _RECORD_META)
    return [key for key, value in record.items() if key not in known and _is_text_bearing(value)]


def _text_field(record: dict[str, Any], name: str, notes: list[str]) -> str | None:
    """Return a metadata field as text: numbers are written out, lists and objects are dropped
    with a note (the record itself is kept)."""
    value = record.get(name)
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    notes.append(f"field {name!r} is {type(value).__name__}, not text: left out")
    return None


def _body(value: object) -> str:
    """Return an article body given as text or as a list of paragraphs."""
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "\n".join(value)
    if isinstance(value, str):
        return value
    raise IngestError(f"the article text is {type(value).__name__}, not text")


def document_from_record(
    record: dict[str, Any], *, path: str | None = None, notes: list[str] | None = None
) -> Document:
    """Build a Document from a JSONL record {id, title, text|body|context, sapo|abstract?, date|crawl_date?, ...}.

    A metadata field of the wrong type (``"place": 12``, ``"url": [...]``) is coerced to text or left
    out, with a note in ``notes``; a record with no id or no article text is refused (IngestError).
    """
    notes = [] if notes is None else notes
    if not isinstance(record, dict):
        raise IngestError(f"a record must be a JSON object, not {type(record).__name__}")
    raw_id = record.get("id")
    if isinstance(raw_id, (dict, list, bool)):
        raise IngestError(f"record 'id' must be text or a number, not {type(raw_id).__name__}")
    doc_id = str(raw_id if raw_id is not None else "").strip()
    if not doc_id:
        raise IngestError("record has no 'id'")
    title = nfc(_text_field(record, "title", notes) or "").strip() or None
    if "paragraph_index" in record and "#" not in doc_id and title:
        doc_id = f"{title}#{record['paragraph_index']}"
    body = next((_body(record[k]) for k in _RECORD_TEXT if record.get(k)), "")
    if not body.strip():
        raise IngestError(f"record {doc_id!r} has no text, body or context")
    # The lead paragraph is "sapo" in some crawls and "abstract" in others; it often holds the
    # headline figure, so it is read as the article's first paragraph.
    lead = nfc(next((_body(record[k]) for k in _RECORD_LEAD if record.get(k)), "")).strip()
    raw = (lead + "\n" if lead else "") + body
    url, place, paper = (_text_field(record, name, notes) for name in ("url", "place", "paper"))
    date_value, date_source = None, "none"
    for name in ("date", "crawl_date"):
        value = _text_field(record, name, notes)
        if value:
            date_value, date_source = value, ("record" if name == "date" else name)
            break
    paragraphs, _ = clean_text(raw)
    doc_date = _normalise_date(date_value)
    return Document(
        id=doc_id,
        title=title or doc_id,
        text="\n".join(paragraphs),
        date=doc_date,
        date_source=date_source if doc_date else "none",
        place=place or place_from_title(title or ""),
        paper=paper or None,
        url=url or None,
        path=path,
        source=doc_id,
    )


# --- files and folders -------------------------------------------------------------------------


def _suffix(path: Path) -> str:
    name = path.name.lower()
    return ".jsonl.gz" if name.endswith(".jsonl.gz") else path.suffix.lower()


def _stem(path: Path) -> str:
    name = path.name
    return name[: -len(".jsonl.gz")] if name.lower().endswith(".jsonl.gz") else path.stem


def discover(paths: Iterable[Path]) -> tuple[list[tuple[Path, Path]], list[LoadProblem]]:
    """Expand files and folders into the supported article files they hold, sorted, each with the
    path it was found under (the root its document id is relative to)."""
    files: list[tuple[Path, Path]] = []
    problems: list[LoadProblem] = []
    for path in paths:
        if not path.exists():
            problems.append(LoadProblem(str(path), "no such file or folder"))
        elif path.is_dir():
            files.extend(
                (p, path)
                for p in sorted(path.rglob("*"))
                if p.is_file() and _suffix(p) in SUPPORTED_SUFFIXES and p.name != METADATA_FILE
            )
        elif _suffix(path) in SUPPORTED_SUFFIXES:
            files.append((path, path))
        else:
            problems.append(
                LoadProblem(str(path), f"unsupported file type (expected one of {', '.join(SUPPORTED_SUFFIXES)})")
            )
    return files, problems


def document_id(path: Path, root: Path) -> str:
    """Return the id of the article file ``path`` found under ``root``: its path from the folder
    that holds it, with the extension ("seeds/002_91a2.txt"), so that ``a/report.txt``,
    ``b/report.txt`` and ``report.md`` stay apart. A file given by itself gets the same id as when
    its folder is given."""
    path = Path(os.path.abspath(path))
    root = Path(os.path.abspath(root))
    base = root if root.is_dir() else root.parent
    return (Path(base.name) / path.relative_to(base)).as_posix()


def _folder_metadata(folder: Path, cache: dict[Path, dict[str, Any]]) -> dict[str, Any]:
    if folder not in cache:
        meta_path = folder / METADATA_FILE
        try:
            cache[folder] = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else {}
        except (OSError, ValueError):
            cache[folder] = {}
    return cache[folder]


def _load_records(
    path: Path, opener: Callable[[Path, Literal["rb"]], AbstractContextManager[Iterable[bytes]]]
) -> Iterator[Document | LoadProblem | LoadNote]:
    """Yield the documents of a JSONL file; a line that cannot be decoded or parsed is one problem
    and the lines after it are still read."""
    left_out: dict[str, int] = {}
    with opener(path, "rb") as fh:
        for number, raw in enumerate(fh, 1):
            where = f"{path}:{number}"
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                yield LoadProblem(where, f"not UTF-8 text (byte {exc.start} of the line); re-save it as UTF-8")
                continue
            if not line.strip():
                continue
            notes: list[str] = []
            try:
                record = json.loads(line)
                document = document_from_record(record, path=str(path), notes=notes)
            except (IngestError, ValueError, TypeError, AttributeError) as exc:
                reason = (
                    f"not a complete JSON record ({exc.msg})" if isinstance(exc, json.JSONDecodeError) else str(exc)
                )
                yield LoadProblem(where, reason)
                continue
            for key in unread_text_fields(record):
                left_out[key] = left_out.get(key, 0) + 1
            for note in notes:
                yield LoadNote(where, note)
            yield document
    for key, count in sorted(left_out.items()):
        why = _RECORD_LEFT_OUT.get(key, "an unknown field; name it text, body, sapo or abstract to index it")
        yield LoadNote(str(path), f"text in field {key!r} of {count} records is not indexed: {why}")


def load_file(
    path: Path, meta_cache: dict[Path, dict[str, Any]] | None = None, *, doc_id: str | None = None
) -> Iterator[Document | LoadProblem | LoadNote]:
    """Yield the documents of one file, a LoadProblem for what cannot be read, and LoadNotes for
    what is read but not indexed. ``doc_id`` names the document of a single-article file (its file
    name without extension when not given)."""
    meta_cache = {} if meta_cache is None else meta_cache
    suffix = _suffix(path)
    try:
        if suffix in (".jsonl", ".jsonl.gz"):
            yield from _load_records(path, gzip.open if suffix == ".jsonl.gz" else open)
            return
        raw = path.read_bytes().decode("utf-8")
        meta = _folder_metadata(path.parent, meta_cache).get(_stem(path), {})
        if suffix in (".html", ".htm"):
            document = document_from_html(_stem(path), raw, path=str(path), meta=meta)
        else:
            document = document_from_text(_stem(path), raw, path=str(path), meta=meta)
        yield replace(document, id=doc_id or document.id, source=_stem(path))
    except UnicodeDecodeError as exc:
        yield LoadProblem(str(path), f"not UTF-8 text (byte {exc.start}); re-save it as UTF-8")
    except (OSError, EOFError, gzip.BadGzipFile, zlib.error) as exc:
        yield LoadProblem(str(path), f"cannot be read: {exc}")
    except (IngestError, ValueError) as exc:  # ours, or a parser's
        yield LoadProblem(str(path), str(exc))


def place_from_title(title: str) -> str | None:
    """Return the place a title names ("Chợ Đồn quan tâm …" -> "Chợ Đồn"), or None: never a guess
    from the body, where many places are mentioned in passing."""
    from retrieval.places import find_places

    places = find_places(title)
    if not places:
        return None
    label = places[0].label()
    return label[:1].upper() + label[1:]

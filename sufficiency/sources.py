"""Sources named as a reader would cite them, and published text shown without its markup.

The seed documents are held under file names (`001_4ca911de8b64b3ba.txt`) and the fixtures cite a
figure by file and section or line. People never see those: `source_citation(document, section)`
gives "Norfolk Sufficiency Strategy 2020–23, Local Context", finding the section that holds a line
from fixtures/source_sections.csv. Reader names and dates are in fixtures/sources.csv (one row a
document). `reader_text` rewrites a free-text note or caveat that mentions a file or "seed 003", and
`emphasis` shows the documents' markdown bold (`**20.1%**`) as <strong>, escaping everything else.

Pure functions over the two CSV files (read once); no database.
"""

from __future__ import annotations

import csv
import re
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from django.conf import settings
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

UPLOADED = "Uploaded file"


@dataclass(frozen=True)
class Document:
    """A source document as a reader knows it."""

    file: str
    title: str
    short_title: str
    date: str  # as the document gives it: "January 2021", "7 October 2020"
    as_of: date  # the last day the document's figures can describe
    note: str


def _fixtures() -> Path:
    return Path(settings.BASE_DIR) / "fixtures"


@cache
def documents() -> dict[str, Document]:
    """Every known source document by file name (fixtures/sources.csv)."""
    path = _fixtures() / "sources.csv"
    if not path.exists():
        return {}
    with open(path, newline="", encoding="utf-8") as fh:
        return {
            r["document"]: Document(
                file=r["document"],
                title=r["title"],
                short_title=r["short_title"] or r["title"],
                date=r["date"],
                as_of=date.fromisoformat(r["as_of"]),
                note=r["note"],
            )
            for r in csv.DictReader(fh)
        }


@cache
def _sections() -> dict[str, tuple[list[int], list[str]]]:
    """Each document's headings as (first lines, names), in line order."""
    path = _fixtures() / "source_sections.csv"
    out: dict[str, tuple[list[int], list[str]]] = {}
    if not path.exists():
        return out
    with open(path, newline="", encoding="utf-8") as fh:
        rows = sorted((r["document"], int(r["line"]), r["section"]) for r in csv.DictReader(fh))
    for document, line, section in rows:
        lines, names = out.setdefault(document, ([], []))
        lines.append(line)
        names.append(section)
    return out


def document_title(document: str) -> str:
    """The document's title as a reader would cite it; an uploaded file keeps the name it was given."""
    known = documents().get(document)
    if known:
        return known.title
    return document or UPLOADED


def section_at(document: str, line: int) -> str:
    """The heading of the part of `document` that holds `line`; "" when none is known."""
    lines, names = _sections().get(document, ([], []))
    i = bisect_right(lines, line)
    return names[i - 1] if i else ""


def source_citation(document: str, section: str | int | None = None) -> str:
    """'Norfolk Sufficiency Strategy 2020–23, Local Context': the document's title and the section
    (given as text, or as a line number of the seed text, looked up in its headings)."""
    if not document:
        return ""
    title = document_title(document)
    if isinstance(section, int) or (isinstance(section, str) and section.strip().isdigit()):
        section = section_at(document, int(section))
    section = (section or "").strip()
    return f"{title}, {section}" if section else title


# "001_4ca911de8b64b3ba.txt line 154", "… lines 679-681", "…txt, Local Context, line 229", or a bare file name.
_FILE = r"\d{3}_[0-9a-f]{16}\.txt"
_CITED = re.compile(
    rf"(?P<file>{_FILE})(?:,?\s*(?P<section>[^,\n]*?),)?(?:,?\s*lines?\s+(?P<line>\d+)(?:\s*[-–]\s*\d+)?)?",
    re.IGNORECASE,
)
_SEED = re.compile(
    r"\b(?:the\s+)?seed(?:\s+document)?s?\s+(?P<n>\d{3})\b(?:,?\s+lines?\s+(?P<line>\d+)(?:\s*[-–]\s*\d+)?)?",
    re.IGNORECASE,
)


def _seed_file(number: str) -> str:
    return next((f for f in documents() if f.startswith(f"{number}_")), "")


def cite(text: str) -> str:
    """A stored source reference ("001_….txt line 154", "000_….txt, The Strategy, line 95") as a
    reader's citation; any other text is returned with its file names and seed numbers replaced."""
    text = (text or "").strip()
    if not text:
        return ""
    m = _CITED.fullmatch(text)
    if m:
        section = (m["section"] or "").strip() or (int(m["line"]) if m["line"] else None)
        return source_citation(m["file"], section)
    return reader_text(text)


def reader_text(text: str) -> str:
    """Free text (a note, a caveat) with file names and 'seed 003' replaced by the documents' names."""
    if not text:
        return text or ""

    def file_ref(m: re.Match) -> str:
        section = (m["section"] or "").strip() or (int(m["line"]) if m["line"] else None)
        return source_citation(m["file"], section)

    def seed_ref(m: re.Match) -> str:
        file = _seed_file(m["n"])
        known = documents().get(file)
        if not known:
            return m.group(0)
        section = section_at(file, int(m["line"])) if m["line"] else ""
        return f"the {known.short_title}" + (f" ({section})" if section else "")

    text = _CITED.sub(file_ref, text)
    text = _SEED.sub(seed_ref, text)
    # What is left of the transcribers' word for a source document ("seed says", "the seed's table").
    text = re.sub(r"\bseed documents\b", "source documents", text, flags=re.IGNORECASE)
    text = re.sub(
        r"\b(?:(the|The) )?(seed|Seed)\b",
        lambda m: f"{m[1]} document" if m[1] else ("The document" if m[2] == "Seed" else "the document"),
        text,
    )
    # A sentence that now starts "the Sufficiency Strategy…" reads better capitalised.
    return re.sub(r"(^|[.]\s+)the ", lambda m: f"{m[1]}The ", text)


_BOLD = re.compile(r"\*\*(.+?)\*\*|__(.+?)__", re.DOTALL)


def emphasis(text: str) -> SafeString:
    """`text` escaped for HTML, with markdown bold (`**20.1%**`) as <strong>; stray asterisks dropped."""
    escaped = escape(text or "")
    html = _BOLD.sub(lambda m: f"<strong>{m[1] or m[2]}</strong>", escaped)
    return mark_safe(html.replace("**", ""))  # noqa: S308 - built from escaped text only


def plain(text: str) -> str:
    """`text` without markdown bold, for CSV, spreadsheets and chart labels."""
    return _BOLD.sub(lambda m: m[1] or m[2], text or "").replace("**", "")

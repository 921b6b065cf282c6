"""sufficiency.pdf: every report PDF is tagged (PDF/UA-1) with a title and language, and no heading or
table header is left alone at the foot of a page."""

import re
import zlib
from html import escape

import pytest

from sufficiency.pdf import render_document, render_pdf


def pdf_text(pdf: bytes) -> bytes:
    """The PDF's bytes with every Flate stream decompressed (WeasyPrint packs the catalog in an object
    stream), enough to find catalog entries and structure element types without a PDF library."""
    parts = [pdf]
    for match in re.finditer(rb"stream\r?\n", pdf):
        try:
            parts.append(zlib.decompressobj().decompress(pdf[match.end() :]))
        except zlib.error:
            continue
    return b"\n".join(parts)


def assert_tagged(pdf: bytes, *, title: str) -> bytes:
    """A tagged PDF/UA-1 file titled `title` in en-GB with a heading structure; returns pdf_text."""
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    # Catalog entries (each appears nowhere else in a PDF).
    assert b"/Type /Catalog" in text and b"/StructTreeRoot" in text
    assert b"/MarkInfo <</Marked true" in text
    assert b"/Lang (en-GB)" in text
    assert b"/DisplayDocTitle true" in text
    assert b"pdfuaid:part" in text
    # The title in the XMP metadata (PDF/UA's dc:title), XML-escaped.
    xmp_title = f'<rdf:li xml:lang="x-default">{escape(title, quote=False)}</rdf:li>'
    assert xmp_title.encode() in text, f"title {title!r} not found"
    assert b"/S /H1" in text
    return text


def lone_headings(document) -> list[str]:
    """Headings (h1-h4) that end a page: no paragraph, list item or table body cell follows them on it
    (a table's header row alone does not count)."""
    lone = []
    for page in document.pages:
        boxes = [
            box
            for box in page._page_box.descendants()
            if getattr(box, "element_tag", None) in {"h1", "h2", "h3", "h4", "p", "li", "td"}
        ]
        for i, box in enumerate(boxes):
            if box.element_tag.startswith("h") and not any(
                b.element_tag in {"p", "li", "td"} for b in boxes[i:]
            ):
                text = "".join(box.element.itertext()).strip()
                if text not in lone:
                    lone.append(text)
    return lone


HTML = """<!DOCTYPE html><html lang="en-GB"><head><title>{title}</title></head><body>
<h1>Report</h1>{filler}<h2>Late section</h2>
<table><thead><tr><th>Name</th><th>Status</th></tr></thead>
<tbody><tr><td>First</td><td>Open</td></tr><tr><td>Second</td><td>Closed</td></tr></tbody></table>
</body></html>"""


def test_render_pdf_is_tagged_with_title_and_language():
    pdf = render_pdf(HTML.format(title="Page title", filler="<p>Text</p>"), title="Board pack, 1 May 2025")
    text = assert_tagged(pdf, title="Board pack, 1 May 2025")
    assert b"/S /H2" in text and b"/S /Table" in text


def test_render_pdf_takes_the_title_from_the_html_or_refuses():
    assert_tagged(render_pdf(HTML.format(title="From the page", filler="")), title="From the page")
    assert render_pdf(HTML.format(title="", filler="")) is None
    with pytest.raises(ValueError, match="needs a title"):
        render_document(HTML.format(title="", filler=""))


@pytest.mark.parametrize("lines", range(46, 60))
def test_a_heading_goes_over_with_its_table(lines):
    # Filler of various heights puts the heading, or it and its table header, at the foot of page one.
    filler = "".join(f"<p>Line {n}</p>" for n in range(lines))
    document = render_document(HTML.format(title="T", filler=filler))
    assert lone_headings(document) == []

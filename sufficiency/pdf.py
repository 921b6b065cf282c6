"""PDF rendering for the portal's reports (the FLOURISH annual report, the priorities board pack).

One function so every PDF is made the same way: WeasyPrint's PDF/UA-1 variant, which tags the document
(headings, paragraphs, tables and lists in a structure tree a screen reader can follow), records the
title and language in the catalog and asks viewers to show the title instead of the file name. A shared
print stylesheet (templates/includes/_pdf.css) goes first, then the report's own rules; it keeps each
heading and table header with what follows, so none sits alone at the foot of a page.
"""

from __future__ import annotations

import logging

from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

PDF_VARIANT = "pdf/ua-1"
LANGUAGE = "en-GB"
SHARED_CSS_TEMPLATE = "includes/_pdf.css"


def render_document(html: str, *, title: str | None = None, css: str = "", base_url: str = "about:blank"):
    """Lay out report HTML with the shared print stylesheet; returns WeasyPrint's Document.

    The title is `title`, else the HTML's <title> (ValueError when neither is given); the language is en-GB.
    `css` adds to the shared stylesheet. `base_url` resolves relative links; the reports link to nothing
    outside themselves (charts are inline SVG), so WeasyPrint fetches nothing.
    """
    from weasyprint import CSS, HTML

    stylesheets = [CSS(string=render_to_string(SHARED_CSS_TEMPLATE))]
    if css:
        stylesheets.append(CSS(string=css))
    document = HTML(string=html, base_url=base_url).render(
        stylesheets=stylesheets, pdf_variant=PDF_VARIANT, pdf_tags=True
    )
    if title:
        document.metadata.title = title
    if not document.metadata.title:
        raise ValueError("A PDF needs a title: give the HTML a <title> or pass title=")
    document.metadata.lang = LANGUAGE
    return document


def render_pdf(
    html: str, *, title: str | None = None, css: str = "", base_url: str = "about:blank"
) -> bytes | None:
    """Report HTML as a tagged PDF/UA-1 file (see render_document).

    Returns None when WeasyPrint cannot run here (it needs pango); the caller then offers its printable
    page instead.
    """
    try:
        document = render_document(html, title=title, css=css, base_url=base_url)
        return document.write_pdf(pdf_variant=PDF_VARIANT, pdf_tags=True)
    except Exception:  # WeasyPrint needs system libraries (pango); the printable page still works
        logger.exception("PDF %r could not be made", title)
        return None

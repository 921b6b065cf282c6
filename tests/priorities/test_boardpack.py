"""The board pack PDF: tagged (PDF/UA-1), titled, in en-GB, with headings; each portfolio's heading goes
over with its actions rather than sitting alone at the foot of a page."""

import datetime

from django.template.loader import render_to_string
from django.urls import reverse

from priorities import selectors
from sufficiency.pdf import render_document
from tests.sufficiency.test_pdf import assert_tagged, lone_headings


def test_board_pack_pdf_is_tagged_with_title_language_and_headings(seeded, manager_client):
    response = manager_client.get(reverse("priorities:board_pack_pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = assert_tagged(response.content, title="Board pack: Commissioning & Resourcing Priorities")
    assert b"/S /H2" in text and b"/S /Table" in text


def test_board_pack_keeps_portfolio_headings_with_their_actions(seeded):
    pack = selectors.board_pack(since=datetime.date(2025, 1, 1))
    html = render_to_string("priorities/board_pack_pdf.html", {**pack, "request": None})
    document = render_document(html, css=render_to_string("priorities/board_pack_pdf.css"))
    headings = [s.portfolio.name for s in pack["sections"]]
    assert "Mental Health" in headings and len(document.pages) > 1
    assert lone_headings(document) == []


def test_board_pack_is_landscape_with_the_shared_print_rules(seeded):
    """Its own stylesheet only turns the page; the rest comes from the shared includes/_pdf.css."""
    pack = selectors.board_pack(since=datetime.date(2025, 1, 1))
    html = render_to_string("priorities/board_pack_pdf.html", {**pack, "request": None})
    document = render_document(html, css=render_to_string("priorities/board_pack_pdf.css"))
    page = document.pages[0]
    assert page.width > page.height  # A4 landscape: 297 x 210 mm
    assert round(page.width * 25.4 / 96) == 297
    portrait = render_document(html)
    assert portrait.pages[0].width < portrait.pages[0].height  # the shared sheet alone is portrait

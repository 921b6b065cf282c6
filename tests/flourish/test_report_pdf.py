"""The annual report PDF: tagged (PDF/UA-1), titled with its year, in en-GB, with headings; no heading
left alone at the foot of a page."""

from django.template.loader import render_to_string
from django.urls import reverse

from flourish import report, selectors
from sufficiency.pdf import render_document
from tests.sufficiency.test_pdf import assert_tagged, lone_headings


def test_report_pdf_is_tagged_with_title_language_and_headings(manager_client, ks2):
    response = manager_client.get(reverse("flourish:report_pdf") + "?year=2023")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = assert_tagged(response.content, title="FLOURISH annual progress report 2023")
    assert b"/S /H2" in text and b"/S /H3" in text and b"/S /Table" in text


def test_report_keeps_headings_with_what_follows(ks2):
    data = selectors.annual_report(year=2023)
    report.attach_svgs(data)
    html = render_to_string("flourish/report_pdf.html", {**data, "request": None})
    document = render_document(html, css=render_to_string("flourish/report_pdf.css"))
    assert document.metadata.title == "FLOURISH annual progress report 2023"
    assert lone_headings(document) == []

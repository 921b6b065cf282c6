"""The annual report's XLSX and chart markup (flourish/report.py); the PDF is in test_report_pdf.py."""

import io
from datetime import date

from openpyxl import load_workbook

from flourish import report, selectors
from flourish.models import Commentary
from tests.factories import FlourishValueFactory, ImpactAreaFactory, MeasureFactory, UserFactory


def _report(year=2022):
    return selectors.annual_report(year=year)


def test_summary_sheet_has_each_measure_as_at_the_years_end(db):
    area = ImpactAreaFactory(name="Learning")
    measure = MeasureFactory(area=area, title="Reading at 11 (%)", unit="%")
    FlourishValueFactory(measure=measure, period="2021", period_end=date(2021, 12, 31), value=60.0)
    FlourishValueFactory(measure=measure, period="2022", period_end=date(2022, 12, 31), value=62.5)
    FlourishValueFactory(measure=measure, period="2023", period_end=date(2023, 12, 31), value=99.0)
    Commentary.objects.create(measure=measure, period="2022", text="Rising slowly")
    MeasureFactory(area=None, title="Not placed yet")
    book = load_workbook(io.BytesIO(report.report_xlsx(_report(), selectors.all_values())))
    assert book.sheetnames == ["Summary", "All values"]
    summary = book["Summary"]
    assert summary["A1"].value == "FLOURISH annual progress report 2022"
    assert summary["A2"].value == "Status as at 31 December 2022, judged on the values up to then."
    rows = {r[1]: r for r in summary.iter_rows(min_row=5, values_only=True)}
    reading = rows["Reading at 11 (%)"]
    assert reading[0] == "Learning" and reading[2] == "2022" and reading[3] == 62.5 and reading[4] == "%"
    assert reading[7] == "No" and reading[9] == "Rising slowly"
    assert rows["Not placed yet"][0] == "Not yet placed in an area" and rows["Not placed yet"][3] is None


def test_all_values_sheet_lists_every_value_with_who_entered_it(db):
    measure = MeasureFactory(code="ks2_reading", area=ImpactAreaFactory(code="L1"))
    author = UserFactory(first_name="Sam", last_name="Example")
    FlourishValueFactory(
        measure=measure, period="2022", period_end=date(2022, 12, 31), value=62.5, england=65.0,
        provisional=True, note="=HYPERLINK(\"x\")", entered_by=author,
    )
    FlourishValueFactory(measure=measure, period="latest", period_end=None, value=1.0, area="England")
    sheet = load_workbook(io.BytesIO(report.report_xlsx(_report(), selectors.all_values())))["All values"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 2
    [norfolk] = [r for r in rows if r[5] == "Norfolk"]
    assert norfolk[:4] == ("ks2_reading", measure.title, "L1", "2022")
    assert norfolk[4].date() == date(2022, 12, 31)
    assert (norfolk[6], norfolk[7], norfolk[9], norfolk[10]) == (62.5, "yes", 65.0, None)
    assert norfolk[12] == "Sam Example"
    [england] = [r for r in rows if r[5] == "England"]
    assert england[4] is None and england[12] == "seed or upload"


def test_attach_svgs_draws_each_measure_with_two_periods_or_more(db):
    area = ImpactAreaFactory()
    measure = MeasureFactory(area=area, title="Attendance <primary>", target=95.0)
    FlourishValueFactory(measure=measure, period="2021", period_end=date(2021, 12, 31), value=92.0)
    FlourishValueFactory(measure=measure, period="2022", period_end=date(2022, 12, 31), value=93.0)
    single = MeasureFactory(area=area)
    FlourishValueFactory(measure=single, period="2022", period_end=date(2022, 12, 31), value=1.0)
    data = _report()
    report.attach_svgs(data)
    shown = {m.pk: m for a in data["areas"] for m in a.measures}
    svg = shown[measure.pk].svg
    assert svg.startswith("<svg") and "Attendance &lt;primary&gt;" in svg and "<primary>" not in svg
    assert shown[single.pk].svg == ""  # one value is clearer in the table than as a dot

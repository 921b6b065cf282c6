import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from flourish.models import MeasureValue
from flourish.upload import check_rows, read_table

MEASURES = {"ks2_rwm_pct": True, "cla_rate": False}
HEADER = "measure_code,period,area,value,provisional,note\n"


def _check(text):
    header, rows = read_table(text.encode(), "values.csv")
    return check_rows(header, rows, measures=MEASURES)


def test_good_rows():
    good, problems = _check(HEADER + "ks2_rwm_pct,2024,,66,yes,first\nks2_rwm_pct,2023-24,Suffolk,1.5,,\n")
    assert problems == []
    assert [(r.row, r.area, r.value, r.provisional) for r in good] == [
        (2, "Norfolk", 66.0, True),
        (3, "Suffolk", 1.5, False),
    ]


def test_every_problem_with_row_column_value():
    text = HEADER + (
        "nope,2024,,1,,\n"
        "cla_rate,2024,,1,,\n"
        "ks2_rwm_pct,sometime,,x,maybe,\n"
        "ks2_rwm_pct,2024,,1,,\n"
        "ks2_rwm_pct,2024,,2,,\n"
    )
    good, problems = _check(text)
    found = [(p.row, p.column, p.value) for p in problems]
    assert found == [
        (2, "measure_code", "nope"),
        (3, "measure_code", "cla_rate"),
        (4, "period", "sometime"),
        (4, "value", "x"),
        (4, "provisional", "maybe"),
        (6, "period", "2024"),
    ]
    assert "already in row 5" in problems[-1].message


def test_missing_and_unknown_columns():
    _, problems = _check("measure_code,value,colour\nks2_rwm_pct,1,red\n")
    assert [(p.row, p.column) for p in problems] == [(1, "period"), (1, "colour")]


def test_xlsx_is_read():
    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet()
    for c, h in enumerate(["measure_code", "period", "value"]):
        sheet.write(0, c, h)
    sheet.write(1, 0, "ks2_rwm_pct")
    sheet.write(1, 1, "2024")
    sheet.write_number(1, 2, 61.5)
    book.close()
    header, rows = read_table(out.getvalue(), "v.xlsx")
    good, problems = check_rows(header, rows, measures=MEASURES)
    assert problems == [] and good[0].value == 61.5


def _upload(client, text, name="values.csv"):
    return client.post(
        reverse("flourish:values_upload"), {"file": SimpleUploadedFile(name, text.encode(), "text/csv")}
    )


def test_upload_is_atomic(data_admin_client, ks2):
    response = _upload(data_admin_client, HEADER + "ks2_rwm_pct,2024,,66,,\nks2_rwm_pct,2025,,oops,,\n")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nothing was saved" in html and "oops" in html and "There is a problem" in html
    assert not MeasureValue.objects.filter(period__in=["2024", "2025"]).exists()


def test_upload_writes_and_corrects(data_admin_client, data_admin, ks2):
    response = _upload(data_admin_client, HEADER + "ks2_rwm_pct,2024,,66,,\nks2_rwm_pct,2023,,57,,revised\n")
    assert response.status_code == 302
    assert MeasureValue.objects.get(measure=ks2, period="2024").entered_by == data_admin
    corrected = MeasureValue.objects.get(measure=ks2, period="2023")
    assert corrected.value == 57 and corrected.note == "revised"
    assert corrected.history.first().history_change_reason == "Bulk upload"
    ks2.refresh_from_db()
    assert ks2.version == 2


def test_only_data_admins_upload(manager_client, commissioner_client, ks2):
    for client in (manager_client, commissioner_client):
        assert client.get(reverse("flourish:values_upload")).status_code == 403
        assert _upload(client, HEADER + "ks2_rwm_pct,2024,,66,,\n").status_code == 403


def test_unreadable_file(data_admin_client, ks2):
    response = data_admin_client.post(
        reverse("flourish:values_upload"), {"file": SimpleUploadedFile("v.xlsx", b"not a workbook")}
    )
    assert "could not be read" in response.content.decode()
    response = data_admin_client.post(
        reverse("flourish:values_upload"), {"file": SimpleUploadedFile("v.txt", b"x")}
    )
    assert "must be a CSV or an XLSX" in response.content.decode()

import io

import pytest
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


# ---- absurd shapes -------------------------------------------------------------------------------------


def test_a_file_with_thousands_of_columns_is_one_problem_and_its_rows_are_not_read():
    from flourish.upload import MAX_COLUMNS

    wide = ",".join(f"c{i}" for i in range(100_000))
    header, rows = read_table((wide + "\n" + "1," * 99_999 + "1\n").encode(), "values.csv")
    assert len(header) == 100_000 and rows == []
    good, problems = check_rows(header, rows, measures=MEASURES)
    assert good == [] and len(problems) == 1
    assert problems[0].message.startswith("The file has 100,000 columns; a values file has at most 6")
    assert MAX_COLUMNS < 100_000


def test_rows_past_the_limit_are_not_read(monkeypatch):
    from flourish import upload

    monkeypatch.setattr(upload, "MAX_ROWS", 3)
    header, rows = read_table((HEADER + "ks2_rwm_pct,2024,,1,,\n" * 10).encode(), "values.csv")
    assert len(rows) == 4  # one past the limit, so the check can say there are too many
    _, problems = check_rows(header, rows, measures=MEASURES)
    assert [p.message for p in problems] == ["The file has more than 3 rows."]


def _workbook(width: int, rows: int = 2, far_corner: bool = False) -> bytes:
    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet()
    for r in range(rows):
        sheet.write_row(r, 0, [f"c{c}" if r == 0 else "1" for c in range(width)])
    if far_corner:
        sheet.write(1_048_575, 16_383, "x")
    book.close()
    return out.getvalue()


def test_a_wide_workbook_is_one_problem():
    header, rows = read_table(_workbook(16_384), "v.xlsx")
    assert len(header) == 16_384 and rows == []
    _, problems = check_rows(header, rows, measures=MEASURES)
    assert len(problems) == 1 and "16,384 columns" in problems[0].message


def test_a_workbook_declaring_an_absurd_size_is_not_read():

    with pytest.raises(ValueError, match="far larger"):
        read_table(_workbook(3, far_corner=True), "v.xlsx")


def test_a_wide_file_uploaded_saves_nothing_and_lists_one_problem(data_admin_client, ks2):
    wide = ",".join(["measure_code", "period", "value"] + [f"c{i}" for i in range(50_000)])
    response = _upload(data_admin_client, wide + "\nks2_rwm_pct,2024,66\n")
    html = response.content.decode()
    assert response.status_code == 200
    assert "The file has 1 problem. Nothing was saved." in html and "50,003 columns" in html
    assert not MeasureValue.objects.filter(period="2024").exists()


# ---- all or nothing, with history ----------------------------------------------------------------------


def _rows(text):
    header, rows = read_table(text.encode(), "values.csv")
    good, problems = check_rows(header, rows, measures=MEASURES)
    assert problems == []
    return good


def _state(ks2):
    from flourish.models import Measure

    ks2.refresh_from_db()
    return (
        sorted(MeasureValue.objects.values_list("measure_id", "period", "area", "value")),
        MeasureValue.history.count(),
        Measure.history.count(),
        ks2.version,
    )


def test_an_exception_half_way_leaves_nothing_written(monkeypatch, data_admin, ks2):
    from flourish import services
    from flourish.services import values_import

    before = _state(ks2)
    rows = _rows(HEADER + "ks2_rwm_pct,2024,,66,,\nks2_rwm_pct,2023,,57,,revised\n")

    def fail(*args, **kwargs):  # the new value is written by now; the correction fails
        assert MeasureValue.objects.filter(measure=ks2, period="2024").exists()
        raise RuntimeError("the process was stopped")

    monkeypatch.setattr(services, "_values_update", fail)
    with pytest.raises(RuntimeError):
        values_import(user=data_admin, rows=rows)
    assert _state(ks2) == before


def test_a_measure_changed_since_the_check_refuses_the_whole_upload(data_admin, ks2):
    from django.core.exceptions import ValidationError

    from flourish.services import values_import

    rows = _rows(HEADER + "ks2_rwm_pct,2024,,66,,\nks2_rwm_pct,2025,,67,,\n")
    ks2.__class__.objects.filter(pk=ks2.pk).update(placements_measure=True)
    before = _state(ks2)
    with pytest.raises(ValidationError) as caught:
        values_import(user=data_admin, rows=rows)
    assert caught.value.messages[0] == "Row 2: the values of ks2_rwm_pct now come from the placements app."
    assert len(caught.value.messages) == 2
    assert _state(ks2) == before


def test_the_upload_is_recorded_in_the_values_and_the_measures_history(data_admin, ks2):
    from flourish.services import values_import

    version = _state(ks2)[3]
    counts = values_import(
        user=data_admin, rows=_rows(HEADER + "ks2_rwm_pct,2024,,66,,\nks2_rwm_pct,2023,,57,,revised\n")
    )
    assert counts == {"added": 1, "changed": 1, "unchanged": 0}
    for period in ("2024", "2023"):
        record = MeasureValue.objects.get(measure=ks2, period=period).history.first()
        assert (record.history_user, record.history_change_reason) == (data_admin, "Bulk upload")
    ks2.refresh_from_db()
    assert ks2.version == version + 1
    latest = ks2.history.first()
    assert latest.history_user == data_admin and latest.version == version + 1
    assert latest.history_change_reason == "Bulk upload: 1 value(s) added, 1 changed"
    # The same file again changes nothing and records nothing.
    again = values_import(
        user=data_admin, rows=_rows(HEADER + "ks2_rwm_pct,2024,,66,,\nks2_rwm_pct,2023,,57,,revised\n")
    )
    assert again == {"added": 0, "changed": 0, "unchanged": 2}
    ks2.refresh_from_db()
    assert ks2.version == version + 1

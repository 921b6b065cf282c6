"""read_return refuses absurd shapes before parsing them, each with one error naming the file."""

import io
import time
import zipfile

import pytest
import xlsxwriter

from placements.ssda903 import read, tables
from placements.ssda903.read import WIDEST_TABLE, read_return

from .util import EPISODES, HEADER, sample_files


def errors(raw):
    return [p for p in raw.problems if p.severity == "error"]


def wide_csv(columns: int, rows: int = 2) -> bytes:
    """About 0.9 MB at 100,000 columns, like the file that once held the import worker for 17 minutes."""
    line = ",".join("1" for _ in range(columns))
    return (",".join(f"C{i}" for i in range(columns)) + "\n" + (line + "\n") * rows).encode()


def test_a_100000_column_csv_is_refused_at_once():
    data = wide_csv(100_000)
    started = time.perf_counter()
    raw = read_return([("episodes.csv", data)])
    print(f"{len(data) / 1e6:.1f} MB refused in {time.perf_counter() - started:.3f} s")
    [p] = errors(raw)
    assert p.message == (
        f"episodes.csv has 100,000 columns; a 903 table has at most {WIDEST_TABLE}. Is this the right file?"
    )
    assert raw.tables == {}


def test_the_widest_table_is_episodes_with_its_optional_columns():
    assert WIDEST_TABLE == 16


def test_a_line_too_long_is_refused_with_its_line_number():
    data = (EPISODES + "\n" + "1001," + "x" * (read.MAX_LINE_BYTES + 10) + "\n").encode()
    [p] = errors(read_return([("episodes.csv", data)]))
    assert p.message.startswith("episodes.csv: line 2 is 100,015 characters long")


def test_rows_per_table_are_capped_and_the_cap_is_a_setting(settings):
    settings.SSDA903_MAX_ROWS = 2
    ok = (HEADER + "\n" + "1,1,01/01/2010,WBRI,,,\n2,1,01/01/2010,WBRI,,,\n").encode()
    assert errors(read_return([("header.csv", ok)])) == []
    too_many = ok + b"3,1,01/01/2010,WBRI,,,\n"
    [p] = errors(read_return([("header.csv", too_many)]))
    assert p.message == "header.csv has 3 rows; at most 2 are accepted in one table. Is this the right file?"


def test_too_many_files_are_refused_unread():
    raw = read_return([(f"f{i}.csv", b"A,B\n1,2\n") for i in range(read.MAX_FILES + 1)])
    [p] = errors(raw)
    assert "31 files were uploaded; at most 30" in p.message
    assert raw.tables == {} and len(raw.problems) == 1


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in members.items():
            zf.writestr(name, content)
    return out.getvalue()


def test_a_zip_member_expanding_too_much_is_refused_before_unpacking():
    bomb = _zip({"episodes.csv": EPISODES.encode() + b"\n" + b"0" * (20 * 1024 * 1024)})
    [p] = errors(read_return([("return.zip", bomb)]))
    assert "episodes.csv unpacks to more than 100 times its packed size" in p.message


def test_a_zip_of_real_files_passes_the_ratio_check():
    raw = read_return([("return.zip", _zip(dict(sample_files())))])
    assert errors(raw) == [] and {"Header", "Episodes"} <= set(raw.tables)


def _workbook(sheets: dict[str, list[list[str]]], blank_at: tuple[int, int] | None = None) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            sheet.write_row(r, 0, row)
        if blank_at:  # a formatted empty cell: counted in the sheet's declared size, not a value
            sheet.write_blank(*blank_at, None, book.add_format({"bold": True}))
    book.close()
    return out.getvalue()


def test_a_sheet_too_wide_is_refused_by_name():
    data = _workbook({"Episodes": [[f"C{i}" for i in range(16_384)], ["1"] * 16_384]})
    [p] = errors(read_return([("return.xlsx", data)]))
    assert p.message.startswith("return.xlsx, sheet Episodes has 16,384 columns")


def test_a_sheet_with_a_cell_at_the_far_corner_is_refused_before_its_cells_are_loaded():
    data = _workbook({"Episodes": [["CHILD"]]}, blank_at=(1_048_575, 16_383))
    [p] = errors(read_return([("return.xlsx", data)]))
    assert "sheet Episodes has 16,384 columns" in p.message


def test_a_formatted_empty_cell_far_right_does_not_refuse_a_good_sheet():
    header = HEADER.split(",")
    data = _workbook({"Header": [header, ["1001", "1", "14/03/2012", "WBRI", "", "", ""]]}, blank_at=(1, 300))
    raw = read_return([("return.xlsx", data)])
    assert errors(raw) == [] and list(raw.tables) == ["Header"]


def test_too_many_sheets_are_refused():
    data = _workbook({f"S{i}": [["A"], ["1"]] for i in range(read.MAX_SHEETS + 1)})
    [p] = errors(read_return([("return.xlsx", data)]))
    assert "the workbook has 51 sheets; at most 50" in p.message


def test_xml_nested_too_deep_is_refused():
    xml = b"<EXPSSDA903>" + b"<A>" * 100 + b"</A>" * 100 + b"</EXPSSDA903>"
    [p] = errors(read_return([("return.xml", xml)]))
    assert "nested more than 20 elements deep" in p.message


def test_xml_with_too_many_elements_is_refused(monkeypatch):
    monkeypatch.setattr(tables, "MAX_XML_ELEMENTS", 50)
    xml = b"<EXPSSDA903>" + b"<CHILD><CHILDID>1</CHILDID></CHILD>" * 30 + b"</EXPSSDA903>"
    [p] = errors(read_return([("return.xml", xml)]))
    assert "more than 50 elements" in p.message


def test_reading_stops_once_it_has_taken_too_long(monkeypatch):
    monkeypatch.setattr(tables, "MAX_READ_SECONDS", -1)  # already out of time
    raw = read_return(sample_files())
    [p] = errors(raw)
    assert "took longer than" in p.message and raw.tables == {}


@pytest.mark.django_db
def test_a_refused_file_writes_nothing(seeded_core, settings, tmp_path):
    from placements.models import Episode, ImportJob, ImportProblem, Return
    from placements.services import import_job_create, import_job_run
    from sufficiency.models import LocalAuthority

    settings.MEDIA_ROOT = tmp_path
    la = LocalAuthority.objects.get(code="E10000020")
    uploads = [("header.csv", dict(sample_files())["header.csv"]), ("episodes.csv", wide_csv(100_000))]
    job = import_job_run(import_job_create(la=la, collection_year=2024, uploads=uploads))
    assert job.status == ImportJob.Status.REJECTED
    assert [p.message for p in ImportProblem.objects.filter(job=job, severity="error")] == [
        f"episodes.csv has 100,000 columns; a 903 table has at most {WIDEST_TABLE}. Is this the right file?"
    ]
    assert not Return.objects.exists() and not Episode.objects.exists()

"""read_xlsx: a workbook of 903 sheets, refused by its declared size before its cells are loaded."""

import io

import pandas as pd
import xlsxwriter

from placements.ssda903.read import read_return
from placements.ssda903.read_xlsx import read_workbook
from placements.ssda903.tables import MAX_SHEETS

from .util import HEADER, errors, sample_files


def test_xlsx_workbook_sheets_recognised_by_columns(tmp_path):
    path = tmp_path / "return.xlsx"
    files = dict(sample_files())
    with pd.ExcelWriter(path, engine="xlsxwriter") as writer:
        for i, name in enumerate(["episodes.csv", "header.csv"]):
            df = pd.read_csv(io.BytesIO(files[name]), dtype=str)
            if name == "header.csv":
                df["CHILD"] = df["CHILD"].astype(int)  # numbers as numbers, as Excel users have them
            df.to_excel(writer, sheet_name=f"Sheet{i}", index=False)
        pd.DataFrame({"Notes": ["made by hand"]}).to_excel(writer, sheet_name="Notes", index=False)
    raw = read_return([("return.xlsx", path.read_bytes())])
    assert not errors(raw)
    assert set(raw.tables) == {"Header", "Episodes"}
    assert raw.tables["Header"]["CHILD"].tolist() == ["1001", "1002", "1003"]
    assert any("Notes" in p.message for p in raw.problems)  # the notes sheet is ignored with a warning


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
    data = _workbook({f"S{i}": [["A"], ["1"]] for i in range(MAX_SHEETS + 1)})
    [p] = errors(read_return([("return.xlsx", data)]))
    assert "the workbook has 51 sheets; at most 50" in p.message


def test_read_workbook_passes_over_blank_sheets():
    header = HEADER.split(",")
    data = _workbook({"Header": [header, ["1001", "1", "14/03/2012", "WBRI", "", "", ""]], "Blank": []})
    problems = []
    found = read_workbook("r.xlsx", data, None, problems, lambda: None)
    assert problems == [] and list(found) == ["r.xlsx, sheet Header"]

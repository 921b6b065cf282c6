"""Reading uploads: every bad input gives a clear Problem, never an exception."""

import io
import zipfile

import numpy as np
import pandas as pd
import pytest

from placements.ssda903.read import MAX_UPLOAD_BYTES, TABLE_COLUMNS, read_return

from .util import EPISODES, FAKE, HEADER, sample_files


def errors(raw):
    return [p for p in raw.problems if p.severity == "error"]


def test_sample_csvs_are_recognised_by_columns_not_names():
    files = [(f"file{i}.txt", content) for i, (_, content) in enumerate(sample_files())]
    raw = read_return(files)
    assert raw.problems == []
    assert set(raw.tables) == {"Header", "Episodes", "UASC"}
    ep = raw.tables["Episodes"]
    assert list(ep.columns) == [*TABLE_COLUMNS["Episodes"], "PL_DISTANCE"]
    assert len(ep) == 5
    assert ep.loc[2, "DEC"] != ep.loc[2, "DEC"]  # blank → missing (NaN)
    assert all(isinstance(v, str) for v in ep["CHILD"])
    assert raw.first_row["Episodes"] == 2


def test_columns_and_values_are_stripped_and_upper_cased():
    text = " child , Sex,DOB ,ETHNIC,UPN,MOTHER,MC_DOB\n 1001 , 1 ,01/01/2010,WBRI,,,\n,,,,,,\n"
    raw = read_return([("h.csv", text.encode())])
    df = raw.tables["Header"]
    assert list(df.columns) == list(TABLE_COLUMNS["Header"])
    assert df.loc[0, "CHILD"] == "1001" and df.loc[0, "SEX"] == "1"
    assert len(df) == 1  # the all-blank row is dropped


def test_wrong_columns_name_found_columns_and_nearest_table():
    text = "CHILD,DECOM,RNE,LS,PLACE,DEC,REC\n1,01/01/2020,S,C2,U1,,\n"
    raw = read_return([("episodes.csv", text.encode())])
    [problem] = raw.problems
    assert problem.severity == "error"
    assert "CHILD, DECOM, RNE, LS, PLACE, DEC, REC" in problem.message
    assert "nearest table is Episodes" in problem.message
    assert "CIN" in problem.message and "PLACE_PROVIDER" in problem.message
    assert raw.tables == {}


def test_extra_columns_are_ignored_with_a_warning():
    text = HEADER + ",NOTES\n1001,1,01/01/2010,WBRI,,,,hello\n"
    raw = read_return([("h.csv", text.encode())])
    assert "NOTES" not in raw.tables["Header"].columns
    assert [p.severity for p in raw.problems] == ["warning"]


@pytest.mark.parametrize("content", [b"", b"   \r\n", b"\xef\xbb\xbf"])
def test_empty_file(content):
    raw = read_return([("episodes.csv", content)])
    assert [p.message for p in raw.problems] == ["episodes.csv: the file is empty"]


def test_no_files():
    assert errors(read_return([]))


def test_non_spreadsheet_renamed_xlsx():
    raw = read_return([("return.xlsx", b"CHILD,SEX\n1,2\n")])
    [problem] = raw.problems
    assert problem.severity == "error"
    assert "not an Excel workbook" in problem.message and "renamed" in problem.message


def test_zip_renamed_xlsx_and_damaged_zip():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("notes.txt", "hello")
    raw = read_return([("return.xlsx", buf.getvalue())])
    assert "without a workbook" in errors(raw)[0].message
    raw = read_return([("return.zip", b"PK\x03\x04garbage")])
    assert "damaged" in errors(raw)[0].message


def test_old_xls_and_binary_junk():
    assert (
        "old-style Excel"
        in errors(read_return([("a.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)]))[0].message
    )
    assert "binary data" in errors(read_return([("a.csv", b"\x00\x01\x02abc" * 10)]))[0].message


def test_malformed_csv_is_a_problem():
    raw = read_return([("a.csv", b'CHILD,SEX\n"1,2\n')])
    assert errors(raw)


def test_file_larger_than_limit():
    big = io.BytesIO(b"x" * (MAX_UPLOAD_BYTES + 1))
    raw = read_return([("huge.csv", big)])
    assert raw.problems[0].message == "huge.csv: file is larger than 60 MB and was not read"


def test_two_files_for_the_same_table():
    files = sample_files()
    header = next(c for n, c in files if n == "header.csv")
    raw = read_return([*files, ("copy.csv", header)])
    assert any("both look like the Header table" in p.message for p in errors(raw))


def test_cp1252_fallback():
    text = HEADER + "\n1001,1,01/01/2010,WBRI,,,\n"
    raw = read_return([("h.csv", (text.replace("WBRI", "WBRÉ")).encode("cp1252"))])
    assert raw.tables["Header"].loc[0, "ETHNIC"] == "WBRÉ"


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def test_zip_of_csvs_in_a_folder():
    members = {f"return/{name}": data for name, data in sample_files()}
    members["__MACOSX/._header.csv"] = b"junk"
    raw = read_return([("return.zip", _zip(members))])
    assert raw.problems == []
    assert set(raw.tables) == {"Header", "Episodes", "UASC"}


@pytest.mark.parametrize(
    "evil", ["../evil.csv", "/etc/evil.csv", "a/../../evil.csv", "C:/evil.csv", "..\\evil.csv"]
)
def test_zip_with_traversal_or_absolute_path_is_refused(evil):
    members = dict(sample_files())
    members[evil] = members.pop("header.csv")
    raw = read_return([("return.zip", _zip(members))])
    problems = errors(raw)
    assert len(problems) == 1
    assert evil in problems[0].message and "not accepted" in problems[0].message
    assert "Header" not in raw.tables  # the member was not read


def test_zip_bomb_is_refused_without_unpacking_it_all():
    bomb = _zip({"episodes.csv": EPISODES.encode() + b"\n" + b"1" * (250 * 1024 * 1024)})
    assert len(bomb) < 1024 * 1024
    raw = read_return([("bomb.zip", bomb)])
    assert any("larger than 60 MB" in p.message or "unpacks to more than" in p.message for p in errors(raw))


def test_zip_with_too_many_members():
    raw = read_return([("many.zip", _zip({f"f{i}.csv": b"a,b\n1,2\n" for i in range(150)}))])
    assert "at most 100" in errors(raw)[0].message


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


def test_xml_entities_are_refused():
    xml = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><EXPSSDA903>&a;</EXPSSDA903>'
    assert "entities" in errors(read_return([("r.xml", xml)]))[0].message


def test_xml_wrong_root_and_broken_xml():
    assert "root element" in errors(read_return([("r.xml", b"<OTHER/>")]))[0].message
    assert "not well-formed" in errors(read_return([("r.xml", b"<EXPSSDA903><CHILD>")]))[0].message


def test_fake_return_csv_and_xml_read_into_the_same_tables():
    csv = read_return([(p.name, p.read_bytes()) for p in sorted(FAKE.glob("*.csv"))])
    xml = read_return([("fake_903.xml", (FAKE / "fake_903.xml").read_bytes())])
    assert csv.problems == [] and xml.problems == []
    assert set(csv.tables) == set(TABLE_COLUMNS)  # all eleven tables, one per CSV
    assert set(xml.tables) <= set(csv.tables)
    for name, df in xml.tables.items():
        assert list(df.columns) == list(csv.tables[name].columns), name
    # Row counts: each CSV's data lines; each XML table's elements.
    for p in FAKE.glob("*.csv"):
        lines = [line for line in p.read_text(encoding="utf-8-sig").splitlines()[1:] if line.strip()]
        table = next(t for t, src in csv.sources.items() if src == p.name)
        assert len(csv.tables[table]) == len(lines), p.name
    raw_xml = (FAKE / "fake_903.xml").read_text()
    assert len(xml.tables["Header"]) == raw_xml.count("<CHILD>") == 253
    assert len(xml.tables["Episodes"]) == raw_xml.count("<EPISODE>") == 459
    assert len(xml.tables["Reviews"]) == raw_xml.count("<AREVIEW>")
    assert len(xml.tables["UASC"]) == 12
    assert xml.tables["Episodes"]["PLACE"].notna().all()  # PL → PLACE
    assert xml.first_row["Episodes"] == 1


def test_50mb_csv_reads(tmp_path):
    rng = np.random.default_rng(0)
    n = 640_000
    row = pd.DataFrame(
        {
            "CHILD": rng.integers(100000, 999999, n).astype(str),
            "DECOM": "01/05/2023",
            "RNE": "S",
            "LS": "C2",
            "CIN": "N1",
            "PLACE": "U4",
            "PLACE_PROVIDER": "PR1",
            "DEC": "",
            "REC": "",
            "REASON_PLACE_CHANGE": "",
            "HOME_POST": "NR14 7UG",
            "PL_POST": "NR2 1AA",
            "URN": "XXXXXXX",
            "PL_DISTANCE": rng.uniform(0, 100, n).round(4).astype(str),
            "PL_LA": "E10000020",
            "PL_LOCATION": "IN",
        }
    )
    path = tmp_path / "episodes.csv"
    row.to_csv(path, index=False)
    size = path.stat().st_size
    assert 45 * 1024 * 1024 < size < MAX_UPLOAD_BYTES, size
    with path.open("rb") as fh:
        raw = read_return([("episodes.csv", fh)])
    assert raw.problems == []
    assert len(raw.tables["Episodes"]) == n

"""read_csv: CSV files of a return, refused from their raw bytes when absurdly shaped, read in any of the
encodings authorities save them in."""

import time

import numpy as np
import pandas as pd

from placements.ssda903.read import MAX_UPLOAD_BYTES, read_return
from placements.ssda903.read_csv import csv_shape, read_csv
from placements.ssda903.tables import MAX_LINE_BYTES, WIDEST_TABLE

from .util import EPISODES, HEADER, errors, wide_csv


def test_malformed_csv_is_a_problem():
    raw = read_return([("a.csv", b'CHILD,SEX\n"1,2\n')])
    assert errors(raw)


def test_cp1252_fallback():
    text = HEADER + "\n1001,1,01/01/2010,WBRI,,,\n"
    raw = read_return([("h.csv", (text.replace("WBRI", "WBRÉ")).encode("cp1252"))])
    assert raw.tables["Header"].loc[0, "ETHNIC"] == "WBRÉ"


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


def test_a_line_too_long_is_refused_with_its_line_number():
    data = (EPISODES + "\n" + "1001," + "x" * (MAX_LINE_BYTES + 10) + "\n").encode()
    [p] = errors(read_return([("episodes.csv", data)]))
    assert p.message.startswith("episodes.csv: line 2 is 100,015 characters long")


def test_csv_shape_measures_the_raw_bytes():
    assert csv_shape("a.csv", (HEADER + "\n1,2\n").encode()) is None
    long = ("A\n" + "x" * (MAX_LINE_BYTES + 1) + "\n").encode()
    assert csv_shape("a.csv", long).message.startswith(f"a.csv: line 2 is {MAX_LINE_BYTES + 1:,} characters")
    assert f"at most {WIDEST_TABLE}" in csv_shape("a.csv", wide_csv(1_000, rows=1)).message


def test_read_csv_gives_strings_with_blanks_missing():
    problems = []
    df = read_csv("h.csv", (HEADER + "\n1001,1,01/01/2010,WBRI,,,\n").encode(), problems)
    assert problems == []
    assert df.loc[0, "CHILD"] == "1001" and df["UPN"].isna().all()


def test_text_in_no_known_encoding_is_read_with_a_warning():
    problems = []
    df = read_csv("a.csv", b"A,B\n\x81x,1\n", problems)  # 0x81 is neither UTF-8 nor Windows text
    assert [p.severity for p in problems] == ["warning"] and len(df) == 1

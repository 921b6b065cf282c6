"""read_zip: a zip of 903 files, each unsafe member refused on its own and a zip bomb before unpacking."""

import io
import zipfile

import pytest

from placements.ssda903.read import read_return
from placements.ssda903.read_zip import expands_too_much, zip_members

from .util import EPISODES, errors, sample_files, zip_bytes


def test_zip_of_csvs_in_a_folder():
    members = {f"return/{name}": data for name, data in sample_files()}
    members["__MACOSX/._header.csv"] = b"junk"
    raw = read_return([("return.zip", zip_bytes(members))])
    assert raw.problems == []
    assert set(raw.tables) == {"Header", "Episodes", "UASC"}


@pytest.mark.parametrize(
    "evil", ["../evil.csv", "/etc/evil.csv", "a/../../evil.csv", "C:/evil.csv", "..\\evil.csv"]
)
def test_zip_with_traversal_or_absolute_path_is_refused(evil):
    members = dict(sample_files())
    members[evil] = members.pop("header.csv")
    raw = read_return([("return.zip", zip_bytes(members))])
    problems = errors(raw)
    assert len(problems) == 1
    assert evil in problems[0].message and "not accepted" in problems[0].message
    assert "Header" not in raw.tables  # the member was not read


def test_zip_bomb_is_refused_without_unpacking_it_all():
    bomb = zip_bytes({"episodes.csv": EPISODES.encode() + b"\n" + b"1" * (250 * 1024 * 1024)})
    assert len(bomb) < 1024 * 1024
    raw = read_return([("bomb.zip", bomb)])
    assert any("larger than 60 MB" in p.message or "unpacks to more than" in p.message for p in errors(raw))


def test_zip_with_too_many_members():
    raw = read_return([("many.zip", zip_bytes({f"f{i}.csv": b"a,b\n1,2\n" for i in range(150)}))])
    assert "at most 100" in errors(raw)[0].message


def test_a_zip_member_expanding_too_much_is_refused_before_unpacking():
    bomb = zip_bytes({"episodes.csv": EPISODES.encode() + b"\n" + b"0" * (20 * 1024 * 1024)})
    [p] = errors(read_return([("return.zip", bomb)]))
    assert "episodes.csv unpacks to more than 100 times its packed size" in p.message


def test_a_zip_of_real_files_passes_the_ratio_check():
    raw = read_return([("return.zip", zip_bytes(dict(sample_files())))])
    assert errors(raw) == [] and {"Header", "Episodes"} <= set(raw.tables)


def _info(size: int, packed: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo("a.csv")
    info.file_size, info.compress_size = size, packed
    return info


def test_only_members_over_a_megabyte_are_judged_by_how_much_they_expand():
    assert not expands_too_much(_info(1024 * 1024, 1))
    assert expands_too_much(_info(2 * 1024 * 1024, 1_000))
    assert not expands_too_much(_info(2 * 1024 * 1024, 200_000))


def test_zip_members_gives_the_safe_members_and_reports_the_others():
    data = zip_bytes({"ok.csv": b"A\n1\n", "../evil.csv": b"A\n2\n", "__MACOSX/._ok.csv": b"x"})
    zf = zipfile.ZipFile(io.BytesIO(data))
    problems = []
    members = list(zip_members("r.zip", zf, zf.infolist(), problems, lambda: None))
    assert members == [("r.zip: ok.csv", b"A\n1\n")]
    assert [p.message for p in problems] == [
        "r.zip: ../evil.csv: a path with '..' or empty folder names is not accepted; it was not read"
    ]

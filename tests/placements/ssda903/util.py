"""Small builders shared by the 903 pipeline tests."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from placements.ssda903.read import TABLE_COLUMNS, RawReturn, read_return
from tests import shared

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "903"
FAKE = shared.DATA / "validator-fake-903"

HEADER = ",".join(TABLE_COLUMNS["Header"])
EPISODES = ",".join(TABLE_COLUMNS["Episodes"])


def sample_files() -> list[tuple[str, bytes]]:
    """The small valid 2023/24 return in fixtures/903."""
    return [(p.name, p.read_bytes()) for p in sorted(FIXTURES.glob("*.csv"))]


def episode(child="1001", decom="01/05/2023", rne="S", ls="C2", cin="N1", place="U4", provider="PR1",
            dec="", rec="", rpc="", home="NR1 1AA", pl="NR2 1AA", urn="XXXXXXX") -> str:  # fmt: skip
    return ",".join([child, decom, rne, ls, cin, place, provider, dec, rec, rpc, home, pl, urn])


def header(child="1001", sex="1", dob="14/03/2012") -> str:
    return ",".join([child, sex, dob, "WBRI", "", "", ""])


def make_return(episodes: list[str], headers: list[str] | None = None) -> RawReturn:
    """A return from Episodes rows (CSV text) and Header rows (default: one per child in the episodes)."""
    if headers is None:
        children = dict.fromkeys(e.split(",")[0] for e in episodes)
        headers = [header(c) for c in children]
    files = [
        ("header.csv", ("\n".join([HEADER, *headers]) + "\n").encode()),
        ("episodes.csv", ("\n".join([EPISODES, *episodes]) + "\n").encode()),
    ]
    raw = read_return(files)
    assert not [p for p in raw.problems if p.severity == "error"], raw.problems
    return raw


def errors(found) -> list:
    """The errors among a raw return's problems, or among a list of problems."""
    return [p for p in getattr(found, "problems", found) if p.severity == "error"]


def only_error(raw: RawReturn, year: int = 2024):
    """The one error validation finds in a return (fails when there are none or several)."""
    from placements.ssda903.validate import validate_return

    found = errors(validate_return(raw, year))
    assert len(found) == 1, found
    return found[0]


def zip_bytes(members: dict[str, bytes]) -> bytes:
    """A deflated zip of the members (name: content)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in members.items():
            zf.writestr(name, content)
    return out.getvalue()


def wide_csv(columns: int, rows: int = 2) -> bytes:
    """About 0.9 MB at 100,000 columns, like the file that once held the import worker for 17 minutes."""
    line = ",".join("1" for _ in range(columns))
    return (",".join(f"C{i}" for i in range(columns)) + "\n" + (line + "\n") * rows).encode()

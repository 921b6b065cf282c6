"""Small hand-made SSDA903 returns for the placements tests."""

HEADER_COLUMNS = ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"]
EPISODE_COLUMNS = [
    "CHILD",
    "DECOM",
    "RNE",
    "LS",
    "CIN",
    "PLACE",
    "PLACE_PROVIDER",
    "DEC",
    "REC",
    "REASON_PLACE_CHANGE",
    "HOME_POST",
    "PL_POST",
    "URN",
]


def csv_bytes(columns: list[str], rows: list[dict]) -> bytes:
    lines = [",".join(columns)]
    for row in rows:
        lines.append(",".join(str(row.get(c, "")) for c in columns))
    return ("\n".join(lines) + "\n").encode()


def child(child_id: str, sex: str = "1", dob: str = "01/06/2010") -> dict:
    return {"CHILD": child_id, "SEX": sex, "DOB": dob, "ETHNIC": "WBRI", "UPN": "A123456789012"}


def episode(
    child_id: str,
    decom: str,
    place: str = "U4",
    provider: str = "PR1",
    dec: str = "",
    rec: str = "",
    rne: str = "S",
    ls: str = "C2",
    cin: str = "N1",
    home: str = "NR1 1AA",
    pl: str = "NR2 2BB",
) -> dict:
    return {
        "CHILD": child_id,
        "DECOM": decom,
        "RNE": rne,
        "LS": ls,
        "CIN": cin,
        "PLACE": place,
        "PLACE_PROVIDER": provider,
        "DEC": dec,
        "REC": rec,
        "HOME_POST": home,
        "PL_POST": pl,
    }


def small_return() -> list[tuple[str, bytes]]:
    """Three children in 2019/20: one in foster care on 31 March, one who left, one who started."""
    header = csv_bytes(
        HEADER_COLUMNS, [child("C1"), child("C2", "2", "15/09/2005"), child("C3", "2", "01/01/2019")]
    )
    episodes = csv_bytes(
        EPISODE_COLUMNS,
        [
            episode("C1", "01/05/2018"),
            episode("C2", "01/04/2017", place="K2", provider="PR4", dec="10/10/2019", rec="E4A"),
            episode("C3", "01/02/2020", place="U1", provider="PR1", cin="N2"),
        ],
    )
    return [("header.csv", header), ("episodes.csv", episodes)]


def bad_return() -> list[tuple[str, bytes]]:
    """Wrong in two ways: an unknown PLACE code and a date that does not exist."""
    header = csv_bytes(HEADER_COLUMNS, [child("C1")])
    episodes = csv_bytes(EPISODE_COLUMNS, [episode("C1", "31/02/2019", place="ZZ9")])
    return [("header.csv", header), ("episodes.csv", episodes)]

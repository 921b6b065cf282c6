"""Read an uploaded 903 return in the DfE XML form (root EXPSSDA903, one CHILD element per child) into
tables of strings.

The XML is refused, with one error, when it uses entities or a DTD, has more than MAX_XML_ELEMENTS
elements or is nested deeper than MAX_XML_DEPTH (counted while it is parsed, so an absurd file is not
built in memory). Row numbers are a record's position among that table's records (the first EPISODE
element is row 1).
"""

from __future__ import annotations

import io
from collections.abc import Callable

import pandas as pd

from placements.ssda903.tables import OPTIONAL_COLUMNS, TABLE_COLUMNS, Problem, error, limit, number, warning


def read_xml(
    name: str, data: bytes, problems: list[Problem], check_time: Callable[[], None]
) -> dict[str, pd.DataFrame]:
    """The XML file's tables of strings ({} when it cannot be read, with the reason in `problems`)."""
    from defusedxml import DefusedXmlException
    from defusedxml import ElementTree as ET

    max_elements, max_depth = limit("MAX_XML_ELEMENTS"), limit("MAX_XML_DEPTH")
    # A cheap upper bound first: every element has a start tag.
    if data.count(b"<") - data.count(b"</") - data.count(b"<?") - data.count(b"<!") > 2 * max_elements:
        problems.append(
            error(f"{name}: the XML has more than {number(max_elements)} elements; no 903 return has so many")
        )
        return {}
    try:
        events = ET.iterparse(io.BytesIO(data), events=("start", "end"))
        depth = count = 0
        for event, _ in events:
            if event == "end":
                depth -= 1
                continue
            depth += 1
            count += 1
            if depth > max_depth:
                problems.append(
                    error(
                        f"{name}: the XML is nested more than {max_depth} elements deep; "
                        "a 903 return's is 5 deep. Is this the right file?"
                    )
                )
                return {}
            if count > max_elements:
                problems.append(
                    error(
                        f"{name}: the XML has more than {number(max_elements)} elements; "
                        "no 903 return has so many"
                    )
                )
                return {}
            if not count % 100_000:
                check_time()
        root = events.root
    except DefusedXmlException as exc:
        problems.append(error(f"{name}: the XML uses entities or a DTD, which are not accepted ({exc})"))
        return {}
    except ET.ParseError as exc:
        problems.append(error(f"{name}: the file is not well-formed XML ({exc})"))
        return {}
    if root.tag.upper() != "EXPSSDA903":
        problems.append(
            error(f"{name}: the XML's root element is <{root.tag}>; a 903 return's is <EXPSSDA903>")
        )
        return {}
    return _xml_tables(root, problems, name, check_time)


# ---- XML mapping ----------------------------------------------------------------------------------------

_XML_RENAME = {"CHILDID": "CHILD", "PL": "PLACE"}
_XML_GROUPS = {
    "EPISODE": "Episodes",
    "AREVIEW": "Reviews",
    "AMISSING": "Missing",
    "OC2": "OC2",
    "AD_PLACED": "PlacedAdoption",
    "PERMANENCE": "PrevPerm",
}
# Tables whose fields sit directly in HEADER (a row exists when any of them is given).
_XML_HEADER_TABLES = {
    "OC3": ("IN_TOUCH", "ACTIV", "ACCOM"),
    "AD1": ("DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"),
}
_TRUE = {"1", "Y", "YES", "TRUE", "T"}


def _text(el) -> str | None:
    if el is None or el.text is None:
        return None
    t = el.text.strip()
    return t or None


def _fields(el) -> dict[str, str | None]:
    """Leaf children of an element as {TAG: text} (tags upper-cased, XML names mapped to table names)."""
    out: dict[str, str | None] = {}
    for c in el:
        if len(c) == 0:
            tag = str(c.tag).upper()
            out[_XML_RENAME.get(tag, tag)] = _text(c)
    return out


def _xml_tables(root, problems: list[Problem], name: str, check_time=None) -> dict[str, pd.DataFrame]:
    rows: dict[str, list[dict]] = {t: [] for t in TABLE_COLUMNS}
    unknown: set[str] = set()
    for position, child in enumerate(root):
        if check_time is not None and not position % 1000:
            check_time()
        if str(child.tag).upper() != "CHILD":
            unknown.add(str(child.tag))
            continue
        header_el = next((e for e in child if str(e.tag).upper() == "HEADER"), None)
        head = _fields(header_el) if header_el is not None else {}
        head.update({k: v for k, v in _fields(child).items() if k not in head})
        ident = {"CHILD": head.get("CHILD"), "DOB": head.get("DOB")}
        rows["Header"].append({c: head.get(c) for c in TABLE_COLUMNS["Header"]})
        if (head.get("UASC") or "").upper() in _TRUE or head.get("DUC"):
            rows["UASC"].append({c: head.get(c) for c in TABLE_COLUMNS["UASC"]})
        for table, cols in _XML_HEADER_TABLES.items():
            if any(head.get(c) for c in cols):
                rows[table].append({**ident, **{c: head.get(c) for c in cols}})
        for el in child.iter():
            if el is child or el is header_el or len(el) == 0:
                continue
            tag = str(el.tag).upper()
            table = _XML_GROUPS.get(tag)
            values = _fields(el)
            if table is None:
                # e.g. social worker episodes: recognise the group by its fields
                keys = set(values) | {"CHILD", "DOB"}
                table = next(
                    (t for t, req in TABLE_COLUMNS.items() if set(req) <= keys and t != "Header"), None
                )
                if table is None:
                    unknown.add(tag)
                    continue
            rows[table].append({**ident, **values})
    if unknown:
        problems.append(
            warning(
                f"{name}: XML element(s) {', '.join(sorted(unknown))} are not understood and were ignored"
            )
        )
    out = {}
    for table, records in rows.items():
        if not records:
            continue
        columns = list(TABLE_COLUMNS[table]) + [
            c for c in OPTIONAL_COLUMNS.get(table, ()) if any(c in r for r in records)
        ]
        out[table] = pd.DataFrame.from_records(records, columns=columns)
    return out

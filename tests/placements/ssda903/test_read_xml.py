"""read_xml: a return in the DfE XML form, with entities, DTDs and absurd sizes refused."""

from placements.ssda903 import tables
from placements.ssda903.read import read_return
from placements.ssda903.read_xml import read_xml
from placements.ssda903.tables import TABLE_COLUMNS

from .util import FAKE, errors


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


def test_xml_nested_too_deep_is_refused():
    xml = b"<EXPSSDA903>" + b"<A>" * 100 + b"</A>" * 100 + b"</EXPSSDA903>"
    [p] = errors(read_return([("return.xml", xml)]))
    assert "nested more than 20 elements deep" in p.message


def test_xml_with_too_many_elements_is_refused(monkeypatch):
    monkeypatch.setattr(tables, "MAX_XML_ELEMENTS", 50)
    xml = b"<EXPSSDA903>" + b"<CHILD><CHILDID>1</CHILDID></CHILD>" * 30 + b"</EXPSSDA903>"
    [p] = errors(read_return([("return.xml", xml)]))
    assert "more than 50 elements" in p.message


def test_read_xml_gives_each_child_element_to_its_table():
    xml = (
        b"<EXPSSDA903><CHILD><HEADER><CHILDID>1</CHILDID><SEX>1</SEX><DOB>01/01/2010</DOB></HEADER>"
        b"<EPISODE><DECOM>01/05/2023</DECOM><PL>U4</PL></EPISODE></CHILD></EXPSSDA903>"
    )
    problems = []
    found = read_xml("r.xml", xml, problems, lambda: None)
    assert problems == [] and set(found) == {"Header", "Episodes"}
    assert found["Episodes"].loc[0, ["CHILD", "DECOM", "PLACE"]].tolist() == ["1", "01/05/2023", "U4"]


def test_unknown_xml_elements_are_named_in_a_warning():
    xml = b"<EXPSSDA903><CHILD><CHILDID>1</CHILDID><ODD><X>1</X></ODD></CHILD><JUNK/></EXPSSDA903>"
    problems = []
    read_xml("r.xml", xml, problems, lambda: None)
    assert [(p.severity, p.message) for p in problems] == [
        ("warning", "r.xml: XML element(s) JUNK, ODD are not understood and were ignored")
    ]

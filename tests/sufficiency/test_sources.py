"""Sources named as a reader cites them, never as a transcription file."""

from sufficiency import sources

STRATEGY = "000_b2eb913b38f73c99.txt"


def test_a_document_is_cited_by_its_title_and_section():
    cited = sources.source_citation(STRATEGY, "Local Context")
    assert cited == f"{sources.document_title(STRATEGY)}, Local Context"
    assert ".txt" not in cited


def test_an_unknown_document_keeps_its_uploaded_name():
    assert sources.document_title("comparators-2024.csv") == "comparators-2024.csv"
    assert sources.document_title("") == sources.UPLOADED


def test_free_text_loses_file_names_and_the_word_seed():
    assert sources.reader_text("seed says 'around one in seven'") == "The document says 'around one in seven'"
    text = sources.reader_text("As in the seed's table. Seed says 'Over 94%'.")
    assert text == "As in the document's table. The document says 'Over 94%'."
    assert ".txt" not in sources.cite(f"{STRATEGY} line 95")


def test_markdown_bold_is_shown_bold_and_escaped():
    assert str(sources.emphasis("**20.1%** <b>")) == "<strong>20.1%</strong> &lt;b&gt;"

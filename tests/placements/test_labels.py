"""Measure titles and units: the registry's for computed measures, the published figures' file for codes
only the seed documents give, and words for a code nobody describes."""

import pytest

from placements import labels


@pytest.fixture
def meta_file(tmp_path, settings):
    """A project whose published-figures file holds one code; the loader reads it afresh."""
    (tmp_path / "fixtures").mkdir()
    (tmp_path / "fixtures" / "published_measures_meta.csv").write_text(
        "measure,title,unit,note\nbeds_used_pct,Beds in use,percent,As published.\n", encoding="utf-8"
    )
    settings.BASE_DIR = tmp_path
    labels.published_meta.cache_clear()
    yield
    labels.published_meta.cache_clear()


def test_computed_measures_take_the_registrys_title_and_unit():
    assert labels.measure_title("cla_31_march") == "Children looked after on 31 March"
    assert labels.measure_unit("cla_31_march") == "count"
    assert labels.measure_unit("stability_3plus_pct") == "percent"


def test_published_only_codes_take_the_files_title_and_unit():
    meta = labels.published_meta()
    assert meta["cla_peak_in_year"]["unit"] == "count"
    assert labels.measure_title("cla_peak_in_year") == "Peak number of children looked after during the year"
    assert labels.measure_unit("cla_decline_from_peak_pct") == "percent"


def test_the_file_is_read_once(meta_file):
    assert labels.measure_title("beds_used_pct") == "Beds in use"
    first = labels.published_meta()
    assert labels.published_meta() is first
    assert labels.published_meta.cache_info().misses == 1


def test_unknown_codes_read_as_words(meta_file):
    assert labels.measure_title("new_code") == "New code"
    assert labels.measure_unit("new_share_pct") == "percent"
    assert labels.measure_unit("new_code") == "count"


def test_no_file_means_no_published_titles(tmp_path, settings):
    settings.BASE_DIR = tmp_path
    labels.published_meta.cache_clear()
    try:
        assert labels.published_meta() == {}
        assert labels.measure_title("cla_peak_in_year") == "Cla peak in year"
    finally:
        labels.published_meta.cache_clear()

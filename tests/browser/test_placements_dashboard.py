"""A manager reads the placements dashboard: year range, table view, CSV and XLSX, About this measure; and
the charts tell the truth at a glance: years in time order, legends that name every series and fit a
phone, what is not held named, comparators or a clear empty state, round axes above every value, lone
figures as labelled bars, one number style, and a measures download with every source."""

import csv
import io
import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from placements.models import YearlyFigure
from placements.services import import_job_create, import_job_run, published_load
from sufficiency.models import LocalAuthority
from sufficiency.roles import DATA_ADMIN, MANAGER
from tests.placements.returns import small_return

pytestmark = pytest.mark.browser


@pytest.fixture
def two_years(seeded_core):
    norfolk = LocalAuthority.objects.get(code="E10000020")
    for year in (2020, 2021):
        job = import_job_run(import_job_create(la=norfolk, collection_year=year, uploads=small_return()))
        assert job.status == "succeeded", job.summary


def test_manager_dashboard_journey(browser_page, login_as, assert_accessible, make_user, two_years):
    page = browser_page
    login_as(page, make_user(MANAGER))
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Placements").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Placements")
    page.wait_for_selector("#chart-cla .app-chart .main-svg")  # plotly drew the chart
    assert_accessible(page)

    page.get_by_label("From year").select_option("2021")
    page.get_by_role("button", name="Show figures").click()
    page.wait_for_url("**from=2021**")
    block = page.locator("#chart-cla")
    block.get_by_text("Show as table").click()
    rows = block.locator("tbody tr")
    assert rows.count() == 1 and rows.first.locator("th").inner_text() == "2020/21"

    with page.expect_download() as csv_download:
        block.get_by_role("link", name="Download CSV").click()
    assert open(csv_download.value.path()).read().startswith("year,")
    with page.expect_download() as xlsx_download:
        page.get_by_role("link", name="Download every table (XLSX)").click()
    assert xlsx_download.value.suggested_filename.endswith(".xlsx")

    block.get_by_role("link", name="About this measure").click()
    assert page.get_by_role("heading", level=1).inner_text().endswith("Children looked after at 31 March")
    expect(page.get_by_text("distinct children with an episode open").first).to_be_visible()
    assert_accessible(page)


# ---- the charts tell the truth at a glance ----------------------------------------------------------------

RETURN_FILES = ("header.csv", "episodes.csv", "uasc.csv")


@pytest.fixture
def norfolk_published_and_imported(seeded_core):
    """Norfolk's published figures (2013/14 to 2020/21), then its 2023/24 return imported."""
    published_load(settings.BASE_DIR / "fixtures" / "published_measures.csv")
    norfolk = LocalAuthority.objects.get(code="E10000020")
    uploads = [(name, (settings.BASE_DIR / "fixtures" / "903" / name).read_bytes()) for name in RETURN_FILES]
    job = import_job_run(import_job_create(la=norfolk, collection_year=2024, uploads=uploads))
    assert job.status == "succeeded", job.summary


def _open_dashboard(page, login_as, user, query="la=E10000020", width=1280):
    page.set_viewport_size({"width": width, "height": 900})
    login_as(page, user)
    page.goto(f"{page.base_url}/placements/?{query}")
    page.wait_for_selector(".app-chart .main-svg")
    # Every chart drawn (a polling loop: the page's content security policy forbids wait_for_function's eval).
    for _ in range(100):
        if page.evaluate(
            "() => Array.from(document.querySelectorAll('.app-chart')).every(n => n.querySelector('.main-svg'))"
        ):
            break
        page.wait_for_timeout(100)
    else:
        raise AssertionError("a chart was not drawn")


# Every drawn chart: its x tick labels left to right, legend entries, and the boxes that must not overlap.
CHART_GEOMETRY = """
() => Array.from(document.querySelectorAll('.app-chart')).map(node => {
  const box = el => { const r = el.getBoundingClientRect(); return {l: r.left, r: r.right, t: r.top, b: r.bottom}; };
  const ticks = Array.from(node.querySelectorAll('.xaxislayer-above .xtick text'))
    .map(t => ({x: t.getBoundingClientRect().left, text: t.textContent, box: box(t)}))
    .sort((a, b) => a.x - b.x);
  const entries = Array.from(node.querySelectorAll('.legend .traces')).map(e => ({text: e.textContent, box: box(e)}));
  const legendBox = node.querySelector('.legend .bg');
  const title = node.querySelector('.g-xtitle text');
  return {
    id: node.closest('section').id, chart: box(node), ticks, entries, legend: legendBox ? box(legendBox) : null,
    xtitle: title ? box(title) : null,
    yticks: Array.from(node.querySelectorAll('.yaxislayer-above .ytick text')).map(t => t.textContent),
    bars: node.querySelectorAll('.barlayer .point').length,
    bartext: Array.from(node.querySelectorAll('.barlayer .point text, .barlayer text')).map(t => t.textContent),
  };
})
"""


def _year(label: str) -> int:
    return int(label[:4])


def test_years_run_in_time_order_on_every_chart_after_an_import(
    browser_page, login_as, make_user, norfolk_published_and_imported
):
    page = browser_page
    _open_dashboard(page, login_as, make_user(MANAGER))
    charts = page.evaluate(CHART_GEOMETRY)
    assert len(charts) >= 10
    for chart in charts:
        labels = [t["text"] for t in chart["ticks"]]
        assert all(re.fullmatch(r"\d{4}/\d{2}", label) for label in labels), (chart["id"], labels)
        assert labels == sorted(labels, key=_year), (chart["id"], labels)
    cla = next(c for c in charts if c["id"] == "chart-cla")
    labels = [t["text"] for t in cla["ticks"]]
    assert labels[0] == "2013/14" and labels[-1] == "2023/24"
    # The placement mix keeps the published history beside the imported year.
    mix = next(c for c in charts if c["id"] == "chart-placement_mix")
    assert [t["text"] for t in mix["ticks"]][0] == "2014/15" and any(
        "published" in e["text"] for e in mix["entries"]
    )
    # The headline year is 2023/24: a rate held only for 2019/20 is not shown as that year's.
    rate_tile = page.locator(".app-tile", has_text="per 10,000")
    assert "No 2023/24 figure" in rate_tile.inner_text() and "for 2019/20" in rate_tile.inner_text()


def test_a_chart_of_one_category_has_a_legend_and_names_what_is_missing(
    browser_page, login_as, make_user, seeded_core
):
    norfolk = LocalAuthority.objects.get(code="E10000020")
    for year, value in [(2019, 81), (2020, 52)]:
        YearlyFigure.objects.create(
            la=norfolk, year=year, measure="age_under_1", value=value, source="published"
        )
    YearlyFigure.objects.create(la=norfolk, year=2020, measure="cin_N1", value=724, source="published")
    page = browser_page
    _open_dashboard(page, login_as, make_user(MANAGER))
    charts = {c["id"]: c for c in page.evaluate(CHART_GEOMETRY)}
    [entry] = charts["chart-age"]["entries"]
    assert entry["text"].startswith("Aged under 1 (published")
    assert (
        len(charts["chart-need"]["entries"]) == 1
        and "Abuse or neglect" in charts["chart-need"]["entries"][0]["text"]
    )
    age = page.locator("#chart-age")
    expect(age.get_by_text("Only some categories are held.")).to_be_visible()
    expect(
        age.get_by_text("No figures are held for Aged 1 to 4, Aged 5 to 9, Aged 10 to 15 or Aged 16 and over")
    ).to_be_visible()


@pytest.fixture
def demo_with_returns(seeded_core):
    from placements.services import population_import
    from tests.placements.returns import small_return

    demo = LocalAuthority.objects.get(code="Z99999999")
    for year in (2020, 2021):
        job = import_job_run(import_job_create(la=demo, collection_year=year, uploads=small_return()))
        assert job.status == "succeeded", job.summary
    population_import(
        name="p.csv", content=b"la_code,year,population\nZ99999999,2020,20000\nZ99999999,2021,20000\n"
    )


def test_comparator_empty_state_until_a_comparator_file_is_imported(
    browser_page, login_as, assert_accessible, make_user, demo_with_returns, tmp_path
):
    page = browser_page
    _open_dashboard(page, login_as, make_user(DATA_ADMIN, las=["Z99999999"]), query="la=Z99999999")
    rate = page.locator("#chart-rate")
    empty = "No England, East of England or statistical neighbour figures are held for these years."
    expect(rate.get_by_text(empty)).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download:
        rate.get_by_role("link", name="Download a comparator template (CSV)").click()
    rows = list(csv.DictReader(open(download.value.path(), encoding="utf-8")))
    assert {r["area_code"] for r in rows} == {"E92000001", "E12000006", "SN_AVG_Z99999999"}
    filled = tmp_path / "comparators.csv"
    with open(filled, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        for i, row in enumerate(rows):
            writer.writerow(
                {**row, "value": f"{40 + i % 7}.5", "source_document": "Children looked after in England"}
            )

    rate.get_by_role("link", name="Import comparator figures").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Import comparator figures"
    page.set_input_files("input[type=file]", str(filled))
    page.get_by_role("button", name="Import").click()
    page.wait_for_load_state("domcontentloaded")

    page.goto(f"{page.base_url}/placements/?la=Z99999999")
    page.wait_for_selector("#chart-rate .main-svg")
    assert page.get_by_text(empty).count() == 0
    assert page.locator("#chart-rate .app-comparators-empty").count() == 0
    entries = page.locator("#chart-rate .legend .traces").evaluate_all("els => els.map(e => e.textContent)")
    for name in ("England", "East of England", "Statistical neighbours"):
        assert any(text.endswith(name) for text in entries), (name, entries)


def test_numbers_and_years_in_one_style(browser_page, login_as, make_user, norfolk_published_and_imported):
    page = browser_page
    _open_dashboard(page, login_as, make_user(MANAGER))
    charts = {c["id"]: c for c in page.evaluate(CHART_GEOMETRY)}
    assert "1,000" in charts["chart-cla"]["yticks"]  # thousands separators on the axis
    block = page.locator("#chart-cla")
    block.get_by_text("Show as table").click()
    cells = block.locator("tbody td").all_inner_texts()
    numbers = [c for c in cells if c != "–"]
    assert numbers and all(re.fullmatch(r"\d{1,3}(,\d{3})*", c) for c in numbers), numbers  # whole, "1,083"
    assert any("," in c for c in numbers)
    years = block.locator("tbody th").all_inner_texts()
    assert years == sorted(years) and all(re.fullmatch(r"\d{4}/\d{2}", y) for y in years)
    assert page.locator("#from option").nth(1).inner_text() == "2013/14"
    assert re.search(r"\d+\.\d%", page.locator(".app-tile", has_text="20 miles").inner_text())


def test_axes_hold_every_value_and_lone_figures_are_labelled_bars(
    browser_page, login_as, make_user, seeded_core
):
    published_load(settings.BASE_DIR / "fixtures" / "published_measures.csv")
    page = browser_page
    _open_dashboard(page, login_as, make_user(MANAGER))
    charts = {c["id"]: c for c in page.evaluate(CHART_GEOMETRY)}
    share = charts["chart-residential_share"]
    top = max(float(t.rstrip("%").replace(",", "")) for t in share["yticks"] if t)
    assert top >= 9  # Norfolk's 9% sits below the axis top, not above it
    assert share["bars"] == 1 and "9.0%" in share["bartext"]
    for chart_id in ("chart-distance", "chart-uasc", "chart-stability"):
        chart = charts[chart_id]
        assert chart["bars"] >= 1 and chart["bartext"], chart_id  # labelled bars, not lone dots
        values = [float(t.rstrip("%").replace(",", "")) for t in chart["bartext"] if t]
        assert max(values) <= max(float(t.rstrip("%").replace(",", "")) for t in chart["yticks"] if t), (
            chart_id
        )


def _assert_legends_fit(charts):
    for chart in charts:
        assert chart["entries"], chart["id"]
        lowest_axis_text = max(
            [t["box"]["b"] for t in chart["ticks"]] + ([chart["xtitle"]["b"]] if chart["xtitle"] else [])
        )
        for entry in chart["entries"]:
            box = entry["box"]
            assert box["r"] <= chart["chart"]["r"] + 1 and box["l"] >= chart["chart"]["l"] - 1, (
                chart["id"],
                entry,
            )
            assert box["b"] <= chart["chart"]["b"] + 1, (chart["id"], entry["text"])  # not clipped
            # Inside the legend's own box: a legend taller than its box scrolls and hides entries.
            assert box["b"] <= chart["legend"]["b"] + 1, (chart["id"], entry["text"], chart["legend"])
            assert box["t"] >= lowest_axis_text - 1, (chart["id"], entry["text"])  # not under the axis labels


def test_legends_fit_at_phone_width(browser_page, login_as, make_user, norfolk_published_and_imported):
    page = browser_page
    _open_dashboard(page, login_as, make_user(MANAGER), width=390)
    charts = page.evaluate(CHART_GEOMETRY)
    _assert_legends_fit(charts)
    mix = next(c for c in charts if c["id"] == "chart-placement_mix")
    assert len(mix["entries"]) >= 8  # every entry drawn, none cut off


def test_forecast_legends_sit_below_the_axis_title_at_phone_width(
    browser_page, login_as, make_user, seeded_core
):
    from tests.forecast.fixtures import import_synthetic

    import_synthetic(LocalAuthority.objects.get(code="Z99999999"), children=200, first=2019, last=2021)
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 900})
    login_as(page, make_user(MANAGER))
    page.goto(f"{page.base_url}/forecast/?la=Z99999999")
    page.get_by_role("button", name="Run the forecast").click()
    page.wait_for_selector("#block-by_group .app-chart .main-svg")
    # The projections (the cost chart is empty here: no unit costs are held).
    blocks = ("block-total", "block-by_group", "block-by_band")
    charts = [c for c in page.evaluate(CHART_GEOMETRY) if c["id"] in blocks]
    assert len(charts) == 3
    for chart in charts:
        assert chart["xtitle"] is not None
    _assert_legends_fit(charts)
    assert "Projected for 31 March 2024" in page.locator(".app-tile", has_text="Projected for").inner_text()


def test_measures_download_holds_published_and_comparator_figures(
    browser_page, login_as, make_user, norfolk_published_and_imported
):
    from placements.services import comparators_load

    comparators_load(settings.BASE_DIR / "fixtures" / "comparators.csv")
    page = browser_page
    _open_dashboard(page, login_as, make_user(MANAGER))
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Download every figure held")).click()
    rows = list(csv.DictReader(io.StringIO(open(download.value.path(), encoding="utf-8").read())))
    assert {r["source"] for r in rows} == {"computed", "published", "comparator"}
    published = [r for r in rows if r["source"] == "published"]
    assert all(r["document"] for r in published) and any(
        "Sufficiency Strategy" in r["document"] for r in published
    )
    assert any(r["area"] == "England" for r in rows if r["source"] == "comparator")

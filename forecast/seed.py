"""Forecast seed data: the unit costs and capacities the seed documents state (transcribed, with document,
line and quote), and a stored baseline forecast for the synthetic demo authority. Called by
placements.seed.load_seed; safe to run again."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from forecast.models import Capacity, FigureSource, ForecastRun, UnitCost
from sufficiency.models import LocalAuthority

NORFOLK = (
    "E10000020"  # the seed strategy is Norfolk's: its figures belong to Norfolk whatever DEFAULT_LA_CODE says
)
DEMO = "Z99999999"
STRATEGY = "000_b2eb913b38f73c99.txt"  # Sufficiency Strategy 2020-2023 (001 repeats the same text)
STRATEGY_PERIOD_NOTE = (
    "The document calls the rate current and gives no date; it is held from 1 April 2020, the start of "
    "the strategy period 2020-23 the document covers."
)
DEMO_NOTE = "Norfolk's stated figure, applied to the synthetic demo authority for demonstration only."

UNIT_COSTS = [
    {
        "group": "residential",
        "provider": "external",
        "label": "External residential",
        "weekly_cost": Decimal("2850"),
        "effective_from": date(2020, 4, 1),
        "source_line": 213,
        "quote": "The current average weekly rate for NABP is £695; compared to that for external "
        "residential of £2850.",
        "note": STRATEGY_PERIOD_NOTE,
    },
    {
        "group": UnitCost.OTHER_SERVICE,
        "provider": "",
        "label": "Norfolk Assisted Boarding Partnership (NABP)",
        "weekly_cost": Decimal("695"),
        "effective_from": date(2020, 4, 1),
        "source_line": 213,
        "quote": "The current average weekly rate for NABP is £695; compared to that for external "
        "residential of £2850.",
        "note": "Term-time boarding that supports children to remain in the care of their family: not a "
        "placement group, so shown for comparison and not used in projected costs. " + STRATEGY_PERIOD_NOTE,
    },
]

CAPACITIES = [
    {
        "name": "In-house residential beds",
        "group": "residential",
        "provider": "in_house",
        "value": Decimal("20"),
        "unit": Capacity.Unit.BEDS,
        "effective_year": 2020,
        "source_line": 172,
        "quote": "In house residential placements accounted for approximately 9% of total residential "
        "placements with a maximum capacity of 20 beds.",
        "note": "Stated as at 31 March 2020.",
    },
    {
        "name": "In-house semi-independent bed nights",
        "group": "semi_independent",
        "provider": "in_house",
        "value": Decimal("12000"),
        "unit": Capacity.Unit.BED_NIGHTS,
        "effective_year": 2021,
        "source_line": 195,
        "quote": "The total capacity available through this service is up to 12k bed nights.",
        "note": "Written as '12k'. The 24/7 semi-independent accommodation for 16 and 17 year olds, "
        "mobilised by March 2021. The document does not say over what period; held as bed nights a year.",
    },
]


def load_seed(*, synthetic: bool = True) -> str:
    """Stated unit costs and capacities for Norfolk (and the demo authority), and a demo baseline run."""
    count = 0
    targets = [(NORFOLK, "")] + ([(DEMO, DEMO_NOTE)] if synthetic else [])
    for code, extra in targets:
        la = LocalAuthority.objects.filter(code=code).first()
        if la is None:
            continue
        for row in UNIT_COSTS:
            fields = {
                k: v for k, v in row.items() if k not in ("group", "provider", "label", "effective_from")
            }
            fields["note"] = f"{row['note']} {extra}".strip()
            _, created = UnitCost.objects.get_or_create(
                la=la,
                group=row["group"],
                provider=row["provider"],
                label=row["label"],
                effective_from=row["effective_from"],
                defaults={**fields, "source": FigureSource.SEED, "source_document": STRATEGY},
            )
            count += created
        for row in CAPACITIES:
            fields = {k: v for k, v in row.items() if k not in ("name", "effective_year")}
            fields["note"] = f"{row['note']} {extra}".strip()
            _, created = Capacity.objects.get_or_create(
                la=la,
                name=row["name"],
                effective_year=row["effective_year"],
                defaults={**fields, "source": FigureSource.SEED, "source_document": STRATEGY},
            )
            count += created
    parts = [f"{count} stated unit costs and capacities"]
    if synthetic:
        parts.append(demo_baseline_run())
    return ", ".join(parts)


def demo_baseline_run(horizon_months: int = 36) -> str:
    """Compute and store the demo authority's baseline forecast (the last three years, three years on)."""
    from forecast.execution import forecast_run_execute
    from forecast.selectors import forecast_default_window, forecast_inputs_key, forecast_run_find

    demo = LocalAuthority.objects.filter(code=DEMO).first()
    window = forecast_default_window(la=demo) if demo else None
    if window is None:
        return "no demo forecast (no demo returns)"
    params = {"la": demo, "ref_start": window[0], "ref_end": window[1], "horizon_months": horizon_months}
    if forecast_run_find(**params) is not None:
        return "demo baseline forecast already held"
    run = ForecastRun.objects.create(**params, inputs_key=forecast_inputs_key(la=demo))
    run = forecast_run_execute(run)
    return f"demo baseline forecast {run.get_status_display().lower()} in {run.seconds:.1f} s"

"""The band's uncertainty on cases with known answers (forecast.engine.uncertainty, projection.project)."""

import numpy as np
import pytest

from forecast.engine import uncertainty as fu
from forecast.engine.model import N_STATES, Z95, Uncertainty, project, project_matrix, rates_from_counts

LAM, P_EXIT, H = 5.0, 0.05, 24  # entries a month, monthly exit probability, months ahead
A = (1 - (1 - P_EXIT) ** H) / P_EXIT  # children now in care per unit of monthly entry rate, from empty


def one_state_rates(n: int, months: int):
    """The 40-state model with one state used: n entries seen over ``months``, its exit probability known
    (a very large exposure), starting empty."""
    counts = np.zeros((N_STATES + 1, N_STATES + 1))
    exposure = 1e9
    counts[N_STATES, 0] = n
    counts[0, N_STATES] = P_EXIT * exposure
    counts[0, 0] = (1 - P_EXIT) * exposure
    return rates_from_counts(counts, months, "2018-03-31", "2021-03-31")


def total_var(proj, month):
    _, sd = proj.aggregate(np.ones((1, N_STATES)))
    return sd[month, 0] ** 2


@pytest.mark.parametrize("months", [144, 36, 9])
def test_one_state_band_adds_the_estimated_rates_variance(months):
    # lambda-hat = n / K with n ~ Poisson(lambda K): Var(lambda-hat A) = A^2 lambda / K on top of the process
    # variance lambda A (Poisson by thinning)
    n = int(LAM * months)
    rates = one_state_rates(n, months)
    only_rates = Uncertainty(entry_drift=0.0, draws=2000)
    proj = project(rates, np.zeros(N_STATES), "2021-03-31", H, uncertainty=only_rates)
    process = project(rates, np.zeros(N_STATES), "2021-03-31", H, uncertainty=None)
    assert proj.mean[H, 0] == pytest.approx(LAM * A)
    assert total_var(process, H) == pytest.approx(LAM * A, rel=1e-6)
    added = total_var(proj, H) - total_var(process, H)
    assert added == pytest.approx(A**2 * LAM / months, rel=0.1)


def test_the_band_widens_as_the_events_behind_the_rate_fall():
    widths = []
    for months in (144, 36, 9):  # the same rate seen from 720, 180 and 45 entries
        rates = one_state_rates(int(LAM * months), months)
        proj = project(rates, np.zeros(N_STATES), "2021-03-31", H, uncertainty=Uncertainty(entry_drift=0.0))
        widths.append(total_var(proj, H))
    assert widths[0] < widths[1] < widths[2]


def test_one_state_band_coverage_over_many_samples_is_nominal():
    # each sample: the rate estimated from n ~ Poisson(lambda K) entries over K = 36 months, then the
    # actual stock H months on, Poisson(lambda A); the band should hold it 95 times in 100
    rng = np.random.default_rng(20)
    samples, months, draws = 4000, 36, 200
    n = rng.poisson(LAM * months, samples)
    actual = rng.poisson(LAM * A, samples)
    process = project_matrix(np.array([[1 - P_EXIT]]), np.array([1.0]), np.zeros(1), "2021-03-31", H)
    mean = n / months * process.mean[H, 0]  # the model is linear in the entry rate
    var = n / months * process.cov[H, 0, 0]
    # every sample's draws at once: (samples x draws) rate sets of the one-state model
    lam = np.stack([fu.entry_rate_draws(np.array([k]), months, draws, rng) for k in n]).reshape(-1, 1)
    P = np.full((len(lam), 1, 1), 1 - P_EXIT)
    paths = fu.mean_paths(P, lam, np.zeros(1), [None] * H, [1.0] * H, np.ones((len(lam), H)))
    between = paths[:, H, 0].reshape(samples, draws).var(axis=1, ddof=1)
    within = np.abs(actual - mean) <= Z95 * np.sqrt(var + between)
    assert within.mean() == pytest.approx(0.95, abs=0.02)
    assert (
        np.abs(actual - mean) <= Z95 * np.sqrt(var)
    ).mean() < 0.92  # the process variance alone: too narrow


def test_entry_drift_adds_a_random_walk_of_the_entry_rate():
    # no exits, starting empty: N_H = lambda sum_s f_s, f_s = exp(x_s) with x a random walk of tau a year
    # from the window's average (variance tau^2 L / 3 at the start): Var = lambda^2 sum_s,s' Cov(x_s, x_s')
    tau, months = 0.05, 36
    counts = np.zeros((N_STATES + 1, N_STATES + 1))
    counts[N_STATES, 0] = LAM * months
    counts[0, 0] = 1e9
    rates = rates_from_counts(counts, months)
    u = Uncertainty(rates=False, entry_drift=tau, draws=8000)
    proj = project(rates, np.zeros(N_STATES), "2021-03-31", H, uncertainty=u)
    process = project(rates, np.zeros(N_STATES), "2021-03-31", H, uncertainty=None)
    s = np.arange(1, H + 1)
    cov = tau**2 * (months / 12 / 3 + np.minimum.outer(s, s) / 12)
    expected = LAM**2 * cov.sum()
    assert total_var(proj, H) - total_var(process, H) == pytest.approx(expected, rel=0.08)
    assert proj.band["entry_drift"] == tau and not proj.band["rates"]


def test_entry_drift_estimate_pools_the_window_with_the_prior():
    steady = fu.entry_drift_estimate(np.full(36, 20.0))  # 240 a year: changes within Poisson noise
    assert steady["tau_data"] == 0.0 and steady["years"] == [240.0, 240.0, 240.0]
    assert steady["tau"] == pytest.approx(fu.ENTRY_DRIFT_PRIOR * np.sqrt(2 / 4))
    short = fu.entry_drift_estimate(np.full(18, 20.0))  # one whole year: the prior alone
    assert short["tau_data"] is None and short["tau"] == fu.ENTRY_DRIFT_PRIOR
    # 200, 300, 200 a year: squared changes 10,000 against Poisson noise 2 x 233
    swings = fu.entry_drift_estimate(np.repeat([200 / 12, 300 / 12, 200 / 12], 12))
    mu = 700 / 3
    assert swings["tau_data"] == pytest.approx(np.sqrt((10_000 - 2 * mu) / (2 / 3 * mu**2)))
    assert swings["tau"] > 0.3


def test_the_band_is_reproducible_and_the_mean_is_the_fitted_models():
    rates = one_state_rates(180, 36)
    a = project(rates, np.zeros(N_STATES), "2021-03-31", 12)
    b = project(rates, np.zeros(N_STATES), "2021-03-31", 12)
    c = project(rates, np.zeros(N_STATES), "2021-03-31", 12, uncertainty=None)
    np.testing.assert_array_equal(a.cov, b.cov)
    np.testing.assert_allclose(a.mean, c.mean)
    assert [len(p.band["includes"]) for p in (a, c)] == [3, 1]

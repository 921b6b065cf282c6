"""Stock-and-flow (Markov) demand model, after Social Finance's open demand model. Pure numpy/pandas.

Time step: one calendar month. The reference window [ref_start, ref_end] is cut into monthly snapshot
dates ``ref_start + k months`` (k = 0..K, each computed from ref_start so month ends do not drift). On
every snapshot each child is either out of care or in one state = age band x placement group (the
episode open on the date, SSDA903 rule: DECOM <= D and (DEC blank or DEC > D), the latest DECOM if
several; age in whole years from the header DOB). Consecutive snapshot pairs give a count matrix
C[from, to] over the 40 states plus "out of care"; the rates are its maximum-likelihood estimates:

- entries: lambda_i = (children out of care at t_k and in state i at t_k+1) / K, a Poisson rate per month
  (includes re-entries; a child who enters and leaves between two snapshots is not seen);
- exits: e_i = (in state i at t_k, out at t_k+1) / exposure_i, exposure_i = child-months in state i;
- transitions between placement groups within an age band: T_b[g, g'] = moves (b, g) -> (any band, g')
  / stayers from (b, g);
- ageing: a_b = fraction of stayers in band b at t_k who are in band b+1 at t_k+1 (from the actual DOBs
  of the stock; 0 for 16+, whose leaving at 18 is in the exit rate).

The monthly one-step matrix is P[(b,g), (b',g')] = (1 - e_bg) * T_b[g, g'] * (a_b if b' = b+1 else
1 - a_b if b' = b), i.e. ageing independent of placement moves. States never observed keep their
children (T = identity) and exit at the overall exit rate.

Projection: each child in state i moves by a multinomial draw from row i of P (the missing mass is
exit); entries are independent Poisson(lambda). Mean and covariance are propagated exactly:
mean_t+1 = P' mean_t + lambda, Sigma_t+1 = P' Sigma_t P + sum_i mean_t[i] (diag(p_i) - p_i p_i') +
diag(lambda). To that process covariance `project` adds the uncertainty of the estimated rates and the
year-to-year change of entries (forecast.engine.uncertainty: rate sets drawn from their posteriors, the
covariance between the draws' expected stocks added, law of total variance). The 95% band is
mean +/- 1.96 sd, clipped at 0, per state and for any sum of states (groups, bands, total).

Limits: the 16+ exit rate is an average (leaving at 18 is not tied to DOB), ageing and placement moves
are independent, and a child's chance of leaving does not depend on how long they have been in care
(a Markov model: on data where it does, the mean is still right when the stock is steady, since the
average stock is the fitted model's fixed point). Episodes of children without a header DOB are left
out. Rolling backtests (forecast.engine.backtest) measure how often the band holds on data already known.

Modules: data (episodes as arrays, snapshots, pair counts), rates (fit), projection (project),
uncertainty (the band), backtest, simulate (a simulator for tests and benchmarks). This module gathers
their public names.
"""

from forecast.engine.backtest import backtest, coverage, rolling_backtest
from forecast.engine.data import (
    AGE_BANDS,
    BAND_LOWER,
    GROUPS,
    N_BANDS,
    N_GROUPS,
    N_STATES,
    STATES,
    Z95,
    PairCounts,
    group_of,
    initial_stock,
    month_dates,
    pair_counts,
    prepare,
    state_index,
    stock_history,
)
from forecast.engine.projection import Adjustment, Projection, project, project_matrix
from forecast.engine.rates import FittedRates, fit, rates_from_counts, rates_from_pairs, transition_matrix
from forecast.engine.simulate import drifting_entry_factors, simulate_episodes
from forecast.engine.uncertainty import FULL, Uncertainty, entry_drift_estimate

__all__ = [
    "AGE_BANDS",
    "BAND_LOWER",
    "FULL",
    "GROUPS",
    "N_BANDS",
    "N_GROUPS",
    "N_STATES",
    "STATES",
    "Z95",
    "Adjustment",
    "FittedRates",
    "PairCounts",
    "Projection",
    "Uncertainty",
    "backtest",
    "coverage",
    "drifting_entry_factors",
    "entry_drift_estimate",
    "fit",
    "group_of",
    "initial_stock",
    "month_dates",
    "pair_counts",
    "prepare",
    "project",
    "project_matrix",
    "rates_from_counts",
    "rates_from_pairs",
    "rolling_backtest",
    "simulate_episodes",
    "state_index",
    "stock_history",
    "transition_matrix",
]

"""Probability of meeting each target, from the history of how H2 compares with H1.

Two models, one per kind of target, each fitted to the non-COVID years before the target year
(:data:`kg_metrics.arithmetic.status.THRESHOLDS` ``covid_years``, 2020 and 2021, are left out):

- **level targets** of additive indicators (rice, tourists …): the ratio r = H2 / H1 of each earlier
  year with both an H1 and a full-year level (H2 = year − H1); H2 of the target year = H1 × r, the year
  = H1 + H2. A within-year ratio, so levels before a re-basing still count.
- **cumulative rates** (public-investment disbursement, not additive): the gain d = full-year rate − H1 rate
  (pp) of each earlier year with both; the year's rate = H1 + d.
- **growth targets** (GRDP): the gap d = full-year growth − H1 growth (pp) of each earlier year with both
  published; the year's growth = g₁ + d, and H2 growth g₂ = (g − w₁·g₁) / (1 − w₁).

With only a few years of history, the unknown next value is drawn from the *predictive* distribution
of a normal sample with unknown mean and variance: x = m + s·√(1 + 1/n)·T, T ~ Student t with n − 1
degrees of freedom (m, s: the sample's mean and standard deviation; for ratios, of ln r). It is wider
than a normal with the sample's own spread, as it should be with 2–3 years. Fewer than
:data:`MIN_YEARS` usable years: no probability, and the reason says so.

P(met) is the share of :data:`DEFAULT_DRAWS` Monte Carlo draws that meet the target
(:func:`kg_metrics.arithmetic.status.meets`); draws are vectorised with numpy, and reproducible: each
indicator's draws come from ``numpy.random.default_rng([seed, crc32(indicator)])``, so an
indicator's probability does not depend on which other targets are computed with it.
"""
from __future__ import annotations

import math
import zlib
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kg_metrics.arithmetic import growth
from kg_metrics.analysis.assessment import RESOLUTION_AS_OF, fy_and_h1_pairs, h1_to_fy_gains
from kg_metrics.data.observations import as_of_view, lookup, province_of
from kg_metrics.data.periods import parse_period
from kg_metrics.data.registry import Registry
from kg_metrics.arithmetic.status import THRESHOLDS, Thresholds

#: Monte Carlo draws per target.
DEFAULT_DRAWS = 100_000
#: The default seed (the resolution's date).
DEFAULT_SEED = 20240718
#: Fewer usable years of history than this: no probability (with fewer, the spread of the H2/H1 behaviour
#: is a guess, and a probability from it would claim more than the data know).
MIN_YEARS = 5
#: Quantiles kept for the fan charts (fractions).
FAN_QUANTILES = (0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95)
#: Why a probability is missing (keys of :attr:`Probability.reason`).
REASONS = ("outturn", "no_h1", "no_h1_growth", "no_weight", "history", "not_modelled")


@dataclass
class Probability:
    """P(target met) for one target, or the reason there is none.

    ``method``: 'h2_h1_ratio' or 'fy_h1_growth_gap'; ``history``: {year: ratio or gap (pp)} used;
    ``quantiles``: {q: value} of the simulated quantity (the target's own measure and unit);
    ``reason``: '' when ``p_met`` is set, else one of :data:`REASONS`.
    """

    target_id: str
    indicator: str
    period: str
    measure: str
    comparator: str
    target: float
    unit: str
    p_met: float | None = None
    reason: str = ""
    method: str = ""
    history: dict[int, float] = field(default_factory=dict)
    excluded_years: list[int] = field(default_factory=list)
    h1: float | None = None  # the H1 figure the simulation starts from (level, or growth %)
    quantiles: dict[float, float] = field(default_factory=dict)
    n_draws: int = 0
    seed: int | None = None
    draws: np.ndarray | None = field(default=None, repr=False)

    @property
    def available(self) -> bool:
        return self.p_met is not None

    @property
    def years(self) -> list[int]:
        return sorted(self.history)


# =========================================================================== building blocks
def predictive(values: list[float] | np.ndarray) -> tuple[float, float, int]:
    """(centre, scale, degrees of freedom) of the predictive distribution of one more value.

    centre = mean, scale = s·√(1 + 1/n) with s the sample standard deviation (ddof = 1), df = n − 1.

    Examples
    --------
    >>> c, s, df = predictive([-0.27, 0.38, 0.4, 3.28, 0.42])
    >>> round(c, 3), round(s, 4), df
    (0.842, 1.5265, 4)
    >>> predictive([3.28, 0.42])
    Traceback (most recent call last):
    ...
    ValueError: need at least 5 values, got 2
    """
    x = np.asarray(values, dtype=float)
    n = len(x)
    if n < MIN_YEARS:
        raise ValueError(f"need at least {MIN_YEARS} values, got {n}")
    return float(x.mean()), float(x.std(ddof=1) * math.sqrt(1 + 1 / n)), n - 1


def draw(centre: float, scale: float, df: int | None, n_draws: int, rng: np.random.Generator) -> np.ndarray:
    """``n_draws`` values of centre + scale·T (T Student t with ``df`` degrees of freedom; normal if None).

    Examples
    --------
    >>> x = draw(5.0, 2.0, None, 4, np.random.default_rng(0))
    >>> x.shape
    (4,)
    """
    z = rng.standard_normal(n_draws) if df is None else rng.standard_t(df, n_draws)
    return centre + scale * z


def meets_array(values: np.ndarray, comparator: str, target: float) -> np.ndarray:
    """Vectorised :func:`kg_metrics.arithmetic.status.meets`: ``>`` strictly above, ``≥``/``=``/``≈`` reaching the target.

    Examples
    --------
    >>> meets_array(np.array([9.1, 9.2, 9.3]), ">", 9.2).tolist(), meets_array(np.array([95.0]), "≥", 95).tolist()
    ([False, False, True], [True])
    """
    if comparator == ">":
        return values > target
    if comparator in ("≥", "=", "≈"):
        return values >= target - 1e-9
    raise ValueError(f"unknown comparator {comparator!r}")


def p_met(centre: float, scale: float, df: int | None, comparator: str, threshold: float,
          n_draws: int = DEFAULT_DRAWS, seed: int = DEFAULT_SEED) -> float:
    """P(X meets ``comparator threshold``) by Monte Carlo, X = centre + scale·T (normal when ``df`` is None).

    The known answer for a normal X ~ N(μ, σ²) and ``≥ t``: 1 − Φ((t − μ)/σ).

    Examples
    --------
    >>> round(p_met(5.0, 2.0, None, "≥", 5.0), 2)
    0.5
    """
    rng = np.random.default_rng(seed)
    return float(meets_array(draw(centre, scale, df, n_draws, rng), comparator, threshold).mean())


def indicator_rng(seed: int, indicator: str) -> np.random.Generator:
    """The random generator of one indicator: ``default_rng([seed, crc32(indicator)])``."""
    return np.random.default_rng([int(seed), zlib.crc32(indicator.encode())])


# =========================================================================== history
def h2_h1_ratios(obs: pd.DataFrame, indicator: str, before_year: int, as_of: str = RESOLUTION_AS_OF,
                 thresholds: Thresholds = THRESHOLDS, area: str | None = None
                 ) -> tuple[dict[int, float], list[int]]:
    """H2 / H1 of each year before ``before_year`` with an H1 and a full-year level; COVID years left out.

    H2 / H1 = (FY − H1) / H1; a year whose H1 is not positive or exceeds the full year is skipped.
    Returns ({year: ratio}, [COVID years that had the figures but were left out]). ``area``: default
    the province recorded with ``obs``.

    Examples
    --------
    >>> from kg_metrics.data.observations import load_observations
    >>> r, left_out = h2_h1_ratios(load_observations(), "tourists", 2024)
    >>> {y: round(v, 4) for y, v in r.items()}, left_out
    ({2019: 0.9761, 2022: 1.1494, 2023: 0.7}, [2020, 2021])
    """
    levels, left_out = fy_and_h1_pairs(obs, indicator, "level", before_year, as_of, thresholds, area,
                                  skip=lambda fy, h1: h1 <= 0 or fy < h1)
    return {y: (fy - h1) / h1 for y, (fy, h1) in levels.items()}, left_out


def fy_h1_growth_gaps(obs: pd.DataFrame, indicator: str, before_year: int, as_of: str = RESOLUTION_AS_OF,
                      thresholds: Thresholds = THRESHOLDS, area: str | None = None
                      ) -> tuple[dict[int, float], list[int]]:
    """Full-year growth − H1 growth (pp) of each year before ``before_year`` with both published; COVID left out.

    ``area``: default the province recorded with ``obs``.

    Examples
    --------
    >>> from kg_metrics.data.observations import load_observations
    >>> gaps, left_out = fy_h1_growth_gaps(load_observations(), "grdp", 2024)
    >>> {y: round(gap, 2) for y, gap in gaps.items()}, left_out
    ({2022: 3.28, 2023: 0.42}, [2020, 2021])
    """
    growth_rates, left_out = fy_and_h1_pairs(obs, indicator, "growth_yoy_pct", before_year, as_of, thresholds, area)
    return {y: fy - h1 for y, (fy, h1) in growth_rates.items()}, left_out


# =========================================================================== per target
def _quantiles(x: np.ndarray) -> dict[float, float]:
    return {q: float(v) for q, v in zip(FAN_QUANTILES, np.quantile(x, FAN_QUANTILES))}


def target_probabilities(reg: Registry, obs: pd.DataFrame, as_of: str = RESOLUTION_AS_OF,
                         n_draws: int = DEFAULT_DRAWS, seed: int = DEFAULT_SEED,
                         thresholds: Thresholds = THRESHOLDS, h1_weights: dict[str, float] | None = None,
                         target_ids: list[str] | None = None, keep_draws: bool = False) -> list[Probability]:
    """P(met) of every target (or of ``target_ids``) with the figures known at ``as_of``.

    The two models are in the module docstring. ``h1_weights`` overrides w₁ per indicator (a
    scenario's). A target whose period has ended by ``as_of`` with an outturn gets no probability
    (reason 'outturn'). Indicators are simulated once and shared by their H2 and year targets.

    Examples
    --------
    >>> from kg_metrics.data.registry import load_registry
    >>> from kg_metrics.data.observations import load_observations
    >>> reg = load_registry()
    >>> ps = {p.target_id: p for p in target_probabilities(reg, load_observations(reg))}
    >>> p = ps["grdp_growth_fy2024"]  # as of 18/7/2024: 2 usable years, fewer than MIN_YEARS
    >>> p.p_met, p.reason, p.years
    (None, 'history', [2022, 2023])
    >>> ps["grdp_growth_h2_2024"].reason  # the 2023 GRDP level was not yet published
    'no_weight'
    >>> ps["rice_fy2024"].p_met, ps["rice_fy2024"].reason, ps["rice_fy2024"].years
    (None, 'no_h1', [2023])
    """
    tg = reg.targets if target_ids is None else reg.targets[reg.targets["target_id"].isin(target_ids)]
    obs = as_of_view(obs, as_of)
    sims: dict[str, tuple] = {}
    out = []
    for t in tg.to_dict("records"):
        out.append(_one(t, reg, obs, as_of, n_draws, seed, thresholds, h1_weights or {}, sims, keep_draws))
    return out


def _one(t: dict, reg: Registry, obs: pd.DataFrame, as_of: str, n_draws: int, seed: int, th: Thresholds,
         h1_weights: dict, sims: dict, keep: bool) -> Probability:
    ind, measure, period = t["indicator"], t["measure"], t["period"]
    y = parse_period(period).year
    half = period.split("-")[0]
    pr = Probability(t["target_id"], ind, period, measure, t["comparator"], float(t["value_canonical"]),
                     "pct" if measure == "growth_yoy_pct" else t["indicator_unit"])

    def get(p: str, m: str = "level") -> pd.Series | None:
        return lookup(obs, ind, p, m, area=reg.province, as_of=as_of)

    done = get(f"FY-{y}", measure) is not None
    if done:
        pr.reason = "outturn"
        return pr
    if measure == "growth_yoy_pct":
        pr.method = "fy_h1_growth_gap"
        g1 = get(f"H1-{y}", "growth_yoy_pct")
        pr.history, pr.excluded_years = fy_h1_growth_gaps(obs, ind, y, as_of, th, reg.province)
        if g1 is None:
            pr.reason = "no_h1_growth"
            return pr
        pr.h1 = float(g1["value"])
        w1 = h1_weights.get(ind)
        if w1 is None:
            b1, bf = get(f"H1-{y - 1}"), get(f"FY-{y - 1}")
            w1 = growth.h1_weight(float(b1["value"]), float(bf["value"])) if b1 is not None and bf is not None else None
        if half == "H2" and w1 is None:
            pr.reason = "no_weight"
            return pr
        if len(pr.history) < MIN_YEARS:
            pr.reason = "history"
            return pr
        key = (ind, "gap")
        if key not in sims:
            c, s, df = predictive(list(pr.history.values()))
            sims[key] = draw(c, s, df, n_draws, indicator_rng(seed, ind))
        fy_growth = pr.h1 + sims[key]
        x = fy_growth if half == "FY" else (fy_growth - w1 * pr.h1) / (1 - w1)
    elif measure == "level":
        pr.method = "h2_h1_ratio"
        additive = bool(reg.indicators.set_index("indicator").loc[ind, "additive"])
        if not additive:
            return _path_probability(pr, obs, reg, get(f"H1-{y}"), y, half, th, n_draws, seed, sims, keep)
        ratios, pr.excluded_years = h2_h1_ratios(obs, ind, y, as_of, th, reg.province)
        pr.history = ratios
        h1 = get(f"H1-{y}")
        if h1 is None:
            pr.reason = "no_h1"
            return pr
        pr.h1 = float(h1["value"])
        if len(ratios) < MIN_YEARS:
            pr.reason = "history"
            return pr
        key = (ind, "ratio")
        if key not in sims:
            c, s, df = predictive(np.log(list(ratios.values())))
            sims[key] = np.exp(draw(c, s, df, n_draws, indicator_rng(seed, ind)))
        h2 = pr.h1 * sims[key]
        x = h2 if half == "H2" else pr.h1 + h2
    else:
        pr.reason = "not_modelled"
        return pr
    return _finish(pr, x, n_draws, seed, keep)


def _path_probability(pr: Probability, obs: pd.DataFrame, reg: Registry, h1: pd.Series | None, y: int, half: str,
                      th: Thresholds, n_draws: int, seed: int, sims: dict, keep: bool) -> Probability:
    """A cumulative rate (disbursement): year = H1 + the H1→year gain, drawn from the gains of earlier years."""
    pr.method = "h1_fy_path"
    pr.history = h1_to_fy_gains(obs, pr.indicator, y, th, reg.province)
    if half != "FY":
        pr.reason = "not_modelled"
        return pr
    if h1 is None:
        pr.reason = "no_h1"
        return pr
    pr.h1 = float(h1["value"])
    if len(pr.history) < MIN_YEARS:
        pr.reason = "history"
        return pr
    key = (pr.indicator, "path")
    if key not in sims:
        c, s, df = predictive(list(pr.history.values()))
        sims[key] = draw(c, s, df, n_draws, indicator_rng(seed, pr.indicator))
    return _finish(pr, pr.h1 + sims[key], n_draws, seed, keep)


def _finish(pr: Probability, x: np.ndarray, n_draws: int, seed: int, keep: bool) -> Probability:
    pr.p_met = float(meets_array(x, pr.comparator, pr.target).mean())
    pr.quantiles = _quantiles(x)
    pr.n_draws, pr.seed = n_draws, seed
    if keep:
        pr.draws = x
    return pr


def probabilities_frame(probs: list[Probability]) -> pd.DataFrame:
    """The probabilities as a table: target_id, p_met, reason, method, years, excluded_years, n_draws, seed."""
    return pd.DataFrame([{"target_id": p.target_id, "p_met": p.p_met, "reason": p.reason, "method": p.method,
                          "years": p.years, "excluded_years": p.excluded_years, "n_draws": p.n_draws,
                          "seed": p.seed} for p in probs])


__all__ = ["DEFAULT_DRAWS", "DEFAULT_SEED", "MIN_YEARS", "FAN_QUANTILES", "REASONS", "Probability", "predictive",
           "draw", "meets_array", "p_met", "indicator_rng", "h2_h1_ratios", "fy_h1_growth_gaps",
           "target_probabilities", "probabilities_frame"]

"""Benchmark: P(target met) for every target with 10⁵ Monte Carlo draws (must take ≤ 1 s).

    .venv/bin/python bench/probability.py [--draws 100000] [--repeat 5]

Prints one line, e.g. ``probability: 100000 draws x 23 targets: 0.07 s`` (the best of ``--repeat``
runs, data already loaded: the time a briefing adds), then how many targets got a probability.
Exits 1 when the time is over the 1 s budget.
"""
from __future__ import annotations

import argparse
import sys
import time

from kg_metrics.data.observations import load_observations
from kg_metrics.analysis.probability import DEFAULT_DRAWS, target_probabilities
from kg_metrics.data.registry import load_registry

BUDGET_S = 1.0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--draws", type=int, default=DEFAULT_DRAWS)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args(argv)
    reg = load_registry()
    obs = load_observations(reg)
    times, probs = [], []
    for _ in range(max(1, args.repeat)):
        t0 = time.perf_counter()
        probs = target_probabilities(reg, obs, n_draws=args.draws)
        times.append(time.perf_counter() - t0)
    best = min(times)
    n = len(probs)
    k = sum(p.available for p in probs)
    print(f"probability: {args.draws} draws x {n} targets: {best:.2f} s")
    print(f"  {k} of {n} targets have enough history for a probability; "
          f"runs: {', '.join(f'{t:.3f}' for t in times)} s; budget {BUDGET_S:.0f} s")
    return 0 if best <= BUDGET_S else 1


if __name__ == "__main__":
    sys.exit(main())

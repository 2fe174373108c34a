"""Which statistical combination the forecaster should fall back on, chosen on held-out series.

``AutoSeqForecaster`` forecasts with a combination of statistical models when its
folds are too few to rank candidates (and otherwise makes the search's choice beat
it). This script chooses that combination on development series only: M3 and
Tourism series drawn with ``load_series(sample=200, seed=S)`` for the given seeds,
minus every series of the benchmark samples ``seed=0`` and ``seed=1`` of
``benchmarks/forecasting_series.py``, so that the benchmark stays unseen.

Per series, statsforecast's AutoETS (E), AutoTheta (T), AutoARIMA (A), AutoCES (C)
and DynamicOptimizedTheta (D) are fitted on the training part (season as the
forecaster uses it: 1 when the series holds fewer than two seasons and a
season-less AutoARIMA above 24) and forecast the official horizon; every mean and
median of two to five of them is scored by MASE against the test part. Writes
``benchmarks/results/combination_check.json`` and the fragment
``benchmarks/fragments/combination_check.md``.

Run (about 10 minutes per seed on 2 cores)::

    nice -n 10 python benchmarks/combination_check.py --seeds 7 8 --per-seed 140
"""

from __future__ import annotations

import argparse
import itertools
import warnings

import numpy as np

try:
    from benchmarks._common import HERE, save
    from benchmarks.forecasting_series import group_table, load_series, mase
except ModuleNotFoundError:  # run as a script
    from _common import HERE, save
    from forecasting_series import group_table, load_series, mase

MODELS = {"E": "AutoETS", "T": "AutoTheta", "A": "AutoARIMA", "C": "AutoCES",
          "D": "DynamicOptimizedTheta"}
SHOWN = ("T", "E", "A", "mean(ETD)", "median(ETA)", "median(ETAD)", "median(TAD)")
FRAGMENT = HERE / "fragments" / "combination_check.md"


def development_series(seeds, per_seed):
    """``per_seed`` series of each seed's draw, none of them in the benchmark samples."""
    benchmark = {s["name"] for seed in (0, 1) for s in load_series(sample=24, seed=seed)}
    chosen, seen = [], set()
    for seed in seeds:
        drawn = [s for s in load_series(sample=per_seed + 60, seed=seed)
                 if s["name"] not in benchmark and s["name"] not in seen][:per_seed]
        seen.update(s["name"] for s in drawn)
        chosen += drawn
    return chosen


def forecasts(series):
    """Each model's forecast of the official horizon (NaN where it failed)."""
    from statsforecast import models

    y, h, m = series["train"], series["horizon"], series["season_length"]
    season = m if len(y) >= 2 * m + 1 else 1
    out = {}
    for key, name in MODELS.items():
        m_ = 1 if name == "AutoARIMA" and season > 24 else season
        try:
            out[key] = np.asarray(getattr(models, name)(season_length=m_).fit(y).predict(h)["mean"])
        except Exception:  # a failed model is a NaN row, not a lost series
            out[key] = np.full(h, np.nan)
    return out


def combinations():
    """Every single model and every mean and median of two to five of them."""
    rules = {key: (lambda f, key=key: f[key]) for key in MODELS}
    for k in range(2, len(MODELS) + 1):
        for combo in itertools.combinations(MODELS, k):
            tag = "".join(combo)
            rules[f"mean({tag})"] = lambda f, c=combo: np.mean([f[x] for x in c], axis=0)
            rules[f"median({tag})"] = lambda f, c=combo: np.median([f[x] for x in c], axis=0)
    return rules


def run(seeds=(7, 8), per_seed=140) -> dict:
    rules, rows = combinations(), []
    for k, series in enumerate(development_series(seeds, per_seed)):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fc = forecasts(series)
        rows.append({"name": series["name"], "group": series["group"],
                     "mase": {r: round(mase(series["test"], rule(fc), series["train"],
                                            series["season_length"]), 4)
                              for r, rule in rules.items()}})
        print(f"[{k + 1}] {series['name']}", flush=True)
    means = {r: float(np.nanmean([row["mase"][r] for row in rows])) for r in rules}
    return {"seeds": list(seeds), "per_seed": per_seed, "n_series": len(rows),
            "mean_mase": means, "series": rows}


def fragment(result: dict) -> str:
    means = result["mean_mase"]
    ranked = sorted(means, key=means.get)
    lines = [
        "## Choosing the statistical combination (`benchmarks/combination_check.py`)",
        "",
        f"{result['n_series']} M3 and Tourism series (`load_series(sample=200, seed=S)`, "
        f"{result['per_seed']} for each seed S in {result['seeds']}, none of them in the "
        "benchmark samples of seeds 0 and 1), official horizons, mean MASE. "
        "E AutoETS, T AutoTheta, A AutoARIMA, C AutoCES, D DynamicOptimizedTheta "
        "(statsforecast).",
        "",
        "| rule | mean MASE | rank of " + str(len(means)) + " |",
        "|---|---|---|",
    ]
    lines += [f"| {r} | {means[r]:.3f} | {ranked.index(r) + 1} |"
              for r in sorted(set(SHOWN) | set(ranked[:5]), key=means.get)]
    lines += ["", "Per group:", "",
              *group_table(result["series"], SHOWN, lambda r, s: r["mase"][s], ".2f")]
    return "\n".join(lines) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[7, 8])
    parser.add_argument("--per-seed", type=int, default=140)
    args = parser.parse_args(argv)
    result = run(tuple(args.seeds), args.per_seed)
    save("combination_check", result)
    FRAGMENT.parent.mkdir(exist_ok=True)
    FRAGMENT.write_text(fragment(result))
    print(fragment(result))


if __name__ == "__main__":
    main()

"""When should the search's choice replace the statistical combination? (issue 23)

On the development series of ``benchmarks/combination_check.py`` (none in any
benchmark sample), each series is fitted once by the default
``AutoSeqForecaster`` with the last step of the selection (the combination
against the search's choice, ``ForecastTask.robust_choice``) recorded and
skipped, so that the fitted forecaster is the search's own choice. Per series
the script keeps both candidates' validation forecasts per fold, their
forecasts of the official test part and its truth, so that any rule deciding
between the two can be replayed offline (``--report``) without refitting.

Run (about 15 s per series on 2 cores)::

    nice -n 10 python benchmarks/selection_check.py --seeds 7 8 --per-seed 140
    python benchmarks/selection_check.py --report
"""

from __future__ import annotations

import argparse
import json
import time
import warnings

import numpy as np

try:
    from benchmarks._common import HERE
    from benchmarks.combination_check import development_series
    from benchmarks.forecasting_series import group_table, mase
except ModuleNotFoundError:  # run as a script
    from _common import HERE
    from combination_check import development_series
    from forecasting_series import group_table, mase

RESULTS = HERE / "results" / "selection_check.jsonl"
FRAGMENT = HERE / "fragments" / "selection_check.md"
MIX_MARGINS = (0.0, 0.02, 0.05, 0.1, 0.15, 0.2)
ALONE_MARGINS = (0.0, 0.1, 0.2, 0.3, 0.5, float("inf"))


def _recording_choice(record):
    """``robust_choice`` that records both sides and keeps the search's choice."""
    from autoseq.automl import combination_choice as cc
    from autoseq.automl.forecast_task import ForecastTask
    from autoseq.model_selection.results import candidate_name

    original = ForecastTask.robust_choice

    def choice(self, pipeline, results, oof, y_folds, y, scorer, best_single, outcome):
        members = cc.combination_members(results, oof)
        record["decides"] = bool(self.combination_decides())
        if members is None or oof is None or record["decides"]:
            return original(self, pipeline, results, oof, y_folds, y, scorer, best_single,
                            outcome)
        ensemble = outcome is not None and outcome.wins
        challenger = (cc.split_folds(outcome.residuals, y_folds) if ensemble
                      else oof[best_single])
        record.update(
            y_folds=[np.asarray(t).tolist() for t in y_folds],
            challenger_folds=[None if p is None else np.asarray(p).tolist()
                              for p in challenger],
            combination_folds=[np.mean([oof[i][k] for i in members], axis=0).tolist()
                               for k in range(len(y_folds))],
            challenger=("ensemble" if ensemble
                        else candidate_name(results["params"][best_single])),
            scale=float(self.scale))
        return outcome

    return ForecastTask, original, choice


def combination_forecast(train, horizon, season):
    """The mean of AutoETS, AutoTheta and DynamicOptimizedTheta (as autoseq combines)."""
    from statsforecast import models

    return np.mean([np.asarray(getattr(models, name)(season_length=season).fit(train)
                               .predict(horizon)["mean"], dtype=np.float64)
                    for name in ("AutoETS", "AutoTheta", "DynamicOptimizedTheta")], axis=0)


def run_item(series):
    from autoseq import AutoSeqForecaster

    record = {}
    cls, original, choice = _recording_choice(record)
    train, test = np.asarray(series["train"], float), np.asarray(series["test"], float)
    h, m = series["horizon"], series["season_length"]
    started = time.monotonic()
    cls.robust_choice = choice
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fc = AutoSeqForecaster(horizon=h, season_length=m, random_state=0).fit(train)
            chosen = np.asarray(fc.predict(), dtype=np.float64).ravel()
            combined = combination_forecast(train, h, m)
    finally:
        cls.robust_choice = original
    return {"name": series["name"], "group": series["group"], "season": m,
            "fit_s": round(time.monotonic() - started, 1), **record,
            "test": test.tolist(), "train_tail": train[-3 * max(h, m):].tolist(),
            "challenger_test": chosen.tolist(), "combination_test": combined.tolist(),
            "mase_challenger": mase(test, chosen, train, m),
            "mase_combination": mase(test, combined, train, m)}


def run(seeds, per_seed):
    done = set()
    if RESULTS.is_file():
        done = {json.loads(line)["name"] for line in RESULTS.read_text().splitlines()}
    for k, series in enumerate(development_series(seeds, per_seed)):
        if series["name"] in done:
            continue
        row = run_item(series)
        with RESULTS.open("a") as out:
            out.write(json.dumps(row) + "\n")
        print(f"[{k + 1}] {row['name']} {row.get('challenger', '-')} "
              f"{row['mase_challenger']:.3f} vs {row['mase_combination']:.3f} "
              f"({row['fit_s']} s)", flush=True)


def advantage(row):
    """The search's choice's relative cut in the combination's validation error."""
    from autoseq.automl.combination_choice import relative_advantage

    def scores(key):
        return [-np.mean(np.abs(np.asarray(t) - np.asarray(p))) / row["scale"]
                for t, p, c in zip(row["y_folds"], row[key], row["challenger_folds"],
                                   strict=True) if c is not None]
    return relative_advantage(scores("challenger_folds"), scores("combination_folds"))


def replayed_mase(row, mix_margin, alone_margin, share=0.5):
    """Test MASE of the forecast a rule would have given: the combination, the choice
    alone (a cut above ``alone_margin``) or mixed (above ``mix_margin``)."""
    if "y_folds" not in row:  # too few independent origins: the combination, always
        return row["mase_combination"]
    cut = advantage(row)
    weight = 1.0 if cut > alone_margin else share if cut > mix_margin else 0.0
    test, combined = np.asarray(row["test"]), np.asarray(row["combination_test"])
    blend = weight * np.asarray(row["challenger_test"]) + (1 - weight) * combined
    scale = np.mean(np.abs(test - combined)) / row["mase_combination"]
    return float(np.mean(np.abs(test - blend)) / scale)


def fragment(rows):
    from autoseq.automl.combination_choice import ALONE_MARGIN, MIX_MARGIN

    ranked = [r for r in rows if "y_folds" in r]

    def mean(mix, alone, subset=rows):
        return float(np.mean([replayed_mase(r, mix, alone) for r in subset]))

    inf = float("inf")
    lines = [
        "## When the search's choice replaces the statistical combination "
        "(`benchmarks/selection_check.py`)",
        "",
        f"{len(rows)} M3 and Tourism development series (those of "
        "`benchmarks/combination_check.py`, none in any benchmark sample), the default "
        "`AutoSeqForecaster(horizon=h, season_length=m, random_state=0)` fitted once each "
        "with the last selection step recorded and skipped; each rule replayed on the "
        f"recorded forecasts. On {len(rows) - len(ranked)} series the folds held fewer "
        "than four independent forecasts, so the combination is the forecast under every "
        f"rule; the rules differ on the other {len(ranked)}. Mean test MASE over all "
        f"{len(rows)}:",
        "",
        f"- the search's choice whenever it leads on the folds (before): "
        f"{mean(0.0, 0.0):.4f}",
        f"- the combination always: {mean(inf, inf):.4f}",
        f"- the search's choice always: {mean(-inf, -inf):.4f}",
        f"- the default now (mixed half and half above a {MIX_MARGIN:.0%} cut in validation "
        f"error, alone above {ALONE_MARGIN:.0%}): {mean(MIX_MARGIN, ALONE_MARGIN):.4f}",
        "",
        "Mean test MASE by the cut in validation error needed for a half share (rows) and "
        "to stand alone (columns):",
        "",
        "| mix \\ alone | " + " | ".join(f"{b:g}" for b in ALONE_MARGINS) + " |",
        "|---|" + "---|" * len(ALONE_MARGINS),
    ]
    for a in MIX_MARGINS:
        cells = [f"{mean(a, b):.4f}" if b >= a else "" for b in ALONE_MARGINS]
        lines.append(f"| {a:g} | " + " | ".join(cells) + " |")
    columns = {"before": (0.0, 0.0), "combination": (inf, inf), "now": (MIX_MARGIN, ALONE_MARGIN)}
    lines += ["", "Per group, the series where the rules differ:", "",
              *group_table(ranked, list(columns),
                           lambda r, c: replayed_mase(r, *columns[c]), ".3f")]
    return "\n".join(lines) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[7, 8])
    parser.add_argument("--per-seed", type=int, default=140)
    parser.add_argument("--report", action="store_true")
    args = parser.parse_args(argv)
    if not args.report:
        run(tuple(args.seeds), args.per_seed)
    rows = [json.loads(line) for line in RESULTS.read_text().splitlines()]
    FRAGMENT.parent.mkdir(exist_ok=True)
    FRAGMENT.write_text(fragment(rows))
    print(fragment(rows))


if __name__ == "__main__":
    main()

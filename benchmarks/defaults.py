"""Default fit: every AutoSeq estimator as a user first calls it, with no settings.

Each row runs in a fresh Python process (a user's first fit pays TensorFlow's
import too), fits the default estimator on the train part and scores it on the
test part, then fits in the same run what it must beat: MiniRocket (aeon, see
``benchmarks/_minirocket.py``) for collections, seasonal naive for the forecast,
and the best baseline, i.e. the same estimator with ``architectures=[]``.

    python benchmarks/defaults.py                 # every row, then BENCHMARKS.md
    python benchmarks/defaults.py --rows GunPoint Airline
    python benchmarks/defaults.py --budgets 10 30     # the same rows under explicit budgets
    python benchmarks/run.py --only defaults
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
import warnings

import numpy as np

try:
    from benchmarks._common import HERE, ROOT, load, machine, save
    from benchmarks._minirocket import minirocket
except ModuleNotFoundError:  # run as a script
    from _common import HERE, ROOT, load, machine, save
    from _minirocket import minirocket

# row -> (estimator, data set, metric)
ROWS = {
    "GunPoint": ("AutoSeqClassifier", "gunpoint", "accuracy"),
    "ItalyPowerDemand": ("AutoSeqClassifier", "ItalyPowerDemand", "accuracy"),
    "BasicMotions": ("AutoSeqClassifier", "BasicMotions", "accuracy"),
    "JapaneseVowels": ("AutoSeqClassifier", "JapaneseVowels", "accuracy"),
    "Covid3Month": ("AutoSeqRegressor", "covid3month", "rmse"),
    "Airline": ("AutoSeqForecaster", "airline", "mape"),
    "KDD-TSAD_135": ("AutoSeqAnomalyDetector", "kdd_tsad_135", "hit"),
    "stream-10k": ("AutoSeqAnomalyDetector", "planted", "hit"),
    "text-5k": ("AutoSeqGenerator", "text", "accuracy"),
}
HORIZON = 12


def _timed(make, *args):
    est = make()
    started = time.monotonic()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est.fit(*args)
    return est, time.monotonic() - started


def _summary(est, fit_s, score) -> dict:
    from autoseq.model_selection.results import is_trained

    board = est.leaderboard_
    results = est.cv_results_
    # the candidates fitted without a training loop (baselines, rocket_ridge, statistical)
    free = [i for i, p in enumerate(results["params"]) if not is_trained(p) and "members" not in p]
    scored = np.isfinite(np.asarray(results["mean_test_score"], dtype=float)[free])
    # the board ranks by the score it shows; the winner is best_index_
    winner = board[board["rank"] == est.cv_results_["rank_test_score"][est.best_index_]].iloc[0]
    return {"score": score, "fit_s": round(fit_s, 2), "winner": str(winner["architecture"]),
            "winner_kind": str(winner["kind"]),
            "time_budget": getattr(est, "time_budget_", None),
            "stopped_early": getattr(est, "stopped_early_", None),
            "n_candidates": int(len(board)),
            "n_run": int(board["mean_score"].notna().sum()),
            "baselines_scored": f"{int(scored.sum())} of {len(free)}"}


def planted_stream(n=10_000, seed=0):
    """A noisy two-season stream with one stretch of 60 rows whose rhythm stops."""
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    values = np.sin(2 * np.pi * t / 100) + 0.4 * np.sin(2 * np.pi * t / 23) + rng.normal(
        scale=0.1, size=n)
    start = 7000
    values[start:start + 60] = values[start] + rng.normal(scale=0.1, size=60)
    labels = np.zeros(n, dtype=bool)
    labels[start:start + 60] = True
    return values, labels


def _hit(scores, labels) -> dict:
    lowest = int(np.argmin(scores))
    where = np.flatnonzero(labels)
    return {"score": float(where[0] - 100 <= lowest <= where[-1] + 100), "lowest_row": lowest,
            "label": [int(where[0]), int(where[-1])]}


def run_collection(row, estimator, dataset, metric, budget=None):
    import autoseq

    cls = getattr(autoseq, estimator)
    X_train, y_train = autoseq.load_dataset(dataset, "train")
    X_test, y_test = autoseq.load_dataset(dataset, "test")

    def score(est):
        pred = est.predict(X_test)
        if metric == "accuracy":
            return float(np.mean(pred == y_test))
        return float(np.sqrt(np.mean((np.asarray(pred, float) - y_test) ** 2)))

    est, fit_s = _timed(lambda: cls(random_state=0, **_budget(budget)), X_train, y_train)
    result = {"autoseq": _summary(est, fit_s, score(est))}
    if budget is not None:
        return result
    base, base_s = _timed(lambda: cls(architectures=[], random_state=0), X_train, y_train)
    result["best_baseline"] = _summary(base, base_s, score(base))
    task = "classification" if metric == "accuracy" else "regression"
    result["minirocket"] = minirocket(task, X_train, y_train, X_test, y_test)
    return result


def run_forecast(row, estimator, dataset, metric, budget=None):
    import autoseq

    y = autoseq.load_series(dataset)
    train, test = y.iloc[:-HORIZON], y.iloc[-HORIZON:].to_numpy()

    def mape(forecast):
        return float(np.mean(np.abs(np.asarray(forecast, float) - test) / test) * 100)

    est, fit_s = _timed(lambda: autoseq.AutoSeqForecaster(
        horizon=HORIZON, random_state=0, **_budget(budget)), train)
    result = {"autoseq": _summary(est, fit_s, mape(est.predict()))}
    if budget is not None:
        return result
    base, base_s = _timed(lambda: autoseq.AutoSeqForecaster(
        horizon=HORIZON, architectures=[], random_state=0), train)
    result["best_baseline"] = _summary(base, base_s, mape(base.predict()))
    season = train.to_numpy()[-12:]
    result["seasonal_naive"] = {"score": mape(season)}
    return result


def run_anomaly(row, estimator, dataset, metric, budget=None):
    import autoseq

    if dataset == "planted":  # the user's own stream, anomaly inside it: fit and score it
        stream, labels = planted_stream()
        train = stream
    else:  # the archive's way: fit on the anomaly-free start, score the test stream
        train, _ = autoseq.load_stream(dataset, "train")
        stream, labels = autoseq.load_stream(dataset, "test")
    result = {}
    runs = (("autoseq", _budget(budget)), ("best_baseline", {"architectures": []}))
    for key, kwargs in runs[:1] if budget is not None else runs:
        est, fit_s = _timed(lambda kw=kwargs: autoseq.AutoSeqAnomalyDetector(
            random_state=0, **kw), train)
        hit = _hit(est.score_samples(stream), labels)
        result[key] = {**_summary(est, fit_s, hit.pop("score")), **hit}
    return result


def run_generator(row, estimator, dataset, metric, budget=None):
    import autoseq

    text = autoseq.load_text(5000)
    train = text[:4500]

    def accuracy(est):
        ids = [est.vocabulary_.get(c, 1) for c in text]
        n = est.window_length_
        X = np.array([ids[i - n:i] for i in range(4500, len(text))])
        return float(np.mean(est.best_estimator_.predict(X) == np.array(ids[4500:])))

    est, fit_s = _timed(lambda: autoseq.AutoSeqGenerator(random_state=0, **_budget(budget)),
                        train)
    result = {"autoseq": _summary(est, fit_s, accuracy(est))}
    if budget is not None:
        return result
    base, base_s = _timed(lambda: autoseq.AutoSeqGenerator(architectures=[], random_state=0),
                          train)
    result["best_baseline"] = _summary(base, base_s, accuracy(base))
    return result


RUNNERS = {"AutoSeqClassifier": run_collection, "AutoSeqRegressor": run_collection,
           "AutoSeqForecaster": run_forecast, "AutoSeqAnomalyDetector": run_anomaly,
           "AutoSeqGenerator": run_generator}


def _budget(budget) -> dict:
    return {} if budget is None else {"time_budget": budget}


def run_row(row: str, budget: float | None = None) -> dict:
    estimator, dataset, metric = ROWS[row]
    try:
        result = RUNNERS[estimator](row, estimator, dataset, metric, budget)
    except FileNotFoundError as exc:  # an archive set that is not on this machine
        result = {"skipped": str(exc)}
    return {"row": row, "estimator": estimator, "metric": metric, **result}


def _child(row, budget=None) -> dict:
    """Run one row in a fresh process (a user's first fit pays TensorFlow's import too)."""
    command = [sys.executable, str(HERE / "defaults.py"), "--one", row]
    if budget is not None:
        command += ["--budget", str(budget)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        return {"row": row, "error": done.stderr.strip().splitlines()[-1][:300]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", nargs="+", choices=list(ROWS), help="only these rows")
    parser.add_argument("--quick", action="store_true", help="GunPoint and Airline only")
    parser.add_argument("--budgets", nargs="+", type=float, metavar="SECONDS",
                        help="instead of the defaults: each row's default estimator under "
                             "these explicit time budgets (fit time against budget)")
    parser.add_argument("--one", choices=list(ROWS), help=argparse.SUPPRESS)
    parser.add_argument("--budget", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:  # the child process of one row
        print(json.dumps(run_row(args.one, args.budget)))
        return 0
    rows = args.rows or (["GunPoint", "Airline"] if args.quick else list(ROWS))
    previous = load("defaults") or {}
    results, budgeted = dict(previous.get("rows", {})), dict(previous.get("budgets", {}))
    for row in rows:
        for budget in args.budgets or [None]:
            key = row if budget is None else f"{row}@{budget:g}"
            print(f"[defaults] {key} ...", flush=True)
            outcome = _child(row, budget)
            (results if budget is None else budgeted)[key] = (
                outcome if budget is None else {**outcome, "budget": budget})
            print(f"[defaults] {key}: {json.dumps(outcome)[:400]}", flush=True)
    save("defaults", {"machine": previous.get("machine", machine()) if args.budgets
                      else machine(),
                      "date": previous.get("date") if args.budgets else time.strftime(
                          "%Y-%m-%d %H:%M UTC", time.gmtime()),
                      "budgets_date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
                      if args.budgets else previous.get("budgets_date"),
                      "budgets_machine": machine() if args.budgets
                      else previous.get("budgets_machine"),
                      "rows": results, "budgets": budgeted})
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Accuracy of the default AutoSeq estimators on every data set in ``../shared/data``.

Each data set: ``AutoSeqClassifier(random_state=0)`` (``AutoSeqRegressor`` for
Covid3Month), everything else default (``time_budget='auto'``: what a user gets),
is fitted on the archive's train split and scored on its test split. MiniRocket
and MultiRocket (aeon, in its own virtual environment: ``python
benchmarks/archive.py --setup-minirocket``) are fitted and scored in the same run,
so the three are compared on the same machine state. Each row names the family of
autoseq's winner: the ROCKET family fitted in closed form, a network, another
baseline, or an ensemble of several.

Run: ``python benchmarks/accuracy.py [--quick]`` (``--quick``: two data sets).
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np

try:
    from benchmarks._common import load, save
    from benchmarks._minirocket import minirocket
except ModuleNotFoundError:  # run as a script
    from _common import load, save
    from _minirocket import minirocket

CLASSIFICATION = ["GunPoint", "ItalyPowerDemand", "BasicMotions", "JapaneseVowels"]
REGRESSION = ["Covid3Month"]
QUICK = ["GunPoint", "ItalyPowerDemand"]
REFERENCES = ("MiniRocket", "MultiRocket")


def _score(task, y_true, y_pred):
    if task == "classification":
        return float(np.mean(np.asarray(y_true) == np.asarray(y_pred)))
    return float(np.sqrt(np.mean((np.asarray(y_true, float) - np.asarray(y_pred, float)) ** 2)))


def family(params: dict) -> str:
    """The family of a leaderboard candidate: "ROCKET (closed form)", "network",
    "baseline", or an ensemble's families joined by "+"."""
    from autoseq.model_selection.results import candidate_name, kind

    if "members" in params:
        return " + ".join(sorted({family(p) for p in params["members"]}))
    if kind(params) != "baseline":
        return "network"
    name = candidate_name(params)
    return "ROCKET (closed form)" if "rocket" in name or "hydra" in name else "baseline"


def autoseq_default(task, X_train, y_train, X_test, y_test):
    from autoseq import AutoSeqClassifier, AutoSeqRegressor

    cls = AutoSeqClassifier if task == "classification" else AutoSeqRegressor
    est = cls(random_state=0)
    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est.fit(X_train, y_train)
    fit_s = time.perf_counter() - started
    pred = est.predict(X_test)
    board = est.leaderboard_
    per_arch = (board.dropna(subset=["mean_score"]).groupby("architecture")["mean_score"].max()
                .sort_values(ascending=False))
    return {"score": _score(task, y_test, pred), "fit_s": round(fit_s, 2),
            "search_time": est.search_time_, "refit_time": est.refit_time_,
            "time_budget": est.time_budget_, "best": str(board.iloc[0]["architecture"]),
            "family": family(est.best_params_),
            "best_params": str(board.iloc[0]["params"]), "cv_score": est.best_score_,
            "n_candidates": int(len(board)), "n_splits": int(est.n_splits_),
            "cv_scheme": est.cv_scheme_, "stopped_early": est.stopped_early_,
            "cv_by_architecture": {k: float(v) for k, v in per_arch.items()}}


def run_one(name: str, quick: bool = False) -> dict:
    """One data set: MiniRocket, MultiRocket and the default AutoSeq estimator."""
    from autoseq.io.datasets import load_dataset

    task = "regression" if name in REGRESSION else "classification"
    X_train, y_train = load_dataset(name, "train")
    X_test, y_test = load_dataset(name, "test")
    row = {"dataset": name, "task": task,
           "metric": "accuracy" if task == "classification" else "rmse", "quick": quick}
    for reference in REFERENCES:
        print(f"[accuracy] {name}: {reference}", flush=True)
        row[reference.lower()] = minirocket(task, X_train, y_train, X_test, y_test,
                                            family=reference)
    print(f"[accuracy] {name}: AutoSeq default", flush=True)
    row["autoseq"] = auto = autoseq_default(task, X_train, y_train, X_test, y_test)
    print(f"[accuracy] {name}: autoseq {auto['score']:.3f} ({auto['fit_s']:.0f}s, "
          f"{auto['best']}, {auto['family']}), "
          + ", ".join(f"{r} {row[r.lower()].get('score', float('nan')):.3f}"
                      for r in REFERENCES), flush=True)
    return row


def run(quick: bool = False, names=None) -> dict:
    """Every data set (or ``names``); each row is saved as soon as it is done."""
    from autoseq.io.datasets import archive_path

    if archive_path() is None:
        return {"skipped": "../shared/data (or $AUTOSEQ_DATA) not found"}
    names = names or (QUICK if quick else CLASSIFICATION + REGRESSION)
    for name in names:
        save(_file(name, quick), run_one(name, quick))
    return collect(quick)


def _file(name, quick):
    return f"accuracy{'_quick' if quick else ''}_{name}"


def collect(quick: bool = False) -> dict:
    """The saved rows, in the table's order."""
    rows = [load(_file(name, quick)) for name in CLASSIFICATION + REGRESSION]
    return {"rows": [r for r in rows if r is not None]}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--datasets", nargs="+", choices=CLASSIFICATION + REGRESSION)
    args = parser.parse_args(argv)
    print(save("accuracy" + ("_quick" if args.quick else ""), run(args.quick, args.datasets)))


if __name__ == "__main__":
    main()

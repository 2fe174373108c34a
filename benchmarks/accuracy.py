"""Accuracy of the default AutoSeq estimators on every data set in ``../shared/data``.

Each data set: the default ``AutoSeqClassifier`` (``AutoSeqRegressor`` for
Covid3Month) with ``random_state=0`` is fitted on the archive's train split and
scored on its test split; MiniRocket (aeon) is fitted and scored in the same
run, so the two are compared on the same machine state. Search time is the
AutoSeq search (all candidates x folds); refit time the final fit of the best.

Run: ``python benchmarks/accuracy.py [--quick]``.
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np

try:
    from benchmarks._common import load, save
except ModuleNotFoundError:  # run as a script
    from _common import load, save

CLASSIFICATION = ["GunPoint", "ItalyPowerDemand", "BasicMotions", "JapaneseVowels"]
REGRESSION = ["Covid3Month"]
QUICK = ["GunPoint", "ItalyPowerDemand"]


def _equal_length(X):
    """aeon's MiniRocket needs equal lengths: repeat each series' last step (UEA 'Eq' style)."""
    if not isinstance(X, list):
        return X
    T = max(len(s) for s in X)
    return np.stack([np.concatenate([s, np.repeat(s[-1:], T - len(s), axis=0)]) for s in X])


def _aeon(X, length=None):
    X = _equal_length(X)
    if length is not None and X.shape[1] < length:
        X = np.concatenate([X, np.repeat(X[:, -1:], length - X.shape[1], axis=1)], axis=1)
    return np.ascontiguousarray(np.transpose(X, (0, 2, 1)))  # (n, channels, steps)


def minirocket(name, task, X_train, y_train, X_test, y_test):
    from aeon.classification.convolution_based import MiniRocketClassifier
    from aeon.regression.convolution_based import MiniRocketRegressor

    length = max(_equal_length(X_train).shape[1], _equal_length(X_test).shape[1])
    A_train, A_test = _aeon(X_train, length), _aeon(X_test, length)
    model = (MiniRocketClassifier if task == "classification" else MiniRocketRegressor)(
        random_state=0)
    t0 = time.perf_counter()
    model.fit(A_train, y_train)
    fit_time = time.perf_counter() - t0
    pred = model.predict(A_test)
    return {"fit_time": fit_time, "score": _score(task, y_test, pred)}


def _score(task, y_true, y_pred):
    if task == "classification":
        return float(np.mean(np.asarray(y_true) == np.asarray(y_pred)))
    return float(np.sqrt(np.mean((np.asarray(y_true, float) - np.asarray(y_pred, float)) ** 2)))


def autoseq_default(task, X_train, y_train, X_test, y_test, time_budget=None):
    from autoseq import AutoSeqClassifier, AutoSeqRegressor

    cls = AutoSeqClassifier if task == "classification" else AutoSeqRegressor
    est = cls(random_state=0, time_budget=time_budget)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est.fit(X_train, y_train)
    pred = est.predict(X_test)
    board = est.leaderboard_
    per_arch = (board.dropna(subset=["mean_score"]).groupby("architecture")["mean_score"].max()
                .sort_values(ascending=False))
    return {"score": _score(task, y_test, pred), "search_time": est.search_time_,
            "refit_time": est.refit_time_, "best": str(board.iloc[0]["architecture"]),
            "best_params": str(board.iloc[0]["params"]), "cv_score": est.best_score_,
            "n_candidates": int(len(board)), "n_splits": int(est.n_splits_),
            "stopped_early": est.stopped_early_,
            "cv_by_architecture": {k: float(v) for k, v in per_arch.items()}}


def run_one(name: str, quick: bool = False) -> dict:
    """One data set: MiniRocket and the default AutoSeq estimator, in this process."""
    from autoseq.io.datasets import load_dataset

    task = "regression" if name in REGRESSION else "classification"
    X_train, y_train = load_dataset(name, "train")
    X_test, y_test = load_dataset(name, "test")
    print(f"[accuracy] {name}: MiniRocket", flush=True)
    mr = minirocket(name, task, X_train, y_train, X_test, y_test)
    print(f"[accuracy] {name}: AutoSeq default", flush=True)
    auto = autoseq_default(task, X_train, y_train, X_test, y_test,
                           time_budget=120 if quick else None)
    row = {"dataset": name, "task": task,
           "metric": "accuracy" if task == "classification" else "rmse",
           "autoseq": auto, "minirocket": mr, "quick": quick}
    print(f"[accuracy] {name}: autoseq {auto['score']:.3f} ({auto['search_time']:.0f}s, "
          f"best {auto['best']}), minirocket {mr['score']:.3f} ({mr['fit_time']:.2f}s)",
          flush=True)
    return row


def run(quick: bool = False, names=None) -> dict:
    """Every data set (or ``names``); each row is saved as soon as it is done."""
    from autoseq.io.datasets import archive_path, load_dataset

    if archive_path() is None:
        return {"skipped": "../shared/data (or $AUTOSEQ_DATA) not found"}
    names = names or (QUICK if quick else CLASSIFICATION + REGRESSION)
    # MiniRocket's numba kernels compile on first use (~20 s); keep that out of its fit time
    X, y = load_dataset("GunPoint", "train")
    minirocket("warm-up", "classification", X, y, X, y)
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

"""Leaderboards of small seeded searches, for checking that a refactor changes nothing.

    python tools/leaderboard_snapshot.py before.json    # on the old code
    python tools/leaderboard_snapshot.py after.json     # on the new code
    python tools/leaderboard_snapshot.py --compare before.json after.json

Timing columns are dropped; scores are rounded to 6 decimals.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

TIMING = ("time", "seconds", "fit_s")


def _searches():
    import autoseq
    from autoseq import get_architecture

    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 12, 2))
    y = (X[:, :, 0].mean(axis=1) > 0).astype(int)
    yr = X[:, :, 0].mean(axis=1) + 0.1 * rng.normal(size=40)
    gru = get_architecture("gru", units=4)
    common = {"max_epochs": 2, "cv": 2, "random_state": 0}
    yield "classifier", lambda: autoseq.AutoSeqClassifier(architectures=[gru], **common).fit(X, y)
    yield "classifier_halving", lambda: autoseq.AutoSeqClassifier(
        architectures=[gru, "cnn_lstm"], search="halving", **common).fit(X, y)
    yield "regressor", lambda: autoseq.AutoSeqRegressor(architectures=[gru], **common).fit(X, yr)
    index = pd.date_range("2000-01-01", periods=120, freq="MS")
    t = np.arange(120)
    series = pd.Series(10 + 0.2 * t + 5 * np.sin(2 * np.pi * t / 12) + rng.normal(size=120),
                       index=index)
    yield "forecaster", lambda: autoseq.AutoSeqForecaster(
        horizon=3, architectures=[], statistical=False, random_state=0).fit(series)
    yield "forecaster_net", lambda: autoseq.AutoSeqForecaster(
        horizon=2, architectures=["gru"], lookbacks=[6], season_length=12, strategy="direct",
        cv=2, param_grid={"gru": {"units": [4], "window__normalize": ["none"],
                                  "transform__method": ["none"]}},
        max_epochs=2, random_state=0).fit(series)
    stream = np.sin(2 * np.pi * np.arange(600) / 25) + rng.normal(0, 0.05, 600)
    stream[400:410] = 1.8
    yield "detector", lambda: autoseq.AutoSeqAnomalyDetector(
        architectures=[gru], window_length=16, bottleneck=4, **common).fit(stream)
    text = "the quick brown fox jumps over the lazy dog. " * 20
    yield "generator", lambda: autoseq.AutoSeqGenerator(
        lookback=[4, 8], architectures=[gru], max_epochs=1, cv=2, random_state=0).fit(text)


def _frame(board: pd.DataFrame) -> list[dict]:
    board = board.drop(columns=[c for c in board.columns if any(t in c for t in TIMING)])
    rows = []
    for record in board.to_dict("records"):
        rows.append({k: (round(v, 6) if isinstance(v, float) and np.isfinite(v) else str(v))
                     for k, v in record.items()})
    return rows


def snapshot(path: str) -> None:
    out = {}
    for name, fit in _searches():
        est = fit()
        out[name] = _frame(est.leaderboard_)
        print(f"{name}: {len(out[name])} rows", file=sys.stderr)
    with open(path, "w") as handle:
        json.dump(out, handle, indent=1, sort_keys=True, default=str)


def compare(before: str, after: str) -> int:
    with open(before) as a, open(after) as b:
        old, new = json.load(a), json.load(b)
    failures = 0
    for name in old:
        if old[name] != new.get(name):
            failures += 1
            print(f"DIFFERENT: {name}")
            print(pd.DataFrame(old[name]).to_string())
            print(pd.DataFrame(new.get(name, [])).to_string())
    print("identical" if not failures else f"{failures} searches differ")
    return 1 if failures else 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--compare", action="store_true")
    args = parser.parse_args()
    sys.exit(compare(*args.paths) if args.compare else snapshot(args.paths[0]))

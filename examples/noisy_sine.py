"""Next value of a noisy sine wave from its 10 past values, two ways.

The tutorials' sequence-prediction task: a sine wave plus noise; each window
of 10 past values predicts the next one. They split 80/20 in time order,
scale with a MinMaxScaler fitted on the training part, and build an LSTM.

1. ``AutoSeqForecaster`` on the series itself: it builds the windows, scales
   inside each walk-forward fold, searches, and forecasts one step at a time
   over the test part, taking each new observation in with ``update`` (no
   refit).
2. ``AutoSeqRegressor`` on windows made with
   :func:`autoseq.preprocessing.windowing.make_windows` (the tutorials' ``create_dataset``),
   for when the windows are what you have.

Both are compared with the naive forecast (the last value) on the same test
part.

Run from the project root::

    python examples/noisy_sine.py           # an LSTM searched in both (see below)
    python examples/noisy_sine.py --quick   # fewer epochs, no AutoARIMA (about a minute)

The forecaster detects a season of 63 steps (the sine's period is about 62.8),
and its statistical round, which ``time_budget`` does not bound, then fits
statsforecast's seasonal AutoARIMA once per fold: over ten minutes a fit on two
cores. ``--quick`` searches the other statistical models (AutoETS, AutoTheta,
AutoCES) and leaves AutoARIMA out.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

LOOKBACK = 10


def noisy_sine(n: int = 600, *, noise: float = 0.1, seed: int = 0) -> np.ndarray:
    """``sin(0.1 t)`` plus Gaussian noise.

    Examples
    --------
    >>> noisy_sine(5, noise=0.0).round(3).tolist()
    [0.0, 0.1, 0.199, 0.296, 0.389]
    """
    t = np.arange(n)
    return np.sin(0.1 * t) + noise * np.random.default_rng(seed).normal(size=n)


def rmse(a, b) -> float:
    return float(np.sqrt(np.mean((np.asarray(a) - np.asarray(b)) ** 2)))


def main(quick: bool = False) -> None:
    from autoseq import AutoSeqForecaster, AutoSeqRegressor
    from autoseq.preprocessing.windowing import make_windows

    series = noisy_sine()
    split = int(len(series) * 0.8)
    train, test = series[:split], series[split:]
    epochs = 20 if quick else 60
    lstm = {"lstm": {"units": [32]}}

    # 1. the forecaster on the series, rolling one step ahead with update()
    started = time.perf_counter()
    # the full run trains every LSTM candidate (time_budget=None) and searches every
    # statistical model; --quick keeps the default budget of about a minute, which may end
    # the network rounds early, and leaves out AutoARIMA: with the detected season of 63
    # steps each of its fits takes minutes, and the statistical round runs in full whatever
    # the budget
    statistical = ["AutoETS", "AutoTheta", "AutoCES"] if quick else True
    fc = AutoSeqForecaster(lookbacks=[LOOKBACK], architectures=["lstm"], param_grid=lstm,
                           max_epochs=epochs, time_budget="auto" if quick else None,
                           statistical=statistical, random_state=0).fit(train)
    forecasts = []
    for value in test:
        forecasts.append(float(fc.predict()[0]))
        fc.update([value])
    # best_estimator_'s row: a winning ensemble ranks by its own score, not necessarily first
    winner = fc.leaderboard_.set_index("rank").loc[
        fc.cv_results_["rank_test_score"][fc.best_index_], "architecture"]
    print(f"AutoSeqForecaster: test RMSE {rmse(test, forecasts):.4f}  "
          f"({time.perf_counter() - started:.0f}s; winner {winner})")
    print(fc.leaderboard_[["rank", "architecture", "kind", "params", "mase"]].head(5)
          .to_string(index=False))

    # 2. the regressor on supervised windows, split in time order
    X, y = make_windows(series, lookback=LOOKBACK)
    n_train = split - LOOKBACK  # windows whose target lies in the training part
    started = time.perf_counter()
    reg = AutoSeqRegressor(architectures=["lstm"], param_grid=lstm, max_epochs=epochs,
                           random_state=0).fit(X[:n_train], y[:n_train])
    print(f"AutoSeqRegressor on windows: test RMSE "
          f"{rmse(y[n_train:], reg.predict(X[n_train:])):.4f}  "
          f"({time.perf_counter() - started:.0f}s; winner "
          f"{reg.leaderboard_.loc[0, 'architecture']})")

    print(f"naive (last value): test RMSE {rmse(test, series[split - 1:-1]):.4f}; "
          f"the noise alone is 0.1")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="fewer epochs, no AutoARIMA")
    main(quick=parser.parse_args().quick)

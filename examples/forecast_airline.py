"""Forecast the Airline passengers a year ahead, with intervals and a backtest.

The classic monthly series (1949-1960). The last 12 months are held out; the
forecaster sees the first 132 only, chooses everything by walk-forward
validation on them (look-back, per-window normalisation, log or Box-Cox
transform, direct or recursive strategy, architecture, a baseline or one of
statsforecast's models, or an ensemble across them), and forecasts the held-out
year with 90% split-conformal intervals. Seasonal naive (same month last year)
scores 10.0% MAPE on this split, scaled by last year's growth 2.95%;
statsforecast's AutoETS 7.2%, AutoARIMA 4.2%, AutoTheta 3.9% (all on the
leaderboard when statsforecast is installed: ``pip install 'autoseq[stats]'``).

Run from the project root (needs ``../shared/data/Airline``)::

    python examples/forecast_airline.py           # the default search (about a minute)
    python examples/forecast_airline.py --quick   # baselines and one small GRU
    python examples/forecast_airline.py --plot forecast.png   # also draw it (matplotlib)
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd


def load_airline() -> pd.Series:
    """The monthly series on a DatetimeIndex (month starts)."""
    from autoseq.io.datasets import archive_path

    folder = archive_path("Airline")
    if folder is None:
        raise SystemExit("../shared/data/Airline not found (set AUTOSEQ_DATA to the archive).")
    frame = pd.read_csv(folder / "series.csv", index_col="Date", parse_dates=True)
    return frame["Passengers"]


def mape(actual, forecast) -> float:
    actual, forecast = np.asarray(actual, dtype=float), np.asarray(forecast, dtype=float)
    return float(np.mean(np.abs(forecast - actual) / actual) * 100)


def main(quick: bool = False, plot: str | None = None) -> None:
    import autoseq
    from autoseq import AutoSeqForecaster

    y = load_airline()
    train, test = y.iloc[:132], y.iloc[132:]
    if quick:
        fc = AutoSeqForecaster(horizon=12, architectures=["gru"], param_grid={
            "gru": {"units": [16]}}, max_epochs=40, random_state=0, verbose=1)
    else:
        fc = AutoSeqForecaster(horizon=12, random_state=0, verbose=1)
    started = time.perf_counter()
    fc.fit(train)
    print(f"fit in {time.perf_counter() - started:.0f}s; season {fc.season_length_}, "
          f"look-backs searched {fc.lookbacks_}")
    columns = ["rank", "architecture", "kind", "params", "mase", "fit_time"]
    print(fc.leaderboard_[columns].head(10).to_string(index=False))

    forecast = fc.predict()
    interval = fc.predict_interval(coverage=0.9)
    snaive = train.iloc[-12:].to_numpy()
    print(f"\nheld-out year: MAPE {mape(test, forecast):.1f}% "
          f"(seasonal naive {mape(test, snaive):.1f}%)")
    inside = (test.to_numpy() >= interval["lower"].to_numpy()) & (
        test.to_numpy() <= interval["upper"].to_numpy())
    print(f"90% intervals cover {inside.mean():.0%} of the held-out months")
    print(pd.DataFrame({"actual": test, "forecast": forecast.round(1),
                        "lower": interval["lower"].round(1),
                        "upper": interval["upper"].round(1)}).to_string())

    # did the networks earn their minutes? the best of each kind, refitted, on the held-out year
    board = fc.leaderboard_
    # the winner is best_estimator_'s row (an ensemble that won ranks by its own score)
    picks = {"winner": int(fc.cv_results_["rank_test_score"][fc.best_index_])}
    for label, rows in (("best single", board[board["kind"] != "ensemble"]),
                        ("best network", board[board["kind"] == "deep"]),
                        ("ensemble", board[board["kind"] == "ensemble"]),
                        ("best baseline", board[board["kind"] == "baseline"]),
                        ("best statistical", board[board["kind"] == "statistical"])):
        if len(rows) and np.isfinite(rows["mase"].iloc[0]):
            picks[label] = int(rows["rank"].iloc[0])
    for name in ("seasonal_naive", "seasonal_naive_growth", "naive", "drift", "AutoETS",
                 "AutoTheta", "AutoARIMA", "Combination"):
        rows = board[board["architecture"] == name]
        if len(rows):
            picks[name] = int(rows["rank"].iloc[0])
    print("\nheld-out MAPE of the best candidate of each kind (refitted on the 132 months):")
    for label, rank in picks.items():
        candidate = fc if rank == picks["winner"] else fc.refit_candidate(rank)
        row = board[board["rank"] == rank].iloc[0]
        print(f"  {label:15s} {mape(test, candidate.predict()):5.1f}%   rank {rank:3d}  "
              f"{row['architecture']} {row['params']}")

    backtest = fc.backtest(train)
    print("\nbacktest of the chosen pipeline on the training years (refitted per fold):")
    print(backtest.scores.round(3).to_string(index=False))

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "airline.autoseq"
        autoseq.save(fc, path)
        assert np.allclose(autoseq.load(path).predict(), forecast)
    print("\nsaved and loaded: the loaded forecaster predicts the same")

    if plot:
        from autoseq.ui.plot import plot_forecast

        ax = plot_forecast(train, forecast, actual=test, intervals=interval)
        ax.figure.savefig(plot)
        print(f"plot written to {plot}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="baselines and one small GRU")
    parser.add_argument("--plot", metavar="PNG", help="draw history, forecast and actual")
    args = parser.parse_args()
    main(quick=args.quick, plot=args.plot)

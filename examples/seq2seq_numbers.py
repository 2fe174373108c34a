"""Sequence to sequence: 1, 2, 3, 4, 5 -> 6, 7, 8, 9, 10 with ``horizon=5``.

The tutorials' multi-step toy: from five numbers in a row, predict the next
five. ``AutoSeqForecaster(horizon=5)`` learns it from a counting series and
forecasts five values at once (direct: one network output per step) or one
at a time fed back (recursive), whichever validates better. Windows taken
relative to their last value let it continue from levels it never saw in
training, so it answers for 1..5 and for 1001..1005 alike.

Run from the project root::

    python examples/seq2seq_numbers.py           # an LSTM and the baselines (minutes)
    python examples/seq2seq_numbers.py --quick   # fewer epochs
"""

from __future__ import annotations

import argparse

import numpy as np

HORIZON = 5


def continue_from(forecaster, start: int) -> np.ndarray:
    """Forecast the 5 numbers after ``start .. start + 4`` with the fitted pipeline."""
    from autoseq.preprocessing.windowing import history_samples

    seen = np.arange(start, start + HORIZON, dtype=float)[:, None]
    sample = history_samples(seen, [HORIZON], forecaster.history_length_, HORIZON)
    return forecaster.best_estimator_.predict(sample)[0]


def main(quick: bool = False) -> None:
    from autoseq import AutoSeqForecaster

    series = np.arange(1.0, 61.0)  # 1, 2, ..., 60
    fc = AutoSeqForecaster(horizon=HORIZON, lookbacks=[HORIZON], architectures=["lstm"],
                           param_grid={"lstm": {"units": [32]}},
                           max_epochs=30 if quick else 100, random_state=0).fit(series)
    print(fc.leaderboard_[["rank", "architecture", "kind", "params", "mase"]].head(8)
          .to_string(index=False))
    print(f"\nafter 1..60 it forecasts {fc.predict().round(2).tolist()}")
    for start in (1, 1001):
        seen = list(range(start, start + HORIZON))
        print(f"{seen} -> {continue_from(fc, start).round(2).tolist()}")

    deep = fc.leaderboard_[fc.leaderboard_["kind"] == "deep"].iloc[0]
    print(f"\nbest network: {deep['architecture']} {deep['params']} "
          f"(validation MASE {deep['mase']:.3f})")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer epochs")
    main(quick=parser.parse_args().quick)

"""The defaults stage: every AutoSeq estimator as a user first calls it, on real data
bundled with autoseq, held to an accuracy floor.

Run by ``.ci/run`` after the default suite (``python -m pytest -m defaults``); each
test prints its wall time for the CI log. There are no time limits here: speed is
measured in ``benchmarks/defaults.py`` and reported in BENCHMARKS.md.
"""

import time

import numpy as np
import pytest

import autoseq

pytestmark = pytest.mark.defaults


def _winner(est):
    """The winner's leaderboard name (the board ranks by score; the winner is best_index_)."""
    rank = est.cv_results_["rank_test_score"][est.best_index_]
    board = est.leaderboard_
    return board.loc[board["rank"] == rank, "architecture"].iloc[0]


def _timed(label, fit):
    started = time.monotonic()
    fitted = fit()
    print(f"\n[defaults] {label}: fit {time.monotonic() - started:.1f} s; winner "
          f"{_winner(fitted)}")
    return fitted


def test_default_classifier_on_gunpoint():
    X, y = autoseq.load_dataset("gunpoint", "train")
    X_test, y_test = autoseq.load_dataset("gunpoint", "test")
    clf = _timed("AutoSeqClassifier on GunPoint",
                 lambda: autoseq.AutoSeqClassifier(random_state=0).fit(X, y))
    accuracy = float(np.mean(clf.predict(X_test) == y_test))
    print(f"[defaults] test accuracy {accuracy:.3f} (MiniRocket 0.993)")
    assert accuracy >= 0.97


def test_default_regressor_on_covid3month():
    X, y = autoseq.load_dataset("covid3month", "train")
    X_test, y_test = autoseq.load_dataset("covid3month", "test")
    reg = _timed("AutoSeqRegressor on Covid3Month",
                 lambda: autoseq.AutoSeqRegressor(random_state=0).fit(X, y))
    rmse = float(np.sqrt(np.mean((reg.predict(X_test) - y_test) ** 2)))
    mean_rmse = float(np.sqrt(np.mean((y.mean() - y_test) ** 2)))
    print(f"[defaults] test RMSE {rmse:.4f} (training mean {mean_rmse:.4f}, MiniRocket 0.041)")
    assert rmse <= 0.045 and rmse < mean_rmse


def test_default_forecaster_on_airline():
    y = autoseq.load_series("airline")
    train, test = y.iloc[:-12], y.iloc[-12:]
    fc = _timed("AutoSeqForecaster(horizon=12) on Airline",
                lambda: autoseq.AutoSeqForecaster(horizon=12, random_state=0).fit(train))
    forecast = np.asarray(fc.predict(), dtype=float)
    mape = float(np.mean(np.abs(forecast - test.to_numpy()) / test.to_numpy()) * 100)
    print(f"[defaults] MAPE on the last 12 months {mape:.2f}% (seasonal naive 10.0%, "
          "AutoTheta 3.9%)")
    assert mape <= 3.4


def test_default_anomaly_detector_on_kdd_tsad_135():
    train, _ = autoseq.load_stream("kdd_tsad_135", "train")
    stream, is_anomaly = autoseq.load_stream("kdd_tsad_135", "test")
    det = _timed("AutoSeqAnomalyDetector on KDD-TSAD_135",
                 lambda: autoseq.AutoSeqAnomalyDetector(random_state=0).fit(train))
    lowest = int(np.argmin(det.score_samples(stream)))
    labelled = np.flatnonzero(is_anomaly)
    print(f"[defaults] lowest score at row {lowest}; labelled {labelled[0]}-{labelled[-1]}")
    assert labelled[0] - 100 <= lowest <= labelled[-1] + 100


def test_default_generator_on_five_thousand_characters():
    text = autoseq.load_text(5000)
    train = text[:4500]
    gen = _timed("AutoSeqGenerator on 5,000 characters",
                 lambda: autoseq.AutoSeqGenerator(random_state=0).fit(train))
    ids = [gen.vocabulary_.get(c, 1) for c in text]
    X = np.array([ids[i - gen.window_length_:i] for i in range(4500, len(text))])
    accuracy = float(np.mean(gen.best_estimator_.predict(X) == np.array(ids[4500:])))
    print(f"[defaults] next-character accuracy on held-out text {accuracy:.3f}")
    assert accuracy >= 0.3
    assert len(gen.generate("The data", n_steps=40, random_state=0)) == 40

"""autoseq.ui.plot: every plot renders to PNG headlessly and draws what it claims."""

import io
import sys
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

matplotlib = pytest.importorskip("matplotlib", reason="autoseq.ui.plot needs the [plot] extra")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from autoseq.ui import plot  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _png(ax) -> bytes:
    buffer = io.BytesIO()
    ax.figure.savefig(buffer, format="png")
    data = buffer.getvalue()
    assert data.startswith(b"\x89PNG") and len(data) > 1000
    return data


@pytest.fixture
def board():
    return pd.DataFrame({
        "rank": [2, 1, 3], "architecture": ["gru", "rocket", "tcn"],
        "kind": ["deep", "baseline", "deep"],
        "params": [{"units": 32}, {}, {"filters": 32}],
        "mean_score": [0.8, 0.9, np.nan], "std_score": [0.05, 0.01, np.nan],
        "fit_time": [9.0, 1.5, np.nan], "error": ["", "", "ValueError: boom"],
    })


def test_plot_leaderboard(board):
    est = SimpleNamespace(leaderboard_=board, scoring="accuracy")
    ax = plot.plot_leaderboard(est)
    _png(ax)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    ticks = dict(zip(labels, ax.get_yticks(), strict=True))
    # best on top; a failed candidate says so
    assert sorted(ticks, key=ticks.get, reverse=True) == [
        "rocket", "gru (units=32)", "tcn (filters=32) (failed)"]
    assert "accuracy" in ax.get_xlabel()
    # one error-bar series per kind, at the candidates' scores and with their std
    points = {c.get_label(): c for c in ax.containers}
    assert set(points) == {"baseline", "deep"}
    x, _ = points["baseline"].lines[0].get_data()
    assert list(x) == [0.9]
    # fit times are bars on the twin axes sharing the y axis
    twin = [a for a in ax.figure.axes if a is not ax][0]
    widths = sorted(p.get_width() for p in twin.patches)
    assert widths == [0.0, 1.5, 9.0]


def test_plot_leaderboard_draws_on_given_axes(board):
    fig, (left, right) = plt.subplots(1, 2)
    assert plot.plot_leaderboard(board, ax=right) is right
    _png(right)


def test_plot_leaderboard_refuses_unfitted():
    from sklearn.linear_model import LogisticRegression

    with pytest.raises(ValueError, match="without leaderboard_"):
        plot.plot_leaderboard(LogisticRegression())
    with pytest.raises(ValueError, match="empty"):
        plot.plot_leaderboard(pd.DataFrame(columns=["architecture", "mean_score"]))


def test_plot_learning_curve_of_a_fitted_model(binary_sequences):
    from sklearn.pipeline import make_pipeline

    from autoseq import SeqClassifier, SequenceScaler, get_architecture

    X, y = binary_sequences
    model = SeqClassifier(architecture=get_architecture("gru", units=4), epochs=3,
                          early_stopping=True, validation_fraction=0.4, random_state=0)
    pipeline = make_pipeline(SequenceScaler(), model).fit(X, y)
    # an AutoSeq estimator's best_estimator_ is such a pipeline
    ax = plot.plot_learning_curve(SimpleNamespace(best_estimator_=pipeline))
    _png(ax)
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert set(lines) == {"loss", "val_loss"}
    epochs, losses = lines["loss"].get_data()
    assert list(epochs) == list(range(1, len(model.history_["loss"]) + 1))
    np.testing.assert_allclose(losses, model.history_["loss"])


def test_plot_learning_curve_needs_a_history():
    from sklearn.dummy import DummyClassifier

    with pytest.raises(ValueError, match="no training history"):
        plot.plot_learning_curve(DummyClassifier())
    with pytest.raises(ValueError, match="no loss"):
        plot.plot_learning_curve({"accuracy": [0.5, 0.6]})


def test_plot_forecast_on_time_index():
    index = pd.date_range("2020-01-01", periods=24, freq="MS")
    history = pd.Series(np.arange(24.0), index=index)
    future = pd.date_range("2022-01-01", periods=3, freq="MS")
    forecast = pd.Series([24.0, 25.0, 26.0], index=future)
    intervals = pd.DataFrame({"lower": forecast - 1, "upper": forecast + 1})
    ax = plot.plot_forecast(history, forecast, actual=[24.5, 24.8, 27.0], intervals=intervals)
    _png(ax)
    handles, labels = ax.get_legend_handles_labels()
    assert labels == ["history", "forecast", "actual", "interval"]
    band = ax.collections[0].get_paths()[0].vertices[:, 1]
    assert band.min() == pytest.approx(23.0) and band.max() == pytest.approx(27.0)


def test_plot_forecast_continues_an_array_history():
    ax = plot.plot_forecast(np.arange(10.0), [10.0, 11.0], intervals=([9, 10], [11, 12]))
    _png(ax)
    x, _ = ax.get_lines()[1].get_data()
    assert list(x) == [10, 11]


def test_plot_forecast_refuses_mismatched_inputs():
    with pytest.raises(ValueError, match="one value per forecast step"):
        plot.plot_forecast([1.0, 2.0], [3.0, 4.0], actual=[3.0])
    with pytest.raises(ValueError, match=r"shape \(2, 3\)"):
        plot.plot_forecast([1.0, 2.0], [3.0, 4.0], intervals=np.zeros((2, 3)))
    with pytest.raises(ValueError, match="one series"):
        plot.plot_forecast(np.zeros((4, 2)), [1.0])
    history = pd.Series([1.0, 2.0], index=pd.date_range("2020", periods=2, freq="D"))
    with pytest.raises(ValueError, match="future index"):
        plot.plot_forecast(history, [3.0])


def test_plot_anomaly_scores():
    scores = pd.Series([0.1, 0.2, 3.0, 0.1, 2.5],
                       index=pd.date_range("2024-01-01", periods=5, freq="min"))
    ax = plot.plot_anomaly_scores(scores, threshold=1.0)
    _png(ax)
    flagged = ax.collections[0].get_offsets()
    assert flagged[:, 1].tolist() == [3.0, 2.5]
    threshold_line = [line for line in ax.get_lines() if "threshold" in line.get_label()][0]
    assert threshold_line.get_ydata()[0] == 1.0
    with pytest.raises(ValueError, match="finite"):
        plot.plot_anomaly_scores(scores, threshold=float("nan"))


def test_missing_matplotlib_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match=r"pip install autoseq\[plot\]"):
        plot.plot_anomaly_scores([0.1, 0.2], threshold=1.0)

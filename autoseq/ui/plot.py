"""Plots of searches and their results (matplotlib, the optional ``[plot]`` extra).

Each function draws on the Axes it is given (or on a new figure) and returns
the Axes, so plots compose with the rest of a matplotlib figure. matplotlib is
imported on first use; without it each function raises an ImportError that
says how to install it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["plot_anomaly_scores", "plot_forecast", "plot_leaderboard", "plot_learning_curve"]

_KIND_COLORS = {"deep": "tab:blue", "baseline": "tab:orange", "ensemble": "tab:green"}


def _axes(ax):
    """``ax``, or the Axes of a new figure; imports matplotlib only here."""
    if ax is not None:
        return ax
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise ImportError(
            "autoseq.ui.plot needs matplotlib, which is not installed; install it with "
            "`pip install autoseq[plot]` (or `pip install matplotlib`)."
        ) from exc
    return plt.subplots()[1]


def _leaderboard_of(est) -> pd.DataFrame:
    if isinstance(est, pd.DataFrame):
        return est
    board = getattr(est, "leaderboard_", None)
    if board is None:
        raise ValueError(
            f"plot_leaderboard expects a fitted AutoSeq estimator (with leaderboard_) or a "
            f"leaderboard DataFrame; got {type(est).__name__}"
            + (" without leaderboard_ (is it fitted?)." if hasattr(est, "fit") else ".")
        )
    return board


def _candidate_label(row) -> str:
    params = row.get("params")
    text = ", ".join(f"{k}={v}" for k, v in params.items()) if isinstance(params, dict) else ""
    return f"{row['architecture']} ({text})" if text else str(row["architecture"])


def plot_leaderboard(est, ax=None):
    """Cross-validation score (mean ± std) and fit time of every candidate.

    Candidates run down the y axis, best on top. Scores are dots with error
    bars on the bottom axis, coloured by kind (deep / baseline / ensemble);
    mean fit times are grey bars on the top axis. Failed candidates are
    labelled "(failed)" and have no dot.

    Parameters
    ----------
    est : fitted AutoSeq estimator or pandas.DataFrame
        Its ``leaderboard_``, or a leaderboard itself.
    ax : matplotlib.axes.Axes, optional
        Where to draw; by default a new figure.

    Returns
    -------
    matplotlib.axes.Axes
        The score axes; fit times are on its twin (the figure's last Axes).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import pandas as pd
    >>> from autoseq.ui.plot import plot_leaderboard
    >>> board = pd.DataFrame({"rank": [1, 2], "architecture": ["rocket", "gru"],
    ...                       "kind": ["baseline", "deep"], "params": [{}, {"units": 32}],
    ...                       "mean_score": [0.9, 0.8], "std_score": [0.01, 0.05],
    ...                       "fit_time": [1.5, 9.0], "error": ["", ""]})
    >>> ax = plot_leaderboard(board)
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['rocket', 'gru (units=32)']
    """
    board = _leaderboard_of(est)
    missing = {"architecture", "mean_score"} - set(board.columns)
    if missing:
        raise ValueError(f"The leaderboard lacks the column(s) {sorted(missing)}; it has "
                         f"{list(board.columns)}.")
    if board.empty:
        raise ValueError("The leaderboard is empty: no candidate to plot.")
    board = board.sort_values("rank") if "rank" in board else board
    ax = _axes(ax)
    y = np.arange(len(board))[::-1]  # best on top
    scores = board["mean_score"].to_numpy(dtype=float)
    stds = board["std_score"].to_numpy(dtype=float) if "std_score" in board else None
    kinds = board["kind"].tolist() if "kind" in board else ["deep"] * len(board)

    times_ax = ax.twiny()
    if "fit_time" in board:
        times = np.nan_to_num(board["fit_time"].to_numpy(dtype=float))
        times_ax.barh(y, times, color="0.85", height=0.6, zorder=0, label="fit time")
    times_ax.set_xlabel("mean fit time per fold (s)", color="0.4")
    times_ax.tick_params(axis="x", colors="0.4")
    # scores in front of the bars: the twin is drawn above unless its patch is hidden
    ax.set_zorder(times_ax.get_zorder() + 1)
    ax.patch.set_visible(False)

    for kind in dict.fromkeys(kinds):
        rows = np.array([k == kind for k in kinds]) & np.isfinite(scores)
        if rows.any():
            ax.errorbar(scores[rows], y[rows], xerr=None if stds is None else stds[rows],
                        fmt="o", capsize=3, color=_KIND_COLORS.get(kind, "tab:purple"),
                        label=kind)
    labels = [_candidate_label(row) + ("" if np.isfinite(s) else " (failed)")
              for (_, row), s in zip(board.iterrows(), scores, strict=True)]
    ax.set_yticks(y, labels)
    ax.set_ylim(-0.7, len(board) - 0.3)
    scoring = getattr(est, "scoring", None)
    ax.set_xlabel(f"mean CV score ({scoring})" if isinstance(scoring, str) else "mean CV score")
    ax.grid(axis="x", alpha=0.3)
    if np.isfinite(scores).any():
        ax.legend(loc="lower left", fontsize="small")
    return ax


def _history_of(est) -> dict:
    """The Keras training history of ``est``'s (best) model."""
    seen = type(est).__name__
    if isinstance(est, dict):
        return est
    est = getattr(est, "best_estimator_", est)
    if hasattr(est, "steps"):  # a Pipeline: the model is the last step
        est = est.steps[-1][1]
    history = getattr(est, "history_", None)
    if not history:
        raise ValueError(
            f"plot_learning_curve needs a fitted Keras model with history_ (an AutoSeq "
            f"estimator, its best_estimator_, a SeqClassifier / SeqRegressor) or a history "
            f"dict; got {seen}, whose model {type(est).__name__} has no training history."
        )
    return history


def plot_learning_curve(est, ax=None):
    """Training and validation loss per epoch of the (best) model.

    Parameters
    ----------
    est : fitted AutoSeq estimator, Pipeline, SeqClassifier / SeqRegressor, or dict
        For an AutoSeq estimator the refitted best model's ``history_`` is
        drawn; a dict is read as a Keras history (``{"loss": [...], ...}``).
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from autoseq.ui.plot import plot_learning_curve
    >>> ax = plot_learning_curve({"loss": [0.9, 0.5, 0.4], "val_loss": [1.0, 0.7, 0.6]})
    >>> [line.get_label() for line in ax.get_lines()]
    ['loss', 'val_loss']
    """
    history = _history_of(est)
    keys = [k for k in history if k.endswith("loss")]
    if not keys:
        raise ValueError(f"The training history has no loss to plot; it records {list(history)}.")
    ax = _axes(ax)
    for key in keys:
        values = np.asarray(history[key], dtype=float)
        ax.plot(np.arange(1, len(values) + 1), values, marker="o", markersize=3, label=key)
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    ax.legend()
    ax.grid(alpha=0.3)
    return ax


def _series(values, name: str) -> pd.Series:
    """A 1-D pandas Series (keeping a Series' index), or a clear error."""
    if isinstance(values, pd.DataFrame):
        if values.shape[1] != 1:
            raise ValueError(f"{name} must be one series; got a DataFrame with "
                             f"{values.shape[1]} columns.")
        values = values.iloc[:, 0]
    if isinstance(values, pd.Series):
        return values
    array = np.asarray(values, dtype=float)
    if array.ndim == 2 and 1 in array.shape:
        array = array.ravel()
    if array.ndim != 1:
        raise ValueError(f"{name} must be one series (1-D); got an array of shape {array.shape}.")
    return pd.Series(array)


def _interval_bounds(intervals, n: int):
    """(lower, upper) arrays from a pair, an (n, 2) array or a two-column DataFrame."""
    if isinstance(intervals, pd.DataFrame):
        intervals = intervals.to_numpy(dtype=float)
    if isinstance(intervals, tuple) and len(intervals) == 2:
        lower, upper = (np.asarray(b, dtype=float).ravel() for b in intervals)
    else:
        array = np.asarray(intervals, dtype=float)
        if array.ndim != 2 or array.shape[1] != 2:
            raise ValueError(
                "intervals must be a (lower, upper) pair, an array of shape (horizon, 2) or a "
                f"two-column DataFrame; got shape {array.shape}.")
        lower, upper = array[:, 0], array[:, 1]
    if len(lower) != n or len(upper) != n:
        raise ValueError(f"intervals must give {n} lower and upper bounds (one per forecast "
                         f"step); got {len(lower)} and {len(upper)}.")
    return lower, upper


def plot_forecast(history, forecast, actual=None, intervals=None, ax=None):
    """A series, its forecast and, when known, what actually happened.

    Parameters
    ----------
    history : array-like or pandas.Series
        The observed series before the forecast.
    forecast : array-like or pandas.Series
        The predicted values. Arrays are placed right after ``history``; a
        Series is drawn on its own index (e.g. future time stamps).
    actual : array-like or pandas.Series, optional
        The true values over the forecast horizon (same positions as ``forecast``).
    intervals : pair of arrays, array of shape (horizon, 2) or DataFrame, optional
        Lower and upper bounds of a prediction interval, shaded.
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from autoseq.ui.plot import plot_forecast
    >>> ax = plot_forecast([1, 2, 3, 4], [5, 6], actual=[5.2, 5.9])
    >>> ax.get_legend_handles_labels()[1]
    ['history', 'forecast', 'actual']
    """
    history = _series(history, "history")
    forecast = _series(forecast, "forecast")
    positional = not isinstance(forecast.index, pd.DatetimeIndex) and forecast.index.equals(
        pd.RangeIndex(len(forecast)))
    if positional:  # arrays: the forecast continues the history's positions
        start = len(history) if isinstance(history.index, pd.RangeIndex) else None
        if start is None:
            raise ValueError("history has its own index, so forecast must be a Series on the "
                             "future index too (e.g. AutoSeqForecaster.predict's output).")
        forecast.index = pd.RangeIndex(start, start + len(forecast))
    ax = _axes(ax)
    ax.plot(history.index, history.to_numpy(), color="0.3", label="history")
    ax.plot(forecast.index, forecast.to_numpy(), color="tab:blue", marker="o", markersize=3,
            label="forecast")
    if actual is not None:
        actual = _series(actual, "actual")
        if len(actual) != len(forecast):
            raise ValueError(f"actual must have one value per forecast step ({len(forecast)}); "
                             f"got {len(actual)}.")
        ax.plot(forecast.index, actual.to_numpy(), color="tab:orange", marker="x",
                markersize=4, label="actual")
    if intervals is not None:
        lower, upper = _interval_bounds(intervals, len(forecast))
        ax.fill_between(forecast.index, lower, upper, color="tab:blue", alpha=0.2,
                        label="interval")
    ax.axvline(forecast.index[0], color="0.6", linestyle=":", linewidth=1)
    ax.legend()
    ax.grid(alpha=0.3)
    return ax


def plot_anomaly_scores(scores, threshold, ax=None):
    """Anomaly scores over a stream, the threshold, and the points above it.

    Parameters
    ----------
    scores : array-like or pandas.Series
        One score per time step (or per sequence), higher = more anomalous;
        a Series is drawn on its index (e.g. time stamps).
    threshold : float
        Scores above it are flagged (red dots).
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from autoseq.ui.plot import plot_anomaly_scores
    >>> ax = plot_anomaly_scores([0.1, 0.2, 3.0, 0.1], threshold=1.0)
    >>> ax.collections[0].get_offsets().tolist()
    [[2.0, 3.0]]
    """
    scores = _series(scores, "scores")
    threshold = float(threshold)
    if not np.isfinite(threshold):
        raise ValueError(f"threshold must be a finite number; got {threshold}.")
    ax = _axes(ax)
    ax.plot(scores.index, scores.to_numpy(dtype=float), color="tab:blue", linewidth=1,
            label="anomaly score")
    ax.axhline(threshold, color="tab:red", linestyle="--", linewidth=1,
               label=f"threshold ({threshold:.4g})")
    above = scores.to_numpy(dtype=float) > threshold
    ax.scatter(scores.index[above], scores.to_numpy(dtype=float)[above], color="tab:red", s=12,
               zorder=3, label=f"flagged ({int(above.sum())})")
    ax.set_ylabel("anomaly score")
    ax.legend()
    ax.grid(alpha=0.3)
    return ax

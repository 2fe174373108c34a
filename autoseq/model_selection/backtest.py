"""Forecast errors and backtest reports.

The numbers :class:`~autoseq.AutoSeqForecaster` reports: MAE, RMSE, MAPE and
MASE (the mean absolute error relative to the in-sample error of the seasonal
naive forecast), and :class:`BacktestResult`, the per-fold report of
:meth:`AutoSeqForecaster.backtest <autoseq.AutoSeqForecaster.backtest>`, with
the empirical coverage of split-conformal intervals (:mod:`autoseq.estimators.intervals`).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from autoseq.estimators.intervals import check_coverage, conformal_half_widths

METRICS = ("mase", "mae", "rmse", "mape")


def seasonal_scale(y, season_length: int = 1) -> float:
    """In-sample MAE of the seasonal naive forecast: the denominator of MASE.

    Falls back to the naive forecast (lag 1) when the series is not longer
    than a season. Returns NaN for a series without any change.

    Examples
    --------
    >>> from autoseq.model_selection.backtest import seasonal_scale
    >>> seasonal_scale([1.0, 2.0, 4.0, 7.0], season_length=2)
    4.0
    """
    y = np.asarray(y, dtype=np.float64).ravel()
    m = season_length if len(y) > season_length else 1
    if len(y) <= m:
        return float("nan")
    scale = float(np.mean(np.abs(y[m:] - y[:-m])))
    return scale if scale > 0 else float("nan")


def forecast_errors(actual, predicted, scale: float) -> dict:
    """MAE, RMSE, MAPE (in percent) and MASE of forecasts against actual values.

    Parameters
    ----------
    actual, predicted : array-like of the same shape
    scale : float
        The MASE denominator (:func:`seasonal_scale` of the training series).

    Returns
    -------
    dict with keys "mae", "rmse", "mape", "mase"

    Examples
    --------
    >>> from autoseq.model_selection.backtest import forecast_errors
    >>> errors = forecast_errors([100.0, 200.0], [110.0, 190.0], scale=20.0)
    >>> {name: round(value, 2) for name, value in errors.items()}
    {'mae': 10.0, 'rmse': 10.0, 'mape': 7.5, 'mase': 0.5}
    """
    actual = np.asarray(actual, dtype=np.float64)
    error = np.asarray(predicted, dtype=np.float64) - actual
    mae = float(np.mean(np.abs(error)))
    with np.errstate(divide="ignore", invalid="ignore"):
        mape = float(np.mean(np.abs(error) / np.abs(actual)) * 100)
    return {"mae": mae, "rmse": float(np.sqrt(np.mean(error ** 2))), "mape": mape,
            "mase": mae / scale if scale and np.isfinite(scale) else float("nan")}


@dataclass
class BacktestResult:
    """What a backtest measured: errors per fold and every forecast it made.

    Attributes
    ----------
    scores : pandas.DataFrame
        One row per fold: ``fold``, ``train_size`` (observations before the
        fold's first forecast), ``n_forecasts``, ``mae``, ``rmse``, ``mape``
        (percent), ``mase`` (against the seasonal naive forecast on the fold's
        training part), and the empirical ``coverage`` and mean ``width`` of
        the prediction intervals (NaN for the first fold, which has no earlier
        residuals to calibrate them).
    predictions : pandas.DataFrame
        One row per forecast value: ``fold``, ``cutoff`` (time of the last
        observation used), ``step`` (1 = next), ``time``, ``actual``,
        ``predicted``, ``lower``, ``upper``: actual against predicted, ready
        to plot.
    coverage : float
        The nominal coverage of the intervals.
    """

    scores: pd.DataFrame
    predictions: pd.DataFrame
    coverage: float

    def summary(self) -> pd.Series:
        """Mean of each score over the folds."""
        return self.scores.drop(columns=["fold"]).mean(numeric_only=True)


def assemble_backtest(folds, coverage: float) -> BacktestResult:
    """Score walk-forward folds and calibrate their intervals sequentially.

    Each fold's intervals come from the residuals of the folds before it
    (split-conformal on data the fold's model never saw), so no fold's
    coverage is measured on its own calibration data.

    Parameters
    ----------
    folds : list of dict
        Per fold: ``actual`` and ``predicted`` ``(n_forecasts, horizon)``,
        ``cutoffs`` (n_forecasts labels), ``times`` ``(n_forecasts, horizon)``
        labels, ``scale`` (MASE denominator) and ``train_size``.
    coverage : float

    Returns
    -------
    BacktestResult
    """
    levels, single = check_coverage(coverage)
    if not single:
        raise ValueError(f"A backtest takes one coverage; got {coverage!r}.")
    coverage = levels[0]
    rows, frames, earlier = [], [], []
    for k, fold in enumerate(folds):
        actual, predicted = fold["actual"], fold["predicted"]
        lower = upper = np.full(actual.shape, np.nan)
        cover = width = float("nan")
        if earlier:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)
                half = conformal_half_widths(np.concatenate(earlier), coverage)
            lower, upper = predicted - half, predicted + half
            cover = float(np.mean((actual >= lower) & (actual <= upper)))
            width = float(np.mean(upper - lower))
        rows.append({"fold": k, "train_size": fold["train_size"], "n_forecasts": len(actual),
                     **forecast_errors(actual, predicted, fold["scale"]),
                     "coverage": cover, "width": width})
        steps = actual.shape[1]
        frames.append(pd.DataFrame({
            "fold": k, "cutoff": np.repeat(np.asarray(fold["cutoffs"], dtype=object), steps),
            "step": np.tile(np.arange(1, steps + 1), len(actual)),
            "time": np.asarray(fold["times"], dtype=object).ravel(),
            "actual": actual.ravel(), "predicted": predicted.ravel(),
            "lower": lower.ravel(), "upper": upper.ravel()}))
        earlier.append(actual - predicted)
    return BacktestResult(scores=pd.DataFrame(rows), predictions=pd.concat(
        frames, ignore_index=True), coverage=coverage)

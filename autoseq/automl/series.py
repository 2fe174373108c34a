"""A forecast series and its time index: validation, and the labels of past and future steps."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from autoseq.preprocessing.windowing import as_series_array


class TimeIndex:
    """Labels of the series' steps: time stamps for a time index, else positions."""

    def __init__(self, index, freq, name):
        self.index = index
        self.freq = freq
        self.name = name

    @property
    def timed(self):
        return self.freq is not None

    def _range(self, start, periods):
        if isinstance(self.index, pd.PeriodIndex):
            return pd.period_range(start, periods=periods, freq=self.index.freq)
        return pd.date_range(start, periods=periods, freq=self.freq)

    def series(self, values):
        index = self.index if self.timed else pd.RangeIndex(len(values))
        return pd.Series(values, index=index, name=self.name)

    def labels(self, positions):
        """Time stamps (or positions) of positions counted from the series' start."""
        positions = np.asarray(positions)
        if not self.timed:
            return positions
        stamps = self._range(self.index[0], int(positions.max()) + 1)
        return np.asarray(stamps[positions.ravel()], dtype=object).reshape(positions.shape)

    def future(self, horizon, after=None):
        if not self.timed:
            return pd.RangeIndex(1, horizon + 1, name="step")
        return self._range(self.index[-1] if after is None else after, horizon + 1)[1:]

    def wrap(self, values, horizon, name=None):
        if not self.timed:
            return np.asarray(values)
        return pd.Series(values, index=self.future(horizon), name=name)

    def extend(self, history, y_new, values):
        """The index and ``history`` with ``values`` appended (a time index continued exactly)."""
        if not self.timed:
            return self, pd.Series(np.concatenate([history.to_numpy(), values]),
                                   index=pd.RangeIndex(len(history) + len(values)),
                                   name=history.name)
        expected = self.future(len(values), after=history.index[-1])
        if isinstance(y_new, pd.Series) and isinstance(y_new.index, (pd.DatetimeIndex,
                                                                     pd.PeriodIndex)):
            if not y_new.index.equals(expected):
                raise ValueError(
                    f"y_new must continue the series right after {history.index[-1]}: "
                    f"expected time stamps from {expected[0]}; got {y_new.index[0]}.")
        extended = TimeIndex(self.index.append(expected), self.freq, self.name)
        return extended, pd.Series(np.concatenate([history.to_numpy(), values]),
                                   index=extended.index, name=history.name)


def check_series(y, X=None, *, name="y", exog_name="X"):
    """Target as a 1-D float array and exogenous rows (or None)."""
    if y is None:
        raise ValueError(f"{name} is required: the series to forecast.")
    if isinstance(y, pd.DataFrame):
        if y.shape[1] != 1:
            raise ValueError(
                f"{name} must be one series; got a DataFrame with {y.shape[1]} columns. Pass "
                f"the target column as {name} and the others as {exog_name}.")
        y = y.iloc[:, 0]
    values = as_series_array(y, name)
    if values.shape[1] != 1:
        raise ValueError(
            f"{name} must be one series (1-D); got shape {values.shape}. Pass other "
            f"variables as the exogenous {exog_name}.")
    target = values[:, 0]
    exog = None
    if X is not None:
        exog = as_series_array(X, exog_name)
        if len(exog) != len(target):
            raise ValueError(
                f"{exog_name} has {len(exog)} rows but {name} has {len(target)}; each "
                f"observation needs its row of exogenous values.")
    return target, exog


def index_of(y) -> TimeIndex:
    """How the series' steps are labelled (and future ones named)."""
    if isinstance(y, pd.DataFrame) and y.shape[1] == 1:
        y = y.iloc[:, 0]
    name = y.name if isinstance(y, pd.Series) else None
    index = y.index if isinstance(y, pd.Series) else None
    if isinstance(index, pd.PeriodIndex):
        return TimeIndex(index, index.freq, name)
    if isinstance(index, pd.DatetimeIndex):
        freq = index.freq or (pd.infer_freq(index) if len(index) >= 3 else None)
        if freq is None:
            warnings.warn(
                "y has a DatetimeIndex without a regular frequency (pandas could not infer "
                "one), so forecasts are returned as arrays, not on future time stamps. Set "
                "one with y.asfreq(...).", UserWarning, stacklevel=3)
            return TimeIndex(None, None, name)
        offset = pd.tseries.frequencies.to_offset(freq)
        return TimeIndex(pd.DatetimeIndex(index, freq=offset), offset, name)
    return TimeIndex(None, None, name)

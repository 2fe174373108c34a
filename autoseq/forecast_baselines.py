"""Forecasting baselines on windows, and season-length detection.

Naive, seasonal-naive and drift forecasts, and a linear autoregression, as
scikit-learn regressors on windows ``(n_windows, n_steps, n_channels)`` whose
channel 0 is the target and whose last observed row is the forecast origin's
last observation (the output of :class:`~autoseq.SlidingWindow`). They predict
one value per horizon step, ``(n_windows, horizon)``, the horizon being the
number of target columns seen in ``fit``. :class:`~autoseq.AutoSeqForecaster`
scores them on the same walk-forward folds as its networks, and they appear on
its leaderboard with kind ``"baseline"``.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils.validation import check_is_fitted

from autoseq.windowing import as_samples, check_positive_int, last_observed

# an autocorrelation peak must reach this, and rise this far above the trough before it
SEASON_MIN_ACF = 0.3
SEASON_MIN_PROMINENCE = 0.2


class _WindowBaseline(RegressorMixin, BaseEstimator):
    """Shared input handling: windows in, ``(n, horizon)`` (or ``(n,)``) out."""

    leaderboard_name_ = "baseline"

    def fit(self, X, y):
        """Record the horizon (columns of ``y``); nothing else is learned.

        Parameters
        ----------
        X : windows of shape (n_windows, n_steps[, n_channels])
        y : array-like of shape (n_windows,) or (n_windows, horizon)

        Returns
        -------
        self
        """
        W, y = self._check_fit(X, y)
        self._learn(W, y)
        return self

    def predict(self, X):
        """Forecast the next ``horizon`` target values after each window."""
        check_is_fitted(self, "n_outputs_")
        W = as_samples(X)
        if W.shape[2] != self.n_features_in_:
            raise ValueError(
                f"X has {W.shape[2]} channels, but {type(self).__name__} is expecting "
                f"{self.n_features_in_}."
            )
        out = self._forecast(W)
        return out[:, 0] if self.y_ndim_ == 1 else out

    def _check_fit(self, X, y):
        W = as_samples(X)
        y = np.asarray(y, dtype=np.float64)
        if y.ndim not in (1, 2) or len(y) != len(W):
            raise ValueError(
                f"y must hold one value (or one row of horizon values) per window: X has "
                f"{len(W)} windows, y has shape {y.shape}."
            )
        self.n_features_in_ = W.shape[2]
        self.y_ndim_ = y.ndim
        self.n_outputs_ = 1 if y.ndim == 1 else y.shape[1]
        return W, y.reshape(len(y), -1)

    def _learn(self, W, y):
        pass

    def _forecast(self, W):
        raise NotImplementedError

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.input_tags.allow_nan = True
        return tags


class NaiveForecast(_WindowBaseline):
    """Every future value equals the last observation.

    Examples
    --------
    >>> import numpy as np
    >>> from autoseq.forecast_baselines import NaiveForecast
    >>> W = np.array([[1.0, 2.0, 3.0]])
    >>> NaiveForecast().fit(W, np.zeros((1, 2))).predict(W).tolist()
    [[3.0, 3.0]]
    """

    leaderboard_name_ = "naive"

    def _forecast(self, W):
        last = W[np.arange(len(W)), last_observed(W), 0]
        return np.repeat(last[:, None], self.n_outputs_, axis=1)


class SeasonalNaiveForecast(_WindowBaseline):
    """Every future value equals the observation one season earlier.

    Where the window is shorter than a season, the last observation is used.

    Parameters
    ----------
    season_length : int, default=1
        Steps per season (12 for monthly data with a yearly cycle); 1 is the
        naive forecast.

    Examples
    --------
    >>> import numpy as np
    >>> from autoseq.forecast_baselines import SeasonalNaiveForecast
    >>> W = np.array([[1.0, 5.0, 2.0, 6.0]])
    >>> SeasonalNaiveForecast(season_length=2).fit(W, np.zeros((1, 3))).predict(W).tolist()
    [[2.0, 6.0, 2.0]]
    """

    leaderboard_name_ = "seasonal_naive"

    def __init__(self, season_length: int = 1):
        self.season_length = season_length

    def _learn(self, W, y):
        check_positive_int(self.season_length, "season_length")

    def _forecast(self, W):
        m = self.season_length
        target = W[:, :, 0]
        end = last_observed(W)
        out = np.empty((len(W), self.n_outputs_))
        for k in range(self.n_outputs_):
            idx = end + 1 + k - m * ((k // m) + 1)
            ok = idx >= 0
            values = np.full(len(W), np.nan)
            values[ok] = target[np.flatnonzero(ok), idx[ok]]
            out[:, k] = np.where(np.isnan(values), target[np.arange(len(W)), end], values)
        return out


class DriftForecast(_WindowBaseline):
    """Extend the straight line from the window's first to its last observation.

    Examples
    --------
    >>> import numpy as np
    >>> from autoseq.forecast_baselines import DriftForecast
    >>> W = np.array([[1.0, 2.0, 3.0]])
    >>> DriftForecast().fit(W, np.zeros((1, 2))).predict(W).tolist()
    [[4.0, 5.0]]
    """

    leaderboard_name_ = "drift"

    def _forecast(self, W):
        target = W[:, :, 0]
        observed = ~np.isnan(target)
        first = observed.argmax(axis=1)
        end = last_observed(W)
        rows = np.arange(len(W))
        span = np.maximum(end - first, 1)
        slope = (target[rows, end] - target[rows, first]) / span
        steps = np.arange(1, self.n_outputs_ + 1)[None, :]
        return target[rows, end][:, None] + slope[:, None] * steps


class LinearForecast(_WindowBaseline):
    """A linear autoregression: ridge regression of the horizon values on the window.

    Leading padding (steps before the series started) is filled with the
    window's first observation.

    Parameters
    ----------
    alpha : float, default=1.0
        Ridge penalty.

    Attributes
    ----------
    coef_ : ndarray of shape (horizon, n_steps * n_channels)
    intercept_ : ndarray of shape (horizon,)

    Examples
    --------
    >>> import numpy as np
    >>> from autoseq.forecast_baselines import LinearForecast
    >>> from autoseq.windowing import make_windows
    >>> X, y = make_windows(np.arange(20.0), lookback=3)
    >>> LinearForecast(alpha=1e-6).fit(X, y).predict(X[-1:]).round(3).tolist()
    [19.0]
    """

    leaderboard_name_ = "linear"

    def __init__(self, alpha: float = 1.0):
        self.alpha = alpha

    def _learn(self, W, y):
        from sklearn.linear_model import Ridge

        if not (isinstance(self.alpha, (int, float)) and self.alpha >= 0):
            raise ValueError(f"alpha must be a number >= 0; got {self.alpha!r}.")
        self.n_steps_ = W.shape[1]
        model = Ridge(alpha=self.alpha).fit(self._features(W), y)
        self.coef_ = np.atleast_2d(model.coef_)
        self.intercept_ = np.atleast_1d(model.intercept_)

    def _forecast(self, W):
        if W.shape[1] != self.n_steps_:
            raise ValueError(
                f"X has windows of {W.shape[1]} steps; LinearForecast was fitted on "
                f"{self.n_steps_}."
            )
        return self._features(W) @ self.coef_.T + self.intercept_

    @staticmethod
    def _features(W):
        W = W.copy()
        for c in range(W.shape[2]):
            channel = W[:, :, c]
            missing = np.isnan(channel)
            first = channel[np.arange(len(W)), (~missing).argmax(axis=1)]
            channel[missing] = np.broadcast_to(first[:, None], channel.shape)[missing]
        return np.nan_to_num(W.reshape(len(W), -1))


def detect_season_length(y, max_lag: int | None = None) -> int | None:
    """Season length of a series from its autocorrelation, or None when it has none.

    The series is detrended with a straight line; the season is the shortest
    lag whose autocorrelation is a clear peak (at least 0.3, at least 0.2
    above the lowest value at shorter lags, and within 80% of the highest such
    peak, so that multiples of the season lose to it).

    Parameters
    ----------
    y : array-like of shape (n_steps,)
    max_lag : int, optional
        Longest season considered; default a third of the series.

    Returns
    -------
    int or None

    Examples
    --------
    >>> import numpy as np
    >>> from autoseq.forecast_baselines import detect_season_length
    >>> t = np.arange(120)
    >>> detect_season_length(0.5 * t + 10 * np.sin(2 * np.pi * t / 12))
    12
    """
    x = np.asarray(y, dtype=np.float64).ravel()
    n = len(x)
    if n < 8:
        return None
    t = np.arange(n)
    x = x - np.polyval(np.polyfit(t, x, 1), t)
    denom = float(np.dot(x, x))
    if denom <= 1e-12 * n:
        return None
    max_lag = min(max_lag or n // 3, n - 2)
    acf = np.array([np.dot(x[:n - k], x[k:]) / denom for k in range(max_lag + 2)])
    peaks = [k for k in range(2, max_lag + 1)
             if acf[k] > acf[k - 1] and acf[k] >= acf[k + 1] and acf[k] > SEASON_MIN_ACF
             and acf[k] - acf[1:k].min() > SEASON_MIN_PROMINENCE]
    if not peaks:
        return None
    best = max(acf[k] for k in peaks)
    return next(k for k in peaks if acf[k] >= 0.8 * best)



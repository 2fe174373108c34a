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

from autoseq.estimators.deadline import check_search_deadline
from autoseq.preprocessing.windowing import as_samples, check_positive_int, last_observed

# an autocorrelation peak must reach this, and rise this far above the trough before it
SEASON_MIN_ACF = 0.3
SEASON_MIN_PROMINENCE = 0.2
SEASONAL_TRENDS = ("none", "growth", "drift")
# statsforecast's automatic models, by the name autoseq shows on the leaderboard
STATISTICAL_MODELS = ("AutoETS", "AutoTheta", "AutoARIMA", "AutoCES", "DynamicOptimizedTheta")
# the mean of these three models' forecasts (as the M4 "Comb" benchmark and SCUM,
# Petropoulos & Svetunkov 2020): a model= value too. Chosen on 280 M3 and Tourism series
# kept apart from benchmarks/forecasting_series.py's samples (benchmarks/combination_check.py:
# mean MASE 1.694, second of 57 rules after a median of four that needs the slow AutoARIMA,
# 1.692; the median of AutoETS, AutoTheta and AutoARIMA 1.748, AutoTheta alone 1.730).
COMBINATION = "Combination"
COMBINED_MODELS = ("AutoETS", "AutoTheta", "DynamicOptimizedTheta")
STATISTICAL_TRANSFORMS = ("none", "log")
STATSFORECAST_MISSING = (
    "statsforecast is not installed, so the statistical candidates (AutoETS, AutoTheta, "
    "AutoARIMA, AutoCES, DynamicOptimizedTheta) are left out of the search; install them with "
    "pip install 'autoseq[stats]'.")


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
    >>> from autoseq.baselines.forecast import NaiveForecast
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
    With ``trend="growth"`` the last season is scaled by its growth over the
    season before it (the ratio of their sums, compounded for each further
    season ahead); with ``trend="drift"`` the mean change between those two
    seasons is added instead. Both need windows of at least two seasons
    (``window__lookback = 2 * season_length``) and fall back to the plain
    seasonal naive forecast where a window is shorter, or where the growth is
    undefined (a season summing to zero or less).

    Parameters
    ----------
    season_length : int, default=1
        Steps per season (12 for monthly data with a yearly cycle); 1 is the
        naive forecast.
    trend : {"none", "growth", "drift"}, default="none"

    Examples
    --------
    >>> import numpy as np
    >>> from autoseq.baselines.forecast import SeasonalNaiveForecast
    >>> W = np.array([[1.0, 5.0, 2.0, 6.0]])
    >>> SeasonalNaiveForecast(season_length=2).fit(W, np.zeros((1, 3))).predict(W).tolist()
    [[2.0, 6.0, 2.0]]
    >>> W = np.array([[1.0, 2.0, 2.0, 4.0]])  # the last season doubled the one before
    >>> growth = SeasonalNaiveForecast(season_length=2, trend="growth")
    >>> growth.fit(W, np.zeros((1, 3))).predict(W).tolist()
    [[4.0, 8.0, 8.0]]
    """

    def __init__(self, season_length: int = 1, trend: str = "none"):
        self.season_length = season_length
        self.trend = trend

    @property
    def leaderboard_name_(self):
        return "seasonal_naive" if self.trend == "none" else f"seasonal_naive_{self.trend}"

    def _learn(self, W, y):
        check_positive_int(self.season_length, "season_length")
        if self.trend not in SEASONAL_TRENDS:
            raise ValueError(f"trend must be one of {SEASONAL_TRENDS}; got {self.trend!r}.")

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
        if self.trend == "none":
            return out
        # the last two full seasons of each window (NaN where the window is shorter)
        rows = end[:, None] - 2 * m + 1 + np.arange(2 * m)[None, :]
        two = np.where(rows >= 0, target[np.arange(len(W))[:, None], np.clip(rows, 0, None)],
                       np.nan)
        before, last = two[:, :m].sum(axis=1), two[:, m:].sum(axis=1)
        seasons_ahead = (np.arange(self.n_outputs_) // m + 1)[None, :]
        with np.errstate(divide="ignore", invalid="ignore"):
            if self.trend == "growth":
                ratio = np.where((before > 0) & (last > 0), last / before, np.nan)
                trended = out * ratio[:, None] ** seasons_ahead
            else:
                trended = out + ((last - before) / m)[:, None] * seasons_ahead
        return np.where(np.isfinite(trended), trended, out)


class DriftForecast(_WindowBaseline):
    """Extend the straight line from the window's first to its last observation.

    Examples
    --------
    >>> import numpy as np
    >>> from autoseq.baselines.forecast import DriftForecast
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
    >>> from autoseq.baselines.forecast import LinearForecast
    >>> from autoseq.preprocessing.windowing import make_windows
    >>> X, y = make_windows(np.arange(20.0), lookback=3)
    >>> LinearForecast(alpha=1e-6).fit(X, y).predict(X[-1:]).round(3).tolist()
    [19.0]
    """

    leaderboard_name_ = "linear"

    def __init__(self, alpha: float = 1.0):
        self.alpha = alpha

    def _learn(self, W, y):
        from sklearn.linear_model import Ridge

        check_search_deadline(self)
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


def statsforecast_available() -> bool:
    """Whether statsforecast (the optional ``stats`` extra) can be imported."""
    import importlib.util

    return importlib.util.find_spec("statsforecast") is not None


class StatisticalForecast(_WindowBaseline):
    """A statsforecast model (AutoETS, AutoTheta, AutoARIMA, ...) on the past of each window.

    ``fit`` rebuilds the training series from the windows it is given: the
    window that holds the most observations (the latest one), followed by its
    target row, i.e. every value up to the end of the last training target and
    none after it; the model (and its automatic order or form) is chosen on
    that series. ``predict`` applies the fitted model to the past of each
    window (statsforecast's ``forward``: the parameters stay, the states are
    filtered through the window's own observations) and forecasts the
    ``horizon`` values after it. Give it windows holding the whole history
    (``window__lookback`` as long as the series) and targets of the full
    horizon (``strategy="direct"``); exogenous channels are ignored.

    Needs the optional dependency statsforecast (``pip install
    'autoseq[stats]'``).

    Parameters
    ----------
    model : {"AutoETS", "AutoTheta", "AutoARIMA", "AutoCES", "DynamicOptimizedTheta", \
"Combination"}, default="AutoETS"
        "Combination" fits AutoETS, AutoTheta and DynamicOptimizedTheta
        (``COMBINED_MODELS``) and forecasts the mean of their forecasts, a
        robust combination in the spirit of the M4 competition's "Comb"
        benchmark and SCUM (Petropoulos and Svetunkov, 2020).
    season_length : int, default=1
        Steps per season; 1 for none. Shortened to 1 when the training series
        holds fewer than two seasons, and for AutoARIMA above
        ``MAX_ARIMA_SEASON`` (a seasonal ARIMA's state grows with the season:
        one fit with a season of 63 takes minutes; statsforecast's AutoETS
        ignores seasons above 24 the same way).
    transform : {"none", "log"}, default="none"
        "log" fits the model to the logarithm of a positive series and
        forecasts ``exp`` of its forecast (multiplicative seasonality and
        growth become additive).

    Attributes
    ----------
    model_ : statsforecast model or list of them
        The fitted model (the three models of "Combination").
    n_train_ : int
        Length of the series it was fitted on.

    Examples
    --------
    >>> import numpy as np
    >>> from autoseq.baselines.forecast import StatisticalForecast
    >>> t = np.arange(48.0)
    >>> y = 10 + t + 3 * np.sin(2 * np.pi * t / 12)
    >>> W, targets = y[None, :44], y[None, 44:]  # one window: 44 values, then 4 more
    >>> model = StatisticalForecast("AutoTheta", season_length=12)  # doctest: +SKIP
    >>> model.fit(W, targets).predict(W).shape  # doctest: +SKIP
    (1, 4)
    """

    def __init__(self, model: str = "AutoETS", season_length: int = 1, transform: str = "none"):
        self.model = model
        self.season_length = season_length
        self.transform = transform

    @property
    def leaderboard_name_(self):
        return self.model if self.transform == "none" else f"{self.model}(log)"

    def _learn(self, W, y):
        check_search_deadline(self)
        if self.model not in (*STATISTICAL_MODELS, COMBINATION):
            raise ValueError(f"model must be one of {(*STATISTICAL_MODELS, COMBINATION)}; got "
                             f"{self.model!r}.")
        if self.transform not in STATISTICAL_TRANSFORMS:
            raise ValueError(f"transform must be one of {STATISTICAL_TRANSFORMS}; got "
                             f"{self.transform!r}.")
        season = check_positive_int(self.season_length, "season_length")
        observed = (~np.isnan(W[:, :, 0])).sum(axis=1)
        latest = len(W) - 1 - int(np.argmax(observed[::-1]))
        series = np.concatenate([_past(W[latest]), y[latest]])
        values = self._forward_values(series)
        if len(values) < 2 * season + 1:
            season = 1
        names = COMBINED_MODELS if self.model == COMBINATION else [self.model]
        fitted = [_statsforecast_model(
            name, 1 if name == "AutoARIMA" and season > MAX_ARIMA_SEASON else season).fit(values)
            for name in names]
        self.model_ = fitted if self.model == COMBINATION else fitted[0]
        self.n_train_ = len(series)

    def _forecast(self, W):
        out = np.empty((len(W), self.n_outputs_))
        for i in range(len(W)):
            past = self._forward_values(_past(W[i]))
            models = self.model_ if isinstance(self.model_, list) else [self.model_]
            mean = np.mean([np.asarray(model.forward(y=past, h=self.n_outputs_)["mean"],
                                       dtype=np.float64) for model in models], axis=0)
            out[i] = np.exp(mean) if self.transform == "log" else mean
        return out

    def _forward_values(self, values):
        if self.transform != "log":
            return values
        if not (values > 0).all():
            raise ValueError(f"{self.leaderboard_name_} needs a positive series (it models "
                             "the logarithm); this one has values <= 0.")
        return np.log(values)


# AutoARIMA fits a non-seasonal model above this season length (see StatisticalForecast)
MAX_ARIMA_SEASON = 24


def _past(window):
    """The observed target values of one window, padding removed."""
    values = window[:, 0]
    return values[~np.isnan(values)]


def _statsforecast_model(name, season_length):
    try:
        from statsforecast import models
    except ImportError as exc:
        raise ImportError(STATSFORECAST_MISSING) from exc
    return getattr(models, name)(season_length=season_length)


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
    >>> from autoseq.baselines.forecast import detect_season_length
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



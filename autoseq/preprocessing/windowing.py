"""Windows over a series: history samples, ``SlidingWindow`` and ``ForecastPipeline``.

A forecast is made at an *origin*: the time step right after the last
observation. autoseq represents one origin as a *history sample*, a 2-D array
``(n_rows, n_channels)`` whose channel 0 is the target series and whose other
channels are exogenous variables. Rows up to the origin hold the observations
before it (NaN in every channel where the series had not started yet); rows
after it hold NaN in the target channel and, when there are exogenous
channels, their known future values. :func:`history_samples` builds these from
a series, so a sample never holds a target value from its own future.

:class:`SlidingWindow` cuts each sample to its last ``lookback`` observed rows,
optionally expressed relative to the last observed target value, and maps
targets to and from that representation (``transform_target`` /
``inverse_transform_target``). :class:`ForecastPipeline` calls those, so that
targets are scaled and windowed like the samples and a model's outputs come
back in the series' own units.
"""

from __future__ import annotations

import numbers

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.metrics import r2_score
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from autoseq import _compat, validation
from autoseq.preprocessing.padding import pad_sequences
from autoseq.preprocessing.scaling import SequenceScaler

NORMALIZE = ("none", "last", "standard", "mean")
TRANSFORMS = ("none", "log", "boxcox")
# the Box-Cox exponent is estimated in this range (beyond it the inverse is unstable)
BOXCOX_BOUNDS = (-1.0, 2.0)


def make_windows(series, lookback: int, horizon: int = 1):
    """Turn a series into supervised pairs: ``lookback`` past rows -> the next values.

    ``X[i] = series[i : i + lookback]`` and ``y[i] = series[i + lookback]`` (the
    next ``horizon`` values of channel 0 when ``horizon > 1``): the
    ``create_dataset`` of the tutorials, for use with
    :class:`~autoseq.AutoSeqRegressor` or :class:`~autoseq.SeqRegressor`. Split
    the pairs in time order (or let the estimators' walk-forward CV do it).

    Parameters
    ----------
    series : array-like of shape (n_steps,) or (n_steps, n_channels)
        The series; channel 0 is the target.
    lookback : int
        Past rows per window.
    horizon : int, default=1
        Values to predict after each window.

    Returns
    -------
    X : ndarray of shape (n_windows, lookback, n_channels)
    y : ndarray of shape (n_windows,) or (n_windows, horizon)

    Examples
    --------
    >>> import numpy as np
    >>> from autoseq.preprocessing.windowing import make_windows
    >>> X, y = make_windows(np.arange(6.0), lookback=3)
    >>> X[:, :, 0].tolist(), y.tolist()
    ([[0.0, 1.0, 2.0], [1.0, 2.0, 3.0], [2.0, 3.0, 4.0]], [3.0, 4.0, 5.0])
    """
    values = as_series_array(series, "series")
    lookback = check_positive_int(lookback, "lookback")
    horizon = check_positive_int(horizon, "horizon")
    n = len(values)
    if n < lookback + horizon:
        raise ValueError(
            f"series has {n} steps; windows of lookback={lookback} followed by "
            f"horizon={horizon} values need at least {lookback + horizon}."
        )
    starts = np.arange(n - lookback - horizon + 1)
    X = np.stack([values[s:s + lookback] for s in starts])
    y = np.stack([values[s + lookback:s + lookback + horizon, 0] for s in starts])
    return X, (y[:, 0] if horizon == 1 else y)


def history_samples(values: np.ndarray, origins, history: int, horizon: int) -> np.ndarray:
    """History samples ``(len(origins), history + horizon, n_channels)`` of a series.

    Sample ``i`` holds rows ``origins[i] - history`` to ``origins[i] + horizon - 1``
    of ``values``; rows outside the series are NaN, and so is the target
    (channel 0) from the origin on. Exogenous channels keep their values in the
    future rows: they are known covariates.
    """
    values = np.asarray(values, dtype=np.float64)
    n, c = values.shape
    origins = np.asarray(origins, dtype=np.int64)
    padded = np.full((history + n + horizon, c), np.nan)
    padded[history:history + n] = values
    rows = origins[:, None] + np.arange(history + horizon)[None, :]
    out = padded[rows]
    out[:, history:, 0] = np.nan
    return out


def future_targets(target: np.ndarray, origins, horizon: int) -> np.ndarray:
    """Targets ``(len(origins), horizon)``: the ``horizon`` values from each origin on."""
    target = np.asarray(target, dtype=np.float64)
    origins = np.asarray(origins, dtype=np.int64)
    return target[origins[:, None] + np.arange(horizon)[None, :]]


def last_observed(X: np.ndarray) -> np.ndarray:
    """Row index of the last non-NaN target (channel 0) of each 3-D sample."""
    observed = ~np.isnan(X[:, :, 0])
    if not observed.any(axis=1).all():
        empty = int(np.flatnonzero(~observed.any(axis=1))[0])
        raise ValueError(
            f"Sample {empty} has no observed target value (channel 0 is NaN in every "
            "row); each sample needs at least one observation."
        )
    return X.shape[1] - 1 - observed[:, ::-1].argmax(axis=1)


class SlidingWindow(TransformerMixin, BaseEstimator):
    """Cut each history sample to its last ``lookback`` observed rows.

    The window of a sample ends at its last observed target value (channel 0),
    so rows after the forecast origin are never part of it. A sample shorter
    than ``lookback`` is padded at the start with NaN steps, which autoseq's
    networks mask. With ``normalize="last"`` the target channel of each window
    is expressed relative to its last value, and so are the targets
    (:meth:`transform_target`): a network then learns changes, not levels, and
    carries a trend beyond the range it was trained on. ``"standard"`` scales
    each window by its own level, as RevIN does: minus the window's mean,
    divided by its standard deviation; ``"mean"`` divides it by its mean
    absolute value, as DeepAR does (for positive series). The targets are
    mapped with the same window's statistics and the forecasts mapped back with
    them, so every statistic comes from the window, the past of its origin.

    Use :func:`make_windows` to turn a series into supervised pairs yourself;
    :class:`~autoseq.AutoSeqForecaster` builds history samples and searches
    ``window__lookback`` and ``window__normalize``.

    Parameters
    ----------
    lookback : int, default=10
        Rows per window.
    normalize : {"none", "last", "standard", "mean"}, default="none"
        Keep values as they are; subtract each window's last target value from
        its target channel (and from the targets); standardise them by the
        window's mean and standard deviation; or divide them by the window's
        mean absolute value. Exogenous channels are left as they are.

    Attributes
    ----------
    n_features_in_ : int
        Channels per row (target first).

    Examples
    --------
    >>> import numpy as np
    >>> from autoseq import SlidingWindow
    >>> samples = np.array([[1.0, 2.0, 3.0, np.nan], [2.0, 3.0, 4.0, 5.0]])
    >>> SlidingWindow(lookback=2).fit_transform(samples)[:, :, 0].tolist()
    [[2.0, 3.0], [4.0, 5.0]]
    >>> window = SlidingWindow(lookback=2, normalize="last").fit(samples)
    >>> window.transform(samples)[:, :, 0].tolist()
    [[-1.0, 0.0], [-1.0, 0.0]]
    >>> window.transform_target(samples, np.array([4.0, 6.0])).tolist()
    [1.0, 1.0]
    >>> revin = SlidingWindow(lookback=2, normalize="standard").fit(samples)
    >>> revin.transform(samples)[:, :, 0].tolist()
    [[-1.0, 1.0], [-1.0, 1.0]]
    >>> revin.inverse_transform_target(samples, np.array([3.0, 3.0])).tolist()
    [4.0, 6.0]
    """

    def __init__(self, lookback: int = 10, normalize: str = "none"):
        self.lookback = lookback
        self.normalize = normalize

    def fit(self, X, y=None):
        """Check the parameters and record the number of channels."""
        self._check_params()
        return self._fit(as_samples(X))

    def transform(self, X):
        """Windows ``(n_samples, lookback, n_channels)`` ending at each last observation."""
        check_is_fitted(self)
        return self._windows(self._check(X))

    def fit_transform(self, X, y=None):
        """``fit(X).transform(X)``, with ``X`` checked once."""
        self._check_params()
        X = as_samples(X)
        return self._fit(X)._windows(X)

    def _check_params(self):
        check_positive_int(self.lookback, "lookback")
        if self.normalize not in NORMALIZE:
            raise ValueError(f"normalize must be one of {NORMALIZE}; got {self.normalize!r}.")

    def _fit(self, X):
        self.n_features_in_ = validation.n_channels(X)
        return self

    def _windows(self, X):
        out = self._cut(X)
        if self.normalize != "none":
            offset, scale = self._level(out)
            out[:, :, 0] = (out[:, :, 0] - offset[:, None]) / scale[:, None]
        return out

    def transform_target(self, X, y):
        """Targets in the windows' representation (relative to each window's level)."""
        offset, scale = self._reference(X, y)
        return (np.asarray(y, dtype=np.float64) - offset) / scale

    def inverse_transform_target(self, X, y):
        """Predictions in the windows' representation back to the input's units."""
        offset, scale = self._reference(X, y)
        return np.asarray(y, dtype=np.float64) * scale + offset

    def _cut(self, X):
        last = last_observed(X)
        rows = last[:, None] - self.lookback + 1 + np.arange(self.lookback)[None, :]
        out = np.take_along_axis(X, np.clip(rows, 0, None)[:, :, None], axis=1)
        out[rows < 0] = np.nan
        return out

    def _level(self, windows):
        """Offset and scale of each window's target channel, per ``normalize``."""
        target = windows[:, :, 0]
        ones = np.ones(len(windows))
        if self.normalize == "last":
            return target[:, -1], ones
        if self.normalize == "standard":
            offset, scale = np.nanmean(target, axis=1), np.nanstd(target, axis=1)
        else:  # "mean"
            offset, scale = np.zeros(len(windows)), np.nanmean(np.abs(target), axis=1)
        # a flat window (or one observation) has no spread: keep its units
        tiny = 1e-8 * np.maximum(1.0, np.abs(np.nanmean(target, axis=1)))
        return offset, np.where(scale > tiny, scale, 1.0)

    def _reference(self, X, y):
        check_is_fitted(self)
        if self.normalize == "none":
            return 0.0, 1.0
        offset, scale = self._level(self._cut(self._check(X)))
        if np.ndim(y) == 1:
            return offset, scale
        return offset[:, None], scale[:, None]

    def _check(self, X):
        X = as_samples(X)
        c = validation.n_channels(X)
        if c != self.n_features_in_:
            raise ValueError(
                f"X has {c} channels, but {type(self).__name__} is expecting "
                f"{self.n_features_in_} (the target first, then exogenous channels)."
            )
        return X

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.input_tags.allow_nan = True
        return tags


def boxcox_lambda(values, bounds=BOXCOX_BOUNDS, step: float = 0.01) -> float:
    """Maximum-likelihood Box-Cox exponent of positive values, on a grid within ``bounds``.

    The profile log-likelihood of scipy's ``boxcox_normmax(method="mle")``,
    evaluated at once on a grid of exponents ``step`` apart (fast enough to
    run in every fold of a search). Returns 0 (the logarithm) for fewer than
    three values or constant ones.

    Examples
    --------
    >>> import numpy as np
    >>> from autoseq.preprocessing.windowing import boxcox_lambda
    >>> from scipy.stats import boxcox_normmax
    >>> x = np.random.default_rng(0).gamma(3.0, size=200)
    >>> bool(abs(boxcox_lambda(x) - boxcox_normmax(x, method="mle")) < 0.01)
    True
    """
    x = np.asarray(values, dtype=np.float64).ravel()
    if len(x) < 3 or np.ptp(x) <= 0:
        return 0.0
    lambdas = np.round(np.arange(bounds[0], bounds[1] + step / 2, step), 10)
    logs = np.log(x)
    with np.errstate(over="ignore", invalid="ignore"):
        safe = np.where(lambdas == 0, 1.0, lambdas)[:, None]
        y = np.where(lambdas[:, None] == 0, logs[None, :], np.expm1(safe * logs) / safe)
        llf = (lambdas - 1) * logs.sum() - len(x) / 2 * np.log(np.var(y, axis=1))
    llf[~np.isfinite(llf)] = -np.inf
    return float(lambdas[int(np.argmax(llf))]) + 0.0


class TargetTransform(TransformerMixin, BaseEstimator):
    """Log or Box-Cox transform of the target channel, for positive multiplicative series.

    A step of a :class:`ForecastPipeline` (before the scaler): the target
    channel of the samples and the targets are transformed, forecasts are
    mapped back with the inverse. Growth and seasonal swings proportional to
    the level become additive, which the windows' normalisation and the
    networks handle better. The Box-Cox exponent is estimated in ``fit`` (by
    maximum likelihood, within [-1, 2]) from the observed values of the sample
    that holds the most of them, the latest: from the past of the training
    origins only.

    Parameters
    ----------
    method : {"none", "log", "boxcox"}, default="none"
        "none" passes the values through.

    Attributes
    ----------
    lambda_ : float or None
        The Box-Cox exponent (0 for "log", None for "none").
    n_features_in_ : int

    Examples
    --------
    >>> import numpy as np
    >>> from autoseq.preprocessing.windowing import TargetTransform
    >>> samples = np.array([[1.0, 10.0, 100.0]])
    >>> step = TargetTransform("log").fit(samples)
    >>> step.transform(samples)[0, :, 0].round(3).tolist()
    [0.0, 2.303, 4.605]
    >>> step.inverse_transform_target(samples, np.log([[1000.0]])).round(6).tolist()
    [[1000.0]]
    """

    def __init__(self, method: str = "none"):
        self.method = method

    def fit(self, X, y=None):
        """Check the method and the series' sign; estimate the Box-Cox exponent."""
        self._check_method()
        return self._fit(as_samples(X))

    def fit_transform(self, X, y=None):
        """``fit(X).transform(X)``, with ``X`` checked once."""
        self._check_method()
        X = as_samples(X)  # a new array: transformed in place
        self._fit(X)
        X[:, :, 0] = self._forward(X[:, :, 0])
        return X

    def _check_method(self):
        if self.method not in TRANSFORMS:
            raise ValueError(f"method must be one of {TRANSFORMS}; got {self.method!r}.")

    def _fit(self, X):
        self.n_features_in_ = validation.n_channels(X)
        self.lambda_ = None
        if self.method == "none":
            return self
        target = X[:, :, 0]
        observed = target[~np.isnan(target)]
        if observed.size and observed.min() <= 0:
            raise ValueError(
                f"method={self.method!r} needs a positive series; the target has values <= 0 "
                f"(minimum {observed.min():g}). Use method='none' or shift the series.")
        self.lambda_ = 0.0
        if self.method == "boxcox":
            counts = (~np.isnan(target)).sum(axis=1)
            latest = target[len(target) - 1 - int(np.argmax(counts[::-1]))]
            self.lambda_ = boxcox_lambda(latest[~np.isnan(latest)])
        return self

    def transform(self, X):
        """The samples with their target channel transformed."""
        check_is_fitted(self, "n_features_in_")
        X = as_samples(X)  # a new array: transformed in place
        X[:, :, 0] = self._forward(X[:, :, 0])
        return X

    def transform_target(self, X, y):
        """Targets transformed like the target channel."""
        return self._forward(np.asarray(y, dtype=np.float64))

    def inverse_transform_target(self, X, y):
        """Forecasts in the transformed units back to the series' units."""
        check_is_fitted(self, "n_features_in_")
        y = np.asarray(y, dtype=np.float64)
        if self.lambda_ is None:
            return y
        if self.lambda_ == 0:
            return np.exp(y)
        base = np.maximum(self.lambda_ * y + 1.0, 1e-12)
        return base ** (1.0 / self.lambda_)

    def _forward(self, values):
        check_is_fitted(self, "n_features_in_")
        if self.lambda_ is None:
            return values
        with np.errstate(invalid="ignore", divide="ignore"):
            if np.nanmin(values, initial=np.inf) <= 0:
                raise ValueError(f"method={self.method!r} needs positive values; got values "
                                 "<= 0 after fit.")
            if self.lambda_ == 0:
                return np.log(values)
            return (values ** self.lambda_ - 1.0) / self.lambda_

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.input_tags.allow_nan = True
        return tags


class ForecastPipeline(Pipeline):
    """A Pipeline whose targets travel through the steps with the data.

    In ``fit`` each step maps the targets into the representation its output
    is in (a :class:`~autoseq.SequenceScaler` scales them like the target
    channel, a :class:`~autoseq.SlidingWindow` with ``normalize="last"`` makes
    them relative to each window's last value); ``predict`` maps the model's
    outputs back through the same steps in reverse, so forecasts come out in
    the series' units. Input rows are history samples (see
    :mod:`autoseq.preprocessing.windowing`); targets are ``(n_samples, horizon)``.

    Parameters
    ----------
    steps : list of (name, estimator)
        Transformers, each a SequenceScaler or with ``transform_target`` and
        ``inverse_transform_target``, then a regressor.
    strategy : {"direct", "recursive"}, default="direct"
        Direct: the model predicts all ``horizon`` values at once. Recursive:
        it learns the next value only, and each forecast is appended to the
        sample's history to predict the one after it.
    transform_input, memory, verbose
        As in :class:`sklearn.pipeline.Pipeline`.

    Attributes
    ----------
    horizon_ : int
        Values forecast per sample.

    Examples
    --------
    >>> import numpy as np
    >>> from autoseq import SequenceScaler, SlidingWindow
    >>> from autoseq.baselines.forecast import LinearForecast
    >>> from autoseq.preprocessing.windowing import ForecastPipeline, future_targets, history_samples
    >>> y = np.arange(40.0)
    >>> origins = np.arange(5, 38)
    >>> X = history_samples(y[:, None], origins, history=5, horizon=3)
    >>> pipe = ForecastPipeline([("scaler", SequenceScaler()),
    ...                          ("window", SlidingWindow(5, normalize="last")),
    ...                          ("model", LinearForecast())], strategy="recursive")
    >>> pipe.fit(X, future_targets(y, origins, 3)).predict(X[-1:]).round(2).tolist()
    [[37.0, 38.0, 39.0]]
    """

    def __init__(self, steps, *, strategy="direct", transform_input=None, memory=None,
                 verbose=False):
        super().__init__(steps, transform_input=transform_input, memory=memory, verbose=verbose)
        self.strategy = strategy

    def fit(self, X, y, **fit_params):
        """Fit the steps on history samples ``X`` and targets ``y`` (n_samples, horizon).

        Returns
        -------
        self
        """
        if self.strategy not in ("direct", "recursive"):
            raise ValueError(
                f"strategy must be 'direct' or 'recursive'; got {self.strategy!r}.")
        _compat.validate_pipeline_steps(self)
        y = np.asarray(y, dtype=np.float64)
        y = y.reshape(len(y), -1)
        self.horizon_ = y.shape[1]
        Xt = as_samples(X)
        yt = y[:, :1] if self.strategy == "recursive" else y
        for name, step in self._steps_before_model():
            before = Xt
            Xt = step.fit_transform(Xt)
            yt = _map_target(name, step, before, yt, inverse=False)
        self._model().fit(Xt, yt, **fit_params)
        return self

    def _steps_before_model(self):
        """``(name, step)`` of the steps before the model, "passthrough" ones left out."""
        return [(name, step) for name, step in self.steps[:-1]
                if step is not None and step != "passthrough"]

    def _model(self):
        return self.steps[-1][1]

    def predict(self, X):
        """Forecasts ``(n_samples, horizon)`` in the units of the series."""
        check_is_fitted(self, "horizon_")
        X = as_samples(X)
        if self.strategy == "direct":
            return self._predict_once(X)
        X = X.copy()
        start = last_observed(X) + 1
        missing = int(start.max()) + self.horizon_ - X.shape[1]
        if missing > 0:
            if X.shape[2] > 1:
                raise ValueError(
                    f"Recursive forecasts with exogenous channels need their values for the "
                    f"{self.horizon_} rows after each sample's last observation; {missing} "
                    "row(s) are missing."
                )
            X = np.concatenate([X, np.full((len(X), missing, 1), np.nan)], axis=1)
        rows = np.arange(len(X))
        out = np.empty((len(X), self.horizon_))
        for k in range(self.horizon_):
            out[:, k] = self._predict_once(X)[:, 0]
            X[rows, start + k, 0] = out[:, k]
        return out

    def _predict_once(self, X):
        inputs, Xt = [], X
        for name, step in self._steps_before_model():
            inputs.append((name, step, Xt))
            Xt = step.transform(Xt)
        out = np.asarray(self._model().predict(Xt), dtype=np.float64)
        out = out.reshape(len(X), -1)
        for name, step, before in reversed(inputs):
            out = _map_target(name, step, before, out, inverse=True)
        return out

    def score(self, X, y, sample_weight=None):
        """R^2 of the forecasts, averaged over horizon steps."""
        y = np.asarray(y, dtype=np.float64)
        return r2_score(y.reshape(len(y), -1), self.predict(X), sample_weight=sample_weight)


def _map_target(name, step, X, y, *, inverse):
    if hasattr(step, "transform_target"):
        fn = step.inverse_transform_target if inverse else step.transform_target
        return fn(X, y)
    if isinstance(step, SequenceScaler):
        offset, scale = step.offset_[0], step.scale_[0]
        return y * scale + offset if inverse else (y - offset) / scale
    raise TypeError(
        f"Step '{name}' ({type(step).__name__}) changes the samples but cannot map the "
        "targets; a ForecastPipeline step must be a SequenceScaler or define "
        "transform_target(X, y) and inverse_transform_target(X, y), as SlidingWindow does."
    )


def as_samples(X) -> np.ndarray:
    """Validated samples or windows as a 3-D float array; ragged ones are NaN-padded in front."""
    X = validation.check_sequences(X, allow_nan=True)
    if not isinstance(X, list):
        return np.array(X, dtype=np.float64)
    return pad_sequences(X, dtype=np.float64, padding="pre")


def as_series_array(series, name: str = "y") -> np.ndarray:
    """A series (1-D, or 2-D with time steps as rows) as a finite 2-D float array."""
    import pandas as pd

    if isinstance(series, (pd.Series, pd.DataFrame)):
        series = series.to_numpy()
    try:
        values = np.asarray(series, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(
            f"{name} must be a numeric series (array, list or pandas Series); got "
            f"{type(series).__name__} with non-numeric values."
        ) from None
    if values.ndim == 1:
        values = values[:, None]
    if values.ndim != 2 or values.shape[0] == 0:
        raise ValueError(
            f"{name} must be one series: a 1-D array of time steps (or 2-D with time steps "
            f"as rows); got an array of shape {values.shape}."
        )
    if not np.isfinite(values).all():
        raise ValueError(
            f"{name} contains NaN or infinite values; fill or drop them first (for example "
            "with pandas' interpolate)."
        )
    return values


def check_positive_int(value, name: str) -> int:
    """``value`` as an int >= 1, or a ValueError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{name} must be a positive integer; got {value!r}.")
    return int(value)

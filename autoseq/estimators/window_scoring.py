"""Anomaly scoring on windows, shared by every autoseq anomaly detector; period detection.

Every autoseq anomaly detector *reconstructs* what it sees and scores the
reconstruction error, one way of reading data shared by the deep autoencoder
(:class:`autoseq.estimators.autoencoder.SeqAutoencoder`) and the baselines of
:mod:`autoseq.baselines.anomaly`:
:class:`~autoseq.baselines.anomaly.NearestWindowDetector` reconstructs a window by its nearest normal
training windows, :class:`~autoseq.baselines.anomaly.MatrixProfileDetector` (the matrix-profile discord)
by its nearest training window after z-normalizing both, so its errors are in
units of each window's own spread. A search ranks them against each other on
these errors. :func:`detect_period` finds a stream's period, from which the
default window lengths come.

Two input forms:

* a **collection** of sequences (``window_length=None``): each sequence is one
  window and gets one score;
* one **stream** (``window_length`` set): rows are time steps and columns
  channels (a pandas Series or DataFrame, a 1-D array, a 2-D array
  ``(n_rows, n_channels)``, or ``(n_rows, 1, n_channels)``, the form
  :class:`~autoseq.SequenceScaler` passes on). It is cut into overlapping
  windows and every row gets one score, aggregated over the windows that cover
  it.

**Training data versus new data** (scikit-learn's ``LocalOutlierFactor`` with
``novelty=False`` is the model): ``score_samples`` of the very data a detector
was fitted on (recognised by its shape and values, see :func:`fingerprint`)
scores each training window honestly: the nearest-window detectors compare it
only with training windows that lie more than ``window_length`` rows away (a
matrix-profile exclusion zone; in a collection, with every other sequence),
the autoencoder uses out-of-fold models. So ``fit_predict(X)`` finds the
anomalies inside ``X``. Any other data is scored against every training
window.

This module imports no TensorFlow.
"""

from __future__ import annotations

import hashlib
import numbers

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view
from sklearn.utils.validation import check_is_fitted

from autoseq import validation
from autoseq.preprocessing.padding import SequencePadder

# windows scored per forward pass; bounds memory on long streams
SCORE_CHUNK = 2048
AGGREGATES = ("mean", "max")
STREAM_FORMS = (
    "a pandas Series or DataFrame (rows are time steps, columns channels), a 1-D "
    "array, a 2-D array (n_rows, n_channels) or a 3-D array (n_rows, 1, n_channels)"
)


def is_stream(X) -> bool:
    """True for input that is one stream rather than a collection of sequences.

    A pandas Series or DataFrame (rows are time steps) and a 1-D array or list of
    numbers are streams; 2-D and 3-D arrays and lists of arrays are collections.
    """
    if isinstance(X, (pd.Series, pd.DataFrame)):
        return True
    if isinstance(X, np.ndarray):
        return X.ndim == 1 and X.dtype != object
    if isinstance(X, (list, tuple)) and len(X) > 0:
        return all(isinstance(v, numbers.Number) for v in X)
    return False


def as_stream(X, *, name: str = "X") -> np.ndarray:
    """Validate one stream and return it as a float array ``(n_rows, n_channels)``.

    Parameters
    ----------
    X : pandas Series or DataFrame, or array-like
        One of :data:`STREAM_FORMS`.
    name : str, default="X"
        Used in error messages.

    Returns
    -------
    ndarray of shape (n_rows, n_channels)

    Examples
    --------
    >>> import pandas as pd
    >>> from autoseq.estimators.window_scoring import as_stream
    >>> as_stream(pd.DataFrame({"cpu": [1.0, 2.0, 3.0], "mem": [4.0, 5.0, 6.0]})).shape
    (3, 2)
    """
    if isinstance(X, str) or validation.is_text(X):
        raise TypeError(f"{name} holds text; a stream must hold numbers. Accepted: {STREAM_FORMS}.")
    raw = X.to_numpy() if isinstance(X, (pd.Series, pd.DataFrame)) else X
    _refuse_complex(raw, name)
    try:
        arr = np.asarray(raw, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must hold numbers; got non-numeric values ({exc}). "
                        f"Accepted: {STREAM_FORMS}.") from None
    if arr.ndim == 1:
        arr = arr[:, np.newaxis]
    elif arr.ndim == 3 and arr.shape[1] == 1:
        arr = arr[:, 0, :]
    elif arr.ndim != 2:
        raise ValueError(f"Expected one stream as {STREAM_FORMS}; got an array of shape "
                         f"{arr.shape}.")
    if arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ValueError(f"{name} is an empty stream (shape {arr.shape}); it needs rows and "
                         "at least one channel.")
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} contains NaN or infinite values; fill or drop them first "
                         "(for example with pandas' interpolate).")
    return arr


def _refuse_complex(X, name: str) -> None:
    if np.iscomplexobj(X) if isinstance(X, np.ndarray) else (
            isinstance(X, (list, tuple)) and any(np.iscomplexobj(x) for x in X)):
        raise ValueError(f"Complex data not supported: {name} holds complex numbers; pass "
                         "their real part, magnitude or both as channels.")


def fingerprint(data: np.ndarray) -> str:
    """A digest of an array's shape, dtype and values: how a detector recognises its
    training data when asked to score it (the same rows, not the same object).

    Examples
    --------
    >>> import numpy as np
    >>> from autoseq.estimators.window_scoring import fingerprint
    >>> x = np.arange(6.0)
    >>> fingerprint(x) == fingerprint(x.copy()), fingerprint(x) == fingerprint(x[:5])
    (True, False)
    """
    data = np.ascontiguousarray(data)
    digest = hashlib.blake2b(data.tobytes(), digest_size=16).hexdigest()
    return f"{data.dtype.str}{data.shape}:{digest}"


# a stream's period is a lag whose autocorrelation reaches at least this
MIN_PERIOD_CORRELATION = 0.3
# ... and rises at least this above the valleys either side of it
MIN_PEAK_PROMINENCE = 0.1
# periods are looked for up to this share of the stream (at least 3 cycles seen)
MAX_PERIOD_SHARE = 1 / 3


def detect_period(rows, *, max_period: int | None = None) -> int | None:
    """The dominant period of a stream, from its autocorrelation; None without a clear one.

    The autocorrelation (mean over channels, each lag's products averaged over
    the pairs it has) is computed at every lag up to a third of the stream (or
    ``max_period``), so long periods are found as well as short ones. The
    period is its highest *prominent* peak: one that rises at least
    ``MIN_PEAK_PROMINENCE`` above the valleys on either side, so the small
    bumps noise adds at short lags do not count, and a slow trend under the
    cycle does not hide it. Of peaks nearly as high (within 10%) the
    shortest lag wins, so a multiple of the period is not taken for it.

    Parameters
    ----------
    rows : array-like of shape (n_rows,) or (n_rows, n_channels)
    max_period : int, optional
        Longest period considered; default a third of the rows.

    Returns
    -------
    int or None
        None when no prominent peak reaches an autocorrelation of
        ``MIN_PERIOD_CORRELATION`` (noise, a trend, a random walk).

    Examples
    --------
    >>> import numpy as np
    >>> from autoseq.estimators.window_scoring import detect_period
    >>> rng = np.random.default_rng(0)
    >>> detect_period(np.sin(2 * np.pi * np.arange(2000) / 50) + rng.normal(0, .05, 2000))
    50
    >>> x = np.sin(2 * np.pi * np.arange(10_000) / 1000) + rng.normal(0, .05, 10_000)
    >>> abs(detect_period(x) - 1000) <= 10  # a long period's peak is flat: within 1%
    True
    >>> detect_period(rng.normal(size=2000)) is None
    True
    """
    from scipy.signal import find_peaks

    x = np.asarray(rows, dtype=np.float64)
    x = x[:, np.newaxis] if x.ndim == 1 else x.reshape(len(x), -1)
    n = len(x)
    longest = int(n * MAX_PERIOD_SHARE) if max_period is None else int(max_period)
    max_lag = min(longest + 1, n - 1)  # one lag more, so a peak at the longest is a peak
    if max_lag < 3:
        return None
    x = x - x.mean(axis=0)
    spectrum = np.fft.rfft(x, n=2 * n, axis=0)
    acf = np.fft.irfft(np.abs(spectrum) ** 2, n=2 * n, axis=0)[:max_lag + 1]
    acf /= (n - np.arange(max_lag + 1))[:, np.newaxis]  # each lag's mean product
    varying = acf[0] > 0
    if not varying.any():
        return None
    acf = (acf[:, varying] / acf[0, varying]).mean(axis=1)
    peaks, _ = find_peaks(acf, prominence=MIN_PEAK_PROMINENCE)
    peaks = peaks[acf[peaks] >= MIN_PERIOD_CORRELATION]
    if not len(peaks):
        return None
    top = acf[peaks].max()
    peak = int(peaks[acf[peaks] >= 0.9 * top][0])
    # the vertex of a parabola through the peak's neighbourhood: a long period's peak is
    # flat enough for noise to move its highest lag by a few
    half = max(1, peak // 20)
    lags = np.arange(max(1, peak - half), min(max_lag, peak + half) + 1)
    a, b, _ = np.polyfit(lags - peak, acf[lags], 2)
    shift = -b / (2 * a) if a < 0 else 0.0
    return int(round(peak + float(np.clip(shift, -half, half))))


def stream_windows(rows: np.ndarray, length: int, stride: int = 1) -> np.ndarray:
    """Overlapping windows ``(n_windows, length, n_channels)`` of a stream, as float32."""
    view = sliding_window_view(rows, length, axis=0)[::stride]
    return np.ascontiguousarray(view.transpose(0, 2, 1), dtype=np.float32)


def check_scoring_params(aggregate, contamination) -> None:
    """Validate the ``aggregate`` and ``contamination`` parameters of a detector."""
    if aggregate not in AGGREGATES:
        raise ValueError(f"aggregate must be one of {AGGREGATES}; got {aggregate!r}.")
    c = contamination
    if not (isinstance(c, str) and c == "auto" or (
            isinstance(c, numbers.Real) and not isinstance(c, bool) and 0 < c <= 0.5)):
        raise ValueError(f"contamination must be 'auto' or a float in (0, 0.5]; got {c!r}.")


class WindowDetectorMixin:
    """Outlier-detector behaviour shared by window reconstructors (left of the base class).

    A subclass implements ``_fit_windows(windows)`` and ``_reconstruct(windows, starts)``
    (same shape back; NaN steps are padding; ``starts`` is None except for
    training data) and calls :meth:`_prepare_fit`
    and :meth:`_set_offset` from its ``fit``. It must have the parameters
    ``window_length``, ``stride``, ``aggregate``, ``contamination`` and
    ``validation_fraction``.
    """

    max_train_windows = 5000
    # training windows of a stream start at least length // this apart (0: no such floor)
    windows_per_length = 0
    # the fewest windows the held-out tail, and the part before it, may have
    min_heldout = 1

    # -- fitting --------------------------------------------------------------------
    def _check_params(self) -> None:
        w = self.window_length
        if w is not None and not (isinstance(w, numbers.Integral) and w >= 2):
            raise ValueError(f"window_length must be None (a collection: one score per "
                             f"sequence) or an int >= 2 (a stream); got {w!r}.")
        s = self.stride
        if s is not None and not (isinstance(s, numbers.Integral) and s >= 1):
            raise ValueError(f"stride must be None (automatic) or an int >= 1; got {s!r}.")
        check_scoring_params(self.aggregate, self.contamination)
        f = self.validation_fraction
        if not (isinstance(f, numbers.Real) and 0 <= f < 1):
            raise ValueError(f"validation_fraction must be a float in [0, 1); got {f!r}.")

    def _prepare_fit(self, X):
        """Validate ``X``; return the training windows ``(n, length, channels)`` and, for a
        stream, its rows ``(n_rows, channels)`` (None for a collection)."""
        self._check_params()
        self.stream_ = self.window_length is not None
        if self.stream_:
            rows = as_stream(X)
            if len(rows) < self.window_length + 1:
                raise ValueError(f"The stream has {len(rows)} rows; window_length="
                                 f"{self.window_length} needs at least {self.window_length + 1}.")
            self.window_length_ = int(self.window_length)
            self.n_features_in_ = rows.shape[1]
            n_possible = len(rows) - self.window_length_ + 1
            floor = self.window_length_ // self.windows_per_length if self.windows_per_length else 1
            self.stride_ = self.stride or max(1, floor, -(-n_possible // self.max_train_windows))
            self.training_fingerprint_ = fingerprint(rows)
            return stream_windows(rows, self.window_length_, self.stride_), rows
        seqs = self._collection(X)
        self.padder_ = SequencePadder()
        windows = self.padder_.fit_transform(seqs)
        self.window_length_ = self.padder_.length_
        self.n_features_in_ = self.padder_.n_channels_
        self.stride_ = 1
        self.training_fingerprint_ = fingerprint(windows)
        return windows, None

    def _collection(self, X):
        if is_stream(X) and not isinstance(X, pd.DataFrame):
            kind = "a pandas Series" if isinstance(X, pd.Series) else "a 1-D array"
            raise ValueError(
                f"X looks like one stream ({kind}): set window_length to score it row by "
                f"row. Reshape your data if it is one sequence (X[np.newaxis]); accepted "
                f"collections: {validation.ACCEPTED}.")
        _refuse_complex(X, "X")
        return validation.check_sequences(X, allow_nan="padding")

    def _heldout_count(self, n_windows: int) -> int:
        """How many of the last training windows are held out (0: too few to hold out)."""
        f = self.validation_fraction
        n_val = max(int(round(n_windows * f)), 1) if f > 0 else 0
        return n_val if n_val >= self.min_heldout and n_windows - n_val >= self.min_heldout else 0

    def _heldout_scores(self, windows, rows, n_val: int):
        """Scores of the held-out tail: the never-trained-on rows of a stream, or the last
        sequences of a collection; None when there is no usable tail."""
        if not n_val:
            return None
        if rows is None:
            return self._scores_of_windows(windows[-n_val:])
        w = self.window_length_
        tail = rows[(len(windows) - n_val - 1) * self.stride_ + w:]
        return self._stream_scores(tail) if len(tail) >= w else None

    def _set_offset(self, windows, rows, heldout_scores) -> None:
        """Learn ``offset_``: the held-out tail's lowest score for contamination="auto"
        (the training scores' without a tail), else the ``contamination`` quantile of
        the training scores."""
        if self.contamination == "auto" and heldout_scores is not None:
            self.offset_ = float(np.min(heldout_scores))
            return
        scores = self._training_data_scores(rows if rows is not None else windows)
        q = 0.0 if self.contamination == "auto" else 100 * self.contamination
        self.offset_ = float(np.percentile(scores, q))

    def _training_data_scores(self, data: np.ndarray) -> np.ndarray:
        """Honest scores of the training data (the stream's rows, or the padded
        sequences): each window is scored without itself, and without the windows it
        overlaps (see ``_step_errors``)."""
        if self.stream_:
            return self._stream_scores(data, in_sample=True)
        return self._scores_of_windows(data, in_sample=True)

    def _is_training_data(self, data: np.ndarray) -> bool:
        key = getattr(self, "training_fingerprint_", None)
        return key is not None and fingerprint(data) == key

    # -- scoring --------------------------------------------------------------------
    def score_samples(self, X):
        """Opposite of the reconstruction error: lower means more abnormal.

        Parameters
        ----------
        X : collection of sequences, or one stream (when fitted with ``window_length``)

        Returns
        -------
        ndarray of shape (n_sequences,) or (n_rows,)
            One score per sequence, or per row of the stream: minus the mean
            squared reconstruction error of that sequence / that row (averaged,
            or the maximum, over the windows covering it, see ``aggregate``).

        Notes
        -----
        The data ``fit`` saw (the same shape and values, whatever the object)
        is scored as training data: no window is compared with itself or with
        the windows it overlaps, so anomalies inside the training data score
        low (``fit_predict`` finds them). Other data is compared with every
        training window.
        """
        check_is_fitted(self, "offset_")
        if self.stream_:
            rows = as_stream(X)
            self._check_channels(rows.shape[1])
            if len(rows) < self.window_length_:
                raise ValueError(f"The stream has {len(rows)} rows, fewer than the window "
                                 f"length {self.window_length_} this detector was fitted with.")
            if self._is_training_data(rows):
                return self._training_data_scores(rows)
            return self._stream_scores(rows)
        seqs = self._collection(X)
        self._check_channels(validation.n_channels(seqs))
        windows = self.padder_.transform(seqs)
        if self._is_training_data(windows):
            return self._training_data_scores(windows)
        return self._scores_of_windows(windows)

    def decision_function(self, X):
        """``score_samples(X) - offset_``: negative for outliers."""
        return self.score_samples(X) - self.offset_

    def predict(self, X):
        """1 for normal, -1 for anomalous (per sequence, or per row of a stream)."""
        return np.where(self.decision_function(X) < 0, -1, 1)

    def score(self, X, y=None):
        """Mean of :meth:`score_samples`: minus the mean reconstruction error (higher is
        better), the criterion a search selects by."""
        return float(np.mean(self.score_samples(X)))

    def _check_channels(self, c: int) -> None:
        if c != self.n_features_in_:
            raise ValueError(f"X has {c} channels, but {type(self).__name__} was fitted on "
                             f"{self.n_features_in_}.")

    def _step_errors(self, windows: np.ndarray, starts=None) -> np.ndarray:
        """Squared reconstruction error per step, averaged over channels (NaN at padding).

        ``starts`` (training data only): where each window starts, so that a
        reconstructor that memorises its training windows can leave each one out.
        """
        recon = self._reconstruct(windows, starts)
        return np.mean((windows - recon) ** 2, axis=2, dtype=np.float64)

    def _scores_of_windows(self, windows, in_sample=False):
        errors = np.concatenate([
            self._step_errors(windows[i:i + SCORE_CHUNK],
                              np.arange(i, min(i + SCORE_CHUNK, len(windows))) if in_sample
                              else None)
            for i in range(0, len(windows), SCORE_CHUNK)])
        return -np.nanmean(errors, axis=1)

    def _stream_scores(self, rows: np.ndarray, in_sample=False) -> np.ndarray:
        """Per-row scores: each row's error, aggregated over every window covering it."""
        w, n_rows = self.window_length_, len(rows)
        n = n_rows - w + 1
        view = sliding_window_view(rows, w, axis=0)
        peak = self.aggregate == "max"
        acc = np.full(n_rows, -np.inf) if peak else np.zeros(n_rows)
        for start in range(0, n, SCORE_CHUNK):
            chunk = np.ascontiguousarray(view[start:start + SCORE_CHUNK].transpose(0, 2, 1),
                                         dtype=np.float32)
            m = len(chunk)
            err = self._step_errors(chunk, np.arange(start, start + m) if in_sample else None)
            for k in range(w):
                rows_k = slice(start + k, start + k + m)
                acc[rows_k] = np.maximum(acc[rows_k], err[:, k]) if peak else acc[rows_k] + err[:, k]
        if not peak:
            t = np.arange(n_rows)
            acc /= np.minimum(t, n - 1) - np.maximum(0, t - w + 1) + 1
        return -acc

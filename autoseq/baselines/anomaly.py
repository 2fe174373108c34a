"""The non-deep anomaly baselines: nearest-window reconstruction and the matrix-profile
discord. Both score through :class:`~autoseq.estimators.window_scoring.WindowDetectorMixin`,
like the deep autoencoder they are ranked against.

This module imports no TensorFlow.
"""

from __future__ import annotations

import numbers

import numpy as np
from sklearn.base import BaseEstimator, OutlierMixin

from autoseq.estimators.deadline import check_search_deadline
from autoseq.estimators.window_scoring import (
    WindowDetectorMixin,
)


class NearestWindowDetector(WindowDetectorMixin, OutlierMixin, BaseEstimator):
    """Baseline anomaly detector: each window is compared with its nearest normal windows.

    ``fit`` stores the windows of normal training data; a new window is
    *reconstructed* as the mean of its ``n_neighbors`` nearest training windows
    (Euclidean distance), and its score is minus the squared difference per step,
    the same reconstruction error the autoencoders of
    :class:`~autoseq.AutoSeqAnomalyDetector` are scored by. No training, no
    network: the bar a deep detector must clear.

    Parameters
    ----------
    window_length : int, optional
        None: ``X`` is a collection and each sequence is scored. An int: ``X``
        is one stream, cut into windows of this many rows; each row is scored.
    n_neighbors : int, default=1
        Training windows averaged into the reconstruction.
    stride : int, optional
        Step between training windows of a stream; None keeps at most 5000
        windows. Scoring always uses every window.
    aggregate : {"mean", "max"}, default="mean"
        How a row's errors in the windows covering it are combined.
    contamination : "auto" or float, default="auto"
        "auto": the threshold is the largest error on a held-out, time-ordered
        tail of the training data (``validation_fraction``), each of its windows
        compared with the windows before the tail only. A float in (0, 0.5]:
        that share of the training data is flagged: ``fit_predict(X)`` flags
        it, each training window compared with the training windows it does
        not overlap (see the module's notes on training data).
    validation_fraction : float, default=0.1
        Share of the training windows held out to learn the "auto" threshold.

    Attributes
    ----------
    offset_ : float
        ``decision_function = score_samples - offset_``.
    window_length_ : int
    stride_ : int
    stream_ : bool
        Whether the detector was fitted on one stream.
    n_features_in_ : int
        Channels per time step.

    Examples
    --------
    >>> import numpy as np
    >>> from autoseq.baselines.anomaly import NearestWindowDetector
    >>> t = np.arange(600.0)
    >>> normal = np.sin(2 * np.pi * t / 25)
    >>> det = NearestWindowDetector(window_length=20).fit(normal)
    >>> test = normal.copy(); test[300:305] += 2.0
    >>> 280 <= int(np.argmin(det.score_samples(test))) <= 325
    True
    """

    leaderboard_name_ = "nearest_windows"

    def __init__(self, window_length=None, *, n_neighbors=1, stride=None, aggregate="mean",
                 contamination="auto", validation_fraction=0.1):
        self.window_length = window_length
        self.n_neighbors = n_neighbors
        self.stride = stride
        self.aggregate = aggregate
        self.contamination = contamination
        self.validation_fraction = validation_fraction

    def fit(self, X, y=None):
        """Store the windows of normal data ``X`` and learn the threshold.

        Parameters
        ----------
        X : collection of sequences, or one stream (with ``window_length``)
        y : ignored

        Returns
        -------
        self
        """
        k = self.n_neighbors
        if not (isinstance(k, numbers.Integral) and k >= 1):
            raise ValueError(f"n_neighbors must be an int >= 1; got {k!r}.")
        check_search_deadline(self)
        windows, rows = self._prepare_fit(X)
        if len(windows) < k:
            raise ValueError(f"n_neighbors={k} needs at least {k} training windows; got "
                             f"{len(windows)} sample(s).")
        n_val = self._heldout_count(len(windows))
        heldout = None
        if n_val and len(windows) - n_val >= k:
            self._fit_windows(windows[:-n_val])
            heldout = self._heldout_scores(windows, rows, n_val)
        self._fit_windows(windows)
        self._set_offset(windows, rows, heldout)
        return self

    def _fit_windows(self, windows):
        from sklearn.neighbors import NearestNeighbors

        self.windows_ = np.nan_to_num(windows)
        self.index_ = NearestNeighbors(n_neighbors=self.n_neighbors).fit(
            self.windows_.reshape(len(windows), -1))

    def _reconstruct(self, windows, starts=None):
        flat = np.nan_to_num(windows).reshape(len(windows), -1)
        k, n_index = self.n_neighbors, len(self.windows_)
        if starts is None:
            idx = self.index_.kneighbors(flat, return_distance=False)
            return self.windows_[idx].mean(axis=1)
        # training data: leave out the windows a query overlaps (in a stream) or is (in a
        # collection); otherwise every training window would be its own nearest neighbour
        if self.stream_:
            positions, apart = starts, self.window_length_
            index_positions = np.arange(n_index) * self.stride_
        else:
            positions, apart, index_positions = starts, 1, np.arange(n_index)
        n_overlapping = 2 * -(-apart // self.stride_) - 1
        idx = self.index_.kneighbors(flat, n_neighbors=min(n_index, k + n_overlapping),
                                     return_distance=False)
        far = np.abs(index_positions[idx] - positions[:, None]) >= apart
        # the first k far neighbours; the nearest overlapping ones where too few are far
        order = np.argsort(~far, axis=1, kind="stable")[:, :k]
        return self.windows_[np.take_along_axis(idx, order, axis=1)].mean(axis=1)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.input_tags.allow_nan = False  # NaN only as SequencePadder's padding of 3-D input
        return tags


def _znormalized(windows: np.ndarray) -> np.ndarray:
    """Windows z-normalized per channel over their real steps, flattened ``(n, steps *
    channels)``; padding and constant channels (no spread) become zeros."""
    real = ~np.isnan(windows)
    n_real = np.maximum(real.sum(axis=1, keepdims=True), 1)
    x = np.where(real, windows, 0.0).astype(np.float64)
    mean = x.sum(axis=1, keepdims=True) / n_real
    centred = np.where(real, x - mean, 0.0)
    std = np.sqrt((centred ** 2).sum(axis=1, keepdims=True) / n_real)
    spread = np.nanmax(windows, axis=1, keepdims=True) > np.nanmin(windows, axis=1, keepdims=True)
    z = np.divide(centred, std, out=np.zeros_like(centred), where=spread & (std > 0))
    return z.reshape(len(windows), -1)


class MatrixProfileDetector(WindowDetectorMixin, OutlierMixin, BaseEstimator):
    """Baseline anomaly detector: the matrix-profile discord.

    Each window is compared, after z-normalization (per channel: its own
    mean removed, divided by its own standard deviation), with its nearest
    training window; the farthest such nearest neighbour is the *discord*, the
    matrix profile's anomaly (Yeh et al. 2016; on the UCR anomaly archive it
    finds about half the anomalies, ahead of most deep detectors). A window's
    error is the squared z-normalized Euclidean distance to its nearest
    neighbour per step and channel (``d**2 / (window_length * n_channels)``,
    0 for a perfect match, 2 for an unrelated shape, 4 for a mirrored one);
    a row's score is minus the errors of the windows covering it, combined by
    ``aggregate``. Constant windows follow STUMPY's rule: two constant
    windows match (0), a constant and a varying one do not (1).

    On the training data itself (see the module's notes) a window's nearest
    neighbour may not lie within ``window_length`` rows of it (the exclusion
    zone of a self-join); with one channel, ``score_samples`` of the training
    stream then ranks the windows exactly as ``stumpy.stump`` with an
    exclusion zone of ``window_length - 1`` does (``-matrix_profile**2 /
    window_length`` per window, ``aggregate="max"`` and the window's first
    row aside). New data is compared with every training window (an AB-join).

    Parameters
    ----------
    window_length : int, optional
        None: ``X`` is a collection and each sequence is one window. An int:
        ``X`` is one stream, cut into windows of this many rows; each row is
        scored.
    stride : int, optional
        Step between the training windows compared with; None: 1, or more to
        keep at most 10,000. Scoring always uses every window.
    aggregate : {"mean", "max"}, default="mean"
        How a row's errors in the windows covering it are combined.
    contamination : "auto" or float, default="auto"
        "auto": the threshold is the largest error on a held-out, time-ordered
        tail of the training data (``validation_fraction``), compared with the
        windows before the tail only. A float in (0, 0.5]: that share of the
        training data is flagged (``fit_predict(X)`` flags it).
    validation_fraction : float, default=0.1
        Share of the training windows held out to learn the "auto" threshold.

    Attributes
    ----------
    offset_ : float
        ``decision_function = score_samples - offset_``.
    window_length_ : int
    stride_ : int
    stream_ : bool
    n_features_in_ : int
    training_fingerprint_ : str
        Digest of the training data, by which ``score_samples`` recognises it.

    Examples
    --------
    >>> import numpy as np
    >>> from autoseq.baselines.anomaly import MatrixProfileDetector
    >>> rng = np.random.default_rng(0)
    >>> x = np.sin(2 * np.pi * np.arange(1000) / 50) + rng.normal(0, 0.05, 1000)
    >>> x[600:610] = 0.0  # a flat stretch inside the data fitted on
    >>> flags = MatrixProfileDetector(50, contamination=0.05).fit_predict(x)
    >>> bool((flags[600:610] == -1).all())
    True
    """

    leaderboard_name_ = "matrix_profile"
    max_train_windows = 10000
    # query windows compared per matrix product (bounds memory: chunk x training windows)
    chunk = 512

    def __init__(self, window_length=None, *, stride=None, aggregate="mean",
                 contamination="auto", validation_fraction=0.1):
        self.window_length = window_length
        self.stride = stride
        self.aggregate = aggregate
        self.contamination = contamination
        self.validation_fraction = validation_fraction

    def fit(self, X, y=None):
        """Store the z-normalized windows of ``X`` and learn the threshold.

        Parameters
        ----------
        X : collection of sequences, or one stream (with ``window_length``)
        y : ignored

        Returns
        -------
        self
        """
        check_search_deadline(self)
        windows, rows = self._prepare_fit(X)
        n_val = self._heldout_count(len(windows))
        heldout = None
        if n_val:
            self._fit_windows(windows[:-n_val])
            heldout = self._heldout_scores(windows, rows, n_val)
        self._fit_windows(windows)
        self._set_offset(windows, rows, heldout)
        return self

    def _fit_windows(self, windows):
        self.reference_ = _znormalized(windows)
        self.reference_norms_ = np.einsum("ij,ij->i", self.reference_, self.reference_)

    def _step_errors(self, windows, starts=None):
        out = np.empty(windows.shape[:2])
        for i in range(0, len(windows), self.chunk):
            part = windows[i:i + self.chunk]
            out[i:i + len(part)] = self._window_errors(
                part, None if starts is None else starts[i:i + len(part)])[:, None]
        padding = np.isnan(windows).all(axis=2)
        out[padding] = np.nan
        return out

    def _window_errors(self, windows, starts):
        z = _znormalized(windows)
        sq = np.einsum("ij,ij->i", z, z)
        d2 = sq[:, None] + self.reference_norms_[None, :] - 2.0 * (z @ self.reference_.T)
        np.maximum(d2, 0.0, out=d2)
        if starts is not None:
            if self.stream_:
                positions, zone = np.arange(len(self.reference_)) * self.stride_, \
                    self.window_length_
            else:
                positions, zone = np.arange(len(self.reference_)), 1
            near = np.abs(positions[None, :] - np.asarray(starts)[:, None]) < zone
            allowed = np.where(near, np.inf, d2)
            best = allowed.min(axis=1)
            # too short to leave anything out: the nearest overall
            best = np.where(np.isfinite(best), best, d2.min(axis=1))
        else:
            best = d2.min(axis=1)
        return best / (self.window_length_ * self.n_features_in_)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.input_tags.allow_nan = False
        return tags

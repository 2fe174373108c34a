"""Hydra's competing convolutional kernels, then a ridge solved in closed form.

Hydra (Dempster, Schmidt and Webb, 2023, "HYDRA: competing convolutional
kernels for fast and accurate time series classification") arranges random
kernels in groups that compete: at every time step only the kernel of a group
that responds most (its response is added to that kernel's "soft" count) and
the one that responds least (its "hard" count gains one) score. The features
count, per kernel and dilation, how often and how strongly it wins, a
dictionary method built from convolutions.

The recipe is the reference implementation's (``angus924/hydra``,
``code/hydra.py``; ``code/hydra_multivariate.py`` for several channels), in
TensorFlow: ``n_groups`` groups of ``n_kernels_per_group`` kernels of length 9,
normal weights normalised to zero mean and unit L1 norm, at dilations
``1, 2, 4, ...`` up to the largest that spans the training sequences
(``8 * d <= length - 1``), "same" zero padding; half the groups read the series,
the other half its first difference. With several channels each group reads
the sum of a random draw of ``clip(channels // 2, 2, 8)`` channels (with
replacement). Features are computed in one compiled call per chunk of
sequences; padding (NaN steps at either end of a 3-D array, the ends of the
shorter sequences of a list) is left out of every count, so a sequence has the
features it has alone.

The head is :mod:`~autoseq.estimators.rocket_ridge`'s: the features are
standardised, clipped to their training range and fitted with scikit-learn's
:class:`~sklearn.linear_model.RidgeClassifierCV` or
:class:`~sklearn.linear_model.RidgeCV`; the estimators are
:class:`~autoseq.RocketRidgeClassifier` and
:class:`~autoseq.RocketRidgeRegressor` with Hydra's features in place of
ROCKET's. The kernels are a pure function of ``(n_groups,
n_kernels_per_group, seed, dilations, channels)``, so a fitted estimator
stores no network and pickles small.

:class:`RocketHydraRidgeClassifier` and :class:`RocketHydraRidgeRegressor`
(``rocket_hydra_ridge``) put ROCKET's features (``rocket_ridge``'s, first) and
Hydra's (second), both from the same seed, side by side under the same head:
on 19 UCR sets one ridge on both beat ``rocket_ridge`` by 1.1 points of mean
accuracy (11 wins, 3 ties, 5 losses) for 1.5 to 1.8 times its fit time.
"""

from __future__ import annotations

import functools

import numpy as np

from autoseq import validation
from autoseq.estimators.deadline import check_search_deadline_during
from autoseq.estimators.rocket_ridge import (
    CHUNK,
    DEFAULT_ALPHAS,
    RocketRidgeClassifier,
    RocketRidgeRegressor,
    check_kernel_input,
    dilated_convolution,
    validated_kernel_features,
)
from autoseq.preprocessing.padding import pad_sequences

__all__ = ["HydraRidgeClassifier", "HydraRidgeRegressor", "RocketHydraRidgeClassifier",
           "RocketHydraRidgeRegressor", "hydra_dilations", "hydra_features"]

KERNEL_LENGTH = 9
# values per convolution output of one compiled call (steps x kernels x sequences): a long
# series gets fewer than CHUNK sequences per call, so memory stays about 64 MB per tensor
CHUNK_VALUES = 2**24


def hydra_dilations(length: int, max_dilation: int | None = None) -> tuple[int, ...]:
    """Hydra's dilations for sequences of ``length`` steps: ``1, 2, 4, ...`` while a
    kernel of length 9 spans at most the sequence (``8 * d <= length - 1``).

    Always at least ``(1,)``. ``max_dilation`` caps them.
    """
    top = 1
    while (KERNEL_LENGTH - 1) * top * 2 <= length - 1:
        top *= 2
    if max_dilation is not None:
        while top > 1 and top > max_dilation:
            top //= 2
    return tuple(2**i for i in range(top.bit_length()))


def _hydra_weights(n_groups: int, n_kernels_per_group: int, seed: int,
                   dilations: tuple[int, ...], channels: int):
    """Per dilation, per input (the series, then its difference): ``(selection, kernels)``.

    ``selection`` ``(channels, groups)`` counts the channels each group sums;
    ``kernels`` ``(9, 1, groups * k)`` holds group ``j``'s kernels at ``j * k ... j * k + k - 1``.
    """
    rng = np.random.default_rng(seed)
    parts = [n_groups - n_groups // 2, n_groups // 2]  # the series, its first difference
    per_group = int(np.clip(channels // 2, 2, 8))
    weights = []
    for _ in dilations:
        for groups in parts:
            if groups == 0:
                continue
            w = rng.standard_normal((groups * n_kernels_per_group, KERNEL_LENGTH))
            w -= w.mean(axis=1, keepdims=True)
            w /= np.abs(w).sum(axis=1, keepdims=True)
            if channels == 1:
                selection = np.ones((1, groups))
            else:
                drawn = rng.integers(0, channels, size=(groups, per_group))
                selection = np.zeros((channels, groups))
                np.add.at(selection, (drawn, np.arange(groups)[:, None]), 1.0)
            weights.append((selection.astype("float32"),
                            w.T[:, None, :].astype("float32")))
    return weights


@functools.lru_cache(maxsize=4)
def _extractor(n_groups: int, n_kernels_per_group: int, seed: int,
               dilations: tuple[int, ...], channels: int):
    """A compiled ``(batch, steps, channels) -> (batch, features)`` function; NaN steps
    are padding."""
    from autoseq._backend import tensorflow as _tensorflow

    tf = _tensorflow()
    k = n_kernels_per_group
    weights = iter(_hydra_weights(n_groups, k, seed, dilations, channels))
    plan = []  # (dilation, reads the difference, selection, kernels)
    for d in dilations:
        for diff, groups in enumerate((n_groups - n_groups // 2, n_groups // 2)):
            if groups:
                selection, kernels = next(weights)
                plan.append((d, diff, tf.constant(selection), tf.constant(kernels)))

    def counts(z, valid):
        """Soft counts of each group's largest response, hard counts of its smallest."""
        shape = tf.shape(z)
        z = tf.reshape(z, tf.concat([shape[:2], [-1, k]], axis=0))  # (batch, steps, groups, k)
        valid = tf.cast(valid, z.dtype)[:, :, None, None]
        top = tf.one_hot(tf.argmax(z, axis=-1), k, dtype=z.dtype)
        soft = tf.reduce_sum(top * tf.reduce_max(z, axis=-1, keepdims=True) * valid, axis=1)
        bottom = tf.one_hot(tf.argmin(z, axis=-1), k, dtype=z.dtype)
        hard = tf.reduce_sum(bottom * valid, axis=1)
        return [tf.reshape(soft, (shape[0], -1)), tf.reshape(hard, (shape[0], -1))]

    def features(x):
        valid = tf.logical_not(tf.reduce_all(tf.math.is_nan(x), axis=-1))
        x = tf.where(tf.math.is_nan(x), tf.zeros_like(x), x)
        # the first difference, as long as x: its last step (and any step that reads
        # padding) is zero and left out, so "same" padding sees what it sees in the reference
        ahead = tf.concat([x[:, 1:], tf.zeros_like(x[:, :1])], axis=1)
        valid_ahead = tf.concat([valid[:, 1:], tf.zeros_like(valid[:, :1])], axis=1)
        valid_diff = tf.logical_and(valid, valid_ahead)
        diff = tf.where(valid_diff[:, :, None], ahead - x, tf.zeros_like(x))
        out = []
        for d, reads_diff, selection, kernels in plan:
            series, mask = (diff, valid_diff) if reads_diff else (x, valid)
            if channels == 1:  # every group reads the one channel: one product, no groups
                z = dilated_convolution(series, kernels, d)
            else:
                summed = tf.einsum("btc,cg->btg", series, selection)  # each group's channel sum
                z = tf.nn.conv1d(summed, kernels, stride=1, padding="SAME", dilations=d)
            out.extend(counts(z, mask))
        return tf.concat(out, axis=1)

    spec = tf.TensorSpec((None, None, channels), dtype="float32")
    return tf.function(features, input_signature=[spec])


def hydra_features(X, *, n_groups: int = 64, n_kernels_per_group: int = 8, seed: int = 0,
                   dilations=None) -> np.ndarray:
    """Hydra's soft and hard counts of competing random kernels over each sequence.

    Parameters
    ----------
    X : sequences
        Any form accepted by :func:`autoseq.validation.check_sequences`; NaN
        steps at either end of a padded 3-D array, and the ends of shorter
        sequences in a list, are left out of every count.
    n_groups, n_kernels_per_group, seed : int
        As in :class:`HydraRidgeClassifier` (``seed`` fixes the kernels).
    dilations : sequence of int, optional
        Default: :func:`hydra_dilations` of the longest sequence of ``X``.

    Returns
    -------
    ndarray of shape (n_sequences, 2 * n_groups * n_kernels_per_group * len(dilations)), float32
    """
    seqs = check_kernel_input(X)
    if dilations is None:
        dilations = hydra_dilations(int(validation.lengths(seqs).max()))
    return _hydra_features(seqs, int(n_groups), int(n_kernels_per_group), int(seed),
                           tuple(int(d) for d in dilations))


def _hydra_features(seqs, n_groups: int, n_kernels_per_group: int, seed: int,
                    dilations: tuple[int, ...]) -> np.ndarray:
    """:func:`hydra_features` of sequences already validated."""
    from autoseq._backend import tensorflow as _tensorflow

    tf = _tensorflow()
    X = pad_sequences(seqs)
    forward = _extractor(n_groups, n_kernels_per_group, seed, dilations, X.shape[2])
    rows = max(1, min(CHUNK, CHUNK_VALUES // (X.shape[1] * n_groups * n_kernels_per_group)))
    chunks = []
    for i in range(0, len(X), rows):
        check_search_deadline_during("Hydra's features")
        chunks.append(forward(tf.constant(X[i:i + rows])).numpy())
    return np.concatenate(chunks)


class _HydraFeatures:
    """Hydra's features and parameters in place of ROCKET's, for the ridge estimators."""

    def __init__(self, n_groups=64, n_kernels_per_group=8, max_dilation=None,
                 alphas=DEFAULT_ALPHAS, max_sequences=None, random_state=None):
        self.n_groups = n_groups
        self.n_kernels_per_group = n_kernels_per_group
        self.max_dilation = max_dilation
        self.alphas = alphas
        self.max_sequences = max_sequences
        self.random_state = random_state

    def _positive_integer_params(self):
        names = ("n_groups", "n_kernels_per_group")
        return names + (() if self.max_dilation is None else ("max_dilation",))

    def _fit_features(self, seqs):
        self.dilations_ = None  # set by _hydra from the lengths of the training sequences
        return super()._fit_features(seqs)

    def _features(self, seqs):
        return self._hydra(seqs, self.max_dilation)

    def _hydra(self, seqs, max_dilation):
        """Hydra's features of validated ``seqs``; the first call of a fit sets ``dilations_``."""
        if self.dilations_ is None:
            length = int(validation.lengths(seqs).max())
            self.dilations_ = hydra_dilations(length, max_dilation)
        return _hydra_features(seqs, int(self.n_groups), int(self.n_kernels_per_group),
                               self.seed_, self.dilations_)


class _RocketHydraFeatures(_HydraFeatures):
    """ROCKET's features, then Hydra's, from one seed, for the ridge estimators."""

    def __init__(self, n_kernels=5000, max_dilation=32, n_groups=64, n_kernels_per_group=8,
                 alphas=DEFAULT_ALPHAS, max_sequences=None, random_state=None):
        self.n_kernels = n_kernels
        self.max_dilation = max_dilation
        self.n_groups = n_groups
        self.n_kernels_per_group = n_kernels_per_group
        self.alphas = alphas
        self.max_sequences = max_sequences
        self.random_state = random_state

    def _positive_integer_params(self):
        return ("n_kernels", "max_dilation", "n_groups", "n_kernels_per_group")

    def _features(self, seqs):
        rocket = validated_kernel_features(seqs, int(self.n_kernels), self.seed_, int(self.max_dilation))
        # max_dilation is ROCKET's: Hydra keeps its own dilations, from the training lengths
        return np.hstack([rocket, self._hydra(seqs, None)])


class HydraRidgeClassifier(_HydraFeatures, RocketRidgeClassifier):
    """Hydra's competing convolutional kernels and a ridge classifier, fitted in closed form.

    Parameters
    ----------
    n_groups : int, default=64
        Groups of competing kernels; half read the series, half its first
        difference.
    n_kernels_per_group : int, default=8
        Kernels per group. Each dilation gives ``2 * n_groups *
        n_kernels_per_group`` features (1,024 by default).
    max_dilation : int or None, default=None
        Caps the dilations; None keeps Hydra's: ``1, 2, 4, ...`` up to the
        largest a kernel of length 9 can span on the longest training sequence.
    alphas : array-like, default=10 values from 1e-3 to 1e3
        Ridge penalties tried; the best by leave-one-out cross-validation is kept.
    max_sequences : int or None, default=None
        Learn from at most this many training sequences, drawn at random (every
        class kept): the leave-one-out ridge solves a problem as large as the
        number of sequences, so its time grows with their cube. The search sets it
        for large collections.
    random_state : int, RandomState or None, default=None
        Seed of the kernels and of the channels each group sums.

    Attributes
    ----------
    classes_ : ndarray
        Class labels (label indices for a multi-label indicator ``y``).
    ridge_ : RidgeClassifierCV
        The fitted ridge; ``ridge_.alpha_`` is the chosen penalty.
    scaler_ : StandardScaler
        Standardisation of the features, fitted on the training sequences.
    feature_min_, feature_max_ : ndarray of shape (n_features,)
        Range of each standardised feature in training; new features are
        clipped to it.
    dilations_ : tuple of int
        The dilations, from the longest training sequence.
    seed_ : int
        The kernels' seed drawn from ``random_state``.
    n_features_in_ : int
        Channels per step (columns, when fitted on a 2-D table).
    n_channels_ : int
        Channels per step.

    Examples
    --------
    >>> import numpy as np
    >>> from autoseq.estimators.hydra_ridge import HydraRidgeClassifier
    >>> rng = np.random.default_rng(0)
    >>> t = np.linspace(0, 6, 40)
    >>> X = np.stack([np.sin(t * (1 + k % 2)) + 0.1 * rng.normal(size=40) for k in range(20)])
    >>> y = np.arange(20) % 2
    >>> clf = HydraRidgeClassifier(n_groups=8, random_state=0).fit(X, y)
    >>> clf.score(X, y)
    1.0
    """

    # how the AutoSeq leaderboard names this candidate
    leaderboard_name_ = "hydra_ridge"


class HydraRidgeRegressor(_HydraFeatures, RocketRidgeRegressor):
    """Hydra's competing convolutional kernels and a ridge regression, fitted in closed form.

    Parameters
    ----------
    n_groups, n_kernels_per_group, max_dilation, alphas, max_sequences, random_state
        As in :class:`HydraRidgeClassifier`.

    Attributes
    ----------
    ridge_ : RidgeCV
        The fitted ridge; ``ridge_.alpha_`` is the chosen penalty.
    scaler_, feature_min_, feature_max_, dilations_, seed_, n_features_in_, n_channels_
        As in :class:`HydraRidgeClassifier`.

    Examples
    --------
    >>> import numpy as np
    >>> from autoseq.estimators.hydra_ridge import HydraRidgeRegressor
    >>> rng = np.random.default_rng(0)
    >>> X, y = rng.normal(scale=0.3, size=(60, 40)), rng.uniform(0, 2, size=60)
    >>> X[:, 10:17] += y[:, None] * np.hanning(9)[1:-1]  # a bump as high as the target
    >>> reg = HydraRidgeRegressor(n_groups=16, random_state=0).fit(X[:40], y[:40])
    >>> bool(reg.score(X[40:], y[40:]) > 0.5)
    True
    """

    leaderboard_name_ = "hydra_ridge"



class RocketHydraRidgeClassifier(_RocketHydraFeatures, RocketRidgeClassifier):
    """ROCKET's and Hydra's features side by side, and one ridge classifier in closed form.

    The features are :class:`~autoseq.RocketRidgeClassifier`'s (``2 *
    n_kernels``), then :class:`HydraRidgeClassifier`'s (``2 * n_groups *
    n_kernels_per_group`` per dilation), both drawn from the same seed; the head
    (standardise, clip to the training range, ridge with the penalty chosen by
    leave-one-out cross-validation) is theirs.

    Parameters
    ----------
    n_kernels : int, default=5000
        ROCKET's random kernels; each gives two features (PPV and max).
    max_dilation : int, default=32
        ROCKET's largest dilation. Hydra's dilations are its own: ``1, 2, 4, ...``
        up to the largest a kernel of length 9 can span on the longest training
        sequence.
    n_groups : int, default=64
        Hydra's groups of competing kernels; half read the series, half its first
        difference.
    n_kernels_per_group : int, default=8
        Hydra's kernels per group.
    alphas : array-like, default=10 values from 1e-3 to 1e3
        Ridge penalties tried; the best by leave-one-out cross-validation is kept.
    max_sequences : int or None, default=None
        Learn from at most this many training sequences, drawn at random (every
        class kept): the leave-one-out ridge solves a problem as large as the
        number of sequences, so its time grows with their cube. The search sets it
        for large collections.
    random_state : int, RandomState or None, default=None
        Seed of both kernel sets (and of the channels each Hydra group sums).

    Attributes
    ----------
    classes_ : ndarray
        Class labels (label indices for a multi-label indicator ``y``).
    ridge_ : RidgeClassifierCV
        The fitted ridge; ``ridge_.alpha_`` is the chosen penalty.
    scaler_ : StandardScaler
        Standardisation of the features, fitted on the training sequences.
    feature_min_, feature_max_ : ndarray of shape (n_features,)
        Range of each standardised feature in training; new features are
        clipped to it. ROCKET's ``2 * n_kernels`` come first.
    dilations_ : tuple of int
        Hydra's dilations, from the longest training sequence.
    seed_ : int
        The kernels' seed drawn from ``random_state`` (the one
        :class:`~autoseq.RocketRidgeClassifier` and :class:`HydraRidgeClassifier`
        draw from the same ``random_state``).
    n_features_in_ : int
        Channels per step (columns, when fitted on a 2-D table).
    n_channels_ : int
        Channels per step.

    Examples
    --------
    >>> import numpy as np
    >>> from autoseq.estimators.hydra_ridge import RocketHydraRidgeClassifier
    >>> rng = np.random.default_rng(0)
    >>> t = np.linspace(0, 6, 40)
    >>> X = np.stack([np.sin(t * (1 + k % 2)) + 0.1 * rng.normal(size=40) for k in range(20)])
    >>> y = np.arange(20) % 2
    >>> clf = RocketHydraRidgeClassifier(n_kernels=100, n_groups=8, random_state=0).fit(X, y)
    >>> clf.score(X, y)
    1.0
    """

    # how the AutoSeq leaderboard names this candidate
    leaderboard_name_ = "rocket_hydra_ridge"


class RocketHydraRidgeRegressor(_RocketHydraFeatures, RocketRidgeRegressor):
    """ROCKET's and Hydra's features side by side, and one ridge regression in closed form.

    Parameters
    ----------
    n_kernels, max_dilation, n_groups, n_kernels_per_group, alphas, max_sequences, random_state
        As in :class:`RocketHydraRidgeClassifier`.

    Attributes
    ----------
    ridge_ : RidgeCV
        The fitted ridge; ``ridge_.alpha_`` is the chosen penalty.
    scaler_, feature_min_, feature_max_, dilations_, seed_, n_features_in_, n_channels_
        As in :class:`RocketHydraRidgeClassifier`.

    Examples
    --------
    >>> import numpy as np
    >>> from autoseq.estimators.hydra_ridge import RocketHydraRidgeRegressor
    >>> rng = np.random.default_rng(0)
    >>> X, y = rng.normal(scale=0.3, size=(60, 40)), rng.uniform(0, 2, size=60)
    >>> X[:, 10:17] += y[:, None] * np.hanning(9)[1:-1]  # a bump as high as the target
    >>> reg = RocketHydraRidgeRegressor(n_kernels=100, n_groups=16, random_state=0)
    >>> bool(reg.fit(X[:40], y[:40]).score(X[40:], y[40:]) > 0.5)
    True
    """

    leaderboard_name_ = "rocket_hydra_ridge"

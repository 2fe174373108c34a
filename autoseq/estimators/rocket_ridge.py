"""ROCKET's own recipe: fixed random convolution kernels, then a ridge solved in closed form.

The ``rocket`` architecture trains its head by gradient descent, like every
network of the search. With the few dozen to few thousand training sequences
of a typical archive set, a ridge regression solved in closed form, its penalty
chosen by leave-one-out cross-validation, is faster and more accurate: that is
how ROCKET itself is fitted (Dempster, Petitjean and Webb, 2020). These
estimators compute the same features as ``rocket`` (the kernels of the Keras layer
:class:`autoseq.networks.layers.RandomConvolutionFeatures`, through one compiled call per
chunk of sequences, each convolution a matrix product), standardise them and fit
scikit-learn's
:class:`~sklearn.linear_model.RidgeClassifierCV` or
:class:`~sklearn.linear_model.RidgeCV`.

Each standardised feature is clipped to the range it spanned on the training
sequences: a feature almost constant in training has a tiny scale, and new data
that moves it would otherwise reach the ridge thousands of standard deviations
out (on a walk-forward fold of Covid3Month: RMSE 26 instead of 0.04).

The kernels are a pure function of ``(n_kernels, seed, max_dilation, channels)``,
so a fitted estimator stores no network: it pickles small and rebuilds the
feature extractor when it is first needed in a new process.
"""

from __future__ import annotations

import functools

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.linear_model import RidgeClassifierCV, RidgeCV
from sklearn.preprocessing import StandardScaler
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from autoseq import validation
from autoseq.estimators.deadline import (
    check_search_deadline,
    check_search_deadline_during,
    stoppable_fit,
)
from autoseq.preprocessing.padding import pad_sequences

__all__ = ["RocketRidgeClassifier", "RocketRidgeRegressor", "random_kernel_features"]

DEFAULT_ALPHAS = tuple(np.logspace(-3, 3, 10))
CHUNK = 256  # sequences per compiled call: bounds the memory of the convolutions
# the features are computed in float32: float32 input is read as it is
_INPUT_DTYPES = (np.float64, np.float32)


def check_kernel_input(X):
    """Sequences as the kernel features read them: float32 or float64, NaN as padding."""
    return validation.check_sequences(X, allow_nan="padding", dtype=_INPUT_DTYPES)


def dilated_convolution(x, kernel, dilation: int):
    """``tf.nn.conv1d(x, kernel, padding="SAME", dilations=dilation)`` for an odd kernel
    length, as one product of the shifted steps with the kernels.

    Faster than the convolution on CPU for these short kernels, and, unlike it, a
    sequence's result does not depend on the other sequences of the batch (oneDNN
    picks its algorithm by batch size), so predicting a subset gives the same numbers.
    """
    from autoseq._backend import tensorflow as _tensorflow

    tf = _tensorflow()
    length = kernel.shape[0]
    half = (length - 1) // 2 * dilation
    steps = tf.shape(x)[1]
    padded = tf.pad(x, [[0, 0], [half, half], [0, 0]])
    shifted = tf.concat([padded[:, i * dilation:i * dilation + steps] for i in range(length)],
                        axis=-1)
    return tf.einsum("btk,kn->btn", shifted, tf.reshape(kernel, (-1, kernel.shape[-1])))


@functools.lru_cache(maxsize=4)
def _extractor(n_kernels: int, seed: int, max_dilation: int, channels: int):
    """A compiled ``(batch, steps, channels) -> (batch, 2 * n_kernels)`` feature function.

    It reads the kernels of :class:`autoseq.networks.layers.RandomConvolutionFeatures`
    and computes that layer's features, each convolution as a matrix product: faster
    on CPU than the layer's own call (``benchmarks/feature_speed.py``). XLA, which
    fused the reductions over time (1.5x more here, 3-4x on Hydra's counts), crashed
    the process once (a segmentation fault in a fresh-clone CI run), so nothing here is
    compiled by it.
    """
    from autoseq._backend import tensorflow as _tensorflow

    tf = _tensorflow()
    from autoseq.networks.layers import RandomConvolutionFeatures

    layer = RandomConvolutionFeatures(n_kernels=n_kernels, seed=seed, max_dilation=max_dilation)
    layer.build((None, None, channels))
    groups = [(tf.constant(kernel.numpy()), tf.constant(bias.numpy()), dilation)
              for kernel, bias, dilation in layer.groups]

    def features(x):
        valid = tf.cast(tf.logical_not(tf.reduce_all(tf.math.is_nan(x), axis=-1)), x.dtype)
        valid = valid[:, :, None]
        count = tf.maximum(tf.reduce_sum(valid, axis=1), 1.0)
        x = tf.where(tf.math.is_nan(x), tf.zeros_like(x), x)
        out = []
        for kernel, bias, dilation in groups:
            z = dilated_convolution(x, kernel, dilation) + bias
            ppv = tf.reduce_sum(tf.cast(z > 0, z.dtype) * valid, axis=1) / count
            out.extend((ppv, tf.reduce_max(z + (valid - 1.0) * 1e9, axis=1)))
        return tf.concat(out, axis=1)

    spec = tf.TensorSpec((None, None, channels), dtype="float32")
    return tf.function(features, input_signature=[spec])


def random_kernel_features(X, *, n_kernels: int = 5000, seed: int = 0,
                           max_dilation: int = 32) -> np.ndarray:
    """PPV and max of ``n_kernels`` fixed random dilated kernels over each sequence.

    Parameters
    ----------
    X : sequences
        Any form accepted by :func:`autoseq.validation.check_sequences`; NaN
        steps at either end of a padded 3-D array, and the ends of shorter
        sequences in a list, are left out of every feature.
    n_kernels, seed, max_dilation : int
        As in :class:`autoseq.networks.layers.RandomConvolutionFeatures`.

    Returns
    -------
    ndarray of shape (n_sequences, 2 * n_kernels), float32
    """
    return validated_kernel_features(check_kernel_input(X), int(n_kernels), int(seed), int(max_dilation))


def validated_kernel_features(seqs, n_kernels: int, seed: int, max_dilation: int) -> np.ndarray:
    """:func:`random_kernel_features` of sequences already validated."""
    from autoseq._backend import tensorflow as _tensorflow

    tf = _tensorflow()
    X = pad_sequences(seqs)
    forward = _extractor(n_kernels, seed, max_dilation, X.shape[2])
    chunks = []
    for i in range(0, len(X), CHUNK):
        check_search_deadline_during("the random kernel features")
        chunks.append(forward(tf.constant(X[i:i + CHUNK])).numpy())
    return np.concatenate(chunks)


class _RocketRidgeBase(BaseEstimator):
    """Input checks and features shared by the classifier and the regressor."""

    def __init__(self, n_kernels=5000, max_dilation=32, alphas=DEFAULT_ALPHAS,
                 max_sequences=None, random_state=None):
        self.n_kernels = n_kernels
        self.max_dilation = max_dilation
        self.alphas = alphas
        self.max_sequences = max_sequences
        self.random_state = random_state

    def _positive_integer_params(self) -> tuple:
        """The parameters :meth:`_check_params` requires to be positive integers."""
        return ("n_kernels", "max_dilation")

    def _check_params(self):
        for name in self._positive_integer_params():
            value = getattr(self, name)
            if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 1:
                raise ValueError(f"{name} must be a positive integer; got {value!r}.")
        alphas = np.asarray(self.alphas, dtype=float).ravel()
        if alphas.size == 0 or not (alphas > 0).all():
            raise ValueError(f"alphas must be positive penalties; got {self.alphas!r}.")
        limit = self.max_sequences
        if limit is not None and (not isinstance(limit, (int, np.integer))
                                  or isinstance(limit, bool) or limit < 2):
            raise ValueError(f"max_sequences must be None or an integer of at least 2; got "
                             f"{limit!r}.")
        return tuple(alphas)

    def _fit_features(self, seqs):
        """The features of the validated training ``seqs``."""
        return self._features(seqs)

    def _kept_sequences(self, y) -> np.ndarray | None:
        """Indices of the sequences the ridge learns from [None: all of them]."""
        if self.max_sequences is None or len(y) <= self.max_sequences:
            return None
        rng = np.random.default_rng(self.seed_)
        return np.sort(rng.choice(len(y), size=int(self.max_sequences), replace=False))

    def fit(self, X, y, sample_weight=None):
        """Compute the features of ``X`` and fit the ridge to ``y``.

        Parameters
        ----------
        X : sequences
            Any form accepted by :func:`autoseq.validation.check_sequences`.
        y : array-like of shape (n_sequences,) or (n_sequences, n_outputs)
            Class labels (a binary indicator matrix for multi-label targets) or
            numeric targets.
        sample_weight : array-like of shape (n_sequences,), optional

        Returns
        -------
        self
        """
        alphas = self._check_params()
        check_search_deadline(self)
        seqs = check_kernel_input(X)
        y = self._check_y(validation.check_target(y, len(seqs)))
        self.n_channels_ = validation.n_channels(seqs)
        self.n_features_in_ = validation.check_table_columns(self, X, reset=True)
        self.seed_ = int(check_random_state(self.random_state).randint(np.iinfo(np.int32).max))
        kept = self._kept_sequences(y)
        if kept is not None:
            seqs = seqs[kept] if isinstance(seqs, np.ndarray) else [seqs[i] for i in kept]
            y = y[kept]
            sample_weight = None if sample_weight is None else np.asarray(sample_weight)[kept]
        with stoppable_fit():  # a fold on much data stops between chunks at the deadline
            features = self._fit_features(seqs)
        self.scaler_ = StandardScaler().fit(features)
        features = self.scaler_.transform(features)
        self.feature_min_, self.feature_max_ = features.min(axis=0), features.max(axis=0)
        self.ridge_ = self._ridge(alphas).fit(features, y, sample_weight=sample_weight)
        return self

    def _predict_features(self, X):
        check_is_fitted(self, "seed_")
        seqs = check_kernel_input(X)
        validation.check_channels(self, seqs, X)
        features = self.scaler_.transform(self._features(seqs))
        return np.clip(features, self.feature_min_, self.feature_max_)

    def _features(self, seqs):
        return validated_kernel_features(seqs, self.n_kernels, self.seed_, self.max_dilation)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.target_tags.multi_output = True
        return tags


class RocketRidgeClassifier(ClassifierMixin, _RocketRidgeBase):
    """Random convolution kernels and a ridge classifier: ROCKET, fitted in closed form.

    Parameters
    ----------
    n_kernels : int, default=5000
        Random kernels; each gives two features (PPV and max), so 10,000 by
        default, about what MiniRocket uses.
    max_dilation : int, default=32
        Largest dilation; kernels use dilations 1, 2, 4, ... up to it.
    alphas : array-like, default=10 values from 1e-3 to 1e3
        Ridge penalties tried; the best by leave-one-out cross-validation is kept.
    max_sequences : int or None, default=None
        Learn from at most this many training sequences, drawn at random (every
        class kept): the leave-one-out ridge solves a problem as large as the
        number of sequences, so its time grows with their cube. The search sets it
        for large collections.
    random_state : int, RandomState or None, default=None
        Seed of the kernels.

    Attributes
    ----------
    classes_ : ndarray
        Class labels (label indices for a multi-label indicator ``y``).
    ridge_ : RidgeClassifierCV
        The fitted ridge; ``ridge_.alpha_`` is the chosen penalty.
    scaler_ : StandardScaler
        Standardisation of the features, fitted on the training sequences.
    feature_min_, feature_max_ : ndarray of shape (2 * n_kernels,)
        Range of each standardised feature in training; new features are
        clipped to it.
    seed_ : int
        The kernels' seed drawn from ``random_state``.
    n_features_in_ : int
        Channels per step (columns, when fitted on a 2-D table).
    n_channels_ : int
        Channels per step.

    Examples
    --------
    >>> import numpy as np
    >>> from autoseq import RocketRidgeClassifier
    >>> rng = np.random.default_rng(0)
    >>> t = np.linspace(0, 6, 40)
    >>> X = np.stack([np.sin(t * (1 + k % 2)) + 0.1 * rng.normal(size=40) for k in range(20)])
    >>> y = np.arange(20) % 2
    >>> clf = RocketRidgeClassifier(n_kernels=100, random_state=0).fit(X, y)
    >>> clf.score(X, y)
    1.0
    """

    # how the AutoSeq leaderboard names this candidate
    leaderboard_name_ = "rocket_ridge"

    @property
    def classes_(self):
        return self.ridge_.classes_

    def _check_y(self, y):
        self.multilabel_ = y.ndim == 2
        if not self.multilabel_ and len(np.unique(y)) < 2:
            raise ValueError(f"{type(self).__name__} needs at least two classes; y has one "
                             f"class only ({np.unique(y)[0]!r}).")
        return y

    def _ridge(self, alphas):
        return RidgeClassifierCV(alphas=alphas)

    def _kept_sequences(self, y):
        """A random sample that keeps at least one sequence of every class."""
        if self.max_sequences is None or len(y) <= self.max_sequences or self.multilabel_:
            return super()._kept_sequences(y)
        order = np.random.default_rng(self.seed_).permutation(len(y))
        _, first = np.unique(y[order], return_index=True)
        rest = np.delete(order, first)[:max(0, int(self.max_sequences) - len(first))]
        return np.sort(np.concatenate([order[first], rest]))

    def decision_function(self, X):
        """The ridge's scores: ``(n,)`` for two classes, else ``(n, n_classes)``."""
        features = self._predict_features(X)
        return self.ridge_.decision_function(features).astype(float)

    def predict(self, X):
        """Class labels (an indicator matrix for multi-label targets)."""
        features = self._predict_features(X)
        return self.ridge_.predict(features)

    def predict_proba(self, X):
        """Least-squares class scores mapped to ``[0, 1]``: not calibrated probabilities.

        The ridge regresses each class indicator coded -1/+1, so ``(score + 1) / 2``
        estimates its probability; it is clipped to ``[0, 1]`` and, for single-label
        targets, normalised to sum to one. Good for ranking and for mixing in
        ensembles; calibrate it (``CalibratedClassifierCV``) for probabilities.

        Returns
        -------
        ndarray of shape (n, n_classes), or (n, n_labels) for multi-label targets
        """
        scores = np.clip((self.decision_function(X) + 1.0) / 2.0, 0.0, 1.0)
        if scores.ndim == 1:
            return np.column_stack([1.0 - scores, scores])
        if self.multilabel_:
            return scores
        total = scores.sum(axis=1, keepdims=True)
        uniform = np.full_like(scores, 1.0 / scores.shape[1])
        return np.where(total > 0, scores / np.where(total > 0, total, 1.0), uniform)


class RocketRidgeRegressor(RegressorMixin, _RocketRidgeBase):
    """Random convolution kernels and a ridge regression: ROCKET, fitted in closed form.

    Parameters
    ----------
    n_kernels, max_dilation, alphas, max_sequences, random_state
        As in :class:`RocketRidgeClassifier`.

    Attributes
    ----------
    ridge_ : RidgeCV
        The fitted ridge; ``ridge_.alpha_`` is the chosen penalty.
    scaler_, feature_min_, feature_max_, seed_, n_features_in_, n_channels_
        As in :class:`RocketRidgeClassifier`.

    Examples
    --------
    >>> import numpy as np
    >>> from autoseq import RocketRidgeRegressor
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(30, 50))
    >>> y = X.max(axis=1)
    >>> reg = RocketRidgeRegressor(n_kernels=200, random_state=0).fit(X[:20], y[:20])
    >>> bool(reg.score(X[20:], y[20:]) > 0.5)
    True
    """

    leaderboard_name_ = "rocket_ridge"

    def _check_y(self, y):
        try:
            return y.astype(float)
        except ValueError:
            raise ValueError(f"{type(self).__name__} needs numeric targets; got y of dtype "
                             f"{y.dtype}.") from None

    def _ridge(self, alphas):
        return RidgeCV(alphas=alphas)

    def predict(self, X):
        """Predicted targets: ``(n,)``, or ``(n, n_targets)`` when fitted on 2-D ``y``."""
        features = self._predict_features(X)
        return self.ridge_.predict(features).astype(float)

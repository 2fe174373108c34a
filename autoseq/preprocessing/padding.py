"""Sequences of different lengths to one length: :func:`pad_sequences` and ``SequencePadder``.

:func:`pad_sequences` is the one place where ragged sequences are stacked into
an array, for every caller: :class:`SequencePadder` (NaN marks padded steps,
for masking), the Keras estimators and the ROCKET features, forecast history
samples (padded in front), token ids (padded with 0).
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from autoseq import validation

PADDING = ("post", "pre")


def pad_sequences(seqs, length=None, *, value=np.nan, dtype="float32", padding="post",
                  truncating="pre"):
    """Stack sequences of different lengths into one array, filling with ``value``.

    Parameters
    ----------
    seqs : list of array-like, or array
        Sequences ``(n_steps_i, ...)`` that agree in all but their first
        dimension (lists of numbers too); or an array ``(n_sequences, n_steps,
        ...)`` of sequences of one length, which is only cast to ``dtype`` (not
        copied when it has that dtype already) unless ``length`` is given.
    length : int, optional
        Steps of the result; the longest sequence by default. Longer sequences
        are truncated.
    value : scalar, default=NaN
        What fills the padded steps.
    dtype : dtype, default="float32"
    padding : {"post", "pre"}, default="post"
        Pad after or before the real steps.
    truncating : {"pre", "post"}, default="pre"
        Drop steps from the start (keep the most recent) or from the end.

    Returns
    -------
    ndarray of shape (n_sequences, length, ...)

    Examples
    --------
    >>> from autoseq.preprocessing.padding import pad_sequences
    >>> pad_sequences([[1, 2, 3], [4]], value=0, dtype=int, padding="pre").tolist()
    [[1, 2, 3], [0, 0, 4]]
    >>> pad_sequences([[1, 2, 3], [4]], 2, value=0, dtype=int).tolist()
    [[2, 3], [4, 0]]
    """
    if not isinstance(seqs, list):
        if length is None:
            return np.asarray(seqs, dtype=dtype)
        seqs = np.asarray(seqs)
        out = np.full((len(seqs), length, *seqs.shape[2:]), value, dtype=dtype)
        # all at once: the steps of every sequence, placed as one sequence's would be
        _place(out.swapaxes(0, 1), seqs.swapaxes(0, 1), length, padding, truncating)
        return out
    if length is None:
        length = max(len(s) for s in seqs)
    out = np.full((len(seqs), length, *np.shape(seqs[0])[1:]), value, dtype=dtype)
    for i, s in enumerate(seqs):
        _place(out[i], s, length, padding, truncating)
    return out


def _place(target, steps, length, padding, truncating):
    """Write ``steps`` (time first) into ``target``, ``length`` steps long."""
    steps = steps[-length:] if truncating == "pre" else steps[:length]
    if padding == "post":
        target[: len(steps)] = steps
    else:
        target[length - len(steps):] = steps


class SequencePadder(TransformerMixin, BaseEstimator):
    """Pad or truncate sequences to one length learned in ``fit``.

    Padded steps are NaN in every channel; autoseq's networks turn them into a
    Keras mask (recurrent bodies skip them, convolutional bodies see zeros).

    Parameters
    ----------
    length : int, float or None, default=None
        None: the longest training sequence. An int: that many steps. A float
        in (0, 1]: that quantile of the training lengths (longer ones are
        truncated).
    padding : {"post", "pre"}, default="post"
        Pad after or before the real steps.
    truncating : {"pre", "post"}, default="pre"
        Drop steps from the start (keep the most recent) or from the end.

    Attributes
    ----------
    length_ : int
    n_features_in_ : int
        Channels per time step; for a 2-D table, its number of columns (a table
        fitted with ``k`` columns must be transformed with ``k``; other lengths
        come as a 3-D array or a list).
    n_channels_ : int

    Examples
    --------
    >>> import numpy as np
    >>> from autoseq import SequencePadder
    >>> out = SequencePadder(padding="pre").fit_transform([np.ones(2), np.ones(4)])
    >>> out.shape, bool(np.isnan(out[0, :2, 0]).all())
    ((2, 4, 1), True)
    """

    def __init__(self, length=None, padding: str = "post", truncating: str = "pre"):
        self.length = length
        self.padding = padding
        self.truncating = truncating

    def fit(self, X, y=None):
        """Learn the target length from the training sequences."""
        self._fit(X, self._check_params_and_input(X))
        return self

    def transform(self, X):
        """Return a 3-D array ``(n_sequences, length_, n_channels)``, NaN where padded."""
        check_is_fitted(self)
        seqs = validation.check_sequences(X, allow_nan="padding")
        validation.check_channels(self, seqs, X)
        return self._transform(seqs)

    def fit_transform(self, X, y=None):
        """``fit(X).transform(X)``, with ``X`` checked once."""
        seqs = self._check_params_and_input(X)
        return self._fit(X, seqs)._transform(seqs)

    def _check_params_and_input(self, X):
        for name, value in (("padding", self.padding), ("truncating", self.truncating)):
            if value not in PADDING:
                raise ValueError(f"{name} must be 'pre' or 'post'; got {value!r}.")
        return validation.check_sequences(X, allow_nan="padding")

    def _fit(self, X, seqs):
        lengths = validation.lengths(seqs)
        if self.length is None:
            self.length_ = int(lengths.max())
        elif isinstance(self.length, float) and 0 < self.length <= 1:
            self.length_ = max(1, int(np.ceil(np.quantile(lengths, self.length))))
        elif isinstance(self.length, (int, np.integer)) and self.length > 0:
            self.length_ = int(self.length)
        else:
            raise ValueError(
                f"length must be None, a positive int or a float in (0, 1]; got {self.length!r}."
            )
        self.n_channels_ = validation.n_channels(seqs)
        self.n_features_in_ = validation.check_table_columns(self, X, reset=True)
        return self

    def _transform(self, seqs):
        if isinstance(seqs, list) or not validation.surely_finite(seqs):
            seqs = list(unpadded(seqs))  # real steps only (an array without NaN has no padding)
        return pad_sequences(seqs, self.length_, padding=self.padding,
                             truncating=self.truncating)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        return tags


def unpadded(seqs):
    """The sequences of validated ``seqs`` (3-D array or list), NaN padding steps dropped."""
    if isinstance(seqs, list):
        yield from seqs
        return
    valid = ~np.isnan(seqs).all(axis=2)
    for s, v in zip(seqs, valid, strict=True):
        yield s[v]

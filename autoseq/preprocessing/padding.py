"""``SequencePadder``: variable-length sequences to one length, padding marked for masking."""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from autoseq import validation


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
    >>> out.shape, np.isnan(out[0, :2, 0]).all()
    ((2, 4, 1), True)
    """

    def __init__(self, length=None, padding: str = "post", truncating: str = "pre"):
        self.length = length
        self.padding = padding
        self.truncating = truncating

    def fit(self, X, y=None):
        """Learn the target length from the training sequences."""
        for name, value in (("padding", self.padding), ("truncating", self.truncating)):
            if value not in ("pre", "post"):
                raise ValueError(f"{name} must be 'pre' or 'post'; got {value!r}.")
        seqs = validation.check_sequences(X, allow_nan="padding")
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

    def transform(self, X):
        """Return a 3-D array ``(n_sequences, length_, n_channels)``, NaN where padded."""
        check_is_fitted(self)
        seqs = validation.check_sequences(X, allow_nan="padding")
        c = validation.check_channels(self, seqs, X)
        out = np.full((len(seqs), self.length_, c), np.nan, dtype=np.float32)
        for i, s in enumerate(_unpadded(seqs)):
            s = s[-self.length_:] if self.truncating == "pre" else s[: self.length_]
            if self.padding == "post":
                out[i, : len(s)] = s
            else:
                out[i, self.length_ - len(s):] = s
        return out

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        return tags


def _unpadded(seqs):
    if isinstance(seqs, list):
        yield from seqs
        return
    valid = ~np.isnan(seqs).all(axis=2)
    for s, v in zip(seqs, valid, strict=True):
        yield s[v]

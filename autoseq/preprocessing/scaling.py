"""``SequenceScaler``: per-channel scaling that ignores padding and keeps the input's form."""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from autoseq import validation

METHODS = ("standard", "minmax", "none")


class SequenceScaler(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Scale each channel of a collection of sequences, learned from all its steps.

    NaN steps (padding or missing values) are ignored in ``fit`` and kept in
    ``transform``, as scikit-learn's scalers do. The output has the input's
    form: a 2-D array stays 2-D, a 3-D array 3-D and a list of sequences a list.
    Inside a search it is fitted on each fold's training part only.

    Parameters
    ----------
    method : {"standard", "minmax", "none"}, default="standard"
        Zero mean and unit variance, the range [0, 1], or no scaling.

    Attributes
    ----------
    offset_ : ndarray of shape (n_channels,)
    scale_ : ndarray of shape (n_channels,)
    n_features_in_ : int
        Channels per time step; for a 2-D table, its number of columns (as in
        scikit-learn, a table fitted with ``k`` columns must be transformed with ``k``).
    n_channels_ : int
        Channels per time step.

    Examples
    --------
    >>> import numpy as np
    >>> from autoseq import SequenceScaler
    >>> X = np.arange(12.0).reshape(2, 3, 2)
    >>> SequenceScaler(method="minmax").fit_transform(X)[0, 0]
    array([0., 0.])
    """

    def __init__(self, method: str = "standard"):
        self.method = method

    def fit(self, X, y=None):
        """Learn per-channel offset and scale from every (non-NaN) step of ``X``."""
        return self._fit(X, self._check_fit_input(X))

    def transform(self, X):
        """Scale ``X`` with the learned offset and scale; same form as the input."""
        check_is_fitted(self)
        return self._apply(X, self._scale)

    def fit_transform(self, X, y=None):
        """``fit(X).transform(X)``, with ``X`` checked once."""
        seqs = self._check_fit_input(X)
        return self._fit(X, seqs)._apply(X, self._scale, seqs)

    def inverse_transform(self, X):
        """Map scaled values back to the original units."""
        check_is_fitted(self)
        return self._apply(X, lambda s: s * self.scale_ + self.offset_)

    def _check_fit_input(self, X):
        if self.method not in METHODS:
            raise ValueError(f"method must be one of {METHODS}; got {self.method!r}.")
        return validation.check_sequences(X, allow_nan=True)

    def _fit(self, X, seqs):
        steps = _all_steps(seqs)
        self.n_channels_ = steps.shape[1]
        self.n_features_in_ = validation.check_table_columns(self, X, reset=True)
        with np.errstate(all="ignore"), _quiet_nan_warnings():
            if self.method == "standard":
                offset, scale = np.nanmean(steps, axis=0), np.nanstd(steps, axis=0)
            elif self.method == "minmax":
                offset = np.nanmin(steps, axis=0)
                scale = np.nanmax(steps, axis=0) - offset
            else:
                offset, scale = np.zeros(steps.shape[1]), np.ones(steps.shape[1])
        self.offset_ = np.nan_to_num(offset)
        self.scale_ = np.where(np.isfinite(scale) & (scale > 0), scale, 1.0)
        return self

    def _scale(self, seqs):
        return (seqs - self.offset_) / self.scale_

    def _apply(self, X, fn, seqs=None):
        """``fn`` applied to each sequence of ``X`` (``seqs``: ``X`` checked in ``fit``)."""
        two_d = validation.is_table(X)
        if seqs is None:
            seqs = validation.check_sequences(X, allow_nan=True)
            validation.check_channels(self, seqs, X)
        if isinstance(seqs, list):
            out = [fn(s) for s in seqs]
        else:
            out = fn(seqs)
            out = out[:, :, 0] if two_d else out
        return validation.check_output_container(self, out)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.three_d_array = True
        return tags


def _all_steps(seqs) -> np.ndarray:
    if isinstance(seqs, list):
        return np.concatenate(seqs, axis=0)
    return seqs.reshape(-1, seqs.shape[2])


class _quiet_nan_warnings:
    def __enter__(self):
        import warnings

        self._cm = warnings.catch_warnings()
        self._cm.__enter__()
        warnings.simplefilter("ignore", RuntimeWarning)

    def __exit__(self, *exc):
        return self._cm.__exit__(*exc)

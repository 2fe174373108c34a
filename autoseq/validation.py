"""Input checking and coercion shared by every autoseq estimator and transformer.

Sequences travel through autoseq in one of two forms:

* a 3-D float array ``(n_sequences, n_steps, n_channels)``; a time step whose
  channels are all NaN is padding (this is how :class:`~autoseq.SequencePadder`
  marks it, and how the networks build their masks);
* a list of 2-D float arrays ``(n_steps_i, n_channels)`` when lengths differ.

Everything a user may pass is turned into one of these here, once, and every
message says what was received and what is accepted.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp

from autoseq import _compat

ACCEPTED = (
    "a 3-D array (n_sequences, n_steps, n_channels), a 2-D array "
    "(n_sequences, n_steps) of one channel, a list of 1-D or 2-D arrays of "
    "varying length, or a pandas DataFrame (rows are sequences, columns steps)"
)


def is_text(X) -> bool:
    """True when ``X`` is a non-empty collection of strings (one document each)."""
    if isinstance(X, str):
        return False
    if isinstance(X, pd.Series):
        X = X.to_numpy()
    if isinstance(X, np.ndarray):
        return X.ndim == 1 and X.size > 0 and X.dtype.kind in "OUS" and isinstance(X[0], str)
    if isinstance(X, Sequence) and len(X) > 0:
        return all(isinstance(x, str) for x in X[:100])
    return False


def is_table(X) -> bool:
    """Whether ``X`` is a 2-D table (rows are sequences, columns time steps of one channel).

    As in scikit-learn, a table's columns are its features: an estimator fitted
    on a table expects the same number of columns afterwards. Sequences of
    varying length come as a 3-D array or a list.
    """
    return (isinstance(X, np.ndarray) and X.ndim == 2) or isinstance(X, pd.DataFrame)


def check_table_columns(estimator, X, *, reset: bool) -> int:
    """``n_features_in_`` of a sequence transformer: columns of a table, else channels.

    With ``reset`` (in ``fit``) it records whether a table was seen and returns
    the feature count; otherwise it checks a table against the fitted count.
    """
    _compat.check_feature_names(estimator, X, reset=reset)
    if reset:
        estimator.fitted_on_table_ = is_table(X)
        return np.shape(X)[1] if estimator.fitted_on_table_ else estimator.n_channels_
    if estimator.fitted_on_table_ and is_table(X) and np.shape(X)[1] != estimator.n_features_in_:
        raise ValueError(
            f"X has {np.shape(X)[1]} features, but {type(estimator).__name__} is expecting "
            f"{estimator.n_features_in_} features as input (it was fitted on a 2-D table, whose "
            "columns are its features; pass sequences of other lengths as a 3-D array or a list)."
        )
    return estimator.n_features_in_


def record_features(estimator, X, seqs) -> int:
    """In ``fit``: what the features of a sequence estimator are, from the raw and checked X.

    Sets ``n_channels_``, ``fitted_on_table_`` (and ``feature_names_in_`` for a
    DataFrame) on ``estimator``, for :func:`check_features` to compare against.

    Parameters
    ----------
    estimator : estimator being fitted
    X : the ``X`` passed to ``fit``
    seqs : ``X`` as :func:`check_sequences` returned it

    Returns
    -------
    int
        ``n_features_in_``: a 2-D table's columns (as in scikit-learn), else
        the channels per step.
    """
    estimator.n_channels_ = n_channels(seqs)
    return check_table_columns(estimator, X, reset=True)


def check_features(estimator, X, *, name: str = "X"):
    """In ``predict``: refuse numeric ``X`` that the estimator's ``fit`` would not match.

    The values are checked as for fitting (numbers; NaN only as the edge
    padding of a 3-D array; no infinity), then the channels, and a table's
    columns when ``fit`` saw a table (see :func:`record_features`).

    Returns
    -------
    The checked sequences (3-D array or list of 2-D arrays).
    """
    seqs = check_sequences(X, allow_nan="padding", name=name)
    check_channels(estimator, seqs, X)
    return seqs


def check_output_container(estimator, out):
    """Refuse ``set_output(transform="pandas")`` for output that is not a 2-D table."""
    config = _compat.output_config(estimator, "transform")
    if config != "default" and not (isinstance(out, np.ndarray) and out.ndim == 2):
        form = f"a {out.ndim}-D array" if isinstance(out, np.ndarray) else "a list of sequences"
        raise ValueError(
            f"{type(estimator).__name__}.set_output(transform={config!r}) applies to 2-D "
            f"tables only, but this transform returns {form}; use set_output(transform="
            "'default') for sequences."
        )
    return out


def check_channels(estimator, seqs, X) -> int:
    """Check the channels of validated ``seqs`` (and a table's columns) against ``fit``."""
    c = n_channels(seqs)
    if c != estimator.n_channels_:
        raise ValueError(
            f"X has {c} channels per step, but {type(estimator).__name__} was fitted on "
            f"{estimator.n_channels_}."
        )
    check_table_columns(estimator, X, reset=False)
    return c


def _describe(X) -> str:
    if isinstance(X, np.ndarray):
        return f"a {X.ndim}-D array of shape {X.shape}"
    if isinstance(X, (pd.DataFrame, pd.Series)):
        return f"a pandas {type(X).__name__} of shape {X.shape}"
    if isinstance(X, (list, tuple)):
        return f"a {type(X).__name__} of {len(X)} items"
    return f"an object of type {type(X).__name__}"


def _to_float(X, what: str, dtype=np.float64) -> np.ndarray:
    if isinstance(dtype, tuple):
        dtype = X.dtype if isinstance(X, np.ndarray) and X.dtype in dtype else dtype[0]
    try:
        return np.asarray(X, dtype=dtype)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"{what} must hold numbers; got non-numeric values ({exc}). "
            "For text, pass a list of strings to an estimator that accepts text."
        ) from None


def check_sequences(X, *, allow_nan: bool = False, name: str = "X", dtype=np.float64):
    """Validate ``X`` and return it as a 3-D float array or a list of 2-D arrays.

    Parameters
    ----------
    X : array-like, list of array-like or pandas object
        The sequences, in any form listed in :data:`ACCEPTED`.
    allow_nan : bool, default=False
        Whether NaN is accepted. Infinite values never are. Even when False,
        NaN in whole time steps at the start or end of a padded 3-D array is
        accepted when ``allow_nan="padding"``.
    name : str, default="X"
        The name used in error messages.
    dtype : dtype or tuple of dtypes, default=float64
        The dtype of a returned array. A tuple keeps the dtype of an array
        passed in one of them (no conversion, no copy) and converts others to
        the first; e.g. ``(np.float64, np.float32)`` for a caller that works in
        float32 anyway. Sequences passed as a list come back as float64.

    Returns
    -------
    ndarray of shape (n_sequences, n_steps, n_channels) or list of ndarray
        A list only when the sequences have different lengths. An array of
        the right dtype and dimensions is returned as it is, not copied.

    Raises
    ------
    TypeError
        Sparse input, strings or other non-numeric values.
    ValueError
        Wrong number of dimensions, empty input, zero-length sequences,
        inconsistent channel counts, NaN or infinite values.
    """
    if sp.issparse(X):
        raise TypeError(
            f"{name} is a sparse matrix; autoseq needs dense sequences. "
            f"Convert it with {name}.toarray() if it fits in memory. Accepted: {ACCEPTED}."
        )
    if np.iscomplexobj(X) if isinstance(X, np.ndarray) else False:
        raise ValueError(
            f"Complex data not supported: {name} is {_describe(X)} of dtype {X.dtype}; "
            "autoseq needs real-valued sequences (pass np.abs(X) or the real and imaginary "
            "parts as two channels)."
        )
    if isinstance(X, str) or is_text(X):
        raise TypeError(
            f"{name} holds text (strings); this estimator needs numeric sequences. "
            f"Accepted: {ACCEPTED}. Text is accepted by AutoSeqClassifier and TextTokenizer."
        )
    if not isinstance(X, (np.ndarray, list, tuple, pd.DataFrame, pd.Series)) and hasattr(
            X, "__array__"):
        X = np.asarray(X)
    if allow_nan == "padding" and not (isinstance(X, np.ndarray) and X.ndim == 3):
        allow_nan = False  # only a padded 3-D array can carry padding
    if isinstance(X, pd.DataFrame):
        X = _to_float(X.to_numpy(), name)
    elif isinstance(X, pd.Series):
        X = list(X.to_numpy())
    if isinstance(X, np.ndarray) and X.dtype != object:
        out = _to_float(X, name, dtype)
    elif isinstance(X, (list, tuple, np.ndarray)):
        out = _from_list(X, name)
    else:
        raise TypeError(f"{name} must be sequences; got {_describe(X)}. Accepted: {ACCEPTED}.")
    if isinstance(out, np.ndarray):
        out = _as_3d(out, name)
    _check_values(out, allow_nan, name)
    return out


def _as_3d(X: np.ndarray, name: str) -> np.ndarray:
    if X.ndim == 2:
        X = X[:, :, np.newaxis]
    elif X.ndim != 3:
        hint = ""
        if X.ndim == 1:
            hint = (
                f" Reshape your data: for one sequence use {name}[np.newaxis]; for single-step "
                f"sequences use {name}[:, np.newaxis]."
            )
        raise ValueError(
            f"Expected sequences as {ACCEPTED}; got {_describe(X)} instead.{hint}"
        )
    if X.shape[0] == 0:
        raise ValueError(f"{name} is empty: got {_describe(X)}; at least one sequence is needed.")
    if X.shape[1] == 0:
        raise ValueError(
            f"{name} has zero-length sequences: got {_describe(X)}; 0 feature(s) "
            f"(shape=({X.shape[0]}, 0)) while a minimum of 1 is required."
        )
    if X.shape[2] == 0:
        raise ValueError(f"{name} has sequences with no channels: got {_describe(X)}.")
    return X


def _from_list(X, name: str):
    if len(X) == 0:
        raise ValueError(f"{name} is empty: got {_describe(X)}; at least one sequence is needed.")
    seqs = []
    for i, seq in enumerate(X):
        if isinstance(seq, (pd.DataFrame, pd.Series)):
            seq = seq.to_numpy()
        arr = _to_float(seq, f"{name}[{i}]")
        if arr.ndim == 1:
            arr = arr[:, np.newaxis]
        if arr.ndim != 2:
            raise ValueError(
                f"{name}[{i}] must be one sequence as a 1-D array (n_steps,) or a 2-D "
                f"array (n_steps, n_channels); got {_describe(arr)}."
            )
        if arr.shape[0] == 0:
            raise ValueError(f"{name}[{i}] is a zero-length sequence; every sequence needs a step.")
        seqs.append(arr)
    channels = {s.shape[1] for s in seqs}
    if len(channels) > 1:
        raise ValueError(
            f"The sequences in {name} have different channel counts {sorted(channels)}; "
            "every sequence must have the same number of channels."
        )
    if len({s.shape[0] for s in seqs}) == 1:
        return np.stack(seqs)
    return seqs


def surely_finite(X: np.ndarray) -> bool:
    """True when every value of the float array ``X`` is finite; one cheap pass.

    The sum of values with a NaN or an infinity among them is not finite; so
    a finite sum proves them all finite. False means some value is not finite,
    or the sum overflowed: only True may skip a closer look.
    """
    with np.errstate(over="ignore", invalid="ignore"):  # inf + -inf, or an overflow
        return bool(np.isfinite(X.sum()))


def _check_values(X, allow_nan, name: str) -> None:
    arrays = X if isinstance(X, list) else [X]
    for arr in arrays:
        if surely_finite(arr):
            continue  # no infinity, no NaN: nothing to refuse
        if np.isinf(arr).any():
            raise ValueError(f"{name} contains infinite values; replace or drop them first.")
        if allow_nan is True:
            continue
        nan = np.isnan(arr)
        if not nan.any():
            continue
        if allow_nan == "padding" and arr.ndim == 3 and _nan_is_edge_padding(nan):
            continue
        raise ValueError(
            f"{name} contains NaN (missing) values; autoseq does not impute them. "
            "Fill or drop them first (for example with pandas' interpolate), or pass "
            "sequences of different lengths as a list instead of NaN-padding them."
        )


def _nan_is_edge_padding(nan: np.ndarray) -> bool:
    """True when NaN fills whole time steps at the start or end of each sequence."""
    step_nan = nan.all(axis=2)
    if (nan.any(axis=2) != step_nan).any():
        return False
    valid = ~step_nan
    first = valid.argmax(axis=1)
    last = valid.shape[1] - 1 - valid[:, ::-1].argmax(axis=1)
    steps = np.arange(valid.shape[1])
    inside = (steps >= first[:, None]) & (steps <= last[:, None])
    return bool(valid.any(axis=1).all() and (valid == inside).all())


def n_channels(X) -> int:
    """Number of channels of validated sequences."""
    return (X[0] if isinstance(X, list) else X).shape[-1]


def n_sequences(X) -> int:
    """Number of sequences in validated input."""
    return len(X)


def lengths(X) -> np.ndarray:
    """Length of each sequence, not counting NaN padding steps."""
    if isinstance(X, list):
        return np.array([s.shape[0] for s in X])
    if surely_finite(X):
        return np.full(len(X), X.shape[1])
    return (~np.isnan(X).all(axis=2)).sum(axis=1)


def check_target(y, n: int, *, name: str = "y") -> np.ndarray:
    """Validate a target against the number of sequences it must label."""
    if y is None:
        raise ValueError(f"This estimator requires y to be passed, but the target {name} is "
                         "None.")
    if isinstance(y, (pd.Series, pd.DataFrame)):
        y = y.to_numpy()
    y = np.asarray(y)
    if y.ndim == 0:
        raise ValueError(f"{name} must be one value per sequence; got a scalar.")
    if y.shape[0] != n:
        raise ValueError(
            f"X has {n} sequences but {name} has {y.shape[0]} entries; they must match."
        )
    if y.dtype.kind == "f" and not np.isfinite(y).all():
        raise ValueError(f"{name} contains NaN or infinite values; remove those sequences first.")
    return y

"""Split-conformal prediction intervals from out-of-fold residuals.

Cross-validation already predicted every validation sequence with a model
that never saw it; the absolute residuals ``|y - prediction|`` of those
predictions are the calibration set. For coverage ``c`` and ``n`` residuals,
the half-width is the ``ceil((n + 1) c)``-th smallest absolute residual (Lei
et al., 2018), taken separately for each output; the interval is the point
prediction plus or minus it. No model is trained for it.

The guarantee is approximate here: the pipeline that predicts was refitted on
all the data, while the residuals come from models trained on part of it, so
intervals lean to the wide (conservative) side when more data helps a lot.
"""

from __future__ import annotations

import math
import numbers
import warnings

import numpy as np
import pandas as pd

__all__ = ["check_coverage", "conformal_half_widths", "interval_frame"]


def check_coverage(coverage) -> tuple[list[float], bool]:
    """Validate one coverage or a list of them.

    Returns
    -------
    coverages : list of float
    single : bool
        Whether one number (not a list) was given.

    Raises
    ------
    ValueError
        A coverage outside the open interval (0, 1), or an empty list.
    TypeError
        Something that is not a number or a list of numbers.

    Examples
    --------
    >>> from autoseq.estimators.intervals import check_coverage
    >>> check_coverage(0.9), check_coverage([0.8, 0.95])
    (([0.9], True), ([0.8, 0.95], False))
    """
    single = isinstance(coverage, numbers.Real) and not isinstance(coverage, bool)
    values = [coverage] if single else coverage
    try:
        values = list(values)
    except TypeError:
        raise TypeError(f"coverage must be a number in (0, 1) or a list of them; got "
                        f"{type(coverage).__name__}.") from None
    if not values:
        raise ValueError("coverage is an empty list; give at least one number in (0, 1).")
    for value in values:
        if not isinstance(value, numbers.Real) or isinstance(value, bool):
            raise TypeError(f"coverage must be a number in (0, 1) or a list of them; got "
                            f"{value!r}.")
        if not 0 < value < 1:
            raise ValueError(f"coverage must be strictly between 0 and 1 (e.g. 0.9 for 90% "
                             f"intervals); got {value!r}.")
    return [float(v) for v in values], single


def conformal_half_widths(residuals, coverage: float) -> np.ndarray:
    """Half-width of the split-conformal interval for each output.

    Parameters
    ----------
    residuals : array-like of shape (n,) or (n, n_outputs)
        Out-of-fold residuals ``y - prediction``.
    coverage : float in (0, 1)

    Returns
    -------
    ndarray of shape (n_outputs,)
        ``inf`` (with a warning) where ``n`` residuals are too few for the coverage.

    Examples
    --------
    >>> import numpy as np
    >>> from autoseq.estimators.intervals import conformal_half_widths
    >>> conformal_half_widths(np.arange(1.0, 20.0), 0.9)  # the 18th smallest of 19
    array([18.])
    """
    (coverage,), _ = check_coverage(coverage)
    residuals = np.asarray(residuals, dtype=float)
    outputs = int(np.prod(residuals.shape[1:]))  # known also when there are no residuals
    scores = np.sort(np.abs(residuals.reshape(len(residuals), outputs)), axis=0)
    n = len(scores)
    k = _rank(n, coverage)
    if n == 0 or k > n:
        needed = next(m for m in range(1, n + 10**6) if _rank(m, coverage) <= m)
        warnings.warn(
            f"{n} out-of-fold residuals are too few for {coverage:.0%} intervals (they need "
            f"at least {needed}); the intervals are unbounded.", UserWarning, stacklevel=2)
        return np.full(scores.shape[1] if scores.ndim == 2 else 1, np.inf)
    return scores[k - 1]


def _rank(n: int, coverage: float) -> int:
    # the tolerance keeps float error from pushing e.g. 20 * 0.9 to rank 19
    return math.ceil((n + 1) * coverage - 1e-9)


def interval_frame(prediction, residuals, coverage=0.9, index=None) -> pd.DataFrame:
    """Lower and upper bounds around point predictions, as a DataFrame.

    Parameters
    ----------
    prediction : array-like of shape (n,) or (n, n_outputs)
    residuals : array-like of shape (n_calibration,) or (n_calibration, n_outputs)
    coverage : float or list of float, default=0.9
    index : pandas.Index, optional
        Row labels; default ``0..n-1``.

    Returns
    -------
    pandas.DataFrame
        One row per prediction. Columns ``lower``, ``upper`` for one coverage
        and one output; with a list of coverages a column MultiIndex
        ``(coverage, lower|upper)``; with several outputs an ``output`` level
        before the bound: ``(output, lower|upper)`` or ``(coverage, output, lower|upper)``.

    Examples
    --------
    >>> import numpy as np
    >>> from autoseq.estimators.intervals import interval_frame
    >>> interval_frame(np.array([0.0, 10.0]), np.arange(1.0, 20.0), 0.9)
       lower  upper
    0  -18.0   18.0
    1   -8.0   28.0
    """
    coverages, single = check_coverage(coverage)
    prediction = np.asarray(prediction, dtype=float)
    one_output = prediction.ndim == 1
    pred = prediction.reshape(len(prediction), -1)
    residuals = np.asarray(residuals, dtype=float).reshape(len(residuals), -1)
    if residuals.shape[1] != pred.shape[1]:
        raise ValueError(f"The residuals have {residuals.shape[1]} outputs but the predictions "
                         f"have {pred.shape[1]}; they must match.")
    columns, blocks = [], []
    for c in coverages:
        half = conformal_half_widths(residuals, c)
        for j in range(pred.shape[1]):
            for bound, values in (("lower", pred[:, j] - half[j]), ("upper", pred[:, j] + half[j])):
                key = (() if single else (c,)) + (() if one_output else (j,)) + (bound,)
                columns.append(key)
                blocks.append(values)
    names = (([] if single else ["coverage"]) + ([] if one_output else ["output"]) + ["bound"])
    if len(names) == 1:
        cols = pd.Index([k[0] for k in columns])
    else:
        cols = pd.MultiIndex.from_tuples(columns, names=names)
    return pd.DataFrame(np.column_stack(blocks), columns=cols, index=index)

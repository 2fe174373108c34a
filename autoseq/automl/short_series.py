"""Forecasting a series too short to validate: the statistical combination, unvalidated.

Walk-forward validation needs room: two folds of forecast origins, each a
horizon apart from the training origins before it. A yearly series of 14
values with a 6-year horizon, or a quarterly one of 16 values forecast 8
quarters ahead (a tenth of the M3 competition's series), leaves too few. No
search can rank candidates there, but the mean of AutoETS, AutoTheta and
DynamicOptimizedTheta (the forecast the default search itself falls back on
when its folds are too few to rank anything, :meth:`ForecastTask.robust_choice
<autoseq.automl.forecast_task.ForecastTask.robust_choice>`) needs no
validation to be fitted. :func:`unvalidated_outcome` fits it on the whole
series and describes that as a one-row search: no fold, no score, no
validation errors (so no finite conformal interval), and the reason on the
leaderboard.
"""

from __future__ import annotations

import time
import warnings

import numpy as np

from autoseq.automl.base import SearchOutcome
from autoseq.baselines.forecast import COMBINATION, COMBINED_MODELS


def can_forecast_unvalidated(estimator, task) -> bool:
    """Whether a series too short to validate can still get the statistical combination.

    Only for the default validation (``cv=None``: an explicit ``cv`` asks for
    folds), with the baselines, the ensemble step (whose robust default the
    combination is) and its three models searched (statsforecast installed),
    and with at least one forecast origin to fit on.
    """
    return (estimator.cv is None and bool(estimator.baselines) and bool(estimator.ensemble)
            and set(COMBINED_MODELS) <= set(task.statistical)
            and len(task.design.origins) >= 1)


def unvalidated_outcome(task, reason: str) -> SearchOutcome:
    """Fit the statistical combination on the whole series; the search it stands for.

    Parameters
    ----------
    task : ForecastTask
        The series' task (its design holds every forecast origin).
    reason : str
        Why the series cannot be validated (the walk-forward error's message).

    Returns
    -------
    SearchOutcome
        One candidate, unscored: ``results`` has no fold, ``oof`` one empty
        row, ``y_folds`` none. ``task.cv_scheme`` names the reason.
    """
    design = task.design
    params = task.statistical_candidate(COMBINATION)
    started = time.monotonic()
    best = task.forecast_pipeline(deep=False).set_params(**params)
    best.fit(design.samples, design.targets)
    refit_time = time.monotonic() - started
    results = {"params": [params], "mean_fit_time": np.array([refit_time]),
               "mean_test_score": np.array([np.nan]), "std_test_score": np.array([np.nan]),
               "error": np.array([""], dtype=object),
               "rank_test_score": np.array([1], dtype=np.int32)}
    why = (f"{reason.split(' Pass ')[0]} The statistical combination "
           f"({', '.join(COMBINED_MODELS)}) was fitted on the whole series without validation.")
    task.cv_scheme = f"no validation: {why}"
    warnings.warn(f"{why} Its intervals are unbounded (no validation errors to calibrate "
                  "them on).", UserWarning, stacklevel=3)
    return SearchOutcome(
        best=best, results=results, oof=[[]], y_folds=[], best_single=0, winner=0,
        ensemble=None, ensemble_index=None, residuals=None, search_time=0.0,
        refit_time=refit_time, stopped=None, n_splits=0, refit_cut=None)

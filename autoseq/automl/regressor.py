"""``AutoSeqRegressor``: the best Keras sequence regressor for a collection of sequences."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import RegressorMixin
from sklearn.utils.validation import check_is_fitted

from autoseq.automl.base import AutoSeqBase
from autoseq.automl.task import SEARCH_LEARNING_RATE, Task
from autoseq.baselines.numeric import numeric_baselines
from autoseq.estimators.ensemble import EnsembleRegressor


class RegressionTask(Task):
    """One number, or a vector of numbers, per sequence."""

    name = "regression"
    independent_samples = True

    def default_scoring(self):
        return "neg_root_mean_squared_error"

    def model(self, input_kind):
        from autoseq.estimators.keras import SeqRegressor

        est = self.estimator
        return SeqRegressor(input_kind=input_kind, epochs=est.max_epochs, early_stopping=True,
                            batch_size=16, learning_rate=SEARCH_LEARNING_RATE,
                            random_state=est.random_state)

    def rocket_ridge(self):
        # rocket_hydra_ridge's gain was measured on classification only; on Covid3Month it
        # scored RMSE 0.0420 against rocket_ridge's 0.0414, so regression keeps ROCKET alone
        from autoseq.estimators.rocket_ridge import RocketRidgeRegressor

        return RocketRidgeRegressor(random_state=self.estimator.random_state)

    def baseline_models(self, X, y):
        return numeric_baselines("regression")

    def residuals(self, predictions, y_folds):
        if any(p is None for p in predictions):
            return None
        return np.concatenate([
            np.asarray(t, dtype=float).reshape(len(t), -1) - np.reshape(p, (len(p), -1))
            for p, t in zip(predictions, y_folds, strict=True)])

    def calibrate(self, residuals):
        self.estimator.calibration_residuals_ = residuals

    def make_ensemble(self, members, weights, residuals):
        return EnsembleRegressor(members, weights, calibration_residuals=residuals)


class AutoSeqRegressor(RegressorMixin, AutoSeqBase):
    """Find, cross-validate and refit the best Keras sequence regressor.

    Same search as :class:`AutoSeqClassifier`, for one number (or a vector of
    numbers, 2-D ``y``) per sequence; targets are standardised inside each fit
    and predictions returned in the original units. :meth:`score` is R^2, as for
    every scikit-learn regressor; the search's scoring is
    ``"neg_root_mean_squared_error"`` (higher is better). The trivial baseline
    is the training mean (``mean``), and the default search of up to 4,000
    sequences tries :class:`~autoseq.RocketRidgeRegressor` (``rocket_ridge``);
    the ensemble averages values. Its default folds are shuffled k-fold where the
    classifier's are stratified (``cv_scheme_`` names them).
    :meth:`predict_interval` gives split-conformal intervals from the
    out-of-fold residuals of the winner.

    Parameters
    ----------
    architectures, param_grid, cv, scoring, search, max_epochs, time_budget, \
baselines, ensemble, n_jobs, random_state, verbose
        As in :class:`AutoSeqClassifier`.

    Attributes
    ----------
    best_estimator_, best_params_, best_index_, best_score_, cv_results_, leaderboard_
        As in :class:`AutoSeqClassifier`; the ensemble is an
        :class:`~autoseq.estimators.ensemble.EnsembleRegressor`.
    ensemble_, ensemble_refit_time_, search_time_, refit_time_, stopped_early_
        As in :class:`AutoSeqClassifier`.
    calibration_residuals_ : ndarray of shape (n, n_outputs) or None
        Out-of-fold residuals ``y - prediction`` of the winner (for the
        ensemble, of its predictions on folds 2 and later); None when the
        search kept no out-of-fold predictions or the winner failed on a fold.

    Examples
    --------
    >>> import numpy as np
    >>> from autoseq import AutoSeqRegressor
    >>> X = np.random.default_rng(0).normal(size=(30, 10)); y = X.sum(axis=1)
    >>> reg = AutoSeqRegressor(architectures=["gru"], max_epochs=2, random_state=0).fit(X, y)
    >>> reg.predict(X[:2]).shape, list(reg.predict_interval(X[:2]).columns)
    ((2,), ['lower', 'upper'])
    """

    _task_name = "regression"

    def _make_task(self):
        return RegressionTask(self)

    def score(self, X, y, sample_weight=None):
        """Coefficient of determination R^2 of :meth:`predict`, as every scikit-learn regressor.

        ``cross_val_score``, ``Pipeline.score`` and other tools read ``score`` as
        R^2. The search ranks its candidates by ``scoring`` instead (default
        negated RMSE): ``best_score_``, the leaderboard's ``mean_score`` and
        ``scorer_(self, X, y)`` use that.

        Parameters
        ----------
        X : sequences
        y : array-like of shape (n,) or (n, n_outputs)
        sample_weight : array-like of shape (n,), optional

        Returns
        -------
        float
            1.0 for perfect predictions, 0.0 for predicting the mean of ``y``
            (uniform average over outputs).
        """
        from sklearn.metrics import r2_score

        check_is_fitted(self, "best_estimator_")
        return float(r2_score(y, self.predict(X), sample_weight=sample_weight))

    def predict_interval(self, X, coverage=0.9):
        """Split-conformal prediction intervals around :meth:`predict`.

        Calibrated on the out-of-fold residuals of the chosen pipeline (see
        :mod:`autoseq.estimators.intervals`), separately for each output; no model is
        trained for them.

        Parameters
        ----------
        X : sequences
        coverage : float or list of float, default=0.9
            Each strictly between 0 and 1.

        Returns
        -------
        pandas.DataFrame
            One row per sequence (``X``'s index when it is a DataFrame),
            columns ``lower`` and ``upper``; a list of coverages gives a column
            MultiIndex ``(coverage, lower|upper)``, several outputs an
            ``output`` level before the bound.

        Raises
        ------
        sklearn.exceptions.NotFittedError
            Before ``fit``.
        ValueError
            A coverage outside (0, 1), or no out-of-fold residuals were kept.
        """
        from autoseq.estimators.intervals import check_coverage, interval_frame

        check_is_fitted(self, "best_estimator_")
        check_coverage(coverage)
        if self.calibration_residuals_ is None:
            raise ValueError("The chosen pipeline has no out-of-fold residuals to calibrate "
                             "intervals on (it failed on a fold, or the search kept no "
                             "out-of-fold predictions).")
        index = X.index if isinstance(X, pd.DataFrame) else None
        return interval_frame(self.predict(X), self.calibration_residuals_, coverage, index)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.target_tags.multi_output = True  # a 2-D y: one column per output
        tags.non_deterministic = self.random_state is None
        return tags

"""Extension template: a new AutoSeq task.

Copy this file, rename the two classes, and change what your problem needs. The
example is a real one: regression judged by the *median* absolute error, whose honest
trivial baseline is the training median rather than the mean. Everything not
overridden (folds, the pipeline, architectures from the registry, the ensemble, the
time budget, the leaderboard) comes from the task it subclasses and from the engine.

The hooks a task may override (see ``autoseq.automl.task.Task``):

- ``check_input(X, y)``: validate and return what the search reads;
- ``folds(X, y)``: the (train, test) index pairs;
- ``preprocessing(X)`` and ``model(input_kind)``: the pipeline's steps;
- ``default_scoring()``: what the leaderboard ranks by (higher is better);
- ``baseline_models(X, y)`` and ``rocket_ridge()``: candidates without a training loop;
- ``schedule(grid)``: grid, halving, or a schedule of your own;
- ``oof_array``, ``prediction_score``, ``make_ensemble``: the ensemble (None: no ensemble);
- ``residuals`` and ``calibrate``: intervals from out-of-fold errors;
- ``finish(X, y)``: the fitted attributes of your estimator.

``tests/test_extension_templates.py`` fits this template on tiny data.
"""

from __future__ import annotations

from sklearn.base import RegressorMixin
from sklearn.dummy import DummyRegressor

from autoseq.automl.base import AutoSeqBase
from autoseq.automl.regressor import RegressionTask


class MedianRegressionTask(RegressionTask):
    """Regression ranked by median absolute error, with the median as its baseline."""

    name = "regression"  # the registry task the architectures must declare

    def default_scoring(self):
        return "neg_median_absolute_error"

    def baseline_models(self, X, y):
        return [DummyRegressor(strategy="median")]

    def make_ensemble(self, members, weights, residuals):
        return None  # a weighted mean does not minimise a median error: no ensemble


class AutoSeqMedianRegressor(RegressorMixin, AutoSeqBase):
    """Find the sequence regressor with the lowest median absolute error.

    Declare only the parameters the task uses (here: no ``ensemble``).

    Parameters
    ----------
    architectures, param_grid, cv, scoring, search, max_epochs, time_budget, baselines, \
n_jobs, random_state, verbose
        As in :class:`autoseq.AutoSeqRegressor`.
    """

    _task_name = "regression"

    def __init__(self, *, architectures=None, param_grid=None, cv=None, scoring=None,
                 search="auto", max_epochs=80, time_budget="auto", baselines=True, n_jobs=None,
                 random_state=None, verbose=None):
        self.architectures = architectures
        self.param_grid = param_grid
        self.cv = cv
        self.scoring = scoring
        self.search = search
        self.max_epochs = max_epochs
        self.time_budget = time_budget
        self.baselines = baselines
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.verbose = verbose

    def _make_task(self):
        return MedianRegressionTask(self)

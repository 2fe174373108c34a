"""``AutoSeqForecaster``: search, validate walk-forward and forecast one series.

The candidates, their stages and the ensemble across families are the
forecasting task's (:mod:`autoseq.automl.forecast_task`); the search is the one
every AutoSeq estimator runs (:func:`autoseq.automl.base.search_and_refit`).
The folds' forecasts come back with their scores, and they give the
leaderboard's MASE, the ensemble and the conformal intervals without training
anything again.
"""

from __future__ import annotations

import copy
import time

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.metrics import get_scorer
from sklearn.utils.validation import check_is_fitted

from autoseq.automl.base import AutoSeqBase, forget_fitted, search_and_refit
from autoseq.automl.forecast_folds import SeriesTooShortError, walk_forward_folds
from autoseq.automl.forecast_task import (
    COMBINATION,
    STATISTICAL_MODELS,
    STRATEGIES,
    Design,
    ForecastScorer,
    ForecastTask,
    estimator_for,
    forecast_pipeline,
    has_network,
)
from autoseq.automl.report import report_winner
from autoseq.automl.series import check_series, index_of
from autoseq.automl.short_series import can_forecast_unvalidated, unvalidated_outcome
from autoseq.estimators.intervals import check_coverage, conformal_half_widths
from autoseq.model_selection.backtest import (
    METRICS,
    assemble_backtest,
    forecast_errors,
    seasonal_scale,
)
from autoseq.model_selection.budget import resolve_time_budget
from autoseq.model_selection.results import describe
from autoseq.preprocessing.windowing import as_series_array, check_positive_int, history_samples


class AutoSeqForecaster(AutoSeqBase):
    """Find, validate walk-forward and refit the best forecaster of one series.

    ``fit(y, X=None)`` searches pipelines ``transform -> scaler -> window -> model`` on
    walk-forward folds of the series and refits the best on all of it;
    ``predict`` forecasts the next ``horizon`` values, ``predict_interval``
    adds split-conformal intervals, ``update`` appends new observations so
    the next forecast starts from them (without refitting), ``backtest``
    scores the chosen pipeline fold by fold, and ``refit_candidate`` forecasts
    with any other leaderboard row.

    The search runs in rounds, all scored on the same folds:

    1. baselines: naive, seasonal naive (also scaled by the last season's
       growth, or shifted by its drift), drift, and a linear autoregression
       (ridge) over every window setting (kind "baseline");
    2. the statistical models of statsforecast, with automatic order or form
       selection: AutoETS, AutoTheta, AutoARIMA and AutoCES, each also on the
       logarithm of a positive series (kind "statistical"). Each fold fits
       them on the series up to the end of its last training target; their
       forecast from an origin filters the fitted model through the values
       before that origin. They need the optional dependency statsforecast
       (``pip install 'autoseq[stats]'``); without it they are left out, with
       a warning;
    3. the window, with one reference network (GRU when searched) at its
       default hyperparameters, one setting at a time: how each window is
       normalised by its own level (``window__normalize``: "standard" as
       RevIN, "last" relative to the last value, both letting a network
       follow a trend beyond the range it was trained on; "none" keeps levels,
       which mean-reverting series need), a log or Box-Cox transform of a
       positive series (``transform__method``), the look-back
       (``window__lookback``), then the strategy (direct: one output per
       horizon step; recursive: a one-step model fed its own forecasts);
    4. every architecture's own search space on the chosen window.

    Rounds 1 and 2 run first: the naive forecasts always in full, the linear
    and statistical models fold by fold until 85% of ``time_budget`` is spent
    (a candidate cut there is listed with the reason); the budget then bounds
    the network rounds, which stop early enough to leave time for the final
    refit (estimated from the fold fit times of the candidates that may win).

    With ``ensemble=True`` a weighted average across families (the best
    candidate of each: networks, the ridge, the naive family, each
    statistical model; :mod:`autoseq.estimators.ensemble`) joins the leaderboard: its
    members and weights are chosen on earlier folds and it is scored on later
    ones, so its score is not flattered by its own selection; it becomes
    ``best_estimator_`` only when it beats, on those folds, the single
    candidate chosen the same way (the best on the folds before each).

    A robust default then stands against that choice: the mean of the
    forecasts of AutoETS, AutoTheta and DynamicOptimizedTheta ("Combination",
    scored from their validation forecasts). When the folds hold fewer than four
    independent validation forecasts (origins a horizon apart: a short series,
    a long horizon) they cannot tell candidates apart and the combination, as
    in the M3 and M4 competitions the safer forecast, takes the ensemble row
    and becomes ``best_estimator_`` (the staged search then trains no network
    unless ``architectures`` names some, and ``cv_scheme_`` says why).
    Otherwise the search's choice must earn its place by a margin on the folds
    both forecast: the combination stays unless the choice cut its validation
    error by more than 5%; up to a 50% cut the forecast is the mean of the
    two (an ensemble row of the choice's members and the combination), and
    beyond it the choice stands alone (:mod:`autoseq.automl.combination_choice`,
    whose margins were set on development series). A series too short for two folds
    (with the default ``cv``) gets that combination fitted without validation,
    with a warning: no score, unbounded intervals, the reason in ``cv_scheme_``
    (:mod:`autoseq.automl.short_series`).

    Parameters
    ----------
    horizon : int, default=1
        Values to forecast after the last observation.
    lookbacks : list of int, optional
        Look-backs to search. Default: half a season, one and two seasons when
        a season is known (6, 12 and 24 for monthly data); otherwise a short
        and a long one relative to the series' length.
    strategy : {"auto", "direct", "recursive"}, default="auto"
        "auto" lets the search choose.
    season_length : int, optional
        Steps per season, for the seasonal naive baseline, MASE and the
        default look-backs. None detects it from the autocorrelation of the
        series given to ``fit`` (no season without a clear peak); like the
        default look-backs, it is a setting of the search, not a step fitted
        per fold.
    architectures, param_grid, n_jobs, random_state, verbose
        As in :class:`~autoseq.AutoSeqRegressor`. ``architectures=[]`` searches
        the baselines only; ``param_grid`` entries may also set
        ``"window__lookback"``, ``"window__normalize"`` and
        ``"transform__method"`` for an architecture.
    max_epochs : int, default=40
        Epoch limit of each network fit (early stopping usually ends sooner).
    time_budget : "auto", float or None, default="auto"
        Seconds for the whole fit, final refit included; the baseline and
        statistical rounds run first (a linear or statistical model starts no
        fold after 85% of it), the network rounds get what is left. "auto":
        ``autoseq.model_selection.budget.default_time_budget`` of the series'
        length (60 s for a series of up to a few thousand values). None: no
        limit.
    cv : int or splitter, optional
        Walk-forward folds over the forecast origins. None: 3 folds, each
        validating on the next sixth of the origins; an int: that many folds.
        A splitter (e.g. ``WalkForwardSplit(5, max_train_size=100)`` for a
        sliding window) must keep training origins before validation ones.
        Training origins whose targets reach into a fold's validation period
        are dropped from that fold either way.
    scoring : {"mase", "mae", "rmse", "mape"}, str or callable, optional
        Default "mase": ``mean_score`` is minus the MASE (higher is better).
        Other scikit-learn scorer names and callables ``scorer(pipeline, X,
        y)`` are accepted too.
    search : {"auto", "grid", "halving"}, default="auto"
        "auto": the stages above. "grid": every architecture's space on every
        window setting (the stages' candidates and more). "halving":
        successive halving over that grid, training epochs as the resource.
    baselines : bool, default=True
        False leaves the baselines and the statistical models out.
    statistical : bool or list of str, default=True
        The statistical models searched with the baselines: True for all of
        AutoETS, AutoTheta, AutoARIMA, AutoCES and DynamicOptimizedTheta (when
        statsforecast is installed), False for none, or a list of those names
        and "Combination" (the mean of the forecasts of AutoETS, AutoTheta and
        DynamicOptimizedTheta; not searched as a candidate by default, see
        ``ensemble``).
    ensemble : bool, default=True
        False builds no ensemble, and keeps the best candidate of the folds
        (no statistical combination as the robust default).

    Attributes
    ----------
    best_estimator_ : ForecastPipeline or autoseq.estimators.ensemble.EnsembleRegressor
        Refitted on every forecast origin of the series.
    best_params_ : dict
    best_score_ : float
    leaderboard_ : pandas.DataFrame
        One row per candidate, best first, with ``kind`` ("deep", "baseline",
        "statistical" or "ensemble") and ``mase``, the MASE of its validation
        forecasts against the in-sample error of the seasonal naive forecast.
        When ``fit`` got exogenous ``X``, an ``exog`` column says whether each
        candidate "used" them or "ignored" them (the naive family and the
        statistical models forecast from the target alone; "partly" for an
        ensemble of both).
    cv_results_ : dict
    cv_predictions_ : pandas.DataFrame
        The winner's validation forecasts (the ensemble's start at fold 1):
        ``fold``, ``cutoff``, ``step``, ``time``, ``actual``, ``predicted``.
    residuals_ : ndarray of shape (n_validation_forecasts, horizon)
        Their errors (actual minus predicted): the conformal calibration set.
    history_ : pandas.Series
        The observed series, extended by :meth:`update`.
    season_length_ : int or None
    lookbacks_ : list of int
    ensemble_ : EnsembleRegressor or None
        The ensemble that was built (also when it lost).
    n_features_in_ : int
        Number of exogenous variables.
    n_splits_ : int
    cv_scheme_ : str
        The folds in words (also the leaderboard's last line), with the
        reason when the statistical combination was decided before the search.
    search_time_, refit_time_ : float
    stopped_early_ : {None, "time_budget", "interrupted"}
    time_budget_ : float or None
        The budget in seconds the fit ran under ("auto" resolved).

    Examples
    --------
    >>> import numpy as np
    >>> from autoseq import AutoSeqForecaster
    >>> t = np.arange(120)
    >>> y = 10 + 0.1 * t + np.sin(2 * np.pi * t / 12)
    >>> fc = AutoSeqForecaster(horizon=3, architectures=[], random_state=0).fit(y)
    >>> fc.season_length_, fc.predict().shape
    (12, (3,))
    >>> fc.predict_interval(coverage=0.9).columns.tolist()
    ['lower', 'upper']
    """

    _task_name = "forecasting"

    def __init__(self, horizon=1, *, lookbacks=None, strategy="auto", season_length=None,
                 architectures=None, param_grid=None, cv=None, scoring=None, search="auto",
                 max_epochs=40, time_budget="auto", baselines=True, statistical=True,
                 ensemble=True, n_jobs=None, random_state=None, verbose=None):
        super().__init__(architectures=architectures, param_grid=param_grid, cv=cv,
                         scoring=scoring, search=search, max_epochs=max_epochs,
                         time_budget=time_budget, baselines=baselines, ensemble=ensemble,
                         n_jobs=n_jobs, random_state=random_state, verbose=verbose)
        self.horizon = horizon
        self.lookbacks = lookbacks
        self.strategy = strategy
        self.season_length = season_length
        self.statistical = statistical

    # -- fit ------------------------------------------------------------------------
    def fit(self, y, X=None):
        """Search pipelines on walk-forward folds of ``y`` and refit the best.

        Parameters
        ----------
        y : array-like of shape (n_steps,) or pandas Series
            The series, oldest first. A pandas Series with a DatetimeIndex or
            PeriodIndex makes forecasts carry future time stamps.
        X : array-like of shape (n_steps, n_exogenous) or DataFrame, optional
            Exogenous variables observed with ``y`` (e.g. indicators). Windows
            carry their past values; :meth:`predict` then needs their values
            over the horizon.

        Returns
        -------
        self
        """
        started = time.monotonic()
        forget_fitted(self)
        self._check_params()
        target, exog = check_series(y, X)
        index = index_of(y)
        task = ForecastTask(self, target, exog)
        design, searched = task.design, task.searched_lookbacks
        scorer = ForecastScorer(self.scoring or "mase", task.scale)
        budget = resolve_time_budget(self.time_budget,
                                     target.size + (0 if exog is None else exog.size))
        try:
            folds = walk_forward_folds(self.cv, self.horizon, len(design.origins),
                                       len(target), searched[0])
        except SeriesTooShortError as too_short:
            if not can_forecast_unvalidated(self, task):
                raise
            folds, search_kind = [], "none"
            outcome = unvalidated_outcome(task, str(too_short))
        else:
            task.set_folds(folds)
            search_kind, schedule = task.schedule()
            grid = task.candidates() if search_kind != "staged" else [{}]
            outcome = search_and_refit(
                self, task, X=design.samples, y=design.targets,
                pipeline=task.forecast_pipeline(deep=bool(task.deep)),
                grid=[{k: [v] for k, v in c.items()} for c in grid], splits=folds,
                scorer=scorer, schedule=schedule,
                batch_size="auto" if search_kind == "halving" else 1, started=started,
                budget=budget)
        self._keep(outcome, task, scorer, budget, search_kind)
        self.season_length_ = task.season
        self.lookbacks_ = searched
        self.history_length_ = design.history
        self.n_features_in_ = 0 if exog is None else exog.shape[1]
        self.history_ = index.series(target)
        self.exog_history_ = exog
        self._index = index
        # every candidate's validation forecasts, for refit_candidate
        self._oof, self._y_folds = task.all_oof(outcome), outcome.y_folds
        self._fold_origins = [design.origins[test] for _, test in folds]
        self._use_candidate(outcome.winner)
        if self.verbose and folds:
            report_winner(self, outcome)
        return self

    def _check_params(self):
        super()._check_params()
        if not (isinstance(self.statistical, (bool, np.bool_)) or (
                isinstance(self.statistical, (list, tuple))
                and set(self.statistical) <= {*STATISTICAL_MODELS, COMBINATION})):
            raise ValueError(f"statistical must be True, False or a list of "
                             f"{(*STATISTICAL_MODELS, COMBINATION)}; got {self.statistical!r}.")
        check_positive_int(self.horizon, "horizon")
        if self.strategy not in STRATEGIES:
            raise ValueError(f"strategy must be one of {STRATEGIES}; got {self.strategy!r}.")
        if self.season_length is not None:
            check_positive_int(self.season_length, "season_length")
        if self.lookbacks is not None and (isinstance(self.lookbacks, (str, int))
                                           or len(self.lookbacks) == 0):
            raise ValueError(
                f"lookbacks must be a non-empty list of positive integers; got "
                f"{self.lookbacks!r}.")
        if isinstance(self.scoring, str) and self.scoring not in METRICS:
            get_scorer(self.scoring)  # an unknown name raises here, naming the valid ones

    # -- forecasting ----------------------------------------------------------------
    def predict(self, X=None):
        """Forecast the next ``horizon`` values after the last observation.

        Parameters
        ----------
        X : array-like of shape (horizon, n_exogenous), optional
            Future values of the exogenous variables; required when ``fit``
            got ``X``.

        Returns
        -------
        ndarray of shape (horizon,) or pandas.Series
            A Series on the future time stamps when ``y`` had a time index.
        """
        check_is_fitted(self, "best_estimator_")
        forecast = self.best_estimator_.predict(self._next_sample(X))[0]
        return self._index.wrap(forecast, self.horizon, name=self.history_.name)

    def predict_interval(self, X=None, coverage=0.9):
        """Split-conformal prediction intervals for the next ``horizon`` values.

        Each horizon step's half-width is the conformal quantile of the chosen
        pipeline's absolute walk-forward validation errors at that step; no
        extra model is trained, and :meth:`update` keeps them valid.

        Parameters
        ----------
        X : array-like of shape (horizon, n_exogenous), optional
            As in :meth:`predict`.
        coverage : float in (0, 1) or list of them, default=0.9

        Returns
        -------
        pandas.DataFrame
            One row per horizon step (indexed by future time stamps when ``y``
            had a time index, else 1..horizon); columns ``lower`` and
            ``upper``, or ``(coverage, "lower" | "upper")`` for a list.
        """
        levels, single = check_coverage(coverage)
        check_is_fitted(self, "best_estimator_")
        forecast = self.best_estimator_.predict(self._next_sample(X))[0]
        columns = {}
        for level in levels:
            half = conformal_half_widths(self.residuals_, level)
            columns[(level, "lower")] = forecast - half
            columns[(level, "upper")] = forecast + half
        frame = pd.DataFrame(columns, index=self._index.future(self.horizon))
        if single:
            frame.columns = ["lower", "upper"]
        return frame

    def update(self, y_new, X_new=None):
        """Append new observations; the next forecast starts after them.

        The fitted pipeline is kept as it is (no refit).

        Parameters
        ----------
        y_new : array-like or pandas Series
            Observations that follow the last one, in order. A Series on a
            time index must continue the series' index.
        X_new : array-like of shape (len(y_new), n_exogenous), optional
            The exogenous values observed with them; required when ``fit`` got
            ``X``.

        Returns
        -------
        self
        """
        check_is_fitted(self, "best_estimator_")
        target, exog = check_series(y_new, X_new, name="y_new", exog_name="X_new")
        self._check_exog_presence(exog, "X_new", "update")
        if exog is not None and exog.shape[1] != self.n_features_in_:
            raise ValueError(f"X_new has {exog.shape[1]} columns; fit saw {self.n_features_in_}.")
        self._index, self.history_ = self._index.extend(self.history_, y_new, target)
        if exog is not None:
            self.exog_history_ = np.vstack([self.exog_history_, exog])
        return self

    def backtest(self, y, X=None, *, cv=None, coverage=0.9):
        """Refit the chosen pipeline on walk-forward folds of ``y`` and score each fold.

        No new search runs: the pipeline of ``best_params_`` is fitted on each
        fold's training origins and forecasts the fold's origins. Intervals in
        fold ``k`` are calibrated on the errors of folds before it.

        Parameters
        ----------
        y, X
            A series (and its exogenous variables) as in :meth:`fit`, e.g. the
            series including a held-out tail.
        cv : int or splitter, optional
            As the ``cv`` parameter; default the forecaster's own.
        coverage : float in (0, 1), default=0.9

        Returns
        -------
        autoseq.model_selection.backtest.BacktestResult
            ``scores`` (per fold: mae, rmse, mape, mase, coverage, width) and
            ``predictions`` (actual against predicted, with intervals).
        """
        check_is_fitted(self, "best_estimator_")
        if not check_coverage(coverage)[1]:
            raise ValueError(f"backtest takes one coverage; got {coverage!r}.")
        target, exog = check_series(y, X)
        index = index_of(y)
        self._check_exog_presence(exog, "X", "backtest")
        design = Design(target, exog, self.lookbacks_, self.history_length_, self.horizon)
        folds = walk_forward_folds(self.cv if cv is None else cv, self.horizon,
                                   len(design.origins), len(target), self.lookbacks_[0])
        estimator = estimator_for(forecast_pipeline(self, deep=has_network(self.best_params_)),
                                   self.best_params_)
        predicted = refit_folds(estimator, design.samples, design.targets, folds)
        report = []
        for (_, test), pred in zip(folds, predicted, strict=True):
            origins = design.origins[test]
            report.append({
                "actual": design.targets[test], "predicted": pred, "train_size": int(origins[0]),
                "scale": seasonal_scale(target[:origins[0]], self.season_length_ or 1),
                "cutoffs": index.labels(origins - 1),
                "times": index.labels(origins[:, None] + np.arange(self.horizon))})
        return assemble_backtest(report, coverage)

    def refit_candidate(self, rank):
        """A copy of this forecaster that forecasts with another leaderboard candidate.

        The candidate in row ``rank`` of ``leaderboard_`` (e.g. the best
        network when a baseline won) is refitted on the observed series
        (``history_``); its intervals and ``cv_predictions_`` come from its own
        validation forecasts. This forecaster is left unchanged.

        Parameters
        ----------
        rank : int
            A value of ``leaderboard_["rank"]``.

        Returns
        -------
        AutoSeqForecaster
        """
        check_is_fitted(self, "best_estimator_")
        ranks = np.asarray(self.cv_results_["rank_test_score"])
        if isinstance(rank, bool) or rank not in ranks:
            raise ValueError(f"rank must be one of the leaderboard's ranks, 1 to {len(ranks)}; "
                             f"got {rank!r}.")
        index = int(np.flatnonzero(ranks == rank)[0])
        params = self.cv_results_["params"][index]
        if self._oof[index] and all(p is None for p in self._oof[index]):
            raise ValueError(f"Candidate {rank} ({describe(params)}) has no validation "
                             f"forecasts (it failed: {self.cv_results_['error'][index]}).")
        design = Design(self.history_.to_numpy(dtype=np.float64), self.exog_history_,
                         self.lookbacks_, self.history_length_, self.horizon)
        other = copy.copy(self)
        other.best_estimator_ = estimator_for(forecast_pipeline(self, deep=has_network(params)),
                                               params).fit(design.samples, design.targets)
        other._use_candidate(index)
        return other

    def _use_candidate(self, index):
        """Point the attributes that describe the winner at candidate ``index``."""
        per_fold = self._oof[index]
        self.best_params_ = self.cv_results_["params"][index]
        self.best_index_ = index
        self.best_score_ = float(self.cv_results_["mean_test_score"][index])
        self.residuals_ = np.concatenate([np.empty((0, self.horizon))] + [
            truth - pred for truth, pred in zip(self._y_folds, per_fold, strict=True)
            if pred is not None])
        self.cv_predictions_ = prediction_frame(self._fold_origins, self._y_folds, per_fold,
                                                 self._index)

    def _next_sample(self, X):
        exog = None if X is None else as_series_array(X, "X")
        self._check_exog_presence(exog, "X", "predict")
        if exog is not None and exog.shape != (self.horizon, self.n_features_in_):
            raise ValueError(
                f"X must hold the exogenous values of the {self.horizon} forecast steps: "
                f"shape ({self.horizon}, {self.n_features_in_}); got {exog.shape}.")
        target = self.history_.to_numpy(dtype=np.float64)
        values = target[:, None]
        if exog is not None:
            values = np.vstack([np.column_stack([target, self.exog_history_]),
                                np.column_stack([np.full(self.horizon, np.nan), exog])])
        return history_samples(values, [len(target)], self.history_length_, self.horizon)

    def _check_exog_presence(self, exog, name, method):
        if self.n_features_in_ and exog is None:
            raise ValueError(
                f"This forecaster was fitted with {self.n_features_in_} exogenous column(s); "
                f"{method} needs them too: pass {name}=...")
        if not self.n_features_in_ and exog is not None:
            raise ValueError(
                f"This forecaster was fitted without exogenous variables; {method} got "
                f"{name} with {exog.shape[1]} column(s). Refit with X to use them.")

    def score(self, y, X=None):
        """Minus the MASE of a forecast of ``y``, the values right after the history.

        Parameters
        ----------
        y : array-like of shape (horizon,)
            The actual next values.
        X : array-like, optional
            Future exogenous values, as in :meth:`predict`.
        """
        check_is_fitted(self, "best_estimator_")
        actual = np.asarray(y, dtype=np.float64).ravel()
        forecast = np.asarray(self.predict(X), dtype=np.float64)
        if actual.shape != forecast.shape:
            raise ValueError(f"y must hold the next {self.horizon} values; got {actual.shape}.")
        scale = seasonal_scale(self.history_.to_numpy(), self.season_length_ or 1)
        return -forecast_errors(actual, forecast, scale)["mase"]

    def _slim(self):
        # refit_candidate and backtest rebuild candidates from their parameters: all kept
        return self

    def _persistence_summary(self) -> dict:
        if not hasattr(self, "best_estimator_"):
            return {}
        return {"best": describe(self.best_params_), "cv_score": self.best_score_,
                "task": self._task_name, "horizon": int(self.horizon)}

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.non_deterministic = self.random_state is None
        return tags


def refit_folds(estimator, samples, targets, folds):
    """Fit a clone of ``estimator`` on each fold's training origins; forecast its validation."""
    return [clone(estimator).fit(samples[train], targets[train]).predict(samples[test])
            for train, test in folds]


def prediction_frame(fold_origins, y_folds, per_fold, index):
    """Validation forecasts as a long table, one row per forecast value."""
    frames = []
    for k, (origins, truth, pred) in enumerate(zip(fold_origins, y_folds, per_fold,
                                                   strict=True)):
        if pred is None:
            continue
        horizon = truth.shape[1]
        frames.append(pd.DataFrame({
            "fold": k,
            "cutoff": np.repeat(np.asarray(index.labels(origins - 1), dtype=object), horizon),
            "step": np.tile(np.arange(1, horizon + 1), len(origins)),
            "time": np.asarray(index.labels(origins[:, None] + np.arange(horizon)),
                               dtype=object).ravel(),
            "actual": truth.ravel(), "predicted": pred.ravel()}))
    if not frames:  # a series too short to validate
        return pd.DataFrame(columns=["fold", "cutoff", "step", "time", "actual", "predicted"])
    return pd.concat(frames, ignore_index=True)

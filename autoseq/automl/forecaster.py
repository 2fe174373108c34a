"""``AutoSeqForecaster``: search, validate walk-forward and forecast one series.

A series becomes one *history sample* per forecast origin
(:func:`autoseq.preprocessing.windowing.history_samples`): the observations before the
origin, then ``horizon`` rows whose target is unknown. The target of a sample
is the next ``horizon`` values. Candidates are :class:`~autoseq.preprocessing.windowing.ForecastPipeline`
objects, ``transform -> scaler -> window -> model`` (a log or Box-Cox transform, the
scaler, the window with its per-window normalisation, then a network, a baseline or a
statistical model of statsforecast), evaluated by scikit-learn's
GridSearchCV (through :class:`autoseq.automl.search.CandidateSearch`) on walk-forward
folds of the origins. Because a sample holds only rows before its origin, a
validation forecast sees the history before it, training-period rows
included, and never a later row; training samples whose targets would reach
into a validation period are dropped from that fold (purged); the transform,
the scaler and the statistical models are fitted inside each fold on its training
samples only, and each window is normalised by its own past. The folds' forecasts
come back with their scores (:class:`autoseq.automl.search.OutOfFoldScorer`), and
they give the leaderboard's MASE, the ensemble and the conformal intervals
without training anything again.
"""

from __future__ import annotations

import copy
import time
import warnings

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.metrics import get_scorer
from sklearn.model_selection import ParameterGrid, check_cv
from sklearn.utils.validation import check_is_fitted

from autoseq.automl.search import (
    SEARCH_LEARNING_RATE,
    CandidateSearch,
    OutOfFoldScorer,
    SearchFailedError,
    _append_row,
    _AutoSeqBase,
    _candidate_name,
    _describe,
    _leaderboard,
    _set_ranks,
    _with_failures,
    forget_fitted,
)
from autoseq.baselines.forecast import (
    COMBINATION,
    STATISTICAL_MODELS,
    STATSFORECAST_MISSING,
    DriftForecast,
    LinearForecast,
    NaiveForecast,
    SeasonalNaiveForecast,
    StatisticalForecast,
    detect_season_length,
    statsforecast_available,
)
from autoseq.estimators.ensemble import EnsembleRegressor
from autoseq.model_selection.backtest import (
    METRICS,
    assemble_backtest,
    forecast_errors,
    seasonal_scale,
)
from autoseq.model_selection.budget import (
    deadline_callback,
    resolve_time_budget,
    training_deadline,
    training_end,
)
from autoseq.model_selection.intervals import check_coverage, conformal_half_widths
from autoseq.model_selection.progress import SearchProgress
from autoseq.model_selection.splitters import WalkForwardSplit
from autoseq.preprocessing.scaling import SequenceScaler
from autoseq.preprocessing.windowing import (
    ForecastPipeline,
    SlidingWindow,
    TargetTransform,
    as_series_array,
    check_positive_int,
    future_targets,
    history_samples,
)

STRATEGIES = ("auto", "direct", "recursive")
NORMALIZATIONS = ["standard", "last", "none"]
# the transforms searched for a positive series (others get "none" only)
POSITIVE_TRANSFORMS = ["log", "none", "boxcox"]
# searched one at a time, in this order, by the window round
WINDOW_KEYS = ("window__normalize", "transform__method", "window__lookback", "strategy")
# the statistical candidates see at most this many past values
STATISTICAL_HISTORY = 1000
# the final refit's time over the mean fold fit time of what may win (more data, a margin)
REFIT_FACTOR = 1.5
# how many of the best candidates so far may end up in the refitted ensemble
ENSEMBLE_RESERVE_TOP = 10
LINEAR_ALPHAS = [0.1, 1.0]
# the network that chooses the window, when it is searched
REFERENCE_ARCHITECTURES = ("gru", "lstm")


class _ForecastScorer:
    """Score forecasts, higher is better: minus MAE, RMSE, MAPE or MASE, or a sklearn scorer."""

    def __init__(self, scoring, scale):
        self.scoring = scoring
        self.scale = scale

    def __call__(self, estimator, X, y):
        if self.scoring not in METRICS:
            scorer = get_scorer(self.scoring) if isinstance(self.scoring, str) else self.scoring
            return scorer(estimator, X, y)
        predicted = np.asarray(estimator.predict(X), dtype=np.float64)
        actual = np.asarray(y, dtype=np.float64).reshape(predicted.shape)
        return -forecast_errors(actual, predicted, self.scale)[self.scoring]


class AutoSeqForecaster(_AutoSeqBase):
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

    Rounds 1 and 2 always run in full; ``time_budget`` bounds the network
    rounds, which stop early enough to leave time for the final refit
    (estimated from the fold fit times of the candidates that may win).

    With ``ensemble=True`` a weighted average across families (the best
    candidate of each: networks, the ridge, the naive family, each
    statistical model; :mod:`autoseq.estimators.ensemble`) joins the leaderboard: its
    members and weights are chosen on earlier folds and it is scored on later
    ones, so its score is not flattered by its own selection; it becomes
    ``best_estimator_`` only when it beats, on those folds, the single
    candidate chosen the same way (the best on the folds before each).

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
        statistical rounds always run in full, the network rounds get what is
        left. "auto": ``autoseq.automl.search.default_time_budget`` of the series'
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
    search : {"grid"}, default="grid"
    baselines : bool, default=True
        False leaves the baselines and the statistical models out.
    statistical : bool or list of str, default=True
        The statistical models searched with the baselines: True for all of
        AutoETS, AutoTheta, AutoARIMA and AutoCES (when statsforecast is
        installed), False for none, or a list of those names and
        "Combination" (the median of the four models' forecasts; the
        ensemble step already combines the families, so it is not searched by
        default).
    ensemble : bool, default=True
        False builds no ensemble.

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

    _task = "forecasting"

    def __init__(self, horizon=1, *, lookbacks=None, strategy="auto", season_length=None,
                 architectures=None, param_grid=None, cv=None, scoring=None, search="grid",
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

    # -- the pieces of the search ---------------------------------------------------
    def _make_model(self, input_kind="numeric"):
        from autoseq.estimators.keras import SeqRegressor

        return SeqRegressor(epochs=self.max_epochs, early_stopping=True, batch_size=16,
                            learning_rate=SEARCH_LEARNING_RATE, random_state=self.random_state)

    def _pipeline(self, deep=True):
        model = self._make_model() if deep else NaiveForecast()  # no TensorFlow when not needed
        return ForecastPipeline([("transform", TargetTransform()), ("scaler", SequenceScaler()),
                                 ("window", SlidingWindow()), ("model", model)])

    def _strategies(self):
        if self.strategy == "auto":
            return ["direct", "recursive"] if self.horizon > 1 else ["direct"]
        return [self.strategy]

    def _window_grid(self, lookbacks, positive):
        return {"window__normalize": NORMALIZATIONS,
                "transform__method": POSITIVE_TRANSFORMS if positive else ["none"],
                "window__lookback": lookbacks, "strategy": self._strategies()}

    def _baseline_grid(self, lookbacks, history, season, positive):
        """Baseline candidates: the naive family on raw values, the ridge on every window."""
        raw = {"window__normalize": "none", "strategy": "direct", "transform__method": "none"}
        grid = [{"model": NaiveForecast(), "window__lookback": 1, **raw}]
        if season and season > 1:
            grid.append({"model": SeasonalNaiveForecast(season_length=season),
                         "window__lookback": season, **raw})
            for trend in ["growth", "drift"] if positive else ["drift"]:
                # on the series' own values: a growth ratio is not kept by the scaler
                grid.append({"model": SeasonalNaiveForecast(season_length=season, trend=trend),
                             "window__lookback": 2 * season, "scaler": "passthrough", **raw})
        grid.append({"model": DriftForecast(), "window__lookback": history, **raw})
        linear = ParameterGrid({"model__alpha": LINEAR_ALPHAS,
                                **self._window_grid(lookbacks, positive)})
        return grid + [{"model": LinearForecast(p["model__alpha"]), **p} for p in linear]

    def _statistical_grid(self, names, history, season, positive):
        """statsforecast's models on the whole past (their own scale: no scaler, no window)."""
        raw = {"window__normalize": "none", "strategy": "direct", "transform__method": "none",
               "scaler": "passthrough", "window__lookback": history}
        return [{"model": StatisticalForecast(name, season_length=season or 1, transform=t),
                 **raw} for name in names
                for t in (["none", "log"] if positive and name != COMBINATION else ["none"])]

    def _statistical_models(self):
        """The statistical models to search: [] when left out or statsforecast is missing."""
        if not self.baselines or self.statistical is False:
            return []
        names = list(STATISTICAL_MODELS if self.statistical is True else self.statistical)
        if not statsforecast_available():
            warnings.warn(STATSFORECAST_MISSING, UserWarning, stacklevel=3)
            return []
        return names

    def _budget_seconds(self, n):
        """The fit's time budget in seconds (None: no limit), ``"auto"`` resolved for ``n``."""
        return resolve_time_budget(self.time_budget, n)

    def _deep_entries(self):
        """The architectures' grid entries (with any window settings the user gave)."""
        if self.architectures is not None and len(self.architectures) == 0:
            return []
        return self._param_grid(np.zeros((1, 1, 1)), None)

    def _residuals(self, predictions, y_folds):
        if any(p is None for p in predictions):
            return None
        return np.concatenate([t - p for p, t in zip(predictions, y_folds, strict=True)])

    def _make_ensemble(self, members, weights, residuals):
        return EnsembleRegressor(members, weights, calibration_residuals=residuals)

    def _select_ensemble(self, pipeline, results, oof, y_folds, y, scorer, best_single):
        """The shared ensemble step on the best candidate of each family only.

        A family is a leaderboard name (``linear``, ``AutoCES(log)``, ``gru``,
        ...): dozens of ridge variants would otherwise fill the library and
        the ensemble would average near-copies of one forecast.

        The ensemble is judged on folds 1..k with members and weights chosen on
        the folds before each; it wins against the single candidate chosen the
        same way (the best on the folds before each fold, scored on that fold),
        not against the best single candidate of all folds, whose score on
        those folds is flattered by its own selection among many candidates.
        """
        keep = _best_per_family(results)
        if best_single not in keep:
            keep.append(best_single)
        keep.sort()
        subset = {key: (np.asarray(value)[keep] if key != "params"
                        else [value[i] for i in keep])
                  for key, value in results.items()
                  if key == "params" or key == "mean_fit_time" or key.startswith("split")}
        outcome = super()._select_ensemble(pipeline, subset, [oof[i] for i in keep], y_folds,
                                           y, scorer, keep.index(best_single))
        if outcome is not None:
            honest = _sequential_single_score(results, len(y_folds))
            if np.isfinite(honest):
                outcome.single_score = honest
                outcome.wins = len(outcome.params["members"]) >= 2 and outcome.score > honest
        return outcome

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
        fit_started = time.monotonic()
        forget_fitted(self)
        self._check_params()
        target, exog = _check_series(y, X)
        index = _index_of(y)
        season = self.season_length or detect_season_length(target)
        deep = self._deep_entries()
        if not deep and not self.baselines:
            raise ValueError("Nothing to search: architectures=[] and baselines=False.")
        lookbacks = (sorted({check_positive_int(v, "lookbacks") for v in self.lookbacks})
                     if self.lookbacks is not None
                     else default_lookbacks(len(target), self.horizon, season))
        searched = sorted({*lookbacks, *(v for e in deep for v in e.get("window__lookback", []))})
        statistical = self._statistical_models()
        history = max(searched[-1], 2 * season if season and season > 1 else 1)
        if statistical:
            history = max(history, min(len(target), STATISTICAL_HISTORY))
        design = _Design(target, exog, searched, history, self.horizon)
        folds = self._folds(len(design.origins), len(target), searched[0])
        y_folds = [design.targets[test] for _, test in folds]
        scale = seasonal_scale(target, season or 1)
        scorer = _ForecastScorer(self.scoring or "mase", scale)
        pipeline = self._pipeline(deep=bool(deep))
        setting = _Setting(lookbacks, season, bool(target.min() > 0), statistical,
                           self._budget_seconds(target.size + (0 if exog is None else exog.size)),
                           fit_started)

        started = time.monotonic()
        runs = self._search(design, folds, pipeline, scorer, deep, setting)
        search_time = time.monotonic() - started
        results = _merge_results([r.results for r in runs])
        oof = [p for r in runs for p in r.predictions]
        scores = np.asarray(results["mean_test_score"], dtype=float)
        if not np.isfinite(scores).any():
            errors = "; ".join(sorted({e for e in results["error"] if e}))
            raise SearchFailedError(f"Every candidate of the search failed: {errors}")
        best_single = int(np.nanargmax(scores))
        winner, outcome, ensemble_index = best_single, None, None
        if self.ensemble:
            outcome = self._select_ensemble(pipeline, results, oof, y_folds, design.targets,
                                            scorer, best_single)
        if outcome is not None:
            _append_row(results, outcome.params, outcome.fold_scores, outcome.fit_time)
            ensemble_index = len(results["params"]) - 1
            oof.append(_split_folds(outcome.residuals, y_folds))
            winner = ensemble_index if outcome.wins else best_single
        _set_ranks(results, ensemble_index, outcome is not None and outcome.wins, best_single)

        started = time.monotonic()
        best = _estimator_for(pipeline, results["params"][winner])
        # a network refit stops at the budget's end (the search left it its share)
        deadline = training_end(fit_started, setting.budget)
        with training_deadline(deadline):
            best.fit(design.samples, design.targets)
        refit_time = time.monotonic() - started

        self.best_estimator_ = best
        self.cv_results_ = results
        self.leaderboard_ = _annotate(
            _with_mase(_leaderboard(results), results, oof, y_folds, scale), results,
            exog is not None)
        self.ensemble_ = None if outcome is None else (
            best if winner == ensemble_index else outcome.estimator)
        self.search_time_ = search_time
        self.refit_time_ = refit_time
        self.stopped_early_ = next((r.stopped for r in runs if r.stopped), None)
        self.time_budget_ = setting.budget
        self.n_splits_ = len(folds)
        self.season_length_ = season
        self.lookbacks_ = searched
        self.history_length_ = design.history
        self.n_features_in_ = 0 if exog is None else exog.shape[1]
        self.history_ = index.series(target)
        self.exog_history_ = exog
        self._index = index
        # every candidate's validation forecasts, for refit_candidate
        self._oof, self._y_folds = oof, y_folds
        self._fold_origins = [design.origins[test] for _, test in folds]
        self._use_candidate(winner)
        if self.verbose:
            self._report_winner(outcome, best_single, search_time, refit_time)
        return self

    def _search(self, design, folds, pipeline, scorer, deep, setting):
        """Baselines and statistical models in full; then, within the time budget, the
        window, one setting at a time; then every architecture."""
        runs = []
        lookbacks, season = setting.lookbacks, setting.season

        def budget_left():
            """Seconds left to the network rounds, the refit's share set aside."""
            if setting.budget is None:
                return None
            spent = time.monotonic() - setting.started
            return setting.budget - spent - _refit_reserve(runs)

        def run(candidates, batch_size=1, budgeted=True):
            """Evaluate ``candidates``; False when the search must stop."""
            budget = budget_left() if budgeted else None
            if budget is not None and budget <= _candidate_cost(runs, len(folds)):
                runs.append(_Run(_failed_results([], "", len(folds)), [], "time_budget"))
            else:
                try:
                    runs.append(self._run(candidates, pipeline, design, folds, scorer, budget,
                                          batch_size, setting.budget))
                except KeyboardInterrupt:
                    if not runs:
                        raise
                    warnings.warn("Search interrupted: keeping the candidates finished before.",
                                  UserWarning, stacklevel=4)
                    runs.append(_Run(_failed_results([], "", len(folds)), [], "interrupted"))
            left = budget_left() if budgeted else None
            if runs[-1].stopped is None and left is not None and left <= 0:
                runs[-1].stopped = "time_budget"
            if runs[-1].stopped == "time_budget" and not isinstance(self.time_budget, str):
                warnings.warn(f"time_budget={self.time_budget}s is spent (the final refit's "
                              "share set aside) after this search round; the later rounds are "
                              "not run. The best finished candidate is refitted.", UserWarning,
                              stacklevel=4)
            return runs[-1].stopped is None

        if self.baselines:
            grid = self._baseline_grid(lookbacks, design.history, season, setting.positive)
            run(grid, batch_size=len(grid), budgeted=False)
        if setting.statistical:
            grid = self._statistical_grid(setting.statistical, design.history, season,
                                          setting.positive)
            run(grid, batch_size=len(grid), budgeted=False)
        reference = _reference_entry(deep, self._window_grid(lookbacks, setting.positive))
        if reference is None:
            return runs
        current = {k: v[0] for k, v in reference.items()}
        current["window__lookback"] = _middle(reference["window__lookback"], season)
        seen = []
        for key in WINDOW_KEYS:
            candidates = [c for c in ({**current, key: v} for v in reference[key])
                          if c not in seen]
            if not candidates:
                continue
            going = run(candidates)
            seen.extend(candidates)
            best = _best_network(runs)
            current = {k: best[k] for k in current} if best else current
            if not going:
                return runs
        rest = [c for c in _expand(deep, current) if c not in seen]
        if rest:
            run(rest)
        return runs

    def _run(self, candidates, pipeline, design, folds, scorer, budget, batch_size=1,
             total_budget=None):
        """One CandidateSearch: results and each candidate's validation forecasts."""
        searched = clone(pipeline)
        if budget is not None and "model__callbacks" in searched.get_params():
            searched.set_params(model__callbacks=[deadline_callback(time.time() + budget)])
        progress = SearchProgress(time_budget=budget, verbose=self.verbose)
        search = CandidateSearch(
            searched, [{k: [v] for k, v in c.items()} for c in candidates],
            scoring=OutOfFoldScorer(scorer, "predict"), cv=folds, n_jobs=self.n_jobs,
            time_budget=budget, batch_size=batch_size, progress=progress,
            verbose=max(0, (self.verbose or 0) - 1))
        try:
            with progress:
                search.fit(design.samples, design.targets)
        except SearchFailedError as exc:
            return _Run(_failed_results(candidates, str(exc), len(folds)),
                        [[None] * len(folds) for _ in candidates], None)
        self._report_stop(search, total_budget)
        results = _with_failures(search)
        kept = search.oof_predictions_ or []
        predictions = []
        for i in range(len(results["params"])):
            row = kept[i] if i < len(kept) else [None] * len(folds)
            predictions.append([None if item is None else np.asarray(item[1], dtype=np.float64)
                                for item in row])
        return _Run(results, predictions, search.stopped_early_)

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
        if self.search != "grid":
            raise ValueError(
                f"search must be 'grid' for the forecaster (the intervals and the ensemble "
                f"need every fold's forecasts); got {self.search!r}.")
        if isinstance(self.scoring, str) and self.scoring not in METRICS:
            get_scorer(self.scoring)  # an unknown name raises here, naming the valid ones

    def _folds(self, n_samples, n, first_lookback):
        """Walk-forward (train, test) index pairs over the origins, purged of overlap."""
        H = self.horizon
        cv = 3 if self.cv is None else self.cv
        if isinstance(cv, (int, np.integer)) and not isinstance(cv, bool):
            if cv < 2:
                raise ValueError(f"cv must be at least 2 folds; got {cv}.")
            test_size = max(1, n_samples // (2 * cv))
            needed = cv * test_size + (H - 1) + 2
            if n_samples < needed:
                raise ValueError(
                    f"y has {n} observations: with the smallest look-back {first_lookback} "
                    f"and horizon {H} that leaves {n_samples} forecast origin(s), and "
                    f"{cv}-fold walk-forward validation needs at least {cv + H + 1} (a series "
                    f"of at least {first_lookback + 2 * H + cv}). Pass a longer series, shorter "
                    "lookbacks=[...], a smaller horizon or cv=2.")
            cv = WalkForwardSplit(n_splits=int(cv), test_size=test_size, gap=H - 1)
        splits = list(check_cv(cv).split(np.zeros((n_samples, 1))))
        return [_purge(train, test, H) for train, test in splits]

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
        target, exog = _check_series(y_new, X_new, name="y_new", exog_name="X_new")
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
        target, exog = _check_series(y, X)
        index = _index_of(y)
        self._check_exog_presence(exog, "X", "backtest")
        design = _Design(target, exog, self.lookbacks_, self.history_length_, self.horizon)
        folds = clone(self).set_params(cv=self.cv if cv is None else cv)._folds(
            len(design.origins), len(target), self.lookbacks_[0])
        estimator = _estimator_for(self._pipeline(deep=_has_network(self.best_params_)),
                                   self.best_params_)
        predicted = _refit_folds(estimator, design.samples, design.targets, folds)
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
        if all(p is None for p in self._oof[index]):
            raise ValueError(f"Candidate {rank} ({_describe(params)}) has no validation "
                             f"forecasts (it failed: {self.cv_results_['error'][index]}).")
        design = _Design(self.history_.to_numpy(dtype=np.float64), self.exog_history_,
                         self.lookbacks_, self.history_length_, self.horizon)
        other = copy.copy(self)
        other.best_estimator_ = _estimator_for(self._pipeline(deep=_has_network(params)),
                                               params).fit(design.samples, design.targets)
        other._use_candidate(index)
        return other

    def _use_candidate(self, index):
        """Point the attributes that describe the winner at candidate ``index``."""
        per_fold = self._oof[index]
        self.best_params_ = self.cv_results_["params"][index]
        self.best_index_ = index
        self.best_score_ = float(self.cv_results_["mean_test_score"][index])
        self.residuals_ = np.concatenate([truth - pred for truth, pred in
                                          zip(self._y_folds, per_fold, strict=True)
                                          if pred is not None])
        self.cv_predictions_ = _prediction_frame(self._fold_origins, self._y_folds, per_fold,
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

    def _persistence_summary(self) -> dict:
        if not hasattr(self, "best_estimator_"):
            return {}
        return {"best": _describe(self.best_params_), "cv_score": self.best_score_,
                "task": self._task, "horizon": int(self.horizon)}

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.non_deterministic = self.random_state is None
        return tags


# -- helpers of the search -------------------------------------------------------------
class _Design:
    """A series as supervised data: one history sample and target row per origin."""

    def __init__(self, target, exog, lookbacks, history, horizon):
        self.history = history
        self.origins = np.arange(lookbacks[0], len(target) - horizon + 1)
        values = target[:, None] if exog is None else np.column_stack([target, exog])
        self.samples = history_samples(values, self.origins, history, horizon)
        self.targets = future_targets(target, self.origins, horizon)


class _Setting:
    """What the search rounds share: look-backs, season, sign, statistical models, budget."""

    def __init__(self, lookbacks, season, positive, statistical, budget, started):
        self.lookbacks = lookbacks
        self.season = season
        self.positive = positive
        self.statistical = statistical
        self.budget = budget
        self.started = started


def _finished(runs):
    """(score, mean fold fit time, params) of every candidate finished so far."""
    out = []
    for run in runs:
        res = run.results
        for params, score, fit in zip(res["params"], res["mean_test_score"],
                                      res["mean_fit_time"], strict=True):
            if np.isfinite(score):
                out.append((float(score), float(fit) if np.isfinite(fit) else 0.0, params))
    return out


def _refit_reserve(runs):
    """Seconds to set aside for the final refit of what may still win.

    The best candidate so far, or an ensemble of the best ones: the refit time
    of the best plus that of the slowest of the top ``ENSEMBLE_RESERVE_TOP``,
    each estimated as ``REFIT_FACTOR`` times its mean fold fit time.
    """
    done = sorted(_finished(runs), key=lambda item: -item[0])[:ENSEMBLE_RESERVE_TOP]
    if not done:
        return 0.0
    return REFIT_FACTOR * (done[0][1] + max(fit for _, fit, _ in done))


def _candidate_cost(runs, n_folds):
    """Seconds one more network candidate is expected to take (0 before the first)."""
    fits = [fit for _, fit, params in _finished(runs) if "model__architecture" in params]
    return n_folds * float(np.median(fits)) if fits else 0.0


def _sequential_single_score(results, n_folds):
    """Mean score on folds 1..k of the single candidate chosen on the folds before each.

    The counterpart of the ensemble's own score: on fold ``j`` the candidate
    with the best mean score on folds ``0..j-1`` (among those that finished
    every fold) is scored on fold ``j``. NaN with fewer than two folds.
    """
    scores = np.column_stack([np.asarray(results[f"split{k}_test_score"], dtype=float)
                              for k in range(n_folds)])
    complete = np.flatnonzero(np.isfinite(scores).all(axis=1))
    if n_folds < 2 or len(complete) == 0:
        return float("nan")
    chosen = [complete[int(np.argmax(scores[complete, :j].mean(axis=1)))]
              for j in range(1, n_folds)]
    return float(np.mean([scores[c, j] for j, c in enumerate(chosen, start=1)]))


def _best_per_family(results):
    """Index of the best-scoring candidate of each leaderboard name."""
    best = {}
    for i, (params, score) in enumerate(zip(results["params"], results["mean_test_score"],
                                            strict=True)):
        name = _candidate_name(params)
        if np.isfinite(score) and (name not in best or score > best[name][1]):
            best[name] = (i, score)
    return [i for i, _ in best.values()]


def _uses_exog(params):
    """Whether a candidate reads the exogenous channels: networks and the ridge do."""
    return "model__architecture" in params or isinstance(params.get("model"), LinearForecast)


def _annotate(board, results, with_exog):
    """The leaderboard's kind "statistical", and an ``exog`` column when X was given."""
    kinds, exog = {}, {}
    for i, params in enumerate(results["params"]):
        rank = int(results["rank_test_score"][i])
        if isinstance(params.get("model"), StatisticalForecast):
            kinds[rank] = "statistical"
        used = [_uses_exog(p) for p in params.get("members", [params])]
        exog[rank] = "used" if all(used) else "ignored" if not any(used) else "partly"
    board = board.copy()
    board["kind"] = [kinds.get(r, k) for r, k in zip(board["rank"], board["kind"], strict=True)]
    if with_exog:
        board.insert(board.columns.get_loc("kind") + 1, "exog", board["rank"].map(exog))
    return board


class _Run:
    """One CandidateSearch's results, its candidates' forecasts per fold, why it stopped."""

    def __init__(self, results, predictions, stopped):
        self.results = results
        self.predictions = predictions
        self.stopped = stopped


def _failed_results(candidates, error, n_folds):
    """cv_results_-shaped rows for candidates that all failed."""
    n = len(candidates)
    nan = np.full(n, np.nan)
    results = {"params": list(candidates), "mean_test_score": nan, "std_test_score": nan,
               "mean_fit_time": nan, "std_fit_time": nan, "mean_score_time": nan,
               "std_score_time": nan, "error": np.array([error] * n, dtype=object)}
    results.update({f"split{k}_test_score": nan for k in range(n_folds)})
    _set_ranks(results)
    return results


def _merge_results(results_list):
    """Concatenate the cv_results_ of several searches (parameter columns aligned)."""
    params = [p for r in results_list for p in r["params"]]
    merged = {"params": params}
    keys = {k for r in results_list for k in r
            if k not in ("params", "rank_test_score") and not k.startswith("param_")}
    for key in sorted(keys):
        merged[key] = np.concatenate([
            np.asarray(r[key]) if key in r else np.full(len(r["params"]), np.nan)
            for r in results_list])
    for name in sorted({k for p in params for k in p}):
        merged[f"param_{name}"] = np.ma.masked_array(
            [p.get(name) for p in params], mask=[name not in p for p in params], dtype=object)
    _set_ranks(merged)
    return merged


def _purge(train, test, horizon):
    train, test = np.asarray(train), np.sort(np.asarray(test))
    if len(train) and train.max() >= test.min():
        raise ValueError(
            "cv must split walk-forward: every training origin before the validation ones. "
            f"A split trains on origin {train.max()} but validates from origin {test.min()}; "
            "use autoseq.WalkForwardSplit (max_train_size=... gives sliding windows).")
    train = train[train <= test.min() - horizon]
    if len(train) == 0:
        raise ValueError(
            f"A walk-forward fold has no training origin left once those whose {horizon}-step "
            "targets reach into its validation period are dropped; use fewer folds or a "
            "longer series.")
    return train, test


def _reference_entry(deep, window_grid):
    """The window round's network at its default point, with every window setting."""
    if not deep:
        return None
    names = [e["model__architecture"][0].name for e in deep]
    entry = deep[next((names.index(n) for n in REFERENCE_ARCHITECTURES if n in names), 0)]
    return {**window_grid, **{k: (v if k in WINDOW_KEYS else v[:1]) for k, v in entry.items()}}


def _middle(lookbacks, season):
    """The look-back the window round starts from: the season if searched, else the middle."""
    return season if season in lookbacks else lookbacks[len(lookbacks) // 2]


def _best_network(runs):
    """Parameters of the best-scoring network so far, or None."""
    best, best_score = None, -np.inf
    for run in runs:
        for params, score in zip(run.results["params"], run.results["mean_test_score"],
                                 strict=True):
            if "model__architecture" in params and np.isfinite(score) and score > best_score:
                best, best_score = params, score
    return best


def _expand(deep, window):
    """The architecture round's candidates: each architecture's space on the chosen window."""
    out = []
    for entry in deep:
        out.extend(ParameterGrid({**{k: [window[k]] for k in WINDOW_KEYS}, **entry}))
    return out


def _estimator_for(pipeline, params):
    """An unfitted candidate: the pipeline with ``params``, or the ensemble they describe."""
    if "members" not in params:
        return clone(pipeline).set_params(**clone(params, safe=False))
    members = [(f"{_candidate_name(p)}_{i}", clone(pipeline).set_params(**clone(p, safe=False)))
               for i, p in enumerate(params["members"])]
    return EnsembleRegressor(members, params["weights"])


def _has_network(params):
    """Whether a candidate (or an ensemble member) is a network."""
    return any("model__architecture" in p for p in params.get("members", [params]))


def _split_folds(residuals, y_folds):
    """The ensemble's forecasts per fold from its residuals on folds 1..k (fold 0: None)."""
    if residuals is None:
        return [None] * len(y_folds)
    out, start = [None], 0
    for truth in y_folds[1:]:
        out.append(truth - residuals[start:start + len(truth)])
        start += len(truth)
    return out


def _with_mase(board, results, oof, y_folds, scale):
    """The leaderboard with each candidate's validation MASE next to its score."""
    by_rank = {}
    for i, per_fold in enumerate(oof):
        done = [k for k, p in enumerate(per_fold) if p is not None]
        value = np.nan
        if done:
            actual = np.concatenate([y_folds[k] for k in done])
            value = forecast_errors(actual, np.concatenate([per_fold[k] for k in done]),
                                    scale)["mase"]
        by_rank[int(results["rank_test_score"][i])] = value
    board = board.copy()
    board.insert(board.columns.get_loc("std_score") + 1, "mase", board["rank"].map(by_rank))
    return board


def _refit_folds(estimator, samples, targets, folds):
    """Fit a clone of ``estimator`` on each fold's training origins; forecast its validation."""
    return [clone(estimator).fit(samples[train], targets[train]).predict(samples[test])
            for train, test in folds]


def _prediction_frame(fold_origins, y_folds, per_fold, index):
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
    return pd.concat(frames, ignore_index=True)


def default_lookbacks(n: int, horizon: int, season_length: int | None) -> list[int]:
    """Default look-backs: short, one season and two seasons, or short and long.

    Capped at a third of the series (less the horizon), so that most forecast
    origins have a full window.

    Examples
    --------
    >>> from autoseq.automl.forecaster import default_lookbacks
    >>> default_lookbacks(132, 12, 12), default_lookbacks(400, 1, None)
    ([6, 12, 24], [10, 30])
    """
    cap = max(1, (n - horizon) // 3)
    if season_length and 2 <= season_length <= cap:
        values = [max(2, season_length // 2), season_length, 2 * season_length]
    else:
        short = min(10, cap)
        values = [short, max(3 * short, n // 20)]
    return sorted({min(v, cap) for v in values})


# -- the series and its index ----------------------------------------------------------
class _TimeIndex:
    """Labels of the series' steps: time stamps for a time index, else positions."""

    def __init__(self, index, freq, name):
        self.index = index
        self.freq = freq
        self.name = name

    @property
    def timed(self):
        return self.freq is not None

    def _range(self, start, periods):
        if isinstance(self.index, pd.PeriodIndex):
            return pd.period_range(start, periods=periods, freq=self.index.freq)
        return pd.date_range(start, periods=periods, freq=self.freq)

    def series(self, values):
        index = self.index if self.timed else pd.RangeIndex(len(values))
        return pd.Series(values, index=index, name=self.name)

    def labels(self, positions):
        """Time stamps (or positions) of positions counted from the series' start."""
        positions = np.asarray(positions)
        if not self.timed:
            return positions
        stamps = self._range(self.index[0], int(positions.max()) + 1)
        return np.asarray(stamps[positions.ravel()], dtype=object).reshape(positions.shape)

    def future(self, horizon, after=None):
        if not self.timed:
            return pd.RangeIndex(1, horizon + 1, name="step")
        return self._range(self.index[-1] if after is None else after, horizon + 1)[1:]

    def wrap(self, values, horizon, name=None):
        if not self.timed:
            return np.asarray(values)
        return pd.Series(values, index=self.future(horizon), name=name)

    def extend(self, history, y_new, values):
        """The index and ``history`` with ``values`` appended (a time index continued exactly)."""
        if not self.timed:
            return self, pd.Series(np.concatenate([history.to_numpy(), values]),
                                   index=pd.RangeIndex(len(history) + len(values)),
                                   name=history.name)
        expected = self.future(len(values), after=history.index[-1])
        if isinstance(y_new, pd.Series) and isinstance(y_new.index, (pd.DatetimeIndex,
                                                                     pd.PeriodIndex)):
            if not y_new.index.equals(expected):
                raise ValueError(
                    f"y_new must continue the series right after {history.index[-1]}: "
                    f"expected time stamps from {expected[0]}; got {y_new.index[0]}.")
        extended = _TimeIndex(self.index.append(expected), self.freq, self.name)
        return extended, pd.Series(np.concatenate([history.to_numpy(), values]),
                                   index=extended.index, name=history.name)


def _check_series(y, X=None, *, name="y", exog_name="X"):
    """Target as a 1-D float array and exogenous rows (or None)."""
    if y is None:
        raise ValueError(f"{name} is required: the series to forecast.")
    if isinstance(y, pd.DataFrame):
        if y.shape[1] != 1:
            raise ValueError(
                f"{name} must be one series; got a DataFrame with {y.shape[1]} columns. Pass "
                f"the target column as {name} and the others as {exog_name}.")
        y = y.iloc[:, 0]
    values = as_series_array(y, name)
    if values.shape[1] != 1:
        raise ValueError(
            f"{name} must be one series (1-D); got shape {values.shape}. Pass other "
            f"variables as the exogenous {exog_name}.")
    target = values[:, 0]
    exog = None
    if X is not None:
        exog = as_series_array(X, exog_name)
        if len(exog) != len(target):
            raise ValueError(
                f"{exog_name} has {len(exog)} rows but {name} has {len(target)}; each "
                f"observation needs its row of exogenous values.")
    return target, exog


def _index_of(y) -> _TimeIndex:
    """How the series' steps are labelled (and future ones named)."""
    if isinstance(y, pd.DataFrame) and y.shape[1] == 1:
        y = y.iloc[:, 0]
    name = y.name if isinstance(y, pd.Series) else None
    index = y.index if isinstance(y, pd.Series) else None
    if isinstance(index, pd.PeriodIndex):
        return _TimeIndex(index, index.freq, name)
    if isinstance(index, pd.DatetimeIndex):
        freq = index.freq or (pd.infer_freq(index) if len(index) >= 3 else None)
        if freq is None:
            warnings.warn(
                "y has a DatetimeIndex without a regular frequency (pandas could not infer "
                "one), so forecasts are returned as arrays, not on future time stamps. Set "
                "one with y.asfreq(...).", UserWarning, stacklevel=3)
            return _TimeIndex(None, None, name)
        offset = pd.tseries.frequencies.to_offset(freq)
        return _TimeIndex(pd.DatetimeIndex(index, freq=offset), offset, name)
    return _TimeIndex(None, None, name)

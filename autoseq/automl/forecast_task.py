"""The forecasting task: a series as supervised samples, the candidates and their stages.

A series becomes one *history sample* per forecast origin
(:func:`autoseq.preprocessing.windowing.history_samples`): the observations
before the origin, then ``horizon`` rows whose target is unknown. The target of
a sample is the next ``horizon`` values. Candidates are
:class:`~autoseq.preprocessing.windowing.ForecastPipeline` objects,
``transform -> scaler -> window -> model``, evaluated by the search engine on
walk-forward folds of the origins
(:func:`~autoseq.automl.forecast_folds.walk_forward_folds`). Because a
sample holds only rows before its origin, a validation forecast sees the
history before it, training-period rows included, and never a later row;
training samples whose targets would reach into a validation period are
dropped from that fold (purged); the transform, the scaler and the statistical
models are fitted inside each fold on its training samples only, and each
window is normalised by its own past.

The default schedule (``search="auto"``) runs in stages
(:class:`~autoseq.model_selection.schedules.StagedSchedule`): the baselines,
the statistical models, the window settings one at a time with a reference
network, then every architecture on the chosen window.
"""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.base import clone
from sklearn.metrics import get_scorer
from sklearn.model_selection import ParameterGrid

from autoseq.automl import combination_choice
from autoseq.automl.combination_choice import split_folds
from autoseq.automl.ensemble_step import select_ensemble
from autoseq.automl.task import SEARCH_LEARNING_RATE, Task
from autoseq.baselines.forecast import (
    COMBINATION,
    COMBINED_MODELS,
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
from autoseq.model_selection.backtest import METRICS, forecast_errors, seasonal_scale
from autoseq.model_selection.halving import HalvingSchedule
from autoseq.model_selection.results import candidate_name, leaderboard
from autoseq.model_selection.schedules import GridSchedule, StagedSchedule
from autoseq.preprocessing.scaling import SequenceScaler
from autoseq.preprocessing.windowing import (
    ForecastPipeline,
    SlidingWindow,
    TargetTransform,
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
LINEAR_ALPHAS = [0.1, 1.0]
# the network that chooses the window, when it is searched
REFERENCE_ARCHITECTURES = ("gru", "lstm")
# the folds rank candidates against the statistical combination only with at least this
# many independent validation forecasts (origins a horizon apart; robust_choice)
MIN_INDEPENDENT_ORIGINS = 4



class ForecastScorer:
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


class Design:
    """A series as supervised data: one history sample and target row per origin."""

    def __init__(self, target, exog, lookbacks, history, horizon):
        self.history = history
        self.origins = np.arange(lookbacks[0], len(target) - horizon + 1)
        values = target[:, None] if exog is None else np.column_stack([target, exog])
        self.samples = history_samples(values, self.origins, history, horizon)
        self.targets = future_targets(target, self.origins, horizon)


def sequential_single_score(results, n_folds):
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


def best_per_family(results):
    """Index of the best-scoring candidate of each leaderboard name."""
    best = {}
    for i, (params, score) in enumerate(zip(results["params"], results["mean_test_score"],
                                            strict=True)):
        name = candidate_name(params)
        if np.isfinite(score) and (name not in best or score > best[name][1]):
            best[name] = (i, score)
    return [i for i, _ in best.values()]


def uses_exog(params):
    """Whether a candidate reads the exogenous channels: networks and the ridge do."""
    return "model__architecture" in params or isinstance(params.get("model"), LinearForecast)


def annotate(board, results, with_exog):
    """The leaderboard's kind "statistical", and an ``exog`` column when X was given."""
    kinds, exog = {}, {}
    for i, params in enumerate(results["params"]):
        rank = int(results["rank_test_score"][i])
        if isinstance(params.get("model"), StatisticalForecast):
            kinds[rank] = "statistical"
        used = [uses_exog(p) for p in params.get("members", [params])]
        exog[rank] = "used" if all(used) else "ignored" if not any(used) else "partly"
    board = board.copy()
    board["kind"] = [kinds.get(r, k) for r, k in zip(board["rank"], board["kind"], strict=True)]
    if with_exog:
        board.insert(board.columns.get_loc("kind") + 1, "exog", board["rank"].map(exog))
    return board


def reference_entry(deep, window_grid):
    """The window round's network at its default point, with every window setting."""
    if not deep:
        return None
    names = [e["model__architecture"][0].name for e in deep]
    entry = deep[next((names.index(n) for n in REFERENCE_ARCHITECTURES if n in names), 0)]
    return {**window_grid, **{k: (v if k in WINDOW_KEYS else v[:1]) for k, v in entry.items()}}


def middle(lookbacks, season):
    """The look-back the window round starts from: the season if searched, else the middle."""
    return season if season in lookbacks else lookbacks[len(lookbacks) // 2]


def expand(deep, window):
    """The architecture round's candidates: each architecture's space on the chosen window."""
    out = []
    for entry in deep:
        out.extend(ParameterGrid({**{k: [window[k]] for k in WINDOW_KEYS}, **entry}))
    return out


def estimator_for(pipeline, params):
    """An unfitted candidate: the pipeline with ``params``, or the ensemble they describe."""
    if "members" not in params:
        return clone(pipeline).set_params(**clone(params, safe=False))
    members = [(f"{candidate_name(p)}_{i}", clone(pipeline).set_params(**clone(p, safe=False)))
               for i, p in enumerate(params["members"])]
    return EnsembleRegressor(members, params["weights"])


def has_network(params):
    """Whether a candidate (or an ensemble member) is a network."""
    return any("model__architecture" in p for p in params.get("members", [params]))


def with_mase(board, results, oof, y_folds, scale):
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


def default_lookbacks(n: int, horizon: int, season_length: int | None) -> list[int]:
    """Default look-backs: short, one season and two seasons, or short and long.

    Capped at a third of the series (less the horizon), so that most forecast
    origins have a full window.

    Examples
    --------
    >>> from autoseq.automl.forecast_task import default_lookbacks
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

class ForecastTask(Task):
    """One series: its design, its candidates, their schedule, the ensemble across families.

    Built from the estimator and the checked series, it settles everything the
    search needs before it starts: the season, the look-backs of the window
    round, the statistical models, the architectures' grid entries, the
    supervised design and the MASE scale.

    Parameters
    ----------
    estimator : AutoSeqForecaster
    target : ndarray of shape (n_steps,)
        The series, oldest first.
    exog : ndarray of shape (n_steps, n_exogenous) or None

    Attributes
    ----------
    season : int or None
    lookbacks : list of int
        The look-backs of the window round.
    positive : bool
        Whether the series is positive (log and Box-Cox are searched).
    statistical : list of str
        The statistical models to search.
    deep : list of dict
        The architectures' grid entries (with any window settings the user gave).
    searched_lookbacks : list of int
        Every look-back any candidate may use.
    design : Design
        The series as samples and targets.
    scale : float
        The MASE scale (in-sample error of the seasonal naive forecast).
    with_exog : bool
    validation_origins : int or None
        Forecast origins over all validation folds, set once the folds are
        known (:meth:`set_folds`).
    choice_oof : list of ndarray or None
        The validation forecasts per fold of the statistical combination
        (alone or mixed with the search's choice), once :meth:`robust_choice`
        made it the ensemble row.
    """

    name = "forecasting"

    def __init__(self, estimator, target, exog):
        super().__init__(estimator)
        est = estimator
        self.season = est.season_length or detect_season_length(target)
        self.lookbacks = (sorted({check_positive_int(v, "lookbacks") for v in est.lookbacks})
                          if est.lookbacks is not None
                          else default_lookbacks(len(target), est.horizon, self.season))
        self.positive = bool(target.min() > 0)
        self.statistical = statistical_models(est)
        self.with_exog = exog is not None
        self.deep = self.architecture_entries()
        if not self.deep and not est.baselines:
            raise ValueError("Nothing to search: architectures=[] and baselines=False.")
        self.searched_lookbacks = sorted(
            {*self.lookbacks, *(v for e in self.deep for v in e.get("window__lookback", []))})
        season = self.season
        history = max(self.searched_lookbacks[-1], 2 * season if season and season > 1 else 1)
        if self.statistical:
            history = max(history, min(len(target), STATISTICAL_HISTORY))
        self.design = Design(target, exog, self.searched_lookbacks, history, est.horizon)
        self.scale = seasonal_scale(target, season or 1)
        self.validation_origins = None
        self.choice_oof = None

    def set_folds(self, folds):
        """Record the walk-forward folds, and name them (with the reason when the
        statistical combination is the forecast before any candidate is scored)."""
        horizon = self.estimator.horizon
        self.validation_origins = sum(len(test) for _, test in folds)
        self.cv_scheme = f"walk-forward, {len(folds)} folds of {horizon}-step forecasts"
        if self.combination_decides():
            self.cv_scheme += (
                f" ({self.validation_origins / horizon:.1f} independent validation forecasts,"
                f" fewer than {MIN_INDEPENDENT_ORIGINS}: the statistical combination is the"
                " forecast, so no network was trained)")

    def combination_decides(self):
        """Whether the folds are too few to rank candidates, so that the statistical
        combination will be the forecast (:meth:`robust_choice`).

        The default search then trains no network: none could win. Networks the
        user named in ``architectures`` are still trained and listed.
        """
        est = self.estimator
        return (bool(est.ensemble) and set(COMBINED_MODELS) <= set(self.statistical)
                and self.validation_origins is not None
                and self.validation_origins / est.horizon < MIN_INDEPENDENT_ORIGINS)

    def architecture_entries(self):
        """The architectures' grid entries (with any window settings the user gave)."""
        est = self.estimator
        if est.architectures is not None and len(est.architectures) == 0:
            return []
        return super().param_grid(np.zeros((1, 1, 1)), None)

    # -- the pipeline -------------------------------------------------------------------
    def forecast_pipeline(self, deep=True):
        return forecast_pipeline(self.estimator, deep)

    # -- the candidates -------------------------------------------------------------------
    def strategies(self):
        strategy, horizon = self.estimator.strategy, self.estimator.horizon
        if strategy == "auto":
            return ["direct", "recursive"] if horizon > 1 else ["direct"]
        return [strategy]

    def window_grid(self):
        return {"window__normalize": NORMALIZATIONS,
                "transform__method": POSITIVE_TRANSFORMS if self.positive else ["none"],
                "window__lookback": self.lookbacks, "strategy": self.strategies()}

    def baseline_grid(self):
        """Baseline candidates: the naive family on raw values, the ridge on every window."""
        season, history = self.season, self.design.history
        raw = {"window__normalize": "none", "strategy": "direct", "transform__method": "none"}
        grid = [{"model": NaiveForecast(), "window__lookback": 1, **raw}]
        if season and season > 1:
            grid.append({"model": SeasonalNaiveForecast(season_length=season),
                         "window__lookback": season, **raw})
            for trend in ["growth", "drift"] if self.positive else ["drift"]:
                # on the series' own values: a growth ratio is not kept by the scaler
                grid.append({"model": SeasonalNaiveForecast(season_length=season, trend=trend),
                             "window__lookback": 2 * season, "scaler": "passthrough", **raw})
        grid.append({"model": DriftForecast(), "window__lookback": history, **raw})
        linear = ParameterGrid({"model__alpha": LINEAR_ALPHAS, **self.window_grid()})
        return grid + [{"model": LinearForecast(p["model__alpha"]), **p} for p in linear]

    def statistical_candidate(self, name, transform="none"):
        """A statsforecast model on the whole past (its own scale: no scaler, no window)."""
        return {"model": StatisticalForecast(name, season_length=self.season or 1,
                                             transform=transform),
                "window__normalize": "none", "strategy": "direct", "transform__method": "none",
                "scaler": "passthrough", "window__lookback": self.design.history}

    def statistical_grid(self):
        """Every statistical model searched, also on the logarithm of a positive series."""
        return [self.statistical_candidate(name, t) for name in self.statistical
                for t in (["none", "log"] if self.positive and name != COMBINATION
                          else ["none"])]

    def candidates(self):
        """Every candidate of ``search="grid"``: the baselines and statistical models, and
        each architecture's space on every window setting."""
        free = self.baseline_grid() if self.estimator.baselines else []
        if self.statistical:
            free += self.statistical_grid()
        window = {k: list(v) for k, v in self.window_grid().items()}
        networks = [c for entry in self.deep for c in ParameterGrid({**window, **entry})]
        return free + networks

    def schedule(self):
        """``(kind, schedule)``: the stages by default, else grid or halving over
        :meth:`candidates`."""
        kind = self.estimator.search
        if kind == "grid":
            return kind, GridSchedule()
        if kind == "halving":
            return kind, HalvingSchedule()
        return "staged", StagedSchedule(self.stages())

    def stages(self):
        """Baselines and statistical models in full; then, within the time budget, the
        window, one setting at a time; then every architecture."""
        stages = []
        if self.estimator.baselines:
            stages.append(_fixed(self.baseline_grid()))
        if self.statistical:
            stages.append(_fixed(self.statistical_grid()))
        reference = reference_entry(self.deep, self.window_grid())
        if reference is None or (self.estimator.architectures is None
                                 and self.combination_decides()):
            return stages
        start = {k: v[0] for k, v in reference.items()}
        start["window__lookback"] = middle(reference["window__lookback"], self.season)

        def current(history):
            best = best_network(history)
            return {k: best[k] for k in start} if best else start

        def seen(history):
            return [c for c, _ in history]

        for key in WINDOW_KEYS:
            stages.append(lambda history, key=key: [
                c for c in ({**current(history), key: v} for v in reference[key])
                if c not in seen(history)])
        stages.append(lambda history: [c for c in expand(self.deep, current(history))
                                       if c not in seen(history)])
        return stages

    # -- what the folds keep, the ensemble -------------------------------------------------
    def oof_array(self, kept, y):
        return np.asarray(kept[1], dtype=np.float64)

    def residuals(self, predictions, y_folds):
        if any(p is None for p in predictions):
            return None
        return np.concatenate([t - p for p, t in zip(predictions, y_folds, strict=True)])

    def make_ensemble(self, members, weights, residuals):
        return EnsembleRegressor(members, weights, calibration_residuals=residuals)

    def select_ensemble(self, pipeline, results, oof, y_folds, y, scorer, best_single):
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
        keep = best_per_family(results)
        if best_single not in keep:
            keep.append(best_single)
        keep.sort()
        subset = {key: (np.asarray(value)[keep] if key != "params"
                        else [value[i] for i in keep])
                  for key, value in results.items()
                  if key == "params" or key == "mean_fit_time" or key.startswith("split")}
        outcome = select_ensemble(self, pipeline, subset, [oof[i] for i in keep], y_folds, y,
                                  scorer, keep.index(best_single),
                                  verbose=self.estimator.verbose)
        if outcome is not None:
            honest = sequential_single_score(results, len(y_folds))
            if np.isfinite(honest):
                outcome.single_score = honest
                outcome.wins = len(outcome.params["members"]) >= 2 and outcome.score > honest
        return self.robust_choice(pipeline, results, oof, y_folds, y, scorer, best_single,
                                  outcome)

    def robust_choice(self, pipeline, results, oof, y_folds, y, scorer, best_single, outcome):
        """The statistical combination, alone or mixed with the search's choice, unless
        the choice beats it on the folds by a margin
        (:mod:`autoseq.automl.combination_choice`).

        The combination is scored from its three models' validation forecasts,
        without another fit. Validation origins less than a horizon apart share
        target values, so the folds' ``n`` origins hold ``n / horizon``
        independent forecasts; with fewer than ``MIN_INDEPENDENT_ORIGINS`` (a
        short series, a long horizon) the folds cannot tell candidates apart
        and the combination alone is the forecast. Whatever replaces the
        search's choice becomes the ensemble row, and the winner. Needs the three
        models searched on the raw series, each scored on every fold.
        """
        if oof is None:
            return outcome
        outcome, self.choice_oof = combination_choice.choose(
            self, pipeline, results, oof, y_folds, self.prediction_score(scorer, y),
            best_single, outcome)
        return outcome

    def all_oof(self, outcome):
        """Every row's validation forecasts per fold, the ensemble's row included."""
        oof = list(outcome.oof)
        if self.choice_oof is not None:
            oof.append(self.choice_oof)
        elif outcome.ensemble is not None:
            oof.append(split_folds(outcome.ensemble.residuals, outcome.y_folds))
        return oof

    def leaderboard(self, results, outcome):
        board = with_mase(leaderboard(results), results, self.all_oof(outcome),
                          outcome.y_folds, self.scale)
        return annotate(board, results, self.with_exog)


def forecast_pipeline(estimator, deep=True):
    """The candidates' pipeline, ``transform -> scaler -> window -> model``; the model is
    a network for ``deep`` (else a placeholder the grid replaces: no TensorFlow loads)."""
    if deep:
        from autoseq.estimators.keras import SeqRegressor

        model = SeqRegressor(epochs=estimator.max_epochs, early_stopping=True, batch_size=16,
                             learning_rate=SEARCH_LEARNING_RATE,
                             random_state=estimator.random_state)
    else:
        model = NaiveForecast()
    return ForecastPipeline([("transform", TargetTransform()), ("scaler", SequenceScaler()),
                             ("window", SlidingWindow()), ("model", model)])


def statistical_models(estimator):
    """The statistical models to search: [] when left out or statsforecast is missing."""
    if not estimator.baselines or estimator.statistical is False:
        return []
    names = list(STATISTICAL_MODELS if estimator.statistical is True else estimator.statistical)
    if not statsforecast_available():
        warnings.warn(STATSFORECAST_MISSING, UserWarning, stacklevel=4)
        return []
    return names


def _fixed(candidates):
    """A stage that always evaluates ``candidates``."""
    return lambda history: candidates


def best_network(history):
    """Parameters of the best-scoring network so far (the first of equals), or None."""
    best, best_score = None, -np.inf
    for params, score in history:
        if "model__architecture" in params and np.isfinite(score) and score > best_score:
            best, best_score = params, score
    return best



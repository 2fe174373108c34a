"""The statistical combination against the search's choice: keep, mix or replace."""

import numpy as np
import pytest

from autoseq import AutoSeqForecaster
from autoseq.automl import combination_choice
from autoseq.automl.combination_choice import (
    ALONE_MARGIN,
    MIX_MARGIN,
    MIX_SHARE,
    choose,
    relative_advantage,
    share_of_choice,
)
from autoseq.automl.forecast_task import ForecastTask
from autoseq.baselines.forecast import (
    COMBINATION,
    COMBINED_MODELS,
    LinearForecast,
    StatisticalForecast,
)
from autoseq.estimators.ensemble import EnsembleRegressor


def test_relative_advantage_is_the_cut_in_validation_error():
    assert relative_advantage([-0.8, -0.8], [-1.0, -1.0]) == pytest.approx(0.2)
    assert relative_advantage([-1.5], [-1.0]) == pytest.approx(-0.5)
    # an error-free combination can be tied, never beaten
    assert relative_advantage([0.0], [0.0]) == 0.0
    assert relative_advantage([-0.1], [0.0]) == -np.inf


def test_the_margins_decide_the_share_of_the_search_choice():
    assert 0 < MIX_MARGIN < ALONE_MARGIN and 0 < MIX_SHARE < 1
    assert share_of_choice(-0.3) == 0.0
    assert share_of_choice(MIX_MARGIN) == 0.0  # a tie at the margin keeps the combination
    assert share_of_choice(MIX_MARGIN + 1e-6) == MIX_SHARE
    assert share_of_choice(ALONE_MARGIN + 1e-6) == 1.0
    # too few independent validation forecasts: the combination whatever the folds say
    assert share_of_choice(10.0, decides=True) == 0.0


# -- choose() on stored validation forecasts --------------------------------------------
H, ORIGINS, FOLDS = 2, 4, 3


def _search(advantage):
    """A search whose ridge cuts the combination's validation error by ``advantage``."""
    rng = np.random.default_rng(0)
    task = ForecastTask(AutoSeqForecaster(horizon=H, season_length=1, architectures=[]),
                        100 + rng.normal(size=40), None)
    y_folds = [rng.normal(size=(ORIGINS, H)) for _ in range(FOLDS)]
    offsets = {"AutoETS": 1.0, "AutoTheta": -1.0, "DynamicOptimizedTheta": 0.5}
    error = np.mean(list(offsets.values()))  # the combination is off by 1/6
    params = [task.statistical_candidate(name) for name in COMBINED_MODELS]
    oof = [[t + offsets[name] for t in y_folds] for name in COMBINED_MODELS]
    params.append({"model": LinearForecast(1.0), "window__lookback": 3})
    oof.append([t + error * (1 - advantage) for t in y_folds])
    results = {"params": params, "mean_fit_time": np.array([0.1, 0.2, 0.3, 0.4]),
               "mean_test_score": np.array([-1.0, -1.0, -0.5, -error * (1 - advantage)])}
    return task, results, oof, y_folds


def _score(prediction, truth):
    return -float(np.mean(np.abs(prediction - truth)))


def _choose(advantage):
    task, results, oof, y_folds = _search(advantage)
    return choose(task, task.forecast_pipeline(deep=False), results, oof, y_folds, _score,
                  best_single=3, outcome=None), y_folds, oof


def test_a_lead_within_the_margin_leaves_the_combination_alone():
    (outcome, folds), y_folds, oof = _choose(MIX_MARGIN / 2)
    assert outcome.wins and outcome.params["model"].model == COMBINATION
    expected = [np.mean([oof[i][k] for i in range(3)], axis=0) for k in range(FOLDS)]
    np.testing.assert_allclose(np.stack(folds), np.stack(expected))
    assert outcome.score == pytest.approx(-1 / 6)
    assert outcome.fit_time == pytest.approx(0.6)  # the three models' fits
    assert outcome.residuals.shape == (FOLDS * ORIGINS, H)


def test_a_lead_between_the_margins_mixes_the_choice_with_the_combination():
    advantage = (MIX_MARGIN + min(ALONE_MARGIN, 1.0)) / 2
    (outcome, folds), y_folds, oof = _choose(advantage)
    members, weights = outcome.params["members"], outcome.params["weights"]
    assert isinstance(members[0]["model"], LinearForecast)
    assert members[1]["model"].model == COMBINATION
    assert weights == [MIX_SHARE, 1 - MIX_SHARE]
    combined = [np.mean([oof[i][k] for i in range(3)], axis=0) for k in range(FOLDS)]
    for k in range(FOLDS):
        np.testing.assert_allclose(folds[k],
                                   MIX_SHARE * oof[3][k] + (1 - MIX_SHARE) * combined[k])
    assert outcome.score == pytest.approx(np.mean([_score(f, t)
                                                   for f, t in zip(folds, y_folds, strict=True)]))
    assert isinstance(outcome.estimator, EnsembleRegressor)
    assert outcome.estimator.weights == weights
    assert outcome.fit_time == pytest.approx(1.0)  # the three models and the ridge


def test_a_lead_beyond_the_alone_margin_keeps_the_choice(monkeypatch):
    monkeypatch.setattr(combination_choice, "ALONE_MARGIN", 0.5)
    (outcome, folds), _, _ = _choose(0.8)
    assert outcome is None and folds is None  # None: the best single candidate stands


def test_a_mixed_ensemble_spreads_its_share_over_its_members(monkeypatch):
    monkeypatch.setattr(combination_choice, "ALONE_MARGIN", np.inf)
    task, results, oof, y_folds = _search(0.0)
    ensemble = combination_choice.EnsembleOutcome(
        {"members": [results["params"][3], results["params"][0]], "weights": [0.75, 0.25]},
        np.array([np.nan, -0.1, -0.1]), -0.1, -0.2, wins=True, estimator=None, fit_time=0.5,
        residuals=np.concatenate([t - (t + 0.01) for t in y_folds[1:]]))
    outcome, folds = choose(task, task.forecast_pipeline(deep=False), results, oof, y_folds,
                            _score, best_single=3, outcome=ensemble)
    assert outcome.params["weights"] == pytest.approx([0.75 * MIX_SHARE, 0.25 * MIX_SHARE,
                                                       1 - MIX_SHARE])
    # the ensemble has no forecast on the first fold (its members are chosen on it)
    assert folds[0] is None and np.isnan(outcome.fold_scores[0])
    assert outcome.residuals.shape == ((FOLDS - 1) * ORIGINS, H)


# -- the forecaster, end to end ---------------------------------------------------------
WEEKLY = 50 + np.tile([0.0, 4, -3, 6, -5, 2, -4], 22) + np.random.default_rng(0).normal(
    0, 0.2, 154)


def _fit(monkeypatch, mix_margin, alone_margin):
    monkeypatch.setattr(combination_choice, "MIX_MARGIN", mix_margin)
    monkeypatch.setattr(combination_choice, "ALONE_MARGIN", alone_margin)
    return AutoSeqForecaster(horizon=3, season_length=1, architectures=[],
                             random_state=0).fit(WEEKLY)


def test_a_mixed_winner_forecasts_the_weighted_mean_of_choice_and_combination(monkeypatch):
    pytest.importorskip("statsforecast")
    mixed = _fit(monkeypatch, -np.inf, np.inf)
    alone = _fit(monkeypatch, -np.inf, -np.inf)
    combined = _fit(monkeypatch, np.inf, np.inf)
    assert combined.best_params_["model"].model == COMBINATION
    assert "members" not in alone.best_params_ or all(
        not isinstance(m.get("model"), StatisticalForecast) or m["model"].model != COMBINATION
        for m in alone.best_params_["members"])
    members, weights = mixed.best_params_["members"], mixed.best_params_["weights"]
    assert members[-1]["model"].model == COMBINATION
    assert weights[-1] == pytest.approx(1 - MIX_SHARE)
    assert sum(weights[:-1]) == pytest.approx(MIX_SHARE)
    np.testing.assert_allclose(
        mixed.predict(), MIX_SHARE * alone.predict() + (1 - MIX_SHARE) * combined.predict(),
        rtol=1e-6)
    # its validation forecasts, and so its score and its intervals, are the mix's own
    np.testing.assert_allclose(
        mixed.cv_predictions_["predicted"],
        MIX_SHARE * alone.cv_predictions_["predicted"]
        + (1 - MIX_SHARE) * combined.cv_predictions_["predicted"], rtol=1e-6)
    board = mixed.leaderboard_
    winner = board[board["rank"] == mixed.cv_results_["rank_test_score"][mixed.best_index_]]
    assert winner["architecture"].iloc[0] == "ensemble"
    assert winner["mean_score"].iloc[0] == pytest.approx(mixed.best_score_)
    assert np.isfinite(mixed.predict_interval().to_numpy()).all()

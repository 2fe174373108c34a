"""One search engine for every estimator: schedules, one results object, one tie rule."""

import inspect

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from autoseq import (
    AutoSeqAnomalyDetector,
    AutoSeqClassifier,
    AutoSeqForecaster,
    AutoSeqGenerator,
    AutoSeqRegressor,
    get_architecture,
)
from autoseq.model_selection import search as engine
from autoseq.model_selection.results import best_row
from autoseq.model_selection.schedules import GridSchedule, StagedSchedule
from autoseq.model_selection.search import CandidateSearch


@pytest.fixture(autouse=True)
def no_keras_cleanup(monkeypatch):
    # freeing Keras memory between candidates would import TensorFlow for the sklearn fits
    monkeypatch.setattr(engine, "release_memory", lambda: None)


def _data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 3))
    return X, (X[:, 0] > 0).astype(int)


def test_a_staged_schedule_builds_later_stages_from_earlier_scores():
    X, y = _data()
    seen = []

    def second(history):
        seen.append(history)
        best = max(history, key=lambda pair: pair[1])[0]
        return [{"C": best["C"] * 10}]

    schedule = StagedSchedule([lambda history: [{"C": 0.001}, {"C": 1.0}], second])
    search = CandidateSearch(LogisticRegression(), [{}], cv=2, schedule=schedule).fit(X, y)
    assert [p["C"] for p in search.cv_results_["params"]] == [0.001, 1.0, 10.0]
    assert [c["C"] for c, _ in seen[0]] == [0.001, 1.0]  # the second stage saw the first's
    assert search.n_candidates_total_ == 3
    # scikit-learn built the results of every stage: no hand-made arrays
    assert list(search.cv_results_["param_C"]) == [0.001, 1.0, 10.0]


def test_the_grid_schedule_is_the_default_and_evaluates_every_candidate_once():
    X, y = _data()
    search = CandidateSearch(LogisticRegression(), {"C": [0.1, 1.0]}, cv=2).fit(X, y)
    assert search.schedule is None and isinstance(search._make_schedule(), GridSchedule)
    assert len(search.cv_results_["params"]) == 2


def test_a_stop_ends_the_stages_and_lists_what_was_not_run():
    from sklearn.pipeline import Pipeline

    X, y = _data()
    pipe = Pipeline([("model", LogisticRegression())])
    later = []
    schedule = StagedSchedule([lambda h: [{"model__C": 1.0}, {"model__C": 2.0}],
                               lambda h: later.append(h) or [{"model__C": 3.0}]])
    search = CandidateSearch(pipe, [{}], cv=2, schedule=schedule, best_possible=0.0).fit(X, y)
    # the first trained candidate reaches the best possible score: the second could at
    # most tie, and the later stage is never built
    assert search.stopped_early_ == "unbeatable"
    assert [p["model__C"] for p in search.cv_results_["params"]] == [1.0]
    assert search.skipped_ == [{"model__C": 2.0}]
    assert later == []


def test_one_tie_rule_everywhere():
    results = {"mean_test_score": np.array([0.5, 0.9, 0.9, np.nan])}
    assert best_row(results) == 1  # the first of equals
    halving = {"mean_test_score": np.array([0.95, 0.9, 0.8]), "iter": np.array([0, 1, 1]),
               "n_resources": np.array([5, 15, 15])}
    assert best_row(halving) == 1  # an early round's score does not win
    assert CandidateSearch._select_best_index(False, "score", halving) == 1


class EpochLogistic(LogisticRegression):
    """A logistic regression with an ``epochs`` resource (ignored) for halving."""

    def __init__(self, C=1.0, epochs=8):
        super().__init__(C=C)
        self.epochs = epochs


def test_halving_no_longer_rewrites_its_own_parameters():
    from sklearn.pipeline import Pipeline

    from autoseq.model_selection.halving import HalvingCandidateSearch

    X, y = _data()
    search = HalvingCandidateSearch(Pipeline([("model", EpochLogistic())]),
                                    {"model__C": [0.1, 1.0, 10.0, 100.0]}, cv=2, factor=2,
                                    min_epochs=2)
    before = search.get_params(deep=False)
    search.fit(X, y)
    assert len(search.rounds_) >= 2
    after = search.get_params(deep=False)
    assert {k: v for k, v in after.items() if k != "estimator"} == \
        {k: v for k, v in before.items() if k != "estimator"}


# -- every estimator runs through the engine, with every schedule ----------------------
@pytest.fixture(scope="module")
def series():
    t = np.arange(120)
    rng = np.random.default_rng(0)
    return pd.Series(10 + 0.2 * t + 5 * np.sin(2 * np.pi * t / 12) + rng.normal(size=120),
                     index=pd.date_range("2000-01-01", periods=120, freq="MS"))


@pytest.fixture
def short_rounds(monkeypatch):
    """Halving from 1 epoch (not 10): two rounds of 1 and 3 epochs with max_epochs=3."""
    from autoseq.model_selection import halving

    monkeypatch.setattr(halving, "MIN_EPOCHS", 1)


def test_the_forecaster_searches_by_halving(series, short_rounds):
    fc = AutoSeqForecaster(
        horizon=2, architectures=["gru"], lookbacks=[6], season_length=12, strategy="direct",
        statistical=False, cv=2, max_epochs=3, search="halving",
        param_grid={"gru": {"units": [4], "window__normalize": ["none", "standard", "last"],
                            "transform__method": ["none"]}},
        time_budget=None, random_state=0).fit(series)
    assert fc.search_ == "halving"
    rounds = np.asarray(fc.cv_results_["iter"])
    assert rounds.max() >= 1  # networks went on to a later round with more epochs
    resources = np.asarray(fc.cv_results_["n_resources"])
    assert set(resources[rounds == 0]) >= {0}  # the baselines: no epochs
    assert fc.predict().shape == (2,)
    assert np.isfinite(fc.leaderboard_["mase"]).any()


def test_the_forecaster_grid_is_every_window_setting_for_every_architecture(series):
    common = dict(horizon=2, architectures=[get_architecture("gru", units=4)],
                  lookbacks=[6, 8], season_length=12, strategy="direct", statistical=False,
                  baselines=False, cv=2, max_epochs=1, random_state=0, ensemble=False)
    negative = series - 100  # no log or Box-Cox transform to search
    grid = AutoSeqForecaster(search="grid", **common).fit(negative)
    staged = AutoSeqForecaster(**common).fit(negative)
    assert grid.search_ == "grid" and staged.search_ == "staged"
    # 3 normalisations x 2 look-backs, against one setting at a time (3 + 1)
    assert len(grid.leaderboard_) == 6 and len(staged.leaderboard_) == 4
    assert len(staged.leaderboard_) < len(grid.leaderboard_)


def test_the_detector_searches_by_halving(short_rounds):
    t = np.arange(200)
    stream = np.sin(2 * np.pi * t / 25) + np.random.default_rng(0).normal(0, 0.05, 200)
    det = AutoSeqAnomalyDetector(
        architectures=["gru"], param_grid={"gru": {"units": [4, 8]}}, window_length=16,
        bottleneck=[2, 4], cv=2, max_epochs=3, search="halving", time_budget=None,
        random_state=0).fit(stream)
    assert det.search_ == "halving"
    assert np.asarray(det.cv_results_["iter"]).max() >= 1
    assert det.score_samples(stream).shape == (200,)


def test_the_generator_stands_on_its_own():
    assert not issubclass(AutoSeqGenerator, AutoSeqClassifier)
    gen = AutoSeqGenerator(lookback=[2, 4], architectures=[], random_state=0).fit("abcab" * 30)
    assert gen.classes_.tolist() == sorted(gen.classes_.tolist())
    assert len(gen.generate("ab", 3, random_state=0)) == 3


@pytest.mark.parametrize("estimator", [AutoSeqClassifier, AutoSeqRegressor, AutoSeqForecaster,
                                       AutoSeqAnomalyDetector, AutoSeqGenerator])
def test_no_estimator_has_a_parameter_it_ignores(estimator):
    params = set(inspect.signature(estimator).parameters)
    if estimator is AutoSeqAnomalyDetector:
        assert "ensemble" not in params  # no ensemble of detectors is built
    import sys

    modules = {sys.modules[cls.__module__] for cls in inspect.getmro(estimator)
               if cls.__module__.startswith("autoseq")}
    source = "".join(inspect.getsource(m) for m in modules)
    from autoseq.automl import base, forecast_task, task

    source += "".join(inspect.getsource(m) for m in (base, task, forecast_task))
    for name in params:
        # every parameter is read somewhere besides __init__'s own assignment
        assert source.count(f".{name}") > source.count(f"self.{name} = {name}"), name


def test_a_param_grid_entry_that_would_be_ignored_is_refused():
    X = np.random.default_rng(0).normal(size=(12, 8, 1))
    y = np.arange(12) % 2
    typo = AutoSeqClassifier(architectures=["gru"], param_grid={"gur": {"units": [4]}})
    with pytest.raises(ValueError, match="param_grid names 'gur'.*it searches: gru"):
        typo._make_task().param_grid(X, y)
    fixed = AutoSeqClassifier(architectures=[get_architecture("gru", units=4)],
                              param_grid={"gru": {"units": [8]}})
    with pytest.raises(ValueError, match=r"param_grid\['gru'\] sets units.*GRU instance"):
        fixed._make_task().param_grid(X, y)
    # pipeline settings still apply to an instance
    padded = AutoSeqClassifier(architectures=[get_architecture("gru", units=4)],
                               param_grid={"gru": {"padder__padding": ["pre"]}})
    entry = padded._make_task().param_grid(X, y)[-1]
    assert entry["padder__padding"] == ["pre"]

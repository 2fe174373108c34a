"""Successive halving over candidates and epochs (autoseq.model_selection.halving)."""

import numpy as np
import pytest
from sklearn.dummy import DummyClassifier
from sklearn.pipeline import Pipeline
from test_search import TinyMax, TinyPool

from autoseq import SeqClassifier, SequenceScaler, get_architecture
from autoseq.model_selection.halving import HalvingCandidateSearch, halving_schedule
from autoseq.model_selection.search import SearchFailedError


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(24, 6, 1))
    y = (X.mean(axis=(1, 2)) > 0).astype(int)
    return X, y


def _pipeline(epochs=4, callbacks=None):
    return Pipeline([("scaler", SequenceScaler()),
                     ("model", SeqClassifier(epochs=epochs, batch_size=8, random_state=0,
                                             callbacks=callbacks))])


def _grid(*archs, baseline=False):
    grid = [{"model__architecture": list(archs)}]
    if baseline:
        grid.append({"model": [DummyClassifier()]})
    return grid


def _archs():
    """Three distinct candidates, the cheapest trainable ones (halving's logic is the subject)."""
    return [TinyPool(units=2), TinyMax(units=3), TinyPool(units=4)]


@pytest.mark.parametrize(("n", "epochs", "kwargs", "expected"), [
    (12, 80, {}, [(12, 27), (4, 80)]),
    (27, 270, {"min_epochs": 10}, [(27, 10), (9, 30), (3, 90), (1, 270)]),
    (1, 80, {}, [(1, 80)]),
    (50, 5, {}, [(50, 5)]),  # the budget is below the first round's minimum: one round
    (5, 8, {"factor": 2, "min_epochs": 2}, [(5, 2), (3, 4), (2, 8)]),
])
def test_schedule(n, epochs, kwargs, expected):
    assert halving_schedule(n, epochs, **kwargs) == expected


@pytest.mark.parametrize("factor", [1, 2.5, True])
def test_schedule_rejects_bad_factor(factor):
    with pytest.raises(ValueError, match="factor must be an integer >= 2"):
        halving_schedule(4, 10, factor=factor)


def test_rounds_keep_the_best_and_train_them_longer(data):
    X, y = data
    failing = get_architecture("gru", units=-1)  # Keras refuses it: every fold fails
    grid = _grid(*_archs(), failing, baseline=True)
    search = HalvingCandidateSearch(_pipeline(epochs=4), grid, cv=2, factor=2,
                                    min_epochs=2).fit(X, y)
    res = search.cv_results_
    assert search.rounds_ == [{"epochs": 2, "n_candidates": 5, "n_evaluated": 4},
                              {"epochs": 4, "n_candidates": 2, "n_evaluated": 2}]
    assert list(res["iter"]) == [0, 0, 0, 0, 1, 1]
    # the epoch-free baseline runs first, then the trained candidates
    assert list(res["n_resources"]) == [0, 2, 2, 2, 4, 4]
    assert [p.get("model__epochs") for p in res["params"]] == [None, 2, 2, 2, 4, 4]
    # the survivors are the two best trained candidates of round 0
    first = np.asarray(res["mean_test_score"][1:4])
    best_two = {id(res["params"][1 + i]["model__architecture"])
                for i in np.argsort(-first, kind="stable")[:2]}
    assert {id(p["model__architecture"]) for p in res["params"][4:]} == best_two
    # the failed candidate never goes on, and is reported like in the grid search
    assert len(search.failures_) == 1
    assert search.failures_[0][0]["model__architecture"] is failing
    assert search.n_candidates_total_ == 5 and search.stopped_early_ is None
    assert search.n_splits_ == 2 and callable(search.scorer_)
    # the best row comes from the last round or from the epoch-free baseline
    assert res["iter"][search.best_index_] == 1 or res["n_resources"][search.best_index_] == 0


def test_best_index_ignores_early_rounds():
    results = {"mean_test_score": np.array([0.9, 0.5, 0.7, 0.6]),
               "iter": np.array([0, 0, 1, 0]), "n_resources": np.array([2, 2, 4, 0])}
    assert HalvingCandidateSearch._select_best_index(False, "score", results) == 2
    results["mean_test_score"] = np.array([0.9, 0.5, 0.7, 0.8])
    assert HalvingCandidateSearch._select_best_index(False, "score", results) == 3


@pytest.fixture
def short_rounds(monkeypatch):
    """Halving from 1 epoch (not 10): rounds of 1 and 3 epochs with max_epochs=3."""
    from autoseq.model_selection import halving

    monkeypatch.setattr(halving, "MIN_EPOCHS", 1)


def test_autoseq_never_picks_a_row_of_an_early_round(data, short_rounds):
    from autoseq import AutoSeqClassifier

    def fewer_epochs_score_higher(estimator, X, y):
        return -float(estimator[-1].epochs)

    X, y = data
    clf = AutoSeqClassifier(architectures=_archs(), search="halving",
                            scoring=fewer_epochs_score_higher, max_epochs=3, cv=2,
                            random_state=0, ensemble=False, baselines=False).fit(X, y)
    assert clf.cv_results_["iter"][clf.best_index_] == 1
    assert clf.cv_results_["n_resources"][clf.best_index_] == 3
    assert clf.leaderboard_["params"].iloc[0]["epochs"] == 3  # the winner leads the board
    assert clf.cv_results_["rank_test_score"][clf.best_index_] == 1


def test_time_budget_stops_between_rounds(data, monkeypatch):
    # round 0's first batch starts whatever a network's setup is expected to cost
    monkeypatch.setattr("autoseq.model_selection.search.network_setup_seconds", lambda: 0.0)
    X, y = data
    grid = _grid(*_archs())
    search = HalvingCandidateSearch(_pipeline(epochs=4), grid, cv=2, factor=2,
                                    min_epochs=2, time_budget=0.2, batch_size=10)
    search.fit(X, y)  # round 0 is one batch (it always starts); round 1 never does
    assert search.stopped_early_ == "time_budget"
    assert [r["epochs"] for r in search.rounds_] == [2]
    assert len(search.cv_results_["params"]) == 3
    assert search.time_budget == 0.2 and search.param_grid is grid  # restored after fit


def test_interrupt_in_a_later_round_keeps_earlier_results(data):
    from autoseq._backend import keras

    class InterruptLongFits(keras().callbacks.Callback):
        def on_train_begin(self, logs=None):
            if self.params["epochs"] >= 4:
                raise KeyboardInterrupt

    X, y = data
    search = HalvingCandidateSearch(_pipeline(epochs=4, callbacks=[InterruptLongFits()]),
                                    _grid(*_archs()), cv=2, factor=2, min_epochs=2)
    search.fit(X, y)
    assert search.stopped_early_ == "interrupted"
    assert list(search.cv_results_["iter"]) == [0, 0, 0]


def test_every_candidate_failing_raises(data):
    X, y = data
    grid = _grid(get_architecture("gru", units=-1), get_architecture("lstm", units=-1))
    with pytest.raises(SearchFailedError, match="Every candidate of the search failed"):
        HalvingCandidateSearch(_pipeline(), grid, cv=2, factor=2, min_epochs=2).fit(X, y)


def test_autoseq_search_halving(data, short_rounds):
    from autoseq import AutoSeqClassifier

    X, y = data
    clf = AutoSeqClassifier(architectures=_archs(), search="halving", max_epochs=3, cv=2,
                            random_state=0, ensemble=False)
    clf.fit(X, y)
    res = clf.cv_results_
    assert set(res["n_resources"]) - {0} == {1, 3}  # 0: baselines, if any
    assert list(res["iter"]).count(1) == 1  # ceil(3 / 3) candidate reaches the last round
    assert clf.best_estimator_.predict(X[:2]).shape == (2,)
    deep = clf.leaderboard_[clf.leaderboard_["kind"] == "deep"]
    assert set(deep["params"].map(lambda p: p["epochs"])) == {1, 3}

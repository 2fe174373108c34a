"""The search as a whole: leaderboard, failures, budget, interruption, determinism.

The architectures here are tiny test bodies (a pooled Dense layer), so each
fit costs little more than TensorFlow's tracing; the other search test files
import them from this module.
"""

import pickle
import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.metrics import accuracy_score
from test_ensemble import CheapClassificationTask, CheapClassifier, _two_channel_data

from autoseq import Architecture, AutoSeqClassifier, get_architecture
from autoseq.baselines.numeric import MajorityClassifier
from autoseq.model_selection.progress import Leaderboard
from autoseq.model_selection.search import SearchFailedError
from autoseq.registry import register_architecture, unregister_architecture

FAST = dict(cv=2, max_epochs=2, random_state=0)


class TinyPool(Architecture):
    """Mean over time, then one Dense layer: the cheapest trainable body."""

    name = "tiny_pool"
    tasks = frozenset({"classification", "regression"})
    search_space = {"units": [4]}

    def build(self, x, *, units=4):
        k = self.keras
        return k.layers.Dense(units, name="tiny_dense")(
            k.layers.GlobalAveragePooling1D(name="tiny_pooling")(x))


class TinyMax(TinyPool):
    """Max over time, then one Dense layer."""

    name = "tiny_max"

    def build(self, x, *, units=4):
        k = self.keras
        return k.layers.Dense(units, name="tiny_dense")(
            k.layers.GlobalMaxPooling1D(name="tiny_pooling")(x))


class TinySteps(Architecture):
    """One Dense layer per step; pooled unless one vector per step is asked for."""

    name = "tiny_steps"
    tasks = frozenset({"classification", "labelling"})
    sequence_output = True
    search_space = {"units": [4]}

    def build(self, x, *, units=4, return_sequences=False):
        k = self.keras
        x = k.layers.Dense(units, activation="tanh", name="tiny_step_dense")(x)
        return x if return_sequences else k.layers.GlobalAveragePooling1D(name="tiny_pooling")(x)


class Broken(TinyPool):
    """A plugin whose build always fails."""

    name = "broken"

    def build(self, x, *, units=4):
        raise RuntimeError("broken plugin: no body today")


def _data(n=24, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 10, 2))
    return X, (X[:, :, 0].mean(axis=1) > 0).astype(int)


class CountingPool(TinyPool):
    """TinyPool that counts its builds (one per network trained)."""

    builds = 0

    def build(self, x, *, units=4):
        type(self).builds += 1
        return super().build(x, units=units)


BUILDS = {}


@pytest.fixture(scope="module")
def fitted():
    X, y = _data()
    CountingPool.builds = 0
    clf = AutoSeqClassifier(architectures=[CountingPool(units=4)], **FAST).fit(X, y)
    BUILDS["fitted"] = CountingPool.builds
    return clf


class CheapWithNetwork(CheapClassifier):
    """Two one-channel classifiers (a sure two-member ensemble) and a counted network."""

    def _make_task(self):
        class Task(CheapClassificationTask):
            def architecture_names(self, X, y):
                return [CountingPool(units=4)]

        return Task(self)


def test_out_of_fold_predictions_cost_no_extra_training():
    X, _ = _two_channel_data(150)
    y = (X.mean(axis=1).sum(axis=1) > 0).astype(int)  # each channel tells half of it
    CountingPool.builds = 0
    clf = CheapWithNetwork(ensemble=True, **FAST).fit(X, y)
    assert len(clf.ensemble_.estimators) >= 2  # built from the predictions the folds made
    # two folds, plus one refit when the network is part of the winner
    refits = "CountingPool" in str(clf.best_params_)
    assert CountingPool.builds == 2 + refits


def test_leaderboard_rows_and_kinds(fitted):
    board = fitted.leaderboard_
    assert list(board.columns) == ["rank", "architecture", "kind", "params", "mean_score",
                                   "std_score", "folds", "fit_time", "error"]
    assert board["rank"].tolist() == list(range(1, len(board) + 1))
    kinds = dict(zip(board["architecture"], board["kind"], strict=True))
    assert kinds["tiny_pool"] == "deep" and kinds["majority"] == "baseline"
    # a one-member "ensemble" would repeat its member: then there is no ensemble row
    assert ("ensemble" in kinds) == (fitted.ensemble_ is not None)
    assert set(kinds.values()) <= {"deep", "baseline", "ensemble"}
    # the leaderboard is the cv results, ranked by the score shown, on the folds shown
    assert board["mean_score"].is_monotonic_decreasing
    assert set(board["folds"]) <= {"1-2", "2"}  # the ensemble is scored on fold 2 only
    assert (board["folds"] == "2").sum() == (board["kind"] == "ensemble").sum()
    assert fitted.best_params_ == fitted.cv_results_["params"][fitted.best_index_]
    assert len(fitted.cv_results_["error"]) == len(fitted.cv_results_["params"]) == len(board)
    # it prints as a table: compact parameters and score +- std
    assert isinstance(board, Leaderboard) and "±" in repr(board)


@pytest.mark.parametrize("verbose", [0, 1])
def test_progress_of_the_search_shows_only_when_verbose(verbose, capsys):
    X, y = _data()
    AutoSeqClassifier(architectures=[TinyPool(units=4)], ensemble=False, verbose=verbose,
                      **FAST).fit(X, y)
    err = capsys.readouterr().err
    lines = [ln for ln in err.splitlines() if ln.startswith("[autoseq]")]
    if verbose:
        assert lines[-1].startswith("[autoseq] 2/2 candidates | best ")
    else:
        assert err == ""


def test_fitted_search_predicts_and_scores(fitted):
    X, y = _data()
    assert fitted.predict(X).shape == (len(X),)
    proba = fitted.predict_proba(X)
    assert proba.shape == (len(X), 2) and np.allclose(proba.sum(axis=1), 1)
    assert fitted.score(X, y) == accuracy_score(y, fitted.predict(X))  # the search's scoring
    assert fitted.n_splits_ == 2 and fitted.n_features_in_ == 2
    assert fitted.classes_.tolist() == [0, 1]


@pytest.mark.slow
def test_leaderboard_holds_three_architectures_and_the_baselines():
    X, y = _data(40)
    arches = [TinyPool(units=4), TinyMax(units=4), get_architecture("rocket", n_kernels=16)]
    clf = AutoSeqClassifier(architectures=arches, **FAST).fit(X, y)
    board = clf.leaderboard_
    assert {"tiny_pool", "tiny_max", "rocket", "majority"} <= set(board["architecture"])
    kinds = dict(zip(board["architecture"], board["kind"], strict=True))
    assert kinds["rocket"] == kinds["majority"] == "baseline"
    assert kinds["tiny_max"] == "deep"
    assert (board["kind"] == "ensemble").sum() == 1
    assert np.isfinite(board["mean_score"]).all()


def test_same_random_state_gives_same_leaderboard_and_predictions(fitted):
    X, y = _data()
    again = AutoSeqClassifier(architectures=[CountingPool(units=4)], **FAST).fit(X, y)
    assert again.leaderboard_["mean_score"].tolist() == fitted.leaderboard_["mean_score"].tolist()
    assert again.leaderboard_["architecture"].tolist() == \
        fitted.leaderboard_["architecture"].tolist()
    np.testing.assert_array_equal(again.predict_proba(X), fitted.predict_proba(X))


def test_failing_plugin_is_recorded_and_the_search_goes_on():
    X, y = _data()
    clf = AutoSeqClassifier(architectures=[Broken(), TinyPool(units=4)], **FAST).fit(X, y)
    board = clf.leaderboard_.set_index("architecture")
    assert "no body today" in board.loc["broken", "error"]
    assert np.isnan(board.loc["broken", "mean_score"])
    assert board.loc["broken", "rank"] == len(board)  # failures rank last
    assert np.isfinite(board.loc["tiny_pool", "mean_score"])
    errors = dict(zip([p.get("model__architecture", p.get("model")) for p in
                       clf.cv_results_["params"]], clf.cv_results_["error"], strict=True))
    assert "no body today" in errors[Broken()]
    assert errors[TinyPool(units=4)] == ""


def test_all_candidates_failing_raises_with_their_errors():
    X, y = _data()
    clf = AutoSeqClassifier(architectures=[Broken()], baselines=False, **FAST)
    with pytest.raises(SearchFailedError, match="(?s)Every candidate.*- broken: RuntimeError: broken plugin: no body today"):
        clf.fit(X, y)
    assert not hasattr(clf, "best_estimator_") and not hasattr(clf, "leaderboard_")


def test_a_spent_time_budget_still_runs_the_baselines_and_lists_what_it_skipped():
    X, y = _data()
    clf = AutoSeqClassifier(architectures=["tiny_pool"], param_grid={"tiny_pool": {
        "units": [4, 5, 6]}}, time_budget=1e-3, **FAST)
    register_architecture(TinyPool, replace=True)
    try:
        with pytest.warns(UserWarning, match="time_budget=0.001s was spent after 1 of 4"):
            clf.fit(X, y)
    finally:
        unregister_architecture("tiny_pool")
    assert clf.stopped_early_ == "time_budget"
    board = clf.leaderboard_
    # the baseline ran first and won; the trained candidates are listed, not run
    assert board["architecture"].tolist() == ["majority"] + ["tiny_pool"] * 3
    assert np.isfinite(board["mean_score"].iloc[0]) and board["mean_score"][1:].isna().all()
    assert (board["error"][1:] == "not run: the time budget was spent").all()
    assert clf.ensemble_ is None  # one finished candidate makes no ensemble


class Interrupting(TinyPool):
    """Raises KeyboardInterrupt on the third build (the second candidate's first fold)."""

    name = "interrupting"
    calls = 0

    def build(self, x, *, units=4):
        type(self).calls += 1
        if type(self).calls == 3:
            raise KeyboardInterrupt
        return super().build(x, units=units)


def test_keyboard_interrupt_keeps_the_best_finished_candidate():
    X, y = _data()
    Interrupting.calls = 0
    register_architecture(Interrupting)
    try:
        clf = AutoSeqClassifier(architectures=["interrupting"], param_grid={"interrupting": {
            "units": [4, 6]}}, baselines=False, **FAST)
        with pytest.warns(UserWarning, match="Search interrupted: keeping the best of the 1"):
            clf.fit(X, y)
    finally:
        unregister_architecture("interrupting")
    assert clf.stopped_early_ == "interrupted"
    assert clf.best_params_["model__architecture__units"] == 4
    # the interrupted candidate is listed as not run
    assert clf.leaderboard_["error"].tolist() == ["", "not run: the search was interrupted"]
    assert Interrupting.calls == 4  # two folds, the interrupted build, the refit
    assert clf.predict(X).shape == (len(X),)


def test_failed_fit_leaves_no_fitted_attributes(fitted):
    clf = pickle.loads(pickle.dumps(fitted))
    assert hasattr(clf, "best_estimator_")
    X, _ = _data()
    with pytest.raises(ValueError, match="X has 24 sequences but y has 3"):
        clf.fit(X, [0, 1, 0])
    assert [a for a in vars(clf) if a.endswith("_") and not a.startswith("_")] == []
    with pytest.raises(NotFittedError):
        clf.predict(X)


def test_clone_and_params_follow_the_sklearn_contract(fitted):
    params = fitted.get_params()
    assert params["architectures"][0] == CountingPool(units=4)
    assert {"baselines", "ensemble", "label_mode", "time_budget"} <= set(params)
    copy = clone(fitted)
    assert not hasattr(copy, "best_estimator_")
    assert copy.get_params()["cv"] == 2
    copy.set_params(baselines=False, ensemble=False)
    assert (copy.baselines, copy.ensemble, fitted.baselines) == (False, False, True)


@pytest.mark.parametrize("param, value, error", [
    ("search", "random", "search must be 'auto', 'grid' or 'halving'; got 'random'"),
    ("time_budget", -1, "time_budget must be 'auto', None .no bound. or a positive number"),
    ("time_budget", "fast", "time_budget must be 'auto', None .no bound. or a positive number"),
    ("baselines", "yes", "baselines must be True or False; got 'yes'"),
    ("ensemble", None, "ensemble must be True or False; got None"),
    ("scoring", ["accuracy", "f1"], "scoring must be one metric"),
])
def test_bad_parameters_are_refused_before_training(param, value, error):
    X, y = _data()
    clf = AutoSeqClassifier(architectures=[Broken()]).set_params(**{param: value})
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing may be tried before the refusal
        with pytest.raises((ValueError, TypeError), match=error):
            clf.fit(X, y)


def _picky_scorer(estimator, X, y):
    """Scores the majority baseline; fails on every other model."""
    if isinstance(estimator[-1], MajorityClassifier):
        return 0.5
    raise RuntimeError("cannot score this one")


def test_a_candidate_that_cannot_be_scored_is_recorded_with_the_error():
    X, y = _data(60)
    clf = CheapClassifier(scoring=_picky_scorer, random_state=0).fit(X, y)
    board = clf.leaderboard_.set_index("architecture")
    assert board.loc["majority", "rank"] == 1
    errors = board.loc["ChannelClassifier", "error"].tolist()
    assert errors == ["scoring failed: RuntimeError: cannot score this one"] * 2
    assert clf.ensemble_ is None  # one scored candidate makes no ensemble


def test_no_candidate_scored_raises_with_the_errors():
    X, y = _data(60)

    def never(estimator, X, y):
        raise RuntimeError("no scores today")

    with pytest.raises(SearchFailedError, match="(?s)No candidate of the search got a score.*"
                                                "majority: scoring failed: RuntimeError: no "
                                                "scores today"):
        CheapClassifier(scoring=never).fit(X, y)


def test_keras_state_is_cleared_between_candidates(monkeypatch):
    # TensorFlow keeps growing by itself (see BENCHMARKS.md); autoseq frees what it can
    from autoseq._backend import keras

    calls = []
    clear = keras().backend.clear_session
    monkeypatch.setattr(keras().backend, "clear_session", lambda: (calls.append(1), clear()))
    X, y = _data()
    AutoSeqClassifier(architectures=[TinyPool(units=4), TinyMax(units=4)], baselines=False,
                      ensemble=False, **FAST).fit(X, y)
    assert len(calls) >= 2

"""Baselines: the trivial reference models, and baselines as candidates that can win."""

import numpy as np
import pytest
from sklearn.dummy import DummyRegressor
from sklearn.utils.estimator_checks import parametrize_with_checks
from test_search import FAST, TinyPool

from autoseq import AutoSeqClassifier, AutoSeqRegressor
from autoseq.baselines.numeric import MajorityClassifier, candidate_name, numeric_baselines
from autoseq.io.datasets import load_dataset


@parametrize_with_checks([MajorityClassifier()], expected_failed_checks=lambda est: {
    "check_classifiers_train": "a majority baseline predicts one class by design",
})
def test_majority_is_a_scikit_learn_classifier(estimator, check):
    check(estimator)


def test_majority_predicts_the_most_frequent_class_of_any_input_form():
    y = np.array(["a", "b", "b", "b"])
    forms = [np.zeros((4, 7, 2)), [np.zeros(3), np.zeros(5), np.zeros(2), np.zeros(4)],
             ["some text", "more", "words", "here"]]
    for X in forms:
        clf = MajorityClassifier().fit(X, y)
        assert clf.predict(X[:3]).tolist() == ["b", "b", "b"]
        np.testing.assert_allclose(clf.predict_proba(X[:2]), [[0.25, 0.75]] * 2)
        assert clf.label_mode_ == "single"


def test_majority_multilabel_gives_label_frequencies():
    y = np.array([[1, 0, 1], [1, 0, 0], [0, 1, 1], [1, 0, 1]])
    clf = MajorityClassifier(label_mode="multilabel").fit(np.zeros((4, 5, 1)), y)
    np.testing.assert_allclose(clf.predict_proba(np.zeros((2, 5, 1))), [[0.75, 0.25, 0.75]] * 2)
    assert clf.predict(np.zeros((2, 5, 1))).tolist() == [[1, 0, 1]] * 2
    assert clf.classes_.tolist() == [0, 1, 2]


def test_majority_per_step_labels_every_step():
    y = np.array([[0, 0, 1], [0, 2, 2], [0, 0, 0]])
    clf = MajorityClassifier(label_mode="per_step").fit(np.zeros((3, 3, 1)), y)
    assert clf.predict(np.zeros((2, 3, 1))).tolist() == [[0, 0, 0]] * 2
    proba = clf.predict_proba(np.zeros((2, 3, 1)))
    assert proba.shape == (2, 3, 3)
    np.testing.assert_allclose(proba[1, 2], [6 / 9, 1 / 9, 2 / 9])


def test_majority_auto_mode_follows_the_classifier_rule():
    X = np.zeros((4, 3, 1))
    assert MajorityClassifier().fit(X, np.array([[0, 1, 2]] * 4)).label_mode_ == "per_step"
    assert MajorityClassifier().fit(X, np.array([[0, 1]] * 4)).label_mode_ == "multilabel"


def test_majority_refuses_a_label_mode_that_does_not_fit_y():
    with pytest.raises(ValueError, match="label_mode='multilabel' needs a 2-D y; got shape"):
        MajorityClassifier(label_mode="multilabel").fit(np.zeros((3, 2)), [0, 1, 1])
    with pytest.raises(ValueError, match="label_mode must be 'auto', 'single'"):
        MajorityClassifier(label_mode="many").fit(np.zeros((3, 2)), [0, 1, 1])


def test_names_and_baselines_per_task():
    assert candidate_name(MajorityClassifier()) == "majority"
    assert candidate_name(DummyRegressor()) == "mean"
    assert candidate_name(DummyRegressor(strategy="median")) == "median"
    assert candidate_name(TinyPool()) == "TinyPool"
    assert [candidate_name(m) for m in numeric_baselines("classification")] == ["majority"]
    assert [candidate_name(m) for m in numeric_baselines("regression")] == ["mean"]
    assert numeric_baselines("labelling", "per_step")[0].label_mode == "per_step"


def _grid(est, X, y):
    task = est._make_task()
    X, y = task.check_input(X, y)
    return task.param_grid(X, y)


def _names(grid):
    names = []
    for entry in grid:
        if "model__architecture" in entry:
            names += [a.name for a in entry["model__architecture"]]
        else:
            names += [candidate_name(m) for m in entry["model"]]
    return names


def test_baselines_join_the_grid_skipping_the_preprocessing():
    X, y = np.zeros((12, 6, 1)), np.arange(12) % 2
    grid = _grid(AutoSeqClassifier(architectures=["gru"]), X, y)
    # baselines are listed (and run) first: they cost nothing and win a tie
    assert _names(grid) == ["majority", "gru"]
    assert grid[0]["scaler"] == grid[0]["padder"] == ["passthrough"]
    assert _names(_grid(AutoSeqRegressor(architectures=["gru"]), X, y * 1.5)) == ["mean", "gru"]


def test_baselines_false_leaves_out_the_references_and_rocket_unless_named():
    X, y = np.zeros((12, 6, 1)), np.arange(12) % 2
    default = _names(_grid(AutoSeqClassifier(), X, y))
    assert "rocket" in default and "majority" in default and "gru" in default
    without = _names(_grid(AutoSeqClassifier(baselines=False), X, y))
    assert "rocket" not in without and "majority" not in without
    assert set(without) == set(default) - {"rocket", "majority", "rocket_hydra_ridge"}
    named = _names(_grid(AutoSeqClassifier(architectures=["rocket"], baselines=False), X, y))
    assert named == ["rocket"]


def test_text_search_adds_tfidf_on_the_raw_strings():
    docs = ["good film", "bad film", "good fun", "bad plot"] * 3
    grid = _grid(AutoSeqClassifier(architectures=["gru"]), docs, np.arange(12) % 2)
    assert _names(grid) == ["majority", "tfidf_logistic", "gru"]
    assert grid[0]["tokenizer"] == ["passthrough"]


def test_a_baseline_that_wins_is_the_best_estimator_and_verbose_says_so(capsys):
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(24, 10, 2)), rng.normal(size=24)  # nothing to learn
    reg = AutoSeqRegressor(architectures=[TinyPool(units=4)], verbose=1, **FAST).fit(X, y)
    assert reg.leaderboard_["architecture"].iloc[0] == "mean"
    assert reg.leaderboard_["kind"].iloc[0] == "baseline"
    model = reg.best_estimator_.named_steps["model"]
    assert isinstance(model, DummyRegressor)
    np.testing.assert_allclose(reg.predict(X[:3]), [y.mean()] * 3)
    # score is R^2, as in every scikit-learn regressor: the training mean scores 0 on its
    # own data, and a shifted copy of y less; the search's scoring (negated RMSE) is scorer_
    assert reg.score(X, y) == pytest.approx(0.0, abs=1e-9)
    assert reg.score(X, y + 1) == pytest.approx(-1 / np.var(y))
    assert reg.scorer_(reg, X, y) == pytest.approx(-np.std(y))
    err = capsys.readouterr().err
    assert "no deep model beat the baseline mean: the best deep model, tiny_pool" in err


@pytest.mark.slow
def test_italy_power_demand_leaderboard_shows_baselines_next_to_deep_models():
    from conftest import archive

    archive("ItalyPowerDemand")
    X, y = load_dataset("ItalyPowerDemand", "train")
    clf = AutoSeqClassifier(architectures=["gru", "rocket"], param_grid={
        "gru": {"units": [16]}, "rocket": {"n_kernels": [500]}}, max_epochs=30,
        random_state=0).fit(X, y)
    board = clf.leaderboard_.set_index("architecture")
    assert board.loc["rocket", "kind"] == board.loc["majority", "kind"] == "baseline"
    assert board.loc["gru", "kind"] == "deep"
    assert np.isfinite(board["mean_score"]).all()
    Xt, yt = load_dataset("ItalyPowerDemand", "test")
    assert clf.score(Xt, yt) > 0.8


def test_majority_reads_an_explicit_label_mode_by_the_classifiers_rule():
    with pytest.raises(ValueError, match="needs one label per time step"):
        MajorityClassifier(label_mode="per_step").fit(np.zeros((3, 4, 1)), np.zeros((3, 2)))
    with pytest.raises(ValueError, match="nor a 0/1 multi-label indicator matrix"):
        MajorityClassifier(label_mode="multilabel").fit(np.zeros((3, 4, 1)), np.full((3, 2), 5))

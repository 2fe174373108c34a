"""One label per time step: the tutorials' cumulative-sum task through AutoSeqClassifier,
per-step shapes, scoring, architecture filtering and persistence."""

import numpy as np
import pytest

import autoseq
from autoseq import AutoSeqClassifier, SeqClassifier, get_architecture

STEPS = 10


def cumulative_sum_task(n, seed, steps=STEPS):
    """Inputs uniform in [0, 1]; a step is labelled 1 once the running sum passes steps / 4."""
    X = np.random.default_rng(seed).uniform(size=(n, steps))
    return X, (np.cumsum(X, axis=1) > steps / 4).astype(int)


def per_step_accuracy(clf, X, y):
    return float(np.mean(clf.predict(X) == y))


@pytest.fixture(scope="module")
def labeller():
    X, y = cumulative_sum_task(300, seed=0)
    clf = AutoSeqClassifier(architectures=["lstm"], param_grid={"lstm": {"units": [16]}},
                            max_epochs=20, cv=2, ensemble=False, random_state=0)
    return clf.fit(X, y)


def test_per_step_labels_are_learned_and_shaped_per_step(labeller):
    X, y = cumulative_sum_task(400, seed=1)
    assert labeller.label_mode_ == "per_step"
    pred = labeller.predict(X)
    assert pred.shape == (400, STEPS)
    proba = labeller.predict_proba(X)
    assert proba.shape == (400, STEPS, 2)
    np.testing.assert_allclose(proba.sum(axis=-1), 1, rtol=1e-5)
    np.testing.assert_array_equal(labeller.classes_[proba.argmax(axis=-1)], pred)
    # the done-when: >= 0.95 per-step accuracy on fresh sequences
    accuracy = per_step_accuracy(labeller, X, y)
    assert accuracy >= 0.95
    # scored per step (the search's scorer and the pipeline), not per whole sequence
    assert labeller.scorer_(labeller.best_estimator_, X, y) == pytest.approx(accuracy)
    assert labeller.best_estimator_.score(X, y) == pytest.approx(accuracy)


def test_per_step_leaderboard_has_the_deep_model_and_a_baseline(labeller):
    board = labeller.leaderboard_
    assert set(board["kind"]) == {"deep", "baseline"}
    deep = board[board["kind"] == "deep"]["mean_score"].item()
    baseline = board[board["kind"] == "baseline"]["mean_score"].max()
    assert deep > baseline
    assert labeller.best_params_["model__architecture"].name == "lstm"


def test_per_step_predictions_survive_save_and_load(labeller, tmp_path):
    X, _ = cumulative_sum_task(20, seed=2)
    loaded = autoseq.load(autoseq.save(labeller, tmp_path / "labeller.autoseq"))
    np.testing.assert_array_equal(loaded.predict_proba(X), labeller.predict_proba(X))


def test_architectures_without_per_step_output_are_refused_before_training():
    X, y = cumulative_sum_task(30, seed=0)
    for name in ("cnn_lstm", "rocket"):
        with pytest.raises(ValueError, match=f"'{name}' does not support the task 'labelling'"):
            AutoSeqClassifier(architectures=[name], max_epochs=1).fit(X, y)


def test_several_classes_per_step_with_string_labels():
    X, _ = cumulative_sum_task(120, seed=3)
    names = np.array(["low", "mid", "high"])
    y = names[np.minimum(2, (np.cumsum(X, axis=1) // 2).astype(int))]
    clf = SeqClassifier(get_architecture("gru", units=8), epochs=20, learning_rate=0.01,
                        random_state=0).fit(X, y)
    assert clf.label_mode_ == "per_step"
    assert sorted(clf.classes_) == ["high", "low", "mid"]
    assert clf.predict(X[:7]).shape == (7, STEPS)
    assert clf.predict_proba(X[:7]).shape == (7, STEPS, 3)
    assert clf.score(X, y) >= 0.8


@pytest.mark.slow
def test_default_search_uses_only_sequence_output_architectures():
    """The whole default search on the cumulative-sum task: every labelling-capable body."""
    X, y = cumulative_sum_task(600, seed=0)
    clf = AutoSeqClassifier(max_epochs=30, cv=2, ensemble=False, random_state=0).fit(X, y)
    board = clf.leaderboard_
    deep = set(board.loc[board["kind"] == "deep", "architecture"])
    assert deep == set(autoseq.list_architectures("labelling", sequence_output=True)) - {
        n for n in autoseq.list_architectures() if get_architecture(n).kind == "baseline"}
    assert not (board["error"].astype(bool)).any(), board[["architecture", "error"]]
    X_new, y_new = cumulative_sum_task(1000, seed=1)
    assert per_step_accuracy(clf, X_new, y_new) >= 0.95

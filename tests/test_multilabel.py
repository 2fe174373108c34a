"""Multi-label and per-step targets through AutoSeqClassifier: the rule, its override,
the clear error, and both kinds end to end."""

import numpy as np
import pytest
from sklearn.metrics import f1_score
from test_search import FAST, TinyPool, TinySteps

import autoseq
from autoseq import AutoSeqClassifier, list_architectures
from autoseq.automl.classifier import _per_step_accuracy


def motif_set(n, n_steps=48, seed=0):
    """Noisy sequences, each carrying any subset of three planted 8-step motifs.

    The motifs are a raised plateau, a dip and an oscillation, each present
    with probability 1/2, in distinct random slots; ``y`` is the (n, 3)
    indicator matrix of which motifs a sequence carries.
    """
    rng = np.random.default_rng(seed)
    t = np.arange(8)
    shapes = [np.full(8, 2.0), np.full(8, -2.0), 2.0 * np.sin(np.pi * t / 2)]
    X = 0.3 * rng.normal(size=(n, n_steps, 1))
    y = (rng.random((n, 3)) < 0.5).astype(int)
    for i in range(n):
        slots = rng.permutation(n_steps // 8)[:3] * 8
        for k in range(3):
            if y[i, k]:
                X[i, slots[k]:slots[k] + 8, 0] += shapes[k]
    return X, y


def _resolve(clf, X, y):
    """Run the estimator's input reading (what fit does first) and return its choices."""
    task = clf._make_task()
    X, y = task.check_input(X, y)
    return task.label_mode, task.search_task(y), task.architecture_names(X, y)


def test_one_column_per_step_reads_as_per_step_labels():
    X, y = np.zeros((10, 6, 1)), np.tile([0, 1, 2, 2, 1, 0], (10, 1))
    clf = AutoSeqClassifier()
    mode, task, names = _resolve(clf, X, y)
    assert (mode, task) == ("per_step", "labelling")
    assert names == list_architectures("labelling", input_kind="numeric", sequence_output=True)
    assert "rocket" not in names and "gru" in names
    task = clf._make_task()
    task.check_input(X, y)
    assert task.default_scoring()._score_func is _per_step_accuracy


def test_other_01_matrices_read_as_multilabel():
    X, y = np.zeros((10, 6, 1)), np.tile([1, 0, 1], (10, 1))
    y[0] = 1 - y[0]  # every label present in some sequences, absent in others
    clf = AutoSeqClassifier()
    mode, task, names = _resolve(clf, X, y)
    assert (mode, task) == ("multilabel", "classification")
    assert "rocket" in names
    task = clf._make_task()
    task.check_input(X, y)
    scorer = task.default_scoring()
    assert scorer._score_func is f1_score
    assert scorer._kwargs == {"average": "samples", "zero_division": 1.0}


def test_label_mode_overrides_the_rule_both_ways():
    X = np.zeros((10, 6, 1))
    square = np.tile([1, 0, 1, 1, 0, 0], (10, 1))  # 0/1 and one column per step: ambiguous
    square[0] = 1 - square[0]
    assert _resolve(AutoSeqClassifier(), X, square)[0] == "per_step"
    assert _resolve(AutoSeqClassifier(label_mode="multilabel"), X, square)[0] == "multilabel"
    narrow = np.tile([1, 0, 1], (10, 1))  # multi-label by the rule; per-step cannot hold
    narrow[0] = 1 - narrow[0]
    assert _resolve(AutoSeqClassifier(label_mode="auto"), X, narrow)[0] == "multilabel"
    with pytest.raises(ValueError, match="label_mode='per_step' needs one label per time step: "
                                         "y has 3 columns but the sequences have 6 steps"):
        _resolve(AutoSeqClassifier(label_mode="per_step"), X, narrow)


def test_y_that_fits_neither_reading_gets_a_clear_error_before_training():
    X, y = np.zeros((10, 6, 1)), np.tile([0, 3, 5], (10, 1))
    clf = AutoSeqClassifier(architectures=["gru"])
    with pytest.raises(ValueError, match="neither one label per time step .* nor a 0/1 "
                                         "multi-label indicator matrix.*set label_mode="):
        clf.fit(X, y)
    assert not hasattr(clf, "label_mode_") and not hasattr(clf, "best_estimator_")


def test_per_step_labels_refuse_an_architecture_without_per_step_output():
    X, y = np.zeros((10, 6, 1)), np.tile([0, 1, 2, 2, 1, 0], (10, 1))
    with pytest.raises(ValueError, match="'rocket' does not support the task 'labelling'"):
        _resolve(AutoSeqClassifier(architectures=["rocket"]), X, y)


def test_multilabel_end_to_end_with_save_and_load(tmp_path, capsys):
    X, y = motif_set(48, n_steps=24)
    clf = AutoSeqClassifier(architectures=[TinyPool(units=8)], verbose=1, **FAST).fit(X, y)
    assert clf.label_mode_ == "multilabel"
    assert "label_mode: multilabel (y read as a 0/1 indicator matrix of 3 labels; " \
        "label_mode='auto'" in capsys.readouterr().err
    pred, proba = clf.predict(X), clf.predict_proba(X)
    assert pred.shape == proba.shape == (48, 3)
    assert set(np.unique(pred)) <= {0, 1} and ((proba >= 0) & (proba <= 1)).all()
    assert clf.classes_.tolist() == [0, 1, 2]
    assert {"tiny_pool", "majority"} <= set(clf.leaderboard_["architecture"])
    assert clf.score(X, y) == pytest.approx(f1_score(y, pred, average="samples", zero_division=1))
    loaded = autoseq.load(autoseq.save(clf, tmp_path / "multilabel.autoseq"))
    np.testing.assert_array_equal(loaded.predict_proba(X), proba)


def test_per_step_labels_end_to_end():
    rng = np.random.default_rng(0)
    X = rng.random((40, 10, 1))
    y = (np.cumsum(X[:, :, 0], axis=1) > 2.5).astype(int)  # the limit has been passed
    clf = AutoSeqClassifier(architectures=[TinySteps(units=4)], **FAST).fit(X, y)
    assert clf.label_mode_ == "per_step"
    assert clf.predict(X).shape == (40, 10)
    assert clf.predict_proba(X).shape == (40, 10, 2)
    assert set(clf.leaderboard_["architecture"]) >= {"tiny_steps", "majority"}
    assert clf.score(X, y) == pytest.approx(np.mean(clf.predict(X) == y))


@pytest.mark.defaults
def test_default_classifier_finds_planted_motifs(tmp_path):
    X, y = motif_set(200)
    clf = AutoSeqClassifier(random_state=0).fit(X, y)
    X_new, y_new = motif_set(300, seed=1)
    pred = clf.predict(X_new)
    # a sequence without motifs that is predicted without labels counts as right
    assert f1_score(y_new, pred, average="samples", zero_division=1) >= 0.9
    loaded = autoseq.load(autoseq.save(clf, tmp_path / "motifs.autoseq"))
    np.testing.assert_array_equal(loaded.predict(X_new), pred)

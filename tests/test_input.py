"""Bad input gets a clear error naming what was received and what is accepted,
raised before any training starts."""

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from autoseq import AutoSeqClassifier, SeqClassifier, SequenceScaler
from autoseq.validation import check_sequences


def test_accepted_forms_become_3d_or_list(rng):
    assert check_sequences(rng.normal(size=(5, 7))).shape == (5, 7, 1)
    assert check_sequences(rng.normal(size=(5, 7, 3))).shape == (5, 7, 3)
    assert check_sequences(pd.DataFrame(rng.normal(size=(4, 6)))).shape == (4, 6, 1)
    ragged = check_sequences([rng.normal(size=3), rng.normal(size=5)])
    assert isinstance(ragged, list) and [s.shape for s in ragged] == [(3, 1), (5, 1)]
    same = check_sequences([rng.normal(size=(4, 2)), rng.normal(size=(4, 2))])
    assert same.shape == (2, 4, 2)


@pytest.mark.parametrize(
    "X, error, match",
    [
        (np.zeros(5), ValueError, r"got a 1-D array of shape \(5,\).*X\[np.newaxis\]"),
        (np.zeros((2, 3, 4, 5)), ValueError, r"got a 4-D array"),
        (np.zeros((0, 4)), ValueError, "empty"),
        (np.zeros((3, 0)), ValueError, "zero-length"),
        ([np.zeros(3), np.zeros(0)], ValueError, r"X\[1\] is a zero-length sequence"),
        ([np.zeros((3, 2)), np.zeros((3, 3))], ValueError, "different channel counts"),
        ([[1.0, "a"]], TypeError, "must hold numbers"),
        (np.array([[1.0, np.inf]]), ValueError, "infinite"),
        (np.array([[1.0, np.nan]]), ValueError, "NaN"),
        (sp.csr_matrix(np.eye(3)), TypeError, "sparse"),
        (["some text", "more"], TypeError, "text"),
        (42, TypeError, "got an object of type int"),
        ([], ValueError, "empty"),
    ],
)
def test_bad_sequences_are_refused_clearly(X, error, match):
    with pytest.raises(error, match=match):
        check_sequences(X)


def test_nan_padding_is_accepted_only_at_the_edges():
    X = np.ones((2, 4, 1))
    X[0, 3:] = np.nan
    X[1, :1] = np.nan
    assert check_sequences(X, allow_nan="padding").shape == (2, 4, 1)
    X[0, 1] = np.nan  # a hole inside a sequence is missing data, not padding
    with pytest.raises(ValueError, match="NaN"):
        check_sequences(X, allow_nan="padding")


@pytest.mark.parametrize(
    "y, match",
    [
        (np.zeros(39), "X has 40 sequences but y has 39"),
        (np.zeros(40), "needs samples of at least 2 classes in the data, but the data "
                       "contains only one class: 0.0"),
        (None, "requires y to be passed"),
    ],
)
def test_bad_targets_fail_before_training(binary_sequences, y, match):
    X, _ = binary_sequences
    with pytest.raises(ValueError, match=match):
        SeqClassifier(epochs=1).fit(X, y)


@pytest.mark.parametrize("y, label_mode, match", [
    (np.full(12, "up"), "auto", "AutoSeqClassifier needs samples of at least 2 classes in the "
                                "data, but the data contains only one class: 'up'"),
    (np.ones((12, 5), int), "per_step", "only one class \\(over all time steps\\): 1"),
    (np.tile([1, 0, 1], (12, 1)), "multilabel", "all 3 label columns of y are constant"),
], ids=["single", "per_step", "multilabel"])
def test_search_refuses_a_target_of_one_class_before_training(y, label_mode, match,
                                                               monkeypatch):
    import autoseq.model_selection.search

    def no_search(*args, **kwargs):
        raise AssertionError("the search started")

    monkeypatch.setattr(autoseq.model_selection.search.CandidateSearch, "fit", no_search)
    with pytest.raises(ValueError, match=match):
        AutoSeqClassifier(architectures=["gru"], max_epochs=1, label_mode=label_mode).fit(
            np.zeros((12, 5, 1)), y)


def test_more_channels_at_predict_than_at_fit(binary_sequences):
    X, y = binary_sequences
    clf = SeqClassifier("gru", epochs=1, random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="X has 3 features, but SeqClassifier is expecting 2"):
        clf.predict(np.zeros((2, 12, 3)))
    scaler = SequenceScaler().fit(X)
    with pytest.raises(ValueError, match="X has 3 channels per step, but SequenceScaler was "
                                         "fitted on 2"):
        scaler.transform(np.zeros((2, 12, 3)))


def test_single_sample_is_refused_by_the_search(rng):
    # one sequence is one class: refused as scikit-learn's classifiers refuse it
    with pytest.raises(ValueError, match="at least 2 classes in the data, but the data "
                                         "contains only one class: 0"):
        AutoSeqClassifier(architectures=["gru"], max_epochs=1).fit(rng.normal(size=(1, 5)), [0])
    with pytest.raises(ValueError, match="at least 3 sequences"):
        AutoSeqClassifier(architectures=["gru"], max_epochs=1).fit(rng.normal(size=(2, 5)),
                                                                   [0, 1])


def test_search_refuses_nan_before_training(binary_sequences):
    X, y = binary_sequences
    X = X.copy()
    X[3, 4, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        AutoSeqClassifier(architectures=["gru"], max_epochs=1).fit(X, y)


def test_checked_arrays_keep_float32_only_when_asked(rng):
    from autoseq.validation import surely_finite

    X32 = rng.normal(size=(3, 4, 2)).astype(np.float32)
    assert check_sequences(X32).dtype == np.float64
    assert check_sequences(X32, dtype=(np.float64, np.float32)) is X32  # no copy
    X64 = X32.astype(np.float64)
    assert check_sequences(X64) is X64
    assert check_sequences(X64.astype(int), dtype=(np.float64, np.float32)).dtype == np.float64
    assert surely_finite(X64) and not surely_finite(np.array([1.0, np.nan]))
    assert not surely_finite(np.array([np.inf, -np.inf]))
    huge = np.full(4, 1e308)  # finite, but its sum overflows: the close look decides
    assert not surely_finite(huge)
    assert check_sequences(huge.reshape(1, 4, 1)).shape == (1, 4, 1)


def test_a_keras_estimator_checks_its_input_once_per_fit(binary_sequences, monkeypatch):
    from autoseq import validation

    X, y = binary_sequences
    calls = []
    check = validation.check_sequences
    monkeypatch.setattr(validation, "check_sequences",
                        lambda *a, **k: calls.append(1) or check(*a, **k))
    clf = SeqClassifier("gru", epochs=1, random_state=0).fit(X.astype(np.float32), y)
    assert len(calls) == 1
    assert clf.predict(X[:3]).shape == (3,) and len(calls) == 2

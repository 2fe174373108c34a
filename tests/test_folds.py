"""Which folds a search validates on, and which candidate its scores elect.

Walk-forward folds for sequences in time order (declared, or indexed by time),
stratified or shuffled folds for independent ones (repeated on tiny data); the
winner among candidates whose scores differ by less than their standard error
is the cheapest (the one-standard-error rule).
"""

import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import (
    KFold,
    RepeatedKFold,
    RepeatedStratifiedKFold,
    StratifiedKFold,
)

from autoseq import (
    AutoSeqAnomalyDetector,
    AutoSeqClassifier,
    AutoSeqGenerator,
    AutoSeqRegressor,
    WalkForwardSplit,
)
from autoseq.baselines.numeric import ignores_sequences
from autoseq.model_selection.results import best_row, one_standard_error_row
from autoseq.model_selection.splitters import describe_cv, has_time_order, resolve_cv


def _labels(n, n_classes=2):
    return np.arange(n) % n_classes


# -- the splitter ---------------------------------------------------------------------------

@pytest.mark.parametrize("n, expected, k", [
    (30, RepeatedStratifiedKFold, 5), (60, StratifiedKFold, 5), (150, StratifiedKFold, 3)])
def test_independent_labelled_sequences_get_stratified_folds_repeated_when_tiny(n, expected, k):
    cv = resolve_cv(None, _labels(n), classifier=True, n_samples=n, independent=True)
    assert type(cv) is expected
    folds = list(cv.split(np.zeros(n), _labels(n)))
    assert len(folds) == (2 * k if expected is RepeatedStratifiedKFold else k)
    for train, test in folds:  # every class in every fold, no sequence on both sides
        assert set(_labels(n)[test]) == {0, 1}
        assert not set(train) & set(test)
    # most sequences train: far more than the first walk-forward fold's third
    assert min(len(train) for train, _ in folds) >= n * (k - 1) // k


def test_independent_numeric_targets_get_shuffled_folds():
    assert type(resolve_cv(None, np.arange(40.0), n_samples=40, independent=True)) \
        is RepeatedKFold
    assert type(resolve_cv(None, np.arange(400.0), n_samples=400, independent=True)) is KFold


def test_folds_never_outnumber_the_smallest_class():
    y = np.array([0] * 20 + [1] * 3)
    cv = resolve_cv(None, y, classifier=True, n_samples=len(y), independent=True)
    assert cv.cvargs["n_splits"] == 3


def test_one_sequence_per_class_gets_plain_shuffled_folds_and_the_search_runs():
    # UCR's Fungi: 18 training sequences, one of each of 18 classes
    y = np.arange(18)
    cv = resolve_cv(None, y, classifier=True, independent=True)
    assert isinstance(cv, RepeatedKFold) and cv.get_n_splits() == 10
    X = np.random.default_rng(0).normal(size=(18, 12))
    clf = AutoSeqClassifier(architectures=[], random_state=0).fit(X, y)
    assert clf.predict(X).shape == (18,)
    assert clf.cv_scheme_.startswith("shuffled 5-fold")


def test_shuffled_folds_follow_random_state_and_are_fixed_without_it():
    def folds(seed):
        cv = resolve_cv(None, _labels(80), classifier=True, n_samples=80, independent=True,
                        random_state=seed)
        return [test.tolist() for _, test in cv.split(np.zeros(80), _labels(80))]

    assert folds(None) == folds(None) == folds(0)
    assert folds(1) != folds(0)


def test_declared_time_order_keeps_walk_forward_folds():
    cv = resolve_cv("walk_forward", _labels(60), classifier=True, n_samples=60,
                    independent=True)
    assert isinstance(cv, WalkForwardSplit)
    assert describe_cv(cv) == "walk-forward, 2 folds"


def test_a_time_index_says_the_sequences_are_in_time_order():
    days = pd.date_range("2026-01-01", periods=6, freq="D")
    assert has_time_order(pd.DataFrame(np.zeros((6, 4)), index=days))
    assert not has_time_order(pd.DataFrame(np.zeros((6, 4))))
    assert not has_time_order(np.zeros((6, 4)))
    hours = [pd.Series(np.zeros(3), index=pd.date_range(d, periods=3, freq="h"))
             for d in days]
    assert has_time_order(hours)
    assert not has_time_order(hours[::-1])


def _sine_classes(n=40, steps=20, seed=0):
    rng = np.random.default_rng(seed)
    y = _labels(n)
    t = np.linspace(0, 4 * np.pi, steps)
    X = rng.normal(scale=0.1, size=(n, steps)) + y[:, None] * np.sin(t)
    return X, y


def test_the_classifier_names_its_folds_in_the_attribute_and_the_printed_leaderboard():
    X, y = _sine_classes()
    clf = AutoSeqClassifier(architectures=[], time_budget=None, random_state=0).fit(X, y)
    assert clf.cv_scheme_ == "stratified 5-fold, 2 repeats (independent sequences)"
    assert clf.n_splits_ == 10
    assert repr(clf.leaderboard_).splitlines()[-1] == f"cv: {clf.cv_scheme_}"
    days = pd.date_range("2026-01-01", periods=len(X), freq="D")
    timed = AutoSeqClassifier(architectures=[], time_budget=None, random_state=0).fit(
        pd.DataFrame(X, index=days), y)
    assert timed.cv_scheme_ == "walk-forward, 2 folds (sequences indexed by time)"


def test_the_regressor_shuffles_independent_sequences():
    X, y = _sine_classes(n=60)
    reg = AutoSeqRegressor(architectures=[], time_budget=None, random_state=0).fit(
        X, y + X.mean(axis=1))
    assert reg.cv_scheme_ == "shuffled 5-fold (independent sequences)"


def test_windows_of_one_series_keep_walk_forward_folds_and_refuse_shuffling():
    stream = np.sin(np.arange(300) / 5.0)
    det = AutoSeqAnomalyDetector(architectures=[], time_budget=None, random_state=0)
    assert det.fit(stream).cv_scheme_.startswith("walk-forward")
    with pytest.raises(ValueError, match="cv='shuffled' is for independent sequences"):
        AutoSeqAnomalyDetector(architectures=[], cv="shuffled").fit(stream)
    with pytest.raises(ValueError, match="cv='shuffled' is for independent sequences"):
        AutoSeqGenerator(architectures=[], cv="shuffled").fit("abcabcabc" * 20)


def test_an_unknown_cv_name_is_refused_naming_what_is_accepted():
    X, y = _sine_classes()
    with pytest.raises(ValueError, match="'walk_forward', 'shuffled'.*got 'kfold'"):
        AutoSeqClassifier(architectures=[], cv="kfold").fit(X, y)


# -- the selection rule ---------------------------------------------------------------------

def _results(folds, fit_times, models=None):
    folds = np.asarray(folds, dtype=float)
    results = {"mean_test_score": folds.mean(axis=1), "std_test_score": folds.std(axis=1),
               "mean_fit_time": np.asarray(fit_times, dtype=float),
               "params": [{"model__architecture": "x"} if m is None else {"model": m}
                          for m in (models or [None] * len(folds))]}
    for k in range(folds.shape[1]):
        results[f"split{k}_test_score"] = folds[:, k]
    return results


def test_a_lucky_costly_candidate_within_one_standard_error_loses_to_a_cheap_one():
    # planted: the network's best mean comes from one lucky fold
    results = _results([[0.8, 1.0, 0.9, 1.0, 0.9],     # costly network, mean 0.92
                        [0.9, 0.9, 0.9, 0.9, 0.9]],    # a second's closed-form model, 0.90
                       fit_times=[30.0, 1.0])
    assert best_row(results) == 0
    assert one_standard_error_row(results) == 1


def test_a_clear_lead_beyond_one_standard_error_still_wins():
    results = _results([[0.99, 0.98, 0.99, 1.0, 0.99],
                        [0.90, 0.91, 0.90, 0.89, 0.90]], fit_times=[30.0, 1.0])
    assert one_standard_error_row(results) == 0


def test_a_model_that_ignores_the_sequences_is_never_preferred_for_being_cheap():
    from autoseq.baselines.numeric import MajorityClassifier

    results = _results([[0.6, 0.5, 0.7, 0.5, 0.7], [0.6, 0.6, 0.6, 0.6, 0.6]],
                       fit_times=[3.0, 0.0], models=[None, MajorityClassifier()])
    assert one_standard_error_row(results) == 0


def test_the_classifier_elects_the_cheapest_candidate_within_one_standard_error():
    X, y = _sine_classes(n=50, seed=3)  # 50: five folds, not repeated
    y = np.random.default_rng(3).permutation(y)  # noise: every candidate is luck
    clf = AutoSeqClassifier(architectures=["gru"], param_grid={"gru": {"units": [2]}},
                            max_epochs=2, ensemble=False, time_budget=None,
                            random_state=0).fit(X, y)
    results = clf.cv_results_
    assert clf.best_index_ == one_standard_error_row(results)
    chosen = results["mean_fit_time"][clf.best_index_]
    scores, spread = results["mean_test_score"], results["std_test_score"]
    top = best_row(results)
    within = scores >= scores[top] - spread[top] / np.sqrt(clf.n_splits_)
    floors = [ignores_sequences(p.get("model")) for p in results["params"]]
    assert chosen == min(t for t, w, floor in zip(results["mean_fit_time"], within, floors,
                                                   strict=True) if w and not floor)
    assert clf.leaderboard_["rank"].iloc[0] == 1
    assert clf.leaderboard_.index[clf.leaderboard_["rank"] == 1].size == 1

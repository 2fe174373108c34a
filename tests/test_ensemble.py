"""Greedy ensemble selection, the ensemble estimators, and the ensemble inside the search.

The search tests swap the networks for two cheap models that each see half of
the signal (one channel each), so averaging them must help and the whole
search runs in a second; the machinery under test is the AutoSeq estimators'
own.
"""

import pickle
import time

import numpy as np
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, clone
from sklearn.dummy import DummyClassifier, DummyRegressor
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import get_scorer, make_scorer, mean_squared_error
from sklearn.pipeline import Pipeline
from sklearn.utils.estimator_checks import parametrize_with_checks

import autoseq
from autoseq import AutoSeqClassifier, AutoSeqRegressor
from autoseq.automl.classifier import ClassificationTask
from autoseq.automl.regressor import RegressionTask
from autoseq.baselines.numeric import MajorityClassifier
from autoseq.estimators.ensemble import (
    EnsembleClassifier,
    EnsembleRegressor,
    align_proba,
    greedy_weights,
    prediction_scorer,
    select_ensemble,
)
from autoseq.model_selection.search import CandidateSearch, OutOfFoldScorer
from autoseq.model_selection.splitters import WalkForwardSplit
from autoseq.validation import check_sequences


def neg_mse(prediction, y):
    return -float(np.mean((np.asarray(prediction) - y) ** 2))


# -- greedy selection ------------------------------------------------------------------
def test_greedy_selection_picks_with_replacement():
    y = np.ones(4)
    # the best mixture is 2/3 of a model predicting 1.5 and 1/3 of one predicting 0
    weights = greedy_weights([np.full(4, 1.5), np.zeros(4), np.full(4, 9.0)], y, neg_mse,
                             n_iterations=3)
    np.testing.assert_allclose(weights, [2 / 3, 1 / 3, 0])


def test_greedy_selection_keeps_the_best_round_and_breaks_ties_by_order():
    y = np.array([1.0, -1.0])
    exact = np.array([1.0, -1.0])
    # once the exact model is in, every later addition makes things worse
    weights = greedy_weights([np.zeros(2), exact, exact.copy()], y, neg_mse, n_iterations=10)
    np.testing.assert_array_equal(weights, [0, 1, 0])


def test_selection_scores_each_fold_with_weights_from_earlier_folds_only():
    y = [np.zeros(5)] * 3
    good, bad = np.zeros(5), np.ones(5)
    # a is right on fold 0 and wrong on folds 1-2; b the reverse
    oof = [[good, bad, bad], [bad, good, good]]
    fold_scores = np.array([[0.0, -1.0, -1.0], [-1.0, 0.0, 0.0]])
    sel = select_ensemble(oof, y, fold_scores, neg_mse)
    # fold 1 is predicted by what fold 0 preferred (a), though b would have been perfect there
    assert np.isnan(sel.fold_scores[0])
    assert sel.fold_scores[1] == -1.0
    np.testing.assert_array_equal(sel.fold_predictions[1], bad)
    # fold 2 may use folds 0-1, where a mixture of both is best
    assert sel.fold_scores[2] == pytest.approx(-0.25)
    # the final weights use every fold
    assert sel.members == [1, 0] or sel.members == [0, 1]


def test_selection_library_is_the_top_k_and_needs_two_complete_candidates():
    y = [np.zeros(2)] * 2
    oof = [[np.full(2, v)] * 2 for v in (0.5, -0.5, 0.0)]
    scores = np.array([[-0.25] * 2, [-0.25] * 2, [-0.3] * 2])  # the exact one ranks last
    sel = select_ensemble(oof, y, scores, neg_mse, top_k=2)
    assert sorted(sel.members) == [0, 1]
    assert select_ensemble(oof, y, scores, neg_mse, top_k=3).members == [2]
    missing = [[np.zeros(2), None], oof[1]]
    assert select_ensemble(missing, y, scores[:2], neg_mse) is None
    assert select_ensemble(oof[:2], y[:1], scores[:2, :1], neg_mse) is None  # one fold


# -- scoring stored predictions, aligning probabilities ---------------------------------
def test_prediction_scorer_drives_any_scikit_learn_scorer():
    proba = np.array([[0.9, 0.1], [0.4, 0.6], [0.3, 0.7]])
    y = np.array(["no", "yes", "no"])
    classes = np.array(["no", "yes"])
    assert prediction_scorer(get_scorer("accuracy"), "classification", classes)(proba, y) == \
        pytest.approx(2 / 3)
    # roc_auc reads the probability of the positive class, the second column
    auc = prediction_scorer(get_scorer("roc_auc"), "classification", classes)
    assert auc(proba, np.array(["no", "no", "yes"])) == 1.0
    f1 = make_scorer(lambda t, p: float((t == p).all(axis=1).mean()))
    multi = prediction_scorer(f1, "classification", np.arange(2), "multilabel")
    assert multi(np.array([[0.7, 0.2], [0.6, 0.6]]), np.array([[1, 0], [1, 0]])) == 0.5
    rmse = get_scorer("neg_root_mean_squared_error")
    assert prediction_scorer(rmse, "regression")(np.array([1.0, 3.0]), np.array([1.0, 1.0])) \
        == pytest.approx(-np.sqrt(2))


def test_align_proba_fills_classes_a_fold_never_saw():
    out = align_proba(np.array([[0.2, 0.8]]), np.array(["a", "c"]), np.array(["a", "b", "c"]))
    np.testing.assert_array_equal(out, [[0.2, 0.0, 0.8]])
    per_step = align_proba(np.ones((1, 4, 2)) / 2, np.array([0, 2]), np.array([0, 1, 2]),
                           "per_step")
    assert per_step.shape == (1, 4, 3) and (per_step[..., 1] == 0).all()
    listed = align_proba([np.array([[0.3, 0.7]]), np.array([[0.9, 0.1]])], None, None,
                         "multilabel")
    np.testing.assert_array_equal(listed, [[0.7, 0.1]])


# -- the ensemble estimators --------------------------------------------------------------
@parametrize_with_checks([
    EnsembleClassifier([("a", LogisticRegression()), ("b", LogisticRegression(C=0.1))]),
    EnsembleRegressor([("a", Ridge()), ("b", Ridge(alpha=10.0))], weights=[2, 1]),
], expected_failed_checks=lambda est: {
    "check_supervised_y_2d": "a 2-D y holds multi-label or per-step labels, as in "
                             "AutoSeqClassifier, never a column of single labels",
} if isinstance(est, EnsembleClassifier) else {})
def test_ensembles_are_scikit_learn_estimators(estimator, check):
    check(estimator)


def test_ensemble_classifier_averages_probabilities_with_weights(tmp_path):
    X = np.zeros((8, 5, 1))
    y = np.array([0, 1, 1, 1, 2, 2, 2, 2])
    ens = EnsembleClassifier([("prior", DummyClassifier()),
                              ("uniform", DummyClassifier(strategy="uniform"))],
                             weights=[3, 1]).fit(X, y)
    expected = 0.75 * np.array([1, 3, 4]) / 8 + 0.25 / 3
    np.testing.assert_allclose(ens.predict_proba(X[:1]), [expected])
    assert ens.predict(X[:2]).tolist() == [2, 2]
    assert ens.refit_time_ >= 0 and len(ens.estimators_) == 2
    assert clone(ens).get_params()["weights"] == [3, 1]
    path = autoseq.save(ens, tmp_path / "ensemble.autoseq")
    np.testing.assert_array_equal(autoseq.load(path).predict_proba(X), ens.predict_proba(X))


def test_ensemble_classifier_multilabel_and_per_step():
    X = np.zeros((4, 3, 1))
    multi = np.array([[1, 0], [1, 1], [1, 0], [0, 0]])
    ens = EnsembleClassifier([("a", MajorityClassifier()), ("b", MajorityClassifier())],
                             label_mode="multilabel").fit(X, multi)
    np.testing.assert_allclose(ens.predict_proba(X[:1]), [[0.75, 0.25]])
    assert ens.predict(X[:1]).tolist() == [[1, 0]]
    steps = np.array([[0, 1, 1], [1, 1, 1], [0, 0, 1], [1, 1, 0]])
    ens = EnsembleClassifier([("a", MajorityClassifier())]).fit(X, steps)
    assert ens.label_mode_ == "per_step" and ens.predict(X[:2]).shape == (2, 3)


@pytest.mark.parametrize("weights, match", [([1], "weights must be 2 non-negative numbers"),
                                            ([0, 0], "not all zero"),
                                            ([-1, 2], "non-negative")])
def test_ensemble_refuses_bad_weights(weights, match):
    members = [("a", DummyRegressor()), ("b", DummyRegressor())]
    with pytest.raises(ValueError, match=match):
        EnsembleRegressor(members, weights).fit(np.zeros((3, 2)), [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="list of \\(name, estimator\\) pairs"):
        EnsembleRegressor([DummyRegressor()]).fit(np.zeros((3, 2)), [1.0, 2.0, 3.0])


def test_ensemble_regressor_predicts_and_gives_intervals():
    X, y = np.zeros((4, 5, 1)), np.array([0.0, 1.0, 2.0, 5.0])
    members = [("mean", DummyRegressor()), ("median", DummyRegressor(strategy="median"))]
    ens = EnsembleRegressor(members, [1, 3], calibration_residuals=np.arange(-9.0, 10.0))
    ens.fit(X, y)
    np.testing.assert_allclose(ens.predict(X[:1]), [0.25 * 2 + 0.75 * 1.5])
    frame = ens.predict_interval(X[:2], coverage=0.5)
    np.testing.assert_allclose(frame["upper"] - frame["lower"], [10.0, 10.0])
    with pytest.raises(ValueError, match="no calibration_residuals"):
        EnsembleRegressor(members).fit(X, y).predict_interval(X)


# -- out-of-fold predictions ride on the scores ------------------------------------------
def test_out_of_fold_scorer_returns_the_score_with_its_predictions():
    X, y = np.zeros((6, 3, 1)), np.array([0, 1, 1, 1, 0, 1])
    model = MajorityClassifier().fit(X, y)
    accuracy = get_scorer("accuracy")
    score = OutOfFoldScorer(accuracy, "predict_proba")(model, X, y)
    assert score == accuracy(model, X, y)
    classes, proba = score.predictions
    assert classes.tolist() == [0, 1] and proba.shape == (6, 2)
    again = pickle.loads(pickle.dumps(score))  # how joblib workers send it back
    assert again == score and np.array_equal(again.predictions[1], proba)


class ChannelRegressor(RegressorMixin, BaseEstimator):
    """Least squares on one channel's mean over time (sees only that channel)."""

    def __init__(self, channels=(0,)):
        self.channels = channels

    def _features(self, X):
        X = check_sequences(X)
        return np.column_stack([X[:, :, c].mean(axis=1) for c in self.channels] + [np.ones(len(X))])

    def fit(self, X, y):
        self.coef_ = np.linalg.lstsq(self._features(X), y, rcond=None)[0]
        return self

    def predict(self, X):
        return self._features(X) @ self.coef_


class ChannelClassifier(ClassifierMixin, BaseEstimator):
    """Logistic regression on one channel's mean over time."""

    def __init__(self, channel=0):
        self.channel = channel

    def _features(self, X):
        return np.asarray(X, dtype=float)[:, :, self.channel].mean(axis=1, keepdims=True)

    def fit(self, X, y):
        self.model_ = LogisticRegression().fit(self._features(X), y)
        self.classes_ = self.model_.classes_
        return self

    def predict_proba(self, X):
        return self.model_.predict_proba(self._features(X))

    def predict(self, X):
        return self.model_.predict(self._features(X))


def _two_channel_data(n=120, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 8, 2))
    return X, X.mean(axis=1).sum(axis=1)


def test_candidate_search_collects_out_of_fold_predictions_across_processes():
    X, y = _two_channel_data(40)
    splits = list(WalkForwardSplit(3).split(X))
    search = CandidateSearch(
        Pipeline([("model", ChannelRegressor())]), {"model__channels": [(0,), (1,)]},
        scoring=OutOfFoldScorer(get_scorer("neg_mean_squared_error"), "predict"), cv=splits,
        n_jobs=2).fit(X, y)
    assert len(search.oof_predictions_) == 2
    for row, params in enumerate(search.cv_results_["params"]):
        for fold, (train, test) in enumerate(splits):
            expected = ChannelRegressor(params["model__channels"]).fit(X[train], y[train])
            _, kept = search.oof_predictions_[row][fold]
            np.testing.assert_allclose(kept, expected.predict(X[test]))
            assert search.cv_results_[f"split{fold}_test_score"][row] == pytest.approx(
                -mean_squared_error(y[test], kept))


# -- the ensemble in the AutoSeq search ---------------------------------------------------
class CheapRegressor(AutoSeqRegressor):
    """The AutoSeq regressor with ``extra`` models as its only candidates besides the mean."""

    extra = [ChannelRegressor((0,)), ChannelRegressor((1,))]

    def _make_task(self):
        extra = self.extra

        class Task(RegressionTask):
            def architecture_names(self, X, y):
                return []

            def closed_form_models(self, X, y):
                return []

            def baseline_models(self, X, y):
                return [clone(m) for m in extra] + super().baseline_models(X, y)

        return Task(self)


class CheapClassificationTask(ClassificationTask):
    def architecture_names(self, X, y):
        return []

    def closed_form_models(self, X, y):
        return []

    def baseline_models(self, X, y):
        return [ChannelClassifier(0), ChannelClassifier(1)] + super().baseline_models(X, y)


class CheapClassifier(AutoSeqClassifier):
    def _make_task(self):
        return CheapClassificationTask(self)


def test_ensemble_that_beats_every_candidate_becomes_the_best_estimator(tmp_path, capsys):
    X, y = _two_channel_data()
    reg = CheapRegressor(cv="walk_forward", verbose=1, random_state=0).fit(X, y)
    board = reg.leaderboard_
    assert board["kind"].iloc[0] == "ensemble" and board["rank"].iloc[0] == 1
    assert board["params"].iloc[0]["members"] == ["ChannelRegressor", "ChannelRegressor"]
    np.testing.assert_allclose(board["params"].iloc[0]["weights"], [0.5, 0.5], atol=0.1)
    assert isinstance(reg.best_estimator_, EnsembleRegressor) and reg.ensemble_ is reg.best_estimator_
    assert reg.ensemble_refit_time_ == pytest.approx(reg.best_estimator_.refit_time_, abs=0.5)
    # the ensemble's row: scored on folds 2-3 only, with members and weights
    results = reg.cv_results_
    assert reg.best_index_ == len(results["params"]) - 1
    assert np.isnan(results["split0_test_score"][-1])
    assert results["mean_test_score"][-1] == pytest.approx(
        np.mean([results["split1_test_score"][-1], results["split2_test_score"][-1]]))
    assert set(reg.best_params_) == {"members", "weights"}
    # it beats each member on the same folds, and predicts their weighted mean
    singles = [results[f"split{k}_test_score"][:2] for k in (1, 2)]
    assert reg.best_score_ > np.max(np.mean(singles, axis=0))
    members = [m.predict(X) for m in reg.best_estimator_.estimators_]
    np.testing.assert_allclose(reg.predict(X), np.average(members, axis=0,
                                                          weights=reg.best_estimator_.weights_))
    assert "the ensemble won" in capsys.readouterr().err
    path = autoseq.save(reg, tmp_path / "reg.autoseq")
    loaded = autoseq.load(path)
    np.testing.assert_array_equal(loaded.predict(X), reg.predict(X))
    assert loaded.predict_interval(X[:5]).equals(reg.predict_interval(X[:5]))


def test_an_ensemble_of_one_candidate_is_no_ensemble(capsys):
    X, y = _two_channel_data()
    reg = CheapRegressor(verbose=1, random_state=0)
    reg.extra = [ChannelRegressor((0, 1)), ChannelRegressor((0,))]  # the first is exact
    reg.fit(X, y)
    # the selection keeps the exact candidate alone: a row for it would repeat the winner
    assert isinstance(reg.best_estimator_, Pipeline)
    assert "ensemble" not in set(reg.leaderboard_["kind"])
    assert len(reg.cv_results_["params"]) == 3
    assert reg.ensemble_ is None and reg.ensemble_refit_time_ is None
    assert "no ensemble: the selection kept one candidate only (ChannelRegressor)" in (
        capsys.readouterr().err)


def _results(fold_scores, params=None):
    fold_scores = np.asarray(fold_scores, dtype=float)
    n = len(fold_scores)
    results = {"params": params or [{"model": ChannelRegressor((c,))} for c in range(n)],
               "mean_test_score": np.mean(fold_scores, axis=1),
               "std_test_score": np.std(fold_scores, axis=1),
               "mean_fit_time": np.ones(n), "error": np.array([""] * n, dtype=object)}
    for k in range(fold_scores.shape[1]):
        results[f"split{k}_test_score"] = fold_scores[:, k]
    return results


def test_leaderboard_ranks_by_the_score_shown_and_names_its_folds():
    from autoseq.model_selection.results import append_row, leaderboard, set_ranks

    # fold 1 is the hardest (least training data, as in walk-forward CV)
    results = _results([[0.60, 0.90, 0.90], [0.70, 0.80, 0.80], [np.nan, np.nan, np.nan]])
    results["error"][2] = "ValueError: broken"
    # the ensemble: folds 2-3 only, 0.85 there; it lost to candidate 0 (0.90 on those folds)
    append_row(results, {"members": [results["params"][0], results["params"][1]],
                          "weights": [0.5, 0.5]}, [np.nan, 0.85, 0.85], 2.0)
    set_ranks(results, ensemble_index=3, ensemble_wins=False, best_single=0)
    board = leaderboard(results)
    assert board["mean_score"].tolist()[:3] == pytest.approx([0.85, 0.80, 0.7666667])
    assert board["kind"].tolist() == ["ensemble", "baseline", "baseline", "baseline"]
    assert board["folds"].tolist() == ["2-3", "1-3", "1-3", "-"]  # the failed one: no score
    assert board["rank"].tolist() == [1, 2, 3, 4]
    assert list(board.columns) == ["rank", "architecture", "kind", "params", "mean_score",
                                   "std_score", "folds", "fit_time", "error"]
    # a tie goes to the single candidate, listed first (it wins a tie)
    tie = _results([[0.80, 0.85, 0.85]])
    append_row(tie, {"members": [tie["params"][0]] * 2, "weights": [0.5, 0.5]},
                [np.nan, 0.8, 0.8])
    tie["mean_test_score"][1] = tie["mean_test_score"][0]  # shown scores tie exactly
    set_ranks(tie, ensemble_index=1, best_single=0)
    assert tie["rank_test_score"].tolist() == [1, 2]


def test_ensemble_false_builds_none():
    X, y = _two_channel_data()
    reg = CheapRegressor(ensemble=False, random_state=0).fit(X, y)
    assert "ensemble" not in set(reg.leaderboard_["kind"])
    assert reg.ensemble_ is None and reg.ensemble_refit_time_ is None
    assert len(reg.cv_results_["params"]) == 3


def test_classifier_ensemble_mixes_probabilities(tmp_path):
    X, _ = _two_channel_data(150)
    y = np.where(X.mean(axis=1).sum(axis=1) > 0, "up", "down")
    clf = CheapClassifier(random_state=0).fit(X, y)
    board = clf.leaderboard_
    assert (board["kind"] == "ensemble").sum() == 1
    assert isinstance(clf.ensemble_, EnsembleClassifier)
    if clf.ensemble_ is clf.best_estimator_:
        assert board["kind"].iloc[0] == "ensemble"
    fitted = clf.best_estimator_ if clf.ensemble_ is clf.best_estimator_ else \
        clone(clf.ensemble_).fit(X, y)
    proba = fitted.predict_proba(X)
    assert proba.shape == (150, 2) and np.allclose(proba.sum(axis=1), 1)
    assert fitted.classes_.tolist() == ["down", "up"]
    path = autoseq.save(fitted, tmp_path / "ens.autoseq")
    np.testing.assert_array_equal(autoseq.load(path).predict(X), fitted.predict(X))


class SlowChannelRegressor(ChannelRegressor):
    def fit(self, X, y):
        time.sleep(0.3)
        return super().fit(X, y)


class SlowCheapRegressor(CheapRegressor):
    extra = [SlowChannelRegressor((0,)), SlowChannelRegressor((1,))]


def test_an_ensemble_whose_refit_would_overrun_the_budget_does_not_win(capsys):
    X, y = _two_channel_data()
    # the folds alone take ~1.8 s of the 1 s budget: refitting two members cannot fit
    reg = SlowCheapRegressor(cv="walk_forward", time_budget=1.0, verbose=1,
                             random_state=0).fit(X, y)
    assert reg.ensemble_ is not None and reg.best_estimator_ is not reg.ensemble_
    assert reg.leaderboard_["kind"].iloc[0] == "ensemble"  # it still ranks by its score
    assert "would not fit in the" in capsys.readouterr().err
    # without a budget the same ensemble wins
    unbounded = SlowCheapRegressor(cv="walk_forward", time_budget=None,
                                   random_state=0).fit(X, y)
    assert unbounded.best_estimator_ is unbounded.ensemble_

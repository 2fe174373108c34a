"""rocket_ridge: random convolution kernels with a closed-form ridge head, alone and in searches."""

import io
import pickle

import joblib
import numpy as np
import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks
from test_baselines import _grid, _names
from test_search import FAST, TinyPool
from test_sklearn_checks import LIST_REASON

import autoseq.automl.task
from autoseq import AutoSeqClassifier, AutoSeqRegressor, RocketRidgeClassifier, RocketRidgeRegressor
from autoseq.estimators.rocket_ridge import random_kernel_features

SMALL = dict(n_kernels=60, random_state=0)


def _shapes(n=40, steps=60, seed=0):
    """Class 1 hides a short spike at a random step of a noisy series: no mean or slope tells."""
    rng = np.random.default_rng(seed)
    X = rng.normal(scale=0.3, size=(n, steps, 1))
    y = np.arange(n) % 2
    for i in np.flatnonzero(y):
        t = rng.integers(5, steps - 10)
        X[i, t:t + 5, 0] += np.array([1.0, 2.5, 3.0, 2.5, 1.0])
    return X, y


SHARED_FAILURES = {
    "check_sample_weight_equivalence_on_dense_data": (
        "the penalty is chosen by leave-one-out cross-validation: repeating a sequence "
        "changes what leaving one out leaves out, so the chosen penalty may differ"
    ),
}
CLASSIFIER_FAILURES = {
    **SHARED_FAILURES,
    "check_classifiers_train": LIST_REASON,
    "check_methods_subset_invariance": (
        "the ridge scores float32 features in float32: another number of rows can change "
        "the last bit of a score (about 1e-7 relative, the check's own tolerance)"
    ),
    "check_classifier_multioutput": (
        "predict_proba clips the ridge's scores to [0, 1], so labels scored beyond +-1 tie "
        "at 0 or 1 where decision_function still orders them"
    ),
}
REGRESSOR_FAILURES = {**SHARED_FAILURES, "check_regressors_train": (
    "the check's 10 features are read as one 10-step sequence, and the 60 kernels used here "
    "(for speed) fit its target to a training R^2 of 0.48, under the check's 0.5 floor (500 "
    "kernels: 0.84; test_regressor_learns_what_the_mean_cannot scores held-out data)"
)}


@parametrize_with_checks([RocketRidgeClassifier(**SMALL), RocketRidgeRegressor(**SMALL)],
                         expected_failed_checks=lambda est: CLASSIFIER_FAILURES if isinstance(
                             est, RocketRidgeClassifier) else REGRESSOR_FAILURES)
def test_rocket_ridge_is_a_scikit_learn_estimator(estimator, check):
    check(estimator)


def test_finds_a_shape_at_any_position():
    X, y = _shapes(80)
    clf = RocketRidgeClassifier(n_kernels=500, random_state=0).fit(X[:40], y[:40])
    assert clf.score(X[40:], y[40:]) >= 0.9
    assert clf.ridge_.alpha_ in clf.alphas


def test_regressor_learns_what_the_mean_cannot():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(120, 50))
    y = X.max(axis=1)
    reg = RocketRidgeRegressor(n_kernels=500, random_state=0).fit(X[:80], y[:80])
    assert reg.score(X[80:], y[80:]) > 0.5
    two = RocketRidgeRegressor(**SMALL).fit(X[:80], np.column_stack([y, -y])[:80])
    assert two.predict(X[80:]).shape == (40, 2)


def test_new_data_cannot_push_a_feature_past_its_training_range():
    rng = np.random.default_rng(2)
    X = rng.normal(scale=0.1, size=(40, 30))
    y = X.mean(axis=1)
    reg = RocketRidgeRegressor(n_kernels=300, random_state=0).fit(X, y)
    wild = X[:5].copy()
    wild[:, 10] = 1e4  # one step far outside anything seen in training
    assert np.abs(reg.predict(wild)).max() < 10 * np.abs(y).max()  # 917 unclipped
    features = reg._predict_features(wild)
    assert (features >= reg.feature_min_).all() and (features <= reg.feature_max_).all()


def test_padding_and_ragged_lists_leave_the_features_of_each_sequence_unchanged():
    rng = np.random.default_rng(0)
    seqs = [rng.normal(size=(n, 2)) for n in (9, 15, 12)]
    alone = np.concatenate([random_kernel_features(s[None], n_kernels=30) for s in seqs])
    np.testing.assert_allclose(random_kernel_features(seqs, n_kernels=30), alone, atol=1e-5)
    padded = np.full((3, 20, 2), np.nan)
    for i, s in enumerate(seqs):
        padded[i, 20 - len(s):] = s  # NaN steps first, as "pre" padding leaves them
    np.testing.assert_allclose(random_kernel_features(padded, n_kernels=30), alone, atol=1e-5)


def test_predict_proba_follows_the_ridge_scores():
    X, y = _shapes(60)
    labels = np.array(["a", "b", "c"])[np.arange(60) % 3]
    clf = RocketRidgeClassifier(**SMALL).fit(X, labels)
    proba = clf.predict_proba(X)
    assert proba.shape == (60, 3) and (proba >= 0).all() and (proba <= 1).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    # clipping may tie two classes, never reorder them: the predicted class always has the
    # highest probability (shared at most with classes clipped to the same value), and a
    # class scored higher by the ridge never gets a lower probability
    predicted = np.searchsorted(clf.classes_, clf.predict(X))
    np.testing.assert_array_equal(proba[np.arange(60), predicted], proba.max(axis=1))
    scores = clf.decision_function(X)
    higher = scores[:, :, None] > scores[:, None, :]
    assert (proba[:, :, None] >= proba[:, None, :])[higher].all()
    binary = RocketRidgeClassifier(**SMALL).fit(X, y)
    p = binary.predict_proba(X)
    np.testing.assert_allclose(p[:, 1], np.clip((binary.decision_function(X) + 1) / 2, 0, 1))


def test_multilabel_indicator_targets():
    X, y = _shapes(40)
    Y = np.column_stack([y, 1 - y, np.arange(40) % 3 == 0]).astype(int)
    clf = RocketRidgeClassifier(**SMALL).fit(X, Y)
    assert clf.predict(X).shape == (40, 3)
    assert clf.predict_proba(X).shape == (40, 3)
    assert clf.classes_.tolist() == [0, 1, 2]


def test_the_pickle_holds_no_network_and_predicts_the_same():
    X, y = _shapes(30)
    clf = RocketRidgeClassifier(n_kernels=200, random_state=3).fit(X, y)
    buffer = io.BytesIO()
    joblib.dump(clf, buffer)
    assert b"keras" not in buffer.getvalue()
    buffer.seek(0)
    np.testing.assert_array_equal(joblib.load(buffer).predict_proba(X), clf.predict_proba(X))
    assert pickle.loads(pickle.dumps(clf)).seed_ == clf.seed_


def test_random_state_fixes_the_kernels():
    X, y = _shapes(30)
    a = RocketRidgeClassifier(n_kernels=50, random_state=1).fit(X, y)
    b = RocketRidgeClassifier(n_kernels=50, random_state=1).fit(X, y)
    c = RocketRidgeClassifier(n_kernels=50, random_state=2).fit(X, y)
    np.testing.assert_array_equal(a.decision_function(X), b.decision_function(X))
    assert not np.allclose(a.decision_function(X), c.decision_function(X))


@pytest.mark.parametrize("params, message", [
    ({"n_kernels": 0}, "n_kernels must be a positive integer; got 0"),
    ({"max_dilation": 2.5}, "max_dilation must be a positive integer; got 2.5"),
    ({"alphas": [1.0, -1.0]}, "alphas must be positive penalties"),
])
def test_bad_parameters_are_named(params, message):
    X, y = _shapes(10)
    with pytest.raises(ValueError, match=message):
        RocketRidgeClassifier(**params).fit(X, y)


def test_input_that_does_not_match_fit_is_refused():
    X, y = _shapes(20)
    clf = RocketRidgeClassifier(**SMALL).fit(X, y)
    with pytest.raises(ValueError, match="X has 2 channels per step, but RocketRidgeClassifier"):
        clf.predict(np.zeros((3, 60, 2)))
    table = RocketRidgeClassifier(**SMALL).fit(X[:, :, 0], y)
    with pytest.raises(ValueError, match="X has 50 features, but RocketRidgeClassifier"):
        table.predict(np.zeros((3, 50)))
    with pytest.raises(ValueError, match="one class only"):
        RocketRidgeClassifier(**SMALL).fit(X, np.zeros(20))


# -- in the search ---------------------------------------------------------------------------

def test_the_default_search_tries_rocket_ridge_behind_the_scaler():
    X, y = np.zeros((12, 6, 1)), np.arange(12) % 2
    grid = _grid(AutoSeqClassifier(), X, y)
    assert _names(grid)[0] == "rocket_hydra_ridge"  # first: it runs first
    assert "scaler" not in grid[0] and "padder" not in grid[0]  # the pipeline's steps stay
    assert "rocket_ridge" in _names(_grid(AutoSeqRegressor(), X, y * 1.5))


@pytest.mark.parametrize("make, X, y", [
    (lambda: AutoSeqClassifier(architectures=["gru"]), np.zeros((12, 6, 1)), np.arange(12) % 2),
    (lambda: AutoSeqClassifier(baselines=False), np.zeros((12, 6, 1)), np.arange(12) % 2),
    (lambda: AutoSeqClassifier(), ["good film", "bad plot"] * 6, np.arange(12) % 2),
    (lambda: AutoSeqClassifier(), np.zeros((12, 6, 1)), np.zeros((12, 6), int) + np.arange(6) % 2),
], ids=["named architectures", "baselines=False", "text", "per-step labels"])
def test_rocket_ridge_is_left_out(make, X, y):
    assert "rocket_hydra_ridge" not in _names(_grid(make(), X, y))


def test_a_large_training_set_keeps_the_closed_form_candidate_on_a_sample(monkeypatch):
    monkeypatch.setattr(autoseq.automl.task, "ROCKET_RIDGE_MAX_SEQUENCES", 10)
    grid = _grid(AutoSeqClassifier(), np.zeros((12, 6, 1)), np.arange(12) % 2)
    closed_form = [m for entry in grid if "model__architecture" not in entry
                   for m in entry["model"] if type(m).__name__ == "RocketHydraRidgeClassifier"]
    assert len(closed_form) == 1 and closed_form[0].max_sequences == 10


@pytest.mark.parametrize("Estimator", [RocketRidgeClassifier, RocketRidgeRegressor])
def test_max_sequences_fits_the_ridge_on_a_sample(Estimator):
    X, y = _shapes(60)
    est = Estimator(n_kernels=40, max_sequences=20, random_state=0).fit(X, y)
    assert est.ridge_.n_features_in_ == 80
    full = Estimator(n_kernels=40, random_state=0).fit(X, y)
    assert est.predict(X).shape == full.predict(X).shape
    assert not np.array_equal(est.ridge_.coef_, full.ridge_.coef_)
    same = Estimator(n_kernels=40, max_sequences=60, random_state=0).fit(X, y)
    np.testing.assert_array_equal(same.ridge_.coef_, full.ridge_.coef_)


def test_a_sample_keeps_every_class():
    X, y = _shapes(60)
    y = np.where(np.arange(60) == 59, 2, y)  # one sequence of class 2
    for seed in range(5):
        clf = RocketRidgeClassifier(n_kernels=20, max_sequences=5, random_state=seed).fit(X, y)
        assert list(clf.classes_) == [0, 1, 2]
        assert len(clf._kept_sequences(y)) == 5


@pytest.mark.parametrize("bad", [1, 0, 2.5, True, "10"])
def test_max_sequences_must_be_an_integer_of_at_least_two(bad):
    X, y = _shapes(20)
    with pytest.raises(ValueError, match="max_sequences must be None or an integer of at least 2"):
        RocketRidgeClassifier(n_kernels=20, max_sequences=bad).fit(X, y)


def test_a_tie_goes_to_the_cheapest_candidate_that_reads_the_sequences(monkeypatch):
    monkeypatch.setattr(autoseq.automl.task, "list_architectures", lambda *a, **k: [TinyPool()])
    X, y = _shapes(48)
    clf = AutoSeqClassifier(ensemble=False, scoring=lambda estimator, X, y: 0.5,
                            **FAST).fit(X, y)
    board = clf.leaderboard_
    assert set(board["mean_score"]) == {0.5}
    fit_time = dict(zip(board["architecture"], board["fit_time"], strict=True))
    del fit_time["majority"]  # a floor to beat, never elected for being cheap
    assert board["architecture"].iloc[0] == min(fit_time, key=fit_time.get)


def test_rocket_ridge_wins_where_a_network_has_too_few_epochs(monkeypatch):
    monkeypatch.setattr(autoseq.automl.task, "list_architectures", lambda *a, **k: ["gru"])
    X, y = _shapes(48)
    clf = AutoSeqClassifier(param_grid={"gru": {"units": [4]}}, **FAST).fit(X, y)
    board = clf.leaderboard_
    assert set(board["architecture"]) >= {"gru", "majority", "rocket_hydra_ridge"}
    assert board["architecture"].iloc[0] in ("rocket_hydra_ridge", "ensemble")
    assert board.set_index("architecture").loc["rocket_hydra_ridge", "kind"] == "baseline"
    X_test, y_test = _shapes(48, seed=1)  # new sequences: the spike at other steps
    assert clf.score(X_test, y_test) >= 0.9


def test_the_generator_searches_no_rocket_ridge():
    from autoseq import AutoSeqGenerator

    windows = np.arange(20).reshape(5, 4)  # token-id windows: tokens, never numeric sequences
    assert AutoSeqGenerator()._make_task().closed_form_models(windows, np.arange(5)) == []


def test_a_fold_on_much_data_stops_between_chunks_once_the_search_deadline_passed():
    import time

    from autoseq.estimators.deadline import TimeBudgetSpent, search_deadline, stoppable_fit
    from autoseq.estimators.hydra_ridge import hydra_features

    X = np.random.default_rng(0).normal(size=(4, 30, 1))
    with search_deadline(time.time() - 1):  # passed after the fit started: features stop
        with stoppable_fit(), pytest.raises(TimeBudgetSpent,
                                            match="random kernel features stopped"):
            random_kernel_features(X, n_kernels=100, seed=0)
        with stoppable_fit(), pytest.raises(TimeBudgetSpent, match="Hydra's features stopped"):
            hydra_features(X, n_groups=2, n_kernels_per_group=2, seed=0)
        # a prediction scoring a fold that finished fitting is never stopped
        assert random_kernel_features(X, n_kernels=100, seed=0).shape == (4, 200)
    # nor is anything outside a search (a refit, a prediction)
    with stoppable_fit():
        assert random_kernel_features(X, n_kernels=100, seed=0).shape == (4, 200)


def test_features_match_the_rocket_networks_layer_and_ignore_the_batch():
    from autoseq._backend import keras as _keras
    from autoseq.networks.layers import PaddingMask, RandomConvolutionFeatures

    keras = _keras()
    rng = np.random.default_rng(1)
    X = rng.normal(size=(24, 60, 2)).astype("float32")
    X[:6, 50:] = np.nan  # padding at the end and at the start
    X[6:9, :5] = np.nan
    inputs = keras.Input((None, 2))
    layer = RandomConvolutionFeatures(n_kernels=90, seed=3, max_dilation=8)
    reference = keras.Model(inputs, layer(PaddingMask()(inputs))).predict(X, verbose=0)
    features = random_kernel_features(X, n_kernels=90, seed=3, max_dilation=8)
    np.testing.assert_allclose(features, reference, rtol=1e-4, atol=1e-4)
    # short sequences, where oneDNN's convolution changed the last bit with the batch size
    short = (3 * np.random.RandomState(0).uniform(size=(20, 3))).astype("float32")[:, :, None]
    whole = random_kernel_features(short, n_kernels=60, seed=5)
    one_by_one = np.concatenate([random_kernel_features(short[i:i + 1], n_kernels=60, seed=5)
                                 for i in range(20)])
    np.testing.assert_array_equal(one_by_one, whole)

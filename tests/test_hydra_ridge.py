"""hydra_ridge: Hydra's competing convolutional kernels with rocket_ridge's closed-form head;
rocket_hydra_ridge: ROCKET's and Hydra's features side by side under that head."""

import io
import pickle
import time

import joblib
import numpy as np
import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks
from test_rocket_ridge import CLASSIFIER_FAILURES, REGRESSOR_FAILURES, SHARED_FAILURES, _shapes

from autoseq.estimators.deadline import TimeBudgetSpent, search_deadline
from autoseq.estimators.hydra_ridge import (
    HydraRidgeClassifier,
    HydraRidgeRegressor,
    RocketHydraRidgeClassifier,
    RocketHydraRidgeRegressor,
    _hydra_weights,
    hydra_dilations,
    hydra_features,
)
from autoseq.estimators.rocket_ridge import (
    RocketRidgeClassifier,
    RocketRidgeRegressor,
    check_kernel_input,
    random_kernel_features,
)

SMALL = dict(n_groups=8, n_kernels_per_group=4, random_state=0)
# rocket_ridge's expected failures, for the same reasons; the float32 ridge moves the last
# bit of a regressor's prediction with the number of rows too
HYDRA_REGRESSOR_FAILURES = {
    **REGRESSOR_FAILURES,
    "check_methods_subset_invariance": CLASSIFIER_FAILURES["check_methods_subset_invariance"],
    "check_regressors_train": (
        "the check's 10 features are read as one 10-step sequence, and the 8 groups of 4 "
        "kernels used here (for speed) fit its target to a training R^2 of 0.31, under the "
        "check's 0.5 floor (the default 64 groups of 8: 0.995; "
        "test_regressor_reads_the_height_of_a_bump_at_any_step scores held-out data)"),
}


@parametrize_with_checks([HydraRidgeClassifier(**SMALL), HydraRidgeRegressor(**SMALL)],
                         expected_failed_checks=lambda est: CLASSIFIER_FAILURES if isinstance(
                             est, HydraRidgeClassifier) else HYDRA_REGRESSOR_FAILURES)
def test_hydra_ridge_is_a_scikit_learn_estimator(estimator, check):
    check(estimator)


def _reference_features(X, n_groups, k, seed, dilations):
    """The reference's forward pass (angus924/hydra, code/hydra.py and
    hydra_multivariate.py) transcribed to numpy loops, on the same kernels."""
    n, _, channels = X.shape
    weights = iter(_hydra_weights(n_groups, k, seed, dilations, channels))
    out = []
    for d in dilations:
        for diff, groups in enumerate((n_groups - n_groups // 2, n_groups // 2)):
            selection, kernels = next(weights)
            series = (np.diff(X, axis=1) if diff else X) @ selection  # (n, steps, groups)
            steps = series.shape[1]
            padded = np.pad(series, ((0, 0), (4 * d, 4 * d), (0, 0)))
            w = kernels[:, 0, :].T.reshape(groups, k, 9)
            z = sum(np.einsum("gk,ntg->ngkt", w[:, :, tap], padded[:, tap * d:tap * d + steps])
                    for tap in range(9))
            soft, hard = np.zeros((n, groups, k)), np.zeros((n, groups, k))
            i, g, t = np.indices((n, groups, steps))
            np.add.at(soft, (i, g, z.argmax(axis=2)), z.max(axis=2))
            np.add.at(hard, (i, g, z.argmin(axis=2)), 1.0)
            out += [soft.reshape(n, -1), hard.reshape(n, -1)]
    return np.concatenate(out, axis=1)


@pytest.mark.parametrize("channels", [1, 3])
def test_the_features_are_the_reference_implementations(channels):
    X = np.random.default_rng(0).normal(size=(4, 40, channels))
    dilations = hydra_dilations(40)
    assert dilations == (1, 2, 4)  # 8 * 4 <= 39 < 8 * 8
    features = hydra_features(X, n_groups=6, n_kernels_per_group=4, seed=3)
    assert features.shape == (4, 3 * 2 * 6 * 4)
    np.testing.assert_allclose(features, _reference_features(X, 6, 4, 3, dilations),
                               rtol=1e-5, atol=1e-4)


def test_dilations_follow_the_length_and_the_cap():
    assert hydra_dilations(1) == hydra_dilations(9) == (1,)
    assert hydra_dilations(17) == (1, 2)
    assert hydra_dilations(150) == (1, 2, 4, 8, 16)
    assert hydra_dilations(150, max_dilation=5) == (1, 2, 4)
    clf = HydraRidgeClassifier(**SMALL).fit(*_shapes(20, steps=60))
    assert clf.dilations_ == (1, 2, 4)


def test_finds_a_shape_at_any_position():
    X, y = _shapes(80)
    clf = HydraRidgeClassifier(n_groups=16, random_state=0).fit(X[:40], y[:40])
    assert clf.score(X[40:], y[40:]) >= 0.9
    assert clf.ridge_.alpha_ in clf.alphas
    assert clf.leaderboard_name_ == "hydra_ridge"


def test_random_state_fixes_the_kernels():
    X, y = _shapes(30)
    a = HydraRidgeClassifier(**{**SMALL, "random_state": 1}).fit(X, y)
    b = HydraRidgeClassifier(**{**SMALL, "random_state": 1}).fit(X, y)
    c = HydraRidgeClassifier(**{**SMALL, "random_state": 2}).fit(X, y)
    np.testing.assert_array_equal(a.decision_function(X), b.decision_function(X))
    assert not np.allclose(a.decision_function(X), c.decision_function(X))
    np.testing.assert_array_equal(hydra_features(X, n_groups=4, seed=5),
                                  hydra_features(X, n_groups=4, seed=5))


def test_the_pickle_holds_no_network_and_predicts_the_same():
    X, y = _shapes(30)
    clf = HydraRidgeClassifier(**SMALL).fit(X, y)
    buffer = io.BytesIO()
    joblib.dump(clf, buffer)
    assert b"keras" not in buffer.getvalue() and b"tensorflow" not in buffer.getvalue()
    buffer.seek(0)
    np.testing.assert_array_equal(joblib.load(buffer).predict_proba(X), clf.predict_proba(X))
    again = pickle.loads(pickle.dumps(clf))
    assert again.seed_ == clf.seed_ and again.dilations_ == clf.dilations_
    np.testing.assert_array_equal(again.predict(X), clf.predict(X))


def test_padding_and_ragged_lists_leave_the_features_of_each_sequence_unchanged():
    rng = np.random.default_rng(0)
    seqs = [rng.normal(size=(n, 2)) for n in (9, 15, 12)]
    dilations = hydra_dilations(15)
    alone = np.concatenate([hydra_features(s[None], n_groups=4, dilations=dilations)
                            for s in seqs])
    np.testing.assert_allclose(hydra_features(seqs, n_groups=4), alone, atol=1e-5)
    padded = np.full((3, 20, 2), np.nan)
    for i, s in enumerate(seqs):
        padded[i, 18 - len(s):18] = s  # NaN steps at both ends
    np.testing.assert_allclose(hydra_features(padded, n_groups=4, dilations=dilations), alone,
                               atol=1e-5)


def test_variable_length_and_nan_padded_input_fit_and_predict():
    X, y = _shapes(40, steps=30)
    ragged = [x[: 20 + i % 10] for i, x in enumerate(X)]
    clf = HydraRidgeClassifier(**SMALL).fit(ragged, y)
    assert clf.dilations_ == hydra_dilations(29)
    padded = np.full((40, 30, 1), np.nan)
    for i, s in enumerate(ragged):
        padded[i, : len(s)] = s
    np.testing.assert_array_equal(clf.predict(padded), clf.predict(ragged))
    assert HydraRidgeClassifier(**SMALL).fit(padded, y).dilations_ == clf.dilations_


def test_multivariate_input():
    rng = np.random.default_rng(3)
    X = rng.normal(scale=0.3, size=(60, 40, 4))
    y = np.arange(60) % 2
    X[y == 1, 10:20, 2] += np.sin(np.linspace(0, 3 * np.pi, 10))  # in one channel only
    clf = HydraRidgeClassifier(n_groups=16, random_state=0).fit(X[:40], y[:40])
    assert clf.n_channels_ == 4
    assert clf.score(X[40:], y[40:]) >= 0.9
    with pytest.raises(ValueError, match="X has 2 channels per step, but HydraRidgeClassifier"):
        clf.predict(X[:3, :, :2])


def test_regressor_reads_the_height_of_a_bump_at_any_step():
    """The series' mean alone explains an R^2 of 0.54 of the held-out heights."""
    rng = np.random.default_rng(1)
    X = rng.normal(scale=0.3, size=(120, 50))
    y = rng.uniform(0, 2, size=120)
    for i, t in enumerate(rng.integers(0, 40, size=120)):
        X[i, t:t + 7] += y[i] * np.hanning(9)[1:-1]
    reg = HydraRidgeRegressor(n_groups=16, random_state=0).fit(X[:80], y[:80])
    assert reg.score(X[80:], y[80:]) > 0.7
    assert reg.leaderboard_name_ == "hydra_ridge"
    two = HydraRidgeRegressor(**SMALL).fit(X[:80], np.column_stack([y, -y])[:80])
    assert two.predict(X[80:]).shape == (40, 2)


def test_a_past_search_deadline_stops_the_fit_before_it_starts():
    X, y = _shapes(10)
    with search_deadline(time.time() - 1):
        with pytest.raises(TimeBudgetSpent, match="time budget spent: HydraRidgeClassifier"):
            HydraRidgeClassifier(**SMALL).fit(X, y)
        with pytest.raises(TimeBudgetSpent, match="time budget spent: HydraRidgeRegressor"):
            HydraRidgeRegressor(**SMALL).fit(X, y * 1.0)
    with search_deadline(time.time() + 60):
        HydraRidgeClassifier(**SMALL).fit(X, y)


@pytest.mark.parametrize("params, message", [
    ({"n_groups": 0}, "n_groups must be a positive integer; got 0"),
    ({"n_kernels_per_group": 2.5}, "n_kernels_per_group must be a positive integer; got 2.5"),
    ({"max_dilation": 0}, "max_dilation must be a positive integer; got 0"),
    ({"alphas": [1.0, -1.0]}, "alphas must be positive penalties"),
])
def test_bad_parameters_are_named(params, message):
    X, y = _shapes(10)
    with pytest.raises(ValueError, match=message):
        HydraRidgeClassifier(**params).fit(X, y)


def test_bad_targets_are_refused_by_name():
    X, y = _shapes(10)
    with pytest.raises(ValueError, match="HydraRidgeClassifier needs at least two classes"):
        HydraRidgeClassifier(**SMALL).fit(X, np.zeros(10))
    with pytest.raises(ValueError, match="HydraRidgeRegressor needs numeric targets"):
        HydraRidgeRegressor(**SMALL).fit(X, np.array(["a", "b"] * 5))


# rocket_hydra_ridge ------------------------------------------------------------------------

# one seed, kernel count and channel count wherever they can: each new set of ROCKET kernels
# compiles its feature function anew (about a second on 2 cores)
BOTH = dict(n_kernels=40, n_groups=8, n_kernels_per_group=4, random_state=0)
# 40 kernels and 8 groups of 4 fit check_regressors_train's target above its 0.5 floor
BOTH_REGRESSOR_FAILURES = SHARED_FAILURES


@parametrize_with_checks([RocketHydraRidgeClassifier(**BOTH), RocketHydraRidgeRegressor(**BOTH)],
                         expected_failed_checks=lambda est: CLASSIFIER_FAILURES if isinstance(
                             est, RocketHydraRidgeClassifier) else BOTH_REGRESSOR_FAILURES)
def test_rocket_hydra_ridge_is_a_scikit_learn_estimator(estimator, check):
    check(estimator)


@pytest.mark.parametrize("rocket, hydra, both", [
    (RocketRidgeClassifier, HydraRidgeClassifier, RocketHydraRidgeClassifier),
    (RocketRidgeRegressor, HydraRidgeRegressor, RocketHydraRidgeRegressor),
])
def test_rocket_hydra_features_are_rocket_ridges_then_hydra_ridges(rocket, hydra, both):
    X, y = _shapes(20, steps=40)
    y = y * 1.0 if both is RocketHydraRidgeRegressor else y
    a = rocket(n_kernels=40, random_state=0).fit(X, y)
    b = hydra(n_groups=8, n_kernels_per_group=4, random_state=0).fit(X, y)
    ab = both(**BOTH).fit(X, y)
    assert ab.seed_ == a.seed_ == b.seed_ and ab.dilations_ == b.dilations_
    seqs = check_kernel_input(X[:7])
    np.testing.assert_array_equal(ab._features(seqs),
                                  np.hstack([a._features(seqs), b._features(seqs)]))
    np.testing.assert_array_equal(
        ab._features(seqs),
        np.hstack([random_kernel_features(X[:7], n_kernels=40, seed=ab.seed_, max_dilation=32),
                   hydra_features(X[:7], n_groups=8, n_kernels_per_group=4, seed=ab.seed_)]))
    # the head was fitted on exactly those features
    np.testing.assert_allclose(ab.scaler_.mean_, np.concatenate([a.scaler_.mean_,
                                                                 b.scaler_.mean_]))
    assert ab.scaler_.mean_.shape == (2 * 40 + 2 * 8 * 4 * len(ab.dilations_),)


def test_rocket_hydra_finds_a_shape_at_any_position():
    X, y = _shapes(80)
    clf = RocketHydraRidgeClassifier(**BOTH).fit(X[:40], y[:40])
    assert clf.score(X[40:], y[40:]) >= 0.9
    assert clf.ridge_.alpha_ in clf.alphas
    assert clf.leaderboard_name_ == "rocket_hydra_ridge"
    assert clf.predict_proba(X[40:]).shape == (40, 2)


def test_rocket_hydra_regressor_reads_the_height_of_a_bump():
    rng = np.random.default_rng(1)
    X = rng.normal(scale=0.3, size=(120, 50))
    y = rng.uniform(0, 2, size=120)
    for i, t in enumerate(rng.integers(0, 40, size=120)):
        X[i, t:t + 7] += y[i] * np.hanning(9)[1:-1]
    reg = RocketHydraRidgeRegressor(**BOTH).fit(X[:80], y[:80])
    assert reg.score(X[80:], y[80:]) > 0.7
    assert reg.leaderboard_name_ == "rocket_hydra_ridge"
    two = RocketHydraRidgeRegressor(**BOTH).fit(X[:80], np.column_stack([y, -y])[:80])
    assert two.predict(X[80:]).shape == (40, 2)


def test_rocket_hydra_random_state_fixes_both_kernel_sets():
    X, y = _shapes(30)
    new = _shapes(10, seed=1)[0]  # the ridge interpolates its training sequences
    a = RocketHydraRidgeClassifier(**BOTH).fit(X, y)
    b = RocketHydraRidgeClassifier(**BOTH).fit(X, y)
    c = RocketHydraRidgeClassifier(**{**BOTH, "random_state": 1}).fit(X, y)
    np.testing.assert_array_equal(a.decision_function(new), b.decision_function(new))
    assert not np.allclose(a.decision_function(new), c.decision_function(new), atol=1e-3)
    seqs = check_kernel_input(new)
    rocket = 2 * BOTH["n_kernels"]
    assert not np.allclose(a._features(seqs)[:, :rocket], c._features(seqs)[:, :rocket])
    assert not np.allclose(a._features(seqs)[:, rocket:], c._features(seqs)[:, rocket:])


def test_rocket_hydra_pickle_holds_no_network_and_predicts_the_same():
    X, y = _shapes(30)
    clf = RocketHydraRidgeClassifier(**BOTH).fit(X, y)
    buffer = io.BytesIO()
    joblib.dump(clf, buffer)
    data = buffer.getvalue()
    assert b"keras" not in data and b"tensorflow" not in data
    # the scaler, the clip range and the ridge's weights: a few floats per feature
    assert len(data) < 10_000 + 64 * len(clf.feature_min_)
    buffer.seek(0)
    np.testing.assert_array_equal(joblib.load(buffer).predict_proba(X), clf.predict_proba(X))
    again = pickle.loads(pickle.dumps(clf))
    assert again.seed_ == clf.seed_ and again.dilations_ == clf.dilations_
    np.testing.assert_array_equal(again.decision_function(X), clf.decision_function(X))


def test_rocket_hydra_ragged_and_nan_padded_input():
    X, y = _shapes(40, steps=30)
    ragged = [x[: 20 + i % 10] for i, x in enumerate(X)]
    clf = RocketHydraRidgeClassifier(**BOTH).fit(ragged, y)
    assert clf.dilations_ == hydra_dilations(29)
    padded = np.full((40, 32, 1), np.nan)
    for i, s in enumerate(ragged):
        padded[i, 2:2 + len(s)] = s  # NaN steps at both ends
    np.testing.assert_allclose(clf.decision_function(padded), clf.decision_function(ragged),
                               atol=1e-4)
    np.testing.assert_array_equal(clf.predict(padded), clf.predict(ragged))
    # a sequence has the features it has alone
    seqs = check_kernel_input(ragged[:3])
    alone = np.concatenate([clf._features(check_kernel_input(s[None])) for s in ragged[:3]])
    np.testing.assert_allclose(clf._features(seqs), alone, atol=1e-5)


def test_rocket_hydra_multivariate_input():
    rng = np.random.default_rng(3)
    X = rng.normal(scale=0.3, size=(60, 40, 4))
    y = np.arange(60) % 2
    X[y == 1, 10:20, 2] += np.sin(np.linspace(0, 3 * np.pi, 10))  # in one channel only
    clf = RocketHydraRidgeClassifier(**BOTH).fit(X[:40], y[:40])
    assert clf.n_channels_ == 4
    assert clf.score(X[40:], y[40:]) >= 0.9
    with pytest.raises(ValueError,
                       match="X has 2 channels per step, but RocketHydraRidgeClassifier"):
        clf.predict(X[:3, :, :2])


def test_rocket_hydra_past_search_deadline_stops_the_fit_before_it_starts():
    X, y = _shapes(10)
    with search_deadline(time.time() - 1):
        with pytest.raises(TimeBudgetSpent,
                           match="time budget spent: RocketHydraRidgeClassifier"):
            RocketHydraRidgeClassifier(**BOTH).fit(X, y)
        with pytest.raises(TimeBudgetSpent,
                           match="time budget spent: RocketHydraRidgeRegressor"):
            RocketHydraRidgeRegressor(**BOTH).fit(X, y * 1.0)
    with search_deadline(time.time() + 60):
        RocketHydraRidgeClassifier(**BOTH).fit(X, y)


@pytest.mark.parametrize("params, message", [
    ({"n_kernels": 0}, "n_kernels must be a positive integer; got 0"),
    ({"max_dilation": None}, "max_dilation must be a positive integer; got None"),
    ({"n_groups": True}, "n_groups must be a positive integer; got True"),
    ({"n_kernels_per_group": 2.5}, "n_kernels_per_group must be a positive integer; got 2.5"),
    ({"alphas": []}, "alphas must be positive penalties"),
])
def test_rocket_hydra_bad_parameters_are_named(params, message):
    X, y = _shapes(10)
    with pytest.raises(ValueError, match=message):
        RocketHydraRidgeClassifier(**params).fit(X, y)


def test_rocket_hydra_bad_targets_are_refused_by_name():
    X, y = _shapes(10)
    with pytest.raises(ValueError, match="^RocketHydraRidgeClassifier needs at least two"):
        RocketHydraRidgeClassifier(**BOTH).fit(X, np.zeros(10))
    with pytest.raises(ValueError, match="^RocketHydraRidgeRegressor needs numeric targets"):
        RocketHydraRidgeRegressor(**BOTH).fit(X, np.array(["a", "b"] * 5))

    class MyHydra(HydraRidgeClassifier):
        pass

    with pytest.raises(ValueError, match="^MyHydra needs at least two classes"):
        MyHydra(**SMALL).fit(X, np.zeros(10))

"""Anomaly detection: the stream/collection forms, the nearest-window baseline, the
autoencoder and the AutoSeqAnomalyDetector search (leaderboard, thresholds, persistence)."""

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from autoseq.baselines.anomaly import MatrixProfileDetector, NearestWindowDetector
from autoseq.estimators.window_scoring import as_stream, detect_period, is_stream, stream_windows

ANOMALY = slice(400, 412)


def noisy_sine(n, *, seed=0, period=25, noise=0.05):
    rng = np.random.default_rng(seed)
    return np.sin(2 * np.pi * np.arange(n) / period) + rng.normal(0, noise, n)


def with_anomaly(x, where=ANOMALY):
    x = x.copy()
    x[where] = 1.8  # a plateau above anything the sine reaches
    return x


def example_module():
    path = Path(__file__).resolve().parents[1] / "examples" / "anomaly_metrics.py"
    spec = importlib.util.spec_from_file_location("anomaly_metrics", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def tiny_gru():
    from autoseq import get_architecture

    return get_architecture("gru", units=8)


# -- input forms -------------------------------------------------------------------------
@pytest.mark.parametrize("X, expected", [
    (pd.Series([1.0, 2.0, 3.0]), (3, 1)),
    (pd.DataFrame({"cpu": [1.0, 2.0], "mem": [3.0, 4.0], "io": [5.0, 6.0]}), (2, 3)),
    ([1, 2, 3, 4], (4, 1)),
    (np.zeros((5, 2)), (5, 2)),
    (np.zeros((5, 1, 2)), (5, 2)),
])
def test_as_stream_reads_every_stream_form(X, expected):
    assert as_stream(X).shape == expected


def test_is_stream_tells_streams_from_collections():
    assert is_stream(pd.Series([1.0, 2.0])) and is_stream(pd.DataFrame({"a": [1.0]}))
    assert is_stream(np.arange(5.0)) and is_stream([1.0, 2, 3])
    assert not is_stream(np.zeros((3, 4))) and not is_stream(np.zeros((3, 4, 2)))
    assert not is_stream([np.zeros(3), np.zeros(4)])


@pytest.mark.parametrize("X, error, match", [
    (np.array([1.0, np.nan, 2.0]), ValueError, "NaN"),
    (np.zeros((2, 3, 4, 5)), ValueError, r"\(2, 3, 4, 5\)"),
    (np.zeros((4, 3, 2)), ValueError, "n_rows, 1, n_channels"),
    (["a", "b"], TypeError, "text"),
    (np.zeros((0, 2)), ValueError, "empty"),
])
def test_as_stream_rejects_bad_input_naming_what_it_got(X, error, match):
    with pytest.raises(error, match=match):
        as_stream(X)


def test_stream_windows_are_consecutive_rows():
    rows = np.arange(10.0).reshape(5, 2)
    windows = stream_windows(rows, 3, stride=2)
    assert windows.shape == (2, 3, 2)
    np.testing.assert_array_equal(windows[1], rows[2:5])


# -- the baseline and the shared scoring ------------------------------------------------------
def test_nearest_windows_finds_the_planted_stretch_in_a_stream():
    det = NearestWindowDetector(window_length=20).fit(noisy_sine(600))
    test = with_anomaly(noisy_sine(600, seed=1))
    scores = det.score_samples(test)
    assert scores.shape == (600,)
    assert ANOMALY.start - 10 <= np.argmin(scores) < ANOMALY.stop + 10
    flagged = det.predict(test) == -1
    assert flagged[ANOMALY].all()
    assert flagged.sum() < 80  # the stretch, the windows around it, and little else
    np.testing.assert_allclose(det.decision_function(test), scores - det.offset_)


def test_auto_threshold_is_the_largest_error_of_the_held_out_tail():
    train = noisy_sine(500)
    det = NearestWindowDetector(window_length=20).fit(train)
    n_windows = 500 - 20 + 1
    n_val = round(n_windows * 0.1)
    # rows no window of the reference part covered
    tail = train[(n_windows - n_val - 1) + 20:]
    reference = NearestWindowDetector(window_length=20, validation_fraction=0).fit(
        train[:(n_windows - n_val - 1) + 20])
    assert det.offset_ == pytest.approx(reference.score_samples(tail).min())


class _FirstStepMissed(NearestWindowDetector):
    """Reconstructs every window perfectly except its first step (rebuilt as 0)."""

    def _fit_windows(self, windows):
        pass

    def _reconstruct(self, windows, starts=None):
        out = windows.copy()
        out[:, 0] = 0.0
        return out


@pytest.mark.parametrize("aggregate", ["mean", "max"])
def test_rows_aggregate_the_errors_of_the_windows_covering_them(aggregate):
    x = np.arange(1.0, 11.0)
    det = _FirstStepMissed(window_length=4, aggregate=aggregate, contamination=0.1).fit(x)
    scores = det.score_samples(x)
    # row t is the first step of one window only (none for the last 3 rows)
    covering = np.array([1, 2, 3, 4, 4, 4, 4, 3, 2, 1])
    first_of_a_window = np.arange(10) < 7
    error = np.where(first_of_a_window, x**2, 0.0)
    expected = error / covering if aggregate == "mean" else error
    np.testing.assert_allclose(scores, -expected)


def test_float_contamination_flags_that_share_of_the_training_data_left_out_in_turn():
    from sklearn.neighbors import NearestNeighbors

    rng = np.random.default_rng(0)
    train = rng.normal(size=(300, 6, 2))
    det = NearestWindowDetector(contamination=0.2).fit(train)
    flat = train.reshape(300, -1)
    other = NearestNeighbors(n_neighbors=2).fit(flat).kneighbors(flat)[1][:, 1]
    left_out_scores = -np.mean((train - train[other]) ** 2, axis=(1, 2))
    assert det.offset_ == pytest.approx(np.percentile(left_out_scores, 20))


def test_in_sample_scores_of_a_stream_leave_out_overlapping_windows():
    x = noisy_sine(300)
    det = NearestWindowDetector(window_length=10, contamination=0.1).fit(x)
    in_sample = det._stream_scores(as_stream(x), in_sample=True)
    assert (in_sample < 0).all()  # no row is rebuilt by the window it sits in
    assert np.percentile(in_sample, 10) == pytest.approx(det.offset_)


def test_collections_score_each_sequence_including_ragged_ones():
    rng = np.random.default_rng(0)
    t = np.arange(30)
    train = [np.sin(t[: 20 + i % 10] / 3 + rng.uniform(0, 0.3)) for i in range(60)]
    test = [np.sin(t[:25] / 3), rng.normal(0, 1, 25), np.sin(t[:28] / 3)]
    scores = NearestWindowDetector(n_neighbors=3).fit(train).score_samples(test)
    assert scores.shape == (3,) and np.argmin(scores) == 1


def test_the_multichannel_example_stream_has_its_swap_found_by_the_baseline():
    from autoseq.preprocessing.scaling import SequenceScaler

    metrics = example_module().server_metrics
    train = metrics(2 * 24 * 60, seed=1).to_numpy()[:, None, :]
    test = metrics(24 * 60, seed=2, swap=(700, 730), start=2 * 24 * 60).to_numpy()[:, None, :]
    scaler = SequenceScaler().fit(train)
    det = NearestWindowDetector(window_length=30).fit(scaler.transform(train))
    assert 700 <= np.argmin(det.score_samples(scaler.transform(test))) < 730


@pytest.mark.parametrize("params, match", [
    ({"window_length": 1}, "window_length"),
    ({"window_length": 2.5}, "window_length"),
    ({"window_length": 10, "stride": 0}, "stride"),
    ({"window_length": 10, "aggregate": "median"}, "aggregate"),
    ({"window_length": 10, "contamination": 0.7}, "contamination"),
    ({"window_length": 10, "contamination": "high"}, "contamination"),
    ({"window_length": 10, "n_neighbors": 0}, "n_neighbors"),
    ({"window_length": 10, "validation_fraction": 1.0}, "validation_fraction"),
    ({"window_length": 500}, "needs at least 501"),
])
def test_bad_parameters_fail_before_fitting_with_a_clear_message(params, match):
    with pytest.raises(ValueError, match=match):
        NearestWindowDetector(**params).fit(noisy_sine(300))


def test_a_stream_without_window_length_is_refused_with_a_hint():
    with pytest.raises(ValueError, match="set window_length"):
        NearestWindowDetector().fit(pd.Series(noisy_sine(100)))


def test_scoring_data_with_other_channels_or_too_few_rows_is_refused():
    det = NearestWindowDetector(window_length=10).fit(np.zeros((100, 2)) + noisy_sine(100)[:, None])
    with pytest.raises(ValueError, match="3 channels"):
        det.score_samples(np.zeros((50, 3)))
    with pytest.raises(ValueError, match="fewer than the window length"):
        det.score_samples(np.zeros((5, 2)))


CHANNELS_REASON = "n_features_in_ counts channels: a 2-D X is n_sequences x n_steps of one channel"
LENGTH_REASON = "X.T is valid input: sequences of another length are padded or truncated"
TRAINING_DATA_REASON = ("the training data itself is scored leaving each window out "
                        "(LocalOutlierFactor's novelty=False); a subset or a reordering of it "
                        "is new data, scored against every training window")
NEAREST_WINDOW_FAILURES = {
    "check_n_features_in_after_fitting": CHANNELS_REASON,
    "check_n_features_in": CHANNELS_REASON,
    "check_outliers_train": LENGTH_REASON,
    "check_methods_subset_invariance": TRAINING_DATA_REASON,
    "check_methods_sample_order_invariance": TRAINING_DATA_REASON,
}
MATRIX_PROFILE_FAILURES = {
    **NEAREST_WINDOW_FAILURES,
    "check_outliers_fit_predict": "z-normalized, every 2-step sequence of the check's data is "
                                  "(-1, 1) or (1, -1): each has an exact match, none is abnormal",
}


@parametrize_with_checks([NearestWindowDetector(n_neighbors=2), MatrixProfileDetector()],
                         expected_failed_checks=lambda est: (
                             MATRIX_PROFILE_FAILURES if isinstance(est, MatrixProfileDetector)
                             else NEAREST_WINDOW_FAILURES))
def test_the_baselines_are_scikit_learn_outlier_detectors(estimator, check):
    check(estimator)


# -- the training data: anomalies inside it are found -----------------------------------------
@pytest.mark.parametrize("detector", [NearestWindowDetector, MatrixProfileDetector])
def test_fit_predict_finds_the_anomaly_inside_the_training_stream(detector):
    x = with_anomaly(noisy_sine(600))
    det = detector(window_length=20, contamination=0.1)
    flags = det.fit_predict(x)
    assert (flags[ANOMALY] == -1).all()
    assert np.mean(flags == -1) == pytest.approx(0.1, abs=0.01)
    # the same values in another object are the training data too; new data is not
    scores = det.score_samples(pd.Series(x.copy()))
    assert ANOMALY.start - 20 <= np.argmin(scores) < ANOMALY.stop + 20
    np.testing.assert_array_equal(det.predict(x), flags)
    # other data (one row shorter) is new: each window matches its training copy exactly
    np.testing.assert_allclose(det.score_samples(x[:-1]), 0.0, atol=1e-8)


@pytest.mark.parametrize("detector", [NearestWindowDetector, MatrixProfileDetector])
def test_fit_predict_finds_the_abnormal_sequences_inside_a_collection(detector):
    rng = np.random.default_rng(0)
    t = np.arange(20)
    X = np.stack([np.sin(t / 3 + rng.uniform(0, 6)) for _ in range(60)])[:, :, None]
    X[[50, 55]] = rng.normal(0, 1, size=(2, 20, 1))
    flags = detector(contamination=0.04).fit_predict(X)
    assert set(np.flatnonzero(flags == -1)) >= {50, 55}


def test_new_data_equal_to_a_training_window_is_compared_with_every_window():
    x = noisy_sine(300)
    det = NearestWindowDetector(window_length=10).fit(x)
    # scored as new data, a copy of a training stretch is its own perfect match
    np.testing.assert_allclose(det.score_samples(x[50:150]), 0.0)
    assert (det.score_samples(x) < 0).all()


def _brute_force_profile(x, m, exclusion=True):
    """Each window's squared z-normalized distance to its nearest non-overlapping window."""
    w = sliding_window(x, m)
    z = (w - w.mean(axis=1, keepdims=True)) / w.std(axis=1, keepdims=True)
    d2 = ((z[:, None, :] - z[None, :, :]) ** 2).sum(axis=2)
    if exclusion:
        i = np.arange(len(w))
        d2[np.abs(i[:, None] - i[None, :]) < m] = np.inf
    return d2.min(axis=1)


def sliding_window(x, m):
    return np.lib.stride_tricks.sliding_window_view(x, m)


def test_the_matrix_profile_is_the_exact_z_normalized_nearest_neighbour_distance():
    rng = np.random.default_rng(1)
    x = np.sin(2 * np.pi * np.arange(400) / 30) + rng.normal(0, 0.1, 400)
    x[250:256] = 0.0
    m = 24
    det = MatrixProfileDetector(m, aggregate="max", validation_fraction=0).fit(x)
    windows = stream_windows(x[:, None], m)
    errors = det._step_errors(windows, np.arange(len(windows)))[:, 0]
    np.testing.assert_allclose(errors, _brute_force_profile(x, m) / m, rtol=1e-6, atol=1e-9)
    # the discord window holds the planted stretch
    assert 250 - m < np.argmax(errors) <= 256


def test_the_matrix_profile_equals_stumpys():
    stumpy = pytest.importorskip("stumpy")
    rng = np.random.default_rng(0)
    x = np.sin(2 * np.pi * np.arange(500) / 40) + rng.normal(0, 0.1, 500)
    x[300:306] = 0.0
    m = 30
    denominator = stumpy.config.STUMPY_EXCL_ZONE_DENOM
    stumpy.config.STUMPY_EXCL_ZONE_DENOM = m / (m - 1.5)  # zone m - 1: no overlapping window
    try:
        profile = stumpy.stump(x, m)[:, 0].astype(float)
    finally:
        stumpy.config.STUMPY_EXCL_ZONE_DENOM = denominator
    det = MatrixProfileDetector(m, validation_fraction=0).fit(x)
    windows = stream_windows(x[:, None], m)
    errors = det._step_errors(windows, np.arange(len(windows)))[:, 0]
    np.testing.assert_allclose(errors, profile ** 2 / m, rtol=1e-5, atol=1e-7)
    new = x[::-1].copy()
    joined = stumpy.stump(new, m, x, ignore_trivial=False)[:, 0].astype(float)
    np.testing.assert_allclose(det._step_errors(stream_windows(new[:, None], m))[:, 0],
                               joined ** 2 / m, rtol=1e-5, atol=1e-7)


def test_constant_windows_follow_stumpys_rule():
    x = np.r_[np.zeros(40), noisy_sine(200), np.zeros(40)]
    det = MatrixProfileDetector(10, validation_fraction=0).fit(x)
    errors = det._step_errors(stream_windows(x[:, None], 10))[:, 0]
    assert errors[0] == 0.0  # a constant window matches the constant windows
    assert np.isfinite(det.score_samples(x)).all()


# -- labels and window lengths (no training) -------------------------------------------------
def test_labels_choose_the_offset_that_separates_them_best():
    from autoseq.automl.detector import _best_f1_offset, _check_labels

    scores = np.array([-9.0, -8.0, -1.0, -0.5, -0.2, -0.1])
    anomalous = _check_labels([1, 1, 0, 0, 0, 0], 6)
    offset = _best_f1_offset(scores, anomalous)
    assert -8.0 < offset < -1.0
    np.testing.assert_array_equal(_check_labels([-1, 1, 1], 3), [True, False, False])


@pytest.mark.parametrize("y, match", [
    ([0, 0, 0], "both classes"), ([2, 0, 1], "0/1"), ([0, 1], "has 2 entries"),
])
def test_labels_that_cannot_mark_anomalies_are_refused(y, match):
    from autoseq.automl.detector import _check_labels

    with pytest.raises(ValueError, match=match):
        _check_labels(y, 3)


def test_default_window_lengths_follow_the_period_and_fit_the_folds():
    from autoseq.automl.detector import DEFAULT_WINDOWS, default_window_lengths

    assert default_window_lengths(noisy_sine(3000, period=100)[:, None]) == [50, 100]
    flat_noise = np.random.default_rng(0).normal(size=(3000, 1))
    assert default_window_lengths(flat_noise) == list(DEFAULT_WINDOWS)
    assert max(default_window_lengths(noisy_sine(300, period=100)[:, None])) <= 300 // 4 // 3


@pytest.mark.parametrize("period", [10, 100, 1000])
def test_the_period_is_found_short_or_long(period):
    x = noisy_sine(10_000, period=period)
    assert abs(detect_period(x) - period) <= period // 100
    from autoseq.automl.detector import default_window_lengths

    lengths = default_window_lengths(x[:, None])
    assert lengths[-1] == pytest.approx(period, rel=0.01) or lengths[-1] == 10_000 // 4 // 3


def test_no_period_without_a_cycle():
    rng = np.random.default_rng(0)
    assert detect_period(rng.normal(size=2000)) is None
    assert detect_period(np.cumsum(rng.normal(size=2000))) is None  # a random walk
    assert detect_period(np.ones(100)) is None
    # several channels: their mean autocorrelation
    two = np.column_stack([noisy_sine(3000, period=50), noisy_sine(3000, seed=1, period=50)])
    assert detect_period(two) == 50


# -- the autoencoder ------------------------------------------------------------------------
def test_every_deep_anomaly_architecture_builds_an_autoencoder():
    from autoseq import get_architecture, list_architectures
    from autoseq.estimators.autoencoder import _AutoencoderBody
    from autoseq.networks.build import HeadSpec, build_model

    names = [n for n in list_architectures("anomaly") if get_architecture(n).kind == "deep"]
    assert "lstm" in names and "tcn" in names
    for name in names:
        body = _AutoencoderBody(get_architecture(name), bottleneck=3)
        model = build_model(body, n_steps=12, n_channels=2, head=HeadSpec("reconstruction", 2))
        assert model.output_shape == (None, 12, 2), name
        assert model.get_layer("bottleneck").units == 3


def test_the_reconstruction_loss_ignores_padded_steps():
    from autoseq.estimators.autoencoder import _with_mask, masked_reconstruction_error

    windows = np.ones((1, 4, 2), dtype="float32")
    windows[0, 2:] = np.nan
    prediction = np.zeros((1, 4, 2), dtype="float32")
    prediction[0, 2:] = 100.0  # wrong where padded: must not count
    loss = np.asarray(masked_reconstruction_error(_with_mask(windows), prediction))
    np.testing.assert_allclose(loss, [1.0])


@pytest.fixture(scope="module")
def autoencoder():
    from autoseq.estimators.autoencoder import SeqAutoencoder

    train = noisy_sine(500)
    model = SeqAutoencoder(tiny_gru(), window_length=16, bottleneck=4, epochs=3, batch_size=64,
                           random_state=0).fit(train)
    return model, train


def test_the_autoencoder_scores_rows_and_flags_the_planted_stretch(autoencoder):
    model, _ = autoencoder
    test = with_anomaly(noisy_sine(600, seed=1))
    scores = model.score_samples(test)
    assert scores.shape == (600,)
    assert ANOMALY.start - 16 <= np.argmin(scores) < ANOMALY.stop + 16
    assert np.mean(model.predict(test)[ANOMALY] == -1) >= 0.75
    assert model.model_.get_layer("bottleneck").units == 4


def test_the_autoencoder_threshold_comes_from_its_never_trained_on_tail(autoencoder):
    model, train = autoencoder
    assert "val_loss" in model.history_
    assert model.stride_ == 16 // 8
    n_windows = len(range(0, len(train) - 16 + 1, model.stride_))
    n_val = round(n_windows * 0.1)
    tail = train[(n_windows - n_val - 1) * model.stride_ + 16:]
    assert model.offset_ == pytest.approx(model.score_samples(tail).min(), rel=1e-6)


def test_a_float_contamination_flags_that_share_of_the_training_rows():
    from autoseq.estimators.autoencoder import SeqAutoencoder

    train = noisy_sine(300)
    model = SeqAutoencoder(tiny_gru(), window_length=12, bottleneck=4, epochs=1,
                           contamination=0.2, training_folds=0, random_state=0).fit(train)
    assert np.mean(model.predict(train) == -1) == pytest.approx(0.2, abs=0.01)


def test_a_saved_and_reloaded_autoencoder_scores_identically(autoencoder, tmp_path):
    import autoseq

    model, train = autoencoder
    autoseq.save(model, tmp_path / "ae.autoseq")
    loaded = autoseq.load(tmp_path / "ae.autoseq")
    np.testing.assert_array_equal(loaded.score_samples(train), model.score_samples(train))
    assert loaded.offset_ == model.offset_


def test_the_autoencoder_scores_each_sequence_of_a_ragged_collection():
    from autoseq.estimators.autoencoder import SeqAutoencoder

    rng = np.random.default_rng(0)
    X = [rng.normal(size=(8 + i % 4, 2)) for i in range(24)]
    model = SeqAutoencoder(tiny_gru(), epochs=1, random_state=0).fit(X)
    scores = model.score_samples(X)
    assert scores.shape == (24,) and np.isfinite(scores).all()
    assert model.window_length_ == 11


def test_the_autoencoder_scores_its_training_data_out_of_fold():
    from autoseq.estimators.autoencoder import SeqAutoencoder

    x = with_anomaly(noisy_sine(500))
    model = SeqAutoencoder(tiny_gru(), window_length=16, bottleneck=4, epochs=2, batch_size=64,
                           contamination=0.1, random_state=0)
    flags = model.fit_predict(x)  # three trainings: on all rows, and on each half
    assert model.training_scores_.shape == (500,)
    np.testing.assert_array_equal(model.score_samples(x), model.training_scores_)
    assert np.mean(flags == -1) == pytest.approx(0.1, abs=0.01)
    assert np.mean(flags[ANOMALY] == -1) >= 0.75
    assert ANOMALY.start - 16 <= np.argmin(model.training_scores_) < ANOMALY.stop + 16
    model.set_params(training_folds=0, epochs=1).fit(x)
    assert not hasattr(model, "training_scores_")
    with pytest.raises(ValueError, match="training_folds"):
        model.set_params(training_folds=1).fit(x)


def _autoencoder_for_checks():
    from autoseq.estimators.autoencoder import SeqAutoencoder

    return SeqAutoencoder(tiny_gru(), bottleneck=2, epochs=1, random_state=0)


@pytest.mark.slow
def test_the_autoencoder_is_a_scikit_learn_outlier_detector():
    from sklearn.utils.estimator_checks import check_estimator

    failures = check_estimator(_autoencoder_for_checks(), on_fail=None, expected_failed_checks={
        "check_n_features_in_after_fitting": CHANNELS_REASON,
        "check_n_features_in": CHANNELS_REASON,
        "check_outliers_train": LENGTH_REASON,
        "check_methods_subset_invariance": "float32 network: the batch a sequence is scored "
                                           "in changes the last digits (about 1e-6 relative); "
                                           + TRAINING_DATA_REASON,
        "check_methods_sample_order_invariance": TRAINING_DATA_REASON})
    failed = [f"{r['check_name']}: {r['exception']}" for r in failures
              if r["status"] == "failed"]
    assert not failed, "\n".join(failed)


def test_an_architecture_without_the_anomaly_task_is_refused_before_training():
    from autoseq import Architecture
    from autoseq.estimators.autoencoder import SeqAutoencoder

    class Classifying(Architecture):
        name = "only_classifies"
        tasks = frozenset({"classification"})

        def build(self, x, *, units=4):
            return self.keras.layers.GlobalAveragePooling1D()(x)

    with pytest.raises(ValueError, match="does not support the task 'anomaly'"):
        SeqAutoencoder(Classifying(), window_length=8).fit(noisy_sine(100))


# -- the search -----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def detector():
    from autoseq import AutoSeqAnomalyDetector

    train = pd.Series(noisy_sine(500))
    det = AutoSeqAnomalyDetector(architectures=[tiny_gru()], window_length=16, bottleneck=4,
                                 max_epochs=2, cv=2, time_budget=None, random_state=0).fit(train)
    return det, train


def test_the_detector_finds_a_planted_stretch_and_shows_the_baseline(detector):
    det, _ = detector
    board = det.leaderboard_
    assert set(board["kind"]) == {"deep", "baseline"}
    assert set(board["architecture"]) == {"gru", "nearest_windows", "matrix_profile"}
    # the discord baseline runs first, before any autoencoder
    assert isinstance(det.cv_results_["params"][0]["model"], MatrixProfileDetector)
    assert board.loc[board["kind"] == "deep", "params"].iloc[0]["window_length"] == 16
    test = pd.Series(with_anomaly(noisy_sine(600, seed=1)))
    scores = det.score_samples(test)
    assert scores.shape == (600,)
    assert ANOMALY.start - 16 <= np.argmin(scores) < ANOMALY.stop + 16
    assert det.threshold_source_ == "out_of_fold"
    np.testing.assert_allclose(det.decision_function(test), scores - det.offset_)
    assert set(np.unique(det.predict(test))) == {-1, 1}
    assert det.n_features_in_ == 1 and det.stream_


@pytest.mark.parametrize("baselines", [True, False])
def test_the_detector_finds_the_anomaly_inside_its_training_stream(baselines):
    from autoseq import AutoSeqAnomalyDetector
    from autoseq.estimators.autoencoder import SeqAutoencoder

    x = pd.Series(with_anomaly(noisy_sine(500)))
    det = AutoSeqAnomalyDetector(architectures=[tiny_gru()], window_length=16, bottleneck=4,
                                 max_epochs=2, cv=2, contamination=0.1, baselines=baselines,
                                 time_budget=None, random_state=0)
    flags = det.fit_predict(x)
    assert np.mean(flags[ANOMALY] == -1) >= 0.75
    assert np.mean(flags == -1) <= 0.15
    assert ANOMALY.start - 16 <= np.argmin(det.score_samples(x)) < ANOMALY.stop + 16
    model = det.best_estimator_[-1]
    if isinstance(model, SeqAutoencoder):  # the refitted winner scores its data out of fold
        assert model.training_scores_.shape == (500,)


def test_architectures_empty_searches_the_baselines_only():
    from autoseq import AutoSeqAnomalyDetector

    x = pd.Series(with_anomaly(noisy_sine(500)))
    det = AutoSeqAnomalyDetector(architectures=[], contamination=0.05, random_state=0).fit(x)
    assert set(det.leaderboard_["kind"]) == {"baseline"}
    assert set(det.leaderboard_["architecture"]) == {"matrix_profile", "nearest_windows"}
    assert ANOMALY.start - 25 <= np.argmin(det.score_samples(x)) < ANOMALY.stop + 25
    with pytest.raises(ValueError, match="architectures=\\[\\] means the baselines only"):
        AutoSeqAnomalyDetector(architectures=[], baselines=False).fit(x)


def test_the_default_grid_is_small_with_the_discord_first():
    from sklearn.model_selection import ParameterGrid

    from autoseq import AutoSeqAnomalyDetector
    from autoseq.automl.detector import DEFAULT_ARCHITECTURES, MAX_AUTOENCODER_WINDOW

    det = AutoSeqAnomalyDetector()
    task = det._make_task()
    X, y = task.check_input(pd.Series(noisy_sine(20_000, period=200)), None)
    candidates = list(ParameterGrid(task.param_grid(X, y)))
    assert isinstance(candidates[0]["model"], MatrixProfileDetector)
    assert candidates[0]["model__window_length"] == 100
    deep = [c for c in candidates if "model__architecture" in c]
    assert sorted(c["model__architecture"].name for c in deep) == sorted(DEFAULT_ARCHITECTURES)
    assert all(c["model__window_length"] <= MAX_AUTOENCODER_WINDOW for c in deep)
    baselines = candidates[:len(candidates) - len(deep)]
    assert all("model__architecture" not in c for c in baselines)
    # a long stream trains on a bounded number of windows, for a bounded number of steps
    for c in deep:
        n_windows = (20_000 - c["model__window_length"]) // c["model__stride"] + 1
        assert n_windows <= 600 and c["model__epochs"] <= 12
    assert len(candidates) <= 6


def test_a_saved_and_reloaded_detector_scores_identically(detector, tmp_path):
    import autoseq

    det, train = detector
    autoseq.save(det, tmp_path / "det.autoseq")
    loaded = autoseq.load(tmp_path / "det.autoseq")
    np.testing.assert_array_equal(loaded.score_samples(train), det.score_samples(train))
    np.testing.assert_array_equal(loaded.predict(train), det.predict(train))


def test_a_detector_fitted_on_a_stream_refuses_a_collection(detector):
    det, _ = detector
    with pytest.raises(ValueError, match="fitted on one stream"):
        det.score_samples(np.zeros((5, 16, 1)))


@pytest.mark.parametrize("params, y, match", [
    ({"contamination": 0.1}, np.r_[np.zeros(499), 1], "not both"),
    ({"bottleneck": [4, 0]}, None, "bottleneck"),
    ({"window_length": "long"}, None, "window_length"),
    ({"aggregate": "sum"}, None, "aggregate"),
])
def test_the_detector_refuses_bad_settings_before_training(params, y, match):
    from autoseq import AutoSeqAnomalyDetector

    with pytest.raises(ValueError, match=match):
        AutoSeqAnomalyDetector(architectures=["gru"], **params).fit(noisy_sine(500), y)


def test_labels_choose_the_detector_threshold_and_collections_work():
    from autoseq import AutoSeqAnomalyDetector

    rng = np.random.default_rng(0)
    t = np.arange(20)
    X = np.stack([np.sin(t / 3 + rng.uniform(0, 6)) for _ in range(60)])[:, :, None]
    X[[50, 55]] = rng.normal(0, 1, size=(2, 20, 1))
    y = np.zeros(60, dtype=int)
    y[[50, 55]] = 1
    det = AutoSeqAnomalyDetector(architectures=[tiny_gru()], bottleneck=4, max_epochs=2, cv=2,
                                 baselines=False, time_budget=None, random_state=0).fit(X, y)
    assert det.threshold_source_ == "labels" and not det.stream_
    assert set(det.leaderboard_["kind"]) == {"deep"}
    assert det.score_samples(X).shape == (60,)
    np.testing.assert_array_equal(np.flatnonzero(det.predict(X) == -1), [50, 55])


def test_without_fold_scores_the_threshold_is_the_refitted_models_own(detector):
    import pickle

    det, train = detector
    det = pickle.loads(pickle.dumps(det))
    assert det.threshold_source_ == "out_of_fold"
    def finish(det):  # what fit does after the refit when the search kept no fold scores
        task = det._make_task()
        task.stream = det.stream_
        task.finish(det._internal(train), None)

    finish(det)
    assert det.threshold_source_ == "held_out_tail"
    assert det.offset_ == det.best_estimator_[-1].offset_
    # a float contamination: the refitted model's share of the training data decides
    det.set_params(contamination=0.1)
    finish(det)
    assert det.threshold_source_ == "contamination"


# -- done-when on real and generated data -------------------------------------------------
@pytest.mark.slow
def test_kdd_tsad_135_the_most_abnormal_row_lies_in_the_labelled_anomaly():
    from conftest import archive

    from autoseq import AutoSeqAnomalyDetector

    folder = archive("KDD-TSAD_135")
    train = pd.read_csv(folder / "train.csv")["value"]
    test = pd.read_csv(folder / "test.csv")
    labelled = np.flatnonzero(test["is_anomaly"].to_numpy() == 1)
    # the default detector as a user runs it: on the normal part, and on the whole stream
    # (the anomaly inside its own training data)
    for fitted in (train, test["value"]):
        det = AutoSeqAnomalyDetector(random_state=0).fit(fitted)
        worst = int(np.argmin(det.score_samples(test["value"])))
        assert labelled.min() - 100 <= worst <= labelled.max() + 100
    # and an autoencoder alone, without the baselines to fall back on
    deep = AutoSeqAnomalyDetector(
        architectures=["lstm"], window_length=45, bottleneck=16, baselines=False,
        param_grid={"lstm": {"units": [32], "dropout": [0.1], "model__epochs": [30]}},
        time_budget=None, random_state=0).fit(train)
    worst = int(np.argmin(deep.score_samples(test["value"])))
    assert labelled.min() - 100 <= worst <= labelled.max() + 100


@pytest.mark.slow
def test_the_multichannel_example_swap_is_found_by_the_detector():
    from autoseq import AutoSeqAnomalyDetector

    metrics = example_module().server_metrics
    train = metrics(2 * 24 * 60, seed=1)
    test = metrics(24 * 60, seed=2, swap=(700, 730), start=len(train))
    det = AutoSeqAnomalyDetector(random_state=0).fit(train)
    assert 700 <= np.argmin(det.score_samples(test)) < 730

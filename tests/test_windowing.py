"""SlidingWindow, supervised windows and history samples."""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.pipeline import Pipeline

from autoseq import SequenceScaler, SlidingWindow
from autoseq.baselines.forecast import LinearForecast
from autoseq.preprocessing.windowing import (
    ForecastPipeline,
    TargetTransform,
    as_samples,
    boxcox_lambda,
    future_targets,
    history_samples,
    last_observed,
    make_windows,
)


def test_make_windows_are_the_tutorials_supervised_pairs():
    series = np.arange(10.0)
    X, y = make_windows(series, lookback=3)
    assert X.shape == (7, 3, 1) and y.shape == (7,)
    np.testing.assert_array_equal(X[2, :, 0], [2, 3, 4])
    assert y[2] == 5
    X, y = make_windows(series, lookback=3, horizon=2)
    assert X.shape == (6, 3, 1) and y.shape == (6, 2)
    np.testing.assert_array_equal(y[0], [3, 4])


def test_make_windows_keeps_extra_channels_and_targets_channel_zero():
    series = np.column_stack([np.arange(6.0), 10 + np.arange(6.0)])
    X, y = make_windows(series, lookback=2)
    assert X.shape == (4, 2, 2)
    np.testing.assert_array_equal(X[0], [[0, 10], [1, 11]])
    np.testing.assert_array_equal(y, [2, 3, 4, 5])


@pytest.mark.parametrize("kwargs, match", [
    ({"lookback": 8}, "at least 9"),
    ({"lookback": 0}, "lookback must be a positive integer"),
    ({"lookback": 2, "horizon": 1.5}, "horizon must be a positive integer"),
])
def test_make_windows_errors_say_what_is_needed(kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_windows(np.arange(8.0), **kwargs)


def test_make_windows_refuses_missing_values_and_text():
    with pytest.raises(ValueError, match="NaN"):
        make_windows([1.0, np.nan, 3.0, 4.0], lookback=2)
    with pytest.raises(TypeError, match="numeric series"):
        make_windows(["a", "b", "c"], lookback=1)


def test_history_samples_hold_only_the_past_of_the_target():
    values = np.column_stack([np.arange(6.0), 100 + np.arange(6.0)])
    out = history_samples(values, origins=[1, 4], history=3, horizon=2)
    assert out.shape == (2, 5, 2)
    # origin 1: two rows before the series started, then y[0], then the future
    assert np.isnan(out[0, :2]).all()
    np.testing.assert_array_equal(out[0, 2], [0, 100])
    # the target is unknown from the origin on; exogenous future values are kept
    assert np.isnan(out[0, 3:, 0]).all()
    np.testing.assert_array_equal(out[0, 3:, 1], [101, 102])
    np.testing.assert_array_equal(out[1, :3, 0], [1, 2, 3])
    assert np.isnan(out[1, 3:, 0]).all()
    np.testing.assert_array_equal(future_targets(values[:, 0], [1, 4], 2), [[1, 2], [4, 5]])


def test_window_ends_at_the_last_observation_and_pads_short_histories():
    samples = np.array([[np.nan, 1.0, 2.0, np.nan, np.nan],
                        [1.0, 2.0, 3.0, 4.0, np.nan]])
    np.testing.assert_array_equal(last_observed(as_samples(samples)), [2, 3])
    out = SlidingWindow(lookback=3).fit_transform(samples)
    assert out.shape == (2, 3, 1)
    assert np.isnan(out[0, 0, 0])
    np.testing.assert_array_equal(out[0, 1:, 0], [1, 2])
    np.testing.assert_array_equal(out[1, :, 0], [2, 3, 4])


def test_padding_covers_whole_steps_so_networks_can_mask_it():
    samples = history_samples(np.column_stack([np.arange(5.0), np.ones(5)]), [2], 4, 1)
    out = SlidingWindow(lookback=4).fit_transform(samples)
    assert np.isnan(out[0, :2]).all() and not np.isnan(out[0, 2:]).any()


def test_normalize_last_makes_windows_and_targets_relative_and_back():
    samples = np.array([[1.0, 2.0, 5.0], [10.0, 20.0, 30.0]])
    window = SlidingWindow(lookback=2, normalize="last").fit(samples)
    np.testing.assert_array_equal(window.transform(samples)[:, :, 0], [[-3, 0], [-10, 0]])
    y = np.array([[6.0, 7.0], [31.0, 29.0]])
    relative = window.transform_target(samples, y)
    np.testing.assert_array_equal(relative, [[1, 2], [1, -1]])
    np.testing.assert_array_equal(window.inverse_transform_target(samples, relative), y)
    assert window.transform_target(samples, np.array([6.0, 31.0])).tolist() == [1.0, 1.0]


def test_normalize_leaves_exogenous_channels_alone():
    samples = np.stack([np.column_stack([[1.0, 2.0, 3.0], [7.0, 8.0, 9.0]])])
    out = SlidingWindow(lookback=3, normalize="last").fit_transform(samples)
    np.testing.assert_array_equal(out[0, :, 0], [-2, -1, 0])
    np.testing.assert_array_equal(out[0, :, 1], [7, 8, 9])


def test_without_normalization_targets_pass_unchanged():
    samples = np.array([[1.0, 2.0, 5.0]])
    window = SlidingWindow(lookback=2).fit(samples)
    np.testing.assert_array_equal(window.transform_target(samples, np.array([[9.0]])), [[9.0]])


@pytest.mark.parametrize("params, match", [
    ({"lookback": 0}, "lookback must be a positive integer"),
    ({"lookback": 2.5}, "lookback must be a positive integer"),
    ({"normalize": "median"}, "normalize must be one of"),
])
def test_bad_parameters_are_refused_in_fit(params, match):
    window = SlidingWindow(**params)  # __init__ only stores
    with pytest.raises(ValueError, match=match):
        window.fit(np.ones((2, 4)))


def test_channel_count_must_match_fit():
    window = SlidingWindow(lookback=2).fit(np.ones((2, 4, 2)))
    with pytest.raises(ValueError, match="expecting 2"):
        window.transform(np.ones((2, 4, 3)))


def test_a_sample_without_any_observation_gets_a_clear_error():
    window = SlidingWindow(lookback=2).fit(np.ones((1, 3)))
    with pytest.raises(ValueError, match="no observed target"):
        window.transform(np.array([[np.nan, np.nan, np.nan]]))


def test_ragged_histories_are_padded_in_front():
    out = SlidingWindow(lookback=3).fit_transform([np.arange(2.0), np.arange(5.0)])
    assert np.isnan(out[0, 0, 0])
    np.testing.assert_array_equal(out[1, :, 0], [2, 3, 4])


def test_sklearn_contract_clone_params_and_pipeline():
    window = SlidingWindow(lookback=4, normalize="last")
    assert window.get_params() == {"lookback": 4, "normalize": "last"}
    assert clone(window).set_params(lookback=2).lookback == 2
    pipe = Pipeline([("window", SlidingWindow(lookback=2))]).fit(np.ones((3, 5)))
    assert pipe.transform(np.ones((3, 5))).shape == (3, 2, 1)
    assert not hasattr(SlidingWindow(), "n_features_in_")


# -- per-window normalisation and the log / Box-Cox step ----------------------------------
@pytest.mark.parametrize("normalize", ["standard", "mean"])
def test_per_window_normalization_uses_each_windows_own_level_and_maps_back(normalize):
    samples = np.array([[1.0, 2.0, 3.0], [100.0, 200.0, 300.0]])
    window = SlidingWindow(lookback=3, normalize=normalize).fit(samples)
    out = window.transform(samples)[:, :, 0]
    np.testing.assert_allclose(out[0], out[1])  # the same shape at any level: scale-free
    y = np.array([[4.0, 5.0], [400.0, 500.0]])
    relative = window.transform_target(samples, y)
    np.testing.assert_allclose(relative[0], relative[1])
    np.testing.assert_allclose(window.inverse_transform_target(samples, relative), y)
    if normalize == "standard":
        np.testing.assert_allclose(out.mean(axis=1), 0, atol=1e-12)
        np.testing.assert_allclose(out.std(axis=1), 1)


def test_a_flat_window_keeps_its_units_instead_of_dividing_by_zero():
    samples = np.array([[5.0, 5.0, 5.0]])
    window = SlidingWindow(lookback=3, normalize="standard").fit(samples)
    np.testing.assert_array_equal(window.transform(samples)[0, :, 0], [0, 0, 0])
    assert window.inverse_transform_target(samples, np.array([[1.0]])).tolist() == [[6.0]]


@pytest.mark.parametrize("method", ["log", "boxcox"])
def test_target_transform_round_trips_and_refuses_non_positive_series(method):
    samples = np.array([[1.0, 4.0, 9.0, 16.0], [4.0, 9.0, 16.0, 25.0]])
    step = TargetTransform(method).fit(samples)
    assert step.lambda_ is not None and -1 <= step.lambda_ <= 2
    y = np.array([[30.0], [36.0]])
    back = step.inverse_transform_target(samples, step.transform_target(samples, y))
    np.testing.assert_allclose(back, y)
    with pytest.raises(ValueError, match="positive series"):
        TargetTransform(method).fit(np.array([[1.0, 0.0, 2.0]]))
    with pytest.raises(ValueError, match="method must be one of"):
        TargetTransform("sqrt").fit(samples)


def test_boxcox_exponent_matches_scipys_maximum_likelihood():
    from scipy.stats import boxcox_normmax

    x = np.random.default_rng(1).gamma(2.0, size=300) + 0.1
    assert boxcox_lambda(x) == pytest.approx(boxcox_normmax(x, method="mle"), abs=0.01)


@pytest.mark.parametrize("method, normalize", [("boxcox", "standard"), ("log", "mean"),
                                               ("none", "standard")])
def test_planted_future_value_changes_no_forecast_from_an_earlier_origin(method, normalize):
    """Transform, scaler and window statistics come from the past of each origin only."""
    t = np.arange(120)
    y = 50 + 0.5 * t + 5 * np.sin(2 * np.pi * t / 12)
    horizon, history, origin, planted_at = 3, 24, 90, 100
    train = np.arange(history, origin - horizon + 1)  # targets end before the origin
    # samples hold rows before their origin only; the last one follows the planted value
    # and shares the batch (a statistic over the batch would leak it into the others)
    test = np.arange(origin, planted_at + 2)
    planted = y.copy()
    planted[planted_at] = 1e4

    def forecasts(series):
        samples = history_samples(series[:, None], np.r_[train, test], history, horizon)
        pipe = ForecastPipeline([("transform", TargetTransform(method)),
                                 ("scaler", SequenceScaler()),
                                 ("window", SlidingWindow(12, normalize=normalize)),
                                 ("model", LinearForecast())])
        pipe.fit(samples[:len(train)], future_targets(series, train, horizon))
        return pipe.predict(samples[len(train):])

    clean, dirty = forecasts(y), forecasts(planted)
    np.testing.assert_array_equal(clean[:-1], dirty[:-1])
    assert not np.allclose(clean[-1], dirty[-1])  # the origin after it does see it


@pytest.mark.parametrize("step", [SlidingWindow(3, normalize="last"), SlidingWindow(8),
                                  TargetTransform("log"), TargetTransform("boxcox")])
def test_fit_transform_equals_fit_then_transform(step):
    y = 10 + np.arange(30.0) + np.sin(np.arange(30.0))
    samples = history_samples(y[:, None], np.arange(2, 28), history=6, horizon=2)
    expected = clone(step).fit(samples).transform(samples)
    np.testing.assert_array_equal(clone(step).fit_transform(samples), expected)
    before = samples.copy()
    clone(step).fit_transform(samples)
    np.testing.assert_array_equal(samples, before)  # the input is left as it was

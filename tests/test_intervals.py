"""Split-conformal prediction intervals of the regressor, from out-of-fold residuals."""

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import NotFittedError
from test_ensemble import ChannelRegressor, CheapRegressor
from test_search import TinyPool

from autoseq import AutoSeqRegressor
from autoseq.estimators.intervals import check_coverage, conformal_half_widths, interval_frame


def test_half_width_is_the_conformal_quantile_of_absolute_residuals():
    residuals = np.arange(1.0, 20.0) * np.where(np.arange(19) % 2, -1, 1)
    assert conformal_half_widths(residuals, 0.9).tolist() == [18.0]  # ceil(20 * 0.9) = 18th
    assert conformal_half_widths(residuals, 0.5).tolist() == [10.0]
    two = np.column_stack([np.arange(1.0, 20.0), 10 * np.arange(1.0, 20.0)])
    assert conformal_half_widths(two, 0.9).tolist() == [18.0, 180.0]


def test_too_few_residuals_give_unbounded_intervals_with_a_warning():
    with pytest.warns(UserWarning, match="5 out-of-fold residuals are too few for 90%.*at least 9"):
        assert np.isinf(conformal_half_widths(np.ones(5), 0.9)).all()


def test_no_residuals_give_unbounded_intervals_for_every_output():
    with pytest.warns(UserWarning, match="0 out-of-fold residuals"):
        widths = conformal_half_widths(np.empty((0, 3)), 0.9)
    assert widths.shape == (3,) and np.isinf(widths).all()


@pytest.mark.parametrize("coverage, error", [
    (0, ValueError), (1, ValueError), (1.5, ValueError), (-0.1, ValueError), ([], ValueError),
    ([0.5, 1.0], ValueError), ("0.9", TypeError), (True, TypeError), (None, TypeError)])
def test_coverage_outside_the_open_unit_interval_is_refused(coverage, error):
    with pytest.raises(error, match="coverage"):
        check_coverage(coverage)


def test_interval_frame_layouts():
    residuals = np.arange(1.0, 20.0)
    one = interval_frame(np.array([0.0, 1.0]), residuals, 0.9, index=pd.Index(["a", "b"]))
    assert list(one.columns) == ["lower", "upper"] and list(one.index) == ["a", "b"]
    np.testing.assert_allclose(one.loc["b"], [-17.0, 19.0])
    many = interval_frame(np.array([0.0]), residuals, [0.5, 0.9])
    assert list(many.columns) == [(0.5, "lower"), (0.5, "upper"), (0.9, "lower"), (0.9, "upper")]
    assert many.columns.names == ["coverage", "bound"]
    outputs = interval_frame(np.zeros((1, 2)), np.column_stack([residuals, residuals]), 0.9)
    assert outputs.columns.names == ["output", "bound"]
    assert list(outputs.columns) == [(0, "lower"), (0, "upper"), (1, "lower"), (1, "upper")]
    with pytest.raises(ValueError, match="residuals have 1 outputs but the predictions have 2"):
        interval_frame(np.zeros((1, 2)), residuals, 0.9)


def test_predict_interval_needs_a_fitted_model_and_a_valid_coverage():
    with pytest.raises(NotFittedError):
        AutoSeqRegressor().predict_interval(np.zeros((2, 5)))
    X, y = _noisy(120, noise=0.5)
    reg = CheapRegressor(random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="strictly between 0 and 1.*got 90"):
        reg.predict_interval(X, coverage=90)


def _noisy(n, noise, seed=0, n_outputs=1):
    """Two-channel sequences; y is the sum of the channel means plus Gaussian noise."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 8, 2))
    signal = X.mean(axis=1).sum(axis=1)
    if n_outputs == 1:
        return X, signal + noise * rng.normal(size=n)
    scales = np.asarray(noise) * np.ones(n_outputs)
    return X, signal[:, None] + scales * rng.normal(size=(n, n_outputs))


def _coverage(frame, y):
    return float(np.mean((frame["lower"] <= y) & (y <= frame["upper"])))


def test_intervals_cover_as_promised_on_data_with_known_noise():
    X, y = _noisy(300, noise=0.5)
    reg = CheapRegressor(random_state=0)
    reg.extra = [ChannelRegressor((0, 1)), ChannelRegressor((0,))]
    reg.fit(X, y)
    Xt, yt = _noisy(4000, noise=0.5, seed=1)
    for nominal in (0.5, 0.8, 0.9):
        assert abs(_coverage(reg.predict_interval(Xt, nominal), yt) - nominal) <= 0.05
    # the 90% half-width matches the noise: 1.645 standard deviations
    frame = reg.predict_interval(Xt, 0.9)
    assert (frame["upper"] - frame["lower"]).iloc[0] / 2 == pytest.approx(1.645 * 0.5, rel=0.15)


def test_each_output_gets_its_own_width_and_dataframe_rows_keep_their_index():
    X, y = _noisy(150, noise=[0.1, 1.0], n_outputs=2)
    reg = CheapRegressor(random_state=0)
    reg.extra = [ChannelRegressor((0, 1))]
    reg.fit(X, y)
    assert reg.calibration_residuals_.shape[1] == 2
    frame = reg.predict_interval(X[:3], coverage=[0.8, 0.9])
    assert frame.columns.names == ["coverage", "output", "bound"]
    widths = frame[0.9].xs("upper", axis=1, level="bound") - frame[0.9].xs(
        "lower", axis=1, level="bound")
    assert 5 < (widths[1] / widths[0]).iloc[0] < 20  # noise 1.0 against 0.1
    one_channel = pd.DataFrame(X[:3, :, 0], index=["s1", "s2", "s3"])
    single = CheapRegressor(random_state=0)
    single.extra = [ChannelRegressor((0,))]
    single.fit(X[:, :, :1], y[:, 0])
    assert list(single.predict_interval(one_channel).index) == ["s1", "s2", "s3"]


@pytest.mark.slow
def test_deep_regressor_intervals_cover_within_five_points():
    X, y = _noisy(160, noise=0.3)
    reg = AutoSeqRegressor(architectures=[TinyPool(units=4)], baselines=False, ensemble=False,
                           max_epochs=60, random_state=0).fit(X, y)
    Xt, yt = _noisy(2000, noise=0.3, seed=1)
    assert abs(_coverage(reg.predict_interval(Xt, 0.9), yt) - 0.9) <= 0.05

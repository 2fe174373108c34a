"""Every reach into private upstream API (autoseq/_compat.py), and the private
GridSearchCV hooks the search engine overrides: each test fails with a message
naming what moved, when an upgrade of scikit-learn, scikeras, Keras or
TensorFlow moves it."""

import inspect
import pickle
import random
import sys

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.linear_model import Ridge
from sklearn.model_selection import GridSearchCV
from sklearn.model_selection._search import BaseSearchCV
from sklearn.pipeline import Pipeline

from autoseq import _compat


def _parameters(function) -> list:
    """Names of a function's parameters, without self and **kwargs."""
    return [p.name for p in inspect.signature(function).parameters.values()
            if p.name != "self" and p.kind is not p.VAR_KEYWORD]


def _moved(what: str) -> str:
    return f"upstream changed {what}; update autoseq/_compat.py (and this test)"


# -- scikit-learn --------------------------------------------------------------------------
def test_check_feature_names_records_and_checks_names():
    from sklearn.utils import validation

    assert hasattr(validation, "_check_feature_names"), _moved(
        "sklearn.utils.validation._check_feature_names (gone)")
    assert _parameters(validation._check_feature_names) == ["estimator", "X", "reset"], _moved(
        "the parameters of sklearn.utils.validation._check_feature_names")
    est = BaseEstimator()
    _compat.check_feature_names(est, pd.DataFrame({"a": [1.0], "b": [2.0]}), reset=True)
    assert est.feature_names_in_.tolist() == ["a", "b"], _moved("what _check_feature_names records")
    with pytest.raises(ValueError, match="feature names"):
        _compat.check_feature_names(est, pd.DataFrame({"b": [1.0], "a": [2.0]}), reset=False)


def test_num_samples_counts_any_collection():
    from sklearn.utils import validation

    assert hasattr(validation, "_num_samples"), _moved("sklearn.utils.validation._num_samples")
    assert _compat.num_samples(np.zeros((4, 3, 2))) == 4
    assert _compat.num_samples([np.zeros(3), np.zeros(5)]) == 2
    assert _compat.num_samples(["some text", "more"]) == 2


def test_param_names_reads_the_init_signature():
    assert isinstance(inspect.getattr_static(BaseEstimator, "_get_param_names"), classmethod), (
        _moved("BaseEstimator._get_param_names (no longer a classmethod)"))

    class Two(BaseEstimator):
        def __init__(self, b=1, *, a=2):
            self.a, self.b = a, b

    assert _compat.param_names(Two) == ["a", "b"], _moved("BaseEstimator._get_param_names")


def test_output_config_reads_what_set_output_stored():
    from autoseq import SequenceScaler

    assert _compat.output_config(SequenceScaler()) == "default"
    scaler = SequenceScaler().set_output(transform="pandas")
    assert _compat.output_config(scaler) == "pandas", _moved(
        "where set_output stores its configuration (_sklearn_output_config)")


def test_validate_pipeline_steps_checks_as_pipeline_fit_does():
    assert callable(getattr(Pipeline, "_validate_steps", None)), _moved("Pipeline._validate_steps")
    _compat.validate_pipeline_steps(Pipeline([("model", Ridge())]))
    with pytest.raises(TypeError, match="transform"):
        _compat.validate_pipeline_steps(Pipeline([("not_a_transformer", Ridge()),
                                                  ("model", Ridge())]))


# -- the private GridSearchCV hooks the search engine overrides ----------------------------
def test_search_hooks_keep_their_signatures():
    assert _parameters(GridSearchCV._format_results)[:4] == [
        "candidate_params", "n_splits", "out", "more_results"], _moved(
        "the parameters of GridSearchCV._format_results")
    assert isinstance(inspect.getattr_static(GridSearchCV, "_select_best_index"),
                      staticmethod), _moved("GridSearchCV._select_best_index (not a staticmethod)")
    assert _parameters(GridSearchCV._select_best_index) == [
        "refit", "refit_metric", "results"], _moved("the parameters of _select_best_index")
    assert callable(getattr(BaseSearchCV, "_run_search", None)), _moved("BaseSearchCV._run_search")
    assert _parameters(BaseSearchCV._run_search)[:1] == ["evaluate_candidates"], _moved(
        "the parameters of BaseSearchCV._run_search")


class _RecordingSearch(GridSearchCV):
    """Overrides the three hooks as autoseq's CandidateSearch does, and records the calls."""

    def _run_search(self, evaluate_candidates):
        self.results_seen_ = evaluate_candidates([{"alpha": 1.0}, {"alpha": 100.0}])

    def _format_results(self, candidate_params, n_splits, out, more_results=None):
        self.formatted_ = (len(candidate_params), n_splits, len(out))
        return super()._format_results(candidate_params, n_splits, out, more_results)

    @staticmethod
    def _select_best_index(refit, refit_metric, results):
        _RecordingSearch.selected_ = (refit, refit_metric, len(results["params"]))
        return 1  # not the best: shows that this rule, not scikit-learn's, chose


def test_grid_search_calls_the_overridden_hooks():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(20, 3))
    y = X @ np.array([1.0, 2.0, 3.0])
    search = _RecordingSearch(Ridge(), {"alpha": [1.0]}, cv=2).fit(X, y)
    assert search.formatted_ == (2, 2, 4), _moved("how BaseSearchCV.fit calls _format_results")
    assert "mean_test_score" in search.results_seen_, _moved(
        "what evaluate_candidates returns to _run_search")
    assert _RecordingSearch.selected_ == (True, "score", 2), _moved(
        "how BaseSearchCV.fit calls _select_best_index")
    assert search.best_index_ == 1 and search.best_params_ == {"alpha": 100.0}, _moved(
        "BaseSearchCV.fit no longer takes best_index_ from _select_best_index")


class _FailingRegressor(RegressorMixin, BaseEstimator):
    def __init__(self, p=1):
        self.p = p

    def fit(self, X, y):
        raise RuntimeError("broken on purpose")


def test_all_fits_failed_message_says_fits_failed():
    X, y = np.zeros((8, 2)), np.arange(8.0)
    search = GridSearchCV(_FailingRegressor(), {"p": [1, 2]}, cv=2, error_score=np.nan)
    with pytest.raises(ValueError) as failure:
        search.fit(X, y)
    assert "fits failed" in str(failure.value), _moved(
        f"scikit-learn's all-fits-failed message (now: {str(failure.value)[:200]!r}); the "
        "search engine's _all_fits_failed looks for 'fits failed'")


# -- scikeras --------------------------------------------------------------------------------
def test_scikeras_wrapper_takes_scikit_learn_tags():
    from sklearn.utils import get_tags

    from autoseq import SeqClassifier

    wrapper = _compat.scikeras_wrapper()
    assert "__sklearn_tags__" in vars(wrapper), "the __sklearn_tags__ patch of BaseWrapper is gone"
    tags = get_tags(SeqClassifier())
    assert tags.input_tags.three_d_array and tags.non_deterministic, (
        "scikit-learn no longer reads SeqClassifier's tags through the patched BaseWrapper")


def test_scikeras_hooks_keep_their_signatures():
    wrapper = _compat.scikeras_wrapper()
    for name, expected in _compat.SCIKERAS_HOOKS.items():
        hook = getattr(wrapper, name, None)
        assert callable(hook), _moved(f"scikeras: BaseWrapper.{name} (gone)")
        assert tuple(_parameters(hook))[:len(expected)] == expected, _moved(
            f"scikeras: the parameters of BaseWrapper.{name}: {_parameters(hook)}")


def test_scikeras_drives_the_overridden_hooks():
    from autoseq import SeqClassifier

    X = np.random.default_rng(0).normal(size=(12, 5, 1))
    y = np.arange(12) % 2
    clf = SeqClassifier("gru", epochs=1, random_state=3).fit(X, y)
    assert clf._random_state == 3, _moved("scikeras: BaseWrapper._initialize sets _random_state")
    assert clf.model_.name == "autoseq_gru", _moved("scikeras: fit builds via _build_keras_model")
    assert list(clf.history_) == ["loss"] and clf._forward_fn is not None, _moved(
        "scikeras: fit trains via _fit_keras_model")
    assert clf.predict_proba(X).shape == (12, 2)


def test_seeded_seeds_python_numpy_and_restores_them():
    from scikeras.utils import random_state

    assert callable(getattr(random_state, "tensorflow_random_state", None)), _moved(
        "scikeras.utils.random_state.tensorflow_random_state")
    # the legacy global NumPy generator is what scikeras seeds
    random.seed(123)
    np.random.seed(123)  # noqa: NPY002
    before = random.getstate(), np.random.get_state()[1].copy()  # noqa: NPY002
    with _compat.seeded(7):
        drawn = random.random(), np.random.random()  # noqa: NPY002
    assert drawn == (random.Random(7).random(), np.random.RandomState(7).random_sample())
    assert random.getstate() == before[0]
    assert (np.random.get_state()[1] == before[1]).all()  # noqa: NPY002
    with _compat.seeded(None):
        assert random.getstate() == before[0]


def test_importing_scikeras_makes_keras_models_picklable():
    from autoseq._backend import keras as _keras

    keras = _keras()
    _compat.make_keras_picklable()
    assert keras.Model.__reduce__.__module__.startswith("scikeras"), _moved(
        "scikeras no longer patches keras.Model.__reduce__")
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    again = pickle.loads(pickle.dumps(model))
    for a, b in zip(model.get_weights(), again.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)


# -- Keras and TensorFlow ----------------------------------------------------------------------
def test_keras_seeds_come_from_python_random_of_its_seed_module():
    from autoseq._backend import keras  # noqa: F401  (loads the module)

    module = sys.modules.get(_compat.KERAS_SEED_MODULE)
    assert module is not None and hasattr(module, "python_random"), _moved(
        f"Keras: {_compat.KERAS_SEED_MODULE}.python_random")
    random.seed(0)
    before = random.getstate()
    with _compat.keras_seeds_from(11):
        first = module.make_default_seed()
    with _compat.keras_seeds_from(11):
        second = module.make_default_seed()
    assert first == second, _moved("Keras: make_default_seed no longer draws from python_random")
    assert random.getstate() == before, "keras_seeds_from drew from the global random module"


def test_op_determinism_can_be_read():
    from tensorflow.python.framework import config

    assert callable(getattr(config, "is_op_determinism_enabled", None)), _moved(
        "TensorFlow: tensorflow.python.framework.config.is_op_determinism_enabled")
    _compat.settle_op_determinism()


def test_custom_gradients_are_registered_in_the_gradient_registry():
    from autoseq._backend import tensorflow

    tf = tensorflow()
    table = _compat.gradient_registry()
    assert isinstance(table, dict), _moved(
        "TensorFlow: tensorflow.python.framework.ops._gradient_registry._registry")
    before = set(table)

    @tf.custom_gradient
    def double(x):
        return 2 * x, lambda dy: 2 * dy

    tf.function(double).get_concrete_function(tf.TensorSpec((), tf.float32))
    added = set(table) - before
    assert any(str(name).startswith("CustomGradient-") for name in added), _moved(
        "TensorFlow: where a traced tf.custom_gradient registers its gradient")

"""The architecture contract: every built-in passes ``check_architecture``, and
broken architectures fail it with a message that names the broken rule."""

from __future__ import annotations

import numpy as np
import pytest

import autoseq.networks.architectures as builtins
from autoseq import registry
from autoseq.registry import Architecture, get_architecture, list_architectures
from autoseq.testing import (
    ArchitectureContractError,
    architecture_checks,
    check_architecture,
    parametrize_with_checks,
)

BUILTIN_CLASSES = list(builtins.BUILTINS)
BUILTIN_NAMES = sorted(cls.name for cls in BUILTIN_CLASSES)
# Rocket's default 2000 kernels and 18 kernel groups only cost time here (its anomaly
# decoder is an LSTM as wide as its 4000 features); the default itself is built by
# the search_space check.
FAST_PARAMS = {"rocket": {"n_kernels": 36, "max_dilation": 4},
               "fcn": {"filters": (8, 16, 8)}, "resnet": {"filters": (8, 16, 16)}}


# -- the built-ins --------------------------------------------------------------------
def test_builtin_catalogue_is_registered():
    assert len(BUILTIN_NAMES) == 12
    assert set(BUILTIN_NAMES) <= set(list_architectures())
    for cls in BUILTIN_CLASSES:
        assert type(get_architecture(cls.name)) is cls


@parametrize_with_checks([cls(**FAST_PARAMS.get(cls.name, {})) for cls in BUILTIN_CLASSES])
def test_builtin_architecture_contract(architecture, check):
    check(architecture)


def test_check_architecture_by_name_returns_the_checks_run():
    done = check_architecture("simple_rnn", tasks=["regression"])
    assert done == ["class_attributes", "params", "body_output", "task:regression", "tokens",
                    "search_space"]


def test_checks_cover_every_declared_task():
    for cls in BUILTIN_CLASSES:
        ids = [check_id for check_id, _ in architecture_checks(cls)]
        assert {f"task:{t}" for t in cls.tasks} <= set(ids), cls.name
        assert ids[:3] == ["class_attributes", "params", "body_output"]
        assert ids[-1] == "search_space"


def test_undeclared_task_is_refused():
    with pytest.raises(ValueError, match="does not declare"):
        check_architecture("cnn_lstm", tasks=["labelling"])


def test_not_an_architecture_is_a_type_error():
    with pytest.raises(TypeError, match="Architecture subclass"):
        check_architecture(42)


# -- a minimal plugin -------------------------------------------------------------------
class MinimalPlugin(Architecture):
    """Sets only what the contract requires: name, tasks, search_space, build."""

    name = "minimal_plugin"
    tasks = frozenset({"classification", "regression"})
    search_space = {"units": [4, 8]}

    def build(self, x, *, units=4):
        k = self.keras
        x = k.layers.GlobalAveragePooling1D(name="minimal_pooling")(x)
        return k.layers.Dense(units, activation="relu", name="minimal_dense")(x)


@pytest.fixture
def minimal_registered():
    registry.register_architecture(MinimalPlugin)
    yield MinimalPlugin
    registry.unregister_architecture(MinimalPlugin.name)


def test_minimal_plugin_is_accepted(minimal_registered):
    assert "minimal_plugin" in list_architectures()
    assert "minimal_plugin" in list_architectures(task="regression")
    arch = get_architecture("minimal_plugin", units=8)
    assert arch.get_params() == {"units": 8}
    done = check_architecture("minimal_plugin")
    assert done == ["class_attributes", "params", "body_output", "task:classification",
                    "task:regression", "tokens", "search_space"]
    # a class or an instance works as well as a name, and the instance is left alone
    check_architecture(MinimalPlugin, tasks=["regression"])
    check_architecture(arch, tasks=["classification"])
    assert arch.get_params() == {"units": 8}


# -- broken architectures ------------------------------------------------------------------
class WrongRank(Architecture):
    name = "wrong_rank"
    tasks = frozenset({"regression"})

    def build(self, x, *, units=4):
        x = self.keras.layers.Dense(units)(x)
        return self.keras.ops.expand_dims(x, -1)  # (batch, steps, units, 1)


class UnknownSearchKey(Architecture):
    name = "unknown_search_key"
    tasks = frozenset({"regression"})
    search_space = {"unit": [4, 8]}

    def build(self, x, *, units=4):
        return self.keras.layers.LSTM(units)(x)


class NoDefault(Architecture):
    name = "no_default"
    tasks = frozenset({"regression"})

    def build(self, x, *, units):
        return self.keras.layers.LSTM(units)(x)


class VarKeywords(Architecture):
    name = "var_keywords"
    tasks = frozenset({"regression"})

    def build(self, x, **hyperparameters):
        return self.keras.layers.LSTM(hyperparameters.get("units", 4))(x)


class LabellingWithoutSequences(Architecture):
    name = "labelling_without_sequences"
    tasks = frozenset({"labelling"})

    def build(self, x, *, units=4):
        return self.keras.layers.LSTM(units)(x)


class UnknownTask(Architecture):
    name = "unknown_task"
    tasks = frozenset({"classification", "clustering"})

    def build(self, x, *, units=4):
        return self.keras.layers.LSTM(units)(x)


class TasksAsString(Architecture):
    name = "tasks_as_string"
    tasks = "classification"

    def build(self, x, *, units=4):
        return self.keras.layers.LSTM(units)(x)


class BadName(Architecture):
    name = "my-lstm"
    tasks = frozenset({"classification"})

    def build(self, x, *, units=4):
        return self.keras.layers.LSTM(units)(x)


class IgnoresReturnSequences(Architecture):
    name = "ignores_return_sequences"
    tasks = frozenset({"regression", "labelling"})
    sequence_output = True

    def build(self, x, *, units=4, return_sequences=False):
        return self.keras.layers.LSTM(units)(x)


class DropsTimeSteps(Architecture):
    name = "drops_time_steps"
    tasks = frozenset({"regression", "labelling"})
    sequence_output = True

    def build(self, x, *, units=4, return_sequences=False):
        x = self.keras.layers.Conv1D(units, 3, strides=2, padding="same")(x)
        if return_sequences:
            return x
        return self.keras.layers.GlobalAveragePooling1D()(x)


class SklearnStyleInit(Architecture):
    name = "sklearn_style_init"
    tasks = frozenset({"regression"})

    def __init__(self, units=4):  # forgets the base class, which holds the parameters
        self.units = units

    def build(self, x, *, units=4):
        return self.keras.layers.LSTM(units)(x)


class NaNOnPadding(Architecture):
    """Normalises each step by its norm: 0 / 0 on the zeros of padded steps."""

    name = "nan_on_padding"
    tasks = frozenset({"regression"})
    inputs = frozenset({"numeric"})

    def build(self, x, *, units=4):
        x = _PerStepNormalise()(x)
        return self.keras.layers.Dense(units)(self.keras.layers.GlobalAveragePooling1D()(x))


class ClaimsMasking(Architecture):
    """supports_masking=True, but Conv1D drops the mask and its bias leaks into padding."""

    name = "claims_masking"
    tasks = frozenset({"regression"})
    inputs = frozenset({"numeric"})
    supports_masking = True

    def build(self, x, *, units=4):
        x = self.keras.layers.Conv1D(units, 1, bias_initializer="ones")(x)
        return self.keras.layers.GlobalAveragePooling1D()(x)


class BadSearchPoint(Architecture):
    name = "bad_search_point"
    tasks = frozenset({"regression"})
    search_space = {"units": [4, 0]}

    def build(self, x, *, units=4):
        return self.keras.layers.Dense(units)(self.keras.layers.GlobalAveragePooling1D()(x))


class Unserialisable(Architecture):
    """Uses a custom layer that is not registered as Keras-serialisable."""

    name = "unserialisable"
    tasks = frozenset({"regression"})
    inputs = frozenset({"numeric"})

    def build(self, x, *, units=4):
        x = self.keras.layers.GlobalAveragePooling1D()(x)
        return _UnregisteredDense(units)(x)


def _layer_classes():
    from autoseq._backend import keras

    k = keras()

    class PerStepNormalise(k.layers.Layer):
        def call(self, x):
            return x / k.ops.sqrt(k.ops.sum(x * x, axis=-1, keepdims=True))

    class UnregisteredDense(k.layers.Layer):
        def __init__(self, units, **kwargs):
            super().__init__(**kwargs)
            self.units = units

        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1], self.units))

        def call(self, x):
            return k.ops.matmul(x, self.w)

        def get_config(self):
            return {**super().get_config(), "units": self.units}

    return PerStepNormalise, UnregisteredDense


def _PerStepNormalise():
    return _layer_classes()[0]()


def _UnregisteredDense(units):
    return _layer_classes()[1](units)


BROKEN = [
    # (architecture, check, rule, words the message must contain)
    (WrongRank, "body_output", "rank", ["2-D (batch, n_units)", "rank 4"]),
    (UnknownSearchKey, "class_attributes", "search_space",
     ["search_space names 'unit'", "did you mean 'units'", "['units']"]),
    (NoDefault, "class_attributes", "defaults", ["'units' has no default"]),
    (VarKeywords, "class_attributes", "build", ["**hyperparameters"]),
    (LabellingWithoutSequences, "class_attributes", "sequence_output",
     ["'labelling'", "sequence_output=True"]),
    (UnknownTask, "class_attributes", "tasks", ["unknown: ['clustering']"]),
    (TasksAsString, "class_attributes", "tasks", ["set of task names"]),
    (BadName, "class_attributes", "name", ["'my-lstm'", "identifier"]),
    (IgnoresReturnSequences, "body_output", "per_step", ["one vector per step"]),
    (DropsTimeSteps, "body_output", "per_step", ["keep the time axis", "8 steps"]),
    (SklearnStyleInit, "params", "get_params", ["_params", "super().__init__(**params)"]),
    (NaNOnPadding, "task:regression", "train", ["not finite", "padded"]),
    (ClaimsMasking, "task:regression", "masking", ["supports_masking=True",
                                                   "padding changes the output"]),
    (Unserialisable, "task:regression", "save_load", ["register_keras_serializable"]),
    (BadSearchPoint, "search_space", "build_model", ["search-space point {'units': 0}"]),
]


@pytest.mark.parametrize(("arch", "check", "rule", "words"), BROKEN,
                         ids=[case[0].__name__ for case in BROKEN])
@pytest.mark.filterwarnings("ignore:Layer .* does not support masking:UserWarning")
def test_broken_architecture_fails_with_a_clear_message(arch, check, rule, words):
    with pytest.raises(ArchitectureContractError) as info:
        check_architecture(arch)
    exc = info.value
    message = str(exc)
    assert isinstance(exc, AssertionError)
    assert (exc.check, exc.rule) == (check, rule), message
    assert message.startswith(f"Architecture '{arch.name}' ({__name__}.{arch.__qualname__})")
    assert f"check '{check}', rule '{rule}'" in message
    for word in words:
        assert word in message, (word, message)


def test_locally_defined_class_fails_the_pickle_rule():
    class Local(Architecture):
        name = "local"
        tasks = frozenset({"regression"})

        def build(self, x, *, units=4):
            return self.keras.layers.LSTM(units)(x)

    with pytest.raises(ArchitectureContractError, match="rule 'pickle'.*module level"):
        check_architecture(Local)


def test_contract_error_survives_pickling():
    import pickle

    exc = ArchitectureContractError("Architecture 'x' breaks", architecture="x", check="params",
                                    rule="clone")
    assert str(pickle.loads(pickle.dumps(exc))) == str(exc)


@pytest.mark.parametrize("name", ["lstm", "stacked_lstm", "bilstm", "gru", "simple_rnn",
                                  "cnn_lstm", "lstm_attention"])
def test_tutorial_models_search_dropout_and_recurrent_dropout(name):
    # the default spaces hold one value each (README: recurrent_dropout only on request);
    # a param_grid over both must give one candidate per pair, and each candidate's
    # network must carry its pair into its recurrent layers
    from sklearn.base import clone
    from sklearn.model_selection import ParameterGrid

    from autoseq import AutoSeqClassifier
    from autoseq._backend import keras
    from autoseq.networks.build import HeadSpec, build_model

    space = get_architecture(name).search_space
    assert {"dropout", "recurrent_dropout"} <= set(space)
    pairs = {(0.0, 0.0), (0.0, 0.1), (0.25, 0.0), (0.25, 0.1)}
    est = AutoSeqClassifier(architectures=[name], baselines=False, param_grid={
        name: {"dropout": [0.0, 0.25], "recurrent_dropout": [0.0, 0.1]}})
    task = est._make_task()
    X, y = task.check_input(np.zeros((6, 8, 1)), [0, 1] * 3)
    candidates = list(ParameterGrid(task.param_grid(X, y)))
    assert len(candidates) == 4
    built = set()
    for params in candidates:
        arch = clone(params["model__architecture"]).set_params(
            dropout=params["model__architecture__dropout"],
            recurrent_dropout=params["model__architecture__recurrent_dropout"])
        model = build_model(arch, n_steps=8, n_channels=1, head=HeadSpec("softmax", 2))
        layers = [getattr(layer, "forward_layer", layer) for layer in model.layers]
        cells = [c for c in layers if hasattr(c, "recurrent_dropout")]
        # input dropout inside the cells, or as Dropout layers after them (stacked_lstm)
        rates = {c.dropout for c in cells} | {c.rate for c in layers
                                              if isinstance(c, keras().layers.Dropout)}
        assert cells and len({c.recurrent_dropout for c in cells}) == 1
        built.add((max(rates), cells[0].recurrent_dropout))
    assert built == pairs


def test_rocket_normalises_its_features_after_a_short_fit():
    # a search trains for few steps: the inference statistics must have caught up by then
    from autoseq import SeqClassifier
    from autoseq._backend import keras

    rng = np.random.default_rng(0)
    t = np.linspace(0, 1, 60)
    y = np.tile([0, 1], 10)
    X = np.sin(2 * np.pi * np.where(y[:, None] == 1, 6, 2) * t) + 0.3 * rng.normal(size=(20, 60))
    clf = SeqClassifier(get_architecture("rocket", n_kernels=200), epochs=10, batch_size=16,
                        random_state=0).fit(X, y)
    probe = keras().Model(clf.model_.inputs, clf.model_.get_layer("rocket_normalization").output)
    z = np.asarray(probe(X[:, :, None].astype("float32"), training=False))
    assert np.median(np.abs(z.mean(axis=0))) < 0.5
    assert np.median(z.std(axis=0)) > 0.25

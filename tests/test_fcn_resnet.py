"""FCN and ResNet (Wang et al. 2017) as built-in architectures, their training recipe
through the ``Architecture.fit_batch_size`` / ``fit_callbacks`` hooks, and the estimator's
balanced batches."""

from __future__ import annotations

import numpy as np
import pytest

from autoseq import SeqClassifier, SeqRegressor
from autoseq.networks.architectures import BUILTINS
from autoseq.networks.architectures.fcn import FCN, ConvolutionRecipe
from autoseq.networks.architectures.lstm import LSTM
from autoseq.networks.architectures.resnet import ResNet
from autoseq.registry import Architecture, get_architecture, list_architectures
from autoseq.testing import parametrize_with_checks

# narrow versions keep the contract checks quick; the search_space check builds the defaults
SMALL = [FCN(filters=(8, 16, 8)), ResNet(filters=(8, 16, 16))]


@parametrize_with_checks(SMALL)
def test_fcn_resnet_contract(architecture, check):
    check(architecture)


def test_registered_as_builtins():
    assert FCN in BUILTINS and ResNet in BUILTINS
    for name, cls in (("fcn", FCN), ("resnet", ResNet)):
        assert type(get_architecture(name)) is cls
        assert name in list_architectures("classification")
        assert name in list_architectures("regression")
        assert name in list_architectures("labelling", sequence_output=True)
        assert name not in list_architectures("generation")  # "same" padding sees the future


def test_priorities_sit_between_the_convolutions_and_the_recurrent_models():
    rocket, tcn, lstm = (get_architecture(n).priority for n in ("rocket", "tcn", "lstm"))
    bilstm = get_architecture("bilstm").priority
    for name in ("fcn", "resnet"):
        assert tcn < get_architecture(name).priority < min(lstm, bilstm)
    assert rocket < FCN.priority < ResNet.priority


def test_paper_layout():
    keras = FCN().keras
    x = keras.Input((30, 1))
    model = keras.Model(x, FCN().build_body(x))
    convs = [layer for layer in model.layers if isinstance(layer, keras.layers.Conv1D)]
    assert [(c.filters, c.kernel_size[0]) for c in convs] == [(128, 8), (256, 5), (128, 3)]
    assert model.output.shape == (None, 128)
    model = keras.Model(x, ResNet().build_body(x))
    convs = [layer.name for layer in model.layers if isinstance(layer, keras.layers.Conv1D)]
    assert len(convs) == 9 + 2  # 3 blocks of 3, a 1x1 shortcut where the width changes
    assert model.output.shape == (None, 128)
    per_step = keras.Model(x, ResNet(filters=(4,)).build_body(x, return_sequences=True))
    assert per_step.output.shape == (None, 30, 4)


def test_mismatched_filters_and_kernels_are_refused():
    keras = FCN().keras
    with pytest.raises(ValueError, match="same"):
        FCN(filters=(8, 8), kernel_sizes=(3,)).build_body(keras.Input((10, 1)))


# -- the recipe hooks ------------------------------------------------------------------------
def test_default_hooks_keep_the_estimators_choice():
    arch = LSTM()
    assert arch.fit_batch_size(1000, 32) == 32
    assert arch.fit_callbacks(n_train=1000, epochs=20, patience=8) == []


def test_convolution_recipe():
    arch = FCN()
    # min(16, n_train / 10) in the paper, the estimator's batch size as the cap, 8 the floor
    assert arch.fit_batch_size(400, 64) == 40
    assert arch.fit_batch_size(33, 16) == 8
    assert arch.fit_batch_size(5, 5) == 5
    assert arch.fit_batch_size(10_000, 16) == 16
    assert arch.fit_batch_size(10_000, 8) == 8
    (cb,) = ResNet().fit_callbacks(n_train=100, epochs=80, patience=8)
    assert type(cb).__name__ == "ReduceLROnPlateau"
    assert (cb.monitor, cb.factor, cb.min_lr, cb.patience) == ("loss", 0.5, 1e-4, 4)
    assert FCN().fit_callbacks(n_train=100, epochs=80, patience=2)[0].patience == 2
    assert FCN().fit_callbacks(n_train=100, epochs=80, patience=500)[0].patience == 50
    # a fresh callback each fit
    assert arch.fit_callbacks(n_train=9, epochs=1, patience=8)[0] is not \
        arch.fit_callbacks(n_train=9, epochs=1, patience=8)[0]


class _Recorded(ConvolutionRecipe, Architecture):
    """A tiny body with the convolution recipe."""

    name = "recorded_recipe"
    tasks = frozenset({"classification", "regression"})

    def build(self, x, *, units=4):
        k = self.keras
        x = k.layers.Conv1D(units, 3, padding="same", name="recorded_conv")(x)
        return k.layers.GlobalAveragePooling1D(name="recorded_pool")(x)


@pytest.fixture
def fit_calls(monkeypatch):
    """The keyword arguments of every ``keras.Model.fit`` call."""
    keras = LSTM().keras
    calls = []
    original = keras.Model.fit

    def recording_fit(self, *args, **kwargs):
        calls.append(kwargs)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(keras.Model, "fit", recording_fit)
    return calls


def _data(n, steps=12, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, steps, 1))
    return X, (X[:, :, 0].mean(axis=1) > 0).astype(int)


def test_estimator_applies_the_recipe(fit_calls):
    X, y = _data(40)
    clf = SeqClassifier(_Recorded(), epochs=3, batch_size=16, random_state=0).fit(X, y)
    (kwargs,) = fit_calls
    assert kwargs["batch_size"] == 8  # 40 // 10 = 4, raised to the floor of 8
    names = [type(cb).__name__ for cb in kwargs["callbacks"]]
    assert "ReduceLROnPlateau" in names
    assert "learning_rate" in clf.history_  # the schedule logs the rate each epoch
    fit_calls.clear()
    reg = SeqRegressor("lstm", epochs=1, batch_size=16, random_state=0).fit(X, y.astype(float))
    assert "ReduceLROnPlateau" not in [type(cb).__name__ for cb in fit_calls[0]["callbacks"]]
    assert "learning_rate" not in reg.history_


def test_recipe_counts_only_the_training_part(fit_calls):
    X, y = _data(400)
    SeqClassifier(_Recorded(), epochs=1, batch_size=64, early_stopping=True,
                  validation_fraction=0.1, random_state=0).fit(X, y)
    assert fit_calls[0]["batch_size"] == 36  # 360 training sequences // 10


@pytest.mark.parametrize("n, batch_size, expected", [
    (34, 16, 12),   # 12 + 12 + 10, not 16 + 16 + 2
    (18, 16, 9),    # 9 + 9, not 16 + 2
    (64, 16, 16),   # already even
    (5, 16, 5),     # one batch of all
    (100, 32, 25),
])
def test_batches_are_balanced(fit_calls, n, batch_size, expected):
    X, y = _data(n)
    SeqClassifier("gru", epochs=1, batch_size=batch_size, random_state=0).fit(X, y)
    size = fit_calls[0]["batch_size"]
    assert size == expected
    assert -(-n // size) == -(-n // batch_size)  # as many batches as asked for


def test_fcn_and_resnet_fit_per_step_labels():
    X, _ = _data(8, steps=10)
    y = (X[:, :, 0] > 0).astype(int)
    for arch in SMALL:
        clf = SeqClassifier(arch, epochs=1, random_state=0).fit(X, y)
        assert clf.predict(X).shape == y.shape

"""GPU-ready numerics: mixed precision on request, cuDNN-compatible recurrent layers by default."""

import numpy as np
import pytest

from autoseq import SeqClassifier, SeqRegressor, get_architecture, list_architectures
from autoseq._backend import keras as _keras

keras = _keras()


def _data(n=40):
    X = np.random.default_rng(0).normal(size=(n, 12, 2))
    return X, (X[:, :, 0].mean(axis=1) > 0).astype(int)


def _layer(model, kind):
    return next(layer for layer in model._flatten_layers() if isinstance(layer, kind))


def test_mixed_precision_computes_in_float16_and_answers_in_float32():
    X, y = _data()
    clf = SeqClassifier(get_architecture("gru", units=8), epochs=2, random_state=0,
                        precision="mixed_float16").fit(X, y)
    assert _layer(clf.model_, keras.layers.GRU).compute_dtype == "float16"
    assert clf.model_.get_layer("head").compute_dtype == "float32"
    assert isinstance(clf.model_.optimizer, keras.optimizers.LossScaleOptimizer)
    proba = clf.predict_proba(X)
    assert proba.dtype == np.float32 and np.isfinite(proba).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-3)
    assert np.isfinite(clf.history_["loss"]).all()
    # the policy was only borrowed for the build: the next model is float32 again
    assert keras.config.dtype_policy().name == "float32"
    plain = SeqClassifier(get_architecture("gru", units=8), epochs=1, random_state=0).fit(X, y)
    assert _layer(plain.model_, keras.layers.GRU).compute_dtype == "float32"


def test_autoseq_layers_stay_float32_under_mixed_precision():
    X, y = _data()
    X[::3, :4] = np.nan  # leading padding: masked steps meet the -1e9 of rocket's max
    reg = SeqRegressor(get_architecture("rocket", n_kernels=30), epochs=2, random_state=0,
                       precision="mixed_float16").fit(X, y * 1.0)
    assert reg.model_.get_layer("rocket_features").compute_dtype == "float32"
    assert np.isfinite(reg.predict(X)).all()


def test_unknown_precision_is_named():
    with pytest.raises(ValueError, match="precision must be one of 'float32', 'mixed_float16', "
                                         "'mixed_bfloat16'; got 'half'"):
        SeqClassifier(epochs=1, precision="half").fit(*_data(10))


def _recurrent_layers(model):
    return [layer for layer in model._flatten_layers()
            if isinstance(layer, (keras.layers.LSTM, keras.layers.GRU))]


def _cudnn_ok(layer):
    """Keras runs LSTM/GRU on cuDNN only under these settings (keras.src.backend.tensorflow.rnn)."""
    ok = (layer.activation is keras.activations.tanh
          and layer.recurrent_activation is keras.activations.sigmoid
          and not layer.cell.recurrent_dropout and not layer.unroll and layer.use_bias)
    if isinstance(layer, keras.layers.GRU):
        ok = ok and layer.reset_after
    return ok


@pytest.mark.parametrize("name", [n for n in list_architectures("classification")
                                  if n in ("lstm", "stacked_lstm", "bilstm", "gru", "cnn_lstm",
                                           "lstm_attention")])
def test_default_recurrent_layers_can_run_on_cudnn(name):
    from autoseq.networks.build import HeadSpec, build_model

    arch = get_architecture(name)
    settings = [{}] + [{k: v} for k, values in arch.search_space.items() for v in values
                       if k != "recurrent_dropout"]
    for params in settings:
        model = build_model(get_architecture(name, **params), n_steps=None, n_channels=2,
                            head=HeadSpec("softmax", 2))
        layers = _recurrent_layers(model)
        assert layers, f"{name} {params} has no LSTM/GRU layer"
        assert all(_cudnn_ok(layer) for layer in layers), f"{name} {params}"
    assert arch.search_space.get("recurrent_dropout", [0.0]) == [0.0]

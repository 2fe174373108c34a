"""Predict latency: one sequence through the same LSTM(32) -> Dense network, every path.

Paths, all in one process on one fitted network: the autoseq pipeline
(scaler -> padder -> SeqClassifier), SeqClassifier alone, scikeras's
KerasClassifier, ``keras.Model.predict``, an eager ``model(x)`` call, and the
floor: the same call compiled with ``tf.function`` (and with XLA). Each figure is
the median of ``repeats`` calls after warm-up; the headline ratio is scikeras over
the autoseq pipeline.

Run: ``python benchmarks/latency.py [--quick]``.
"""

from __future__ import annotations

import argparse

import numpy as np

try:
    from benchmarks._common import median_ms, quiet_tensorflow, save
except ModuleNotFoundError:  # run as a script
    from _common import median_ms, quiet_tensorflow, save

STEPS, UNITS = 10, 32


def windows(n=2000, steps=STEPS, seed=0):
    """Noisy sine windows; label: does the next value go up."""
    rng = np.random.default_rng(seed)
    t = np.arange(n + steps + 1) * 0.1
    series = np.sin(t) + 0.1 * rng.normal(size=t.shape)
    X = np.stack([series[i:i + steps] for i in range(n)])[:, :, None]
    y = (series[steps:steps + n] > series[steps - 1:steps - 1 + n]).astype(int)
    return X, y


def hand_model(keras, n_classes=2, units=UNITS, steps=STEPS, cell="LSTM"):
    inputs = keras.Input(shape=(steps, 1))
    x = getattr(keras.layers, cell)(units)(inputs)
    outputs = keras.layers.Dense(n_classes, activation="softmax")(x)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return model


def run(quick: bool = False) -> dict:
    keras = quiet_tensorflow()
    import tensorflow as tf
    from scikeras.wrappers import KerasClassifier
    from sklearn.pipeline import Pipeline

    from autoseq import SeqClassifier, SequencePadder, SequenceScaler, get_architecture

    repeats = 30 if quick else 200
    X, y = windows()
    one = X[:1]
    pipe = Pipeline([("scaler", SequenceScaler()), ("padder", SequencePadder()),
                     ("model", SeqClassifier(get_architecture("lstm", units=UNITS, dropout=0.0),
                                             epochs=1, random_state=0))]).fit(X, y)
    seq = pipe.named_steps["model"]
    sk = KerasClassifier(model=lambda: hand_model(keras), epochs=1, verbose=0,
                         random_state=0).fit(X, y)
    model = sk.model_
    x1 = tf.constant(one, dtype="float32")
    compiled = tf.function(lambda x: model(x, training=False))
    xla = tf.function(lambda x: model(x, training=False), jit_compile=True)
    paths = {
        "autoseq pipeline .predict": lambda: pipe.predict(one),
        "autoseq SeqClassifier .predict": lambda: seq.predict(one),
        "scikeras KerasClassifier .predict": lambda: sk.predict(one),
        "keras Model.predict": lambda: model.predict(one, verbose=0),
        "eager model(x)": lambda: model(x1, training=False).numpy(),
        "tf.function call (floor)": lambda: compiled(x1).numpy(),
        "XLA tf.function call": lambda: xla(x1).numpy(),
    }
    one_ms = {name: median_ms(fn, repeats=repeats if "predict" not in name or "autoseq" in name
                              else max(10, repeats // 4)) for name, fn in paths.items()}
    batch = X[:1000]
    batch_ms = {"autoseq pipeline .predict": median_ms(lambda: pipe.predict(batch), repeats=10),
                "scikeras KerasClassifier .predict": median_ms(lambda: sk.predict(batch),
                                                               repeats=10)}
    return {
        "network": f"LSTM({UNITS}) -> Dense(2, softmax), {STEPS} steps x 1 channel",
        "repeats": repeats, "one_sequence_ms": one_ms, "batch_1000_ms": batch_ms,
        "ratio_scikeras_over_autoseq": one_ms["scikeras KerasClassifier .predict"]
        / one_ms["autoseq pipeline .predict"],
        "ratio_autoseq_over_floor": one_ms["autoseq pipeline .predict"]
        / one_ms["tf.function call (floor)"],
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    result = run(args.quick)
    print(save("latency", result))
    for name, ms in result["one_sequence_ms"].items():
        print(f"{name:40s} {ms:8.2f} ms")
    print(f"scikeras / autoseq: {result['ratio_scikeras_over_autoseq']:.1f}x")


if __name__ == "__main__":
    main()

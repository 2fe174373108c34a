"""Training overhead: SeqClassifier vs the same network written by hand in Keras.

The hand-written reference is ``keras.Model.fit`` on an LSTM(32) -> Dense network,
5 epochs of 5,000 ten-step windows, batch 32. SeqClassifier trains the same body
(``lstm``, 32 units, no dropout, no early stopping) on the same data; scikeras's
KerasClassifier is shown for reference. Runs alternate between the three and
the medians are reported, as whole-fit time (build + compile + epochs) and as
steady-state epoch time (median of epochs 2..n, which excludes tracing). The
network SeqClassifier builds (with its padding-mask layer) is also fitted by
hand, to tell the network's cost from the wrapper's.

Run: ``python benchmarks/training_overhead.py [--quick]``.
"""

from __future__ import annotations

import argparse
import statistics
import time

try:
    from benchmarks._common import quiet_tensorflow, save
    from benchmarks.latency import UNITS, hand_model, windows
except ModuleNotFoundError:  # run as a script
    from _common import quiet_tensorflow, save
    from latency import UNITS, hand_model, windows


def _epoch_timer(keras):
    class EpochTimer(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.times = []

        def on_epoch_begin(self, epoch, logs=None):
            self._t0 = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            self.times.append(time.perf_counter() - self._t0)

    return EpochTimer()


def run(quick: bool = False) -> dict:
    keras = quiet_tensorflow()
    from scikeras.wrappers import KerasClassifier

    from autoseq import SeqClassifier, get_architecture

    epochs, rounds = (3, 2) if quick else (5, 5)
    X, y = windows(n=5000)
    X32 = X.astype("float32")

    def by_hand():
        timer = _epoch_timer(keras)
        keras.utils.set_random_seed(0)
        t0 = time.perf_counter()
        model = hand_model(keras)
        model.fit(X32, y, epochs=epochs, batch_size=32, verbose=0, callbacks=[timer])
        return time.perf_counter() - t0, timer.times

    def autoseq(random_state=0):
        timer = _epoch_timer(keras)
        clf = SeqClassifier(get_architecture("lstm", units=UNITS, dropout=0.0), epochs=epochs,
                            batch_size=32, callbacks=[timer], random_state=random_state)
        t0 = time.perf_counter()
        clf.fit(X, y)
        return time.perf_counter() - t0, timer.times

    def autoseq_network_by_hand():
        """The network SeqClassifier builds (padding mask included), fitted like by_hand."""
        from autoseq.networks.build import HeadSpec, build_model

        timer = _epoch_timer(keras)
        keras.utils.set_random_seed(0)
        t0 = time.perf_counter()
        model = build_model(get_architecture("lstm", units=UNITS, dropout=0.0), n_steps=None,
                            n_channels=1, head=HeadSpec("softmax", 2))
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
        model.fit(X32, y, epochs=epochs, batch_size=32, verbose=0, callbacks=[timer])
        return time.perf_counter() - t0, timer.times

    def scikeras():
        timer = _epoch_timer(keras)
        clf = KerasClassifier(model=lambda: hand_model(keras), epochs=epochs, batch_size=32,
                              verbose=0, random_state=0, callbacks=[timer])
        t0 = time.perf_counter()
        clf.fit(X, y)
        return time.perf_counter() - t0, timer.times

    paths = {"keras by hand": by_hand, "autoseq network, fitted by hand": autoseq_network_by_hand,
             "autoseq SeqClassifier": autoseq,
             "autoseq SeqClassifier (random_state=None)": lambda: autoseq(None),
             "scikeras KerasClassifier": scikeras}
    runs = {name: [] for name in paths}
    by_hand()  # warm-up: first TensorFlow use in the process
    for _ in range(rounds):
        for name, fn in paths.items():
            keras.backend.clear_session()
            runs[name].append(fn())
    summary = {}
    for name, results in runs.items():
        fit = statistics.median(r[0] for r in results)
        steady = statistics.median(t for r in results for t in r[1][1:])
        summary[name] = {"fit_s": fit, "epoch_s": steady, "fits": [r[0] for r in results]}
    ref, same = summary["keras by hand"], summary["autoseq network, fitted by hand"]
    for item in summary.values():
        item["fit_ratio"] = item["fit_s"] / ref["fit_s"]
        item["epoch_ratio"] = item["epoch_s"] / ref["epoch_s"]
        # against the very network SeqClassifier trains (its padding mask included)
        item["epoch_ratio_same_network"] = item["epoch_s"] / same["epoch_s"]
    return {"setup": f"LSTM({UNITS}) -> Dense, {len(X)} windows x 10 steps, batch 32, "
                     f"{epochs} epochs, {rounds} alternating rounds",
            "paths": summary}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    result = run(args.quick)
    print(save("training_overhead", result))
    for name, r in result["paths"].items():
        print(f"{name:45s} fit {r['fit_s']:6.2f}s ({r['fit_ratio']:.2f}x)  "
              f"epoch {r['epoch_s']:6.3f}s ({r['epoch_ratio']:.2f}x)")


if __name__ == "__main__":
    main()

"""How fast the closed-form candidates compute their features, against MiniRocket.

The default classifier's closed-form candidate (``rocket_hydra_ridge``) spends
most of its fit and all of its predict computing ROCKET's and Hydra's features.
This script times, on random sequences of several shapes and in one run:

- ``rocket``: :func:`autoseq.estimators.rocket_ridge.random_kernel_features`
  (5,000 kernels, as the estimators use);
- ``rocket (Keras layer)``: the same features through the ``rocket`` network's
  Keras layer, compiled as one ``tf.function`` (how the estimators computed them
  before the features were written as matrix products);
- ``hydra``: :func:`autoseq.estimators.hydra_ridge.hydra_features` (64 groups of 8);
- ``MiniRocket``: aeon's ``MiniRocket`` ``fit_transform`` (about 10,000 features),
  in aeon's own virtual environment (see ``benchmarks/_minirocket.py``), when there is one.

Each figure is the median of ``--repeats`` calls after one untimed call of the same
shape (which compiles). Writes ``benchmarks/results/feature_speed.json`` and the
fragment ``benchmarks/fragments/feature_speed.md``. ``--before FILE`` adds the
figures of a run at an older commit (this script run from a worktree of it, with
``PYTHONPATH`` set to that worktree): ``benchmarks/results/feature_speed_1a2c256.json``
holds the code before the features were rewritten.

Run: ``python benchmarks/feature_speed.py [--quick] [--before FILE]``.
"""

from __future__ import annotations

import argparse
import functools
import json
import subprocess
from pathlib import Path

import numpy as np

try:
    from benchmarks._common import HERE, median_ms, quiet_tensorflow, save
    from benchmarks._minirocket import python_with_aeon
except ModuleNotFoundError:  # run as a script
    from _common import HERE, median_ms, quiet_tensorflow, save
    from _minirocket import python_with_aeon

SHAPES = ((1000, 150), (500, 500), (200, 2000))
QUICK_SHAPES = ((200, 150),)
FRAGMENT = HERE / "fragments" / "feature_speed.md"

MINIROCKET_SCRIPT = r"""
import json, statistics, sys, time
import numpy as np
from aeon.transformations.collection.convolution_based import MiniRocket
n, steps, repeats = (int(a) for a in sys.argv[1:4])
X = np.random.default_rng(0).normal(size=(n, 1, steps))
MiniRocket(random_state=0).fit_transform(X[:8])  # numba compiles (or loads its cache)
times = []
for _ in range(repeats):
    t0 = time.perf_counter(); MiniRocket(random_state=0).fit_transform(X)
    times.append(time.perf_counter() - t0)
print(json.dumps({"seconds": statistics.median(times)}))
"""


def median_seconds(features, X, repeats: int) -> float:
    """Median seconds of ``features(X)`` after one call that compiles for this shape."""
    return median_ms(functools.partial(features, X), repeats=repeats, warmup=1) / 1e3


def keras_layer_features(keras, n_kernels: int):
    """The ``rocket`` network's feature layer as one compiled call per chunk of 256."""
    import tensorflow as tf

    from autoseq.networks.layers import PaddingMask, RandomConvolutionFeatures

    inputs = keras.Input((None, 1))
    features = RandomConvolutionFeatures(n_kernels=n_kernels, seed=0)(PaddingMask()(inputs))
    model = keras.Model(inputs, features)
    call = tf.function(lambda x: model(x, training=False),
                       input_signature=[tf.TensorSpec((None, None, 1), "float32")])
    return lambda X: np.concatenate([call(tf.constant(X[i:i + 256])).numpy()
                                     for i in range(0, len(X), 256)])


def minirocket_seconds(n: int, steps: int, repeats: int) -> float | None:
    python = python_with_aeon()
    if python is None:
        return None
    done = subprocess.run([python, "-c", MINIROCKET_SCRIPT, str(n), str(steps), str(repeats)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])["seconds"]


def run(quick: bool = False, repeats: int = 3, before: dict | None = None) -> dict:
    keras = quiet_tensorflow()
    from autoseq.estimators.hydra_ridge import hydra_features
    from autoseq.estimators.rocket_ridge import random_kernel_features

    layer = keras_layer_features(keras, 5000)
    rows = []
    for n, steps in QUICK_SHAPES if quick else SHAPES:
        X = np.random.default_rng(0).normal(size=(n, steps, 1)).astype("float32")
        row = {"n": n, "steps": steps,
               "rocket": median_seconds(random_kernel_features, X, repeats),
               "rocket_keras_layer": median_seconds(layer, X, repeats),
               "hydra": median_seconds(hydra_features, X, repeats),
               "minirocket": minirocket_seconds(n, steps, repeats)}
        rows.append(row)
        print(json.dumps(row), flush=True)
    result = json.loads(save("feature_speed", {"repeats": repeats, "rows": rows}).read_text())
    FRAGMENT.write_text(fragment(result, before))
    return result


def fragment(result: dict, before: dict | None = None) -> str:
    def cell(seconds):
        return "-" if seconds is None else f"{seconds:.2f}"

    earlier = {(r["n"], r["steps"]): r for r in (before or {}).get("rows", [])}

    lines = [
        "## Closed-form features: seconds per call (`benchmarks/feature_speed.py`)", "",
        "Random univariate sequences, float32, one process, median of "
        f"{result['repeats']} calls after a compiling call of the same shape; "
        f"{result['machine']['cpus']} CPUs, {result['machine']['date']}. ROCKET: 5,000 kernels "
        "(10,000 features); Hydra: 64 groups of 8 kernels; MiniRocket (aeon, its own "
        "environment): about 10,000 features. The default classifier's closed-form candidate "
        "computes ROCKET's and Hydra's features. Command: `python benchmarks/feature_speed.py"
        + (" --before <its results file>" if before else "") + "`.", "",
        "| sequences x steps | ROCKET | ROCKET, Keras layer | Hydra | ROCKET + Hydra "
        "| MiniRocket | (ROCKET + Hydra) / MiniRocket | ROCKET + Hydra before |",
        "|---|---|---|---|---|---|---|---|"]
    for row in result["rows"]:
        both = row["rocket"] + row["hydra"]
        ratio = "-" if row["minirocket"] is None else f"{both / row['minirocket']:.1f}x"
        old = earlier.get((row["n"], row["steps"]))
        then = "-" if old is None else (
            f"{old['rocket'] + old['hydra']:.2f} ({(old['rocket'] + old['hydra']) / both:.1f}x "
            f"slower; MiniRocket {cell(old['minirocket'])} in that run)")
        lines.append(f"| {row['n']} x {row['steps']} | {cell(row['rocket'])} | "
                     f"{cell(row['rocket_keras_layer'])} | {cell(row['hydra'])} | {cell(both)} | "
                     f"{cell(row['minirocket'])} | {ratio} | {then} |")
    if before:
        lines += ["", "\"Before\": the same script at the code of "
                  f"{before.get('code', 'an older commit')}, {before['machine']['date']}, "
                  "where ROCKET's features went through the Keras layer and Hydra's "
                  "through grouped convolutions."]
    return "\n".join(lines) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one small shape")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--before", type=Path,
                        help="a results file of this script at an older commit, shown beside")
    args = parser.parse_args(argv)
    run(args.quick, args.repeats, json.loads(args.before.read_text()) if args.before else None)


if __name__ == "__main__":
    main()

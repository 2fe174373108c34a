"""Memory over long searches: resident memory (psutil RSS) across 30 successive fits.

Two loops in one fresh process: 30 ``SeqClassifier.fit`` calls one after the
other (what a user's own loop does), and one search of 30 candidates (what
``CandidateSearch`` does, releasing Keras state between candidates). Growth is
measured from after the 3rd fit (TensorFlow's one-off allocations are done by
then) to after the last; ``growth_per_fit_mb`` is the least-squares slope over
the same fits (less sensitive to the allocator's +-25 MB swings than two
points), and ``python_objects`` counts the live objects the garbage collector
tracks after each fit: flat when fits leave nothing behind.

Run: ``python benchmarks/memory.py [--quick]``.
"""

from __future__ import annotations

import argparse
import gc

try:
    from benchmarks._common import quiet_tensorflow, save
    from benchmarks.latency import windows
except ModuleNotFoundError:  # run as a script
    from _common import quiet_tensorflow, save
    from latency import windows

N_FITS = 30
MB = 2**20


def _rss():
    import psutil

    gc.collect()
    return psutil.Process().memory_info().rss / MB


def _sample(rss, objects):
    rss.append(_rss())
    objects.append(len(gc.get_objects()))


def _slope(values):
    import numpy as np

    return float(np.polyfit(np.arange(len(values)), values, 1)[0]) if len(values) > 1 else 0.0


def fits_loop(X, y, n):
    from autoseq import SeqClassifier, get_architecture

    rss, objects = [], []
    for i in range(n):
        SeqClassifier(get_architecture("lstm", units=8 + i % 3), epochs=2,
                      random_state=i).fit(X, y).predict(X[:10])
        _sample(rss, objects)
    return rss, objects


def search_loop(X, y, n):
    from sklearn.pipeline import Pipeline

    from autoseq import SeqClassifier, SequenceScaler, get_architecture
    from autoseq.model_selection.search import CandidateSearch

    rss, objects = [], []
    pipe = Pipeline([("scaler", SequenceScaler()),
                     ("model", SeqClassifier(epochs=2, random_state=0))])
    grid = {"model__architecture": [get_architecture("gru", units=4 + i) for i in range(n)]}
    CandidateSearch(pipe, grid, cv=2, progress=lambda *a: _sample(rss, objects)).fit(X, y)
    return rss, objects


def run(quick: bool = False) -> dict:
    quiet_tensorflow()
    n = 10 if quick else N_FITS
    X, y = windows(n=500)
    start = _rss()
    out = {"n": n, "rss_at_start_mb": start}
    for name, loop in (("SeqClassifier.fit loop", fits_loop),
                       ("CandidateSearch of n candidates x 2 folds", search_loop)):
        rss, objects = loop(X, y, n)
        first = min(2, len(rss) - 1)
        out[name] = {"rss_mb": rss, "growth_mb": rss[-1] - rss[first],
                     "peak_mb": max(rss), "growth_per_fit_mb": _slope(rss[first:]),
                     "python_objects": objects}
        print(f"[memory] {name}: growth {out[name]['growth_mb']:.0f} MB "
              f"({out[name]['growth_per_fit_mb']:.2f} MB per fit), peak "
              f"{out[name]['peak_mb']:.0f} MB, Python objects {objects[first]} -> "
              f"{objects[-1]}", flush=True)
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    print(save("memory", run(args.quick)))


if __name__ == "__main__":
    main()

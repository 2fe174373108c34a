"""Memory over long searches: resident memory (psutil RSS) across 30 successive fits.

Two loops in one fresh process: 30 ``SeqClassifier.fit`` calls one after the
other (what a user's own loop does), and one search of 30 candidates (what
``CandidateSearch`` does, releasing Keras state between candidates). Growth is
measured from after the 3rd fit (TensorFlow's one-off allocations are done by
then) to after the last.

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


def fits_loop(X, y, n):
    from autoseq import SeqClassifier, get_architecture

    rss = []
    for i in range(n):
        SeqClassifier(get_architecture("lstm", units=8 + i % 3), epochs=2,
                      random_state=i).fit(X, y).predict(X[:10])
        rss.append(_rss())
    return rss


def search_loop(X, y, n):
    from sklearn.pipeline import Pipeline

    from autoseq import SeqClassifier, SequenceScaler, get_architecture
    from autoseq.search import CandidateSearch

    rss = []
    pipe = Pipeline([("scaler", SequenceScaler()),
                     ("model", SeqClassifier(epochs=2, random_state=0))])
    grid = {"model__architecture": [get_architecture("gru", units=4 + i) for i in range(n)]}
    CandidateSearch(pipe, grid, cv=2, progress=lambda *a: rss.append(_rss())).fit(X, y)
    return rss


def run(quick: bool = False) -> dict:
    quiet_tensorflow()
    n = 10 if quick else N_FITS
    X, y = windows(n=500)
    start = _rss()
    out = {"n": n, "rss_at_start_mb": start}
    for name, loop in (("SeqClassifier.fit loop", fits_loop),
                       ("CandidateSearch of n candidates x 2 folds", search_loop)):
        rss = loop(X, y, n)
        out[name] = {"rss_mb": rss, "growth_mb": rss[-1] - rss[min(2, len(rss) - 1)],
                     "peak_mb": max(rss)}
        print(f"[memory] {name}: growth {out[name]['growth_mb']:.0f} MB", flush=True)
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    print(save("memory", run(args.quick)))


if __name__ == "__main__":
    main()

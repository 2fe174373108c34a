"""One label per time step: the cumulative-sum task.

The tutorials' sequence-to-sequence classification: each input is 10 numbers
drawn uniformly from [0, 1]; a step is labelled 1 once the running sum of the
inputs so far passes 10 / 4 = 2.5. They solve it with LSTM(20,
return_sequences=True) + TimeDistributed(Dense(1, sigmoid)).

With autoseq, a 2-D ``y`` with one column per time step is read as per-step
labels: only architectures that return one vector per step are searched, the
head is per step, ``predict`` returns ``(n_sequences, n_steps)``,
``predict_proba`` ``(n_sequences, n_steps, n_classes)`` and the score is the
share of correctly labelled steps.

Run from the project root::

    python examples/per_step_labels.py            # LSTM, GRU and TCN searched (minutes)
    python examples/per_step_labels.py --quick    # one LSTM(20), as in the tutorial
"""

from __future__ import annotations

import argparse
import time

import numpy as np

N_STEPS = 10


def cumulative_sum_task(n: int, *, seed: int, n_steps: int = N_STEPS):
    """Sequences of uniform [0, 1] inputs and their per-step labels.

    Returns
    -------
    X : ndarray of shape (n, n_steps)
    y : ndarray of shape (n, n_steps)
        1 from the step where the running sum passes ``n_steps / 4``.

    Examples
    --------
    >>> X, y = cumulative_sum_task(2, seed=0)
    >>> X.shape, y.shape, bool((np.diff(y, axis=1) >= 0).all())
    ((2, 10), (2, 10), True)
    """
    X = np.random.default_rng(seed).uniform(size=(n, n_steps))
    return X, (np.cumsum(X, axis=1) > n_steps / 4).astype(int)


def main(quick: bool = False) -> None:
    from autoseq import AutoSeqClassifier

    X, y = cumulative_sum_task(500 if quick else 1000, seed=0)
    X_new, y_new = cumulative_sum_task(1000, seed=1)
    if quick:
        clf = AutoSeqClassifier(architectures=["lstm"], param_grid={"lstm": {"units": [20]}},
                                max_epochs=40, ensemble=False, random_state=0, verbose=1)
    else:
        clf = AutoSeqClassifier(architectures=["lstm", "gru", "tcn"], max_epochs=60,
                                random_state=0, verbose=1)
    started = time.perf_counter()
    clf.fit(X, y)
    print(clf.leaderboard_[["rank", "architecture", "kind", "params", "mean_score",
                            "fit_time"]].to_string(index=False))
    print(f"search and refit: {time.perf_counter() - started:.0f}s; label mode: {clf.label_mode_}")

    pred = clf.predict(X_new)
    print(f"predict: {pred.shape}, predict_proba: {clf.predict_proba(X_new).shape}")
    print(f"per-step accuracy on {len(X_new)} fresh sequences: {np.mean(pred == y_new):.4f}")
    print(f"sequences labelled right at every step: {np.mean((pred == y_new).all(axis=1)):.4f}")
    print("one fresh sequence:")
    print("  running sum:", np.round(np.cumsum(X_new[0]), 2).tolist())
    print("  true labels:", y_new[0].tolist())
    print("  predicted:  ", pred[0].tolist())


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one LSTM(20)")
    main(parser.parse_args().quick)

"""MiniRocket (aeon) as a reference, fitted in the same run as autoseq (or MultiRocket).

aeon pins numpy and pandas below what TensorFlow runs with here, so it lives in
its own virtual environment (``python benchmarks/archive.py --setup-minirocket``
makes one) and each fit runs there in a subprocess, on the data passed as an
``.npz`` file. ``$AUTOSEQ_MINIROCKET_PYTHON`` names another Python that imports aeon.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

DEFAULT_VENV = Path.home() / ".cache" / "autoseq-archive" / "aeon-venv"

SCRIPT = r"""
import json, sys, time
import numpy as np
from aeon.classification import convolution_based as classifiers
from aeon.regression import convolution_based as regressors
d = np.load(sys.argv[1])
task, family = sys.argv[2], sys.argv[3]
Xtr, ytr, Xte, yte = d["X_train"], d["y_train"], d["X_test"], d["y_test"]
Model = (getattr(classifiers, family + "Classifier") if task == "classification"
         else getattr(regressors, family + "Regressor"))
# compile (or load numba's cache) on a throwaway fit, so the timed fit excludes it
warm = np.random.default_rng(0).normal(size=(6,) + Xtr.shape[1:])
Model(random_state=0).fit(warm, np.array([0, 1] * 3) if task == "classification" else
                          np.arange(6.0))
model = Model(random_state=0)
t0 = time.perf_counter(); model.fit(Xtr, ytr); fit_s = time.perf_counter() - t0
pred = model.predict(Xte)
if task == "classification":
    score = float(np.mean(pred == yte))
else:
    score = float(np.sqrt(np.mean((pred.astype(float) - yte.astype(float)) ** 2)))
print(json.dumps({"score": score, "fit_s": round(fit_s, 3)}))
"""


def python_with_aeon(given=None) -> str | None:
    """A Python that imports aeon: ``given``, ``$AUTOSEQ_MINIROCKET_PYTHON``, the default
    virtual environment, or this one; None when there is none."""
    for candidate in (given, os.environ.get("AUTOSEQ_MINIROCKET_PYTHON"),
                      DEFAULT_VENV / "bin" / "python"):
        if candidate and Path(candidate).is_file():
            return str(candidate)
    return sys.executable if importlib.util.find_spec("aeon") else None


def aeon_layout(X, length: int) -> np.ndarray:
    """``(n, channels, length)`` float64 for aeon: shorter series repeat their last step."""
    out = []
    for seq in X:
        seq = np.asarray(seq, dtype=float)
        seq = seq[:, None] if seq.ndim == 1 else seq
        seq = seq[~np.isnan(seq).any(axis=1)]  # NaN padding of unequal lengths
        pad = np.repeat(seq[-1:], length - len(seq), axis=0)
        out.append(np.concatenate([seq, pad]).T)
    return np.ascontiguousarray(np.stack(out))


def minirocket(task, X_train, y_train, X_test, y_test, python=None,
               family="MiniRocket") -> dict:
    """Fit MiniRocket (or aeon's ``family``, e.g. "MultiRocket") on the train part and
    score it on the test part.

    Returns
    -------
    dict
        ``{"score", "fit_s"}`` (accuracy, or RMSE for regression), or
        ``{"skipped": reason}`` / ``{"error": message}``.
    """
    python = python_with_aeon(python)
    if python is None:
        return {"skipped": "no Python with aeon (python benchmarks/archive.py "
                           "--setup-minirocket)"}
    length = max(len(s) for s in list(X_train) + list(X_test))
    targets = (lambda y: np.asarray(y).astype(str)) if task == "classification" else (
        lambda y: np.asarray(y, dtype=float))
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "split.npz"
        np.savez(data, X_train=aeon_layout(X_train, length), y_train=targets(y_train),
                 X_test=aeon_layout(X_test, length), y_test=targets(y_test))
        done = subprocess.run([python, "-c", SCRIPT, str(data), task, family],
                              capture_output=True, text=True)
    if done.returncode != 0:
        return {"error": (done.stderr.strip().splitlines() or ["?"])[-1][:300]}
    return json.loads(done.stdout.strip().splitlines()[-1])

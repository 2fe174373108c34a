"""Shared helpers of the benchmark scripts: timing, result files, machine facts."""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"

if str(ROOT) not in sys.path:  # run as `python benchmarks/x.py` from anywhere
    sys.path.insert(0, str(ROOT))


def median_ms(fn, *, repeats: int = 50, warmup: int = 5) -> float:
    """Median wall time of ``fn()`` in milliseconds, after ``warmup`` untimed calls."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times)


def machine() -> dict:
    """What the figures were measured on."""
    import numpy as np

    from autoseq._backend import tensorflow

    tf = tensorflow()
    gpus = tf.config.list_physical_devices("GPU")
    try:
        load = os.getloadavg()[0]
    except OSError:
        load = float("nan")
    return {"python": platform.python_version(), "tensorflow": tf.__version__,
            "numpy": np.__version__, "cpus": os.cpu_count(),
            "gpu": ", ".join(g.name for g in gpus) or "none",
            "load_average_1min": round(load, 2),
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}


def save(name: str, result: dict) -> Path:
    """Write one benchmark's result as ``benchmarks/results/<name>.json``."""
    RESULTS.mkdir(exist_ok=True)
    result = dict(result, machine=machine())
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(result, indent=2, default=_plain))
    return path


def load(name: str) -> dict | None:
    path = RESULTS / f"{name}.json"
    return json.loads(path.read_text()) if path.is_file() else None


def _plain(value):
    if hasattr(value, "item"):
        return value.item()
    if hasattr(value, "tolist"):
        return value.tolist()
    return str(value)


def quiet_tensorflow():
    """Import Keras/TensorFlow the way autoseq does (no start-up noise); return keras."""
    from autoseq._backend import keras

    return keras()

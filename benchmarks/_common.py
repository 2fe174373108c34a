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


# -- helpers of the archive harness (benchmarks/archive.py) ----------------------------
def cpu_model() -> str:
    """The CPU's model name (``/proc/cpuinfo`` on Linux, else ``platform.processor()``)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown"


def gpu_names() -> list[str]:
    """Names of the GPUs TensorFlow sees (empty on a CPU-only machine)."""
    from autoseq._backend import tensorflow

    tf = tensorflow()
    names = []
    for gpu in tf.config.list_physical_devices("GPU"):
        try:
            details = tf.config.experimental.get_device_details(gpu)
        except Exception:  # details are optional; the device itself is what matters
            details = {}
        names.append(details.get("device_name") or gpu.name)
    return names


def machine_details() -> dict:
    """:func:`machine` plus the CPU model, the GPU models and this process's niceness."""
    details = machine()
    details["cpu_model"] = cpu_model()
    details["gpu"] = ", ".join(gpu_names()) or "none"
    try:
        details["niceness"] = os.nice(0)
    except OSError:
        details["niceness"] = None
    return details


def append_jsonl(path: Path, record: dict) -> None:
    """Append one JSON line to ``path`` and flush it to disk.

    A line left unfinished by a killed process is closed off first, so the
    new record always starts on a line of its own.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(record, default=_plain)
    with open(path, "a+b") as f:
        if f.tell() > 0:
            f.seek(-1, os.SEEK_END)
            if f.read(1) != b"\n":
                f.write(b"\n")
        f.write(line.encode() + b"\n")
        f.flush()
        os.fsync(f.fileno())


def read_jsonl(path: Path) -> tuple[list[dict], int]:
    """The records of a JSON-lines file and the number of unreadable lines skipped."""
    path = Path(path)
    if not path.is_file():
        return [], 0
    records, bad = [], 0
    for line in path.read_text(errors="replace").splitlines():
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            bad += 1
            continue
        if isinstance(record, dict):
            records.append(record)
        else:
            bad += 1
    return records, bad


def code_version() -> str:
    """The commit the code was run from, ``+ uncommitted changes`` when autoseq/ differs
    from it (read-only git queries; "unknown" outside a git checkout)."""
    import subprocess

    def git(*args):
        return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True)

    head = git("rev-parse", "--short", "HEAD")
    if head.returncode != 0:
        return "unknown"
    dirty = git("diff", "--quiet", "HEAD", "--", "autoseq").returncode == 1
    return head.stdout.strip() + (" + uncommitted changes in autoseq/" if dirty else "")

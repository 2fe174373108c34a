"""Anomaly detection on multichannel server metrics (CPU, memory, disk I/O each minute).

The tutorials' task: learn the normal pattern of a server from two days of
metrics, then flag the minutes that do not fit it. The metrics are generated
here: an hourly batch job drives the CPU for its first quarter hour, memory
fills while it runs and drains after, and the job writes its results to disk
at its end. On the third day, for 30 minutes, the CPU and disk I/O readings
are swapped (a mislabelled collector, say): each channel's values stay in
their usual range, only their relation to each other and to the hour is wrong.

Run from the project root::

    python examples/anomaly_metrics.py            # the default search (about a minute)
    python examples/anomaly_metrics.py --quick    # the baselines only, in seconds
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

CHANNELS = ["cpu", "memory", "disk_io"]


def server_metrics(n_minutes: int, *, seed: int = 0, swap: tuple[int, int] | None = None,
                   start: int = 0) -> pd.DataFrame:
    """Generate per-minute CPU (%), memory (%) and disk I/O (MB/s) of a server.

    Parameters
    ----------
    n_minutes : int
        Rows to generate.
    seed : int, default=0
    swap : (first, last), optional
        Rows (positions, ``last`` excluded) whose CPU and disk I/O values are swapped.
    start : int, default=0
        Minute of the first row (so a test period can continue a training period).

    Returns
    -------
    pandas.DataFrame
        Columns ``cpu``, ``memory``, ``disk_io``, indexed by timestamps one minute apart.

    Examples
    --------
    >>> server_metrics(120).shape
    (120, 3)
    """
    rng = np.random.default_rng(seed)
    minute = np.arange(start, start + n_minutes)
    hour, in_hour = minute // 60, minute % 60
    job_length = 12 + rng.integers(0, 5, size=hour.max() - hour.min() + 1)[hour - hour.min()]
    running = in_hour < job_length
    cpu = np.where(running, 75.0, 18.0) + rng.normal(0, 4, n_minutes)
    fill = np.where(running, in_hour / job_length, np.exp(-(in_hour - job_length) / 8.0))
    memory = 35.0 + 30.0 * fill + rng.normal(0, 1.5, n_minutes)
    writing = (in_hour >= job_length - 3) & (in_hour < job_length + 4)
    disk_io = np.where(writing, 120.0, 8.0) + rng.gamma(2.0, 3.0, n_minutes)
    frame = pd.DataFrame({"cpu": cpu, "memory": memory, "disk_io": disk_io},
                         index=pd.date_range("2026-01-01", periods=n_minutes, freq="min")
                         + pd.Timedelta(minutes=start))
    if swap is not None:
        first, last = swap
        cpu_values = frame["cpu"].to_numpy().copy()
        frame.iloc[first:last, 0] = frame["disk_io"].to_numpy()[first:last]
        frame.iloc[first:last, 2] = cpu_values[first:last]
    return frame


def main(quick: bool = False) -> None:
    train = server_metrics(2 * 24 * 60, seed=1)
    swap = (700, 730)
    test = server_metrics(24 * 60, seed=2, swap=swap, start=len(train))
    started = time.perf_counter()
    from autoseq import AutoSeqAnomalyDetector

    # the default search: the matrix-profile and nearest-window baselines first, then two
    # small autoencoders; architectures=[] searches the baselines alone
    detector = AutoSeqAnomalyDetector(architectures=[] if quick else None, random_state=0,
                                      verbose=1)
    detector.fit(train)
    print(detector.leaderboard_[["rank", "architecture", "kind", "params", "mean_score",
                                 "fit_time"]].to_string(index=False))
    scores = detector.score_samples(test)
    flagged = detector.predict(test) == -1
    elapsed = time.perf_counter() - started
    worst = int(np.argmin(scores))
    inside = swap[0] <= worst < swap[1]
    print(f"most abnormal minute: row {worst} ({test.index[worst]}), "
          f"{'inside' if inside else 'outside'} the swapped stretch {swap[0]}-{swap[1] - 1}")
    print(f"flagged minutes: {int(flagged.sum())}, of which in the stretch: "
          f"{int(flagged[swap[0]:swap[1]].sum())} of {swap[1] - swap[0]}; {elapsed:.0f}s")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the baselines only, in seconds")
    main(parser.parse_args().quick)

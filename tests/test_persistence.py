"""autoseq.save / autoseq.load: round trips, atomic writes, refusal of bad files."""

import json
import os
import subprocess
import sys
import textwrap
import warnings

import joblib
import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import autoseq
from autoseq.io import persistence
from autoseq.io.persistence import PersistenceError, VersionMismatchWarning


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(20, 8, 1)).astype("float32")
    y = (X[:, :, 0].mean(axis=1) > 0).astype(int)
    return X, y


@pytest.fixture(scope="module")
def seq_clf(data):
    X, y = data
    return autoseq.SeqClassifier(architecture="gru", epochs=1, random_state=0).fit(X, y)


@pytest.fixture
def sk_model():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(30, 3))
    y = (X[:, 0] > 0).astype(int)
    return make_pipeline(StandardScaler(), LogisticRegression()).fit(X, y), X


@pytest.fixture
def saved(tmp_path, sk_model):
    model, _ = sk_model
    return persistence.save(model, tmp_path / "model.autoseq")


def _layout(path):
    """(header length, payload offset) of a saved file."""
    raw = path.read_bytes()
    _, _, header_length = persistence.PREFIX.unpack(raw[: persistence.PREFIX.size])
    return header_length, persistence.PREFIX.size + header_length


def _rewrite_header(path, **changes):
    """Edit header fields in place, recomputing nothing else."""
    raw = path.read_bytes()
    header_length, start = _layout(path)
    header = json.loads(raw[persistence.PREFIX.size:start])
    for name, value in changes.items():
        if isinstance(value, dict):
            header[name] = {**header.get(name, {}), **value}
        elif value is None:
            header.pop(name, None)
        else:
            header[name] = value
    head = json.dumps(header).encode()
    prefix = persistence.PREFIX.pack(persistence.MAGIC, persistence.FORMAT_VERSION, len(head))
    path.write_bytes(prefix + head + raw[start:])


class Unpicklable:
    def __reduce__(self):
        raise RuntimeError("cannot pickle this")


class WithSummary:
    def __autoseq_save__(self):
        return {"summary": {"architecture": "gru", "cv_score": np.float64(0.75),
                            "shape": (20, 8, 1)}}


class BadHook:
    def __autoseq_save__(self):
        raise KeyError("best_")


class Hooked:
    def __init__(self, result):
        self.result = result

    def __autoseq_save__(self):
        return self.result


class Board:
    """Fitted-search attributes that the default report reads."""

    def __init__(self):
        self.leaderboard_ = pd.DataFrame({"rank": [1, 2], "architecture": ["gru", "rocket"],
                                          "params": [{"units": np.int64(8)}, {}],
                                          "mean_score": [0.9, np.nan]})
        self.feature_names_in_ = np.array(["a", "b"], dtype=object)

    def get_params(self, deep=True):
        return {"cv": 3, "architectures": [LogisticRegression()]}


class Searched:
    """An estimator with search scaffolding that saves only its model and a report."""

    def __init__(self, model):
        self.model = model
        self.scaffolding = [LogisticRegression(C=c) for c in (0.1, 1.0, 10.0)]

    def __autoseq_save__(self):
        return {"estimator": self.model,
                "summary": {"cv_score": np.float64(0.5), "best": "logistic"},
                "report": {"leaderboard": [{"rank": 1, "score": np.float32(0.5),
                                            "std": float("nan"), "model": self.model}]}}


# -- round trips -------------------------------------------------------------------------


def test_seq_classifier_round_trip(tmp_path, seq_clf, data):
    X, _ = data
    path = autoseq.save(seq_clf, tmp_path / "clf.autoseq")
    assert path == tmp_path / "clf.autoseq"
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        loaded = autoseq.load(path)
    assert not [w for w in record if w.filename == __file__]  # unsigned, same versions
    assert type(loaded) is autoseq.SeqClassifier
    np.testing.assert_array_equal(loaded.predict_proba(X), seq_clf.predict_proba(X))
    np.testing.assert_array_equal(loaded.predict(X), seq_clf.predict(X))


def test_sklearn_round_trip_accepts_str_path(tmp_path, sk_model):
    model, X = sk_model
    path = persistence.save(model, str(tmp_path / "sk.autoseq"), compress=0)
    assert path == tmp_path / "sk.autoseq"
    loaded = persistence.load(str(path))
    np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))


def test_save_replaces_existing_file(tmp_path, sk_model):
    model, X = sk_model
    path = tmp_path / "m.autoseq"
    persistence.save({"old": 1}, path)
    persistence.save(model, path)
    np.testing.assert_array_equal(persistence.load(path).predict(X), model.predict(X))
    assert os.listdir(tmp_path) == ["m.autoseq"]


def test_fresh_process_predicts_the_same(tmp_path, seq_clf, data):
    X, _ = data
    path = autoseq.save(seq_clf, tmp_path / "clf.autoseq")
    np.save(tmp_path / "X.npy", X)
    script = textwrap.dedent(f"""
        import numpy as np, autoseq
        clf = autoseq.load({str(path)!r})
        np.save({str(tmp_path / "proba.npy")!r}, clf.predict_proba(np.load({str(tmp_path / "X.npy")!r})))
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    np.testing.assert_array_equal(np.load(tmp_path / "proba.npy"), seq_clf.predict_proba(X))


# -- atomic writes -----------------------------------------------------------------------


def test_unpicklable_object_leaves_existing_file_intact(tmp_path, saved):
    before = saved.read_bytes()
    with pytest.raises(RuntimeError, match="cannot pickle"):
        persistence.save([1, Unpicklable()], saved)
    assert saved.read_bytes() == before
    assert os.listdir(tmp_path) == [saved.name]


def test_failure_while_writing_removes_temp_file(tmp_path, saved, monkeypatch):
    before = saved.read_bytes()

    def broken_replace(src, dst):
        assert os.path.exists(src) and src.endswith(persistence.TMP_SUFFIX)
        raise OSError("disk gone")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk gone"):
        persistence.save({"new": 2}, saved)
    assert saved.read_bytes() == before
    assert os.listdir(tmp_path) == [saved.name]


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_permissions_like_a_plain_open(tmp_path):
    umask = os.umask(0o022)
    try:
        new = persistence.save({}, tmp_path / "new.autoseq")
    finally:
        os.umask(umask)
    assert new.stat().st_mode & 0o777 == 0o644  # not the 0o600 of a temporary file
    new.chmod(0o640)
    persistence.save({"again": 1}, new)
    assert new.stat().st_mode & 0o777 == 0o640  # a replaced file keeps its permissions


def test_save_into_missing_directory(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        persistence.save({}, tmp_path / "nope" / "m.autoseq")


# -- refusing bad files ------------------------------------------------------------------


def test_missing_file(tmp_path):
    path = tmp_path / "absent.autoseq"
    with pytest.raises(FileNotFoundError, match="absent.autoseq"):
        persistence.load(path)
    with pytest.raises(FileNotFoundError, match="absent.autoseq"):
        persistence.info(path)


def test_truncated_file(saved):
    raw = saved.read_bytes()
    saved.write_bytes(raw[:-10])
    with pytest.raises(PersistenceError, match="truncated") as err:
        persistence.load(saved)
    assert str(saved) in str(err.value)
    with pytest.raises(PersistenceError, match="truncated"):
        persistence.info(saved)
    saved.write_bytes(raw[: persistence.PREFIX.size + 5])  # cut inside the header
    with pytest.raises(PersistenceError, match="truncated"):
        persistence.load(saved)


def test_flipped_payload_byte(saved):
    raw = bytearray(saved.read_bytes())
    _, start = _layout(saved)
    raw[start + (len(raw) - start) // 2] ^= 0xFF
    saved.write_bytes(bytes(raw))
    with pytest.raises(PersistenceError, match="corrupted") as err:
        persistence.load(saved)
    assert str(saved) in str(err.value)


def test_trailing_bytes_are_refused(saved):
    saved.write_bytes(saved.read_bytes() + b"x")
    with pytest.raises(PersistenceError, match="corrupted"):
        persistence.load(saved)


def test_garbled_header(saved):
    raw = bytearray(saved.read_bytes())
    raw[persistence.PREFIX.size] = ord("#")  # header JSON starts with "{"
    saved.write_bytes(bytes(raw))
    with pytest.raises(PersistenceError, match="corrupted"):
        persistence.load(saved)


@pytest.mark.parametrize("kind", ["joblib", "random", "empty"])
def test_foreign_files(tmp_path, kind):
    path = tmp_path / "foreign.bin"
    if kind == "joblib":
        joblib.dump({"a": 1}, path)
    elif kind == "random":
        path.write_bytes(np.random.default_rng(0).bytes(200))
    else:
        path.write_bytes(b"")
    with pytest.raises(PersistenceError, match="not an autoseq model file") as err:
        persistence.load(path)
    assert str(path) in str(err.value)
    with pytest.raises(PersistenceError, match="not an autoseq model file"):
        persistence.info(path)


def test_newer_format_is_refused(saved):
    raw = bytearray(saved.read_bytes())
    raw[8:10] = (persistence.FORMAT_VERSION + 1).to_bytes(2, "big")
    saved.write_bytes(bytes(raw))
    with pytest.raises(PersistenceError, match="upgrade autoseq"):
        persistence.load(saved)


# -- signatures --------------------------------------------------------------------------


@pytest.mark.parametrize("key", [b"team secret", "team secret"])
def test_right_key_loads(tmp_path, sk_model, key):
    model, X = sk_model
    path = persistence.save(model, tmp_path / "m.autoseq", key=key)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loaded = persistence.load(path, key=b"team secret")
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))


def test_wrong_key_is_refused(tmp_path, sk_model):
    path = persistence.save(sk_model[0], tmp_path / "m.autoseq", key="team secret")
    with pytest.raises(PersistenceError, match="signature does not match: the file was modified"):
        persistence.load(path, key="other")


def test_tampered_signed_file_is_refused(tmp_path, sk_model):
    """Someone replaces the payload and fixes the checksum, but cannot sign."""
    path = persistence.save(sk_model[0], tmp_path / "m.autoseq", key="team secret")
    other = persistence.save({"evil": True}, tmp_path / "other.autoseq")
    _, start = _layout(other)
    evil_payload = other.read_bytes()[start:]
    header = persistence.info(other)
    _rewrite_header(path, payload_length=header["payload_length"],
                    payload_sha256=header["payload_sha256"])
    _, start = _layout(path)
    path.write_bytes(path.read_bytes()[:start] + evil_payload)
    with pytest.raises(PersistenceError, match="signature does not match"):
        persistence.load(path, key="team secret")


def test_unsigned_file_with_key_is_refused(saved):
    with pytest.raises(PersistenceError, match="not signed") as err:
        persistence.load(saved, key="team secret")
    assert str(saved) in str(err.value)


def test_signed_file_without_key_warns(tmp_path, sk_model):
    path = persistence.save(sk_model[0], tmp_path / "m.autoseq", key="team secret")
    with pytest.warns(UserWarning, match="signature was not verified"):
        persistence.load(path)


def test_bad_keys(tmp_path):
    with pytest.raises(TypeError, match="bytes or str"):
        persistence.save({}, tmp_path / "m.autoseq", key=123)
    with pytest.raises(ValueError, match="empty"):
        persistence.save({}, tmp_path / "m.autoseq", key="")
    assert os.listdir(tmp_path) == []


# -- versions and header -----------------------------------------------------------------


def test_version_mismatch_in_file_warns(saved):
    _rewrite_header(saved, versions={"keras": "2.0.0", "scikit-learn": "0.1"})
    with pytest.warns(VersionMismatchWarning) as record:
        persistence.load(saved)
    message = str(record[0].message)
    assert "keras 2.0.0" in message and "scikit-learn 0.1" in message
    assert "tensorflow" not in message and "autoseq" not in message.split(": ", 1)[1]


def test_version_mismatch_with_running_versions_warns(saved, monkeypatch):
    running = persistence.running_versions()
    monkeypatch.setattr(persistence, "running_versions",
                        lambda: {**running, "tensorflow": "9.9.9", "autoseq": "9.0"})
    with pytest.warns(VersionMismatchWarning, match=r"tensorflow .* \(running 9\.9\.9\)") as rec:
        persistence.load(saved)
    assert "autoseq" in str(rec[0].message)
    assert issubclass(VersionMismatchWarning, UserWarning)


def test_info_reads_header_without_unpickling(tmp_path, monkeypatch):
    path = persistence.save(WithSummary(), tmp_path / "m.autoseq", key="k")
    monkeypatch.setattr(persistence.joblib, "load",
                        lambda *a, **k: pytest.fail("info() must not unpickle"))
    header = persistence.info(path)
    assert header["format"] == persistence.FORMAT_VERSION
    assert header["class"].endswith("WithSummary")
    assert header["summary"] == {"architecture": "gru", "cv_score": 0.75, "shape": [20, 8, 1]}
    assert header["signed"] is True and len(header["hmac_sha256"]) == 64
    assert header["payload_length"] == path.stat().st_size - _layout(path)[1]
    assert header["created"].endswith("+00:00")
    versions = header["versions"]
    assert versions["autoseq"] == autoseq.__version__
    for name in ("keras", "tensorflow", "scikit-learn", "numpy", "python"):
        assert versions[name], name
    assert versions["numpy"] == np.__version__


def test_estimator_without_summary_and_failing_hook(tmp_path, seq_clf):
    header = persistence.info(persistence.save(seq_clf, tmp_path / "a"))
    assert "summary" not in header and "report" not in header
    with pytest.warns(UserWarning, match=r"whole estimator.*BadHook.__autoseq_save__\(\) failed"):
        path = persistence.save(BadHook(), tmp_path / "b")
    assert "summary" not in persistence.info(path)
    assert isinstance(persistence.load(path), BadHook)


# -- what is saved: the hook, the report, a fitted pipeline ------------------------------


def _strict_header(path):
    """The header parsed as strict JSON (NaN or Infinity would raise)."""
    raw = path.read_bytes()
    _, start = _layout(path)

    def refuse(token):
        raise ValueError(f"not JSON: {token}")

    return json.loads(raw[persistence.PREFIX.size:start], parse_constant=refuse)


def test_hook_chooses_the_object_summary_and_report(tmp_path, sk_model):
    model, X = sk_model
    path = persistence.save(Searched(model), tmp_path / "m.autoseq")
    header = _strict_header(path)
    assert header["class"] == "sklearn.pipeline.Pipeline"  # what load returns
    assert header["summary"] == {"cv_score": 0.5, "best": "logistic"}
    row = header["report"]["leaderboard"][0]
    assert row["rank"] == 1 and row["score"] == 0.5 and row["std"] is None
    assert row["model"].startswith("Pipeline(")  # objects as their str
    loaded = persistence.load(path)
    assert not hasattr(loaded, "scaffolding")
    np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))


@pytest.mark.parametrize("hook_result, message", [
    (["not", "a", "dict"], "not a dict"),
    ({"estimator": None, "extra": 1}, "unknown key"),
    ({"summary": "best: gru"}, "summary is a str"),
])
def test_a_bad_hook_result_saves_the_whole_estimator(tmp_path, hook_result, message):
    with pytest.warns(UserWarning, match=message):
        path = persistence.save(Hooked(hook_result), tmp_path / "m.autoseq")
    header = persistence.info(path)
    assert header["class"].endswith("Hooked") and "summary" not in header


def test_default_report_of_an_estimator_with_a_leaderboard(tmp_path):
    report = _strict_header(persistence.save(Board(), tmp_path / "m.autoseq"))["report"]
    assert report["leaderboard"] == [
        {"rank": 1, "architecture": "gru", "params": {"units": 8}, "mean_score": 0.9},
        {"rank": 2, "architecture": "rocket", "params": {}, "mean_score": None}]
    assert report["settings"] == {"cv": 3, "architectures": ["LogisticRegression()"]}
    assert report["feature_names_in"] == ["a", "b"]


def test_a_report_too_large_for_the_header_is_left_out(tmp_path, sk_model, monkeypatch):
    monkeypatch.setattr(persistence, "MAX_HEADER", 600)
    with pytest.warns(UserWarning, match="without a report"):
        path = persistence.save(Searched(sk_model[0]), tmp_path / "m.autoseq")
    header = persistence.info(path)
    assert "report" not in header and header["summary"]["best"] == "logistic"


def test_sklearn_pipeline_summary(tmp_path, sk_model):
    header = persistence.info(persistence.save(sk_model[0], tmp_path / "m.autoseq"))
    assert header["summary"] == {"steps": "standardscaler -> logisticregression",
                                 "model": "LogisticRegression", "n_features_in": 3}


@pytest.fixture(scope="module")
def auto_clf(data):
    """An AutoSeq search over the baselines only: quick, and its winner is a pipeline."""
    X, y = data
    return autoseq.AutoSeqClassifier(architectures=[], random_state=0, verbose=0).fit(X, y)


def test_best_pipeline_of_a_search_round_trips(tmp_path, auto_clf, data):
    X, _ = data
    pipeline = auto_clf.best_estimator_
    path = autoseq.save(pipeline, tmp_path / "best.autoseq")
    header = persistence.info(path)
    assert header["class"] == "sklearn.pipeline.Pipeline"
    assert header["summary"]["steps"] == " -> ".join(pipeline.named_steps)
    assert header["summary"]["n_features_in"] == 1
    loaded = autoseq.load(path)
    assert type(loaded) is type(pipeline) and list(loaded.named_steps) == list(pipeline.named_steps)
    np.testing.assert_array_equal(loaded.predict(X), auto_clf.predict(X))
    np.testing.assert_array_equal(loaded.predict_proba(X), auto_clf.predict_proba(X))


def test_a_search_is_saved_with_its_report(tmp_path, auto_clf, data):
    X, _ = data
    path = autoseq.save(auto_clf, tmp_path / "search.autoseq")
    report = _strict_header(path)["report"]
    board = auto_clf.leaderboard_
    assert [row["architecture"] for row in report["leaderboard"]] == board["architecture"].tolist()
    assert report["settings"]["random_state"] == 0
    np.testing.assert_array_equal(autoseq.load(path).predict(X), auto_clf.predict(X))


def test_best_keras_pipeline_predicts_the_same_in_a_fresh_process(tmp_path, data):
    X, y = data
    search = autoseq.AutoSeqClassifier(
        architectures=[autoseq.get_architecture("gru", units=4)], max_epochs=1, cv=2,
        baselines=False, ensemble=False, random_state=0, verbose=0).fit(X, y)
    pipeline = search.best_estimator_
    assert type(pipeline.named_steps["model"]).__name__ == "SeqClassifier"
    path = autoseq.save(pipeline, tmp_path / "gru.autoseq")
    assert persistence.info(path)["summary"]["model"] == "SeqClassifier (gru)"
    loaded = autoseq.load(path)
    np.testing.assert_array_equal(loaded.predict_proba(X), pipeline.predict_proba(X))
    np.save(tmp_path / "X.npy", X)
    script = textwrap.dedent(f"""
        import numpy as np, autoseq
        model = autoseq.load({str(path)!r})
        X = np.load({str(tmp_path / "X.npy")!r})
        np.save({str(tmp_path / "proba.npy")!r}, model.predict_proba(X))
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    np.testing.assert_array_equal(np.load(tmp_path / "proba.npy"), search.predict_proba(X))


def test_a_saved_search_keeps_the_fitted_pipeline_and_a_slim_report(tmp_path):
    import pickle

    import autoseq

    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 12, 2))
    y = (X[:, :, 0].mean(axis=1) > 0).astype(int)
    clf = autoseq.AutoSeqClassifier(architectures=[], random_state=0).fit(X, y)
    path = tmp_path / "clf.autoseq"
    autoseq.save(clf, path)
    loaded = autoseq.load(path)
    np.testing.assert_array_equal(loaded.predict(X), clf.predict(X))
    # the candidates are named, not pickled as unfitted estimators
    assert all(isinstance(p, str) for p in loaded.cv_results_["params"])
    assert not any(k.startswith("param_") for k in loaded.cv_results_)
    assert loaded.leaderboard_.equals(clf.leaderboard_)
    assert len(pickle.dumps(clf.__autoseq_save__()["estimator"])) < len(pickle.dumps(clf))
    # the fitted estimator itself is untouched by saving
    assert not isinstance(clf.cv_results_["params"][0], str)

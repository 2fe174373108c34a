"""autoseq.save / autoseq.load: round trips, atomic writes, refusal of bad files."""

import json
import os
import subprocess
import sys
import textwrap
import warnings

import joblib
import numpy as np
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
    _, _, header_length = persistence._PREFIX.unpack(raw[: persistence._PREFIX.size])
    return header_length, persistence._PREFIX.size + header_length


def _rewrite_header(path, **changes):
    """Edit header fields in place, recomputing nothing else."""
    raw = path.read_bytes()
    header_length, start = _layout(path)
    header = json.loads(raw[persistence._PREFIX.size:start])
    for name, value in changes.items():
        if isinstance(value, dict):
            header[name] = {**header.get(name, {}), **value}
        elif value is None:
            header.pop(name, None)
        else:
            header[name] = value
    head = json.dumps(header).encode()
    prefix = persistence._PREFIX.pack(persistence.MAGIC, persistence.FORMAT_VERSION, len(head))
    path.write_bytes(prefix + head + raw[start:])


class Unpicklable:
    def __reduce__(self):
        raise RuntimeError("cannot pickle this")


class WithSummary:
    def _persistence_summary(self):
        return {"architecture": "gru", "cv_score": np.float64(0.75), "shape": (20, 8, 1)}


class BadSummary:
    def _persistence_summary(self):
        raise KeyError("best_")


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
        assert os.path.exists(src) and src.endswith(persistence._TMP_SUFFIX)
        raise OSError("disk gone")

    monkeypatch.setattr(persistence.os, "replace", broken_replace)
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
    saved.write_bytes(raw[: persistence._PREFIX.size + 5])  # cut inside the header
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
    raw[persistence._PREFIX.size] = ord("#")  # header JSON starts with "{"
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
    running = persistence._running_versions()
    monkeypatch.setattr(persistence, "_running_versions",
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


def test_estimator_without_summary_and_failing_summary(tmp_path, seq_clf):
    assert "summary" not in persistence.info(persistence.save(seq_clf, tmp_path / "a"))
    with pytest.warns(UserWarning, match="without a summary"):
        path = persistence.save(BadSummary(), tmp_path / "b")
    assert "summary" not in persistence.info(path)
    assert isinstance(persistence.load(path), BadSummary)

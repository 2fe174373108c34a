"""Save and load fitted estimators in a file that checks itself.

A file is laid out as::

    b"AUTOSEQ\\x00" | format version (uint16) | header length (uint32) | header | payload

all integers big-endian. The header is UTF-8 JSON: library versions, the
estimator's class, the creation time, the payload's length and SHA-256 and,
for a signed file, an HMAC-SHA256 of the payload. The payload is a
compressed joblib dump of the estimator.

:func:`load` checks the file before it unpickles anything: that it is an
autoseq file, that it is complete, that the payload is unchanged and, given a
key, that the signature matches. It warns when the file was written under
other versions of autoseq, Keras, TensorFlow or scikit-learn.

Unpickling runs code from the file. The checksum only catches accidents; only
a signature (``key=``) shows that the file comes from someone holding the key.
Load only files you trust.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import os
import platform
import stat
import struct
import sys
import tempfile
import warnings
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

import joblib

from autoseq import __version__

__all__ = ["PersistenceError", "VersionMismatchWarning", "info", "load", "save"]

MAGIC = b"AUTOSEQ\x00"
FORMAT_VERSION = 1
_PREFIX = struct.Struct(">8sHI")  # magic, format version, header length
_MAX_HEADER = 1 << 20
_TMP_SUFFIX = ".autoseq-tmp"

# distributions whose versions are recorded; the first found of each tuple counts
_DISTRIBUTIONS = {
    "keras": ("keras",),
    "tensorflow": ("tensorflow", "tensorflow-cpu", "tensorflow-macos"),
    "scikit-learn": ("scikit-learn",),
    "scikeras": ("scikeras",),
    "numpy": ("numpy",),
    "joblib": ("joblib",),
}
# versions whose difference is worth a warning at load time
_CHECKED = ("autoseq", "keras", "tensorflow", "scikit-learn")


class PersistenceError(ValueError):
    """The file is not an intact autoseq model file: foreign, truncated,
    corrupted, or its signature does not match."""


class VersionMismatchWarning(UserWarning):
    """The file was saved under other versions of autoseq or its libraries."""


def save(estimator, path, *, key=None, compress=3):
    """Save an estimator (fitted or not) to ``path``.

    The file is written to a temporary file next to ``path`` and moved onto
    ``path`` only once complete, so a failed save leaves an existing file
    untouched and no temporary file behind.

    Parameters
    ----------
    estimator : object
        Anything joblib can pickle; Keras models inside autoseq estimators
        pickle through scikeras. If the estimator has a method
        ``_persistence_summary()`` returning a dict, that dict is stored in
        the header as ``summary`` (see :func:`info`).
    path : str or path-like
        File to write; an existing file is replaced.
    key : bytes or str, optional
        Secret key. The payload is then signed with HMAC-SHA256 and
        ``load(path, key=key)`` refuses a file that was modified or signed
        with another key. Share the key only with those whose files you trust.
    compress : int or bool or tuple, default=3
        Passed to :func:`joblib.dump` (0 to 9 for zlib).

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    FileNotFoundError
        If the directory of ``path`` does not exist.

    See Also
    --------
    load, info
    """
    path = Path(path)
    if not path.parent.is_dir():
        raise FileNotFoundError(f"Cannot save to {path}: the directory {path.parent} does not exist.")
    payload = _dump(estimator, compress)
    header = _make_header(estimator, payload, _as_key(key))
    head = json.dumps(header, sort_keys=True, default=_json_default).encode("utf-8")

    mode = _file_mode(path)
    tmp = None
    try:
        with tempfile.NamedTemporaryFile(
            dir=path.parent, prefix=f".{path.name}.", suffix=_TMP_SUFFIX, delete=False
        ) as f:
            tmp = f.name
            f.write(_PREFIX.pack(MAGIC, FORMAT_VERSION, len(head)))
            f.write(head)
            f.write(payload)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
        tmp = None
        _fsync_directory(path.parent)
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass
    return path


def load(path, *, key=None):
    """Load an estimator saved by :func:`save`.

    .. warning::
       Loading a model unpickles it, which runs code from the file. Only load
       files you trust. The checksum catches damaged files, not deliberate
       changes: to refuse tampered files, have your team sign them with
       ``save(..., key=...)`` and load them with the same ``key``.

    The file is checked before anything is unpickled.

    Parameters
    ----------
    path : str or path-like
        File written by :func:`save`.
    key : bytes or str, optional
        Key the file was signed with. When given, a file that is unsigned or
        whose signature does not match is refused. When not given, a signed
        file still loads, with a ``UserWarning`` that the signature was not
        verified.

    Returns
    -------
    object
        The estimator.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    PersistenceError
        If the file is not an autoseq model file, is truncated or corrupted,
        or (with ``key``) is unsigned or its signature does not match.

    Warns
    -----
    VersionMismatchWarning
        If the file was saved under another version of autoseq, Keras,
        TensorFlow or scikit-learn; each difference is named.
    UserWarning
        If the file is signed and no ``key`` was given.

    See Also
    --------
    save, info
    """
    path = Path(path)
    key = _as_key(key)
    header, payload = _read(path, with_payload=True)

    signature = header.get("hmac_sha256")
    if key is not None:
        if signature is None:
            raise PersistenceError(
                f"{path} is not signed, but a key was given: refusing to load an unsigned file."
            )
        if not hmac.compare_digest(str(signature), _sign(payload, key)):
            raise PersistenceError(
                f"{path}: signature does not match: the file was modified or signed with "
                "another key."
            )
    elif signature is not None:
        warnings.warn(
            f"{path} is signed, but no key was given, so the signature was not verified; "
            "pass key= to verify it.",
            UserWarning,
            stacklevel=2,
        )

    differences = _version_differences(header.get("versions", {}), _running_versions())
    if differences:
        warnings.warn(
            f"{path} was saved under other library versions: {'; '.join(differences)}. "
            "It may fail to load or predict differently; re-fit it, or install the "
            "versions it was saved with.",
            VersionMismatchWarning,
            stacklevel=2,
        )
    return joblib.load(io.BytesIO(payload))


def info(path):
    """Read the header of a file written by :func:`save`, without unpickling it.

    Only the start of the file is read and nothing in it is run, so this is
    safe on untrusted files. It checks that the file is an autoseq model file
    and is complete; the checksum and signature are checked by :func:`load`.

    Parameters
    ----------
    path : str or path-like

    Returns
    -------
    dict
        The header: ``format``, ``versions`` (autoseq, keras, tensorflow,
        scikit-learn, scikeras, numpy, joblib, python), ``class``,
        ``created`` (UTC, ISO 8601), ``payload_length``, ``payload_sha256``,
        ``signed``, and, when present, ``hmac_sha256`` and ``summary``.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    PersistenceError
        If the file is not an autoseq model file or is truncated.
    """
    header, _ = _read(Path(path), with_payload=False)
    return header


# -- writing ---------------------------------------------------------------------------


def _dump(estimator, compress):
    if "keras" in sys.modules:
        import scikeras  # noqa: F401  (makes bare Keras models picklable too)
    buffer = io.BytesIO()
    joblib.dump(estimator, buffer, compress=compress)
    return buffer.getvalue()


def _make_header(estimator, payload, key):
    cls = type(estimator)
    header = {
        "format": FORMAT_VERSION,
        "versions": _running_versions(),
        "class": f"{cls.__module__}.{cls.__qualname__}",
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "payload_length": len(payload),
        "payload_sha256": hashlib.sha256(payload).hexdigest(),
        "signed": key is not None,
    }
    if key is not None:
        header["hmac_sha256"] = _sign(payload, key)
    summary = _summary(estimator)
    if summary is not None:
        header["summary"] = summary
    return header


def _summary(estimator):
    method = getattr(estimator, "_persistence_summary", None)
    if not callable(method):
        return None
    try:
        summary = method()
        json.dumps(summary, default=_json_default)
    except Exception as exc:  # a summary is a courtesy: never lose the model over it
        warnings.warn(f"Saved without a summary: _persistence_summary() failed: {exc!r}",
                      UserWarning, stacklevel=3)
        return None
    if not isinstance(summary, dict):
        warnings.warn("Saved without a summary: _persistence_summary() did not return a dict.",
                      UserWarning, stacklevel=3)
        return None
    return summary


def _json_default(value):
    if hasattr(value, "tolist"):  # NumPy scalars and arrays
        return value.tolist()
    return str(value)


def _file_mode(path):
    """Permissions for the new file: the replaced file's, or what ``open`` would give."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _fsync_directory(directory):
    """Make the rename durable (POSIX); a no-op where directories cannot be opened."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# -- reading ---------------------------------------------------------------------------


def _read(path, *, with_payload):
    """Return ``(header, payload)`` after checking the file; payload is None if not read."""
    with open(path, "rb") as f:
        prefix = f.read(_PREFIX.size)
        if prefix[: len(MAGIC)] != MAGIC:
            raise PersistenceError(
                f"{path} is not an autoseq model file (it does not start with {MAGIC!r}); "
                "files are written by autoseq.save."
            )
        if len(prefix) < _PREFIX.size:
            raise PersistenceError(f"{path} is truncated: it ends inside the file header.")
        _, version, header_length = _PREFIX.unpack(prefix)
        if version > FORMAT_VERSION:
            raise PersistenceError(
                f"{path} has file format {version}, newer than this autoseq ({__version__}) "
                f"reads (up to {FORMAT_VERSION}); upgrade autoseq to load it."
            )
        if header_length > _MAX_HEADER:
            raise PersistenceError(f"{path} is corrupted: its header length is implausible.")
        raw = f.read(header_length)
        if len(raw) < header_length:
            raise PersistenceError(f"{path} is truncated: it ends inside the file header.")
        header = _parse_header(path, raw)
        expected = header["payload_length"]
        if not with_payload:
            present = os.fstat(f.fileno()).st_size - f.tell()
            if present < expected:
                raise _truncated(path, expected, present)
            return header, None
        payload = f.read(expected)
        if len(payload) < expected:
            raise _truncated(path, expected, len(payload))
        if f.read(1):
            raise PersistenceError(f"{path} is corrupted: it has data after the payload.")
    if hashlib.sha256(payload).hexdigest() != header["payload_sha256"]:
        raise PersistenceError(
            f"{path} is corrupted: the SHA-256 of its payload does not match its header "
            "(the file was damaged or changed after it was saved)."
        )
    return header, payload


def _parse_header(path, raw):
    try:
        header = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        header = None
    if (
        not isinstance(header, dict)
        or not isinstance(header.get("payload_length"), int)
        or header["payload_length"] < 0
        or not isinstance(header.get("payload_sha256"), str)
    ):
        raise PersistenceError(f"{path} is corrupted: its header is not readable.")
    return header


def _truncated(path, expected, present):
    return PersistenceError(
        f"{path} is truncated: its header announces a payload of {expected} bytes but only "
        f"{present} are present (an interrupted copy or download?)."
    )


# -- keys and versions -----------------------------------------------------------------


def _as_key(key):
    if key is None:
        return None
    if isinstance(key, str):
        key = key.encode("utf-8")
    if not isinstance(key, (bytes, bytearray)):
        raise TypeError(f"key must be bytes or str; got {type(key).__name__}.")
    if not key:
        raise ValueError("key must not be empty.")
    return bytes(key)


def _sign(payload, key):
    return hmac.new(key, payload, hashlib.sha256).hexdigest()


def _running_versions():
    """Versions of autoseq, its libraries and Python, read without importing them."""
    versions = {"autoseq": __version__}
    for name, distributions in _DISTRIBUTIONS.items():
        versions[name] = None
        for distribution in distributions:
            try:
                versions[name] = metadata.version(distribution)
                break
            except metadata.PackageNotFoundError:
                continue
    versions["python"] = platform.python_version()
    return versions


def _version_differences(saved, running):
    return [
        f"{name} {saved.get(name)} (running {running.get(name)})"
        for name in _CHECKED
        if saved.get(name) != running.get(name)
    ]

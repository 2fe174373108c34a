"""Save and load fitted estimators in a file that checks itself.

A file is laid out as::

    b"AUTOSEQ\\x00" | format version (uint16) | header length (uint32) | header | payload

all integers big-endian. The header is UTF-8 JSON: library versions, the
estimator's class, the creation time, the payload's length and SHA-256, for
a signed file an HMAC-SHA256 of the payload and, when there is one, a
summary and a report (leaderboard, settings). The payload is a compressed
joblib dump of the estimator.

What is saved: a fitted pipeline (``autoseq.save(clf.best_estimator_)``:
scaler, padding or windowing, model) is saved as it is, and :func:`info`
shows its steps. An estimator decides what it saves by defining the method

``__autoseq_save__(self) -> dict``
    Looked up on the class, called once by :func:`save`. Every key is optional:

    ``"estimator"``
        The object pickled in its place, and so what :func:`load` returns
        (default: the estimator itself). An AutoSeq estimator returns a copy
        without its search scaffolding; it must predict as the original.
    ``"summary"``
        A flat dict of JSON values, the header's ``summary`` (``autoseq
        info`` shows it).
    ``"report"``
        A dict of JSON values, the header's ``report``. Without one, an
        estimator with a ``leaderboard_`` gets the default report: its
        ``leaderboard`` (one dict per row), its ``settings``
        (``get_params(deep=False)``) and ``feature_names_in`` when it has them.

    Values that JSON lacks are written as JSON: NumPy scalars and arrays as
    numbers and lists, NaN and infinities as null, other objects as their
    ``str``. When the hook fails, the estimator itself is saved, with a
    warning, and without a summary or report.

The summary and report are read by :func:`info` without unpickling anything.

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
import platform
import sys
import warnings
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

import joblib

from autoseq._version import __version__
from autoseq.io.contents import SAVE_HOOK, default_report, what_to_save
from autoseq.io.fileformat import (
    FORMAT_VERSION,
    MAGIC,
    MAX_HEADER,
    PREFIX,
    TMP_SUFFIX,
    PersistenceError,
    as_key,
    encode_header,
    read_file,
    sign,
    write_file,
)

__all__ = [
    "FORMAT_VERSION",
    "MAGIC",
    "PREFIX",
    "SAVE_HOOK",
    "TMP_SUFFIX",
    "PersistenceError",
    "VersionMismatchWarning",
    "default_report",
    "info",
    "load",
    "running_versions",
    "save",
]

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
        Anything joblib can pickle, e.g. a fitted AutoSeq estimator or its
        ``best_estimator_`` pipeline; Keras models inside autoseq
        estimators pickle through scikeras. An estimator that defines
        ``__autoseq_save__()`` chooses what is pickled and the header's
        ``summary`` and ``report`` (see the module's documentation).
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

    Warns
    -----
    UserWarning
        If ``__autoseq_save__()`` fails (the estimator itself is saved) or
        the report is too large for the header (it is left out).

    See Also
    --------
    load, info

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from sklearn.dummy import DummyClassifier
    >>> from autoseq.io.persistence import info, load, save
    >>> model = DummyClassifier().fit([[0], [1], [1]], [0, 1, 1])
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = save(model, Path(folder) / "model.autoseq")
    ...     print(info(path)["class"], load(path).predict([[5]]))
    sklearn.dummy.DummyClassifier [1]
    """
    path = Path(path)
    if not path.parent.is_dir():
        raise FileNotFoundError(f"Cannot save to {path}: the directory {path.parent} does not exist.")
    key = as_key(key)
    saved, summary, report = what_to_save(estimator)
    payload = _dump(saved, compress)
    header = _make_header(saved, payload, key, summary)
    head = encode_header(header)
    if report is not None:
        with_report = encode_header({**header, "report": report})
        if len(with_report) <= MAX_HEADER:
            head = with_report
        else:
            warnings.warn(f"Saved without a report: it takes {len(with_report)} bytes, more "
                          f"than the header's {MAX_HEADER}.", UserWarning, stacklevel=2)

    write_file(path, head, payload)
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
    key = as_key(key)
    header, payload = read_file(path, with_payload=True)

    signature = header.get("hmac_sha256")
    if key is not None:
        if signature is None:
            raise PersistenceError(
                f"{path} is not signed, but a key was given: refusing to load an unsigned file."
            )
        if not hmac.compare_digest(str(signature), sign(payload, key)):
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

    differences = _version_differences(header.get("versions", {}), running_versions())
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
        ``signed``, and, when present, ``hmac_sha256``, ``summary`` and
        ``report``.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    PersistenceError
        If the file is not an autoseq model file or is truncated.
    """
    header, _ = read_file(Path(path), with_payload=False)
    return header


# -- writing ---------------------------------------------------------------------------


def _dump(estimator, compress):
    if "keras" in sys.modules:
        import scikeras  # noqa: F401  (makes bare Keras models picklable too)
    buffer = io.BytesIO()
    joblib.dump(estimator, buffer, compress=compress)
    return buffer.getvalue()


def _make_header(saved, payload, key, summary):
    cls = type(saved)
    header = {
        "format": FORMAT_VERSION,
        "versions": running_versions(),
        "class": f"{cls.__module__}.{cls.__qualname__}",
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "payload_length": len(payload),
        "payload_sha256": hashlib.sha256(payload).hexdigest(),
        "signed": key is not None,
    }
    if key is not None:
        header["hmac_sha256"] = sign(payload, key)
    if summary is not None:
        header["summary"] = summary
    return header


def running_versions():
    """Versions of autoseq, its libraries and Python, read without importing them.

    Returns
    -------
    dict
        ``autoseq``, ``keras``, ``tensorflow``, ``scikit-learn``,
        ``scikeras``, ``numpy``, ``joblib`` (None when not installed) and
        ``python``.
    """
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

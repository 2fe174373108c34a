"""The autoseq model file: its layout, atomic writing, checked reading and signing.

A file is laid out as::

    b"AUTOSEQ\\x00" | format version (uint16) | header length (uint32) | header | payload

all integers big-endian. The header is UTF-8 JSON; :func:`read_file` checks
the magic bytes, the format version, that the file is complete and that the
payload's SHA-256 matches the header's before anyone unpickles the payload.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import stat
import struct
import tempfile

from autoseq._version import __version__

__all__ = [
    "FORMAT_VERSION",
    "MAGIC",
    "MAX_HEADER",
    "PREFIX",
    "TMP_SUFFIX",
    "PersistenceError",
    "as_key",
    "encode_header",
    "read_file",
    "sign",
    "write_file",
]

MAGIC = b"AUTOSEQ\x00"
FORMAT_VERSION = 1
#: the fixed start of a file: magic, format version, header length
PREFIX = struct.Struct(">8sHI")
#: the largest header, in bytes, a file may have
MAX_HEADER = 1 << 20
#: the suffix of the temporary file a save writes before moving it into place
TMP_SUFFIX = ".autoseq-tmp"


class PersistenceError(ValueError):
    """The file is not an intact autoseq model file: foreign, truncated,
    corrupted, or its signature does not match."""


def encode_header(header):
    """The header as the file holds it: strict (no NaN) UTF-8 JSON.

    Its own keys are sorted; the dicts inside keep their order (a summary's
    lines, a leaderboard's columns).
    """
    ordered = {key: header[key] for key in sorted(header)}
    return json.dumps(ordered, allow_nan=False).encode("utf-8")


def write_file(path, head, payload):
    """Write ``path`` atomically: a temporary file next to it, then a rename.

    A failure leaves an existing ``path`` untouched and no temporary file
    behind; the new file gets the permissions of the file it replaces, or
    those ``open`` would give.

    Parameters
    ----------
    path : pathlib.Path
    head : bytes
        The encoded header (:func:`encode_header`).
    payload : bytes
    """
    mode = _file_mode(path)
    tmp = None
    try:
        with tempfile.NamedTemporaryFile(
            dir=path.parent, prefix=f".{path.name}.", suffix=TMP_SUFFIX, delete=False
        ) as f:
            tmp = f.name
            f.write(PREFIX.pack(MAGIC, FORMAT_VERSION, len(head)))
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


def read_file(path, *, with_payload):
    """``(header, payload)`` of a file after checking it; ``payload`` is None if not read.

    Parameters
    ----------
    path : pathlib.Path
    with_payload : bool
        Read the payload and check its SHA-256 too; otherwise only check that
        the file is long enough to hold it.

    Returns
    -------
    header : dict
    payload : bytes or None

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    PersistenceError
        If the file is not an autoseq model file, is of a newer format, is
        truncated or is corrupted.
    """
    with open(path, "rb") as f:
        prefix = f.read(PREFIX.size)
        if prefix[: len(MAGIC)] != MAGIC:
            raise PersistenceError(
                f"{path} is not an autoseq model file (it does not start with {MAGIC!r}); "
                "files are written by autoseq.save."
            )
        if len(prefix) < PREFIX.size:
            raise PersistenceError(f"{path} is truncated: it ends inside the file header.")
        _, version, header_length = PREFIX.unpack(prefix)
        if version > FORMAT_VERSION:
            raise PersistenceError(
                f"{path} has file format {version}, newer than this autoseq ({__version__}) "
                f"reads (up to {FORMAT_VERSION}); upgrade autoseq to load it."
            )
        if header_length > MAX_HEADER:
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



def as_key(key):
    """``key`` as bytes (None stays None); refuses other types and an empty key."""
    if key is None:
        return None
    if isinstance(key, str):
        key = key.encode("utf-8")
    if not isinstance(key, (bytes, bytearray)):
        raise TypeError(f"key must be bytes or str; got {type(key).__name__}.")
    if not key:
        raise ValueError("key must not be empty.")
    return bytes(key)


def sign(payload, key):
    """The HMAC-SHA256 of ``payload`` under ``key``, in hex."""
    return hmac.new(key, payload, hashlib.sha256).hexdigest()



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

"""What pyproject.toml declares: licence, metadata, extras and the test suite's own rules."""

from pathlib import Path

try:
    import tomllib
except ImportError:  # Python 3.10: pytest itself depends on tomli there
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
PROJECT = PYPROJECT["project"]


def test_license_is_an_spdx_expression_with_its_file():
    # `license = {text = ...}` is deprecated (PEP 639): an SPDX string and the file itself
    assert PROJECT["license"] == "MIT"
    assert PROJECT["license-files"] == ["LICENSE"]
    text = (ROOT / "LICENSE").read_text()
    assert text.startswith("MIT License") and "autoseq developers" in text
    # a licence classifier next to a licence expression is an error for build backends
    assert not any(c.startswith("License ::") for c in PROJECT["classifiers"])
    build = " ".join(PYPROJECT["build-system"]["requires"])
    assert "setuptools>=77" in build  # the first setuptools that reads PEP 639 fields


def test_metadata_names_authors_and_python_versions():
    assert PROJECT["authors"] == [{"name": "autoseq developers"}]
    versions = [c.rsplit(" :: ", 1)[1] for c in PROJECT["classifiers"]
                if c.startswith("Programming Language :: Python :: 3.")]
    assert versions and min(versions, key=lambda v: tuple(map(int, v.split(".")))) == "3.10"
    assert PROJECT["requires-python"] == ">=3.10"


def test_every_optional_reader_is_in_an_extra_and_in_dev():
    extras = PROJECT["optional-dependencies"]
    assert any(r.startswith("pyarrow") for r in extras["parquet"])  # the CLI's Parquet files
    assert any(r.startswith("pyarrow") for r in extras["dev"])  # so its tests run
    assert "ray" not in extras  # Ray is not tested, so not offered (docs/scale-out.md)


def test_an_expected_failure_that_passes_fails_the_suite():
    options = PYPROJECT["tool"]["pytest"]["ini_options"]
    assert options["xfail_strict"] is True

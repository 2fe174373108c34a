"""Shared tiny fixtures. Everything here is small so the default suite stays fast."""

import os

import numpy as np
import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


@pytest.fixture
def rng():
    return np.random.default_rng(0)


@pytest.fixture
def binary_sequences(rng):
    """40 sequences of 12 steps, 2 channels; the label is the sign of channel 0's mean."""
    X = rng.normal(size=(40, 12, 2))
    y = (X[:, :, 0].mean(axis=1) > 0).astype(int)
    return X, y


def archive(name):
    """Path of a benchmark data set folder, or skip the test when it is absent."""
    from autoseq.io.datasets import archive_path

    path = archive_path(name)
    if path is None or not path.is_dir():
        pytest.skip(f"benchmark data ../shared/data/{name} is not present")
    return path

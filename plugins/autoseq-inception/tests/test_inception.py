"""Tests of the autoseq-inception plugin.

Run from the plugin directory or from the autoseq repository root; the
contract test also runs from a source checkout that was not installed.
"""

from __future__ import annotations

import importlib.metadata
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import autoseq
from autoseq.testing import check_architecture

PLUGIN_ROOT = Path(__file__).resolve().parents[1]

try:
    import autoseq_inception
except ImportError:  # a source checkout that was not installed
    sys.path.insert(0, str(PLUGIN_ROOT))
    import autoseq_inception

InceptionTime = autoseq_inception.InceptionTime


def _installed() -> bool:
    try:
        importlib.metadata.distribution("autoseq-inception")
    except importlib.metadata.PackageNotFoundError:
        return False
    return True


requires_install = pytest.mark.skipif(
    not _installed(),
    reason="the autoseq-inception distribution is not installed, so its entry point is "
           "not visible; run `pip install -e plugins/autoseq-inception`",
)


def test_passes_the_architecture_contract():
    done = check_architecture(InceptionTime)
    assert {"task:classification", "task:regression", "task:forecasting"} <= set(done)


def test_hyperparameters_and_search_space():
    arch = InceptionTime(depth=3, kernel_size=10)
    assert arch.get_params() == {"n_filters": 32, "depth": 3, "kernel_size": 10,
                                 "bottleneck_size": 32, "residual": True}
    assert set(InceptionTime.search_space) <= set(arch.get_params())
    assert InceptionTime.tasks == {"classification", "regression", "forecasting"}


def test_builds_the_inception_structure():
    from autoseq._backend import keras

    k = keras()
    x = k.Input((None, 3))
    out = InceptionTime(depth=6, kernel_size=8, n_filters=4).build_body(x)
    model = k.Model(x, out)
    names = [layer.name for layer in model.layers]
    assert tuple(out.shape) == (None, 16)  # 3 convolutions + the max-pool branch
    for size in (8, 4, 2):
        assert f"inception_1_conv{size}" in names
    assert "inception_1_bottleneck" in names and "inception_1_maxpool" in names
    assert "inception_shortcut_1_add" in names and "inception_shortcut_2_add" in names
    assert "inception_shortcut_3_add" not in names  # one shortcut per 3 modules
    assert names[-1] == "inception_pooling"

    x = k.Input((None, 1))
    single = InceptionTime(depth=1, residual=False, kernel_size=2).build_body(x)
    names = [layer.name for layer in k.Model(x, single).layers]
    assert not any("bottleneck" in n for n in names)  # as in the paper, for one channel
    assert not any("shortcut" in n for n in names)


def test_invalid_hyperparameters_raise():
    from autoseq._backend import keras

    with pytest.raises(ValueError, match="depth >= 1"):
        InceptionTime(depth=0).build_body(keras().Input((None, 2)))


def test_autoseq_does_not_import_the_plugin():
    code = ("import sys, autoseq; autoseq.list_architectures(); "
            "print('autoseq_inception' in sys.modules, 'inception' in autoseq.list_architectures())")
    env = {**os.environ, "AUTOSEQ_DISABLE_PLUGIN_AUTOLOAD": "1"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True)
    assert out.stdout.split() == ["False", "False"]


@requires_install
def test_entry_point_is_declared():
    eps = importlib.metadata.entry_points(group="autoseq.architectures")
    ep = {e.name: e for e in eps}["inception"]
    assert ep.value == "autoseq_inception:InceptionTime"
    assert ep.load() is InceptionTime


@requires_install
def test_registered_when_installed():
    assert "inception" in autoseq.list_architectures()
    assert "inception" in autoseq.list_architectures(task="forecasting")
    assert "inception" not in autoseq.list_architectures(task="labelling")
    arch = autoseq.get_architecture("inception", depth=3)
    assert type(arch) is InceptionTime and arch.get_params()["depth"] == 3


def _tiny_data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(24, 16, 2)).astype("float32")
    y = (X[:, :, 0].mean(axis=1) > 0).astype(int)
    return X, y


@requires_install
def test_seq_classifier_by_name():
    X, y = _tiny_data()
    clf = autoseq.SeqClassifier(architecture="inception", epochs=2, random_state=0).fit(X, y)
    assert clf.predict(X[:5]).shape == (5,)
    assert set(clf.predict(X)) <= {0, 1}


def test_seq_regressor_with_an_instance():
    X, y = _tiny_data()
    arch = InceptionTime(depth=3, n_filters=8, kernel_size=8)
    reg = autoseq.SeqRegressor(architecture=arch, epochs=2, random_state=0).fit(X, y.astype(float))
    pred = reg.predict(X[:5])
    assert pred.shape == (5,) and np.isfinite(pred).all()


def test_module_version_matches_metadata():
    if _installed():
        assert autoseq_inception.__version__ == importlib.metadata.version("autoseq-inception")
    assert 'version = "0.1.0"' in (PLUGIN_ROOT / "pyproject.toml").read_text()


@requires_install
def test_the_search_finds_it_by_name():
    X, y = _tiny_data()
    clf = autoseq.AutoSeqClassifier(
        architectures=["inception"], param_grid={"inception": {"depth": [1], "n_filters": [4]}},
        max_epochs=1, cv=2, ensemble=False, random_state=0).fit(X, y)
    assert "inception" in set(clf.leaderboard_["architecture"])
    assert clf.predict(X[:3]).shape == (3,)

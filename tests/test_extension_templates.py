"""The extension templates in docs/ run: a template that rots teaches the wrong thing."""

import importlib.util
import pathlib

import numpy as np
from sklearn.base import clone

TEMPLATES = pathlib.Path(__file__).resolve().parents[1] / "docs" / "extension_templates"


def _load(name):
    spec = importlib.util.spec_from_file_location(name, TEMPLATES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_new_task_template_fits_and_ranks_by_its_own_scoring():
    template = _load("new_task")
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 8, 1))
    y = X[:, :, 0].mean(axis=1) + rng.standard_t(1, size=40) * 0.01  # heavy-tailed noise
    est = template.AutoSeqMedianRegressor(architectures=[], random_state=0)
    clone(est).fit(X, y)
    est.fit(X, y)
    board = est.leaderboard_
    assert "ensemble" not in set(board["kind"])  # the task builds none
    assert "median" in set(board["architecture"])  # its own baseline
    assert est.scorer_._score_func.__name__ == "median_absolute_error"
    assert est.predict(X).shape == (40,)
    assert "ensemble" not in est.get_params()

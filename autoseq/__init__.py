"""autoseq: scikit-learn estimators that find, cross-validate and persist the best
Keras sequence model for your data, from a registry of architecture plugins.

Importing autoseq is instant: TensorFlow loads on first use of a class that needs it.
"""

from __future__ import annotations

import importlib

from autoseq._version import __version__

_EXPORTS = {
    "AutoSeqClassifier": "autoseq.automl.classifier",
    "AutoSeqRegressor": "autoseq.automl.regressor",
    "AutoSeqForecaster": "autoseq.automl.forecaster",
    "AutoSeqAnomalyDetector": "autoseq.automl.detector",
    "AutoSeqGenerator": "autoseq.automl.generator",
    "SeqClassifier": "autoseq.estimators.keras",
    "SeqRegressor": "autoseq.estimators.keras",
    "RocketRidgeClassifier": "autoseq.estimators.rocket_ridge",
    "RocketRidgeRegressor": "autoseq.estimators.rocket_ridge",
    "RocketHydraRidgeClassifier": "autoseq.estimators.hydra_ridge",
    "RocketHydraRidgeRegressor": "autoseq.estimators.hydra_ridge",
    "HydraRidgeClassifier": "autoseq.estimators.hydra_ridge",
    "HydraRidgeRegressor": "autoseq.estimators.hydra_ridge",
    "SequenceScaler": "autoseq.preprocessing.scaling",
    "SequencePadder": "autoseq.preprocessing.padding",
    "SlidingWindow": "autoseq.preprocessing.windowing",
    "TextTokenizer": "autoseq.preprocessing.text",
    "Architecture": "autoseq.registry",
    "register_architecture": "autoseq.registry",
    "get_architecture": "autoseq.registry",
    "list_architectures": "autoseq.registry",
    "save": "autoseq.io.persistence",
    "load": "autoseq.io.persistence",
    "from_long": "autoseq.io.datasets",
    "load_dataset": "autoseq.io.datasets",
    "load_series": "autoseq.io.datasets",
    "load_stream": "autoseq.io.datasets",
    "load_text": "autoseq.io.datasets",
    "WalkForwardSplit": "autoseq.model_selection.splitters",
}

__all__ = sorted(_EXPORTS) + ["__version__"]


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'autoseq' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__():
    return __all__

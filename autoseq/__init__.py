"""autoseq: scikit-learn estimators that find, cross-validate and persist the best
Keras sequence model for your data, from a registry of architecture plugins.

Importing autoseq is instant: TensorFlow loads on first use of a class that needs it.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

_EXPORTS = {
    "AutoSeqClassifier": "autoseq.search",
    "AutoSeqRegressor": "autoseq.search",
    "AutoSeqForecaster": "autoseq.forecasting",
    "AutoSeqAnomalyDetector": "autoseq.anomaly",
    "AutoSeqGenerator": "autoseq.generation",
    "SeqClassifier": "autoseq.estimators",
    "SeqRegressor": "autoseq.estimators",
    "RocketRidgeClassifier": "autoseq.rocket_ridge",
    "RocketRidgeRegressor": "autoseq.rocket_ridge",
    "SequenceScaler": "autoseq.scaling",
    "SequencePadder": "autoseq.padding",
    "SlidingWindow": "autoseq.windowing",
    "TextTokenizer": "autoseq.text",
    "Architecture": "autoseq.registry",
    "register_architecture": "autoseq.registry",
    "get_architecture": "autoseq.registry",
    "list_architectures": "autoseq.registry",
    "save": "autoseq.persistence",
    "load": "autoseq.persistence",
    "from_long": "autoseq.datasets",
    "load_dataset": "autoseq.datasets",
    "load_series": "autoseq.datasets",
    "load_stream": "autoseq.datasets",
    "load_text": "autoseq.datasets",
    "WalkForwardSplit": "autoseq.splitters",
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

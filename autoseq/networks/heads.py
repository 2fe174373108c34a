"""What a network must output (:class:`HeadSpec`), without importing Keras.

Target encoders (:mod:`autoseq.preprocessing.targets`) choose the head;
:func:`autoseq.networks.build.build_model` builds it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class HeadSpec:
    """What the network must output.

    Attributes
    ----------
    kind : {"softmax", "sigmoid", "linear", "reconstruction"}
        Output activation family (reconstruction: one value per step and channel).
    n_outputs : int
        Units of the output layer (classes, labels, values per sequence).
    per_step : bool
        One output vector per time step instead of one per sequence.
    """

    kind: str
    n_outputs: int
    per_step: bool = False

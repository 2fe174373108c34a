"""Contract tests for architecture plugins, in the spirit of scikit-learn's
``check_estimator``.

A plugin author runs :func:`check_architecture` on a new
:class:`~autoseq.Architecture` before publishing it. Each check builds the body
the way autoseq does (:func:`autoseq.networks.build.build_model`: input side, body,
task head) on tiny data, so a body that passes works inside ``SeqClassifier``,
``SeqRegressor`` and the searches for every task it declares. A violation
raises :class:`ArchitectureContractError`, an ``AssertionError`` whose message
names the architecture, the check and the rule that was broken.

The rules, by check:

``class_attributes``
    ``name`` is an identifier; ``tasks`` and ``inputs`` are non-empty subsets of
    :data:`autoseq.registry.TASKS` and :data:`~autoseq.registry.INPUT_KINDS`;
    ``sequence_output`` and ``supports_masking`` are booleans; ``labelling``
    needs ``sequence_output``; ``build(self, x, *, ...)`` gives every
    hyperparameter a default (only ``return_sequences`` is special) and has no
    ``*args`` / ``**kwargs``; ``search_space`` maps keyword arguments of
    ``build`` to non-empty lists; :func:`~autoseq.register_architecture`
    accepts the class.
``params``
    ``get_params`` / ``set_params`` / :func:`sklearn.base.clone` / pickle round
    trips, and unknown hyperparameters are refused.
``body_output``
    ``build`` returns ``(batch, units)`` or ``(batch, steps, units)`` with a
    known last axis, one vector per input step when ``return_sequences=True``,
    and leaves the hyperparameters unchanged.
``task:<task>`` (one per declared task)
    The model for that task builds, trains one step on a padded and on an
    unpadded batch with finite losses, predicts finite outputs of the right
    shape (sequence lengths vary between batches: autoseq builds with
    ``n_steps=None``, except for autoencoders), ignores padded steps when it
    claims ``supports_masking``, and survives ``model.save`` /
    ``keras.saving.load_model`` without ``custom_objects`` with identical
    predictions.
``tokens``
    The same for token-id input, when the body accepts both input kinds.
``search_space``
    Every point of the default search space builds and predicts.

The modules, by theme: :mod:`~autoseq.testing.suite` (running the checks),
:mod:`~autoseq.testing.attributes` (class attributes and parameters),
:mod:`~autoseq.testing.models` (the checks that build models),
:mod:`~autoseq.testing.data` (the tiny data and the task heads) and
:mod:`~autoseq.testing.errors` (the contract error).
"""

from __future__ import annotations

from autoseq.testing.attributes import check_class_attributes, check_params
from autoseq.testing.data import (
    ANOMALY_LENGTHS,
    ANOMALY_STEPS,
    BATCH,
    EMBEDDING_DIM,
    HORIZON,
    LENGTHS,
    N_CHANNELS,
    N_CLASSES,
    N_STEPS,
    SHORT_STEPS,
    VOCAB,
)
from autoseq.testing.errors import ArchitectureContractError
from autoseq.testing.models import (
    check_body_output,
    check_search_space,
    check_task,
    check_token_input,
)
from autoseq.testing.suite import architecture_checks, check_architecture, parametrize_with_checks

__all__ = [
    "ArchitectureContractError",
    "architecture_checks",
    "check_architecture",
    "parametrize_with_checks",
    # the checks one by one, as architecture_checks yields them
    "check_body_output",
    "check_class_attributes",
    "check_params",
    "check_search_space",
    "check_task",
    "check_token_input",
    # the tiny data they run on
    "ANOMALY_LENGTHS",
    "ANOMALY_STEPS",
    "BATCH",
    "EMBEDDING_DIM",
    "HORIZON",
    "LENGTHS",
    "N_CHANNELS",
    "N_CLASSES",
    "N_STEPS",
    "SHORT_STEPS",
    "VOCAB",
]

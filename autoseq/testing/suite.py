"""Running the contract: every check in order, or one pytest test per check."""

from __future__ import annotations

import functools

from autoseq.registry import Architecture, get_architecture
from autoseq.testing.attributes import check_class_attributes, check_params
from autoseq.testing.data import declared_tasks, set_of_strings
from autoseq.testing.errors import architecture_label, describe, fail
from autoseq.testing.models import (
    check_body_output,
    check_search_space,
    check_task,
    check_token_input,
)

__all__ = ["architecture_checks", "check_architecture", "parametrize_with_checks", "resolve"]


def resolve(arch) -> Architecture:
    """An Architecture instance from a name, a subclass or an instance.

    Parameters
    ----------
    arch : Architecture subclass, Architecture instance or str

    Returns
    -------
    Architecture
        ``arch`` itself when it is an instance, else a new one.

    Raises
    ------
    ArchitectureContractError
        If a subclass cannot be instantiated with no arguments.
    TypeError
        If ``arch`` is none of the three.
    """
    if isinstance(arch, Architecture):
        return arch
    if isinstance(arch, str):
        return get_architecture(arch)
    if isinstance(arch, type) and issubclass(arch, Architecture):
        try:
            return arch()
        except Exception as exc:
            fail(arch, "params", "default_constructor",
                 f"{arch.__name__}() must work with no arguments (every hyperparameter "
                 f"has a default); it raised {describe(exc)}", exc)
    raise TypeError(
        "check_architecture expects an Architecture subclass, an instance or a registered "
        f"name; got {arch!r}."
    )


def architecture_checks(arch, *, tasks=None):
    """Yield the contract checks for ``arch`` as ``(check_id, check)`` pairs.

    ``check(architecture)`` runs one check; use this to see which check fails in
    a test report (see :func:`parametrize_with_checks`).

    Parameters
    ----------
    arch : Architecture subclass, instance or registered name
    tasks : iterable of str, optional
        Restrict the ``task:<task>`` checks to these declared tasks.

    Yields
    ------
    check_id : str
        ``"class_attributes"``, ``"params"``, ``"body_output"``,
        ``"task:<task>"`` per declared task, ``"tokens"`` (when both input kinds
        are accepted) and ``"search_space"``.
    check : callable
        Takes the architecture instance; raises :class:`ArchitectureContractError`.
    """
    arch = resolve(arch)
    declared = declared_tasks(arch)
    if tasks is not None:
        tasks = list(tasks)
        unknown = [t for t in tasks if t not in declared]
        if unknown:
            raise ValueError(
                f"Architecture '{arch.name}' does not declare {unknown}; it declares {declared}."
            )
        declared = [t for t in declared if t in tasks]
    yield "class_attributes", check_class_attributes
    yield "params", check_params
    yield "body_output", check_body_output
    for task in declared:
        yield f"task:{task}", functools.partial(check_task, task=task)
    inputs = set_of_strings(getattr(arch, "inputs", None)) or frozenset()
    token_task = next((t for t in declared if t != "anomaly"), None)
    if {"numeric", "tokens"} <= inputs and token_task is not None:
        yield "tokens", functools.partial(check_token_input, task=token_task)
    if declared:
        yield "search_space", functools.partial(check_search_space, task=declared[0])


def check_architecture(arch, *, tasks=None) -> list[str]:
    """Check that an architecture plugin honours autoseq's contract.

    The architecture's body is built the way autoseq builds it (input side,
    body, task head; :func:`autoseq.networks.build.build_model`) on tiny data --
    batches of 4 sequences of 6 to 10 steps and 2 channels, some padded -- for
    every task it declares, trained for one step, checked for output shapes and
    finite values, saved and reloaded. Every point of its default search space
    is built too. See :mod:`autoseq.testing` for the full list of rules. It
    takes a few seconds per declared task on a CPU.

    Parameters
    ----------
    arch : Architecture subclass, Architecture instance or str
        The architecture to check: a class (checked with its defaults), an
        instance (checked with its hyperparameters; the instance is not
        modified) or the name of a registered architecture.
    tasks : iterable of str, optional
        Check only these of the declared tasks (default: all of them).

    Returns
    -------
    list of str
        The checks that ran, e.g. ``["class_attributes", "params",
        "body_output", "task:classification", ..., "search_space"]``.

    Raises
    ------
    ArchitectureContractError
        (an ``AssertionError``) at the first broken rule; the message names the
        architecture, the check and the rule.

    See Also
    --------
    architecture_checks : the same checks one by one.
    parametrize_with_checks : one pytest test per check.

    Examples
    --------
    A registered architecture, restricted to one task:

    >>> from autoseq.testing import check_architecture
    >>> check_architecture("gru", tasks=["regression"])  # doctest: +NORMALIZE_WHITESPACE
    ['class_attributes', 'params', 'body_output', 'task:regression', 'tokens',
     'search_space']

    A plugin, in its test suite (the class must live at module level so that
    estimators using it can be pickled):

    >>> from autoseq import Architecture
    >>> class MeanDense(Architecture):
    ...     name = "mean_dense"
    ...     tasks = frozenset({"classification", "regression"})
    ...     search_space = {"units": [8, 16]}
    ...     def build(self, x, *, units=8):
    ...         keras = self.keras
    ...         x = keras.layers.GlobalAveragePooling1D(name="mean_dense_pooling")(x)
    ...         return keras.layers.Dense(units, activation="relu", name="mean_dense")(x)
    >>> check_architecture(MeanDense)  # doctest: +SKIP
    ['class_attributes', 'params', 'body_output', 'task:classification',
     'task:regression', 'tokens', 'search_space']
    """
    instance = resolve(arch)
    done = []
    for check_id, check in architecture_checks(instance, tasks=tasks):
        check(instance)
        done.append(check_id)
    return done


def parametrize_with_checks(architectures, *, tasks=None):
    """A ``pytest.mark.parametrize`` over every check of every architecture.

    Parameters
    ----------
    architectures : list of Architecture subclasses, instances or names
    tasks : iterable of str, optional
        As in :func:`check_architecture`.

    Returns
    -------
    pytest.MarkDecorator
        Parametrizes the arguments ``architecture`` and ``check``; the test body
        calls ``check(architecture)``. Test ids read ``"<name>-<check_id>"``.

    Examples
    --------
    >>> from autoseq.testing import parametrize_with_checks
    >>> @parametrize_with_checks(["gru"])
    ... def test_contract(architecture, check):
    ...     check(architecture)
    """
    import pytest

    params = []
    for arch in architectures:
        instance = resolve(arch)
        for check_id, check in architecture_checks(instance, tasks=tasks):
            test_id = f"{architecture_label(type(instance))}-{check_id}"
            params.append(pytest.param(instance, check, id=test_id))
    return pytest.mark.parametrize(("architecture", "check"), params)

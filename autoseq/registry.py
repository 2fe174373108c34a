"""The architecture registry: the plugin contract and how plugins are found.

An architecture builds the *body* of a network from a Keras tensor; autoseq adds
the input side (masking, token embeddings) and the task head. Hyperparameters
are the keyword arguments of :meth:`Architecture.build`, so an architecture
instance behaves like a scikit-learn parameter object: ``get_params``,
``set_params`` and ``clone`` work, and a search reaches them as
``model__architecture__units``.

Third-party packages register architectures through the entry-point group
``autoseq.architectures``; they are read lazily, on the first lookup. Set
``AUTOSEQ_DISABLE_PLUGIN_AUTOLOAD=1`` to skip them.
"""

from __future__ import annotations

import difflib
import os
import threading
import warnings
from importlib import metadata

from autoseq.networks.architecture import (  # noqa: F401  (the plugin authors' names)
    INPUT_KINDS,
    TASKS,
    Architecture,
    ArchitectureError,
)

ENTRY_POINT_GROUP = "autoseq.architectures"


# -- the registry -----------------------------------------------------------------
_REGISTRY: dict[str, type[Architecture]] = {}
_LOCK = threading.RLock()
_PLUGINS_LOADED = False
_BUILTINS_LOADED = False


def _validate_class(cls) -> None:
    if not (isinstance(cls, type) and issubclass(cls, Architecture)):
        raise ArchitectureError(
            f"register_architecture expects a subclass of autoseq.Architecture; got {cls!r}."
        )
    if not isinstance(cls.name, str) or not cls.name.isidentifier():
        raise ArchitectureError(
            f"{cls.__name__}.name must be a short identifier such as 'my_lstm'; got {cls.name!r}."
        )
    tasks = frozenset(cls.tasks)
    if not tasks or not tasks <= TASKS:
        raise ArchitectureError(
            f"{cls.__name__}.tasks must be a non-empty subset of {sorted(TASKS)}; "
            f"got {sorted(tasks) if tasks else 'nothing'}."
        )
    if not frozenset(cls.inputs) <= INPUT_KINDS or not cls.inputs:
        raise ArchitectureError(
            f"{cls.__name__}.inputs must be a non-empty subset of {sorted(INPUT_KINDS)}."
        )
    if cls.build is Architecture.build:
        raise ArchitectureError(f"{cls.__name__} must implement build(self, x, **hyperparameters).")
    names = set(cls._get_param_names())
    for key, values in dict(cls.search_space).items():
        if key not in names:
            raise ArchitectureError(
                f"{cls.__name__}.search_space names '{key}', which is not a keyword "
                f"argument of build(); build accepts: {sorted(names)}."
            )
        if not isinstance(values, (list, tuple)) or len(values) == 0:
            raise ArchitectureError(
                f"{cls.__name__}.search_space['{key}'] must be a non-empty list; got {values!r}."
            )


def register_architecture(cls=None, *, replace: bool = False):
    """Register an :class:`Architecture` subclass; usable as a decorator.

    Parameters
    ----------
    cls : type
        The subclass to register.
    replace : bool, default=False
        Replace an architecture registered under the same name instead of
        raising.

    Returns
    -------
    type
        ``cls`` unchanged, so the function works as a class decorator.
    """
    if cls is None:
        return lambda c: register_architecture(c, replace=replace)
    _validate_class(cls)
    with _LOCK:
        existing = _REGISTRY.get(cls.name)
        if existing is not None and existing is not cls and not replace:
            raise ArchitectureError(
                f"An architecture named '{cls.name}' is already registered "
                f"({existing.__module__}.{existing.__qualname__}); choose another name "
                "or pass replace=True."
            )
        _REGISTRY[cls.name] = cls
    return cls


def unregister_architecture(name: str) -> None:
    """Remove an architecture from the registry (mainly for tests)."""
    with _LOCK:
        _REGISTRY.pop(name, None)


def _load_builtins() -> None:
    global _BUILTINS_LOADED
    if not _BUILTINS_LOADED:
        _BUILTINS_LOADED = True
        from autoseq.networks.architectures import BUILTINS

        for cls in BUILTINS:
            register_architecture(cls)


def _load_plugins() -> None:
    global _PLUGINS_LOADED
    if _PLUGINS_LOADED or os.environ.get("AUTOSEQ_DISABLE_PLUGIN_AUTOLOAD"):
        return
    _PLUGINS_LOADED = True
    for ep in metadata.entry_points(group=ENTRY_POINT_GROUP):
        dist = getattr(ep.dist, "name", "unknown distribution")
        try:
            obj = ep.load()
            classes = obj if isinstance(obj, (list, tuple)) else [obj]
            for cls in classes:
                if _REGISTRY.get(cls.name) is not cls:
                    register_architecture(cls)
        except Exception as exc:  # a broken plugin must never break autoseq
            warnings.warn(
                f"autoseq could not load architecture plugin '{ep.name}' from "
                f"distribution '{dist}' ({type(exc).__name__}: {exc}); it is skipped.",
                RuntimeWarning,
                stacklevel=3,
            )


def _ensure_loaded() -> None:
    with _LOCK:
        _load_builtins()
        _load_plugins()


def reload_plugins() -> None:
    """Read the ``autoseq.architectures`` entry points again (after an install)."""
    global _PLUGINS_LOADED
    with _LOCK:
        _PLUGINS_LOADED = False
        _ensure_loaded()


def get_architecture(name, **params) -> Architecture:
    """Return a new instance of a registered architecture.

    Parameters
    ----------
    name : str or Architecture
        Registry name (``"lstm"``), or an instance, returned as a copy with
        ``params`` applied.
    **params
        Hyperparameters, e.g. ``units=64``.

    Returns
    -------
    Architecture

    Raises
    ------
    ArchitectureError
        For an unknown name, with close matches and the registered names.
    """
    if isinstance(name, Architecture):
        return type(name)(**{**name._params, **params})
    if isinstance(name, type) and issubclass(name, Architecture):
        return name(**params)
    if not isinstance(name, str):
        raise TypeError(
            f"architecture must be a registry name or an Architecture; got {type(name).__name__}."
        )
    _ensure_loaded()
    cls = _REGISTRY.get(name)
    if cls is None:
        close = difflib.get_close_matches(name, list(_REGISTRY), n=3)
        hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
        raise ArchitectureError(
            f"Unknown architecture '{name}'.{hint} Registered: {', '.join(sorted(_REGISTRY))}."
        )
    return cls(**params)


def list_architectures(task: str | None = None, *, input_kind: str | None = None,
                       sequence_output: bool | None = None) -> list[str]:
    """Names of registered architectures, optionally filtered by capability.

    Parameters
    ----------
    task : str, optional
        Keep those that declare this task.
    input_kind : {"numeric", "tokens"}, optional
        Keep those that accept this input kind.
    sequence_output : bool, optional
        Keep those that can (True) or cannot (False) return one vector per step.

    Returns
    -------
    list of str
        Sorted names.
    """
    if task is not None and task not in TASKS:
        raise ValueError(f"Unknown task '{task}'; tasks are {sorted(TASKS)}.")
    _ensure_loaded()
    with _LOCK:
        classes = list(_REGISTRY.values())
    return sorted(
        c.name
        for c in classes
        if (task is None or task in c.tasks)
        and (input_kind is None or input_kind in c.inputs)
        and (sequence_output is None or c.sequence_output == sequence_output)
    )

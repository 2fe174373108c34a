"""The checks that need no model: class attributes, the ``build`` signature and the
scikit-learn parameter protocol."""

from __future__ import annotations

import difflib
import inspect
import pickle
import uuid
from collections.abc import Mapping

from autoseq.registry import (
    INPUT_KINDS,
    TASKS,
    Architecture,
    ArchitectureError,
    get_architecture,
    register_architecture,
    unregister_architecture,
)
from autoseq.testing.data import set_of_strings
from autoseq.testing.errors import ContractRule, describe, fail

__all__ = ["check_class_attributes", "check_params", "hyperparameter_names", "same_value"]


def check_class_attributes(arch) -> None:
    """Class attributes and the ``build`` signature follow the contract."""
    check = "class_attributes"
    cls = arch if isinstance(arch, type) else type(arch)
    name = cls.name
    if not isinstance(name, str) or not name.isidentifier():
        fail(cls, check, "name",
             f"name must be a short identifier such as 'my_lstm'; got {name!r}.")
    tasks = set_of_strings(cls.tasks)
    if tasks is None:
        fail(cls, check, "tasks", f"tasks must be a set of task names; got {cls.tasks!r}.")
    if not tasks or not tasks <= TASKS:
        fail(cls, check, "tasks",
             f"tasks must be a non-empty subset of {sorted(TASKS)}; got {sorted(tasks)}"
             + (f" (unknown: {sorted(tasks - TASKS)})." if tasks - TASKS else "."))
    inputs = set_of_strings(cls.inputs)
    if inputs is None or not inputs or not inputs <= INPUT_KINDS:
        fail(cls, check, "inputs",
             f"inputs must be a non-empty subset of {sorted(INPUT_KINDS)}; got {cls.inputs!r}.")
    for flag in ("sequence_output", "supports_masking"):
        if not isinstance(getattr(cls, flag), bool):
            fail(cls, check, flag, f"{flag} must be True or False; got {getattr(cls, flag)!r}.")
    if cls.kind not in ("deep", "baseline"):
        fail(cls, check, "kind", f"kind must be 'deep' or 'baseline'; got {cls.kind!r}.")
    if "labelling" in tasks and not cls.sequence_output:
        fail(cls, check, "sequence_output",
             "the 'labelling' task needs one vector per step: set sequence_output=True and "
             "accept build(..., return_sequences=False).")

    if cls.build is Architecture.build:
        fail(cls, check, "build", "build(self, x, *, <hyperparameters>) is not implemented.")
    try:
        params = list(inspect.signature(cls.build).parameters.values())
    except (TypeError, ValueError) as exc:
        fail(cls, check, "build", f"build has no readable signature ({exc}).", exc)
    P = inspect.Parameter
    if len(params) < 2 or params[1].kind not in (P.POSITIONAL_ONLY, P.POSITIONAL_OR_KEYWORD):
        fail(cls, check, "build",
             "build must take the input tensor as its first argument after self: "
             "build(self, x, *, <hyperparameters with defaults>).")
    names = []
    for p in params[2:]:
        if p.kind in (P.VAR_POSITIONAL, P.VAR_KEYWORD):
            fail(cls, check, "build",
                 f"build must not take {'*' if p.kind is P.VAR_POSITIONAL else '**'}{p.name}: "
                 "hyperparameters are its named keyword arguments, so declare each one.")
        if p.default is P.empty:
            fail(cls, check, "defaults",
                 f"build's argument '{p.name}' has no default; every hyperparameter needs "
                 f"one, e.g. build(self, x, *, {p.name}=32).")
        if p.name == "return_sequences":
            if p.default is not False:
                fail(cls, check, "return_sequences",
                     f"return_sequences must default to False; got {p.default!r}.")
            continue
        if "__" in p.name or p.name.startswith("_"):
            fail(cls, check, "hyperparameter_names",
                 f"hyperparameter '{p.name}' must not start with '_' or contain '__' "
                 "(scikit-learn reads '__' as nesting: model__architecture__units).")
        names.append(p.name)
    accepts_sequences = any(p.name == "return_sequences" for p in params[2:])
    if cls.sequence_output and not accepts_sequences:
        fail(cls, check, "return_sequences",
             "sequence_output=True, so build must accept return_sequences=False and return "
             "one vector per step when it is True.")

    space = cls.search_space
    if not isinstance(space, Mapping):
        fail(cls, check, "search_space",
             f"search_space must be a dict of hyperparameter name to list; got {space!r}.")
    for key, values in space.items():
        if key not in names:
            close = difflib.get_close_matches(str(key), names, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            fail(cls, check, "search_space",
                 f"search_space names '{key}'{hint}, which is not a keyword argument of "
                 f"build(); build accepts: {sorted(names)}.")
        if not isinstance(values, (list, tuple)) or len(values) == 0:
            fail(cls, check, "search_space",
                 f"search_space['{key}'] must be a non-empty list of values; got {values!r}.")
    try:
        _try_registering(cls)
    except ArchitectureError as exc:
        fail(cls, check, "registry", f"register_architecture refuses it: {exc}", exc)


def _try_registering(cls) -> None:
    """Run :func:`~autoseq.register_architecture` on ``cls`` and leave the registry as it was.

    A subclass under a name of its own is registered and removed at once, so that
    neither an architecture registered under ``cls.name`` nor ``cls`` itself is
    touched; it inherits everything the registry validates.
    """
    try:
        probe = type(cls.__name__, (cls,), {
            "name": f"{cls.name}_contract_probe_{uuid.uuid4().hex}",
            "__module__": cls.__module__, "__qualname__": cls.__qualname__})
    except Exception:  # a class that refuses subclasses: the rules above cover the registry's
        return
    try:
        register_architecture(probe)
    finally:
        unregister_architecture(probe.name)


def check_params(arch) -> None:
    """``get_params`` / ``set_params`` / ``clone`` / pickle round trips."""
    from sklearn.base import clone

    check = "params"
    cls = type(arch)
    with ContractRule(arch, check, "default_constructor", f"{cls.__name__}()"):
        default = cls()
    signature = inspect.signature(cls.build).parameters
    expected = {n: signature[n].default for n in hyperparameter_names(cls)}
    with ContractRule(arch, check, "get_params",
                      "get_params() (if you override __init__, call super().__init__(**params): "
                      "the base class stores the hyperparameters)"):
        got = default.get_params()
    if set(got) != set(expected):
        fail(arch, check, "get_params",
             f"get_params() returns {sorted(got)}, but the hyperparameters (keyword "
             f"arguments of build) are {sorted(expected)}.")
    for key, value in expected.items():
        if not same_value(got[key], value):
            fail(arch, check, "get_params",
                 f"get_params()['{key}'] is {got[key]!r} on a default instance, but build's "
                 f"default is {value!r}.")

    with ContractRule(arch, check, "constructor", f"{cls.__name__}(**get_params())"):
        rebuilt = cls(**arch.get_params())
    if rebuilt.get_params() != arch.get_params():
        fail(arch, check, "constructor",
             f"{cls.__name__}(**params).get_params() differs from params.")

    before = arch.get_params()
    for key, values in dict(cls.search_space).items():
        # a value other than the current one, so that a shared parameter dict shows
        value = next((v for v in reversed(values) if not same_value(v, before.get(key))),
                     values[-1])
        with ContractRule(arch, check, "set_params", f"set_params({key}={value!r})"):
            copy = clone(arch)
            returned = copy.set_params(**{key: value})
        if returned is not copy:
            fail(arch, check, "set_params", "set_params must return the instance itself.")
        if not same_value(copy.get_params()[key], value):
            fail(arch, check, "set_params",
                 f"after set_params({key}={value!r}), get_params()['{key}'] is "
                 f"{copy.get_params()[key]!r}.")
        if arch.get_params() != before:
            fail(arch, check, "clone",
                 f"set_params({key}={value!r}) on a clone changed the original: the clone "
                 "shares its parameter dict with the original.")

    with ContractRule(arch, check, "clone", "sklearn.base.clone(architecture)"):
        twin = clone(arch)
    if twin is arch or type(twin) is not cls or twin.get_params() != arch.get_params():
        fail(arch, check, "clone",
             "sklearn.base.clone must return a new instance of the same class with the same "
             f"hyperparameters; got {twin!r} from {arch!r}.")
    if twin != arch or hash(twin) != hash(arch):
        fail(arch, check, "clone", "a clone must compare equal and hash equal to the original.")
    with ContractRule(arch, check, "get_architecture", "autoseq.get_architecture(instance)"):
        copied = get_architecture(arch)
    if copied is arch or copied != arch:
        fail(arch, check, "get_architecture",
             "get_architecture(instance) must return an equal copy.")

    for call, exc_type in ((lambda: clone(arch).set_params(not_a_hyperparameter_x=1), ValueError),
                           (lambda: cls(not_a_hyperparameter_x=1), TypeError)):
        try:
            call()
        except exc_type:
            pass
        except Exception as exc:
            fail(arch, check, "unknown_hyperparameter",
                 f"an unknown hyperparameter must raise {exc_type.__name__}; got "
                 f"{describe(exc)}.", exc)
        else:
            fail(arch, check, "unknown_hyperparameter",
                 "an unknown hyperparameter was accepted silently; do not override "
                 "__init__ / set_params, or keep their checks.")

    with ContractRule(arch, check, "repr", "repr(architecture)"):
        text = repr(arch)
    if not isinstance(text, str) or cls.__name__ not in text:
        fail(arch, check, "repr", f"repr should name the class; got {text!r}.")

    with ContractRule(arch, check, "pickle",
                      "pickle.dumps / pickle.loads (estimators are saved and sent to workers with "
                      "their architecture; define the class at module level)"):
        restored = pickle.loads(pickle.dumps(arch))
    if restored != arch:
        fail(arch, check, "pickle", f"unpickled {restored!r}, which differs from {arch!r}.")


def hyperparameter_names(cls) -> list[str]:
    """The keyword arguments of ``cls.build`` that are hyperparameters, sorted.

    Every argument after ``self`` and the input tensor, except
    ``return_sequences``: what ``get_params`` must return.
    """
    P = inspect.Parameter
    params = list(inspect.signature(cls.build).parameters.values())[2:]
    return sorted(p.name for p in params if p.name != "return_sequences"
                  and p.kind in (P.KEYWORD_ONLY, P.POSITIONAL_OR_KEYWORD))


def same_value(a, b) -> bool:
    """``a == b`` for two values of the same type, False when they cannot be compared."""
    if a is b:
        return True
    try:
        return type(a) is type(b) and bool(a == b)
    except Exception:  # e.g. arrays: no single truth value
        return False

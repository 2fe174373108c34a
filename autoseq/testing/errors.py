"""The error a broken plugin contract raises, and the helpers that raise it."""

from __future__ import annotations

__all__ = ["ArchitectureContractError", "ContractRule", "architecture_label", "describe", "fail"]


class ArchitectureContractError(AssertionError):
    """An architecture breaks the plugin contract checked by :func:`check_architecture`.

    Attributes
    ----------
    architecture : str
        Registry name of the architecture (its class name when it has none).
    check : str
        The check that failed, e.g. ``"task:labelling"``.
    rule : str
        The rule within the check, e.g. ``"output_shape"``.
    """

    def __init__(self, message, *, architecture=None, check=None, rule=None):
        super().__init__(message)
        self.architecture = architecture
        self.check = check
        self.rule = rule


def architecture_label(cls) -> str:
    """The registry name of an architecture class, or its class name when it has none."""
    name = getattr(cls, "name", "")
    return name if isinstance(name, str) and name else cls.__name__


def fail(arch, check, rule, detail, cause=None):
    """Raise :class:`ArchitectureContractError` for ``rule`` of ``check``.

    Parameters
    ----------
    arch : Architecture subclass or instance
    check, rule : str
    detail : str
        What was broken and, where it helps, how to mend it.
    cause : BaseException, optional
        Chained as the error's ``__cause__``.

    Raises
    ------
    ArchitectureContractError
        Always; the message names the architecture, the check and the rule.
    """
    cls = arch if isinstance(arch, type) else type(arch)
    label = architecture_label(cls)
    message = (f"Architecture '{label}' ({cls.__module__}.{cls.__qualname__}) breaks "
               f"the plugin contract: check '{check}', rule '{rule}': {detail}")
    error = ArchitectureContractError(message, architecture=label, check=check, rule=rule)
    if cause is not None:
        raise error from cause
    raise error


def describe(exc: BaseException, limit: int = 1500) -> str:
    """``"TypeName: message"`` of an exception, cut to ``limit`` characters."""
    text = f"{type(exc).__name__}: {exc}"
    return text if len(text) <= limit else text[:limit] + " [...]"


class ContractRule:
    """Context manager: any exception inside becomes a contract error for ``rule``.

    Parameters
    ----------
    arch : Architecture subclass or instance
    check, rule : str
    doing : str
        What the block does, for the message: ``"<doing> raised <error>"``.
    """

    def __init__(self, arch, check, rule, doing):
        self.arch, self.check, self.rule, self.doing = arch, check, rule, doing

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc is None or isinstance(exc, ArchitectureContractError):
            return False
        if not isinstance(exc, Exception):
            return False
        fail(self.arch, self.check, self.rule, f"{self.doing} raised {describe(exc)}", exc)


"""What the ``autoseq`` command prints, and how it reports errors.

An error (a missing file or column, a task that does not fit the target, a
damaged model file) is one line on standard error and exit status 1; with
``--debug`` (:func:`set_debug`) the traceback and TensorFlow's own logs show
instead. Nothing here imports TensorFlow or pandas.
"""

from __future__ import annotations

import contextlib
import os
import warnings

import typer

__all__ = [
    "CLIError",
    "error_message",
    "reported_errors",
    "set_debug",
    "stderr_console",
    "stdout_console",
]

_STATE = {"debug": False}


class CLIError(Exception):
    """An error the command reports as one line, without a traceback."""


def set_debug(debug: bool) -> None:
    """Show tracebacks and TensorFlow's logs (True) or one-line errors (False).

    Parameters
    ----------
    debug : bool
    """
    _STATE["debug"] = bool(debug)
    if debug:  # read by autoseq._backend when it imports TensorFlow
        os.environ["AUTOSEQ_TF_LOGS"] = "1"


def stdout_console():
    """A rich console on standard output, without markup or highlighting.

    Returns
    -------
    rich.console.Console
        At least 120 columns wide when the output is a file or a pipe, so
        that tables need not fit 80 columns.
    """
    from rich.console import Console

    console = Console(highlight=False, soft_wrap=True, markup=False)
    if not console.is_terminal:
        console.width = max(console.width, 120)
    return console


def stderr_console():
    """A rich console on standard error, without markup or highlighting.

    Returns
    -------
    rich.console.Console
    """
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True, markup=False)


def error_message(exc: BaseException) -> str:
    """The one line that reports ``exc``.

    Parameters
    ----------
    exc : BaseException

    Returns
    -------
    str
        The message alone for the errors a user can mend (:class:`CLIError`,
        ValueError, TypeError, OSError, ImportError); else the exception's type
        too, and a pointer to ``--debug``.

    Examples
    --------
    >>> error_message(FileNotFoundError(2, "No such file or directory", "data.csv"))
    'No such file or directory: data.csv'
    >>> error_message(KeyError("x"))
    "KeyError: 'x' (run with --debug for the traceback)"
    """
    if isinstance(exc, (CLIError, ValueError, TypeError, OSError, ImportError)):
        text = str(exc) or type(exc).__name__
        if isinstance(exc, FileNotFoundError) and exc.filename and exc.strerror:
            text = f"{exc.strerror}: {exc.filename}"
        return text
    return f"{type(exc).__name__}: {exc} (run with --debug for the traceback)"


def _show_warning(message, category, filename, lineno, file=None, line=None):
    if any(part in str(filename) for part in ("/keras/", "/tensorflow/", "/absl/")):
        return  # library internals: shown with --debug only
    stderr_console().print(f"warning: {message}", style="yellow", markup=False)


@contextlib.contextmanager
def reported_errors():
    """Turn exceptions into one ``error:`` line and exit status 1 (tracebacks with debug).

    Warnings show as one ``warning:`` line each, those from Keras, TensorFlow
    and absl not at all; an interrupt exits with status 130.

    Yields
    ------
    None

    Raises
    ------
    typer.Exit
        With status 1 after an error, 130 after an interrupt.
    """
    with warnings.catch_warnings():
        if not _STATE["debug"]:
            warnings.simplefilter("ignore", DeprecationWarning)
            warnings.simplefilter("ignore", FutureWarning)
            warnings.showwarning = _show_warning
        try:
            yield
        except (typer.Exit, typer.Abort):
            raise
        except KeyboardInterrupt:
            stderr_console().print("interrupted", style="red")
            raise typer.Exit(130) from None
        except Exception as exc:
            if _STATE["debug"]:
                raise
            stderr_console().print(f"error: {error_message(exc)}", style="red", markup=False,
                                   soft_wrap=True)
            raise typer.Exit(1) from None

"""Errors facetalk raises for bad input. The CLI turns each into one line and an exit code."""

from __future__ import annotations


class FacetalkError(Exception):
    """Base class: a problem the user can fix; printed as one line, never a traceback."""

    exit_code = 1


class InputError(FacetalkError):
    """An input file or argument is missing, unreadable, empty, corrupt or out of range."""

    exit_code = 2


class NoFaceError(InputError):
    """No usable face was found in the photo."""

    exit_code = 2

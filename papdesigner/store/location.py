"""Where the library file lives.

In order of precedence: an explicit path (the ``--library PATH`` option or the
GUI's setting), the ``PAPDESIGNER_LIBRARY`` environment variable, and finally
``library.sqlite3`` in the user's data directory as platformdirs defines it
(``~/.local/share/papdesigner`` on Linux, ``~/Library/Application Support/
papdesigner`` on macOS, ``%LOCALAPPDATA%\\papdesigner`` on Windows).
"""

from __future__ import annotations

import os
from pathlib import Path

ENV_VAR = "PAPDESIGNER_LIBRARY"
FILE_NAME = "library.sqlite3"


def default_library_path() -> Path:
    """Return the library file in the user's data directory (not created here)."""
    import platformdirs

    return platformdirs.user_data_path("papdesigner", appauthor=False) / FILE_NAME


def resolve_library_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """Return the library file to use: ``explicit``, else ``$PAPDESIGNER_LIBRARY``, else default."""
    if explicit is not None and str(explicit):
        return Path(explicit).expanduser()
    from_env = os.environ.get(ENV_VAR, "")
    if from_env.strip():
        return Path(from_env).expanduser()
    return default_library_path()

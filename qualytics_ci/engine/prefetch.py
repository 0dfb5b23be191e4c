"""The target read while the folder is parsed: the two are independent until the plan.

Which datastores to read is known from a few files (the connections' and the
datastores' own, :func:`~qualytics_ci.folder.reader.read_outline`), so the read starts
in a background thread once those are read and valid (as validate finds them) and, for
an import, once every variable the connections to send use is set: a folder whose
outline is wrong, or an import that would be refused for a variable, sends no request,
as before. A mistake in the other files (checks, containers, fields) is reported as
before, once they are parsed; by then only reads have been sent, never a write.

When the whole folder names other datastores than its outline did (an override that
renames one), the early read is dropped and the target read again, so the plan is
always made from the datastores the folder really holds.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path

from qualytics_ci.api.client import Client, notes_to
from qualytics_ci.engine.guards import require_variables
from qualytics_ci.engine.state import TargetState
from qualytics_ci.engine.target import read_target
from qualytics_ci.errors import QualyticsCIError
from qualytics_ci.folder.files import Files
from qualytics_ci.folder.layout import require_config_folder
from qualytics_ci.folder.reader import read_outline
from qualytics_ci.folder.validate import validate_config
from qualytics_ci.progress import Later, Progress
from qualytics_ci.results.kinds import Kind

SWITCH_INTERVAL_S = 0.001  # while a read runs; Python's default is 0.005


class _ShortInterval:
    """Python's switch interval at SWITCH_INTERVAL_S while any early read runs, set back
    when the last one ends (a dropped read may still run when the next one starts)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running = 0
        self._saved = 0.0

    def begin(self) -> None:
        with self._lock:
            if self._running == 0:
                self._saved = sys.getswitchinterval()
                sys.setswitchinterval(min(SWITCH_INTERVAL_S, self._saved))
            self._running += 1

    def end(self) -> None:
        with self._lock:
            self._running -= 1
            if self._running == 0:
                sys.setswitchinterval(self._saved)


_INTERVAL = _ShortInterval()


class EarlyRead:
    """``read_target`` for ``datastores`` (``new``: those that may be missing), running.

    The parse holds the interpreter lock, and a page thread that wants it waits for the
    interpreter's switch interval, several times per page. While the read runs, the
    interval is 1 ms instead of 5, so the pages come in as the parse goes on (a plan of
    10,000 checks at 25 ms waited about 0.25 s for them after its parse); it is set back
    when the read ends."""

    def __init__(self, client: Client, kinds: frozenset[Kind], datastores: list[str],
                 new: list[str]) -> None:
        self.datastores, self.new = datastores, new
        self.progress = Later()
        self._target: TargetState | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._read, name="read-target", daemon=True,
                                        args=(client, kinds))
        _INTERVAL.begin()
        self._thread.start()

    def _read(self, client: Client, kinds: frozenset[Kind]) -> None:
        try:
            with notes_to(self.progress.note):  # retries told once the result is asked for
                self._target = read_target(client, kinds=kinds, datastores=self.datastores,
                                           archived="check" in kinds, new=self.new,
                                           progress=self.progress)
        except BaseException as exc:  # handed to the thread that asks for the target
            self._error = exc
        finally:
            _INTERVAL.end()

    def result(self, datastores: list[str], new: list[str],
               progress: Progress) -> TargetState | None:
        """The target, once read, if it was read for ``datastores`` and ``new``; None when
        it was read for others (then the read has ended: nothing else runs)."""
        self.progress.release(progress)
        self._thread.join()
        if (datastores, new) != (self.datastores, self.new):
            return None
        if self._error is not None:
            raise self._error
        return self._target


def start_early_read(client: Client, folder: str | Path, *, kinds: frozenset[Kind],
                     datastores: Sequence[str], environment: str | None,
                     env: Mapping[str, str], for_import: bool,
                     files: Files | None = None) -> EarlyRead | None:
    """The target's read, started, when the folder's outline (from ``files``, when read
    already) says what to read and nothing found so far forbids a request; None
    otherwise (the caller reads the folder, reports what is wrong, and reads the target
    itself)."""
    try:
        require_config_folder(folder)
        outline, issues = read_outline(folder, environment, files=files)
        issues.extend(validate_config(outline, env))
        if any(i.level == "error" for i in issues):
            return None
        if for_import:
            require_variables(outline, kinds, datastores, env)
    except QualyticsCIError:
        return None
    names = outline.datastore_names()
    if not names and not datastores:
        return None
    return EarlyRead(client, kinds, list(datastores) or names, names)

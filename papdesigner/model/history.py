"""The Qt-free undo history of one open protocol.

:class:`History` owns the protocol being edited. Every change goes through
:meth:`History.push` with a :class:`~papdesigner.model.commands.Command`; the
history applies it, refuses it if it would break the protocol's integrity (a
dangling reference, a dosing session before day 1...), and keeps the inverse so
that :meth:`undo` and :meth:`redo` can walk back and forth.

Consecutive typing in one field merges into one undo step (see
``SetValue.merge_key``); :meth:`seal` ends such a run (the UI calls it when a
field loses focus). Listeners subscribe to :attr:`History.changed` and receive a
:class:`Change` naming the JSON paths that changed, so views refresh only what
they show.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Generic, Literal, ParamSpec

from papdesigner.model.commands import Command, CommandError, Composite
from papdesigner.model.integrity import IntegrityProblem, check_integrity
from papdesigner.model.jsonpath import JsonPath
from papdesigner.model.protocol import Protocol

P = ParamSpec("P")

ChangeReason = Literal["push", "merge", "undo", "redo", "reset"]


class Signal(Generic[P]):
    """A minimal synchronous signal: ``connect`` callbacks, ``emit`` calls them in order."""

    def __init__(self) -> None:
        self._slots: list[Callable[P, object]] = []

    def connect(self, slot: Callable[P, object]) -> None:
        """Call ``slot`` on every emission (connecting the same slot twice is a no-op)."""
        if slot not in self._slots:
            self._slots.append(slot)

    def disconnect(self, slot: Callable[P, object]) -> None:
        """Stop calling ``slot``; unknown slots are ignored."""
        if slot in self._slots:
            self._slots.remove(slot)

    def emit(self, *args: P.args, **kwargs: P.kwargs) -> None:
        """Call every connected slot with the arguments."""
        for slot in list(self._slots):
            slot(*args, **kwargs)


@dataclass(frozen=True)
class Change:
    """What one history operation changed: the JSON paths and why (push, undo, ...).

    ``paths`` is empty for ``reset`` (everything may have changed).
    """

    paths: tuple[JsonPath, ...]
    reason: ChangeReason
    label: str = ""

    def touches(self, path: JsonPath) -> bool:
        """True if a value at ``path``, inside it or around it may have changed."""
        if self.reason == "reset":
            return True
        return any(_related(changed, path) for changed in self.paths)


def _related(a: JsonPath, b: JsonPath) -> bool:
    shorter = min(len(a), len(b))
    return a[:shorter] == b[:shorter]


class IntegrityError(CommandError):
    """An edit was refused because it would break the protocol's cross-references."""

    def __init__(self, problem: IntegrityProblem, label: str) -> None:
        self.problem = problem
        super().__init__(problem.path, f"{label or 'edit'} refused: {problem.message}")


@dataclass
class _Entry:
    forward: Command
    inverse: Command
    sealed: bool = False


class History:
    """Undo and redo stacks over one protocol, with a clean mark and a change signal."""

    def __init__(self, protocol: Protocol, *, limit: int = 500) -> None:
        self._protocol = protocol
        self._limit = max(1, limit)
        self._undo: list[_Entry] = []
        self._redo: list[_Entry] = []
        self._clean_depth: int | None = 0
        self._revision = 0
        self._group: list[_Entry] | None = None
        self.changed: Signal[[Change]] = Signal()
        """Emitted after every push, merge, undo, redo and reset."""

    # ---- state ---------------------------------------------------------------------------------

    @property
    def protocol(self) -> Protocol:
        """The protocol being edited (change it only through :meth:`push`)."""
        return self._protocol

    @property
    def revision(self) -> int:
        """A number that grows with every change (for staleness checks)."""
        return self._revision

    def can_undo(self) -> bool:
        """True if there is a step to undo."""
        return bool(self._undo)

    def can_redo(self) -> bool:
        """True if there is an undone step to redo."""
        return bool(self._redo)

    def undo_label(self) -> str:
        """Label of the step :meth:`undo` would undo ("" if none)."""
        return self._undo[-1].forward.label if self._undo else ""

    def redo_label(self) -> str:
        """Label of the step :meth:`redo` would redo ("" if none)."""
        return self._redo[-1].forward.label if self._redo else ""

    def undo_labels(self) -> list[str]:
        """Labels of all undoable steps, most recent first."""
        return [entry.forward.label for entry in reversed(self._undo)]

    def redo_labels(self) -> list[str]:
        """Labels of all redoable steps, next first."""
        return [entry.forward.label for entry in reversed(self._redo)]

    def mark_clean(self) -> None:
        """Remember the current state as saved; later typing starts a new undo step."""
        self._clean_depth = len(self._undo)
        self.seal()

    def mark_dirty(self) -> None:
        """Forget the saved state: the protocol counts as unsaved until the next mark_clean.

        For a protocol that does not match anything saved (new from a template,
        recovered after a crash, an older version reopened).
        """
        self._clean_depth = None

    def is_clean(self) -> bool:
        """True if the protocol is as it was at the last :meth:`mark_clean`."""
        return self._clean_depth == len(self._undo)

    def seal(self) -> None:
        """End a run of merging edits: the next edit becomes a new undo step."""
        if self._undo:
            self._undo[-1].sealed = True

    # ---- changing ------------------------------------------------------------------------------

    def push(self, command: Command) -> Change | None:
        """Apply ``command`` and record it; return the change, or None if nothing changed.

        Raises :class:`CommandError` (invalid value) or :class:`IntegrityError`
        (the edit would introduce an integrity problem); the protocol is then unchanged.
        """
        if self._group is not None:
            # Inside a group the steps may pass through states that only the whole
            # group makes sound (kind "dosing" before its dosing details): check at the end.
            inverse = command.apply(self._protocol)
            self._group.append(_Entry(command, inverse))
            return None
        baseline = self._integrity_baseline()
        inverse = command.apply(self._protocol)
        self._refuse_new_problems(baseline, [inverse], command.label)
        if command.unchanged(self._protocol, inverse):
            return None
        reason: ChangeReason = "merge" if self._merge_into_top(command) else "push"
        if reason == "push":
            self._record(_Entry(command, inverse))
        return self._notify(command.paths(), reason, command.label)

    def undo(self) -> Change | None:
        """Undo the latest step; return the change (None if there is nothing to undo)."""
        if not self._undo or self._group is not None:
            return None
        entry = self._undo.pop()
        redo = entry.inverse.apply(self._protocol)
        self._redo.append(_Entry(redo, entry.inverse, sealed=True))
        return self._notify(entry.inverse.paths(), "undo", entry.forward.label)

    def redo(self) -> Change | None:
        """Redo the latest undone step; return the change (None if there is nothing to redo)."""
        if not self._redo or self._group is not None:
            return None
        entry = self._redo.pop()
        inverse = entry.forward.apply(self._protocol)
        self._undo.append(_Entry(entry.forward, inverse, sealed=True))
        return self._notify(entry.forward.paths(), "redo", entry.forward.label)

    def reset(self, protocol: Protocol) -> None:
        """Start over with another protocol: empty stacks, clean."""
        self._protocol = protocol
        self._undo.clear()
        self._redo.clear()
        self._clean_depth = 0
        self._group = None
        self._notify((), "reset", "")

    @contextmanager
    def group(self, label: str) -> Iterator[None]:
        """Make every push inside the ``with`` block one undo step named ``label``.

        If the block raises, every edit made inside it is undone and the error propagates.
        """
        if self._group is not None:
            yield
            return
        baseline = self._integrity_baseline()
        self._group = []
        try:
            yield
        except BaseException:
            entries, self._group = self._group, None
            for entry in reversed(entries):
                entry.inverse.apply(self._protocol)
            raise
        entries, self._group = self._group, None
        self._refuse_new_problems(baseline, [e.inverse for e in entries], label)
        if entries:
            forward = Composite(tuple(e.forward for e in entries), label)
            inverse = Composite(tuple(e.inverse for e in reversed(entries)), label)
            self._record(_Entry(forward, inverse, sealed=True))
            self._notify(forward.paths(), "push", label)

    # ---- internals ------------------------------------------------------------------------------

    def _integrity_baseline(self) -> Counter[str]:
        return Counter(p.message for p in check_integrity(self._protocol))

    def _refuse_new_problems(
        self, baseline: Counter[str], inverses: list[Command], label: str
    ) -> None:
        """Undo the just-applied edits (their inverses, in order) if they broke integrity."""
        after = check_integrity(self._protocol)
        # Compare messages, not paths: removing or moving an item shifts the paths of
        # problems the protocol already had, and those must not count as new.
        fresh = Counter(p.message for p in after) - baseline
        if not fresh:
            return
        for inverse in reversed(inverses):
            inverse.apply(self._protocol)
        problem = next(p for p in after if p.message in fresh)
        raise IntegrityError(problem, label)

    def _merge_into_top(self, command: Command) -> bool:
        if not self._undo or self._undo[-1].sealed or self._redo:
            return False
        top = self._undo[-1]
        merged = top.forward.merge(command)
        if merged is None:
            return False
        if self._clean_depth == len(self._undo):
            self._clean_depth = None  # the saved state is gone from the stack
        top.forward = merged
        return True

    def _record(self, entry: _Entry) -> None:
        if self._clean_depth is not None and self._clean_depth > len(self._undo):
            self._clean_depth = None  # the saved state was on the redo stack we drop now
        self._redo.clear()
        self._undo.append(entry)
        if len(self._undo) > self._limit:
            del self._undo[0]
            if self._clean_depth is not None:
                self._clean_depth = self._clean_depth - 1 if self._clean_depth > 0 else None

    def _notify(self, paths: tuple[JsonPath, ...], reason: ChangeReason, label: str) -> Change:
        self._revision += 1
        change = Change(paths, reason, label)
        self.changed.emit(change)
        return change

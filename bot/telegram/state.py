"""Per-chat state in one small JSON file that survives restarts and crashes.

A write replaces the whole file through a temp file and an atomic rename, so a kill
at any moment leaves either the previous complete state or the new one. Durable
changes are written before update() returns; deferred ones at the next flush().
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
MAX_CHATS = 100_000  # ~20 MB at worst; beyond it the least recently updated chats go


class ChatStates:
    """Per-chat dicts of JSON values, in memory and in one file."""

    def __init__(self, path: Path, max_chats: int = MAX_CHATS) -> None:
        if max_chats < 1:
            raise ValueError("max_chats must be at least 1")
        self.path = Path(path)
        self.max_chats = max_chats
        self._lock = threading.Lock()  # guards _chats and _dirty; held for microseconds
        self._write_lock = threading.Lock()  # one file writer at a time
        # Insertion order is recency order: update() moves a chat to the end, so the
        # first key is always the least recently updated (and it survives a restart,
        # since JSON objects keep their order).
        self._chats: dict[str, dict[str, Any]] = {}
        self._dirty = False  # memory is ahead of the file
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._remove_stale_temp_files()
        self._chats = self._load()

    def get(self, chat_id: int) -> dict[str, Any]:
        """A copy of the chat's state; {} for a chat never seen."""
        with self._lock:
            state: dict[str, Any] = _copy(self._chats.get(_key(chat_id), {}))
            return state

    def update(self, chat_id: int, *, durable: bool = True, **fields: Any) -> None:
        """Merge fields into the chat's state (None deletes a key) and persist.

        durable=False defers the write to the next flush(): for what is cheap to lose
        (the last question), so a busy bot does not fsync on every message.
        """
        # A JSON round trip both rejects what the file could not hold (before anything
        # changes) and makes the values exactly what a restart would read back:
        # tuples become lists, dict keys become strings.
        try:
            fields = json.loads(json.dumps(fields, ensure_ascii=False, allow_nan=False))
        except (TypeError, ValueError) as error:
            raise ValueError(f"chat state must be JSON-serializable: {error}") from None
        key = _key(chat_id)
        with self._lock:
            old = self._chats.get(key, {})
            new = {name: value for name, value in old.items() if name not in fields}
            new.update({name: value for name, value in fields.items() if value is not None})
            if new != old:
                self._chats.pop(key, None)
                if new:
                    self._chats[key] = new  # re-inserted last: the most recently updated
                    while len(self._chats) > self.max_chats:
                        del self._chats[next(iter(self._chats))]
                self._dirty = True
        if durable:
            self.flush()  # also retries what an earlier write lost, even if nothing changed

    def flush(self) -> None:
        """Write pending changes, if any, atomically.

        The file is written outside the lock that guards memory: a write with its fsync
        takes milliseconds, and get() and update() run on the bot's event loop, which
        must not wait for a disk. Writers take turns, and each writes a snapshot taken
        after the previous write, so the file only ever moves forward.
        """
        with self._write_lock:
            with self._lock:
                if not self._dirty:
                    return
                payload = self._payload()
                self._dirty = False
            if not self._write(payload):
                with self._lock:
                    self._dirty = True  # retried by the next flush

    def forget(self, chat_id: int) -> bool:
        """Drop everything about the chat, on disk before returning; True if there was any."""
        with self._lock:
            if self._chats.pop(_key(chat_id), None) is None:
                return False
            self._dirty = True
        self.flush()
        return True

    def __len__(self) -> int:
        with self._lock:
            return len(self._chats)

    # -- disk ---------------------------------------------------------------

    def _load(self) -> dict[str, dict[str, Any]]:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return {}
        except OSError as error:
            return self._set_aside(f"unreadable ({error})")
        try:
            data = json.loads(raw)
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            return self._set_aside(f"not valid JSON ({error})")
        problem = _shape_problem(data)
        if problem:
            return self._set_aside(problem)
        chats: dict[str, dict[str, Any]] = data["chats"]
        return chats

    def _set_aside(self, problem: str) -> dict[str, dict[str, Any]]:
        """Keep a bad file for inspection and start empty: losing chat state beats not starting."""
        stamp = time.strftime("%Y%m%d-%H%M%S")
        target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        suffix = 1
        while target.exists():
            suffix += 1
            target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}-{suffix}")
        try:
            os.replace(self.path, target)
            log.warning(
                "chat state %s is %s; moved to %s, starting empty", self.path, problem, target
            )
        except OSError as error:
            log.warning(
                "chat state %s is %s and could not be moved aside (%s); starting empty",
                self.path,
                problem,
                error,
            )
        return {}

    def _payload(self) -> bytes:
        return json.dumps(
            {"version": FORMAT_VERSION, "chats": self._chats},
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode()

    def _write(self, payload: bytes) -> bool:
        """Replace the file; on failure log it and keep serving from memory."""
        try:
            _write_atomically(self.path, payload)
        except OSError as error:
            # A full disk must not take the bot down: answers still work from memory,
            # and the next flush rewrites the whole file anyway.
            log.error("could not save chat state to %s: %s", self.path, error)
            return False
        return True

    def _remove_stale_temp_files(self) -> None:
        # Left behind only by a process killed mid-write; the target file is intact.
        for stale in self.path.parent.glob(f".{self.path.name}.*.tmp"):
            try:
                stale.unlink()
            except OSError as error:
                log.warning("could not remove stale temp file %s: %s", stale, error)


def _copy(value: Any) -> Any:
    """A deep copy of a JSON value (dicts, lists, scalars): what copy.deepcopy does for
    them at a fraction of its cost, which get() pays on every message."""
    if isinstance(value, dict):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy(item) for item in value]
    return value


def _key(chat_id: int) -> str:
    if isinstance(chat_id, bool) or not isinstance(chat_id, int):
        raise TypeError(f"chat_id must be an int, not {type(chat_id).__name__}")
    return str(chat_id)


def _shape_problem(data: Any) -> str:
    """What is wrong with a parsed state file, or "" when it is usable."""
    if not isinstance(data, dict) or data.get("version") != FORMAT_VERSION:
        return f"not a version {FORMAT_VERSION} chat state file"
    chats = data.get("chats")
    if not isinstance(chats, dict):
        return "missing its chats"
    for key, state in chats.items():
        if not isinstance(state, dict) or not key.lstrip("-").isdigit():
            return f"holding a malformed entry {key!r}"
    return ""


def _write_atomically(path: Path, payload: bytes) -> None:
    """Replace path with payload so that readers and crashes see old or new, never half."""
    # The temp file lives in the same directory: os.replace is atomic only within
    # one file system.
    fd, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as temp:
            temp.write(payload)
            temp.flush()
            os.fsync(temp.fileno())  # data on disk before the rename makes it visible
        os.replace(temp_name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise
    _fsync_directory(path.parent)


def _fsync_directory(directory: Path) -> None:
    # Makes the rename itself durable across a power cut; not every platform allows
    # opening a directory, and the data is already safe from a mere process crash.
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)

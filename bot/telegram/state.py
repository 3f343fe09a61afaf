"""Per-chat state in one small JSON file that survives restarts and crashes.

Every change rewrites the whole file through a temp file and an atomic rename, so
a kill at any moment leaves either the previous complete state or the new one.
"""

from __future__ import annotations

import contextlib
import copy
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
    """Per-chat dicts of JSON values, persisted on every change."""

    def __init__(self, path: Path, max_chats: int = MAX_CHATS) -> None:
        if max_chats < 1:
            raise ValueError("max_chats must be at least 1")
        self.path = Path(path)
        self.max_chats = max_chats
        self._lock = threading.Lock()
        # Insertion order is recency order: update() moves a chat to the end, so the
        # first key is always the least recently updated (and it survives a restart,
        # since JSON objects keep their order).
        self._chats: dict[str, dict[str, Any]] = {}
        self._dirty = False  # memory is ahead of the file after a failed write
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._remove_stale_temp_files()
        self._chats = self._load()

    def get(self, chat_id: int) -> dict[str, Any]:
        """A copy of the chat's state; {} for a chat never seen."""
        with self._lock:
            return copy.deepcopy(self._chats.get(_key(chat_id), {}))

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
            if new == old:
                if self._dirty:
                    self._persist()  # nothing new, but retry what an earlier write lost
                return
            self._chats.pop(key, None)
            if new:
                self._chats[key] = new  # re-inserted last: the most recently updated
                while len(self._chats) > self.max_chats:
                    del self._chats[next(iter(self._chats))]
            if durable:
                self._persist()
            else:
                self._dirty = True

    def flush(self) -> None:
        """Write deferred changes, if any (the same atomic write as every other)."""
        with self._lock:
            if self._dirty:
                self._persist()

    def forget(self, chat_id: int) -> bool:
        """Drop everything about the chat; True if there was anything."""
        with self._lock:
            if self._chats.pop(_key(chat_id), None) is None:
                return False
            self._persist()
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
        return data["chats"]

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

    def _persist(self) -> None:
        """Write everything atomically; on failure keep serving from memory and retry later."""
        payload = json.dumps(
            {"version": FORMAT_VERSION, "chats": self._chats},
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode()
        try:
            _write_atomically(self.path, payload)
        except OSError as error:
            # A full disk must not take the bot down: answers still work from memory,
            # and the next change rewrites the whole file anyway.
            self._dirty = True
            log.error("could not save chat state to %s: %s", self.path, error)
        else:
            self._dirty = False

    def _remove_stale_temp_files(self) -> None:
        # Left behind only by a process killed mid-write; the target file is intact.
        for stale in self.path.parent.glob(f".{self.path.name}.*.tmp"):
            try:
                stale.unlink()
            except OSError as error:
                log.warning("could not remove stale temp file %s: %s", stale, error)


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

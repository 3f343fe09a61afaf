"""Chat state: survives restarts, corrupt files and SIGKILL mid-write."""

from __future__ import annotations

import json
import logging
import os
import random
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from bot.telegram.state import ChatStates

REPO = Path(__file__).resolve().parent.parent


def test_state_survives_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "deeper" / "still" / "chats.json"
    states = ChatStates(path)
    states.update(101, lang="kk", last_topic="трасты әғқңөұүһі")
    states.update(-100200300, lang="ru", recent=("police", "courts"), counts={1: 2})
    before = {101: states.get(101), -100200300: states.get(-100200300)}

    reopened = ChatStates(path)
    assert len(reopened) == 2
    assert reopened.get(101) == {"lang": "kk", "last_topic": "трасты әғқңөұүһі"}
    # Values are stored as JSON holds them, before and after a restart alike.
    assert reopened.get(-100200300) == {
        "lang": "ru",
        "recent": ["police", "courts"],
        "counts": {"1": 2},
    }
    assert {chat: reopened.get(chat) for chat in before} == before


def test_updates_merge_and_none_deletes(tmp_path: Path) -> None:
    path = tmp_path / "chats.json"
    states = ChatStates(path)
    states.update(7, lang="en", topic="police")
    states.update(7, topic="courts", wave="2023-10")
    states.update(7, lang=None, absent=None)
    assert states.get(7) == {"topic": "courts", "wave": "2023-10"}
    assert ChatStates(path).get(7) == {"topic": "courts", "wave": "2023-10"}

    states.update(7, topic=None, wave=None)  # nothing left: the chat is gone
    assert states.get(7) == {}
    assert len(ChatStates(path)) == 0


def test_get_returns_a_copy(tmp_path: Path) -> None:
    states = ChatStates(tmp_path / "chats.json")
    states.update(1, recent=["police"])
    copy = states.get(1)
    copy["recent"].append("courts")
    copy["lang"] = "ru"
    assert states.get(1) == {"recent": ["police"]}
    assert states.get(999) == {}


def test_forget(tmp_path: Path) -> None:
    path = tmp_path / "chats.json"
    states = ChatStates(path)
    states.update(1, lang="kk")
    states.update(2, lang="ru")
    assert states.forget(1) is True
    assert states.forget(1) is False
    assert states.forget(12345) is False
    assert states.get(1) == {}
    reopened = ChatStates(path)
    assert reopened.get(1) == {}
    assert reopened.get(2) == {"lang": "ru"}
    assert len(reopened) == 1


def test_missing_file_is_empty_and_unchanged_state_is_not_rewritten(tmp_path: Path) -> None:
    path = tmp_path / "chats.json"
    states = ChatStates(path)
    assert len(states) == 0
    states.update(5, lang=None)  # deleting from nothing changes nothing
    assert not path.exists()

    states.update(5, lang="en")
    inode = path.stat().st_ino  # every write renames a fresh temp file into place
    states.update(5, lang="en")
    states.update(5, other=None)
    assert path.stat().st_ino == inode
    states.update(5, lang="kk")
    assert path.stat().st_ino != inode


def test_values_must_be_json(tmp_path: Path) -> None:
    path = tmp_path / "chats.json"
    states = ChatStates(path)
    states.update(1, lang="en")
    with pytest.raises(ValueError, match="JSON-serializable"):
        states.update(1, lang="kk", when=object())
    with pytest.raises(ValueError, match="JSON-serializable"):
        states.update(1, score=float("nan"))
    assert states.get(1) == {"lang": "en"}  # a rejected update changes nothing
    with pytest.raises(TypeError):
        states.update("1", lang="en")  # type: ignore[arg-type]


CORRUPT = {
    "truncated json": b'{"version": 1, "chats": {"1": {"lang": "k',
    "not utf-8": b"\xff\xfe\x00garbage",
    "empty file": b"",
    "a list": b"[1, 2, 3]",
    "unknown version": b'{"version": 99, "chats": {}}',
    "bad entry": b'{"version": 1, "chats": {"abc": {"lang": "kk"}}}',
}


@pytest.mark.parametrize("case", CORRUPT)
def test_corrupt_file_is_moved_aside(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, case: str
) -> None:
    path = tmp_path / "chats.json"
    path.write_bytes(CORRUPT[case])
    with caplog.at_level(logging.WARNING, logger="bot.telegram.state"):
        states = ChatStates(path)
    assert len(states) == 0
    assert not path.exists()
    aside = list(tmp_path.glob("chats.json.corrupt-*"))
    assert len(aside) == 1
    assert aside[0].read_bytes() == CORRUPT[case]  # kept intact for a post-mortem
    assert any(str(aside[0]) in record.getMessage() for record in caplog.records)

    states.update(1, lang="en")  # and the store works normally afterwards
    assert ChatStates(path).get(1) == {"lang": "en"}


def test_second_corrupt_file_does_not_overwrite_the_first(tmp_path: Path) -> None:
    path = tmp_path / "chats.json"
    for garbage in (b"first", b"second"):
        path.write_bytes(garbage)
        ChatStates(path)
    kept = sorted(p.read_bytes() for p in tmp_path.glob("chats.json.corrupt-*"))
    assert kept == [b"first", b"second"]


def test_cap_drops_the_least_recently_updated(tmp_path: Path) -> None:
    path = tmp_path / "chats.json"
    states = ChatStates(path, max_chats=3)
    for chat in (1, 2, 3):
        states.update(chat, n=chat)
    states.update(1, n=10)  # 2 is now the least recently updated
    states.update(4, n=4)
    assert len(states) == 3
    assert states.get(2) == {}
    # Recency order is part of the file, so it holds after a restart too.
    reopened = ChatStates(path, max_chats=3)
    reopened.update(5, n=5)
    assert reopened.get(3) == {}
    assert [reopened.get(chat) for chat in (1, 4, 5)] == [{"n": 10}, {"n": 4}, {"n": 5}]


def test_failed_write_keeps_serving_and_retries(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "chats.json"
    states = ChatStates(path)
    path.mkdir()  # the rename onto the target now fails, as on a broken disk
    with caplog.at_level(logging.ERROR, logger="bot.telegram.state"):
        states.update(1, lang="kk")
    assert states.get(1) == {"lang": "kk"}
    assert any("could not save" in record.getMessage() for record in caplog.records)
    assert list(tmp_path.glob(".chats.json.*.tmp")) == []  # no litter from the failure

    path.rmdir()
    states.update(1, lang="kk")  # no change, but the lost write is retried
    assert ChatStates(path).get(1) == {"lang": "kk"}


def test_updates_from_many_threads_are_all_kept(tmp_path: Path) -> None:
    path = tmp_path / "chats.json"
    states = ChatStates(path)
    threads_count, steps = 8, 60

    def worker(number: int) -> None:
        for step in range(steps):
            states.update(number, **{f"k{step}": step})
            states.update(1000, **{f"t{number}": step})

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    for reader in (states, ChatStates(path)):
        assert len(reader) == threads_count + 1
        for number in range(threads_count):
            assert reader.get(number) == {f"k{step}": step for step in range(steps)}
        assert reader.get(1000) == {f"t{n}": steps - 1 for n in range(threads_count)}


# A writer that never stops: step i sets chat 1 + i % CHATS to n=i, so any complete
# state is fully determined by its highest n. It resumes from what the file holds.
WRITER = """
import sys
from pathlib import Path
from bot.telegram.state import ChatStates

CHATS = int(sys.argv[2])
states = ChatStates(Path(sys.argv[1]))
step = max((states.get(1 + k).get("n", -1) for k in range(CHATS)), default=-1) + 1
print("ready", flush=True)
while True:
    states.update(1 + step % CHATS, n=step, pad="ж" * 300)
    step += 1
"""


def assert_complete_state(path: Path, chats: int) -> int:
    """The file parses and is exactly the state after some step; returns that step."""
    data = json.loads(path.read_bytes())
    assert data["version"] == 1
    states = data["chats"]
    last = max(state["n"] for state in states.values())
    for k in range(chats):
        expected = max((i for i in range(k, last + 1, chats)), default=None)
        if expected is None:
            assert str(1 + k) not in states
        else:
            assert states[str(1 + k)] == {"n": expected, "pad": "ж" * 300}
    return last


def test_sigkill_mid_write_leaves_a_complete_earlier_state(tmp_path: Path) -> None:
    path = tmp_path / "chats.json"
    chats = 400  # ~250 KB a write, so kills often land mid-write
    rng = random.Random(20231001)
    last = -1
    for kill in range(40):  # at least 10 kills; more on a slow disk, until real work is done
        if kill >= 10 and last > chats:
            break
        writer = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), str(chats)],
            cwd=REPO,
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert writer.stdout is not None
            assert writer.stdout.readline().strip() == "ready"
            threading.Event().wait(rng.uniform(0.05, 0.5))
        finally:
            os.kill(writer.pid, signal.SIGKILL)
            writer.wait()
            if writer.stdout:
                writer.stdout.close()
        assert writer.returncode == -signal.SIGKILL
        step = assert_complete_state(path, chats)
        assert step >= last  # never goes back to an older state
        last = step
    assert last > chats  # the writers did real work, beyond one pass over the chats

    reopened = ChatStates(path)  # and the store opens it as it is
    assert len(reopened) == chats
    assert list(tmp_path.glob("chats.json.corrupt-*")) == []
    assert list(tmp_path.glob(".chats.json.*.tmp")) == []  # leftovers of killed writes


# The worst moment, made certain rather than left to chance: the temp file is fully
# written and synced, and the process dies just before renaming it into place.
DIES_BEFORE_RENAME = """
import os, signal, sys
from pathlib import Path
from bot.telegram.state import ChatStates

states = ChatStates(Path(sys.argv[1]))
states.update(1, lang="kk")
states.update(2, lang="ru")

def die(src, dst):
    os.kill(os.getpid(), signal.SIGKILL)

os.replace = die
states.update(1, lang="en")
"""


def test_death_between_write_and_rename_keeps_the_previous_state(tmp_path: Path) -> None:
    path = tmp_path / "chats.json"
    result = subprocess.run(
        [sys.executable, "-c", DIES_BEFORE_RENAME, str(path)], cwd=REPO, check=False
    )
    assert result.returncode == -signal.SIGKILL
    [temp] = tmp_path.glob(".chats.json.*.tmp")
    assert '"en"' in temp.read_text()  # the new state was on disk, just not in place
    reopened = ChatStates(path)
    assert reopened.get(1) == {"lang": "kk"}
    assert reopened.get(2) == {"lang": "ru"}
    assert not temp.exists()


def test_stale_temp_files_of_other_stores_are_left_alone(tmp_path: Path) -> None:
    mine = tmp_path / ".chats.json.abc123.tmp"
    other = tmp_path / ".other.json.abc123.tmp"
    for stale in (mine, other):
        stale.write_text("half a write")
    ChatStates(tmp_path / "chats.json")
    assert not mine.exists()
    assert other.exists()


def test_deferred_updates_reach_the_disk_on_flush(tmp_path: Path) -> None:
    path = tmp_path / "chats.json"
    states = ChatStates(path)
    states.update(1, lang="kk")  # durable: on disk at once
    states.update(1, durable=False, context={"intent": "value"})
    assert ChatStates(path).get(1) == {"lang": "kk"}  # a crash now loses only the deferred part
    assert states.get(1) == {"lang": "kk", "context": {"intent": "value"}}  # memory has it all
    states.flush()
    assert ChatStates(path).get(1) == {"lang": "kk", "context": {"intent": "value"}}
    mtime = path.stat().st_mtime_ns
    states.flush()  # nothing pending: no write
    assert path.stat().st_mtime_ns == mtime


def test_a_slow_disk_write_does_not_block_readers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bot's event loop calls get() and update() on every message; a flush stuck in
    fsync must not make them wait, and what changes meanwhile goes out in the next flush."""
    import bot.telegram.state as state_module

    path = tmp_path / "chats.json"
    states = ChatStates(path)
    states.update(1, durable=False, n=1)
    writing, release = threading.Event(), threading.Event()
    real_write = state_module._write_atomically

    def slow_write(target: Path, payload: bytes) -> None:
        writing.set()
        assert release.wait(10)
        real_write(target, payload)

    monkeypatch.setattr(state_module, "_write_atomically", slow_write)
    flusher = threading.Thread(target=states.flush)
    flusher.start()
    assert writing.wait(10)
    done = threading.Event()

    def reader() -> None:
        assert states.get(1) == {"n": 1}
        states.update(1, durable=False, n=2)
        assert states.get(1) == {"n": 2}
        done.set()

    threading.Thread(target=reader).start()
    try:
        assert done.wait(5), "get()/update() waited for the disk"
    finally:
        release.set()
        flusher.join()
    assert ChatStates(path).get(1) == {"n": 1}  # the snapshot taken before the change
    monkeypatch.setattr(state_module, "_write_atomically", real_write)
    states.flush()
    assert ChatStates(path).get(1) == {"n": 2}

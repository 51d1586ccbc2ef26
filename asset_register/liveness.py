"""Is the process that left this behind still running? Lock files and writer marks.

A killed import or notice export cannot clean up after itself, so the next command
does it — but only for work whose process is gone: a live import's staging files or a
notice being written by another desktop must never be touched. Two proofs are used:

- ``HeldLock``: a file locked with ``flock`` for as long as the process holds it open.
  The kernel drops the lock when the process dies however it dies (SIGKILL, power
  loss of a client on a local disk), so "I could take the lock" means "its owner is
  gone". Where ``fcntl`` is missing (Windows) the file's process mark decides.
- ``process_mark`` / ``mark_alive``: host, pid and the process's start time (so a pid
  reused by a later process does not count as the writer). A mark from another host
  cannot be checked from here and counts as alive.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: the process mark decides
    fcntl = None


def _start_time(pid: int) -> str | None:
    """The process's start time in clock ticks since boot (Linux), else None."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # the command name (field 2) may hold spaces and parentheses: split after the last ')'
    fields = stat[stat.rfind(")") + 2:].split()
    return fields[19] if len(fields) > 19 else None


def process_mark() -> dict:
    """This process, as recorded beside work it may leave unfinished."""
    return {"host": socket.gethostname(), "pid": os.getpid(), "started": _start_time(os.getpid())}


def mark_alive(mark: dict | None) -> bool:
    """Whether the process of ``mark`` may still be running (unknown counts as running)."""
    if not isinstance(mark, dict) or "pid" not in mark:
        return True
    if mark.get("host") != socket.gethostname():
        return True  # cannot be checked from this computer
    try:
        pid = int(mark["pid"])
    except (TypeError, ValueError):
        return True
    if pid <= 0:
        return True
    if not _pid_exists(pid):
        return False
    started = mark.get("started")
    now = _start_time(pid)
    return not (started and now and started != now)  # the pid now names another process


def _pid_exists(pid: int) -> bool:
    if os.name == "nt":  # (os.kill on Windows would end the process, whatever the signal)
        return _pid_exists_windows(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        pass  # another user's process: it exists
    return True


def _pid_exists_windows(pid: int) -> bool:
    import ctypes

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
    if not handle:
        return ctypes.get_last_error() == 5  # access denied: it exists
    try:
        code = ctypes.c_ulong()
        if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
            return True
        return code.value == 259  # STILL_ACTIVE
    finally:
        kernel32.CloseHandle(handle)


def _parse(text: str) -> dict | None:
    parts = text.split()
    if len(parts) < 2:
        return None
    return {"host": parts[0], "pid": parts[1], "started": parts[2] if len(parts) > 2 else None}


class HeldLock:
    """A lock file created and held by this process until ``release()`` (or its death)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        # locked and written under a temporary name, then renamed: a sweeper never sees
        # the lock file unlocked while its holder is alive
        tmp = self.path.with_name(self.path.name + ".new") if fcntl is not None else self.path
        self._fd = os.open(tmp, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            if fcntl is not None:
                fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            mark = process_mark()
            os.write(self._fd, f"{mark['host']} {mark['pid']} {mark['started'] or ''}\n".encode())
            if tmp != self.path:
                os.replace(tmp, self.path)
        except BaseException:
            os.close(self._fd)
            tmp.unlink(missing_ok=True)
            raise

    def release(self) -> None:
        """Remove the lock file, then let go of the lock (the removal comes first so that a
        sweeper never finds the file unlocked while its work is still in place)."""
        if self._fd is None:
            return
        if fcntl is None:  # Windows removes no open file
            os.close(self._fd)
        self.path.unlink(missing_ok=True)
        if fcntl is not None:
            os.close(self._fd)
        self._fd = None


def lock_abandoned(path: Path) -> bool:
    """True when the lock file at ``path`` is held by no running process.

    Taking the lock (then letting it go at once) proves its holder is gone; a missing or
    unreadable file is not abandoned (it may be being created)."""
    try:
        fd = os.open(path, os.O_RDWR)
    except OSError:
        return False
    try:
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                return False  # held: its process is alive
            fcntl.flock(fd, fcntl.LOCK_UN)
            return True
        return not mark_alive(_parse(os.read(fd, 200).decode(errors="replace")))
    finally:
        os.close(fd)

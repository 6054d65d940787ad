"""bin/install-system-packages, which `make test` and .ci/run call. It runs here with a
PATH of stand-ins: `apt-get` and `sudo` record what they were asked and `id` says who is
asking, because the real ones would change this machine."""

import os
import re
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

SCRIPT = Path(settings.BASE_DIR) / "bin" / "install-system-packages"
BASH = "/bin/bash"
NEEDED = {
    "chromium": "chromium",
    "java": "default-jre-headless",
    "wrk": "wrk",
    "redis-server": "redis-server",
    "varnishd": "varnish",
}


def stand_in(folder: Path, name: str, body: str) -> None:
    path = folder / name
    path.write_text(f"#!{BASH}\n{body}\n")
    path.chmod(0o755)


def fake_machine(tmp_path: Path, *, uid: int, have: set[str], sudo: bool, apt: bool) -> dict:
    """A PATH holding only `have` of the needed commands, plus the stand-ins."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "calls.log"
    for command in have:
        stand_in(bin_dir, command, "exit 0")
    stand_in(bin_dir, "id", f"echo {uid}")
    os.symlink("/usr/bin/env", bin_dir / "env")
    if sudo:
        stand_in(bin_dir, "sudo", f'echo "sudo $*" >> {log}; [ "$1" = -n ] && shift; "$@"')
    if apt:
        # "Installs" a package by putting its command on the PATH.
        installs = " ".join(
            f'[ "$p" = {package} ] && : > {bin_dir}/{command} && chmod +x {bin_dir}/{command};'
            for command, package in NEEDED.items()
        )
        stand_in(
            bin_dir, "apt-get", f'echo "apt-get $*" >> {log}; for p in "$@"; do {installs} :; done'
        )
    # The script adds the sbin folders, where this machine may have a real varnishd:
    # `have` decides only for the others then.
    return {"PATH": str(bin_dir), "LOG": str(log)}


def run(machine: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [BASH, str(SCRIPT)],
        env={"PATH": machine["PATH"]},
        capture_output=True,
        text=True,
        timeout=60,
    )


def calls(machine: dict) -> list[str]:
    log = Path(machine["LOG"])
    return log.read_text().splitlines() if log.exists() else []


def test_nothing_missing_means_nothing_run(tmp_path):
    machine = fake_machine(tmp_path, uid=0, have=set(NEEDED), sudo=True, apt=True)
    result = run(machine)
    assert result.returncode == 0, result.stderr
    assert (result.stdout, result.stderr) == ("", "")
    assert calls(machine) == []


def test_root_installs_what_is_missing_and_then_nothing(tmp_path):
    machine = fake_machine(tmp_path, uid=0, have={"wrk"}, sudo=False, apt=True)
    result = run(machine)
    assert result.returncode == 0, result.stderr
    installed = calls(machine)
    assert len(installed) == 1
    assert installed[0].startswith("apt-get install -y -qq ")
    asked = set(installed[0].split()[4:])
    assert {"chromium", "default-jre-headless", "redis-server"} <= asked
    assert "wrk" not in asked
    assert run(machine).returncode == 0
    assert len(calls(machine)) == 1  # the second run found everything


def test_a_user_with_sudo_installs_through_it(tmp_path):
    machine = fake_machine(tmp_path, uid=1000, have=set(NEEDED) - {"java"}, sudo=True, apt=True)
    result = run(machine)
    assert result.returncode == 0, result.stderr
    assert "sudo -n true" in calls(machine)
    assert any(
        re.fullmatch(r"sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install .*", line)
        for line in calls(machine)
    )
    assert "apt-get install -y -qq default-jre-headless" in calls(machine)


@pytest.mark.parametrize("sudo", [False, True], ids=["no-sudo", "sudo-but-no-apt"])
def test_who_cannot_install_is_told_the_command(tmp_path, sudo):
    machine = fake_machine(tmp_path, uid=1000, have={"wrk", "java"}, sudo=sudo, apt=False)
    result = run(machine)
    assert result.returncode == 1
    assert "sudo apt-get install chromium redis-server" in result.stderr
    assert not any(line.startswith("apt-get") for line in calls(machine))


def test_make_test_and_ci_call_the_same_installer():
    makefile = (Path(settings.BASE_DIR) / "Makefile").read_text()
    test_target = re.search(r"^test: (.*?)##", makefile, re.MULTILINE).group(1).split()
    assert "system-packages" in test_target
    assert re.search(r"^system-packages:\n\tbin/install-system-packages$", makefile, re.MULTILINE)
    ci = (Path(settings.BASE_DIR) / ".ci" / "run").read_text()
    assert "\nbin/install-system-packages\n" in ci
    assert "apt-get" not in ci  # no second list to drift apart from the script's

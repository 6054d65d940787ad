"""docker-compose runs several web replicas behind Varnish, and the VCL it loads knows each
of them. (No Docker here: the file is checked as data, and the VCL by varnishd itself.)"""

import re
import shutil
import subprocess

import pytest
import yaml
from django.conf import settings

COMPOSE = settings.BASE_DIR / "docker-compose.yml"
SITE_VCL = settings.BASE_DIR / "varnish" / "site.vcl"


def test_the_cache_is_in_front_of_two_or_more_web_replicas():
    compose = yaml.safe_load(COMPOSE.read_text())
    services = compose["services"]
    cache, web = services["cache"], services["web"]
    assert cache["image"].startswith("varnish:")
    assert "./varnish:/etc/varnish:ro" in cache["volumes"]
    assert "/etc/varnish/default.vcl" in cache["command"]
    assert cache["depends_on"]["web"]["condition"] == "service_healthy"
    # Visitors reach the cache only; the replicas publish no port (two could not share one).
    assert [str(port) for port in cache["ports"]] == ["8000:80"]
    assert "ports" not in web
    replicas = web["deploy"]["replicas"]
    assert replicas >= 2

    environment = compose["x-app"]["environment"]
    assert environment["FRONTEND_CACHE_URL"] == "http://cache:80"
    assert environment["REDIS_URL"].startswith("redis://redis:")
    # Varnish appends the visitor's address to X-Forwarded-For.
    assert environment["TRUSTED_PROXY_COUNT"].endswith(":-1}")

    vcl = SITE_VCL.read_text()
    backends = re.findall(r'\.host = "([^"]+)"', vcl)
    expected = [f"{compose['name']}-web-{number}" for number in range(1, replicas + 1)]
    assert backends == expected
    for name in expected:
        assert f'("{name}");' in vcl, f"{name} may not purge"
    assert f'("{compose["name"]}-worker-1");' in vcl, "the worker sends the purges"


@pytest.mark.skipif(shutil.which("varnishd") is None, reason="varnish is not installed")
def test_the_compose_vcl_compiles_but_for_the_replica_names(tmp_path):
    """varnishd compiles the VCL; outside compose only the replicas' names do not resolve."""
    completed = subprocess.run(  # noqa: S603 - the system's varnishd
        [shutil.which("varnishd"), "-C", "-j", "none", "-n", str(tmp_path)]
        + ["-f", str(SITE_VCL.parent / "default.vcl"), "-p", f"vcl_path={SITE_VCL.parent}"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode != 0
    assert "Backend host '\"practice-web-1\"' could not be resolved" in completed.stderr

"""compose.yaml, the deployment for newsrooms that outgrow one machine: it
cannot be run here (no docker), so check that it says what the README says
and that everything it points at exists."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
APPS = ("app1", "app2", "app3")


def compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text("utf-8"))


def test_three_app_instances_share_postgresql_and_redis():
    services = compose()["services"]
    for name in APPS:
        app = services[name]
        assert (ROOT / app["build"] / "Dockerfile").is_file() if isinstance(app["build"], str) \
            else (ROOT / app["build"]["context"]).is_dir()
        env = app["environment"]
        assert env["DATABASE_URL"].startswith("postgresql+psycopg://") and "@db:5432/" in env["DATABASE_URL"]
        assert env["REDIS_URL"] == "redis://redis:6379/0"
        assert env["BIND"].endswith(":8000")
        assert set(app["depends_on"]) == {"db", "redis"}
    assert services["db"]["image"].startswith("postgres:")
    assert services["redis"]["image"].startswith("redis:")
    # No secret is written into the file: the password comes from the environment.
    assert "${POSTGRES_PASSWORD" in services["db"]["environment"]["POSTGRES_PASSWORD"]


def test_load_balancer_config_exists_and_lists_every_instance():
    lb = compose()["services"]["lb"]
    assert lb["image"].startswith("nginx:")
    mounts = [volume.split(":") for volume in lb["volumes"]]
    for host, _container, *_mode in mounts:
        assert (ROOT / host).is_file(), f"{host} is mounted but does not exist"
    nginx = (ROOT / "deploy" / "nginx.conf").read_text("utf-8")
    upstream = re.search(r"upstream standpoint \{(.*?)\}", nginx, re.S).group(1)
    assert sorted(re.findall(r"server (\w+):8000", upstream)) == list(APPS)
    assert set(lb["depends_on"]) == set(APPS)
    # The proxy and cache rules are shared with the tests and the bench, and included.
    assert "include /etc/nginx/standpoint-proxy.conf;" in nginx or "standpoint-proxy.conf" in nginx
    rules = (ROOT / "deploy" / "standpoint-proxy.conf").read_text("utf-8")
    assert "proxy_pass http://standpoint;" in rules and "proxy_cache standpoint;" in rules


def test_every_referenced_file_exists():
    text = (ROOT / "compose.yaml").read_text("utf-8")
    for path in re.findall(r"\./[\w./-]+", text):
        assert (ROOT / path).exists(), f"compose.yaml refers to {path}, which does not exist"


def test_compose_trusts_its_nginx_hop_and_no_other():
    """The apps believe X-Forwarded-For from nginx's fixed address only, and are not
    reachable from outside: tests/servers/test_trusted_proxies.py runs the same
    settings behind a real nginx."""
    import ipaddress

    spec = compose()
    lb_address = spec["services"]["lb"]["networks"]["backend"]["ipv4_address"]
    subnet = ipaddress.ip_network(spec["networks"]["backend"]["ipam"]["config"][0]["subnet"])
    assert ipaddress.ip_address(lb_address) in subnet
    for name in APPS:
        app = spec["services"][name]
        env = app["environment"]
        assert env["STANDPOINT_TRUSTED_PROXIES"] == "1"
        assert env["STANDPOINT_PROXY_ADDRESSES"] == lb_address
        assert env["FORWARDED_ALLOW_IPS"] == lb_address
        assert "ports" not in app, f"{name} is published: clients could bypass nginx"
        assert app["networks"] == ["backend"]

"""Debian's nginx in front of one Standpoint server, with the shipped proxy rules.

deploy/standpoint-proxy.conf holds every rule (caching, compression, buffering,
forwarding); deploy/nginx.conf includes it for compose, and `config()` below
includes the very same file for the benchmark (bench/run.py) and the
proxy-cache test (tests/servers/test_proxy_cache.py). Only the upstream (one
loopback port), the listen port and the paths (cache, temp files, logs, all
in one directory) differ.

    python -m bench.nginx 8000 8080     # nginx on :8080 in front of a server on :8000
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "deploy" / "standpoint-proxy.conf"
MISSING = "Debian's nginx is not installed; .ci/run installs it"


def binary() -> str | None:
    """The nginx executable, or None. Debian puts it in /usr/sbin, which is not
    on every user's PATH."""
    found = shutil.which("nginx")
    if found:
        return found
    return "/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None


# One JSON object per request, background revalidations (subrequests) included.
LOG_FORMAT = ('{"uri":"$request_uri","method":"$request_method","status":"$status",'
              '"upstream_status":"$upstream_status","cache":"$upstream_cache_status"}')


def config(upstream_port: int, listen_port: int, directory: Path, server_extra: str = "",
           access_log: bool = False) -> str:
    """An nginx.conf for `nginx -p <directory> -c <directory>/nginx.conf`:
    one worker, the shipped rules in front of 127.0.0.1:<upstream_port>.
    `server_extra` goes into the server block after the rules (the benchmark's
    static twin of the cached answers). `access_log` writes <directory>/access.log
    in LOG_FORMAT (the shipped config logs nothing: the app writes the access log)."""
    directory = Path(directory).resolve()
    log = (f"log_format cache escape=json '{LOG_FORMAT}';\n"
           f"    access_log {directory}/access.log cache;\n"
           "    log_subrequest on;") if access_log else "access_log off;"
    # As root, nginx's workers run as `nobody` unless told otherwise, and could
    # not use the cache in a private temporary directory.
    user = "user root;\n" if os.geteuid() == 0 else ""
    return f"""\
# Rendered by bench/nginx.py: the shipped rules (standpoint-proxy.conf) in front of one server.
{user}worker_processes 1;
error_log {directory}/error.log warn;
events {{ worker_connections 1024; }}

http {{
    {log}
    server_tokens off;
    sendfile on;
    tcp_nopush on;
    default_type application/octet-stream;
    client_body_temp_path {directory}/temp/body;
    proxy_temp_path {directory}/temp/proxy;
    fastcgi_temp_path {directory}/temp/fastcgi;
    uwsgi_temp_path {directory}/temp/uwsgi;
    scgi_temp_path {directory}/temp/scgi;

    proxy_cache_path {directory}/cache levels=1:2 keys_zone=standpoint:10m
                     max_size=1g inactive=10m use_temp_path=off;

    upstream standpoint {{
        server 127.0.0.1:{upstream_port};
        keepalive 32;
    }}

    server {{
        listen 127.0.0.1:{listen_port};
        include {RULES};
{server_extra}
    }}
}}
"""


@dataclass
class Nginx:
    url: str
    process: subprocess.Popen
    directory: Path

    def access_log(self) -> str:
        path = self.directory / "access.log"
        return path.read_text("utf-8", errors="replace") if path.exists() else ""

    def error_log(self) -> str:
        path = self.directory / "error.log"
        return path.read_text("utf-8", errors="replace") if path.exists() else ""

    def get(self, path: str, headers: dict | None = None, timeout: float = 30):
        """(status, headers, body) without raising on 4xx/5xx."""
        request = urllib.request.Request(self.url + path, headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()


def command(directory: Path) -> list[str]:
    nginx = binary()
    if nginx is None:
        raise RuntimeError(MISSING)
    directory = Path(directory).resolve()
    return [nginx, "-p", f"{directory}/", "-c", f"{directory}/nginx.conf",
            "-e", f"{directory}/error.log",
            "-g", f"daemon off; pid {directory}/nginx.pid;"]


@contextlib.contextmanager
def nginx(upstream_port: int, listen_port: int, directory: Path, server_extra: str = "",
          access_log: bool = False, timeout: float = 10.0) -> Iterator[Nginx]:
    """nginx with `config(...)`, its cache and files in `directory`, until the
    block ends; raises RuntimeError (with nginx's own message) if it does not start."""
    directory = Path(directory).resolve()
    (directory / "temp").mkdir(parents=True, exist_ok=True)
    (directory / "nginx.conf").write_text(config(upstream_port, listen_port, directory,
                                                 server_extra, access_log))
    check = subprocess.run(command(directory) + ["-t", "-q"], capture_output=True, text=True)
    if check.returncode:
        raise RuntimeError(f"nginx refused its config: {check.stderr.strip()}")
    with open(directory / "nginx.out", "wb") as out:
        process = subprocess.Popen(command(directory), stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    url = f"http://127.0.0.1:{listen_port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"nginx exited with {process.returncode}: "
                                   + (directory / "nginx.out").read_text(errors="replace"))
            try:
                with socket.create_connection(("127.0.0.1", listen_port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"nginx did not listen on {listen_port}") from None
                time.sleep(0.05)
        yield Nginx(url, process, directory)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGQUIT)  # graceful: finish what is in flight
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if len(args) not in (2, 3):
        sys.exit("usage: python -m bench.nginx UPSTREAM_PORT LISTEN_PORT [DIRECTORY]")
    directory = Path(args[2]) if len(args) == 3 else ROOT / "instance" / "nginx"
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop nginx on the way out
    with nginx(int(args[0]), int(args[1]), directory) as front:
        print(f"nginx on {front.url} in front of 127.0.0.1:{args[0]} "
              f"(config, cache and logs in {directory}); Ctrl-C stops it", flush=True)
        try:
            front.process.wait()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()

"""Every shell example in README.md works, against a live server on a fresh SQLite database.

The ```sh blocks are run in order, as a reader would run them, one command after another:
shell variables a command sets (KEY, ETAG, etag) carry over to the next, `127.0.0.1:8000`
and `localhost:8000` point at the test server, `sp_...` is the key `keys create` printed,
and every command sees the server's DATABASE_URL. PATH is the caller's without the
virtualenv, as in a fresh shell: a bare `flask` must not be needed.

Each command must exit 0, and every HTTP answer any curl in it gets (inside `$(...)` too)
must be below 400, or exactly the status its comment names (`# 304`). Commands that run
until stopped or change the machine are skipped, each with its reason.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from tests.servers.server import ROOT, live_server

pytestmark = pytest.mark.slow

README = ROOT / "README.md"
DEFAULT_HOST = re.compile(r"\b(?:127\.0\.0\.1|localhost):8000\b")
ASSIGNMENT = re.compile(r"^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=")
# Every curl reports its status on stderr, after whatever -w the README gives (the last wins).
CURL_STATUS = "__README_HTTP_STATUS__"
PRELUDE = f"curl() {{ command curl \"$@\" -w '%{{stderr}}{CURL_STATUS} %{{http_code}}\\n'; }}\n"
SKIP_MAKE = {
    "run": "serves until stopped (this test starts the same gunicorn on a free port instead)",
    "test": "the whole test suite, which this test is part of",
}


def strip_comments(text: str) -> str:
    """The command without its shell comments (a `#` that starts a word, outside quotes)."""
    out, quote, i = [], None, 0
    while i < len(text):
        c = text[i]
        if quote == "'":
            quote = None if c == "'" else quote
        elif c == "\\" and i + 1 < len(text):
            out.append(text[i:i + 2])
            i += 2
            continue
        elif quote == '"':
            quote = None if c == '"' else quote
        elif c in "'\"":
            quote = c
        elif c == "#" and (i == 0 or text[i - 1] in " \t\n;|&("):
            while i < len(text) and text[i] != "\n":
                i += 1
            continue
        out.append(c)
        i += 1
    return "".join(out)


def complete(text: str) -> bool:
    code = strip_comments(text).rstrip()
    if code.endswith("\\"):
        return False
    try:
        shlex.split(code)
    except ValueError:  # an open quote: the command goes on on the next line
        return False
    return True


def readme_commands(text: str) -> list[str]:
    commands = []
    for block in re.findall(r"^```sh\n(.*?)^```", text, re.M | re.S):
        current = ""
        for line in block.splitlines():
            if not current and not strip_comments(line).strip():
                continue
            current += line + "\n"
            if complete(current):
                commands.append(current.rstrip())
                current = ""
        assert not current, f"unfinished command in README.md:\n{current}"
    return commands


def program(command: str) -> list[str]:
    """The words of the command, from its program on (leading VAR=value and export dropped)."""
    words = shlex.split(strip_comments(command))
    while words and (words[0] == "export" or re.match(r"^[A-Za-z_]\w*=", words[0])):
        if words[0] == "export" or len(words) == 1:
            return words
        words = words[1:]
    return words


def skip_reason(command: str) -> str | None:
    words = program(command)
    if words[:1] == ["make"]:
        target = words[1] if len(words) > 1 else "the default target"
        return SKIP_MAKE.get(target, f"`make {target}` builds or runs outside this test")
    if "add-user" in words:
        return "asks for a password at a terminal (tests/desk/test_cli.py runs it with one)"
    if words[:1] == ["docker"]:
        return "needs Docker and starts containers on the machine (tests/servers/test_deploy.py checks compose.yaml)"
    return None


def fresh_shell_environment(database_url: str) -> dict:
    venv_bin = str(Path(sys.executable).parent)
    environment = {key: value for key, value in os.environ.items() if key != "VIRTUAL_ENV"}
    environment["PATH"] = os.pathsep.join(
        part for part in environment.get("PATH", "").split(os.pathsep) if part and part != venv_bin)
    environment["DATABASE_URL"] = database_url
    return environment


def test_every_readme_command_works(tmp_path, capsys):
    commands = readme_commands(README.read_text("utf-8"))
    assert commands, "no ```sh blocks in README.md"
    ran, skipped, failures, variables, key = [], [], [], {}, None
    with live_server(tmp_path, STANDPOINT_ACCESS_LOG="0") as server:
        host = server.url.removeprefix("http://")
        environment = fresh_shell_environment(server.env["DATABASE_URL"])
        for command in commands:
            reason = skip_reason(command)
            if reason:
                skipped.append((command, reason))
                continue
            script = DEFAULT_HOST.sub(host, strip_comments(command).rstrip())
            if "sp_..." in script:
                assert key, f"{command!r} needs the key `keys create` prints, and none was printed before it"
                script = script.replace("sp_...", key)
            assigned = ASSIGNMENT.match(strip_comments(command).lstrip())
            value_file = tmp_path / "value"
            value_file.unlink(missing_ok=True)
            epilogue = f'\n__rc=$?\nprintf %s "${assigned.group(1)}" > {value_file}\nexit $__rc' if assigned else ""
            result = subprocess.run(["bash", "-c", PRELUDE + script + epilogue], cwd=ROOT,
                                    env={**environment, **variables}, capture_output=True, text=True,
                                    timeout=120)
            ran.append(command)
            statuses = [int(s) for s in re.findall(rf"^{CURL_STATUS} (\d+)$", result.stderr, re.M)]
            stderr = re.sub(rf"^{CURL_STATUS} \d+\n", "", result.stderr, flags=re.M)
            expected = re.findall(r"#\s*(\d{3})\b", command)
            problem = None
            if result.returncode != 0:
                problem = f"exited {result.returncode}"
            elif expected and statuses != [int(s) for s in expected]:
                problem = f"HTTP {statuses}, the README says {expected}"
            elif not expected and any(not 200 <= s < 400 for s in statuses):
                problem = f"HTTP {statuses}"
            if assigned and problem is None:
                value = value_file.read_text("utf-8")
                if not value:
                    problem = f"left {assigned.group(1)} empty"
                variables[assigned.group(1)] = value
            if "keys create" in command and (found := re.search(r"\bsp_[A-Za-z0-9_\-]+", result.stdout)):
                key = found.group(0)
            if problem:
                failures.append(f"$ {script}\n  {problem}\n  stdout: {result.stdout[-1500:]}\n"
                                f"  stderr: {stderr[-1500:]}")
        server_log = server.log()
    with capsys.disabled():
        print(f"\nREADME.md: {len(ran)} commands run, {len(skipped)} skipped")
        for command, reason in skipped:
            print(f"  skipped `{' '.join(strip_comments(command).split())}`: {reason}")
    assert not failures, "README commands that do not work:\n\n" + "\n\n".join(failures)
    assert "Traceback" not in server_log, server_log[-5000:]


def test_commands_are_split_as_the_shell_reads_them():
    text = ("```sh\ncurl -s 'a?b'   # it's a comment\nX=$(curl -s a | tr -d '#')\n"
            "curl -X POST a \\\n  -d '{\"a\": 1,\n  \"b\": 2}'\n\nmake run\n```\n")
    assert readme_commands(text) == [
        "curl -s 'a?b'   # it's a comment", "X=$(curl -s a | tr -d '#')",
        "curl -X POST a \\\n  -d '{\"a\": 1,\n  \"b\": 2}'", "make run"]
    assert strip_comments("curl -s 'a#b' # c") == "curl -s 'a#b' "
    assert program("POSTGRES_PASSWORD=x docker compose up")[0] == "docker"
    assert program("export KEY=sp_...") == ["export", "KEY=sp_..."]
    assert skip_reason("make run") and skip_reason("docker compose exec app1 flask") and not skip_reason("curl a")

"""`kalshi-local serve` as users start it: a subprocess that binds first, and help that fits a log."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
from pathlib import Path

from .servers import free_port
from .test_cli import CLI, wait_for


def test_a_port_in_use_is_one_line_and_nothing_else_is_printed(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [CLI, "serve", "--db", str(tmp_path / "s.db"), "--port", str(port), "--admin-token", "t0ken"],
            capture_output=True, text=True, timeout=60,
        )
    assert result.returncode == 1
    assert result.stdout == ""  # no banner, no token
    assert result.stderr == f"error: cannot listen on 127.0.0.1:{port}: address already in use\n"


def test_an_unknown_host_is_one_line(tmp_path):
    result = subprocess.run([CLI, "serve", "--db", str(tmp_path / "s.db"), "--host", "no-such-host.invalid"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.startswith("error: cannot listen on no-such-host.invalid:8000: ")
    assert len(result.stderr.splitlines()) == 1


def test_sigterm_shuts_the_server_down_cleanly(tmp_path):
    port = free_port()
    proc = subprocess.Popen([CLI, "serve", "--db", str(tmp_path / "s.db"), "--port", str(port), "--no-demo"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().startswith(f"kalshi-local listening on http://127.0.0.1:{port}/")
        assert wait_for(f"http://127.0.0.1:{port}/trade-api/v2/exchange/status").status_code == 200
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
    assert proc.stderr.read() == ""


def test_the_commands_the_banner_suggests_run_as_printed_in_a_plain_shell(tmp_path):
    """Without the venv on PATH (a new user's shell), the printed curl and demo-key lines both work."""
    port = free_port()
    plain = {**os.environ, "PATH": "/usr/bin:/bin"}
    proc = subprocess.Popen([CLI, "serve", "--db", str(tmp_path / "s.db"), "--port", str(port)], cwd=tmp_path,
                            stdout=subprocess.PIPE, text=True, env=plain)
    try:
        banner = [proc.stdout.readline() for _ in range(5)]
        curl = banner[3].removeprefix("Try: ").strip()
        demo_key = banner[4].split("(its private key: ")[1].rstrip(")\n")
        assert wait_for(f"http://127.0.0.1:{port}/trade-api/v2/exchange/status").status_code == 200
        for command in (curl + " -sf -o /dev/null", demo_key):
            result = subprocess.run(["bash", "-c", command], cwd=tmp_path, env=plain, capture_output=True, text=True,
                                    timeout=60)
            assert result.returncode == 0, (command, result.stderr)
        assert (tmp_path / "demo.pem").exists()
    finally:
        proc.terminate()
        assert proc.wait(timeout=10) == 0


def help_text(*args: str, **env: str) -> str:
    environment = {key: value for key, value in os.environ.items() if key not in ("COLUMNS", "TERMINAL_WIDTH")}
    result = subprocess.run([CLI, *args, "--help"], capture_output=True, text=True, timeout=60,
                            env={**environment, **env})
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_help_off_a_terminal_is_wider_than_80_columns():
    text = help_text("serve")
    widths = [len(line) for line in text.splitlines()]
    assert 80 < max(widths) <= 120
    assert "$KALSHI_LOCAL_DATABASE_URL" in text  # one piece, not cut at the border


def test_help_follows_columns_when_it_is_set():
    assert max(len(line) for line in help_text("serve", COLUMNS="60").splitlines()) <= 60


def stub(path: Path, body: str) -> None:
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(0o755)


def test_scripts_serve_installs_only_when_pyproject_changed(tmp_path):
    """The real script in a copy of the repository whose .venv has stand-ins for pip and kalshi-local."""
    (tmp_path / "scripts").mkdir()
    shutil.copy(Path(__file__).parent.parent / "scripts" / "serve", tmp_path / "scripts" / "serve")
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    bin_dir = tmp_path / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    stub(bin_dir / "python", "exit 0")
    stub(bin_dir / "pip", 'echo install >> "$(dirname "$0")/../installs"; echo pip chatter')
    stub(bin_dir / "kalshi-local", 'echo "kalshi-local $*"')

    def serve() -> subprocess.CompletedProcess:
        return subprocess.run([str(tmp_path / "scripts" / "serve"), "--port", "1"], capture_output=True, text=True,
                              timeout=60)

    def installs() -> int:
        return len((tmp_path / ".venv" / "installs").read_text().splitlines())

    first, second = serve(), serve()
    assert first.stdout.splitlines()[-1] + "\n" == second.stdout == "kalshi-local serve --port 1\n"
    assert "pip chatter" not in first.stdout + first.stderr
    assert installs() == 1
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\nversion = '2'\n")
    assert serve().returncode == 0 and installs() == 2

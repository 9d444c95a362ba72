"""Which store the CLI opens, and what a user sees when it cannot: subprocesses, over SQLite and a
throwaway PostgreSQL cluster (a role with a password, a role without privileges, a closed port)."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from .servers import free_port
from .test_cli import CLI, wait_for

README = Path(__file__).parent.parent / "README.md"
SECRET = "s3cret-pw"


def run(*args: str, cwd: Path | None = None, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("KALSHI_LOCAL_")}
    return subprocess.run([CLI, *args], capture_output=True, text=True, timeout=120, cwd=cwd,
                          env={**environment, **env})


def commands(scenario: Path) -> list[tuple[str, ...]]:
    """Every command that opens the store (serve on a port of its own)."""
    return [
        ("serve", "--port", str(free_port())),
        ("load", str(scenario)),
        ("users", "create", "alice"),
        ("users", "fund", "alice", "5"),
        ("users", "withdraw", "alice", "5"),
        ("keys", "create", "--user", "alice", "--private-key-out", str(scenario.parent / "never.pem")),
    ]


@pytest.fixture
def scenario(tmp_path) -> Path:
    path = tmp_path / "empty.yaml"
    path.write_text("{}\n")
    return path


def assert_one_line_error(result: subprocess.CompletedProcess, start: str) -> None:
    assert result.returncode == 1
    assert result.stderr.startswith(start), result.stderr
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr
    assert SECRET not in result.stdout + result.stderr


def test_an_unreachable_database_is_one_line_for_every_command(tmp_path, scenario):
    url = f"postgresql://kalshi:{SECRET}@127.0.0.1:{free_port()}/kalshi"
    for args in commands(scenario):
        result = run(*args, "--database-url", url)
        assert_one_line_error(result, f"error: cannot open the store postgresql://kalshi@127.0.0.1:{url.split(':')[3]}")
        assert "Connection refused" in result.stderr
        assert result.stdout == ""
    assert not (tmp_path / "never.pem").exists()


def test_a_url_in_kalshi_local_db_is_a_url_and_never_a_path(tmp_path, scenario):
    url = f"postgresql://kalshi:{SECRET}@127.0.0.1:{free_port()}/kalshi"
    result = run("load", str(scenario), cwd=tmp_path, KALSHI_LOCAL_DB=url, HOME=str(tmp_path))
    assert_one_line_error(result, "error: cannot open the store postgresql://kalshi@127.0.0.1:")
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["empty.yaml"]  # no directory named after the URL


def test_kalshi_local_database_url_names_the_store(tmp_path):
    store = tmp_path / "env.db"
    result = run("users", "create", "bob", KALSHI_LOCAL_DATABASE_URL=f"sqlite:///{store}", HOME=str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert f"in {store}." in result.stdout and store.exists()
    again = run("users", "create", "bob", "--db", f"sqlite:///{store}", HOME=str(tmp_path))  # a URL given to --db
    assert again.returncode == 1 and "user 'bob' already exists" in again.stderr


def test_both_store_variables_at_once_are_refused(tmp_path, scenario):
    result = run("load", str(scenario), KALSHI_LOCAL_DB=str(tmp_path / "a.db"),
                 KALSHI_LOCAL_DATABASE_URL=f"sqlite:///{tmp_path}/b.db")
    assert result.returncode == 1
    assert "set KALSHI_LOCAL_DATABASE_URL or KALSHI_LOCAL_DB, not both" in result.stderr
    assert list(tmp_path.glob("*.db")) == []


def test_a_sqlite_file_that_cannot_be_opened_is_one_line(tmp_path, scenario):
    (tmp_path / "dir.db").mkdir()
    for args in commands(scenario):
        assert_one_line_error(run(*args, "--db", str(tmp_path / "dir.db")), f"error: cannot open the store {tmp_path}/dir.db: ")


# PostgreSQL: the README's own steps, on the session's throwaway cluster.


def readme_sql() -> list[str]:
    """The statements of the README's `psql <<'SQL'` block."""
    block = re.search(r"psql <<'SQL'\n(.*?)\nSQL\n", README.read_text(), re.DOTALL)
    assert block, "the README's PostgreSQL steps moved"
    return [line for line in block.group(1).splitlines() if line.strip()]


def readme_url(port: int) -> str:
    url = re.search(r"export KALSHI_LOCAL_DATABASE_URL=(\S+)", README.read_text()).group(1)
    return url.replace("@localhost:5432/", f"@127.0.0.1:{port}/")


def superuser(cluster):
    import psycopg

    return psycopg.connect(f"host=127.0.0.1 port={cluster.port} user=postgres dbname=postgres", autocommit=True)


@pytest.fixture(scope="module")
def readme_database(pg_cluster) -> str:
    """The README's role and database, with password logins for that role (the test cluster trusts
    everyone else); returns the README's URL pointed at the cluster."""
    with superuser(pg_cluster) as conn:
        for statement in readme_sql():
            conn.execute(statement)
        role = re.search(r"CREATE ROLE (\w+)", " ".join(readme_sql())).group(1)
        hba = Path(conn.execute("SHOW hba_file").fetchone()[0])
        rule = f"host all {role} 127.0.0.1/32 scram-sha-256\n"
        if rule not in hba.read_text():
            hba.write_text(rule + hba.read_text())
        conn.execute("SELECT pg_reload_conf()")
    return readme_url(pg_cluster.port)


def test_the_readme_steps_serve_load_and_create_users_on_postgresql(readme_database, tmp_path):
    env = {"KALSHI_LOCAL_DATABASE_URL": readme_database, "HOME": str(tmp_path)}
    shown = re.sub(r":[^:@/]+@", "@", readme_database)  # the URL without its password
    port = free_port()
    environment = {k: v for k, v in os.environ.items() if not k.startswith("KALSHI_LOCAL_")}
    proc = subprocess.Popen([CLI, "serve", "--port", str(port), "--admin-token", "t"], stdout=subprocess.PIPE,
                            text=True, env={**environment, **env})
    try:
        assert proc.stdout.readline() == "Loaded the demo catalog.\n"
        assert proc.stdout.readline().endswith(f"(store: {shown})\n")
        assert wait_for(f"http://127.0.0.1:{port}/trade-api/v2/series/KXNFLGAME").status_code == 200
        scenario = tmp_path / "s.yaml"
        scenario.write_text("series:\n  - {ticker: KXPGREADME, title: From the README test, category: Economics}\n")
        loaded = run("load", str(scenario), **env)
        assert loaded.returncode == 0, loaded.stderr
        assert f"(store: {shown})" in loaded.stdout
        assert wait_for(f"http://127.0.0.1:{port}/trade-api/v2/series/KXPGREADME").status_code == 200
        created = run("users", "create", "alice", "--balance", "5", **env)
        assert created.returncode == 0, created.stderr
        assert f"in {shown}." in created.stdout and SECRET not in created.stdout
    finally:
        proc.terminate()
        assert proc.wait(timeout=10) == 0
    assert "change-me" not in shown


def test_a_wrong_password_is_one_line_without_the_password(readme_database, scenario):
    wrong = re.sub(r":[^:@/]+@", f":{SECRET}@", readme_database)
    for args in commands(scenario):
        result = run(*args, "--database-url", wrong)
        assert_one_line_error(result, "error: cannot open the store postgresql://kalshi@127.0.0.1:")
        assert 'password authentication failed for user "kalshi"' in result.stderr


def test_a_role_without_create_on_public_is_one_line(pg_cluster, scenario):
    url = pg_cluster.new_database()  # owned by postgres: since PostgreSQL 15 others cannot create in public
    with superuser(pg_cluster) as conn:
        conn.execute("CREATE ROLE kalshi_reader LOGIN")
    reader_url = url.replace("postgresql://postgres@", "postgresql://kalshi_reader@")
    for args in commands(scenario):
        result = run(*args, "--database-url", reader_url)
        assert_one_line_error(result, f"error: cannot open the store {reader_url}: ")
        assert "permission denied for schema public" in result.stderr


@pytest.mark.parametrize(
    ("reason", "shown"),
    [
        ('role "nobody" does not exist', 'role "nobody" does not exist'),  # the password "e" is left in words
        ("to postgresql://kalshi:e@localhost/db failed", "to postgresql://kalshi:***@localhost/db failed"),
        ("invalid dsn: host=x password=e port=1", "invalid dsn: host=x password=*** port=1"),
    ],
)
def test_store_errors_hide_the_password_only_where_it_stands(reason, shown):
    from kalshi_local.cli import _reason

    assert _reason(RuntimeError(reason), "postgresql://kalshi:e@localhost:5432/db") == shown

"""`kalshi-local users` and `kalshi-local keys` as users run them: subprocesses on a SQLite file."""

from __future__ import annotations

import shutil
import stat
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from sqlalchemy import func, select

from kalshi_local.auth.keys import generate_key_pair, load_public_key
from kalshi_local.store import accounts, db, schema

from .servers import start_server
from .signing import Signer

CLI = str(Path(sys.executable).parent / "kalshi-local")


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([CLI, *args], capture_output=True, text=True, timeout=120)


def last_line(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def read(path: Path, query):
    engine = db.open_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as conn:
            return query(conn)
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> tuple[Path, str]:
    """A store where the CLI created alice with $250.50, and her user id; made once, copied per test."""
    path = tmp_path_factory.mktemp("template") / "store.db"
    user_id = last_line(run("users", "create", "alice", "--balance", "250.50", "--tier", "premier", "--db", str(path)))
    return path, user_id


@pytest.fixture
def store(tmp_path, template) -> Path:
    path = tmp_path / "store.db"
    shutil.copyfile(template[0], path)
    return path


@pytest.fixture
def alice(template) -> str:
    return template[1]


def test_users_create_prints_the_user_id_last_and_funds_the_account(store, alice):
    user = read(store, lambda conn: accounts.user_by_id(conn, alice))
    assert (user.name, user.tier) == ("alice", "premier")
    assert read(store, lambda conn: accounts.balance(conn, user.seq).balance) == 25_050 * 10_000


def test_fund_and_withdraw_print_the_new_balance(store, alice):
    funded = run("users", "fund", "alice", "1000", "--db", str(store))
    assert "balance $1250.50" in last_line(funded)
    withdrawn = run("users", "withdraw", "alice", "0.50", "--db", str(store))
    assert "balance $1250.00" in last_line(withdrawn)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("users", "create", "bob", "--balance", "1.005"), "--balance must be dollars in whole cents"),
        (("users", "create", "bob", "--tier", "gold"), "tier must be one of basic"),
        (("users", "create", "alice"), "user 'alice' already exists"),
        (("users", "fund", "carol", "5"), "no user named 'carol'"),
        (("users", "withdraw", "alice", "250.51"), "the withdrawal of $250.51 exceeds the balance of $250.50"),
    ],
)
def test_bad_requests_exit_1_with_the_message_and_write_nothing(store, alice, args, message):
    result = run(*args, "--db", str(store))
    assert result.returncode == 1
    assert message in result.stderr
    assert read(store, lambda conn: conn.execute(select(func.count()).select_from(schema.transfers)).scalar()) == 1


def test_keys_create_generates_a_private_key_readable_only_by_its_owner(store, alice, tmp_path):
    private_file = tmp_path / "alice.pem"
    key_id = last_line(run("keys", "create", "--user", "alice", "--private-key-out", str(private_file),
                           "--scopes", "read", "--db", str(store)))
    owner = read(store, lambda conn: accounts.key_owner(conn, key_id))
    assert (owner.user_id, owner.scopes) == (alice, ("read",))
    assert stat.S_IMODE(private_file.stat().st_mode) == 0o600
    private_key = serialization.load_pem_private_key(private_file.read_bytes(), password=None)
    message = b"1767225600000GET/trade-api/v2/portfolio/balance"
    pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.DIGEST_LENGTH)
    signature = private_key.sign(message, pss, hashes.SHA256())
    load_public_key(owner.public_key).verify(signature, message, pss, hashes.SHA256())  # raises if it does not match
    refused = run("keys", "create", "--user", "alice", "--private-key-out", str(private_file), "--db", str(store))
    assert refused.returncode == 1 and "already exists" in refused.stderr


def test_keys_create_registers_a_given_public_key_under_the_default_name(store, alice, tmp_path):
    public_file = tmp_path / "public.pem"
    public_file.write_text(generate_key_pair()[1], encoding="utf-8")
    key_id = last_line(run("keys", "create", "--user", "alice", "--public-key", str(public_file), "--db", str(store)))
    [key] = read(store, lambda conn: accounts.keys_of(conn, accounts.user_by_id(conn, alice).seq))
    assert (key.key_id, key.name, key.scopes) == (key_id, "cli", ("read", "write"))
    assert key.public_key == public_file.read_text()


def test_keys_create_for_an_unknown_user_writes_no_private_key(store, alice, tmp_path):
    private_file = tmp_path / "nobody.pem"
    result = run("keys", "create", "--user", "nobody", "--private-key-out", str(private_file), "--db", str(store))
    assert result.returncode == 1 and "no user named 'nobody'" in result.stderr
    assert not private_file.exists()


def test_a_running_server_accepts_a_key_created_by_the_cli_at_once(tmp_path):
    database = tmp_path / "live.db"
    server = start_server(f"sqlite:///{database}")
    try:
        created = run("keys", "create", "--user", "demo", "--private-key-out", str(tmp_path / "k.pem"), "--db", str(database))
        assert created.returncode == 0, created.stderr
        signer = Signer(last_line(created), (tmp_path / "k.pem").read_text())
        response = httpx.get(server.api + "/portfolio/balance", headers=signer.headers("GET", "/trade-api/v2/portfolio/balance"))
        assert response.status_code == 200 and response.json()["balance"] == 1_000_000
    finally:
        server.stop()

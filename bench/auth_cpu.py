"""CPU cost of checking a signed request, against the bare RSA-PSS verify it wraps.

Pre-signs N distinct requests spread over the freshness window, then times per request,
median of the rounds:
  full       read_signed_headers + Verifier.verify (freshness, RSA-PSS with salt AUTO, replay memory)
  raw        cryptography's verify alone, salt DIGEST_LENGTH, bytes prepared in advance
  raw AUTO   the same with salt AUTO (what Verifier uses, so it accepts every salt length)
and the memory kept per remembered signature.

    python bench/auth_cpu.py --n 20000
"""

from __future__ import annotations

import argparse
import base64
import statistics
import tracemalloc

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

from harness import Case, interleaved_round
from kalshi_local.auth.keys import generate_key_pair, load_public_key
from kalshi_local.auth.signatures import Verifier, read_signed_headers

NOW_MS = 1_703_123_456_789
WINDOW_MS = 60_000
KEY_ID = "bench-key"
PATHS = ("/trade-api/v2/portfolio/balance", "/trade-api/v2/portfolio/orders", "/trade-api/v2/markets")
SALTS = {"digest": padding.PSS.DIGEST_LENGTH, "max": padding.PSS.MAX_LENGTH}


def presign(n: int, bits: int, salt) -> tuple[object, list[tuple[str, str, str, str, str]]]:
    """The public key and n requests as (key, timestamp, signature, method, path) header texts."""
    private_pem, public_pem = generate_key_pair(bits)
    private_key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=salt)
    requests = []
    for i in range(n):
        timestamp = str(NOW_MS - WINDOW_MS + (2 * WINDOW_MS * i) // n)
        method, path = ("POST" if i % 4 == 0 else "GET"), PATHS[i % len(PATHS)]
        signature = private_key.sign(f"{timestamp}{method}{path}".encode(), pss, hashes.SHA256())
        requests.append((KEY_ID, timestamp, base64.b64encode(signature).decode(), method, path))
    return load_public_key(public_pem), requests


# Each case is made once per round and then called on successive chunks of the requests,
# the cases interleaved chunk by chunk so a burst of load from elsewhere hits all of them alike.
def full(public_key, requests) -> Case:
    verifier = Verifier(window_ms=WINDOW_MS, now_ms=lambda: NOW_MS)

    def run(start: int, stop: int) -> None:
        for key, timestamp, signature, method, path in requests[start:stop]:
            verifier.verify(read_signed_headers(key, timestamp, signature), method, path, public_key)

    return run


def raw(public_key, requests, salt) -> Case:
    pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=salt)
    sha256 = hashes.SHA256()
    prepared = [
        (base64.b64decode(signature), f"{timestamp}{method}{path}".encode())
        for _, timestamp, signature, method, path in requests
    ]

    def run(start: int, stop: int) -> None:
        for signature, message in prepared[start:stop]:
            public_key.verify(signature, message, pss, sha256)

    return run


def bytes_per_remembered(public_key, requests) -> float:
    verifier = Verifier(window_ms=WINDOW_MS, now_ms=lambda: NOW_MS)
    signed = [(read_signed_headers(*r[:3]), r[3], r[4]) for r in requests]
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for request, method, path in signed:
        verifier.verify(request, method, path, public_key)
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return (after - before) / verifier.remembered()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=20_000, help="distinct signed requests per round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--bits", type=int, default=2048, help="RSA key size")
    parser.add_argument("--salt", choices=SALTS, default="digest", help="salt length the client signs with")
    args = parser.parse_args()

    print(f"signing {args.n} requests ({args.bits}-bit key, salt {args.salt})...", flush=True)
    public_key, requests = presign(args.n, args.bits, SALTS[args.salt])
    timings: dict[str, list[float]] = {}
    for _ in range(args.rounds):
        cases = {"full (headers + Verifier.verify)": full(public_key, requests)}
        if args.salt == "digest":  # DIGEST_LENGTH would reject signatures with a longer salt
            cases["raw verify, salt DIGEST_LENGTH"] = raw(public_key, requests, padding.PSS.DIGEST_LENGTH)
        cases["raw verify, salt AUTO"] = raw(public_key, requests, padding.PSS.AUTO)
        for name, value in interleaved_round(cases, args.n, chunk=500).items():
            timings.setdefault(name, []).append(value)

    medians = {name: statistics.median(values) for name, values in timings.items()}
    baseline = medians.get("raw verify, salt DIGEST_LENGTH", medians["raw verify, salt AUTO"])
    print(f"median of {args.rounds} rounds, µs per request:")
    for name, value in medians.items():
        spread = ", ".join(f"{v:.2f}" for v in timings[name])
        print(f"  {name:34} {value:7.2f}  x{value / baseline:.3f}   min {min(timings[name]):.2f}  [{spread}]")
    print(f"full / raw: {medians['full (headers + Verifier.verify)'] / baseline:.3f}")
    print(f"replay memory: {bytes_per_remembered(public_key, requests):.0f} bytes per remembered signature")


if __name__ == "__main__":
    main()

"""An HTTP client for API tests that checks every response against the spec."""

from __future__ import annotations

import httpx

from . import spec
from .signing import Signer

ERROR_FIELDS = ("code", "message", "service")


def assert_error_body(body: dict) -> None:
    """Kalshi's error fields, flat (the spec's ErrorResponse) and nested under `error` (the
    live exchange), filled in and the same in both places."""
    assert all(isinstance(body.get(key), str) and body[key] for key in ERROR_FIELDS), body
    flat = {key: value for key, value in body.items() if key != "error"}
    assert body.get("error") == flat, body


class ApiClient:
    """With a `signer`, every request is signed (a fresh signature each time)."""

    def __init__(self, base_url: str, signer: Signer | None = None) -> None:
        # Generous: a loaded 2-core CI machine has been seen taking over 10 s on one PostgreSQL write.
        self._http = httpx.Client(base_url=base_url, timeout=30)
        self.signer = signer

    def request(
        self, method: str, path: str, params=None, json=None, expect: int | None = None, headers=None
    ) -> httpx.Response:
        request = self._http.build_request(method, path, params=params, json=json, headers=headers)
        if self.signer is not None and headers is None:
            request.headers.update(self.signer.headers(method, request.url.path))
        response = self._http.send(request)
        body = response.json() if response.content else None
        spec.validate(method, response.request.url.path, response.status_code, body)
        if expect is not None:
            assert response.status_code == expect, (response.status_code, body)
        return response

    def get(self, path: str, params=None, expect: int | None = None, headers=None) -> httpx.Response:
        return self.request("GET", path, params, expect=expect, headers=headers)

    def ok(self, path: str, params=None) -> dict:
        return self.get(path, params, expect=200).json()

    def error(self, path: str, params=None, status: int = 400, method: str = "GET", json=None) -> dict:
        body = self.request(method, path, params, json=json, expect=status).json()
        assert_error_body(body)
        return body

    def walk(self, path: str, key: str, params=None, cursor_key: str = "cursor") -> list[dict]:
        """Every item of a paginated list, following cursors to the end."""
        items, cursor = [], None
        while True:
            page = self.ok(path, {**(params or {}), **({cursor_key: cursor} if cursor else {})})
            items.extend(page[key] or [])
            cursor = page.get(cursor_key)
            if not cursor:
                return items

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> "ApiClient":
        return self

    def __exit__(self, *_exc) -> None:
        self.close()


class AdminClient:
    def __init__(self, base_url: str, token: str) -> None:
        self._http = httpx.Client(base_url=base_url + "/admin/v1", timeout=30, headers={"Authorization": f"Bearer {token}"})

    def request(self, method: str, path: str, json=None, expect: int = 200) -> dict:
        response = self._http.request(method, path, json=json)
        assert response.status_code == expect, (response.status_code, response.text)
        return response.json() if response.content else {}

    def close(self) -> None:
        self._http.close()

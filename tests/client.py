"""An HTTP client for API tests that checks every response against the spec."""

from __future__ import annotations

import httpx

from . import spec


class ApiClient:
    def __init__(self, base_url: str) -> None:
        self._http = httpx.Client(base_url=base_url, timeout=10)

    def get(self, path: str, params=None, expect: int | None = None, headers=None) -> httpx.Response:
        response = self._http.get(path, params=params, headers=headers)
        body = response.json()
        spec.validate("GET", response.request.url.path, response.status_code, body)
        if expect is not None:
            assert response.status_code == expect, (response.status_code, body)
        return response

    def ok(self, path: str, params=None) -> dict:
        return self.get(path, params, expect=200).json()

    def error(self, path: str, params=None, status: int = 400) -> dict:
        body = self.get(path, params, expect=status).json()
        assert body["code"] and body["message"], body
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
        self._http = httpx.Client(base_url=base_url + "/admin/v1", timeout=10, headers={"Authorization": f"Bearer {token}"})

    def request(self, method: str, path: str, json=None, expect: int = 200) -> dict:
        response = self._http.request(method, path, json=json)
        assert response.status_code == expect, (response.status_code, response.text)
        return response.json() if response.content else {}

    def close(self) -> None:
        self._http.close()

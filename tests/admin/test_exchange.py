"""Exchange state and announcements through the admin API."""

from __future__ import annotations

PAST, FUTURE = "2026-01-01T00:00:00Z", "2099-01-01T00:00:00Z"


def note(message: str, delivery_time: str = PAST, **extra) -> dict:
    return {"type": "info", "message": message, "delivery_time": delivery_time, **extra}


def test_the_exchange_state_reads_back_as_written(admin_api):
    body = {"exchange_active": True, "trading_active": False,
            "maintenance_windows": [{"start_datetime": "2030-01-01T00:00:00Z", "end_datetime": "2030-01-01T02:00:00Z"}]}
    stored = admin_api.put("/exchange", body)["exchange"]
    assert admin_api.get("/exchange")["exchange"] == stored
    assert stored["trading_active"] is False and stored["standard_hours"] == []


def test_a_paused_exchange_shows_in_the_trade_api_status(admin_api, api):
    admin_api.put("/exchange", {"exchange_active": False, "trading_active": False})
    status = api.ok("/exchange/status")
    assert (status["exchange_active"], status["trading_active"]) == (False, False)


def test_a_bad_exchange_body_names_the_field(admin_api):
    body = {"maintenance_windows": [{"start_datetime": "soon", "end_datetime": FUTURE}]}
    message = admin_api.call("PUT", "/exchange", 400, json=body).json()["message"]
    assert message.startswith("$.maintenance_windows[0].start_datetime:")


def test_a_posted_announcement_gets_an_id_and_is_listed(admin_api, api):
    created = admin_api.post("/announcements", note("Hello traders"), expect=201)["announcement"]
    assert isinstance(created["id"], int)
    assert created in admin_api.get("/announcements")["announcements"]
    assert "Hello traders" in [a["message"] for a in api.ok("/exchange/announcements")["announcements"]]


def test_posting_the_same_message_and_time_again_updates_it(admin_api):
    first = admin_api.post("/announcements", note("Twice"), expect=201)["announcement"]
    again = admin_api.post("/announcements", note("Twice", type="warning"), expect=201)["announcement"]
    assert again["id"] == first["id"]
    listed = [a for a in admin_api.get("/announcements")["announcements"] if a["message"] == "Twice"]
    assert [a["type"] for a in listed] == ["warning"]


def test_an_announcement_is_public_from_its_delivery_time(admin_api, api, server):
    admin_api.post("/announcements", note("Later", "2030-01-01T00:00:00Z"), expect=201)
    assert "Later" not in [a["message"] for a in api.ok("/exchange/announcements")["announcements"]]
    server.services.clock.set(4_102_444_800_000_000)  # 2100-01-01
    assert "Later" in [a["message"] for a in api.ok("/exchange/announcements")["announcements"]]


def test_an_announcement_can_be_replaced_and_deleted(admin_api):
    created = admin_api.post("/announcements", note("Old text"), expect=201)["announcement"]
    path = f"/announcements/{created['id']}"
    replaced = admin_api.put(path, note("New text", status="inactive"))["announcement"]
    assert (replaced["id"], replaced["message"], replaced["status"]) == (created["id"], "New text", "inactive")
    admin_api.delete(path)
    assert created["id"] not in [a["id"] for a in admin_api.get("/announcements")["announcements"]]
    admin_api.delete(path, expect=404)
    admin_api.call("PUT", path, 404, json=note("Gone"))


def test_a_bad_announcement_names_the_field(admin_api):
    message = admin_api.call("POST", "/announcements", 400, json=note("x", type="shout")).json()["message"]
    assert message.startswith("$.type:")

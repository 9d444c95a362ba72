from __future__ import annotations

DEMO_MILESTONE = "5d3c2a10-0000-4000-8000-000000000001"


def test_milestones_list_requires_a_limit(demo_api):
    body = demo_api.error("/milestones", status=400)
    assert "limit" in body["message"]


def test_milestone_by_id_matches_the_list(demo_api):
    listed = demo_api.ok("/milestones", {"limit": 500})["milestones"]
    one = demo_api.ok(f"/milestones/{DEMO_MILESTONE}")["milestone"]
    assert one in listed


def test_unknown_milestone_is_404(demo_api):
    body = demo_api.error("/milestones/nope", status=404)
    assert "nope" in body["message"]


def test_sdk_reads_milestones(demo_sdk):
    response = demo_sdk.get_milestones(limit=10)
    assert any(m.id == DEMO_MILESTONE for m in response.milestones)
    one = demo_sdk.get_milestone(milestone_id=DEMO_MILESTONE)
    assert one.milestone.type == "football_game"

"""Hostile scenario files: deep nesting, alias bombs, bytes that are not UTF-8.
Each is one error line naming the file, from the loader and from `kalshi-local load`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kalshi_local.scenario import loader

CLI = str(Path(sys.executable).parent / "kalshi-local")
DEEP_YAML = "series: " + "[" * 25_000 + "]" * 25_000
DEEP_BLOCK_YAML = "".join(f"{'  ' * depth}k:\n" for depth in range(150))
LAUGHS = "\n".join(
    [
        'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
        *(f"{n}: &{n} [{', '.join(['*' + p] * 9)}]" for p, n in zip("abcdefgh", "bcdefghi")),
        "structured_targets: [{id: t, name: t, type: t, details: {x: *i}}]",
    ]
)
DEEP_JSON = '{"structured_targets": [{"id": "t", "name": "t", "type": "t", "details": {"x": ' + "[" * 2000 + "]" * 2000 + "}}]}"
BAD_UTF8_JSON = b'{"series": [{"ticker": "S", "title": "\xff", "category": "c"}]}'


@pytest.mark.parametrize(
    "name,content,words",
    [
        ("deep.yaml", DEEP_YAML, "nested too deeply"),
        ("block.yaml", DEEP_BLOCK_YAML, "nested too deeply"),
        ("laughs.yaml", LAUGHS, "aliases expand"),
        ("deep.json", DEEP_JSON, "nested too deeply"),
        ("bad.json", BAD_UTF8_JSON, "UTF-8"),
    ],
)
def test_a_hostile_file_is_one_scenario_error(tmp_path, name, content, words):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(loader.ScenarioError) as raised:
        document = loader.open_file(path)  # a JSON file's items are decoded as they are written
        for section in document.sections:
            list(document.chunks(section, 10))
    assert str(raised.value).startswith(f"{path}: ") and words in str(raised.value)
    if name.endswith(".json"):  # the whole-file decoder too
        with pytest.raises(loader.ScenarioError, match=words):
            loader.parse_file(path)


def test_aliases_within_the_bound_still_load():
    text = "defaults: &d {category: Economics}\nseries: [{ticker: S1, title: One, <<: *d}, {ticker: S2, title: Two, <<: *d}]"
    with pytest.raises(loader.ScenarioError, match=r"\$\.defaults: unknown field"):
        loader.parse_text(text, "merge.yaml")  # past the alias check: the shapes speak
    scenario = loader.parse_text(
        "series: [&s {ticker: S1, title: One, category: Economics}]\nevents: []\n", "anchors.yaml"
    )
    assert scenario.series[0].ticker == "S1"


def test_nesting_up_to_the_bound_is_not_refused_for_its_depth():
    depth = loader.MAX_YAML_DEPTH - 1
    text = "structured_targets: " + "[" * depth + "]" * depth
    with pytest.raises(loader.ScenarioError) as raised:
        loader.parse_text(text, "ok.yaml")
    assert "nested too deeply" not in str(raised.value)


@pytest.mark.parametrize(
    "name,content,words",
    [("deep.yaml", DEEP_YAML, "nested too deeply"), ("laughs.yaml", LAUGHS, "aliases expand")],
)
def test_the_cli_refuses_a_hostile_file_with_one_line_and_exit_1(tmp_path, name, content, words):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    result = subprocess.run(
        [CLI, "load", str(path), "--db", str(tmp_path / "store.db")], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and words in lines[0] and str(path) in lines[0], result.stderr

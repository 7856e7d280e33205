"""The parsed-spec cache: the same document as a YAML parse, keyed by content, never in the way."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from mockserver.http.speccache import cache_dir, load_spec
from tests.support import CONTROL_SPEC_PATH, SPEC_PATH


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return cache_dir()


@pytest.mark.parametrize("spec", [SPEC_PATH, CONTROL_SPEC_PATH], ids=lambda p: p.name)
def test_cold_and_warm_loads_equal_a_yaml_parse(spec: Path, private_cache: Path) -> None:
    parsed = yaml.safe_load(spec.read_text())
    assert load_spec(spec) == parsed
    assert len(list(private_cache.glob(spec.stem + "-*.json"))) == 1
    assert load_spec(spec) == parsed


def test_an_edited_spec_is_parsed_again(tmp_path: Path, private_cache: Path) -> None:
    spec = tmp_path / "api.yaml"
    spec.write_text("openapi: 3.0.3\ninfo: {title: a, version: '1'}\n")
    assert load_spec(spec)["info"]["title"] == "a"
    spec.write_text("openapi: 3.0.3\ninfo: {title: b, version: '1'}\n")
    assert load_spec(spec)["info"]["title"] == "b"
    assert len(list(private_cache.glob("api-*.json"))) == 2


def test_a_corrupt_cache_file_is_parsed_over(tmp_path: Path, private_cache: Path) -> None:
    spec = tmp_path / "api.yaml"
    spec.write_text("a: 1\n")
    load_spec(spec)
    (cached,) = private_cache.glob("api-*.json")
    cached.write_bytes(b"{not json")
    assert load_spec(spec) == {"a": 1}


def test_what_json_cannot_carry_is_not_cached(tmp_path: Path, private_cache: Path) -> None:
    spec = tmp_path / "api.yaml"
    spec.write_text("day: 2026-11-29\nbig: 123456789012345678901234567890\n")
    load_spec(spec)
    assert load_spec(spec) == {"day": date(2026, 11, 29), "big": 123456789012345678901234567890}
    assert list(private_cache.glob("api-*.json")) == []


def test_an_unwritable_cache_still_loads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))  # a file where the directory should be
    assert load_spec(CONTROL_SPEC_PATH) == yaml.safe_load(CONTROL_SPEC_PATH.read_text())

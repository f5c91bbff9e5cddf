"""The engine patches (native/patches/) apply to the pinned sources, in a copy."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

NATIVE = Path(__file__).resolve().parent.parent / "native"
sys.path.insert(0, str(NATIVE))

import engine  # noqa: E402

pytestmark = pytest.mark.mode_independent


def test_every_patch_applies_to_the_pinned_sources_and_leaves_the_cache_untouched(tmp_path: Path) -> None:
    before = (engine.engine_sources() / "quickjs.c").read_text()
    out = engine.patched_sources(tmp_path / "engine")
    patched = (out / "quickjs.c").read_text()
    assert (engine.engine_sources() / "quickjs.c").read_text() == before
    assert "JS_GetOutOfMemoryCount" in patched
    assert "actors: builtins walk array-likes" in patched
    assert "fd->scope_oom = true" in patched
    assert "JS_SEARCH_POLL_WORK" in patched
    assert [p.name[:4] for p in engine.patch_files()] == ["0001", "0002", "0003", "0004", "0005"]


def test_a_patch_that_no_longer_matches_the_sources_is_an_error(tmp_path: Path) -> None:
    stale = tmp_path / "9999-stale.patch"
    stale.write_text(
        "--- a/quickjs.c\n+++ b/quickjs.c\n@@ -1,1 +1,1 @@\n-this line is not in quickjs.c\n+x\n"
    )
    with pytest.raises(engine.EngineSourceError, match="does not apply"):
        engine.patched_sources(tmp_path / "engine", [stale])

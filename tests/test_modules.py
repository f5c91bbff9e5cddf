"""ES modules (issue 14, item 1): `export`, static `import` and `import()`
through a Modules registry (files under a root, in-memory modules, an
import map, node_modules packages), and the attacker who wants files from
outside the root or the host's memory."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import actors
from actors import JSError, Modules


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        f = root / name
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(text)
    return root


# ---- the rule: script, async script or module --------------------------------------------------


def test_a_source_with_export_runs_as_a_module(pool: actors.ContextPool) -> None:
    ctx = pool.spawn(apis=None)
    assert ctx.eval("export const x = 2; globalThis.seen = x * 21") is None
    assert ctx.eval("seen") == 42
    # a module's top-level bindings are its own, not globals
    assert ctx.eval("typeof x") == "undefined"


def test_valid_scripts_that_mention_import_and_export_stay_scripts(pool: actors.ContextPool) -> None:
    ctx = pool.spawn(apis=None)
    assert ctx.eval("var exports = {}; var importance = 3; importance") == 3
    assert ctx.eval("const text = 'export default 1'; text") == "export default 1"
    # sloppy-mode code, valid only as a script
    assert ctx.eval("var o = {a: 5}; with (o) { a } // import x from 'y'") == 5
    assert ctx.eval("typeof importance") == "number"  # a script's var is a global


def test_a_module_that_does_not_compile_reports_the_module_error_with_its_location(
    pool: actors.ContextPool,
) -> None:
    ctx = pool.spawn(apis=None)
    with pytest.raises(JSError) as err:
        ctx.eval("export const a = 1;\nexport (", filename="broken.mjs")
    assert err.value.name == "SyntaxError"
    assert "broken.mjs:2" in str(err.value)


def test_top_level_await_in_a_module_finishes_before_eval_returns(pool: actors.ContextPool) -> None:
    ctx = pool.spawn(apis=None)
    ctx.eval("export {}; globalThis.v = await new Promise(r => setTimeout(() => r(9), 1))")
    assert ctx.eval("v") == 9


def test_a_module_that_throws_raises_jserror(pool: actors.ContextPool) -> None:
    ctx = pool.spawn(apis=None)
    with pytest.raises(JSError, match="nope"):
        ctx.eval("export const a = 1; throw new RangeError('nope')")
    assert ctx.eval("1 + 1") == 2


# ---- the registry ------------------------------------------------------------------------------


def test_in_memory_modules_import_each_other_by_bare_name_and_path(pool: actors.ContextPool) -> None:
    mods = Modules(
        {
            "util": "export const add = (a, b) => a + b; export default 'D';",
            "/lib/three.js": "import {add} from 'util'; export const three = add(1, 2);",
        }
    )
    ctx = pool.spawn(apis=None, modules=mods)
    ctx.eval("import {three} from './lib/three.js'; import D from 'util'; globalThis.r = [three, D]")
    assert ctx.eval("r") == [3, "D"]


def test_a_module_is_evaluated_once_per_context_however_often_imported(pool: actors.ContextPool) -> None:
    mods = Modules({"counter": "globalThis.runs = (globalThis.runs || 0) + 1; export const n = 1;"})
    ctx = pool.spawn(apis=None, modules=mods)
    ctx.eval("import 'counter'; import {n} from 'counter';")
    ctx.eval("await import('counter'); await import('counter')")
    assert ctx.eval("runs") == 1
    # and every context has its own instance
    other = pool.spawn(apis=None, modules=mods)
    other.eval("await import('counter')")
    assert other.eval("runs") == 1


def test_dynamic_import_works_from_a_classic_script_and_a_promise_job(pool: actors.ContextPool) -> None:
    mods = Modules({"m": "export function twice(x) { return 2 * x }"})
    ctx = pool.spawn(apis=None, modules=mods)
    assert ctx.eval("import('m').then(m => m.twice(21))") == 42
    assert ctx.eval("(async () => (await import('m')).twice(4))()") == 8


def test_files_under_the_root_resolve_relative_to_the_importer(
    pool: actors.ContextPool, tmp_path: Path
) -> None:
    write(
        tmp_path,
        {
            "app.js": "import {greet} from './lib/greet.js'; globalThis.out = greet('web');",
            "lib/greet.js": "import {punct} from '../util/punct.mjs';\n"
            "export const greet = n => 'hi ' + n + punct;",
            "util/punct.mjs": "export const punct = '!';",
        },
    )
    ctx = pool.spawn(apis=None, modules=Modules(root=tmp_path))
    ctx.eval("await import('/app.js')")
    assert ctx.eval("out") == "hi web!"


def test_a_module_script_given_at_spawn_imports_through_the_pools_registry(
    pool_mode: str, tmp_path: Path
) -> None:
    write(tmp_path, {"lib.js": "export const value = 41;"})
    main = tmp_path / "main.mjs"
    main.write_text("import {value} from './lib.js'; globalThis.answer = value + 1;")
    processes = 1 if pool_mode == "processes" else 0
    with actors.ContextPool(1, processes=processes, modules=Modules(root=tmp_path)) as p:
        ctx = p.spawn(apis=None, script=main)
        assert ctx.eval("answer") == 42
        ctx.reset()  # runs again, imports again
        assert ctx.eval("answer") == 42


def test_the_import_map_maps_exact_names_prefixes_and_scopes(pool: actors.ContextPool) -> None:
    mods = Modules(
        {
            "/vendor/lib-v1.js": "export const v = 1;",
            "/vendor/lib-v2.js": "export const v = 2;",
            "/vendor/tools/a.js": "export const a = 'a';",
            "/legacy/old.js": "import {v} from 'lib'; export const old = v;",
        },
        import_map={
            "imports": {"lib": "/vendor/lib-v2.js", "tools/": "/vendor/tools/"},
            "scopes": {"/legacy/": {"lib": "/vendor/lib-v1.js"}},
        },
    )
    ctx = pool.spawn(apis=None, modules=mods)
    ctx.eval(
        "import {v} from 'lib'; import {a} from 'tools/a.js'; import {old} from '/legacy/old.js';"
        "globalThis.got = [v, a, old]"
    )
    assert ctx.eval("got") == [2, "a", 1]


def test_a_package_in_node_modules_resolves_through_its_exports(
    pool: actors.ContextPool, tmp_path: Path
) -> None:
    pkg = tmp_path / "node_modules" / "@acme" / "kit"
    write(
        pkg,
        {
            "package.json": json.dumps(
                {
                    "name": "@acme/kit",
                    "main": "./cjs/index.cjs",
                    "exports": {
                        ".": {"types": "./x.d.ts", "require": "./cjs/index.cjs", "import": "./esm/index.mjs"},
                        "./feature/*": {"import": "./esm/feature/*.mjs"},
                    },
                }
            ),
            "esm/index.mjs": "export const kind = 'esm';",
            "esm/feature/colors.mjs": "import {kind} from '@acme/kit'; export const colors = kind + ':red';",
            "cjs/index.cjs": "module.exports = {kind: 'cjs'}",
        },
    )
    write(
        tmp_path / "node_modules" / "plain",
        {"package.json": '{"module": "m.js"}', "m.js": "export default 7"},
    )
    ctx = pool.spawn(apis=None, modules=Modules(root=tmp_path))
    ctx.eval(
        "import {kind} from '@acme/kit'; import {colors} from '@acme/kit/feature/colors';"
        "import p from 'plain';"
        "globalThis.got = [kind, colors, p]"
    )
    assert ctx.eval("got") == ["esm", "esm:red", 7]


def test_a_missing_module_says_what_was_imported_and_from_where(pool: actors.ContextPool) -> None:
    mods = Modules({"/app.js": "import './gone.js';"})
    ctx = pool.spawn(apis=None, modules=mods)
    with pytest.raises(JSError) as err:
        ctx.eval("await import('/app.js')")
    assert err.value.name == "TypeError"
    assert "'./gone.js'" in str(err.value) and "'/app.js'" in str(err.value)
    assert ctx.eval("1") == 1


def test_without_a_registry_an_import_says_how_to_give_one(pool: actors.ContextPool) -> None:
    ctx = pool.spawn(apis=None)
    with pytest.raises(JSError, match="no module registry"):
        ctx.eval("import x from 'anything'")


def test_an_edited_file_is_compiled_again_for_contexts_that_import_it_later(
    pool: actors.ContextPool, tmp_path: Path
) -> None:
    f = tmp_path / "v.js"
    f.write_text("export const v = 1;")
    mods = Modules(root=tmp_path)
    assert pool.spawn(apis=None, modules=mods).eval("(await import('/v.js')).v") == 1
    f.write_text("export const v = 2;  // longer")
    assert pool.spawn(apis=None, modules=mods).eval("(await import('/v.js')).v") == 2


def test_bad_registry_arguments_are_typed_errors(tmp_path: Path) -> None:
    with pytest.raises(TypeError, match="modules must map names"):
        Modules({"a": 1})  # type: ignore[dict-item]
    with pytest.raises(ValueError, match="not a folder"):
        Modules(root=tmp_path / "missing")
    with pytest.raises(ValueError, match="unknown keys"):
        Modules(import_map={"import": {}})
    with pytest.raises(TypeError, match=r"actors\.Modules"):
        actors.ContextPool(1, modules={"a": "export {}"})  # type: ignore[arg-type]


# ---- the attacker ------------------------------------------------------------------------------


def test_imports_cannot_leave_the_root(pool: actors.ContextPool, tmp_path: Path) -> None:
    root = tmp_path / "root"
    write(root, {"ok.js": "export const ok = 1;"})
    secret = tmp_path / "secret.js"
    secret.write_text("export const secret = 'leaked';")
    os.symlink(secret, root / "link.js")
    ctx = pool.spawn(apis=None, modules=Modules(root=root))
    for spec in (
        "../secret.js",
        "/../secret.js",
        "./../../secret.js",
        str(secret),
        "/link.js",
        "file://" + str(secret),
    ):
        with pytest.raises(JSError, match="Cannot find module"):
            ctx.eval(f"await import({json.dumps(spec)})")
    # ".." stops at the root: "/../ok.js" is "/ok.js", inside it
    assert ctx.eval("(await import('/../ok.js')).ok") == 1


def test_module_names_do_not_reveal_where_the_root_is(pool: actors.ContextPool, tmp_path: Path) -> None:
    write(
        tmp_path, {"where.js": "export const url = import.meta.url; export const err = new Error('x').stack;"}
    )
    ctx = pool.spawn(apis=None, modules=Modules(root=tmp_path))
    url, stack = ctx.eval("const m = await import('/where.js'); [m.url, m.err]")
    assert url == "file:///where.js"  # new URL('./x', import.meta.url) works
    assert str(tmp_path) not in stack and "/where.js" in stack


def test_a_module_that_allocates_without_bound_hits_the_memory_limit(pool: actors.ContextPool) -> None:
    mods = Modules({"bomb": "const a = []; for (;;) a.push('x'.repeat(1 << 16) + a.length); export {a};"})
    ctx = pool.spawn(apis=None, modules=mods, memory_limit=32 << 20)
    with pytest.raises(actors.MemoryLimitError):
        ctx.eval("await import('bomb')")


def test_an_import_loop_is_stopped_by_the_timeout_and_siblings_keep_answering(
    pool: actors.ContextPool,
) -> None:
    mods = Modules({"m": "export const m = 1;"})
    sibling = pool.spawn(apis=None)
    ctx = pool.spawn(apis=None, modules=mods, timeout=0.5)
    with pytest.raises(actors.EvalTimeoutError):
        ctx.eval("for (let i = 0; ; i++) { await import(i % 2 ? 'm' : 'missing-' + i).catch(() => 0) }")
    assert sibling.eval("6 * 7") == 42


def test_cyclic_imports_link_like_the_standard_says(pool: actors.ContextPool) -> None:
    mods = Modules(
        {
            "/a.js": "import {b} from './b.js'; export const a = 'a'; export const both = () => a + b;",
            "/b.js": "import {a} from './a.js'; export const b = 'b'; export const peek = () => a;",
        }
    )
    ctx = pool.spawn(apis=None, modules=mods)
    assert ctx.eval(
        "const A = await import('/a.js'); const B = await import('/b.js'); [A.both(), B.peek()]"
    ) == [
        "ab",
        "a",
    ]

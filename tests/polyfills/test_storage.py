"""The ``storage`` group: localStorage shared per origin in SQLite, sessionStorage per context."""

from __future__ import annotations

from pathlib import Path

import actors
from actors.apis import storage as storage_group


def test_lazy_globals(pool: actors.ContextPool) -> None:
    c = pool.spawn(apis=["storage"])
    assert c.eval("typeof Object.getOwnPropertyDescriptor(globalThis, 'localStorage').get") == "function"
    assert c.eval("localStorage instanceof Storage && sessionStorage instanceof Storage")
    assert c.eval("String(localStorage)") == "[object Storage]"
    assert c.eval("try { new Storage(); 'no error' } catch (e) { e.name }") == "TypeError"
    assert (
        c.eval("try { Storage.prototype.getItem.call({}, 'a'); 'no error' } catch (e) { e.name }")
        == "TypeError"
    )


def test_storage_interface(pool: actors.ContextPool) -> None:
    c = pool.spawn(apis=["storage"])
    for store in ("localStorage", "sessionStorage"):
        got = c.eval(
            f"""{{ const s = {store};
            s.setItem('a', 1); s.setItem('b', {{}}); s.setItem('a', 'again'); s.setItem('c', null);
            const r = [s.length, s.getItem('a'), s.getItem('b'), s.getItem('c'), s.getItem('none'),
                       s.key(0), s.key(2), s.key(3)];
            s.removeItem('b');
            r.push(s.length);
            s.clear();
            r.push(s.length, s.getItem('a'));
            r }}"""
        )
        assert got == [3, "again", "[object Object]", "null", None, "a", "c", None, 2, 0, None], store


def test_proxy_property_access(pool: actors.ContextPool) -> None:
    c = pool.spawn(apis=["storage"])
    got = c.eval(
        """localStorage.foo = 'x'; localStorage.n = 42; localStorage['with space'] = true;
        const r = [localStorage.foo, localStorage.n, localStorage.getItem('with space'), localStorage.missing,
                   'foo' in localStorage, 'missing' in localStorage, Object.keys(localStorage),
                   JSON.stringify(localStorage), typeof localStorage.getItem];
        delete localStorage.foo;
        r.push(localStorage.getItem('foo'), Object.keys(localStorage).length);
        r"""
    )
    assert got == [
        "x",
        "42",
        "true",
        None,
        True,
        False,
        ["foo", "n", "with space"],
        '{"foo":"x","n":"42","with space":"true"}',
        "function",
        None,
        2,
    ]
    # an item named like a method does not hide the method
    assert c.eval("localStorage.setItem('getItem', 'v'); localStorage.getItem('getItem')") == "v"


def test_same_origin_shares_different_origins_do_not(pool: actors.ContextPool) -> None:
    a = pool.spawn(apis=["storage"])
    b = pool.spawn(apis=["storage"])
    x1 = pool.spawn(apis=["storage"], origin="https://x.example")
    x2 = pool.spawn(apis=["storage"], origin="https://x.example")
    a.eval("localStorage.shared = 'from a'")
    assert b.eval("localStorage.shared") == "from a"
    b.eval("localStorage.setItem('back', 'from b')")
    assert a.eval("localStorage.getItem('back')") == "from b"
    assert x1.eval("[localStorage.length, localStorage.shared]") == [0, None]
    x1.eval("localStorage.k = 'x'")
    assert x2.eval("localStorage.k") == "x"
    assert a.eval("[localStorage.length, localStorage.k]") == [2, None]
    x2.eval("localStorage.clear()")
    assert x1.eval("localStorage.length") == 0
    assert a.eval("localStorage.length") == 2


def test_persistence_across_pools(tmp_path: Path) -> None:
    path = tmp_path / "storage.sqlite"
    with actors.ContextPool(size=1, storage_path=path) as p1:
        c = p1.spawn(apis=["storage"], origin="https://app")
        c.eval("localStorage.kept = 'yes'; sessionStorage.gone = 'yes'")
    assert path.exists()
    with actors.ContextPool(size=1, storage_path=path) as p2:
        c = p2.spawn(apis=["storage"], origin="https://app")
        assert c.eval("[localStorage.kept, sessionStorage.gone, localStorage.length]") == ["yes", None, 1]
        other = p2.spawn(apis=["storage"])
        assert other.eval("localStorage.kept") is None
    # the default is in-memory: a new pool starts empty
    with actors.ContextPool(size=1) as p3, actors.ContextPool(size=1) as p4:
        p3.spawn(apis=["storage"]).eval("localStorage.a = 1")
        assert p4.spawn(apis=["storage"]).eval("localStorage.length") == 0


def test_quota(pool: actors.ContextPool) -> None:
    quota = storage_group.QUOTA
    c = pool.spawn(apis=["storage", "events"])
    other = pool.spawn(apis=["storage"], origin="https://other")
    for store in ("localStorage", "sessionStorage"):
        got = c.eval(
            f"""{{ const s = {store};
            s.big = 'x'.repeat({quota} - 3 - 10);   // key 'big' + value: 10 characters to spare
            const r = [];
            try {{ s.setItem('k', 'y'.repeat(20)); r.push('no error'); }}
            catch (e) {{ r.push(e.name, e instanceof DOMException, e.code); }}
            s.setItem('k', 'y'.repeat(9));          // fits exactly
            r.push(s.length, s.k.length);
            s.big = 'small';                        // replacing frees the old value
            s.setItem('k2', 'z'.repeat(1000));
            r.push(s.length);
            s.clear();
            r }}"""
        )
        assert got == ["QuotaExceededError", True, 22, 2, 9, 3], store
    c.eval(f"localStorage.big = 'x'.repeat({quota} - 3)")
    assert other.eval("localStorage.ok = 'fine'; localStorage.ok") == "fine"  # per origin
    # without DOMException (no events group) it is an Error with the name
    bare = pool.spawn(apis=["storage"])
    assert (
        bare.eval("try { localStorage.more = 'x'; 'no error' } catch (e) { e.name }") == "QuotaExceededError"
    )


def test_session_storage_is_per_context(pool: actors.ContextPool) -> None:
    a = pool.spawn(apis=["storage"])
    b = pool.spawn(apis=["storage"])
    a.eval("sessionStorage.mine = 'a'")
    assert a.eval("sessionStorage.mine") == "a"
    assert b.eval("[sessionStorage.length, sessionStorage.mine]") == [0, None]
    assert a.eval("localStorage.mine") is None


def test_database_service_direct() -> None:
    db = storage_group.LocalStorageDB(None)
    db.set("o", "k", "v")
    assert db.get("o", "k") == "v"
    assert db.keys("o") == ["k"] and db.length("o") == 1 and db.length("p") == 0
    db.remove("o", "k")
    assert db.get("o", "k") is None
    db.close()
    db.close()

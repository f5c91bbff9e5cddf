"""A fuzz harness for the containment promises (issue 11): ``python -m tests.fuzz``.

The parent (:mod:`tests.fuzz.runner`) runs each target in slices, one child
process per slice (:mod:`tests.fuzz.child`). A child writes every case to
disk before running it, so a crash, a sanitizer report or a hang leaves its
input behind; the parent turns those into findings with a reproducer
(``python -m tests.fuzz --replay <finding>/case.json``). See README.md.
"""

"""Process mode: the contexts of a pool run in worker processes.

The backend (:class:`actors.process.pump.ProcessPump`, behind the
:class:`actors.backend.Backend` seam) starts the workers and talks to them
over a socket; :mod:`actors.process.wire` is the byte protocol,
:mod:`actors.process.worker` the worker's main loop. The C halves are in
``native/process/``. Nothing here imports the pool.
"""

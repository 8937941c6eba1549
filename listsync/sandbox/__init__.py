"""The harness every marketplace sandbox runs on.

``harness`` serves an adapter's :class:`~listsync.sandbox.harness.SandboxApp` on
127.0.0.1 with a controllable clock, a request log, fault injection (latency, status,
dropped connections, lost responses, malformed bodies, hangs) and the control API under
``/_sandbox/``. Nothing here names a marketplace; nothing under ``/_sandbox/`` exists on a
real one, and adapters never call it.

May import: the shared base only.
"""

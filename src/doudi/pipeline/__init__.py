"""The monthly pipeline: the one module that knows the order intake → linkage → scan.

``exchange`` (intake), ``matching`` (linkage) and ``monitoring`` (the scan) each expose one entry
point and know nothing of each other beyond the store (``core.store``); this app runs them in order —
in the background for an upload (``tasks``), in the foreground for the command line (``doudi match
run``) — and records each step's outcome where it belongs (``steps``).
"""

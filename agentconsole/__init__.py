"""agentconsole: a keyboard-driven terminal console for e-mail customer support.

The core (``store``, ``mail``, ``ingest``, ``config``, ``models``, ``textsafe``) is
headless and imports neither Textual nor Rich; ``cli`` and the console (``app``,
``screens``, ``widgets``) are two faces on it.
"""

__version__ = "0.1.0"

"""Command-line parsers of the tools, importable without torch (so ``--help`` is instant)."""

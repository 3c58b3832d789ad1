"""The app's static files and font stacks, shared by every tab and by the server that launches them."""

from __future__ import annotations

from pathlib import Path

STATIC_DIR = Path(__file__).resolve().parent / "static"

# One font stack for every text (the theme's own would mix a web font with the fallback).
FONT_STACK = ("system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif")
MONO_STACK = ("ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "monospace")


def static_js(name: str) -> str:
    """A script from ``ui/static`` (read at build time: Gradio takes ``js_on_load`` as a string)."""
    return (STATIC_DIR / name).read_text(encoding="utf-8")

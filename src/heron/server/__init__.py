"""The tracking server: an ASGI app driven by heron.protocol."""

"""Composition roots and the `minato` CLI: read settings once, wire the engine and adapters, run, shut down."""

"""Benchmarks: scripts anyone can run against the project's fake servers with fixed latencies, never in unit tests."""

"""Benchmarks: measured against the fake servers with fixed latencies, never in unit tests."""

"""Real local servers on 127.0.0.1 that answer like the external APIs, for the real client libraries."""

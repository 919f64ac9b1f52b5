"""Admins, quotas and safety: who may do what, per-user limits, users' own keys, privacy and broadcasts."""

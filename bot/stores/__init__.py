"""Tracker and lock stores that forget: in memory with expiry, or Redis with record_exp."""

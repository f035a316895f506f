"""Postgres + pgvector storage: engine (embedded by default), models, queries, migrations, seed data."""

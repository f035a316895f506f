"""The GPU host's life cycle: starters that bring up a worker for the GPU pool, and stop it again."""

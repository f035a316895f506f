"""Real local HTTP servers that speak third-party protocols, for tests."""

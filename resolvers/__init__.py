"""Data access for the API: plain async functions over `core.database.Database`."""

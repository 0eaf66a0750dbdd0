"""Shared foundations: settings, the Neo4j driver, graph-schema migrations, the local server."""

"""The write side of the API: one module per aggregate, plain async functions.

Each function checks the caller's role, validates its input with `core.validation`, and makes
its change and its audit entry (`core.audit.record`) in one write transaction. A refusal raises
one of the domain errors (`Forbidden`, `ValidationFailed`, `NotFound`, `Conflict`,
`InvalidTransition`) inside that transaction, so a refused mutation leaves the graph unchanged;
the schema turns them into typed results.
"""

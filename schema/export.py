"""Print the schema as SDL: `python -m schema.export > schema.graphql` (`make schema`)."""

from __future__ import annotations


def sdl() -> str:
    """The schema's SDL, as committed in `schema.graphql`."""
    from schema import schema

    return schema.as_str() + "\n"


if __name__ == "__main__":
    print(sdl(), end="")

"""Types the API's schemas share, in a module of their own so that every app's api.py
can import them without importing the API instance (which imports every app's api.py)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, WithJsonSchema

# An object's id in a request body: what the database's 64-bit keys can hold, so a huge
# number is refused naming its field instead of overflowing in the query (a 500).
MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


def one_of(values, kind: str = "string"):
    """A query parameter's type whose schema lists the values the endpoint accepts,
    while the endpoint itself checks them (with a message naming the field)."""
    return WithJsonSchema({"type": kind, "enum": list(values)})

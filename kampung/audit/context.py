"""Who is acting right now, and for whom. Set by the web middleware, the API auth, the
CLI and by actions acting on a member's behalf; read when an audit row is written."""

from __future__ import annotations

import contextvars
from contextlib import contextmanager
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Actor:
    user: object | None = None
    on_behalf_of: object | None = None  # a people.Member
    via: str = ""


_current: contextvars.ContextVar[Actor] = contextvars.ContextVar("kampung_actor", default=Actor())  # noqa: B039 (Actor is frozen)


def current() -> Actor:
    return _current.get()


@contextmanager
def acting(user=None, *, via: str | None = None, on_behalf_of=None):
    """Everything written inside is attributed to `user` (and `on_behalf_of`, if given)."""
    base = _current.get()
    actor = replace(
        base,
        user=user if user is not None else base.user,
        via=via if via is not None else base.via,
        on_behalf_of=on_behalf_of if on_behalf_of is not None else base.on_behalf_of,
    )
    token = _current.set(actor)
    try:
        yield actor
    finally:
        _current.reset(token)


def attribute_to(user) -> None:
    """Attribute the rest of this request to `user` (used by API token auth, which runs
    after the middleware has opened the request's context; the middleware resets it)."""
    _current.set(replace(_current.get(), user=user))

"""Rendering a canned response's body with python-liquid, safely.

Why liquid and not ``str.format``: ``format`` reaches attributes (``{0.__class__}``),
liquid cannot run code. The environment here has no file loader and no ``include`` or
``render`` tag (a template cannot read files), limits on loops and output size (a user's
template cannot hang the console), and a strict undefined that still lets ``default:``
apply: a variable that is unknown, or missing without a fallback, is a CannedError with
its name, line and column, never an empty gap in a sent mail.

Values are plain strings inserted as text: a customer named ``{{ x }}`` is printed as
those characters, never rendered again.

Agent-filled blanks are a tag, ``{% blank "transaction id" %}``, rendered as
``⟦transaction id⟧``; :class:`~agentconsole.canned.model.Rendered` gives their spans.
(A filter cannot be named ``blank``: it is a liquid keyword.)
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, ClassVar

from liquid import Environment, FalsyStrictUndefined
from liquid.ast import Node
from liquid.exceptions import LiquidError, LiquidSyntaxError, UndefinedError
from liquid.tag import Tag
from liquid.token import TOKEN_EOF, TOKEN_STRING, TOKEN_TAG, Token

from agentconsole.canned.model import (
    BLANK_CLOSE,
    BLANK_OPEN,
    CannedError,
    CannedResponse,
    Rendered,
)
from agentconsole.timefmt import when

if TYPE_CHECKING:
    from typing import TextIO

    from liquid import BoundTemplate
    from liquid.context import RenderContext
    from liquid.stream import TokenStream

    from agentconsole.config import Config
    from agentconsole.models import Customer, Ticket

# Every variable a response may use: what template_values can fill.
KNOWN_VARIABLES = (
    "customer.name",
    "customer.email",
    "ticket.ref",
    "ticket.subject",
    "ticket.category",
    "ticket.priority",
    "agent.name",
    "agent.email",
    "sla.first_response_due",
)
# While rendering, a blank is wrapped in two private-use characters (which no value
# can carry: they are removed from values), so that only the tag's output becomes a
# blank, not a customer's name that happens to contain ⟦…⟧.
_START, _END = "\ue000", "\ue001"
_MARKED = re.compile(f"{_START}([^{_START}{_END}]*){_END}")
_LABEL_MAX = 60
_PATH = re.compile(r"([A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)*)")


class _BlankNode(Node):
    """``{% blank "label" %}``: a span the agent fills in."""

    __slots__ = ("label",)

    def __init__(self, token: Token, label: str) -> None:
        super().__init__(token)
        self.label = label
        self.blank = False

    def __str__(self) -> str:
        return f'{{% blank "{self.label}" %}}'

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        return buffer.write(f"{_START}{self.label}{_END}")


class _BlankTag(Tag):
    """Parses ``{% blank "label" %}``: one quoted, one-line label of up to 60 characters."""

    name = "blank"
    block = False

    def parse(self, stream: TokenStream) -> Node:
        token = stream.eat(TOKEN_TAG)
        inner = stream.into_inner(tag=token, eat=False)
        label_token = inner.expect(TOKEN_STRING)
        label = label_token.value.strip()
        if not label or len(label) > _LABEL_MAX or any(c in label for c in "\r\n⟦⟧"):
            raise LiquidSyntaxError(
                f"a blank's label is one line of 1 to {_LABEL_MAX} characters, without ⟦ ⟧",
                token=label_token,
            )
        next(inner)
        inner.expect(TOKEN_EOF)
        return _BlankNode(token, label)


class _Undefined(FalsyStrictUndefined):
    """A missing value: printing it is an error, but ``default:`` replaces it and
    ``{% if customer.name %}`` tests it (false), so a template can do without one."""

    force_liquid_default = True


class _CannedEnvironment(Environment):
    """No file loader (the default DictLoader is empty), limits a template cannot pass."""

    loop_iteration_limit: ClassVar[int | None] = 10_000
    output_stream_limit: ClassVar[int | None] = 100_000
    local_namespace_limit: ClassVar[int | None] = 10_000


def _environment() -> Environment:
    env = _CannedEnvironment(undefined=_Undefined)
    for name in ("include", "render"):  # they read other templates: not for us
        del env.tags[name]
    env.add_tag(_BlankTag)
    return env


ENV = _environment()


def _position(response: CannedResponse, source: str, index: int) -> tuple[int, int]:
    """The file's (line, 1-based column) of an index into the body."""
    line = source.count("\n", 0, index)
    column = index - (source.rfind("\n", 0, index) + 1)
    return response.body_line + line, column + 1


def _error(response: CannedResponse, exc: LiquidError) -> CannedError:
    token = exc.token
    line = column = None
    if token is not None and token.start_index >= 0 and token.source == response.body:
        line, column = _position(response, response.body, token.start_index)
    message = str(exc.message) if exc.message else type(exc).__name__
    variable = None
    if isinstance(exc, UndefinedError):
        # Name the whole path written in the template (``agent.name``), not just the
        # first part liquid could not find (``agent``).
        found = None
        if token is not None and token.source == response.body and token.start_index >= 0:
            found = _PATH.match(response.body, token.start_index)
        if found is None:
            found = re.search(r"'?([\w.]+)'? is undefined", message)
        variable = found.group(1) if found else None
        if variable is not None:
            message = f"{variable} has no value and no default (use {variable} | default: ...)"
    return CannedError(message, path=response.path, line=line, column=column, variable=variable)


@lru_cache(maxsize=1024)
def compile_body(response: CannedResponse) -> BoundTemplate:
    """Parse the body and check it names only known variables and filters; raise
    CannedError (file, line, column, variable) otherwise. Cached per response (a
    picker's preview renders on every move); a bound template renders safely from
    several threads, each render having its own context."""
    if _START in response.body or _END in response.body:
        index = min(i for i in (response.body.find(_START), response.body.find(_END)) if i >= 0)
        line, column = _position(response, response.body, index)
        raise CannedError(
            "private-use characters U+E000/U+E001 are not allowed",
            path=response.path,
            line=line,
            column=column,
        )
    try:
        template = ENV.from_string(response.body)
        analysis = template.analyze(include_partials=False)
    except LiquidError as exc:
        raise _error(response, exc) from None
    for name, uses in analysis.globals.items():
        for use in uses:
            if str(use) not in KNOWN_VARIABLES:
                line, column = _position(response, response.body, use.span.index)
                raise CannedError(
                    f"unknown variable {use} (known: {', '.join(KNOWN_VARIABLES)})",
                    path=response.path,
                    line=line,
                    column=column,
                    variable=str(use) or name,
                )
    for filter_name, spans in analysis.filters.items():
        if filter_name not in ENV.filters:
            line, column = _position(response, response.body, spans[0].index)
            raise CannedError(
                f"unknown filter {filter_name}", path=response.path, line=line, column=column
            )
    return template


def _clean(values: Mapping[str, object]) -> dict[str, object]:
    """Values as the template sees them: nested mappings of plain strings, without the
    blank markers. Anything else (a number, an object) becomes its ``str``: a template
    must not reach an object's attributes or methods."""
    out: dict[str, object] = {}
    for key, value in values.items():
        if isinstance(value, Mapping):
            out[str(key)] = _clean(value)
        elif value is not None and str(value).strip():  # "" is missing: default applies
            out[str(key)] = str(value).replace(_START, "").replace(_END, "")
    return out


def render(response: CannedResponse, values: Mapping[str, object]) -> Rendered:
    """The body rendered with ``values`` (see :func:`template_values`); CannedError
    naming the variable, line and column when one is unknown or has no value and no
    ``default``."""
    template = compile_body(response)
    try:
        marked = template.render(**_clean(values))
    except LiquidError as exc:
        raise _error(response, exc) from None
    parts: list[str] = []
    blanks: list[tuple[int, int, str]] = []
    length = 0
    last = 0
    for found in _MARKED.finditer(marked):
        label = found.group(1)
        plain = marked[last : found.start()]
        parts.append(plain)
        length += len(plain)
        shown = f"{BLANK_OPEN}{label}{BLANK_CLOSE}"
        blanks.append((length, length + len(shown), label))
        parts.append(shown)
        length += len(shown)
        last = found.end()
    parts.append(marked[last:])
    return Rendered("".join(parts), tuple(blanks))


def template_values(ticket: Ticket, customer: Customer | None, config: Config) -> dict[str, object]:
    """What a response may refer to, for one ticket. A value we do not have is left
    out, not set to "", so that the template's ``default:`` applies."""

    def present(**values: str | None) -> dict[str, object]:
        return {key: value for key, value in values.items() if value and value.strip()}

    name = customer.name if customer is not None and customer.name else ticket.customer_name
    email = ticket.customer_address or (
        customer.addresses[0] if customer and customer.addresses else ""
    )
    sender = config.from_address or (
        config.support_addresses[0] if config.support_addresses else ""
    )
    return {
        "customer": present(name=name, email=email),
        "ticket": present(
            ref=ticket.ref,
            subject=ticket.subject,
            category=ticket.category,
            priority=ticket.priority,
        ),
        "agent": present(name=config.agent_name, email=sender),
        "sla": present(first_response_due=when(ticket.due_at) if ticket.due_at else None),
    }

"""Pages from the Jinja2 templates in ``templates/``: every value escaped (autoescape),
an undefined name an error rather than a blank."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from .words import said, tagged, word

if TYPE_CHECKING:
    import jinja2
    from starlette.responses import HTMLResponse

#: the page may load what the process serves and nothing else (no inline script)
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; connect-src 'self'"
)


def _pass_context(fn: Any) -> Any:
    import jinja2

    return jinja2.pass_context(fn)


@functools.cache
def environment() -> jinja2.Environment:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("cyberreview_policy.serve.ui", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["word"] = word
    env.globals["value"] = value
    env.globals["tagged"] = tagged
    env.globals["said"] = said
    return env


@_pass_context
def value(context: Any, kind: str, item: object) -> str:
    """A value of the case procedure (``kind``: a table of :mod:`...i18n.words`, e.g.
    ``case_state``) as a word in the page's language: the one vocabulary of the tool."""
    from ...i18n.words import word as value_word

    return value_word(kind, item, context["lang"])


def page(template: str, **context: Any) -> str:
    """The HTML of ``template`` with ``context`` (``lang`` is needed by every page)."""
    return environment().get_template(template).render(**context)


def html_response(text: str, status: int = 200) -> HTMLResponse:
    from starlette.responses import HTMLResponse

    return HTMLResponse(
        text,
        status_code=status,
        headers={
            "Content-Security-Policy": CSP,
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "same-origin",
            "Cache-Control": "no-store",
        },
    )


def error_page(status: int, message: str, lang: str | None = None) -> HTMLResponse:
    """A refusal (403, 404, ...) as a page."""
    from .words import pick_lang

    text = page("error.html", lang=pick_lang(lang), status=status, message=message)
    return html_response(text, status)

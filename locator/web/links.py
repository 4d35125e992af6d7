"""Links between the customer pages, in the language of the page they are on."""

from __future__ import annotations

from flask import g, url_for


def page_url(endpoint: str, lang: str | None = None, **values) -> str:
    """The URL of ``pages.<endpoint>`` in ``lang`` (default: the request's): ``/…`` or ``/en/…``."""
    lang = lang or g.lang
    return url_for(f"pages.{endpoint}" + ("_en" if lang == "en" else ""), **values)

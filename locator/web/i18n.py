"""Languages: Latvian (the default, at /) and English (at /en/), through Flask-Babel.

The language comes from the URL, never from a cookie or a header guess, so a
shared link opens in the language it was shared in.  Numbers, distances and
times are formatted the way each language does (Babel's locale data).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask import Flask, g, request
from flask_babel import Babel, format_date, format_datetime, format_decimal, format_time, get_translations
from flask_babel import gettext as _

from ..config import PROJECT_ROOT

LANGUAGES = ("lv", "en")
DEFAULT = "lv"


def current_language() -> str:
    lang = getattr(g, "lang", None)
    if lang in LANGUAGES:
        return lang
    path = request.path if request else ""
    return "en" if path == "/en" or path.startswith("/en/") else DEFAULT


def distance(metres: float) -> str:
    """ "350 m" / "1,2 km" (lv) / "1.2 km" (en)."""
    if metres < 1000:
        return f"{format_decimal(round(metres / 10) * 10, format='#,##0')} m"
    if metres < 10_000:
        return f"{format_decimal(metres / 1000, format='#,##0.0')} km"
    return f"{format_decimal(round(metres / 1000), format='#,##0')} km"


def money(eur: Decimal | None) -> str:
    """ "€0,50" (lv) / "€0.50" (en); an unknown fee (None) as "maksa nav zināma" / "fee unknown"."""
    if eur is None:
        return _("fee unknown")
    return f"€{format_decimal(eur, format='#,##0.00')}"


def clock(moment: datetime) -> str:
    return format_time(moment, format="HH:mm")


def weekday_clock(moment: datetime) -> str:
    """ "pirmd. 09:00" / "Mon 09:00"."""
    return format_datetime(moment, format="EEE HH:mm")


# "31. martā": the locative, for a date that says when ("closed on 31 March").
LV_MONTHS_ON = (
    "janvārī", "februārī", "martā", "aprīlī", "maijā", "jūnijā",
    "jūlijā", "augustā", "septembrī", "oktobrī", "novembrī", "decembrī",
)  # fmt: skip


def date_text(value: str | date, *, on: bool = False) -> str:
    """A date in the page's language: "2027. gada 31. marts" / "31 March 2027".

    ``on``: the form that says when something happens, "2027. gada 31. martā" in Latvian
    (the locative; Babel's CLDR data has only the nominative); English is the same either way.
    ``value`` is a date or an ISO date.
    """
    day = date.fromisoformat(value) if isinstance(value, str) else value
    if current_language() == "lv":
        month = LV_MONTHS_ON[day.month - 1] if on else format_date(day, format="MMMM")
        return f"{day.year}. gada {day.day}. {month}"
    return f"{day.day} {format_date(day, format='MMMM')} {day.year}"


def moment_text(moment: datetime) -> str:
    """A chosen moment with its date, so a day weeks away is not read as this week's: "trešd., 2. dec. 23:00" / "Wed 2 Dec 23:00"."""
    day = moment.date()
    if current_language() == "lv":
        return f"{format_date(day, format='EEE')}, {day_month(day)} {clock(moment)}"
    return f"{format_date(day, format='EEE')} {day_month(day)} {clock(moment)}"


def weekday_name(day: date) -> str:
    """ "pirmdiena" / "Monday"."""
    return format_date(day, format="EEEE")


def day_month(day: date) -> str:
    """ "18. nov." / "18 Nov"."""
    return f"{day.day}. {format_date(day, format='MMM')}" if current_language() == "lv" else format_date(day, "d MMM")


def data_text(text: str | None) -> str:
    """A text that came with the data (a source's title, licence, attribution) in the page's language.

    The catalogue translates the texts of the sources locator ships; any other text (an
    import's own) is shown as it was given.
    """
    return _(text) if text and text.strip() else (text or "")


def condition_text(condition: str) -> str:
    key, _sep, value = condition.partition("=")
    if key == "salary_card":
        return _("free with a salary card of %(bank)s", bank=value.title() if value.islower() else value)
    return condition


def switch_language_url() -> str:
    """The same page (and query) in the other language."""
    path = request.full_path.rstrip("?")
    if current_language() == "en":
        rest = path[3:] if path.startswith("/en") else path
        return rest if rest.startswith("/") else "/" + rest
    return "/en" + path


def _request_translations():
    """The current request's catalogue (Flask-Babel's), kept on ``g`` for the request."""
    translations = g.get("_translations")
    if translations is None:
        translations = g._translations = get_translations()
    return translations


def compile_catalogs(directory=PROJECT_ROOT / "translations") -> None:
    """Build each messages.mo from its .po when missing or older: at start-up, so there is no build step to forget."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in directory.glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with open(po, "rb") as fh:
            catalog = read_po(fh)
        tmp = mo.with_suffix(".mo.tmp")
        with open(tmp, "wb") as fh:
            write_mo(fh, catalog)
        tmp.replace(mo)


def init_app(app: Flask) -> None:
    compile_catalogs()
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "Europe/Riga")  # opening hours are Riga time
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(PROJECT_ROOT / "translations"))
    Babel(app, locale_selector=current_language)
    # Flask-Babel's template callables look the catalogue up again for every message (about
    # 70 on a results page); the page's language is fixed for the request, so look it up once.
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _request_translations().ugettext(s),
        ngettext=lambda s, p, n: _request_translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: _request_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _request_translations().unpgettext(c, s, p, n),
    )
    app.jinja_env.filters["distance"] = distance
    app.jinja_env.filters["money"] = money
    app.jinja_env.filters["clock"] = clock
    app.jinja_env.filters["weekday_clock"] = weekday_clock
    app.jinja_env.filters["date_text"] = date_text
    app.jinja_env.filters["weekday_name"] = weekday_name
    app.jinja_env.filters["moment_text"] = moment_text
    app.jinja_env.filters["day_month"] = day_month
    app.jinja_env.globals["data_text"] = data_text
    app.jinja_env.globals["condition_text"] = condition_text
    app.jinja_env.globals["switch_language_url"] = switch_language_url
    app.jinja_env.globals["current_language"] = current_language

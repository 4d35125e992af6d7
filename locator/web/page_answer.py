"""What the results page found for its state, and, when nothing matches, which filter excluded what.

The filters (open now / open at a time, distance, and the others) are all applied by the query
core before the nearest places are chosen, so the list is the nearest places that match.  When
it is empty the page asks the core again with a filter lifted, to say what is there instead:
"3 places within 5 km, none open now; the nearest open one is 12 km away".
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from .. import query
from ..domain import hours
from ..domain.hours import HoursStatus
from .page_state import PageState

Row = tuple[query.Match, HoursStatus]


@dataclass(frozen=True)
class NoMatch:
    """Why the list is empty, as the facts a message is made of.

    ``in_range``: how many places within ``max_km`` match every filter but the hours
    (None when no hours filter or no distance was set); ``in_range_full``: that count hit
    the query's limit (there may be more).  ``nearest``: the nearest place with the
    distance lifted (hours kept); ``nearest_any_time``: with the hours lifted too, and its
    status at the moment asked, when nothing is open anywhere.
    """

    max_km: int | None
    hours_filter: bool
    in_range: int | None
    in_range_full: bool
    nearest: query.Match | None
    nearest_any_time: Row | None


@dataclass(frozen=True)
class PageAnswer:
    rows: list[Row]
    moment: datetime | None  # the moment of the hours shown (and filtered on), Riga time
    no_match: NoMatch | None  # set when rows is empty


def moment_of(state: PageState) -> datetime:
    """The moment "open" means: the chosen one for "open at", else now; Riga time."""
    if state.open == "at" and state.at:
        return datetime.strptime(state.at, "%Y-%m-%dT%H:%M").replace(tzinfo=hours.RIGA)
    return datetime.now(hours.RIGA)


def answer(session, state: PageState, params, *, shown: int, max_results: int, memory) -> PageAnswer:
    """The ``shown`` nearest places matching every filter of ``state``, with their hours at the moment.

    Raises InvalidQuery for a point the API would refuse (far outside Latvia).
    """
    when = moment_of(state)
    hours_filter = bool(state.open)
    base = query.NearestQuery.from_params(state.nearest_params(params, k=min(shown, max_results)))
    q = replace(base, open_at=when if hours_filter else None)

    def ask(qq: query.NearestQuery) -> list[query.Match]:
        return query.nearest(session, qq, memory=memory)

    rows = [(m, hours.status(m.place.opening_hours, when)) for m in ask(q)]
    if rows:
        return PageAnswer(rows, when, None)
    in_range, full = None, False
    if hours_filter and state.max_km:
        found = ask(replace(q, open_at=None, k=max_results))
        in_range, full = len(found), len(found) == max_results
    nearest = ask(replace(q, max_distance_m=None, k=1)) if state.max_km else []
    any_time = None
    if hours_filter and not nearest:
        anywhere = ask(replace(q, max_distance_m=None, open_at=None, k=1))
        any_time = (anywhere[0], hours.status(anywhere[0].place.opening_hours, when)) if anywhere else None
    no_match = NoMatch(state.max_km, hours_filter, in_range, full, nearest[0] if nearest else None, any_time)
    return PageAnswer([], when, no_match)

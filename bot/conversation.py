"""What a conversation remembers between questions (the last query, the reply language),
for every transport: `senim chat`, batch sessions, Telegram chats; and its JSON form for
chat state that outlives the process."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from bot.engine import Reply
from bot.model import QUERY_FIELDS, Intent, Lacking, Query


class Conversation:
    __slots__ = ("context", "lang")

    def __init__(self, context: Query | None = None, lang: str | None = None) -> None:
        self.context = context
        self.lang = lang

    def remember(self, reply: Reply) -> None:
        """After a reply: its language, and its query unless it was small talk (a "thanks"
        between two questions must not break the follow-up)."""
        self.lang = reply.lang
        if replaces_context(self.context, reply.query):
            self.context = reply.query


def replaces_context(previous: Query | None, query: Query) -> bool:
    """Whether an answered query is what the next question follows on from. Small talk
    is not (a "thanks" between two questions must not break the follow-up), and neither
    is "cite the source and date" after a figure: "and the previous wave?" is still
    about the figure."""
    if query.intent.small_talk:
        return False
    return not (
        query.intent == Intent.SURVEY_INFO and previous is not None and previous.states_figures
    )


@lru_cache(maxsize=4096)
def query_to_data(query: Query) -> dict[str, Any]:
    """A Query as JSON (read-only: shared between chats)."""
    data: dict[str, Any] = {name: getattr(query, name) for name in QUERY_FIELDS}
    data["intent"] = str(query.intent)
    data["lacking"] = query.lacking._asdict() if query.lacking else None
    data["options"] = [query_to_data(option) for option in query.options]
    data["also"] = [query_to_data(part) for part in query.also]
    return data


def query_from_data(data: Any) -> Query | None:
    """A stored query back; None for anything that does not fit (a garbled file, or one
    written by an older version whose fields differ)."""
    if not isinstance(data, dict) or not isinstance(data.get("intent"), str):
        return None
    try:
        fields = dict(data)
        fields["intent"] = Intent(fields["intent"])
        fields["subjects"] = tuple(fields.get("subjects") or ())
        fields["waves"] = tuple(fields.get("waves") or ())
        fields["earlier"] = tuple(fields.get("earlier") or ())
        lacking = fields.get("lacking")
        fields["lacking"] = Lacking(**lacking) if isinstance(lacking, dict) else None
        for key in ("options", "also"):
            queries = tuple(query_from_data(o) for o in fields.get(key) or ())
            if any(o is None for o in queries):
                return None
            fields[key] = queries
        return Query(**fields)
    except (TypeError, ValueError):
        return None

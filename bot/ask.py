"""`senim ask` and `senim chat`: the engine on the command line."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from typing import IO

from bot.conversation import Conversation
from bot.engine import Engine, Reply
from bot.model import Figure, Intent, Option
from bot.nlu.normalize import without_surrogates
from bot.telegram.html import to_text


def as_json(engine: Engine, reply: Reply) -> dict[str, object]:
    """A reply in the shape docs/CONTRACT.md fixes."""
    data: dict[str, object] = {
        "question": reply.question,
        "lang": reply.lang,
        "intent": str(reply.intent),
        "figures": _figures_json(reply),
        "text": to_text(reply.message),
        "link": engine.link(reply.payload),
    }
    if reply.message.options:
        data["options"] = [option.text for option in reply.message.options]
    if reply.unexplained:
        data["unexplained"] = list(reply.unexplained)  # why a reply was held back
    notes = engine.catalog.notes_on(reply.figures)
    if notes:  # caveats on the figures (knowledge/notes.yaml), as the text shows them
        data["notes"] = [engine.phrases[reply.lang].name("note", note, "text") for note in notes]
    return data


def _figures_json(reply: Reply) -> list[dict[str, object]]:
    # A message always goes with the same figures (the engine memoises them together), so
    # their JSON is kept with its other renderings (Message.shown). Read-only.
    shown = reply.message.shown
    found: list[dict[str, object]] | None = shown.get("figures_json")
    if found is None:
        found = shown["figures_json"] = [figure_json(figure) for figure in reply.figures]
    return found


def figure_json(figure: Figure) -> dict[str, object]:
    number = float(figure.value)
    data: dict[str, object] = {
        "topic": figure.topic,
        "subject": figure.subject,
        "measure": figure.measure,
        "wave": figure.wave,
        "value": int(number) if figure.unit in ("count", "years") else number,
        "unit": figure.unit,
    }
    if figure.derived:
        data["derived"] = True
    if figure.from_wave:
        data["from_wave"] = figure.from_wave
    return data


def ask_once(
    engine: Engine, question: str, lang: str | None, as_json_output: bool, out: IO[str]
) -> int:
    reply = engine.ask(without_surrogates(question), lang=lang)
    if as_json_output:
        out.write(json.dumps(as_json(engine, reply), ensure_ascii=False) + "\n")
    else:
        out.write(to_text(reply.message) + "\n")
        link = engine.link(reply.payload)
        if link:
            out.write(link + "\n")
    return 0


MAX_SESSIONS = 10_000  # batch sessions kept at once; the oldest is forgotten first


def ask_batch(engine: Engine, lines: Iterable[bytes], lang: str | None, out: IO[bytes]) -> int:
    """One JSON reply per input line, flushed at once; a bad line still gets a reply.

    Input is read as bytes and output written as UTF-8 bytes, so no input (invalid
    UTF-8, lone surrogates in a JSON string, NULs) and no terminal encoding can break
    the writer: every line gets exactly one line back.
    """
    sessions: dict[str, Conversation] = {}
    for raw in lines:
        question = ""
        try:
            question, session = _read_line(raw)
            conversation = _session(sessions, session)
            reply = engine.ask(
                question, lang=lang, context=conversation.context, lang_hint=conversation.lang
            )
            conversation.remember(reply)
            data = as_json(engine, reply)
            line = json.dumps(data, ensure_ascii=False).encode("utf-8")
        except Exception as error:
            line = _error_line(question, lang, error)
        out.write(line + b"\n")
        out.flush()
    return 0


def _session(sessions: dict[str, Conversation], name: str | None) -> Conversation:
    if name is None:
        return Conversation()
    conversation = sessions.pop(name, None) or Conversation()
    sessions[name] = conversation  # most recently used last
    if len(sessions) > MAX_SESSIONS:
        del sessions[next(iter(sessions))]
    return conversation


def _error_line(question: str, lang: str | None, error: Exception) -> bytes:
    """The reply to a line the engine could not answer: still one valid JSON line."""
    data: dict[str, object] = {
        "question": question,
        "lang": lang or "en",
        "intent": "error",
        "figures": [],
        "text": f"internal error: {type(error).__name__}",
        "link": None,
    }
    # ensure_ascii: whatever the question holds, this line is plain ASCII JSON.
    return json.dumps(data).encode("ascii")


def _read_line(raw: bytes) -> tuple[str, str | None]:
    """The question and session of one input line (a plain line or {"q":..., "session":...})."""
    text = without_surrogates(raw.decode("utf-8", errors="replace").rstrip("\r\n"))
    if text.startswith("{"):
        try:
            item = json.loads(text)
        except (ValueError, RecursionError):
            return text, None
        if isinstance(item, dict) and isinstance(item.get("q"), str):
            session = item.get("session")
            name = without_surrogates(str(session)) if session is not None else None
            return without_surrogates(item["q"]), name
    return text, None


def chat(engine: Engine, lang: str | None, stdin: IO[str], out: IO[str]) -> int:
    """An interactive terminal chat with conversation context; a number picks an option."""
    conversation = Conversation()
    options: tuple[Option, ...] = ()
    interactive = stdin.isatty()
    if interactive:
        # the greeting the bot gives, with its examples, and how to leave
        welcome = engine.say(Intent.GREETING, lang or "en")
        out.write(to_text(welcome.message) + "\n")
        for example in engine.examples(lang or "en"):
            out.write(f"  • {example}\n")
        out.write("(/quit to leave; type an option's number to pick it)\n\n")
    while True:
        if interactive:
            out.write("> ")
            out.flush()
        line = stdin.readline()
        if not line:
            return 0
        question = line.strip()
        if question in ("/quit", "/exit"):
            return 0
        if question.isdecimal() and options and 1 <= int(question) <= len(options):
            reply = engine.reply_to(options[int(question) - 1].query, conversation.lang or "en")
        else:
            reply = engine.ask(
                question, lang=lang, context=conversation.context, lang_hint=conversation.lang
            )
        conversation.remember(reply)
        options = reply.message.options
        out.write(_numbered(to_text(reply.message), options) + "\n")
        link = engine.link(reply.payload)
        if link:
            out.write(link + "\n")
        out.write("\n")
        out.flush()


def stdin_lines() -> Iterable[bytes]:
    yield from sys.stdin.buffer


def _numbered(text: str, options: tuple[Option, ...]) -> str:
    """The reply with its options numbered where it lists them (typed to pick one), each
    once: the bullets that name an option become its number."""
    if not options:
        return text
    numbers = {f"• {option.text}": n for n, option in enumerate(options, start=1)}
    lines = []
    listed = set()
    for line in text.split("\n"):
        number = numbers.get(line)
        if number is not None:
            listed.add(number)
            line = f"  {number}) {line[2:]}"
        lines.append(line)
    # options the text does not list (the nearest figure offered) are listed after it
    lines += [f"  {n}) {o.text}" for n, o in enumerate(options, start=1) if n not in listed]
    return "\n".join(lines)

"""Record one whole conversation per language, as a Telegram client shows it.

The real `senim run` talks to the fake Bot API of the tests (tests/fake_bot_api.py) on
127.0.0.1; a scripted user types questions and presses buttons by their label. Each
reply is written as the client renders it: the HTML parsed to text, the buttons under
it, a chart or a CSV file as what it is. The output is read for wording, so it is kept
in the repository (docs/transcripts/<lang>.md) and regenerated after wording changes:

    python -m bot build && python docs/transcripts/record.py
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from tests.fake_bot_api import Call, FakeBotAPI  # noqa: E402

TOKEN = "123456:TRANSCRIPT-token"
CHAT = {"kk": 7001, "ru": 7002, "en": 7003}
SHOWN = ("sendMessage", "sendPhoto", "sendDocument", "editMessageText", "answerCallbackQuery")

# (action, text): "say" types a message; "press" presses the button whose label starts
# with the text, under the latest message that has it.
CONVERSATIONS: dict[str, list[tuple[str, str]]] = {
    "kk": [
        ("say", "/start"),
        ("say", "Полицияға қанша адам сенеді?"),
        ("press", "Барлық жауап нұсқалары"),
        ("say", "сотқа ше?"),
        ("press", "Диаграмма"),
        ("say", "policiyaga senim qalai ozgerdi"),
        ("say", "полиция мен прокуратураны салыстыр"),
        ("say", "қай органға ең аз сенеді"),
        ("press", "CSV"),
        ("say", "армияға сенім қандай"),
        ("say", "Респонденттердің жасы қандай?"),
        ("say", "келесі релиз қашан"),
        ("say", "қай өңірде қылмыс көп"),
        ("say", "/help"),
    ],
    "ru": [
        ("say", "/start"),
        ("say", "Сколько людей доверяют полиции?"),
        ("press", "Все варианты ответа"),
        ("say", "а судам?"),
        ("press", "Диаграмма"),
        ("say", "как менялось доверие к полиции по годам"),
        ("say", "сравни полицию и прокуратуру"),
        ("say", "кому доверяют меньше всего"),
        ("press", "CSV"),
        ("say", "доверие к армии"),
        ("say", "Какой возраст респондентов?"),
        ("say", "почему люди чувствуют себя небезопасно"),
        ("say", "/help"),
    ],
    "en": [
        ("say", "/start"),
        ("say", "How many people trust the police?"),
        ("press", "Full breakdown"),
        ("say", "and the courts?"),
        ("press", "Chart"),
        ("say", "trust in the police over time"),
        ("say", "compare police and prosecutors"),
        ("say", "which body is trusted least"),
        ("press", "CSV"),
        ("say", "trust in the army"),
        ("say", "how many robberies in Shymkent"),
        ("say", "sample size and margin of error"),
        ("say", "/help"),
    ],
}


def _buttons(markup: Any) -> list[dict[str, Any]]:
    if not isinstance(markup, dict):
        return []
    return [b for row in markup.get("inline_keyboard", []) for b in row if isinstance(b, dict)]


def _shown(call: Call) -> str:
    """One bot call as the client shows it."""
    result = call.result if isinstance(call.result, dict) else {}
    buttons = " ".join(f"[{b['text']}]" for b in _buttons(call.reply_markup))
    if call.method == "answerCallbackQuery":
        toast = call.params.get("text")
        return f"(toast: {toast})" if toast else ""
    if call.method == "sendPhoto":
        body = f"(image: chart, PNG)\n{result.get('caption', call.text or '')}"
    elif call.method == "sendDocument":
        name = next((f.filename for f in call.files.values()), "file")
        body = f"(file: {name})\n{result.get('caption', '')}"
    elif call.method == "editMessageText":
        body = "(the message above is replaced by:)\n" + str(result.get("text", call.text))
    else:
        body = str(result.get("text", call.text))
    return body.rstrip() + (f"\n{buttons}" if buttons else "")


def _settle(api: FakeBotAPI, chat: int, mark: int) -> list[Call]:
    """The bot's calls for the chat after mark, once it has gone quiet."""
    deadline, quiet_since, seen = time.monotonic() + 20, time.monotonic(), 0
    while time.monotonic() < deadline:
        calls = [c for c in api.calls[mark:] if c.method in SHOWN and not c.failed]
        mine = [c for c in calls if c.chat_id in (chat, None)]
        if len(mine) != seen:
            seen, quiet_since = len(mine), time.monotonic()
        elif mine and time.monotonic() - quiet_since > 0.8:
            return mine
        time.sleep(0.05)
    raise TimeoutError(f"no reply in chat {chat}")


def record(lang: str, api: FakeBotAPI) -> str:
    chat = CHAT[lang]
    out = [f"# A conversation in {lang}", "", "Recorded by `docs/transcripts/record.py`.", ""]
    last: list[Call] = []
    for action, text in CONVERSATIONS[lang]:
        mark = api.mark()
        if action == "say":
            out += [f"**User:** {text}", ""]
            api.push_message(chat, text, language_code=lang)
        else:
            found = next(
                (
                    (c, b)
                    for c in reversed(last)
                    for b in _buttons(c.reply_markup)
                    if b["text"].startswith(text) and "callback_data" in b
                ),
                None,
            )
            if found is None:
                out += [f"*(no button “{text}” under the last reply)*", ""]
                continue
            call, pressed = found
            out += [f"**User presses:** [{pressed['text']}]", ""]
            api.push_callback(chat, call.result["message_id"], pressed["callback_data"])
        replies = _settle(api, chat, mark)
        for reply in replies:
            shown = _shown(reply)
            if shown:
                out += ["**Senim:**", "", "```text", shown, "```", ""]
        last = [r for r in replies if r.method != "answerCallbackQuery"] or last
    return "\n".join(out)


def main() -> int:
    store = REPO / "var" / "senim.sqlite3"
    if not store.exists():
        print("build the store first: python -m bot build", file=sys.stderr)
        return 1
    api_server = FakeBotAPI(token=TOKEN, username="senim_bot")
    with api_server as api, tempfile.TemporaryDirectory() as state:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SENIM_", "TELEGRAM_"))}
        env.update(
            SENIM_DB=str(store),
            SENIM_BOT_USERNAME="senim_bot",
            SENIM_KNOWLEDGE=str(Path(state) / "none"),
            SENIM_STATE_DIR=state,
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_API_URL=api.base_url,
        )
        mark = api.mark()
        bot = subprocess.Popen([sys.executable, "-m", "bot", "run"], env=env, cwd=REPO)
        try:
            api.wait_for("getUpdates", after=mark, timeout=30)
            for lang in CHAT:
                path = Path(__file__).with_name(f"{lang}.md")
                path.write_text(record(lang, api) + "\n", encoding="utf-8")
                print(f"wrote {path.relative_to(REPO)}")
        finally:
            bot.send_signal(signal.SIGTERM)
            bot.wait(timeout=20)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

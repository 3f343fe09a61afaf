"""A bare python-telegram-bot echo bot: the baseline for benchmarks/bot_throughput.py.

    TELEGRAM_BOT_TOKEN=123456:BENCH-token TELEGRAM_API_URL=http://127.0.0.1:8081/bot \\
        python benchmarks/echo_bot.py

It is configured like Senim's application (64 concurrent updates, long polling, and
Senim's HTTP transport: JSON bodies, a pool of 16 connections that requests never
queue inside) but does nothing per message except send the text back, so the
difference between the two is what Senim's own work costs, not a transport setting.
"""

from __future__ import annotations

import os

from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters

from bot.telegram.transport import JsonRequest


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.message
    if message is not None and message.text:
        await message.reply_text(message.text)


def main() -> None:
    application = (
        Application.builder()
        .token(os.environ["TELEGRAM_BOT_TOKEN"])
        .base_url(os.environ.get("TELEGRAM_API_URL") or "https://api.telegram.org/bot")
        .concurrent_updates(64)
        .request(JsonRequest())
        .get_updates_request(JsonRequest(connection_pool_size=1))
        .build()
    )
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    application.run_polling(allowed_updates=Update.ALL_TYPES)


if __name__ == "__main__":
    main()

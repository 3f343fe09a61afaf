"""Telegram: the bot, its buttons, chat state, polling and HTTP; nothing of the domain."""

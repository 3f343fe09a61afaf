"""Telegram-facing pieces: charts rendered for sendPhoto and per-chat state."""

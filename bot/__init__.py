"""Senim: a Telegram bot answering questions about Kazakhstan's trust survey."""

__version__ = "0.1.0"

"""Adapters (terminal, Telegram) and the intake service they share."""

"""The Telegram adapter: application, handlers, keyboards, rendering, the outbox sender."""

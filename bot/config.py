"""Settings, read once from the environment and `.env`."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every knob of the assistant; names match the environment variables in `.env.example`."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    telegram_bot_token: SecretStr | None = None
    telegram_api_base_url: str = "https://api.telegram.org/bot"
    telegram_api_file_url: str = "https://api.telegram.org/file/bot"
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443
    database_url: str = "sqlite:///data/intake.db"
    sqlite_synchronous: str = "FULL"
    agency_timezone: str = "America/New_York"
    log_level: str = "INFO"
    # The secret children are matched under (HMAC of case number, name + birth date); unset,
    # a random one is kept in a file beside the SQLite database.
    child_match_key: SecretStr | None = None
    long_term_days: int = 30

    @field_validator("agency_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (example: America/Chicago)") from None
        return value

    @field_validator("sqlite_synchronous")
    @classmethod
    def _durable_enough(cls, value: str) -> str:
        if value.upper() not in ("FULL", "NORMAL", "EXTRA"):
            raise ValueError("SQLITE_SYNCHRONOUS must be FULL, EXTRA or NORMAL")
        return value.upper()

    @field_validator("webhook_secret")
    @classmethod
    def _header_safe(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value():
            return None
        if not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", value.get_secret_value()):
            raise ValueError("WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, _ and -")
        return value

    @property
    def zone(self) -> ZoneInfo:
        """Returns the agency's time zone."""
        return ZoneInfo(self.agency_timezone)

    @property
    def webhook(self) -> tuple[str, str] | None:
        """Returns the webhook address and secret, or None when the bot polls."""
        if not self.webhook_url:
            return None
        if self.webhook_secret is None:
            raise ValueError("WEBHOOK_SECRET is required with WEBHOOK_URL")
        return self.webhook_url, self.webhook_secret.get_secret_value()

    @property
    def token(self) -> str | None:
        """Returns the bot token, or None when the assistant runs in the terminal."""
        if self.telegram_bot_token is None:
            return None
        return self.telegram_bot_token.get_secret_value() or None

"""Settings, read once from the environment and `.env`."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from flows.deadline_profiles import DeadlineProfile, profile_for


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
    agency_state: str = ""
    log_level: str = "INFO"
    encryption_keys: SecretStr | None = None
    encryption_derive_key: SecretStr | None = None
    retention_days: int = 90
    delete_sensitive_messages: bool = True

    @field_validator("retention_days")
    @classmethod
    def _positive_days(cls, value: int) -> int:
        if value < 1:
            raise ValueError("RETENTION_DAYS must be at least 1")
        return value

    admin_ids: str = ""
    supervisor_summary: str = "full"
    supervisor_ack_minutes: float = 15

    @field_validator("admin_ids")
    @classmethod
    def _numeric_ids(cls, value: str) -> str:
        if not all(part.strip().isdigit() for part in value.split(",") if part.strip()):
            raise ValueError("ADMIN_IDS must be numeric Telegram user ids, comma separated")
        return value

    @field_validator("supervisor_summary")
    @classmethod
    def _summary_mode(cls, value: str) -> str:
        if value.lower() not in ("full", "minimal"):
            raise ValueError("SUPERVISOR_SUMMARY must be full or minimal")
        return value.lower()

    long_term_days: int = 30
    search_effort_reminder_days: float = 7

    @field_validator("search_effort_reminder_days")
    @classmethod
    def _positive_period(cls, value: float) -> float:
        if value <= 0:
            raise ValueError("SEARCH_EFFORT_REMINDER_DAYS must be more than 0")
        return value

    # A known child's carried photo or height and weight older than this is asked again.
    on_file_refresh_months: int = Field(default=6, ge=1)

    @field_validator("agency_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (example: America/Chicago)") from None
        return value

    @field_validator("agency_state")
    @classmethod
    def _known_state(cls, value: str) -> str:
        return profile_for(value).code  # raises, naming the states that have a profile

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
        # At least 32 random characters (AC-13): short secrets can be guessed.
        if not re.fullmatch(r"[A-Za-z0-9_-]{32,256}", value.get_secret_value()):
            raise ValueError("WEBHOOK_SECRET must be 32-256 characters of A-Z, a-z, 0-9, _ and -")
        return value

    @property
    def admins(self) -> tuple[int, ...]:
        """Returns the Telegram user ids seeded as admins at start-up."""
        return tuple(int(part) for part in self.admin_ids.split(",") if part.strip())

    @property
    def zone(self) -> ZoneInfo:
        """Returns the agency's time zone."""
        return ZoneInfo(self.agency_timezone)

    @property
    def deadline_profile(self) -> DeadlineProfile:
        """Returns the deadline profile of the agency's state (federal when none is set)."""
        return profile_for(self.agency_state)

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

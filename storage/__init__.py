"""Durable storage: SQLModel tables and the repository the service uses."""

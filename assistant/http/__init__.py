"""The OpenAI-compatible HTTP API over the shared :class:`~assistant.api.Assistant` (docs/http-api.md)."""

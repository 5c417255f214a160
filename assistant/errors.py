"""Named errors raised by the assistant.

The library raises these; only the edges (CLI, UI) turn them into friendly
text. Each error carries a short ``code`` and a ``fix`` hint so that every
edge can show the same one-line "what went wrong, and what to do" message.
"""
from __future__ import annotations


class AssistantError(Exception):
    """Base class for every error the assistant raises on purpose."""

    code = "assistant_error"
    fix = ""

    def __init__(self, message: str, fix: str | None = None):
        super().__init__(message)
        self.message = message
        if fix is not None:
            self.fix = fix

    def user_message(self) -> str:
        """One line naming the problem and the fix, safe to show a user."""
        return f"{self.message} Fix: {self.fix}" if self.fix else self.message


class SettingsError(AssistantError):
    code = "bad_setting"
    fix = "correct the value in your settings file or ASSISTANT_* environment variable."


class CorpusMissingError(AssistantError):
    code = "corpus_missing"
    fix = "create the folder or pass --corpus DIR (env ASSISTANT_CORPUS)."


class EmptyCorpusError(AssistantError):
    code = "empty_corpus"
    fix = "add documents (.txt, .md, .html, .pdf, .docx, .pptx, .xlsx, .csv) to the corpus folder, then run `assistant ingest`."


class EmptyIndexError(AssistantError):
    code = "empty_index"
    fix = "run `assistant ingest` (or `make run`, which builds the index) first."


class EmbedderMismatchError(AssistantError):
    code = "embedder_mismatch"
    fix = "run `assistant ingest --rebuild` to re-embed the corpus with the configured model."


class IndexWriteError(AssistantError):
    code = "index_write"
    fix = "free disk space or check permissions on the index folder, then run `assistant ingest` again; the previous index is kept."


class StoreUnavailableError(AssistantError):
    code = "store_unavailable"
    fix = "start the Chroma server (`chroma run --path DIR`) or unset ASSISTANT_CHROMA_URL to use the embedded store."


class LLMUnavailableError(AssistantError):
    code = "llm_unavailable"
    fix = "start the OpenAI-compatible server, or check ASSISTANT_OPENAI_BASE_URL; or set ASSISTANT_BACKEND=extractive."


class LLMTimeoutError(LLMUnavailableError):
    code = "llm_timeout"
    fix = "raise ASSISTANT_LLM_TIMEOUT, use a smaller model, or set ASSISTANT_BACKEND=extractive."


class MissingDependencyError(AssistantError):
    code = "missing_dependency"


class UploadRejectedError(AssistantError):
    code = "upload_rejected"
    fix = "upload a .txt, .md, .html, .pdf, .docx, .pptx, .xlsx, .xlsm or .csv file within the size limit."

"""Chat with your documents: answers cite the file and lines they rest on.

Heavy modules load lazily so ``assistant --help`` stays fast.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from .errors import AssistantError
from .settings import Settings
from .types import Answer, Citation, FileResult, IngestReport

if TYPE_CHECKING:
    from .api import Assistant

__all__ = ["Assistant", "Answer", "Citation", "FileResult", "IngestReport", "Settings", "AssistantError"]


def __getattr__(name: str):
    if name == "Assistant":
        from .api import Assistant

        return Assistant
    raise AttributeError(name)

"""Keep third-party chatter (progress bars, telemetry, warnings) off the user's screen."""
from __future__ import annotations

import logging
import os
import warnings


def quiet() -> None:
    """Called once by the edges (CLI, UI); library code never touches global logging."""
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    logging.basicConfig(level=os.environ.get("ASSISTANT_LOG_LEVEL", "WARNING"), format="%(levelname)s %(name)s: %(message)s")
    for name in ("chromadb", "httpx", "httpcore", "openai", "sentence_transformers", "transformers", "urllib3", "llama_index"):
        logging.getLogger(name).setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", category=FutureWarning)
    warnings.filterwarnings("ignore", category=DeprecationWarning)

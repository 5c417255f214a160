"""Launch the chat UI: `python app.py` (what `make run` does)."""
import sys

from assistant.cli import main

if __name__ == "__main__":
    sys.exit(main(["serve", *sys.argv[1:]]))

"""The Gradio chat UI. It only calls the public :class:`assistant.Assistant` API."""

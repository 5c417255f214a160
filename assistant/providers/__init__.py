"""Builders for the swappable external services: embedder, LLM, vector store."""

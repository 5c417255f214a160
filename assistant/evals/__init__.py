"""The evaluation suite: gold datasets, deterministic metrics, a baseline and a CI gate.

- :mod:`.dataset` loads a LlamaIndex ``LabelledRagDataset`` JSON plus our fields.
- :mod:`.metrics` scores one :class:`~.metrics.Outcome` per item and aggregates (pure).
- :mod:`.systems` runs our assistant; :mod:`.baseline` the textbook llama-index pipeline.
- :mod:`.report` writes JSON and Markdown; :mod:`.gate` checks ``evals/thresholds.json``.
- :mod:`.runner` ties them together for ``assistant eval``.
"""

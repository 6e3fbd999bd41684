"""spaCy pipeline components. Factories are registered through entry points
(``spacy_factories`` in pyproject.toml), so ``nlp.add_pipe("framing_devices")`` works
without importing this package."""

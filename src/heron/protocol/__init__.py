"""The REST contract, defined once: routes, messages, codecs, errors, OpenAPI."""

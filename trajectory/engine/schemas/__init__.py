"""JSON Schema files that describe the engine's data formats."""

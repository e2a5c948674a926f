"""The service's data files (``roles.toml``: who may do what over HTTP)."""

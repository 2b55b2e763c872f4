"""The browser-facing side: Litestar handlers that parse, call a service or a query, and render."""

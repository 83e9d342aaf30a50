"""A read-only, server-rendered dashboard over the domain functions the API uses."""

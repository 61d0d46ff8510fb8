"""Thin HTTP shells: parse the request, call one pipeline function, format the response."""

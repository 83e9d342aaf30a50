"""Request bodies: JSON only, bounded in depth and size (negotiations.limits)."""

from rest_framework import parsers
from rest_framework.exceptions import ParseError

from negotiations import limits


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, with a 400 for a body nested too deeply or holding too many values
    (a thousand-deep body used to exhaust the decoder's recursion: a 500)."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as error:
            raise ParseError(limits.too_deep()) from error
        problem = limits.json_problem(data)
        if problem:
            raise ParseError(problem)
        return data

"""Template filters naming sources as a reader would and showing published text without markup.

`{% load source_tags %}` then `{{ figure.source|cite }}` ("Norfolk Sufficiency Strategy 2020–23,
Local Context"), `{% source_citation doc section %}`, `{{ caveat|reader_text }}` and
`{{ quote|emphasis }}` (markdown bold as <strong>, everything else escaped).
"""

from django import template

from sufficiency import sources

register = template.Library()

register.filter("cite", sources.cite)
register.filter("reader_text", sources.reader_text)
register.filter("emphasis", sources.emphasis, is_safe=True)
register.filter("plain", sources.plain)


@register.simple_tag
def source_citation(document: str, section: str | int | None = None) -> str:
    """The document and section as a reader would cite them."""
    return sources.source_citation(document, section)

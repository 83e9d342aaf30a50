"""A strict Content-Security-Policy on every page: the dashboard, the admin, the API docs and
the browsable API. What the browser makes of it is tested in tests/browser/test_csp_browser.py;
here, the header and the markup it has to match."""

import re
from html.parser import HTMLParser

import pytest
from django.conf import settings

from negotiations import models
from tests import factories

pytestmark = pytest.mark.django_db


class Elements(HTMLParser):
    """Every start tag of a page, with its attributes."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


def built_round():
    """A round of built talks with what the pages show: a cited agenda, a participant, an
    earlier version."""
    talks = factories.negotiation()
    first = factories.round(talks, 1, agenda={"steel": factories.area()})
    round_ = factories.round(
        talks, 2, agenda={"steel": first.agenda_items.get().areas.get(), "fx": factories.area()}
    )
    round_.citations.add(factories.citation())
    round_.agenda_items.first().citations.add(factories.citation())
    models.Participant.objects.create(
        round=round_, party=talks.parties.first(), name_as_reported="A minister"
    )
    round_.summary = "Edited."
    round_.save()
    return round_


def pages(staff_client, anonymous):
    round_ = built_round()
    slug = round_.slug
    earlier = round_.history.earliest()
    return {
        "dashboard": staff_client.get(f"/dashboard/{round_.negotiation.slug}/?round={slug}"),
        "admin login": anonymous.get("/admin/login/?next=/admin/"),
        "admin index": staff_client.get("/admin/"),
        "admin change": staff_client.get(f"/admin/negotiations/round/{round_.pk}/change/"),
        "admin history": staff_client.get(f"/admin/negotiations/round/{round_.pk}/history/"),
        "admin revert": staff_client.get(
            f"/admin/negotiations/round/{round_.pk}/history/{earlier.history_id}/"
        ),
        "swagger ui": staff_client.get("/api/v1/docs/"),
        "redoc": staff_client.get("/api/v1/redoc/"),
        "browsable api": staff_client.get(f"/api/v1/rounds/{slug}/", HTTP_ACCEPT="text/html"),
        "json api": staff_client.get(f"/api/v1/rounds/{slug}/"),
    }


@pytest.fixture
def every_page(staff_client, django_user_model):
    from django.test import Client

    responses = pages(staff_client, Client())
    for name, response in responses.items():
        assert response.status_code == 200, name
    return responses


def test_every_page_has_a_strict_policy(every_page):
    for name, response in every_page.items():
        policy = directives(response)
        assert policy["default-src"] == ["'none'"], name
        assert policy["script-src"][0] == "'self'", name
        assert policy["frame-ancestors"] == ["'none'"], name
        assert policy["object-src"] == ["'none'"], name
        assert policy["base-uri"] == ["'none'"], name
        assert policy["form-action"] == ["'self'"], name
        for directive in ("script-src", "style-src"):
            allowed = policy[directive]
            assert "'unsafe-inline'" not in allowed and "'unsafe-eval'" not in allowed, name
            assert all(re.fullmatch(r"'self'|'nonce-[^']+'", source) for source in allowed)
        # Style attributes: only the exact ones listed in the settings, by their hash.
        assert policy["style-src-attr"][0] == "'unsafe-hashes'"
        assert len(policy["style-src-attr"]) == 1 + len(settings.INLINE_STYLE_ATTRIBUTES)


def test_inline_code_carries_the_pages_nonce(every_page):
    for name, response in every_page.items():
        nonces = [s for s in directives(response)["script-src"] if s.startswith("'nonce-")]
        tags = Elements(response.content.decode()).tags
        inline = [
            attrs
            for tag, attrs in tags
            if (tag == "script" and "src" not in attrs and attrs.get("type") != "application/json")
            or tag == "style"
        ]
        for attrs in inline:
            assert nonces == [f"'nonce-{attrs.get('nonce')}'"], (name, attrs)


def test_the_docs_have_their_set_up_code_with_a_nonce(every_page):
    for name in ("swagger ui", "redoc"):
        tags = Elements(every_page[name].content.decode()).tags
        assert any(attrs.get("nonce") for tag, attrs in tags if tag == "script"), name


def test_nothing_is_loaded_from_elsewhere(every_page):
    """No CDN: ReDoc's Google fonts are gone, every asset is this site's."""
    for name, response in every_page.items():
        for tag, attrs in Elements(response.content.decode()).tags:
            url = attrs.get("src") if tag in ("script", "img") else None
            if tag == "link" and attrs.get("rel") in ("stylesheet", "preconnect", "icon"):
                url = attrs.get("href")
            assert not (url or "").startswith(("http:", "https:", "//")), (name, tag, url)


def test_style_attributes_are_only_those_the_policy_allows(every_page):
    allowed = set(settings.INLINE_STYLE_ATTRIBUTES)
    seen = set()
    for name, response in every_page.items():
        for _, attrs in Elements(response.content.decode()).tags:
            if "style" in attrs:
                assert attrs["style"] in allowed, (name, attrs["style"])
                seen.add(attrs["style"])
    assert seen == allowed  # each allowance is still needed

"""What the browser tests share: Debian's Chromium driven by Playwright, skipped when either
is missing unless REQUIRE_BROWSER=1 (CI), which makes a missing browser a failure."""

import os
from pathlib import Path

import pytest
from django.conf import settings

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
REQUIRED = os.environ.get("REQUIRE_BROWSER") == "1"
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
PASSWORD = "browser-test-password-42"

try:
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
    from playwright.sync_api import expect, sync_playwright
except ImportError:  # pragma: no cover - depends on the environment
    sync_playwright = expect = None
    PlaywrightTimeoutError = TimeoutError

MISSING = (
    f"{CHROMIUM} is missing (apt-get install chromium)"
    if not os.path.exists(CHROMIUM)
    else "the playwright package is missing (pip install -e '.[dev]')"
    if sync_playwright is None
    else ""
)

# Every browser test module: pytestmark = BROWSER
BROWSER = [
    pytest.mark.browser,
    # Under `pytest -n 2 --dist loadgroup` (CI) they share one worker and its one Chromium.
    pytest.mark.xdist_group("browser"),
    pytest.mark.skipif(
        bool(MISSING) and not REQUIRED,
        reason=f"browser tests need Chromium and Playwright: {MISSING}; "
        "set REQUIRE_BROWSER=1 to make this a failure",
    ),
]

# Run in every page before its own scripts: each Content-Security-Policy violation is
# reported to the test (the event carries what was blocked and where).
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportCspViolation(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"} ` +
      `at ${event.sourceFile || document.location.href}:${event.lineNumber}`
  );
});
"""


def log_in(page, site):
    """Log in to the admin as the superuser the browser fixtures create."""
    page.goto(f"{site}/admin/login/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", PASSWORD)
    page.click('input[type="submit"]')
    page.wait_for_url(f"{site}/admin/")

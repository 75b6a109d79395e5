"""Screenshots of pages of a running KICK Forms, at a phone's and a desktop's width.

    make run   # in another terminal: the demo on http://127.0.0.1:8000
    .venv/bin/python scripts/screenshots.py --out /tmp/shots

Each page is taken whole (full_page) at 390 and 1280 px wide, as <name>-<width>.png. Staff
pages are taken signed in as the demo region's admin (kick_forms/demo.py). Uses Debian's
Chromium, since Playwright cannot download its own browser on a closed network.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGUMENTS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
WIDTHS = (390, 1280)
DEMO_REGION = "kronoberg"
DEMO_CONSULTATION = "kulturplan-2027-2030"

PUBLIC = {
    "board": f"/r/{DEMO_REGION}/c/{DEMO_CONSULTATION}/board",
    "overview": "/board",
}
STAFF = {
    "mapping-report": f"/admin/r/{DEMO_REGION}/organisations/report",
}


def sign_in(page: Page, base: str) -> None:
    page.goto(f"{base}/admin/login")
    page.fill("input[name=email]", f"admin@{DEMO_REGION}.demo.kickforms.se")
    page.fill("input[name=password]", f"demo-{DEMO_REGION}-2027")
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--out", type=Path, default=Path("screenshots"))
    parser.add_argument("--lang", default="sv", help="the interface language (sv or en)")
    options = parser.parse_args()
    options.out.mkdir(parents=True, exist_ok=True)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGUMENTS)
        for width in WIDTHS:
            context = browser.new_context(viewport={"width": width, "height": 900})
            page = context.new_page()
            for signed_in, pages in ((False, PUBLIC), (True, STAFF)):
                if signed_in:
                    sign_in(page, options.base)
                for name, path in pages.items():
                    page.goto(f"{options.base}{path}?lang={options.lang}")
                    page.wait_for_load_state("networkidle")
                    target = options.out / f"{name}-{width}.png"
                    page.screenshot(path=str(target), full_page=True)
                    print(target)
            context.close()
        browser.close()


if __name__ == "__main__":
    main()

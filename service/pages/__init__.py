"""The browser pages' files: Jinja2 templates and the static CSS/JS they load (served locally, no CDN).

The pages are static shells: they hold no tenant data server-side. Their scripts call the `/v1` API
with the API key the user pasted on `/app`, so every read and write goes through the same
authentication, tenancy and role checks as any other client.
"""

from pathlib import Path

PAGES_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = PAGES_DIR / "templates"
STATIC_DIR = PAGES_DIR / "static"

"""The application image holds every app the settings install (deploy/Containerfile).

The image copies the apps folder by folder; an app added to INSTALLED_APPS but not to the
Containerfile builds an image that fails at its first ``manage.py`` (make deploy-check finds it
minutes later, where this finds it at once).
"""

import re

from django.apps import apps
from django.conf import settings


def test_every_project_app_is_copied_into_the_image():
    containerfile = (settings.BASE_DIR / "deploy" / "Containerfile").read_text()
    copied = set(re.findall(r"^COPY (\w+) /app/\1$", containerfile, re.M))
    ours = {
        config.name.split(".")[0]
        for config in apps.get_app_configs()
        if (settings.BASE_DIR / config.name.split(".")[0]).is_dir()
    }
    assert ours - {"bench"} <= copied, sorted(ours - copied)
    assert "config" in copied

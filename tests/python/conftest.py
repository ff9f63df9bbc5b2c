import os
import shutil

import pytest


@pytest.fixture
def cli():
    path = os.environ.get("IKEWOT_CLI")
    if not path or not os.access(path, os.X_OK):
        pytest.fail("IKEWOT_CLI must name the built ikewot binary (ctest sets it)")
    return path


@pytest.fixture(scope="session")
def chromium():
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    pytest.fail("headless Chromium is needed to check the report renders: apt-get install chromium")

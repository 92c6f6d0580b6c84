"""The production settings with the stock admin mounted too (/stock-admin/), for the load test's baseline."""

from caracom_register.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

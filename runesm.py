#!/usr/bin/env python3
"""Start the ESM: settings from the environment, then serve the app with uvicorn."""
import gc
import logging
import sys
import warnings

import uvicorn

# starlette warns at import about its test client, which the ESM never uses
warnings.filterwarnings("ignore", message=".*starlette.testclient.*")

from esm.app import create_app  # noqa: E402 - after the warning filter
from esm.config import ConfigError, Settings  # noqa: E402 - after the warning filter
from esm.logs import configure as configure_logging  # noqa: E402 - after the warning filter


def main() -> int:
    try:
        settings = Settings.from_env()
    except ConfigError as exc:
        print(f"esm: {exc}", file=sys.stderr)
        return 2
    configure_logging(settings.log_level, settings.log_format)
    log = logging.getLogger("esm")
    try:
        app = create_app(settings)
    except ValueError as exc:  # e.g. an unsupported ESM_STORE
        print(f"esm: {exc}", file=sys.stderr)
        return 2
    log.info("store: %s", app.components.store.describe())
    if settings.auth_enabled:
        log.info("basic auth on; listening on %s:%d", settings.ip, settings.port)
    else:
        log.warning("no credentials configured (ESM_BROKER_USERNAME/ESM_BROKER_PASSWORD): "
                    "listening on %s:%d (loopback) only, without authentication", settings.ip,
                    settings.port)
    # A request allocates thousands of short-lived objects: with the default threshold (700) the
    # collector runs several times per request. The app's own objects, built once, are moved out
    # of its sight. Together: about 10% more requests per second.
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 50, 100)
    # the ESM logs each request itself (esm.access); uvicorn keeps our logging configuration
    uvicorn.run(app, host=settings.ip, port=settings.port, log_level=settings.log_level.lower(),
                access_log=False, log_config=None)
    return 0


if __name__ == "__main__":
    sys.exit(main())

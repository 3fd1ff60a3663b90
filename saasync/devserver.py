"""`make run`: the whole app on one machine with no services installed.

Starts, in one terminal: the demo WooCommerce store and ChartMogul simulators (threads in this
process), the web server, and a Celery worker with an embedded beat (kombu's filesystem transport,
SQLite under var/). Ctrl-C stops everything. With DATABASE_URL / REDIS_URL set, those are used instead.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
WEB_PORT = int(os.environ.get("SAASYNC_PORT", "8000"))
STORE_PORT = int(os.environ.get("SAASYNC_DEMO_STORE_PORT", "8101"))
CHARTMOGUL_PORT = int(os.environ.get("SAASYNC_DEMO_CHARTMOGUL_PORT", "8102"))
DEMO_EMAIL = "demo@saasync.local"
DEMO_PASSWORD = "demo-password-2026"


def start_simulators() -> tuple[list[Any], dict[str, str], dict[str, str]]:
    from tests.simulators.chartmogul.__main__ import DEMO_KEY
    from tests.simulators.chartmogul.server import ChartMogulSimulator
    from tests.simulators.tls import test_ca_bundle_path
    from tests.simulators.woocommerce.__main__ import DEMO_CONSUMER_KEY, DEMO_CONSUMER_SECRET
    from tests.simulators.woocommerce.server import STORE_A_DIR, WooCommerceStoreSimulator

    store = WooCommerceStoreSimulator(
        scheme="https", port=STORE_PORT, data_dir=STORE_A_DIR if STORE_A_DIR.is_dir() else None
    )
    store.state.install_api_key(DEMO_CONSUMER_KEY, DEMO_CONSUMER_SECRET, permissions="read_write", role="shop_manager")
    store.start()
    chartmogul = ChartMogulSimulator(port=CHARTMOGUL_PORT).start()
    chartmogul.add_api_key("read_write", key=DEMO_KEY)
    env = {
        "CHARTMOGUL_API_URL": chartmogul.base_url,
        "SAASYNC_STORE_CA_BUNDLE": test_ca_bundle_path(),
        "SAASYNC_ALLOW_PRIVATE_URLS": "true",
        "SAASYNC_PUBLIC_URL": f"http://127.0.0.1:{WEB_PORT}",
    }
    info = {
        "store_url": store.base_url,
        "consumer_key": DEMO_CONSUMER_KEY,
        "consumer_secret": DEMO_CONSUMER_SECRET,
        "chartmogul_key": DEMO_KEY,
        "data": "store-a" if STORE_A_DIR.is_dir() else "empty (shared fixtures not found)",
    }
    return [store, chartmogul], info, env


def prepare_database(env: dict[str, str]) -> None:
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    subprocess.run([*manage, "ensure_demo_user", DEMO_EMAIL, DEMO_PASSWORD], cwd=ROOT, env=env, check=True)


def main() -> int:
    simulators, info, sim_env = start_simulators()
    env = {**os.environ, **sim_env, "PYTHONUNBUFFERED": "1"}
    prepare_database(env)
    children = [
        subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{WEB_PORT}", "--noreload"], cwd=ROOT, env=env
        ),
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "saasync",
                "worker",
                "--beat",
                "-Q",
                "webhooks,sync,maintenance",
                "--pool",
                "threads",
                "--concurrency",
                "4",
                "--loglevel",
                "INFO",
                "--schedule",
                str(ROOT / "var" / "celerybeat-schedule"),
            ],
            cwd=ROOT,
            env=env,
        ),
    ]
    # One task at start-up, so the worker's log shows at once that the queue works.
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from audit.tasks import purge_error_logs; purge_error_logs.delay()",
        ],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "saasync.settings"},
        check=False,
    )
    time.sleep(2)
    print(
        "\n"
        f"  SaaSync is running:   http://127.0.0.1:{WEB_PORT}/\n"
        f"  Log in as            {DEMO_EMAIL} / {DEMO_PASSWORD}  (or sign up: the email link prints here)\n"
        f"  Demo store           {info['store_url']}  ({info['data']})\n"
        f"  Demo consumer key    {info['consumer_key']}\n"
        f"  Demo consumer secret {info['consumer_secret']}\n"
        f"  Demo ChartMogul key  {info['chartmogul_key']}\n"
        "  Ctrl-C stops web, worker, beat and the simulators.\n",
        flush=True,
    )
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        while not stopping and all(child.poll() is None for child in children):
            time.sleep(0.5)
    finally:
        for child in children:
            if child.poll() is None:
                child.terminate()
        for child in children:
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
        for simulator in simulators:
            simulator.stop()
    failed = [c.args for c in children if c.returncode not in (0, -signal.SIGTERM, None)]
    return 1 if failed and not stopping else 0


if __name__ == "__main__":
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    sys.exit(main())

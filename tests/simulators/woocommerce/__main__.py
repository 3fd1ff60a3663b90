"""`python -m tests.simulators.woocommerce serve --port 8101 [--scheme http|https] --demo`.

Starts store-a on localhost and, with `--demo`, installs a fixed read_write administrator key so that
`make run` and a newcomer's browser walk-through can paste the same credentials every time.
"""

from __future__ import annotations

import argparse
import signal
import threading

from tests.simulators.tls import test_ca_bundle_path

from .server import WooCommerceStoreSimulator

# Deterministic demo credentials (format ck_/cs_ + 40 hex). Only ever valid on this local simulator.
DEMO_CONSUMER_KEY = "ck_08b6bf342de41f163e6af1f0ba42eaa71b6897ca"
DEMO_CONSUMER_SECRET = "cs_faa29413673f60c0bd1b29e5488233f7fe91fa8c"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.simulators.woocommerce")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the store until interrupted")
    serve.add_argument("--port", type=int, default=8101)
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--scheme", choices=("https", "http"), default="https")
    serve.add_argument("--demo", action="store_true", help="install the fixed demo read_write admin key")
    args = parser.parse_args(argv)

    store = WooCommerceStoreSimulator(scheme=args.scheme, host=args.host, port=args.port)
    if args.demo:
        store.state.install_api_key(
            DEMO_CONSUMER_KEY, DEMO_CONSUMER_SECRET, permissions="read_write", role="administrator"
        )
    store.start()
    print(f"WooCommerce simulator (store-a) at {store.base_url}", flush=True)
    if args.scheme == "https":
        print(f"CA bundle: {test_ca_bundle_path()}", flush=True)
    if args.demo:
        print(f"Demo consumer key:    {DEMO_CONSUMER_KEY}", flush=True)
        print(f"Demo consumer secret: {DEMO_CONSUMER_SECRET}", flush=True)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    try:
        done.wait()
    except KeyboardInterrupt:
        pass
    finally:
        store.stop()


if __name__ == "__main__":
    main()

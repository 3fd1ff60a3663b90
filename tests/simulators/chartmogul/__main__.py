"""`python -m tests.simulators.chartmogul serve --port 8102 --demo`: run the simulator in the foreground."""

from __future__ import annotations

import argparse
import sys
import threading

from tests.simulators.chartmogul.server import ChartMogulSimulator

DEMO_KEY = "demo-chartmogul-key"  # fixed so a local `make run` can be configured once


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.simulators.chartmogul")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve the simulated ChartMogul API on 127.0.0.1")
    serve.add_argument("--port", type=int, default=8102)
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--demo", action="store_true", help="register a fixed read/write demo key and print it")
    serve.add_argument("--read-key", action="store_true", help="also register and print a read-only key")
    args = parser.parse_args(argv)

    simulator = ChartMogulSimulator(host=args.host, port=args.port).start()
    print(f"ChartMogul simulator on {simulator.base_url}", flush=True)
    if args.demo:
        print(f"demo API key (read/write): {simulator.add_api_key('read_write', key=DEMO_KEY)}", flush=True)
    if args.read_key:
        print(f"read-only API key: {simulator.add_api_key('read')}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        simulator.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())

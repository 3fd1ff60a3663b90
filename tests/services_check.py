"""Stops `make test` at once, with the fix, when PostgreSQL or Redis is not reachable."""

from __future__ import annotations

import os
import sys

import psycopg
import redis


def main() -> int:
    problems = []
    database_url = os.environ["DATABASE_URL"]
    try:
        psycopg.connect(database_url.replace("/saasync", "/postgres"), connect_timeout=3).close()
    except psycopg.OperationalError as exc:
        problems.append(
            f"PostgreSQL is not reachable at {database_url} ({str(exc).strip().splitlines()[0]}).\n"
            "  Start it, e.g.: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"
        )
    redis_url = os.environ["REDIS_URL"]
    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        problems.append(
            f"Redis is not reachable at {redis_url} ({exc}).\n"
            "  Start it, e.g.: redis-server --daemonize yes --port 6379"
        )
    for problem in problems:
        print(f"make test: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

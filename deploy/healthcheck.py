"""The container's health check: exit 0 when the app's /healthz answers 200.

Docker runs this inside the container (the slim image has no curl). The
request names the first host in ALLOWED_HOSTS, since Django refuses any
other. An optional argument replaces the address, for trying it elsewhere.
"""

import os
import sys
import urllib.error
import urllib.request

DEFAULT_URL = "http://127.0.0.1:8000/healthz"


def served_host() -> str:
    hosts = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",")]
    for host in hosts:
        # ".example.org" allows example.org and its subdomains; "*" any host.
        name = host.lstrip(".")
        if name and name != "*":
            return name
    return "localhost"


def main() -> int:
    url = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_URL
    request = urllib.request.Request(url, headers={"Host": served_host()})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=4) as response:  # noqa: S310
            return 0 if response.status == 200 else 1
    except (urllib.error.URLError, OSError) as error:
        print(f"health check failed: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())

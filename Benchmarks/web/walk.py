#!/usr/bin/env python3
"""Walks Jili as each role would on payday and times every page (issue 18).

    Benchmarks/web/walk.py BASE [--roles boss,director,manager,finance,a1] [--per-shape 3] [--out FILE]
    Benchmarks/web/walk.py BASE --sessions FILE [--count 1000]     # sign in a1…aN, one cookie a line

Signs in through the form (its CSRF token), opens the home page and 更多, then every page the
navigation leads to and the links on those pages, one level further: links of one shape (digits
in a path segment or a query value make the shape: /members/m12 and /members/m99 are one) are
opened a few times each. Downloads (CSV, xlsx) and forms are not followed. Prints each page's
time to the last byte, then per role the count, p50, p95 and max, and the pages over 100 and
300 ms. Standard library only.
"""
import argparse
import concurrent.futures
import html.parser
import http.client
import re
import statistics
import sys
import time
import urllib.parse

PASSWORD = "big-team-2026"
SKIP = re.compile(r"(\.csv|/csv|\.xlsx|format=|/export|/signout|/big-screen|/transfer-file|/tax/|/files/|/photos/|/static/|/openapi)")


class Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.csrf = [], None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href") and "download" not in a:
            self.links.append(a["href"])
        if tag == "input" and a.get("name") == "_csrf" and self.csrf is None:
            self.csrf = a.get("value")


class Client:
    """One signed-in person: a connection kept open, the session cookie sent by hand."""

    def __init__(self, base):
        u = urllib.parse.urlsplit(base)
        self.host, self.port = u.hostname, u.port or 80
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
        self.cookies = {}

    def request(self, method, path, body=None):
        headers = {"User-Agent": "Mozilla/5.0 (iPhone) MicroMessenger/8.0.50 jili-walk"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            body = urllib.parse.urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            try:
                start = time.perf_counter()
                self.conn.request(method, path, body=body, headers=headers)
                r = self.conn.getresponse()
                data = r.read()
                elapsed = time.perf_counter() - start
                break
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
                if attempt == 2:
                    raise
        for value in r.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return r.status, r.headers, data, elapsed

    def sign_in(self, login):
        status, _, page, _ = self.request("GET", "/signin")
        p = Links()
        p.feed(page.decode("utf-8", "replace"))
        status, headers, _, _ = self.request("POST", "/signin", {"_csrf": p.csrf or "", "login": login, "password": PASSWORD, "next": "/dashboard"})
        if status != 303 or headers.get("Location") != "/dashboard":
            raise SystemExit(f"signing in as {login}: {status} {headers.get('Location')}")
        return self.cookies.get("jili_session")


def shape(href):
    u = urllib.parse.urlsplit(href)
    path = "/".join("*" if re.search(r"\d", s) else s for s in u.path.split("/"))
    query = "&".join(sorted(k + ("=*" if re.search(r"\d", v) else "=" + v) for k, v in urllib.parse.parse_qsl(u.query)))
    return path + ("?" + query if query else "")


def local(href):
    u = urllib.parse.urlsplit(href)
    if u.scheme or u.netloc or not u.path.startswith("/"):
        return None
    return u.path + ("?" + u.query if u.query else "")


def walk(base, login, per_shape, limit):
    c = Client(base)
    c.sign_in(login)
    seen, shapes, timings, queue = set(), {}, [], [("/dashboard", 0), ("/more", 0)]
    while queue and len(timings) < limit:
        path, depth = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        status, headers, body, elapsed = c.request("GET", path)
        timings.append((elapsed, status, len(body), path))
        print(f"{login:9} {elapsed * 1000:8.1f} ms  {status}  {len(body):8} B  {path}", flush=True)
        if depth >= 3 or not headers.get("Content-Type", "").startswith("text/html"):
            continue
        p = Links()
        p.feed(body.decode("utf-8", "replace"))
        for href in p.links:
            href = local(href.split("#")[0])
            if not href or href in seen or SKIP.search(href):
                continue
            s = shape(href)
            if shapes.get(s, 0) >= per_shape:
                continue
            shapes[s] = shapes.get(s, 0) + 1
            # 更多 and its area lists are the navigation: what they lead to is depth 1.
            queue.append((href, 1 if depth == 0 or path.startswith("/more") else depth + 1))
    return timings


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, max(0, int(round(p / 100 * len(values) + 0.5)) - 1))]


def summary(role, timings):
    ms = [t[0] * 1000 for t in timings]
    slow = [t for t in timings if t[0] > 0.1]
    errors = [t for t in timings if t[1] >= 400]
    line = (f"{role:9} pages {len(ms):3}  p50 {statistics.median(ms):7.1f} ms  p95 {percentile(ms, 95):7.1f} ms  "
            f"max {max(ms):7.1f} ms  over 100 ms: {len(slow)}  over 300 ms: {sum(1 for t in timings if t[0] > 0.3)}  errors: {len(errors)}")
    return line, sorted(slow, reverse=True)


def sessions(base, count, out):
    def one(i):
        return Client(base).sign_in(f"a{i}")
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        cookies = list(pool.map(one, range(1, count + 1)))
    with open(out, "w") as f:
        f.write("\n".join(cookies) + "\n")
    print(f"{len(cookies)} agents signed in: {out}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("base")
    ap.add_argument("--roles", default="boss,director,manager,finance,a1")
    ap.add_argument("--per-shape", type=int, default=3)
    ap.add_argument("--limit", type=int, default=250)
    ap.add_argument("--sessions")
    ap.add_argument("--count", type=int, default=1000)
    args = ap.parse_args()
    base = args.base.rstrip("/")
    if args.sessions:
        return sessions(base, args.count, args.sessions)
    lines, slow = [], []
    for role in args.roles.split(","):
        timings = walk(base, role, args.per_shape, args.limit)
        line, s = summary(role, timings)
        lines.append(line)
        slow += [(role, t) for t in s]
    print("\n".join(["", *lines]))
    if slow:
        print("\nslowest:")
        for role, (elapsed, status, size, path) in sorted(slow, key=lambda x: -x[1][0])[:40]:
            print(f"  {role:9} {elapsed * 1000:8.1f} ms  {size:8} B  {path}")


if __name__ == "__main__":
    sys.exit(main())

"""The API through a real HTTP server (gunicorn) on loopback, as curl would see it."""

from __future__ import annotations

import json
import urllib.error
import urllib.request


def fetch(url: str) -> tuple[int, str, dict]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.headers.get_content_type(), json.loads(r.read())
    except urllib.error.HTTPError as err:
        return err.code, err.headers.get_content_type(), json.loads(err.read())


def test_nearest_over_http_equals_the_in_process_answer(live_server, client):
    path = "/api/nearest?lat=56.9477&lon=24.1085&service=bill_payment&commission_free=true&k=5"
    status, ctype, body = fetch(live_server + path)
    assert (status, ctype) == (200, "application/json")
    assert body == client.get(path).get_json()
    assert len(body["results"]) == 5 and all(r["commission_free"] for r in body["results"])


def test_latvian_names_arrive_intact_over_http(live_server):
    _, _, body = fetch(live_server + "/api/closed-centres")
    assert any("Audēju iela" in c["address"] and c["municipality"] == "Rīga" for c in body["closed_centres"])


def test_bad_input_over_http_is_a_problem_not_a_500(live_server):
    status, ctype, body = fetch(live_server + "/api/nearest?lat=north&lon=24.1")
    assert (status, ctype) == (400, "application/problem+json")
    assert body["param"] == "lat"


def test_healthz_over_http(live_server):
    status, _, body = fetch(live_server + "/healthz")
    assert status == 200 and body["status"] == "ok"


def test_a_form_served_by_one_process_posts_to_another(demo_db_url, tmp_path):
    """No configured secret, as with `make run`: processes must share the generated one.

    gunicorn with --max-requests 1 answers every request from a fresh worker, so
    the page and its POST are always served by different processes.
    """
    import http.cookiejar
    import os
    import re
    import subprocess
    import sys
    import time
    import urllib.parse
    from pathlib import Path

    from tests.conftest import free_port

    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "LOCATOR_SECRET_KEY"}
    env["LOCATOR_DATABASE_URL"] = demo_db_url
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    proc = subprocess.Popen(
        [gunicorn, "-b", f"127.0.0.1:{port}", "-w", "2", "--max-requests", "1", "locator:create_app()"],
        env=env,
        cwd=Path(__file__).parent.parent,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2)
                break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.1)
        for _ in range(3):
            jar = http.cookiejar.CookieJar()
            opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect())
            page = opener.open(base + "/en/", timeout=10).read().decode()
            token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
            form = urllib.parse.urlencode({"csrf_token": token, "q": "Audēju iela 16, Rīga"}).encode()
            try:
                opener.open(base + "/en/search", data=form, timeout=10)
                status = 200
            except urllib.error.HTTPError as err:
                status = err.code
            assert status == 303, status
    finally:
        proc.terminate()
        proc.wait(timeout=10)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None

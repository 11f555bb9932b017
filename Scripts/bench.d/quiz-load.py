#!/usr/bin/env python3
"""The start-of-exam spike: N students (default 1,000), all at once, each starting one timed quiz,
autosaving 10 answers and submitting. Prints throughput, p50/p99 latency per step and errors.
With MODE `abandon`, each student saves 3 answers and leaves without submitting.

Usage: quiz-load.py BASE_URL QUIZ_ID PASSWORD STUDENTS_FILE [CONCURRENCY] [MODE]
STUDENTS_FILE holds one email per line; each student signs in first (not measured)."""
import http.client
import json
import sys
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

base, quiz, password, students_file = sys.argv[1:5]
concurrency = int(sys.argv[5]) if len(sys.argv) > 5 else 200
abandon = len(sys.argv) > 6 and sys.argv[6] == "abandon"
emails = [line.strip() for line in open(students_file) if line.strip()]
host = urllib.parse.urlsplit(base)
lock = threading.Lock()
samples = {"start": [], "save": [], "submit": []}
errors = {}


def connection():
    return http.client.HTTPConnection(host.hostname, host.port, timeout=120)


def call(conn, method, path, body=None, token=None):
    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = "Bearer " + token
    conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    response = conn.getresponse()
    return response.status, response.read()


def sign_in(email):
    conn = connection()
    status, body = call(conn, "POST", "/api/v1/auth/login", {"email": email, "password": password})
    conn.close()
    if status != 200:
        raise SystemExit(f"sign-in of {email} failed: {status} {body[:200]!r}")
    return json.loads(body)["token"]


def timed(step, conn, method, path, body, token, expected):
    began = time.perf_counter()
    try:
        status, payload = call(conn, method, path, body, token)
    except Exception as error:  # a dropped connection counts as an error, then reconnect
        status, payload = type(error).__name__, b""
        conn.close()
    elapsed = time.perf_counter() - began
    with lock:
        samples[step].append(elapsed)
        if status not in expected:
            errors[f"{step} {status}"] = errors.get(f"{step} {status}", 0) + 1
    return status, payload


def student(token):
    conn = connection()
    status, payload = timed("start", conn, "POST", f"/api/v1/quizzes/{quiz}/attempts", None, token, (200, 201))
    if status not in (200, 201):
        return
    attempt = json.loads(payload)
    for seq, question in enumerate(attempt["questions"][:3] if abandon else attempt["questions"], start=1):
        options = question.get("options") or [{"id": "a"}]
        timed("save", conn, "PUT", f"/api/v1/attempts/{attempt['id']}/answers/{question['id']}",
              {"response": {"option_id": options[seq % len(options)]["id"]}, "seq": seq}, token, (200,))
    if not abandon:
        timed("submit", conn, "POST", f"/api/v1/attempts/{attempt['id']}/submit", None, token, (200,))
    conn.close()


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] * 1000 if ordered else 0


with ThreadPoolExecutor(max_workers=16) as pool:
    tokens = list(pool.map(sign_in, emails))
began = time.perf_counter()
with ThreadPoolExecutor(max_workers=concurrency) as pool:
    list(pool.map(student, tokens))
elapsed = time.perf_counter() - began
total = sum(len(v) for v in samples.values())
print(f"  {len(tokens)} students, {concurrency} at a time: {total} requests in {elapsed:.1f} s = {total / elapsed:.0f} req/s")
for step, values in samples.items():
    print(f"  {step:<7} n={len(values):<6} p50 {percentile(values, 50):7.1f} ms   p99 {percentile(values, 99):7.1f} ms   max {max(values) * 1000 if values else 0:7.1f} ms")
print(f"  errors: {sum(errors.values())}" + (f" {errors}" if errors else ""))

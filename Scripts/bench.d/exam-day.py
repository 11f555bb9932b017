#!/usr/bin/env python3
"""Exam day, open loop: N students (default 5,000), each on its own keep-alive connection like a
browser tab, start one timed quiz at evenly spread moments over 10 s, save their answers one by
one over a 30-60 s exam, and submit within 10 s after it. Every action happens at its own
scheduled moment whether or not the server kept up, and its latency is counted from that moment,
so queueing shows (a closed loop would hide it).

Afterwards every acknowledged answer is compared with what the database stores, and every
attempt's score with the score its saved answers earn.

Usage: exam-day.py BASE_URL QUIZ_ID PASSWORD STUDENTS_FILE ANSWER_KEY_JSON
Environment: PSQL, the command that runs psql on the bench database (split like a shell line);
EXAM_SECONDS, the exam's length range (default "30,60"); KILL_PID and KILL_AFTER, a process
(one instance of several behind a proxy) to SIGKILL that many seconds after the first start.
Prints p50/p99/max per step, errors, the generator's own CPU time, and the verification.

Runs on uvloop when it is importable (Scripts/bench installs it into .data/bench-venv): the
generator shares the server's two cores, and on the plain asyncio loop it took a third to two
thirds of one during the exam, time the server then did not have."""
import asyncio
import json
import os
import random
import shlex
import signal
import subprocess
import sys
import time
import urllib.parse

base, quiz, password, students_file, key_file = sys.argv[1:6]
emails = [line.strip() for line in open(students_file) if line.strip()]
answer_key = json.load(open(key_file))  # question id -> {"kind", "points", "correct": response, "wrong": response}
host = urllib.parse.urlsplit(base)
rng = random.Random(20261201)
exam_seconds = tuple(float(x) for x in os.environ.get("EXAM_SECONDS", "30,60").split(","))
samples = {"start": [], "save": [], "submit": []}
errors = {}
acknowledged = {}  # attempt id -> {question id: (seq, response)}
submitted = set()  # attempts whose submit was acknowledged


class Tab:
    """One student's browser tab: one keep-alive HTTP/1.1 connection, requests one at a time."""

    def __init__(self):
        self.reader = self.writer = None
        self.lock = asyncio.Lock()

    async def request(self, method, path, token, body=None):
        async with self.lock:
            for attempt in (1, 2):
                try:
                    if self.writer is None:
                        self.reader, self.writer = await asyncio.open_connection(host.hostname, host.port)
                    payload = json.dumps(body).encode() if body is not None else b""
                    head = (f"{method} {path} HTTP/1.1\r\nHost: {host.netloc}\r\nAuthorization: Bearer {token}\r\n"
                            f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n\r\n")
                    self.writer.write(head.encode() + payload)
                    await self.writer.drain()
                    status_line = await self.reader.readline()
                    if not status_line:
                        raise ConnectionError("closed")
                    status = int(status_line.split()[1])
                    length = 0
                    while True:
                        line = await self.reader.readline()
                        if line in (b"\r\n", b""):
                            break
                        name, _, value = line.decode().partition(":")
                        if name.lower() == "content-length":
                            length = int(value)
                    data = await self.reader.readexactly(length) if length else b""
                    return status, data
                except (ConnectionError, asyncio.IncompleteReadError, OSError):
                    self.close()
                    if attempt == 2:
                        raise

    def close(self):
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def timed(step, tab, scheduled, method, path, token, body, expected):
    delay = scheduled - time.monotonic()
    if delay > 0:
        await asyncio.sleep(delay)
    try:
        status, payload = await tab.request(method, path, token, body)
    except Exception as error:
        status, payload = type(error).__name__, b""
    samples[step].append(time.monotonic() - scheduled)
    if status not in expected:
        errors[f"{step} {status}"] = errors.get(f"{step} {status}", 0) + 1
    return status, payload


def score(responses):
    total = sum(answer_key[q]["points"] for q in answer_key)
    got = sum(answer_key[q]["points"] for q, r in responses.items() if r == answer_key[q]["correct"])
    return round(got / total * 10_000) / 100


async def student(token, t0, index, count):
    tab = Tab()
    start_at = t0 + 10.0 * index / count
    status, payload = await timed("start", tab, start_at, "POST", f"/api/v1/quizzes/{quiz}/attempts", token, None, (200, 201))
    if status not in (200, 201):
        tab.close()
        return
    attempt = json.loads(payload)
    length = rng.uniform(*exam_seconds)
    questions = attempt["questions"]
    saved = {}
    for n, question in enumerate(questions, start=1):
        # Most answers right, some wrong: scores differ, and each is checked.
        entry = answer_key[question["id"]]
        response = entry["correct"] if rng.random() < 0.7 else entry["wrong"]
        at = start_at + length * n / (len(questions) + 1)
        status, body = await timed("save", tab, at, "PUT", f"/api/v1/attempts/{attempt['id']}/answers/{question['id']}",
                                   token, {"response": response, "seq": n}, (200,))
        if status == 200:
            saved[question["id"]] = (n, response)
    acknowledged[attempt["id"]] = saved
    status, _ = await timed("submit", tab, start_at + length + rng.uniform(0, 10), "POST", f"/api/v1/attempts/{attempt['id']}/submit",
                            token, None, (200,))
    if status == 200:
        submitted.add(attempt["id"])
    tab.close()


async def sign_in_all():
    # Sign-in is not what this measures: a few at a time, waiting out the hashing queue's 503.
    semaphore = asyncio.Semaphore(8)

    async def sign_in(email):
        async with semaphore:
            for _ in range(50):
                reader, writer = await asyncio.open_connection(host.hostname, host.port)
                body = json.dumps({"email": email, "password": password}).encode()
                writer.write((f"POST /api/v1/auth/login HTTP/1.1\r\nHost: {host.netloc}\r\nContent-Type: application/json\r\n"
                              f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode() + body)
                await writer.drain()
                data = await reader.read()
                writer.close()
                head, _, payload = data.partition(b"\r\n\r\n")
                status = head.split(b"\r\n")[0]
                if b" 200 " in status:
                    return json.loads(payload)["token"]
                if b" 503 " not in status:
                    break
                await asyncio.sleep(0.2)
            raise SystemExit(f"sign-in of {email} failed: {head[:100]!r}")

    return await asyncio.gather(*(sign_in(email) for email in emails))


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] * 1000 if ordered else 0


def verify():
    psql = shlex.split(os.environ["PSQL"])
    query = f"""
        SELECT json_build_object('attempts', (SELECT json_object_agg(id, json_build_object('state', state, 'percent', percent))
                                             FROM quiz_attempts WHERE quiz_id = '{quiz}'),
                                 'answers', (SELECT json_agg(json_build_array(a.attempt_id, a.question_id, a.seq, a.response))
                                             FROM attempt_answers a JOIN quiz_attempts q ON q.id = a.attempt_id
                                             WHERE q.quiz_id = '{quiz}'))"""
    stored = json.loads(subprocess.run(psql + ["-At", "-c", query], check=True, capture_output=True, text=True).stdout)
    answers = {}
    for attempt_id, question_id, seq, response in stored["answers"] or []:
        answers.setdefault(attempt_id, {})[question_id] = (seq, response)
    # Every acknowledged answer must be stored as sent (durable before its 2xx); answers stored
    # although the client saw an error are allowed (a client retries them) and counted apart.
    lost = sum(1 for a, saved in acknowledged.items() for q, value in saved.items()
               if answers.get(a, {}).get(q) != (value[0], value[1]))
    unacknowledged = sum(1 for a, stored_answers in answers.items() for q in stored_answers if q not in acknowledged.get(a, {}))
    attempts = stored["attempts"] or {}
    # Every acknowledged submit must have ended the attempt with the score its stored answers earn.
    unsubmitted = sum(1 for a in submitted if attempts.get(a, {}).get("state") != "submitted")
    wrong_scores = sum(1 for a in submitted
                       if attempts.get(a, {}).get("percent") != score({q: r for q, (_, r) in answers.get(a, {}).items()}))
    acked = sum(len(s) for s in acknowledged.values())
    print(f"  verified: {len(acknowledged)} attempts, {acked} acknowledged answers, {len(submitted)} acknowledged submits: "
          f"{lost} answers lost or changed, {unsubmitted} acknowledged submits not stored, "
          f"{wrong_scores} scores differing from the stored answers; {unacknowledged} answers stored although refused")
    return lost == 0 and unsubmitted == 0 and wrong_scores == 0

async def kill_at(t0):
    """SIGKILLs KILL_PID KILL_AFTER seconds into the run: an instance dying mid-exam."""
    await asyncio.sleep(max(0.0, t0 + float(os.environ["KILL_AFTER"]) - time.monotonic()))
    os.kill(int(os.environ["KILL_PID"]), signal.SIGKILL)
    print(f"  killed process {os.environ['KILL_PID']} (SIGKILL) {os.environ['KILL_AFTER']} s into the run")


async def main():
    tokens = await sign_in_all()
    t0 = time.monotonic() + 1.0
    killer = [kill_at(t0)] if os.environ.get("KILL_PID") else []
    await asyncio.gather(*killer, *(student(token, t0, i, len(tokens)) for i, token in enumerate(tokens)))
    elapsed = time.monotonic() - t0
    total = sum(len(v) for v in samples.values())
    print(f"  {len(tokens)} students, open loop: {total} requests in {elapsed:.1f} s = {total / elapsed:.0f} req/s")
    for step, values in samples.items():
        print(f"  {step:<7} n={len(values):<6} p50 {percentile(values, 50):8.1f} ms   p99 {percentile(values, 99):8.1f} ms"
              f"   max {max(values) * 1000 if values else 0:8.1f} ms")
    print(f"  errors: {sum(errors.values())}" + (f" {errors}" if errors else ""))
    return verify() and not errors


try:
    import uvloop
    loop_name, run = "uvloop", uvloop.run
except ImportError:
    loop_name, run = "asyncio", asyncio.run
ok = run(main())
usage = os.times()
print(f"  load generator ({loop_name}): {usage.user + usage.system:.1f} s of CPU in all")
sys.exit(0 if ok else 1)

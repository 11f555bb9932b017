#!/usr/bin/env python3
"""Checks the running server against its own OpenAPI document with Schemathesis, as an anonymous
caller, a student and an instructor: any server error, response that breaks its schema, status the
document does not list, schema-valid request refused or schema-breaking request accepted fails.

Usage: api-contract.py BASE_URL REPORT_DIR SCHEMATHESIS
The accounts `contract-instructor@academy.test` and `contract-student@academy.test` (password in
$CONTRACT_PASSWORD) must exist with those roles. This script builds the rest through the API: a
published course with a module, a lesson, a quiz and an attempt, so that path parameters name real
resources and requests reach validation instead of stopping at 404. Whatever an operation destroys
(a lesson, a module, a quiz, an enrolment, a session) is a spare made for it alone."""
import json
import os
import time
import subprocess
import sys
import urllib.error
import urllib.request

base, report_dir, schemathesis = sys.argv[1:4]
hooks = os.path.join(os.path.dirname(os.path.abspath(__file__)), "api-contract-hooks.py")
password = os.environ["CONTRACT_PASSWORD"]
# Deterministic generation (stronger than a fixed seed, which that mode does not use) and bounded
# examples: the same requests on every run, inside the suite's time budget.
EXAMPLES = "12"


def call(method, path, body=None, token=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + "/api/v1" + path, data=data, method=method)
    if body is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(request) as response:
            text = response.read()
            return json.loads(text) if text else None
    except urllib.error.HTTPError as error:
        sys.exit(f"Setting up for the contract check: {method} {path} answered {error.code}: {error.read().decode()}")


def sign_in(email):
    return call("POST", "/auth/login", {"email": email, "password": password})


def texts(title, **extra):
    return {"translations": {"en": {"title": title, **extra}}}


instructor = sign_in("contract-instructor@academy.test")["token"]
student_login = sign_in("contract-student@academy.test")
student = student_login["token"]
student_id = student_login["user"]["id"]


def course(slug):
    call("POST", "/courses", {"slug": slug, "default_language": "en", **texts("Contract " + slug)}, instructor)
    return call("POST", f"/courses/{slug}/modules", texts("Module"), instructor)["id"]


def lesson(slug, module, title):
    return call("POST", f"/courses/{slug}/lessons", {"module_id": module, **texts(title, body_markdown="Read *this*.")}, instructor)["id"]


def quiz(slug, module, title):
    question = {"id": "q1", "kind": "single_choice", "points": 1, "answer": {"option_id": "a"},
                "translations": {"en": {"prompt": "Pick a", "options": [{"id": "a", "text": "A"}, {"id": "b", "text": "B"}]}}}
    body = {"module_id": module, "pass_percent": 50, "max_attempts": 3, **texts(title), "questions": [question]}
    return call("POST", f"/courses/{slug}/quizzes", body, instructor)["id"]


module = course("contract")
spare_module = call("POST", "/courses/contract/modules", texts("Spare module"), instructor)["id"]
main_lesson = lesson("contract", module, "Lesson")
spare_lesson = lesson("contract", module, "Spare lesson")
main_quiz = quiz("contract", module, "Quiz")
spare_quiz = quiz("contract", module, "Spare quiz")
call("POST", "/courses/contract/publish", None, instructor)
call("POST", "/courses/contract/enrollments", {}, student)
attempt = call("POST", f"/quizzes/{main_quiz}/attempts", None, student)["id"]
def live_session(slug, module, title):
    # Begun a minute ago and all day long: live for the whole run (check-in open, reports importable).
    starts = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 60))
    body = {"module_id": module, "starts_at": starts, "duration_minutes": 1440, "meeting_url": "https://meet.example.org/room",
            "channels": {"ar": "https://meet.example.org/room-ar"}, **texts(title)}
    return call("POST", f"/courses/{slug}/live-sessions", body, instructor)["id"]


def announcement(slug, title):
    return call("POST", f"/courses/{slug}/announcements", texts(title, body_markdown="Read *this*."), instructor)["id"]


main_session = live_session("contract", module, "Live")
spare_live_session = live_session("contract", module, "Spare live")
main_announcement = announcement("contract", "News")
spare_announcement = announcement("contract", "Spare news")
lesson("contract-spare", course("contract-spare"), "Lesson")
call("POST", "/courses/contract-spare/publish", None, instructor)
spare_enrollment = call("POST", "/courses/contract-spare/enrollments", {}, student)["id"]


def spare_session(email):
    """The id of a second session of the account, for the operation that revokes one."""
    token = sign_in(email)["token"]
    return next(s["id"] for s in call("GET", "/me/sessions", token=token)["items"] if s["current"])


def config(token, session_id):
    # 412 answers a schema-valid PATCH whose If-Match names another version: the precondition the
    # client asked for, not a refusal of its data. Strings are generated in ASCII without NUL: the
    # document's patterns cannot name every Unicode space and format character the server trims or
    # refuses, and NUL is refused everywhere (API.md); the Swift tests cover those.
    accepted = ['"2xx"', '"3xx"', 401, 403, 404, 409, 412, 429]
    # No state carried between runs (Schemathesis would keep a cache in the working directory):
    # every run generates the same requests from the document alone.
    lines = [f'hooks = "{hooks}"', "", "[cache]", "enabled = false", "", "[auth]", "auto-signup = false", "",
             "[generation]", 'codec = "ascii"', "allow-x00 = false", "",
             # Ids seen in answers would otherwise be fed back into paths: DELETE /me/sessions/{id}
             # would sign out the run's own session halfway through.
             "[phases.fuzzing.extra-data-sources]", "responses = false", "",
             "[phases.coverage.extra-data-sources]", "responses = false", "",
             "[phases.examples.extra-data-sources]", "responses = false", "",
             "[checks.positive_data_acceptance]",
             f"expected-statuses = [{', '.join(map(str, accepted))}]", ""]
    if token:
        lines += ["[auth.openapi.bearer]", f'bearer = "{token}"', ""]

    def operation(method, path, parameters=None, refused_by=None, headers=None):
        """One operation's settings. `refused_by` names the rule that makes some schema-valid
        bodies 422 (or an opaque cursor 400): a rule across fields or about stored state, which no
        JSON Schema can state. Every such exception is listed here, with its reason."""
        lines.append("[[operations]]")
        # The operation's name: separate include-path and include-method filters match either.
        lines.append(f'include-name = "{method} {path}"')
        if parameters:
            lines.append("parameters = { " + ", ".join(f'"path.{k}" = "{v}"' for k, v in parameters.items()) + " }")
        if headers:
            lines.append("headers = { " + ", ".join(f'{k} = "{v}"' for k, v in headers.items()) + " }")
        if refused_by:
            extra = [400] if "cursor" in refused_by else [422]
            if "(415)" in refused_by:
                extra.append(415)
            lines.append(f"# refused when: {refused_by}")
            lines.append(f"checks.positive_data_acceptance.expected-statuses = [{', '.join(map(str, [*accepted, *extra]))}]")
        lines.append("")

    contract, spare = {"course": "contract"}, {"course": "contract-spare"}
    cursor = "the cursor is not one the API handed out (cursors are opaque)"
    default_language = "the course's default language has no translation in it"
    accounts = "the email or user id is not an active account"
    link = "a link is not a well-formed URL with a host"
    upload = "the file's first bytes are not of the type it claims, or a multipart part's file name has no extension of an accepted type (415)"
    zone = "the time zone is not one this server's time zone database knows"
    # Archiving and unpublishing would close the main course to everything after them.
    table = [
        ("GET", "/api/v1/courses", None, cursor),
        ("POST", "/api/v1/courses", None, "ends_at is not after starts_at, or enrollment.closes_at not after opens_at"),
        ("GET", "/api/v1/users", None, cursor),
        ("POST", "/api/v1/users", None, zone),
        ("POST", "/api/v1/auth/register", None, zone),
        ("PATCH", "/api/v1/me", None, zone + ", or current_password is not the account's password"),
        ("GET", "/api/v1/courses/{course}", spare, None),
        ("PATCH", "/api/v1/courses/{course}", spare, "the merged course lacks its default language's translation, a new translation's title, or has its dates out of order"),
        ("DELETE", "/api/v1/courses/{course}", spare, None),
        ("POST", "/api/v1/courses/{course}/publish", spare, None),
        ("POST", "/api/v1/courses/{course}/unpublish", spare, None),
        ("GET", "/api/v1/courses/{course}/instructors", contract, None),
        ("POST", "/api/v1/courses/{course}/instructors", contract, accounts),
        ("GET", "/api/v1/courses/{course}/modules", contract, None),
        ("POST", "/api/v1/courses/{course}/modules", contract, default_language),
        ("POST", "/api/v1/courses/{course}/lessons", contract, default_language + ", or module_id names no module of this course"),
        ("POST", "/api/v1/courses/{course}/lessons/upload", contract, "no LANG.md for the course's default language, or a file's bytes are not of its type"),
        ("GET", "/api/v1/courses/{course}/translations", contract, None),
        ("GET", "/api/v1/courses/{course}/enrollments", contract, cursor),
        ("POST", "/api/v1/courses/{course}/enrollments", contract, accounts),
        ("GET", "/api/v1/courses/{course}/outline", contract, None),
        ("POST", "/api/v1/courses/{course}/quizzes", contract, default_language + ", an answer does not fit its question's kind and options, a question's points are 0 and it is no description (or the reverse), or closes_at is not after opens_at"),
        ("GET", "/api/v1/courses/{course}/gradebook", contract, None),
        ("PATCH", "/api/v1/modules/{id}", {"id": module}, "the merged module lacks its course's default language"),
        ("DELETE", "/api/v1/modules/{id}", {"id": spare_module}, None),
        ("GET", "/api/v1/lessons/{id}", {"id": main_lesson}, None),
        ("PATCH", "/api/v1/lessons/{id}", {"id": main_lesson}, "the merged lesson lacks its course's default language or a new translation's text, or module_id names no module of this course"),
        ("DELETE", "/api/v1/lessons/{id}", {"id": spare_lesson}, None),
        ("POST", "/api/v1/lessons/{id}/attachments", {"id": main_lesson}, upload),
        ("POST", "/api/v1/lessons/{id}/complete", {"id": main_lesson}, None),
        ("PATCH", "/api/v1/enrollments/{id}", {"id": spare_enrollment}, None),
        ("DELETE", "/api/v1/enrollments/{id}", {"id": spare_enrollment}, None),
        ("GET", "/api/v1/quizzes/{id}", {"id": main_quiz}, None),
        ("PATCH", "/api/v1/quizzes/{id}", {"id": main_quiz}, default_language + ", an answer does not fit its question, a question's points are 0 and it is no description (or the reverse), or closes_at is not after opens_at"),
        ("DELETE", "/api/v1/quizzes/{id}", {"id": spare_quiz}, None),
        ("GET", "/api/v1/quizzes/{id}/attempts", {"id": main_quiz}, cursor),
        ("POST", "/api/v1/quizzes/{id}/attempts", {"id": main_quiz}, None),
        ("PUT", "/api/v1/quizzes/{id}/overrides/{user_id}", {"id": main_quiz, "user_id": student_id}, None),
        ("DELETE", "/api/v1/quizzes/{id}/overrides/{user_id}", {"id": main_quiz, "user_id": student_id}, None),
        ("GET", "/api/v1/attempts/{id}", {"id": attempt}, None),
        ("PUT", "/api/v1/attempts/{id}/answers/{question_id}", {"id": attempt, "question_id": "q1"}, "the response's shape is not the one the question's kind takes"),
        ("POST", "/api/v1/attempts/{id}/submit", {"id": attempt}, None),
        ("POST", "/api/v1/courses/{course}/live-sessions", contract, default_language + ", module_id names no module of this course, or " + link),
        ("GET", "/api/v1/live-sessions/{id}", {"id": main_session}, None),
        ("PATCH", "/api/v1/live-sessions/{id}", {"id": main_session}, "the merged session lacks its course's default language or a new translation's title, module_id names no module of this course, or " + link),
        ("DELETE", "/api/v1/live-sessions/{id}", {"id": spare_live_session}, None),
        ("POST", "/api/v1/live-sessions/{id}/attachments", {"id": main_session}, upload),
        ("POST", "/api/v1/live-sessions/{id}/attendance", {"id": main_session}, None),
        ("GET", "/api/v1/live-sessions/{id}/attendance", {"id": main_session}, None),
        ("POST", "/api/v1/live-sessions/{id}/attendance/import", {"id": main_session}, "the text has no header row with an email and a minutes column"),
        ("GET", "/api/v1/courses/{course}/attendance", contract, None),
        ("POST", "/api/v1/courses/{course}/announcements", contract, default_language),
        ("GET", "/api/v1/courses/{course}/announcements", contract, cursor),
        ("GET", "/api/v1/announcements/{id}", {"id": main_announcement}, None),
        ("PATCH", "/api/v1/announcements/{id}", {"id": main_announcement}, "the merged announcement lacks its course's default language or a new translation's text"),
        ("DELETE", "/api/v1/announcements/{id}", {"id": spare_announcement}, None),
        ("POST", "/api/v1/announcements/{id}/read", {"id": main_announcement}, None),
        ("GET", "/api/v1/me/announcements", None, cursor),
        ("GET", "/api/v1/users/{id}", {"id": student_id}, None),
        ("PATCH", "/api/v1/users/{id}", {"id": student_id}, None),
        ("DELETE", "/api/v1/me/sessions/{id}", {"id": session_id}, None),
    ]
    for method, path, parameters, refused_by in table:
        operation(method, path, parameters, refused_by)
    if token:
        # Signing out would end the very session the rest of the run uses (the configured bearer
        # token wins over any header given here); the anonymous run signs out a session of its own.
        lines += ["[[operations]]", 'include-name = "POST /api/v1/auth/logout"', "enabled = false", ""]
    else:
        logout = sign_in("contract-student@academy.test")["token"]
        operation("POST", "/api/v1/auth/logout", headers={"Authorization": "Bearer " + logout})
    return "\n".join(lines)


callers = [
    ("anonymous", None, "00000000-0000-4000-8000-000000000000"),
    ("student", student, spare_session("contract-student@academy.test")),
    ("instructor", instructor, spare_session("contract-instructor@academy.test")),
]
# The three callers run at once (each on its own resources where an operation destroys one), so
# the check takes the time of the slowest rather than of all three.
runs = []
for name, token, session_id in callers:
    folder = os.path.join(report_dir, name)
    os.makedirs(folder, exist_ok=True)
    config_file = os.path.join(folder, "schemathesis.toml")
    with open(config_file, "w") as file:
        file.write(config(token, session_id))
    output = open(os.path.join(folder, "output.txt"), "w")
    runs.append((name, folder, subprocess.Popen([
        schemathesis, "--config-file", config_file, "run", base + "/openapi.yaml", "--url", base,
        "--checks", "all", "--max-examples", EXAMPLES, "--workers", "1",
        "--phases", "examples,coverage,fuzzing", "--generation-deterministic", "--no-color",
        "--report", "junit", "--report-dir", folder,
    ], stdout=output, stderr=subprocess.STDOUT)))
failed = []
for name, folder, process in runs:
    status = process.wait()
    with open(os.path.join(folder, "output.txt")) as output:
        summary = output.read().split("SUMMARY", 1)[-1]
    print(f"==> Schemathesis as {name}", flush=True)
    print(summary.strip(), flush=True)
    if status != 0:
        failed.append(name)
if failed:
    sys.exit(f"Schemathesis found contract failures as {', '.join(failed)}: see {report_dir}/*/output.txt")

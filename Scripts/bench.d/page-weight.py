"""What a first visit to each main page transfers: the gzipped HTML, plus the stylesheet and
script it links (a first visit has nothing cached), headers included. Run by `Scripts/bench --pages`
against a server with the sample courses imported:

    python3 page-weight.py BASE_URL

A student signs up through the form, enrols in the Arabic sample course and starts its quiz (its
lessons are completed through the pages first, as the quiz requires); then an instructor
(PAGES_TEACHER_EMAIL and PAGES_TEACHER_PASSWORD in the environment) opens the course's editing pages
in a browser of its own (nothing cached). Exits 1 when a page passes
60 KB. The 3G estimate uses Chrome's "Regular 3G" profile (750 kbit/s down, 100 ms round trip):
three round trips (connection, page, then the assets in parallel) plus the bytes at that rate.
"""
import gzip
import http.cookiejar
import os
import re
import sys
import urllib.parse
import urllib.request
import uuid

BASE = sys.argv[1].rstrip("/")
LIMIT = 60 * 1024
jar = http.cookiejar.CookieJar()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)


def fetch(path, form=None, language="ar"):
    """(bytes on the wire incl. headers, decoded text, status, location)."""
    data = urllib.parse.urlencode(form, doseq=True).encode() if form is not None else None
    request = urllib.request.Request(BASE + path, data=data, headers={"Accept-Encoding": "gzip", "Accept-Language": language})
    try:
        response = opener.open(request)
    except urllib.error.HTTPError as error:
        response = error
    raw = response.read()
    headers = "".join(f"{k}: {v}\r\n" for k, v in response.headers.items())
    text = gzip.decompress(raw) if response.headers.get("Content-Encoding") == "gzip" else raw
    return len(raw) + len(headers) + 17, text.decode("utf-8", "replace"), response.status, response.headers.get("Location")


def csrf(text):
    return re.search(r'name="csrf" value="([^"]+)"', text).group(1)


def first_visit(path, language="ar"):
    size, text, status, _ = fetch(path, language=language)
    assert status == 200, f"{path} answered {status}"
    assets = re.findall(r'(?:href|src)="(/assets/[^"]+)"', text)
    return size + sum(fetch(asset)[0] for asset in assets), text


def instructor_pages():
    """The editing pages of the Arabic sample course, signed in as an instructor from scratch."""
    jar.clear()
    _, text, _, _ = fetch("/sign-in")
    form = {"csrf": csrf(text), "email": os.environ["PAGES_TEACHER_EMAIL"], "password": os.environ["PAGES_TEACHER_PASSWORD"], "next": "/teach"}
    _, _, status, _ = fetch("/sign-in", form)
    assert status == 303, f"the instructor's sign-in answered {status}"
    rows = []
    size, editor = first_visit("/teach/arabic-script")
    rows.append(("course editor", size))
    rows.append(("course settings", first_visit("/teach/arabic-script/settings")[0]))
    lesson = re.search(r'href="(/teach/lessons/[0-9a-f-]+)"', editor).group(1)
    rows.append(("lesson editor (8 languages)", first_visit(lesson)[0]))
    quiz = re.search(r'href="(/teach/quizzes/[0-9a-f-]+)"', editor).group(1)
    rows.append(("quiz editor (9 questions)", first_visit(quiz)[0]))
    return rows


def main():
    rows = []
    size, text = first_visit("/sign-up")
    rows.append(("sign up (anonymous)", size))
    email = f"weight-{uuid.uuid4().hex[:8]}@example.org"
    _, _, status, _ = fetch("/sign-up", {"csrf": csrf(text), "name": "Page Weight", "email": email, "password": "correct horse battery staple"})
    assert status == 303, f"sign-up answered {status}"
    size, _ = first_visit("/")
    rows.append(("catalogue", size))
    size, text = first_visit("/courses/arabic-script")
    rows.append(("course (before enrolling)", size))
    fetch("/courses/arabic-script/enrol", {"csrf": csrf(text)})
    size, text = first_visit("/courses/arabic-script")
    rows.append(("course with outline", size))
    done = set()
    while True:
        _, course, _, _ = fetch("/courses/arabic-script")
        open_lessons = [link for link in re.findall(r'href="(/lessons/[0-9a-f-]+)"', course) if link not in done]
        if not open_lessons:
            break
        size, page = first_visit(open_lessons[0])
        if not done:
            rows.append(("lesson (Arabic)", size))
        fetch(open_lessons[0] + "/complete", {"csrf": csrf(page)})
        done.add(open_lessons[0])
    _, course, _, _ = fetch("/courses/arabic-script")
    quiz = re.search(r'href="(/quizzes/[0-9a-f-]+)"', course).group(1)
    size, page = first_visit(quiz)
    rows.append(("quiz", size))
    _, _, status, location = fetch(quiz + "/start", {"csrf": csrf(page)})
    assert status == 303 and location, f"starting the quiz answered {status}"
    size, _ = first_visit(location)
    rows.append(("timed attempt (9 questions)", size))
    size, _ = first_visit("/my/courses", language="en")
    rows.append(("my courses (English)", size))
    rows += instructor_pages()

    worst = 0
    print(f"  {'page':32} {'first visit':>12} {'3G estimate':>12}")
    for name, size in rows:
        seconds = 0.3 + size * 8 / 750_000
        print(f"  {name:32} {size / 1024:9.1f} KB {seconds:10.2f} s")
        worst = max(worst, size)
    print(f"  largest: {worst / 1024:.1f} KB of the 60 KB allowed")
    sys.exit(0 if worst <= LIMIT else 1)


main()

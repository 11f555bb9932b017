"""The web pages in a real browser: Debian's headless Chromium, driven through its chromedriver by
Selenium (nothing is downloaded at run time). Run by Scripts/test against a server with the sample
courses of Courses/ imported:

    python3 Scripts/lib/browser-test.py BASE_URL SCREENSHOT_DIR

A student signs up, enrols in the Arabic sample course, reads its lessons (right to left, checked
on the page and in the computed style) and marks them done, takes the quiz with a reload in the
middle (the autosaved answers come back), submits and sees the result; then the same without
JavaScript, where the quiz's form saves and submits by itself. An instructor (BROWSER_TEACHER_EMAIL
and BROWSER_TEACHER_PASSWORD in the environment) creates a course with a lesson in Arabic and
English, previews the lesson, uploads a second one as files, publishes the course and finds it in the catalogue, with and without
JavaScript. Screenshots of the main pages in
Arabic and English go to SCREENSHOT_DIR. Any Content-Security-Policy violation in the browser's
console fails the run.
"""
import os
import sys
import time
import uuid

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

BASE, SHOTS = sys.argv[1].rstrip("/"), sys.argv[2]
SAMPLE_LESSONS = os.path.realpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Courses", "arabic-script", "lessons"))
PASSWORD = "correct horse battery staple"
ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789")
os.makedirs(SHOTS, exist_ok=True)


def browser(javascript, language):
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1200,1500",
                     f"--lang={language}"):
        options.add_argument(argument)
    prefs = {"intl.accept_languages": language}
    if not javascript:
        prefs["profile.managed_default_content_settings.javascript"] = 2
    options.add_experimental_option("prefs", prefs)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def wait_for(driver, condition, what, timeout=15):
    try:
        return WebDriverWait(driver, timeout).until(lambda _: condition())
    except Exception as error:
        raise AssertionError(f"timed out waiting for {what} on {driver.current_url}") from error


def open_page(driver, path):
    driver.get(BASE + path)
    check("<h1>" in driver.page_source or "<h1 " in driver.page_source, f"{path} has no heading")


def shot(driver, name):
    driver.save_screenshot(os.path.join(SHOTS, name + ".png"))


def no_policy_violations(driver):
    if driver.capabilities.get("browserName") != "chrome":
        return
    try:
        entries = driver.get_log("browser")
    except Exception:
        return
    violations = [entry["message"] for entry in entries if "Content Security Policy" in entry["message"]]
    check(not violations, f"CSP violations: {violations}")


def sign_up(driver, name):
    email = f"{name.lower()}-{uuid.uuid4().hex[:8]}@example.org"
    open_page(driver, "/sign-up")
    driver.find_element(By.ID, "name").send_keys(name)
    driver.find_element(By.ID, "email").send_keys(email)
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "form.stacked button[type=submit]").click()
    wait_for(driver, lambda: driver.current_url.endswith("/my/courses"), "my courses after signing up")
    return email


def enrol_and_read_every_lesson(driver, language):
    open_page(driver, "/")
    shot(driver, f"catalogue-{language}")
    driver.find_element(By.CSS_SELECTOR, 'a[href="/courses/arabic-script"]').click()
    driver.find_element(By.CSS_SELECTOR, 'form[action="/courses/arabic-script/enrol"] button').click()
    wait_for(driver, lambda: driver.find_elements(By.ID, "outline"), "the outline after enrolling")
    shot(driver, f"course-{language}")
    for number in range(4):
        open_page(driver, "/courses/arabic-script")
        links = driver.find_elements(By.CSS_SELECTOR, '.outline .item:not(.locked):not(.done) a[href^="/lessons/"]')
        check(links, f"lesson {number + 1} is not open in the outline")
        links[0].click()
        article = driver.find_element(By.CSS_SELECTOR, "article.lesson")
        if language == "ar":
            check(article.get_attribute("dir") == "rtl", "the Arabic lesson is not marked dir=rtl")
            check(driver.execute_script("return getComputedStyle(arguments[0]).direction", article) == "rtl",
                  "the Arabic lesson does not compute to rtl")
            check(driver.find_element(By.TAG_NAME, "html").get_attribute("dir") == "rtl", "the Arabic page is not rtl")
        if number == 0:
            shot(driver, f"lesson-{language}")
        driver.find_element(By.CSS_SELECTOR, "form[action$='/complete'] button").click()
        wait_for(driver, lambda: not driver.find_elements(By.CSS_SELECTOR, "form[action$='/complete']"), "the lesson to be done")
    open_page(driver, "/courses/arabic-script")
    driver.find_element(By.CSS_SELECTOR, '.outline a[href^="/quizzes/"]').click()
    driver.find_element(By.CSS_SELECTOR, "form[action$='/start'] button").click()
    wait_for(driver, lambda: "/attempts/" in driver.current_url, "the attempt page")


def answer_every_question(driver):
    """Answers each question somehow (the first option, "true", a word, a number) and returns what
    the form then shows, to compare after a reload."""
    for fieldset in driver.find_elements(By.CSS_SELECTOR, "fieldset.question"):
        kind = fieldset.get_attribute("data-kind")
        if kind == "description":
            continue
        if kind in ("single_choice", "multiple_choice", "true_false"):
            fieldset.find_elements(By.CSS_SELECTOR, "input[type=radio], input[type=checkbox]")[0].click()
        elif kind in ("ordering", "matching"):
            # Each item a place of its own (1, 2, 3…), or each option the first match offered.
            for place, select in enumerate(fieldset.find_elements(By.TAG_NAME, "select"), start=1):
                Select(select).select_by_index(place if kind == "ordering" else 1)
        elif kind == "essay":
            box = fieldset.find_element(By.TAG_NAME, "textarea")
            box.clear()
            box.send_keys("الباء في أول الكلمة قصيرة\nوفي آخرها كاملة")
            box.send_keys("\t")
        else:
            box = fieldset.find_element(By.CSS_SELECTOR, "input[type=text]")
            box.clear()
            box.send_keys("٣" if kind == "numeric" else "كتب")
            box.send_keys("\t")
    return form_state(driver)


def form_state(driver):
    state = {}
    for fieldset in driver.find_elements(By.CSS_SELECTOR, "fieldset.question"):
        question = fieldset.get_attribute("data-question")
        checked = [i.get_attribute("value") for i in fieldset.find_elements(By.CSS_SELECTOR, "input:checked")]
        # The server shows a typed number in Western digits (٣ is stored as 3).
        typed = [i.get_attribute("value").translate(ARABIC_DIGITS) for i in fieldset.find_elements(By.CSS_SELECTOR, "input[type=text]")]
        chosen = [select.get_attribute("value") for select in fieldset.find_elements(By.TAG_NAME, "select")]
        typed += [area.get_attribute("value") for area in fieldset.find_elements(By.TAG_NAME, "textarea")]
        state[question] = (sorted(checked), typed, chosen)
    return state


def student_with_javascript():
    driver = browser(javascript=True, language="ar")
    try:
        sign_up(driver, "Amina")
        enrol_and_read_every_lesson(driver, "ar")
        check(driver.find_element(By.ID, "countdown").is_displayed(), "no countdown on a timed quiz")
        answered = answer_every_question(driver)
        saved_label = driver.find_element(By.CSS_SELECTOR, "form.attempt").get_attribute("data-saved")
        wait_for(driver, lambda: all(line.text == saved_label for line in driver.find_elements(By.CSS_SELECTOR, ".save-state")),
                 "every answer to show it is saved")
        shot(driver, "attempt-ar")
        # A reload in the middle: what was autosaved comes back from the server.
        driver.execute_script("window.localStorage.clear()")
        driver.refresh()
        check(form_state(driver) == answered, f"after a reload the form shows {form_state(driver)}, not {answered}")
        driver.find_element(By.CSS_SELECTOR, "button[value=submit]").click()
        wait_for(driver, lambda: driver.find_elements(By.CSS_SELECTOR, "p.score"), "the result")
        shot(driver, "result-ar")
        no_policy_violations(driver)
    finally:
        driver.quit()


def student_without_javascript():
    driver = browser(javascript=False, language="en")
    try:
        sign_up(driver, "Yusuf")
        enrol_and_read_every_lesson(driver, "en")
        answered = answer_every_question(driver)
        driver.find_element(By.CSS_SELECTOR, "button[value=save]").click()
        wait_for(driver, lambda: "saved=1" in driver.current_url, "the saved answers")
        check(form_state(driver) == answered, f"the saved form shows {form_state(driver)}, not {answered}")
        shot(driver, "attempt-en")
        driver.find_element(By.CSS_SELECTOR, "button[value=submit]").click()
        wait_for(driver, lambda: driver.find_elements(By.CSS_SELECTOR, "p.score"), "the result")
        shot(driver, "result-en")
    finally:
        driver.quit()


def fill(driver, field_id, text):
    box = driver.find_element(By.ID, field_id)
    box.clear()
    box.send_keys(text)


def sign_in_as_teacher(driver):
    open_page(driver, "/sign-in?next=/teach")
    fill(driver, "email", os.environ["BROWSER_TEACHER_EMAIL"])
    fill(driver, "password", os.environ["BROWSER_TEACHER_PASSWORD"])
    driver.find_element(By.CSS_SELECTOR, "form.stacked button[type=submit]").click()
    # The address changes before the new page is read: wait for what the flow clicks next.
    wait_for(driver, lambda: driver.current_url.endswith("/teach") and driver.find_elements(By.CSS_SELECTOR, 'a[href="/teach/new"]'),
             "the teaching page after signing in")


def write_and_publish_a_course(driver, language):
    """Creates a course with a module and a lesson in Arabic and English through the forms,
    previews the lesson, publishes the course and finds it in the catalogue."""
    slug = f"browser-{language}-{uuid.uuid4().hex[:8]}"
    sign_in_as_teacher(driver)
    driver.find_element(By.CSS_SELECTOR, 'a[href="/teach/new"]').click()
    fill(driver, "slug", slug)
    fill(driver, "title-ar", "مبادئ التجويد")
    fill(driver, "body-ar", "مدخل قصير")
    fill(driver, "title-en", "Principles of tajweed")
    fill(driver, "body-en", "A short introduction")
    check(driver.execute_script("return getComputedStyle(arguments[0]).direction", driver.find_element(By.ID, "title-ar")) == "rtl",
          "the Arabic title is not typed right to left")
    shot(driver, f"course-settings-{language}")
    driver.find_element(By.CSS_SELECTOR, "form.editor button[type=submit]").click()
    wait_for(driver, lambda: driver.current_url.endswith(f"/teach/{slug}"), "the course editor after creating")
    fill(driver, "title-ar", "أحكام النون الساكنة")
    fill(driver, "title-en", "Noon sakinah")
    driver.find_element(By.CSS_SELECTOR, f'form[action="/teach/{slug}/modules"] button[type=submit]').click()
    wait_for(driver, lambda: driver.find_elements(By.CSS_SELECTOR, "section.module"), "the new module")
    driver.find_element(By.CSS_SELECTOR, f'a[href^="/teach/{slug}/lessons/new?module="]').click()
    fill(driver, "title-ar", "الإظهار")
    fill(driver, "body-ar", "**الإظهار** هو النطق بالحرف من مخرجه")
    fill(driver, "title-en", "Izhar")
    fill(driver, "body-en", "*Izhar* is pronouncing the letter clearly")
    driver.find_element(By.CSS_SELECTOR, "button[value=preview]").click()
    wait_for(driver, lambda: driver.find_elements(By.CSS_SELECTOR, "section.preview"), "the lesson preview")
    previews = driver.find_elements(By.CSS_SELECTOR, "section.preview .lesson")
    check(any(p.find_elements(By.TAG_NAME, "strong") for p in previews), "the Arabic preview is not rendered Markdown")
    check(any(p.find_elements(By.TAG_NAME, "em") for p in previews), "the English preview is not rendered Markdown")
    shot(driver, f"lesson-editor-{language}")
    driver.find_element(By.CSS_SELECTOR, "button[value=save]").click()
    wait_for(driver, lambda: "saved=1" in driver.current_url, "the saved lesson")
    # A second lesson from files: a sample lesson folder's Markdown, chosen in the file input.
    open_page(driver, f"/teach/{slug}")
    driver.find_element(By.CSS_SELECTOR, f'a[href^="/teach/{slug}/lessons/upload?module="]').click()
    folder = os.path.join(SAMPLE_LESSONS, "01-the-alphabet")
    driver.find_element(By.ID, "archive").send_keys("\n".join(os.path.join(folder, name) for name in ("ar.md", "en.md")))
    driver.find_element(By.CSS_SELECTOR, "form.editor button[type=submit]").click()
    wait_for(driver, lambda: "saved=1" in driver.current_url, "the uploaded lesson")
    open_page(driver, f"/teach/{slug}")
    check(len(driver.find_elements(By.CSS_SELECTOR, ".outline .item")) == 2, "the two lessons are not in the course's outline")
    driver.find_element(By.CSS_SELECTOR, f'form[action="/teach/{slug}/status"] button[value=published]').click()
    wait_for(driver, lambda: driver.find_elements(By.CSS_SELECTOR, "button[value=draft]"), "the published course")
    shot(driver, f"course-editor-{language}")
    open_page(driver, "/")
    check(driver.find_elements(By.CSS_SELECTOR, f'a[href="/courses/{slug}"]'), "the published course is not in the catalogue")
    no_policy_violations(driver)


def in_browser(javascript, language, flow):
    driver = browser(javascript=javascript, language=language)
    try:
        flow(driver, language)
    finally:
        driver.quit()


def essay_graded_from_the_gradebook():
    """A student takes the Arabic sample's practice quiz, drawn from its question bank for this
    attempt, with an essay; the result waits for the instructor, who grades the essay from the
    gradebook's link without script; the student's result then shows the grade and the comment."""
    student = browser(javascript=True, language="ar")
    teacher = browser(javascript=False, language="en")
    try:
        sign_up(student, "Maryam")
        open_page(student, "/courses/arabic-script")
        student.find_element(By.CSS_SELECTOR, 'form[action="/courses/arabic-script/enrol"] button').click()
        wait_for(student, lambda: student.find_elements(By.ID, "outline"), "the outline after enrolling")
        student.find_elements(By.CSS_SELECTOR, '.outline a[href^="/quizzes/"]')[-1].click()
        student.find_element(By.CSS_SELECTOR, "form[action$='/start'] button").click()
        wait_for(student, lambda: "/attempts/" in student.current_url, "the practice attempt")
        kinds = [fieldset.get_attribute("data-kind") for fieldset in student.find_elements(By.CSS_SELECTOR, "fieldset.question")]
        check(len(kinds) == 4 and kinds[-1] == "essay", f"the practice quiz drew {kinds}, not 2 + 1 questions and the essay")
        answer_every_question(student)
        saved_label = student.find_element(By.CSS_SELECTOR, "form.attempt").get_attribute("data-saved")
        wait_for(student, lambda: all(line.text == saved_label for line in student.find_elements(By.CSS_SELECTOR, ".save-state")),
                 "every answer to show it is saved")
        student.find_element(By.CSS_SELECTOR, "button[value=submit]").click()
        wait_for(student, lambda: student.find_elements(By.CSS_SELECTOR, "p.score"), "the result")
        check(student.find_elements(By.CSS_SELECTOR, "li.waiting"), "the essay does not wait for its grade")
        result = student.current_url

        sign_in_as_teacher(teacher)
        open_page(teacher, "/teach/arabic-script/gradebook")
        teacher.find_element(By.CSS_SELECTOR, 'a[href$="/grading"]').click()
        check("وفي آخرها كاملة" in teacher.page_source, "the grading page does not show the student's essay")
        shot(teacher, "grading-en")
        form = teacher.find_element(By.CSS_SELECTOR, "form.essay")
        form.find_element(By.NAME, "points").send_keys("1")
        form.find_element(By.NAME, "comment").send_keys("وصف دقيق")
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        wait_for(teacher, lambda: not teacher.find_elements(By.CSS_SELECTOR, "form.essay"), "the essay to leave the grading page")

        student.get(result)
        wait_for(student, lambda: student.find_elements(By.CSS_SELECTOR, "p.score"), "the graded result")
        check(not student.find_elements(By.CSS_SELECTOR, "li.waiting") and "وصف دقيق" in student.page_source,
              "the student's result does not show the grade and the comment")
        shot(student, "result-graded-ar")
    finally:
        student.quit()
        teacher.quit()


def instructor_with_javascript():
    in_browser(True, "ar", write_and_publish_a_course)


def instructor_without_javascript():
    in_browser(False, "en", write_and_publish_a_course)


def main():
    started = time.monotonic()
    failures = 0
    for flow in (student_with_javascript, student_without_javascript, essay_graded_from_the_gradebook, instructor_with_javascript, instructor_without_javascript):
        try:
            flow()
            print(f"  ok    {flow.__name__}")
        except Exception as error:  # report every flow, then fail
            failures += 1
            print(f"  FAIL  {flow.__name__}: {error}")
    print(f"browser flows: {failures} failed, {time.monotonic() - started:.0f} s; screenshots in {SHOTS}")
    sys.exit(1 if failures else 0)


main()

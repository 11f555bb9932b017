#!/usr/bin/env python3
"""The exam-day quiz: ten questions of every answer kind, shuffled questions and options, a time
limit, one attempt. Writes the quiz body (for POST /courses/{course}/quizzes) to standard output and
the answer key the load generator checks scores with to the file named by the first argument.

Usage: exam-quiz.py KEY_FILE MODULE_ID"""
import json
import sys

key_file, module = sys.argv[1:3]
letters = "abcd"
questions, key = [], {}
for n in range(1, 11):
    qid = f"q{n}"
    kind = ["single_choice", "single_choice", "single_choice", "multiple_choice", "true_false",
            "short_text", "numeric", "single_choice", "multiple_choice", "true_false"][n - 1]
    text = {"prompt": f"Question {n}"}
    if kind in ("single_choice", "multiple_choice"):
        text["options"] = [{"id": c, "text": c.upper()} for c in letters]
    question = {"id": qid, "kind": kind, "points": 1 + n % 3, "translations": {"en": text}}
    if kind == "single_choice":
        question["answer"] = {"option_id": "b"}
        correct, wrong = {"option_id": "b"}, {"option_id": "c"}
    elif kind == "multiple_choice":
        question["answer"] = {"option_ids": ["a", "c"]}
        correct, wrong = {"option_ids": ["a", "c"]}, {"option_ids": ["b"]}
    elif kind == "true_false":
        question["answer"] = {"value": True}
        correct, wrong = {"value": True}, {"value": False}
    elif kind == "short_text":
        question["answer"] = {"accepted": ["kitab"]}
        correct, wrong = {"text": "kitab"}, {"text": "qalam"}
    else:
        question["answer"] = {"value": 28, "tolerance": 0.5}
        correct, wrong = {"value": 28.25}, {"value": 26}
    questions.append(question)
    key[qid] = {"kind": kind, "points": question["points"], "correct": correct, "wrong": wrong}
json.dump(key, open(key_file, "w"))
print(json.dumps({"module_id": module, "pass_percent": 50, "time_limit_seconds": 3600, "max_attempts": 1,
                  "shuffle_questions": True, "shuffle_options": True, "translations": {"en": {"title": "Exam day"}},
                  "questions": questions}))

#!/usr/bin/env python3
"""Parses an iCalendar feed (stdin) with the icalendar library and checks it as a calendar app
would need it: CRLF line ends, no line over 75 octets, every event with UID, SEQUENCE, DTSTAMP
and a DTSTART in UTC, no component that failed to parse. Prints the events as JSON by UID, or
the problems on stderr with exit status 1. Used by the Swift tests (TEST_PYTHON)."""
import json
import sys

import icalendar

raw = sys.stdin.buffer.read()
problems = []
if not raw.endswith(b"\r\n"):
    problems.append("the feed does not end with CRLF")
for number, line in enumerate(raw.split(b"\r\n"), 1):
    if b"\n" in line or b"\r" in line:
        problems.append(f"line {number} has a bare line end")
    if len(line) > 75:
        problems.append(f"line {number} is {len(line)} octets long")
calendar = icalendar.Calendar.from_ical(raw.decode("utf-8"))
if calendar.get("VERSION") != "2.0" or not calendar.get("PRODID"):
    problems.append("VERSION 2.0 and PRODID are required")
events = {}
for component in calendar.walk():
    if getattr(component, "errors", None):
        problems.append(f"{component.name}: {component.errors}")
    if component.name != "VEVENT":
        continue
    for required in ("UID", "DTSTAMP", "DTSTART", "SEQUENCE", "SUMMARY"):
        if required not in component:
            problems.append(f"an event lacks {required}")
    start = component.decoded("DTSTART")
    if start.utcoffset() is None or start.utcoffset().total_seconds() != 0:
        problems.append(f"{component.get('UID')}: DTSTART is not in UTC")
    end = component.decoded("DTEND") if "DTEND" in component else None
    events[str(component.get("UID"))] = {
        "sequence": int(component.get("SEQUENCE")),
        "summary": str(component.get("SUMMARY")),
        "description": str(component.get("DESCRIPTION", "")),
        "start": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "end": end.strftime("%Y-%m-%dT%H:%M:%SZ") if end else None,
        "status": str(component.get("STATUS", "")),
        "url": str(component.get("URL", "")),
    }
if problems:
    print("\n".join(problems), file=sys.stderr)
    sys.exit(1)
print(json.dumps(events, ensure_ascii=False))

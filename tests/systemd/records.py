#!/usr/bin/env python3
"""Checks what load.py recorded.

acked DB RECORDS...      every phone acknowledged with 201 is in the database, with its number;
                         prints "acked=N present=N missing=N".
answered SINCE RECORDS...
                         every request whose bytes were sent before SINCE (a Unix time) got an
                         HTTP answer, and at least one was acknowledged after SINCE (it was in
                         flight when the stop began); prints counts, the unanswered on failure.
Standard library only; the database is opened read-only.
"""

import json
import sqlite3
import sys


def load(paths):
    records = []
    for path in paths:
        with open(path) as file:
            records.extend(json.loads(line) for line in file if line.strip())
    return records


def acked(database, paths):
    wanted = {(r["upn"].lower(), r["type"]): r["number"] for r in load(paths) if r["status"] == 201}
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=10)
    present = {}
    query = ("SELECT lower(u.user_principal_name), p.phone_type, p.phone_number "
             "FROM phone_method p JOIN user u ON u.id = p.user_id")
    for upn, phone_type, number in connection.execute(query):
        present[(upn, phone_type)] = number
    connection.close()
    missing = [key for key, number in wanted.items() if present.get(key) != number]
    print(f"acked={len(wanted)} present={len(wanted) - len(missing)} missing={len(missing)}")
    for key in missing[:10]:
        print(f"  missing: {key[0]} {key[1]} {wanted[key]} (database has {present.get(key)})")
    return 0 if wanted and not missing else 1


def answered(since, paths):
    records = load(paths)
    before = [r for r in records if r["sent"] is not None and r["sent"] < since]
    unanswered = [r for r in before if r["status"] is None]
    after = [r for r in records if r not in before]
    drained = [r for r in before if r["status"] == 201 and r["end"] > since]
    print(f"sent-before-stop={len(before)} answered={len(before) - len(unanswered)} "
          f"(201 after the stop began: {len(drained)}) unanswered={len(unanswered)} "
          f"sent-later={len(after)} sent-later-answered={sum(1 for r in after if r['status'] is not None)}")
    for r in unanswered[:10]:
        print(f"  unanswered: {r['upn']} sent {r['sent'] - since:+.3f}s relative to stop: {r['error']}")
    return 0 if before and drained and not unanswered else 1


def main():
    command, argument, *paths = sys.argv[1:]
    if command == "acked":
        return acked(argument, paths)
    if command == "answered":
        return answered(float(argument), paths)
    raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    sys.exit(main())

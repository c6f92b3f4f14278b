#!/usr/bin/env python3
"""afterschool_seed.py: SQL for the enrolment benchmark (bench/afterschool.md).

Writes SQL that adds, to a database filled by `shuangjian demo`, one large school (50 classes,
N pupils, one guardian each) and a logged-in session for each guardian and for the school's
admin, so the benchmark needs no Argon2id logins (2,000 of them would take longer than the
benchmark). A session token is stored as its BLAKE2b-256 hash, exactly as src/core/auth.c does;
the tokens themselves go to a JSON file for the driver.

The SQL runs unchanged on SQLite (sqlite3) and PostgreSQL (psql).

usage: afterschool_seed.py N OUT.sql OUT_TOKENS.json
"""
import hashlib
import json
import secrets
import sys

n = int(sys.argv[1])
out_sql, out_tokens = sys.argv[2], sys.argv[3]
CLASSES = 50
school = "课后服务压测学校"
lines = ["BEGIN;"]
lines.append(
    "INSERT INTO schools (district_id, name, kind, rural, created_at) "
    f"SELECT id, '{school}', 'nine_year', 0, 0 FROM districts ORDER BY id LIMIT 1;")
SID = f"(SELECT id FROM schools WHERE name = '{school}')"
DID = "(SELECT id FROM districts ORDER BY id LIMIT 1)"
HASH = "(SELECT password_hash FROM users WHERE username = 'admin')"
for c in range(CLASSES):
    grade = c % 9 + 1
    lines.append(
        "INSERT INTO classes (district_id, school_id, grade, name, created_at) "
        f"VALUES ({DID}, {SID}, {grade}, '压测{c + 1}班', 0);")
lines.append(
    "INSERT INTO users (district_id, username, name, password_hash, created_at) "
    f"VALUES ({DID}, 'asb_admin', '压测教务', {HASH}, 0);")
lines.append(
    "INSERT INTO user_roles (user_id, role, school_id) "
    f"SELECT id, 'school_admin', {SID} FROM users WHERE username = 'asb_admin';")
for i in range(n):
    c = i % CLASSES
    lines.append(
        "INSERT INTO students (district_id, school_id, class_id, name, student_no, created_at) "
        f"SELECT {DID}, {SID}, id, '压测学生{i + 1}', 'ASB{i + 1:05d}', 0 FROM classes "
        f"WHERE school_id = {SID} AND name = '压测{c + 1}班';")
    lines.append(
        "INSERT INTO users (district_id, username, name, password_hash, created_at) "
        f"VALUES ({DID}, 'asb_g{i + 1:05d}', '压测家长{i + 1}', {HASH}, 0);")
lines.append(
    "INSERT INTO user_roles (user_id, role) SELECT id, 'guardian' FROM users "
    "WHERE username LIKE 'asb_g%';")
lines.append(
    "INSERT INTO guardianships (student_id, user_id, relation) SELECT s.id, u.id, '母亲' "
    "FROM students s JOIN users u ON u.username = 'asb_g' || substr(s.student_no, 4) "
    "WHERE s.student_no LIKE 'ASB%';")
tokens = {"admin": None, "guardians": []}
expires = 4102444800  # 2100-01-01


def session(username):
    tok = "asb-" + secrets.token_urlsafe(24)
    h = hashlib.blake2b(tok.encode(), digest_size=32).hexdigest()
    lines.append(
        "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) "
        f"SELECT '{h}', id, 0, {expires} FROM users WHERE username = '{username}';")
    return tok


tokens["admin"] = session("asb_admin")
for i in range(n):
    tokens["guardians"].append({"student_no": f"ASB{i + 1:05d}", "token": session(f"asb_g{i + 1:05d}")})
lines.append("COMMIT;")
with open(out_sql, "w", encoding="utf-8") as f:
    f.write("\n".join(lines) + "\n")
with open(out_tokens, "w", encoding="utf-8") as f:
    json.dump(tokens, f)

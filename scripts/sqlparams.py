#!/usr/bin/env python3
"""Checks every db_run / db_insert_id / db_query_int64 / db_query / reply_list / db_list_page call: as many
parameters follow the SQL as its highest $N says (the types are the compiler's job: db.h's
DB_ARG refuses anything but integers and strings). A mismatch binds the wrong values at run
time; this finds it at build time. It also refuses the old type strings ("si") after the SQL,
which would now bind as text.
Usage: scripts/sqlparams.py FILE.c...   (exit 1 on a finding)"""
import re, sys
SQL_AT = {'db_run': 1, 'db_query': 1, 'db_query_int64': 2, 'db_insert_id': 2, 'reply_list': 1, 'db_list_page': 1}
PARAMS_AT = {'db_run': 2, 'db_query': 2, 'db_query_int64': 3, 'db_insert_id': 3, 'reply_list': 4, 'db_list_page': 6}

def split_args(call):
    args, depth, cur, instr, k = [], 0, '', False, 0
    while k < len(call):
        c = call[k]
        if instr:
            cur += c
            if c == '\\':
                cur += call[k + 1]; k += 1
            elif c == '"':
                instr = False
        elif c == '"':
            instr = True; cur += c
        elif c in '([{':
            depth += 1; cur += c
        elif c in ')]}':
            depth -= 1; cur += c
        elif c == ',' and depth == 0:
            args.append(cur.strip()); cur = ''
        else:
            cur += c
        k += 1
    args.append(cur.strip())
    return args

found = False
for path in sys.argv[1:]:
    src = open(path).read()
    for m in re.finditer(r'(?<![\w.>])(db_run|db_insert_id|db_query_int64|db_query|reply_list|db_list_page)\s*\(', src):
        line_start = src.rfind('\n', 0, m.start()) + 1
        if src[line_start:m.start()].lstrip().startswith(('#define', '*', '/*')):
            continue
        i = m.end(); depth = 1; j = i; instr = False
        while depth:
            c = src[j]
            if instr:
                if c == '\\': j += 1
                elif c == '"': instr = False
            elif c == '"': instr = True
            elif c == '(': depth += 1
            elif c == ')': depth -= 1
            j += 1
        args = split_args(src[i:j - 1])
        name = m.group(1)
        if re.match(r'(db_conn|req|const|db_stmt)\s*\*', args[0]):
            continue  # the declaration
        line = src[:m.start()].count('\n') + 1
        params = [a for a in args[PARAMS_AT[name]:] if a]
        if params and re.fullmatch(r'"[iIsn]+"', params[0]):
            print(f'{path}:{line}: {name}: a type string "{params[0][1:-1]}" after the SQL: pass the values alone')
            found = True
            continue
        sqlargs = args[SQL_AT[name]:SQL_AT[name] + (2 if name in ('reply_list', 'db_list_page') else 1)]
        if not all(re.fullmatch(r'(\s*"(?:[^"\\]|\\.)*"\s*)+', a) for a in sqlargs):
            continue  # SQL held in a variable: the count cannot be checked here
        sql = ' '.join(re.findall(r'"((?:[^"\\]|\\.)*)"', ' '.join(sqlargs)))
        ps = [int(x) for x in re.findall(r'\$(\d+)', sql)]
        maxp = max(ps) if ps else 0
        if maxp != len(params):
            print(f'{path}:{line}: {name}: {len(params)} parameters, highest ${maxp}')
            found = True
sys.exit(1 if found else 0)

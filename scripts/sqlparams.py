#!/usr/bin/env python3
"""Checks every db_run / db_insert_id / db_query_int64 / db_query / reply_list call: the type
string must have one letter per argument that follows it, and as many letters as the highest $N
of its SQL. A mismatch reads or binds the wrong memory at run time; this finds it at build time.
Usage: scripts/sqlparams.py FILE.c...   (exit 1 on a finding)"""
import re, sys
found = False
for path in sys.argv[1:]:
    src=open(path).read()
    for m in re.finditer(r'\b(db_run|db_insert_id|db_query_int64|db_query|reply_list)\s*\(', src):
        # find matching paren
        i=m.end(); depth=1; j=i; instr=False
        while depth:
            c=src[j]
            if instr:
                if c=='\\': j+=1
                elif c=='"': instr=False
            else:
                if c=='"': instr=True
                elif c=='(': depth+=1
                elif c==')': depth-=1
            j+=1
        call=src[i:j-1]
        # split top-level args
        args=[];depth=0;cur='';instr=False;k=0
        while k<len(call):
            c=call[k]
            if instr:
                cur+=c
                if c=='\\': cur+=call[k+1]; k+=1
                elif c=='"': instr=False
            else:
                if c=='"': instr=True; cur+=c
                elif c in '([{': depth+=1; cur+=c
                elif c in ')]}': depth-=1; cur+=c
                elif c==',' and depth==0: args.append(cur.strip()); cur=''
                else: cur+=c
            k+=1
        args.append(cur.strip())
        # find fmt arg: a pure string literal of [iIsn]* (possibly empty)
        sqlparts=' '.join(a for a in args if a.startswith('"'))
        fi=None
        for idx,a in enumerate(args):
            if re.fullmatch(r'"[iIsn]*"',a): fi=idx
        if fi is None:
            continue  # the wrappers themselves pass the types through
        fmt=args[fi][1:-1]
        nargs=len(args)-fi-1
        sql=' '.join(re.findall(r'"((?:[^"\\]|\\.)*)"', ' '.join(args[:fi])))
        ps=[int(x) for x in re.findall(r'\$(\d+)', sql)]
        maxp=max(ps) if ps else 0
        expect_args=len(fmt)-fmt.count('n')
        line=src[:m.start()].count('\n')+1
        extra = 2 if m.group(1)=='reply_list' else 0
        # SQL held in a variable (maxp == 0) can only be checked for the argument count
        bad = nargs != expect_args or (maxp and m.group(1) != 'reply_list' and maxp != len(fmt)) \
            or (m.group(1) == 'reply_list' and maxp > len(fmt))
        if bad:
            print(f'{path}:{line}: {m.group(1)}: types "{fmt}" ({len(fmt)}), {nargs} arguments, highest ${maxp}')
            found = True

sys.exit(1 if found else 0)

#!/usr/bin/env python3
"""The layout check (DESIGN.md "Arrows point down only: app -> modules -> core"):
  - src/core/ includes no module header and nothing of src/app/;
  - a module includes core, its own files, and of another module only its contract header
    (<other>/<other>.h; a demo.h may include another module's demo.h); never src/app/;
  - no circle of includes among the project's files.
Prints each finding as FILE: RULE and exits 1 when there is any.
Usage: scripts/layout.py [SRC_DIR]"""
import os, re, sys

src = sys.argv[1] if len(sys.argv) > 1 else 'src'
files = {}
for dirpath, _, names in os.walk(src):
    for n in names:
        if n.endswith(('.c', '.h')):
            p = os.path.relpath(os.path.join(dirpath, n), src)
            files[p] = [m.group(1) for m in re.finditer(r'^\s*#\s*include\s+"([^"]+)"', open(os.path.join(dirpath, n)).read(), re.M)]

def resolve(frm, inc):
    """The project file an include names, relative to src (same folder first, then src/)."""
    local = os.path.normpath(os.path.join(os.path.dirname(frm), inc))
    if local in files:
        return local
    return inc if inc in files else None

found = []
edges = {}
for f, incs in files.items():
    layer = f.split('/')[0] if '/' in f else 'main'
    edges[f] = []
    for inc in incs:
        t = resolve(f, inc)
        if not t:
            continue
        edges[f].append(t)
        tl = t.split('/')[0] if '/' in t else 'main'
        if layer == 'core' and tl != 'core':
            found.append(f'{f}: core includes {t} (core imports no module and nothing of app/)')
        elif layer not in ('core', 'app', 'main'):
            if tl == 'app':
                found.append(f'{f}: a module includes {t} (app/ is the top layer)')
            elif tl not in ('core', layer):
                contract = f'{tl}/{tl}.h'
                demo_ok = os.path.basename(f) in ('demo.h', 'demo.c') and t == f'{tl}/demo.h'
                if t != contract and not demo_ok:
                    found.append(f'{f}: includes {t}, an internal file of module {tl} (use {contract})')

# circles: depth-first search with colours
WHITE, GREY, BLACK = 0, 1, 2
colour = {f: WHITE for f in files}
stack = []
def visit(f):
    colour[f] = GREY
    stack.append(f)
    for t in edges[f]:
        if colour[t] == GREY:
            found.append('circle of includes: ' + ' -> '.join(stack[stack.index(t):] + [t]))
        elif colour[t] == WHITE:
            visit(t)
    stack.pop()
    colour[f] = BLACK
sys.setrecursionlimit(10000)
for f in sorted(files):
    if colour[f] == WHITE:
        visit(f)

for line in found:
    print(line)
sys.exit(1 if found else 0)

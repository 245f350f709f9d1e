#!/usr/bin/env python3
"""Time pySHACL on the files written by `examples/gen_bench_data.rs`, and optionally check that
it reports the same results as ggen-shacl.

usage: pyshacl_compare.py <data> <shapes.ttl> [repeat] [--compare ggen-report.json]

Prints the parse time and, for each run, the wall-clock and CPU time of pySHACL's `validate`
(no inference, no meta-shacl, all results) and the number of results. With `--compare`, the
results (focus node, path, value, constraint component) are compared with a ggen-shacl JSON
report (`cargo run --release -p ggen-shacl --example validate -- <data> <shapes.ttl> json`);
blank nodes and non-predicate paths are printed as they differ in notation.
"""
import json
import sys
import time

import pyshacl
import rdflib
from rdflib.namespace import SH

args = sys.argv[1:]
compare = None
if "--compare" in args:
    i = args.index("--compare")
    compare = args[i + 1]
    del args[i : i + 2]
data_path, shapes_path = args[0], args[1]
repeat = int(args[2]) if len(args) > 2 else 1

t = time.perf_counter()
data = rdflib.Graph()
data.parse(data_path, format="nt" if data_path.endswith(".nt") else "turtle")
print(f"parsed {len(data)} triples in {time.perf_counter() - t:.3f} s", file=sys.stderr)
shapes = rdflib.Graph()
shapes.parse(shapes_path, format="turtle")

for _ in range(repeat):
    t = time.perf_counter()
    c = time.process_time()
    conforms, report, _text = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", abort_on_first=False, meta_shacl=False,
        advanced=False, debug=False,
    )
    elapsed = time.perf_counter() - t
    cpu = time.process_time() - c
    # Top-level results only (nested sh:detail results are not counted).
    results = list(report.objects(None, SH.result))
    print(f"validated in {elapsed:.3f} s wall, {cpu:.3f} s CPU ({len(results)} results)", file=sys.stderr)
print(f"conforms: {conforms}, results: {len(results)}")

if compare:
    def n3(term):
        return term.n3() if term is not None else ""

    ours = set()
    for r in json.load(open(compare))["results"]:
        ours.add((r["focusNode"], r.get("resultPath", ""), r.get("value", ""), r["sourceConstraintComponent"]))
    theirs = set()
    for r in results:
        theirs.add((
            n3(report.value(r, SH.focusNode)), n3(report.value(r, SH.resultPath)),
            n3(report.value(r, SH.value)), str(report.value(r, SH.sourceConstraintComponent)),
        ))
    print(f"pySHACL {len(theirs)} results, ggen-shacl {len(ours)}, identical {len(theirs & ours)}")
    for x in sorted(theirs - ours):
        print("  only pySHACL:", x)
    for x in sorted(ours - theirs):
        print("  only ggen-shacl:", x)

#!/usr/bin/env python3
"""Time pySHACL on the files written by `examples/gen_bench_data.rs`.

usage: pyshacl_compare.py <data.nt> <shapes.ttl> [repeat]

Prints the parse time and each validation time (pySHACL's own `validate`, no inference, no
meta-shacl, all results) and the number of results, so they can be compared with
`cargo run --release -p ggen-shacl --example validate -- <data.nt> <shapes.ttl> summary`.
"""
import sys
import time

import pyshacl
import rdflib
from rdflib.namespace import SH

data_path, shapes_path = sys.argv[1], sys.argv[2]
repeat = int(sys.argv[3]) if len(sys.argv) > 3 else 1

t = time.perf_counter()
data = rdflib.Graph()
data.parse(data_path, format="nt")
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
    results = len(list(report.subjects(rdflib.RDF.type, SH.ValidationResult)))
    print(f"validated in {elapsed:.3f} s wall, {cpu:.3f} s CPU ({results} results)", file=sys.stderr)
print(f"conforms: {conforms}, results: {results}")

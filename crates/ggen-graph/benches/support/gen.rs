//! Deterministic N-Triples for the load benchmarks: products with typed literals, language
//! strings and links, optionally with a blank-node address per product (so that RDFC-1.0 has
//! work to do).

#![allow(dead_code)]

use std::fmt::Write as _;

const EX: &str = "http://example.org/load/";
const XSD: &str = "http://www.w3.org/2001/XMLSchema#";
const TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";

/// Triples per product without / with the blank-node address.
const PLAIN: usize = 8;
const WITH_BNODE: usize = 11;

/// About `triples` triples of product data. With `bnodes`, each product links to a blank node
/// with two triples of its own.
pub fn ntriples(triples: usize, bnodes: bool) -> String {
    let per = if bnodes { WITH_BNODE } else { PLAIN };
    let n = triples / per;
    let mut s = String::with_capacity(triples * 100);
    for i in 0..n {
        let _ = writeln!(s, "<{EX}p{i}> <{TYPE}> <{EX}Product> .");
        let _ = writeln!(s, "<{EX}p{i}> <{EX}name> \"Product number {i}\"@en .");
        let _ = writeln!(
            s,
            "<{EX}p{i}> <{EX}price> \"{}.{:02}\"^^<{XSD}decimal> .",
            i % 1000,
            i % 100
        );
        let _ = writeln!(
            s,
            "<{EX}p{i}> <{EX}stock> \"{}\"^^<{XSD}integer> .",
            i % 500
        );
        let _ = writeln!(
            s,
            "<{EX}p{i}> <{EX}added> \"20{:02}-0{}-1{}\"^^<{XSD}date> .",
            i % 25,
            1 + i % 9,
            i % 10
        );
        let _ = writeln!(
            s,
            "<{EX}p{i}> <{EX}related> <{EX}p{}> .",
            (i * 7 + 3) % n.max(1)
        );
        let _ = writeln!(s, "<{EX}p{i}> <{EX}category> <{EX}cat{}> .", i % 50);
        let _ = writeln!(
            s,
            "<{EX}p{i}> <{EX}description> \"A \\\"quoted\\\" description of product {i}\\nwith two lines\" ."
        );
        if bnodes {
            let _ = writeln!(s, "<{EX}p{i}> <{EX}madeAt> _:a{i} .");
            let _ = writeln!(s, "_:a{i} <{EX}city> \"City {}\" .", i % 300);
            let _ = writeln!(s, "_:a{i} <{EX}street> \"{} Main Street\" .", i);
        }
    }
    s
}

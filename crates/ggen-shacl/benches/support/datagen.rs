//! Deterministic benchmark data: a graph of people and companies with a few known violations,
//! and a handful of shapes. Shared by `benches/validate.rs` and `examples/gen_bench_data.rs`
//! (which writes the same files for the pySHACL comparison).

#![allow(dead_code)]

use std::fmt::Write as _;

/// Triples per person (type, name, age, email, 2 × knows, birth date, employer, status).
const PER_PERSON: usize = 9;
/// One company (3 triples) per this many people.
const PEOPLE_PER_COMPANY: usize = 50;

/// The shapes: 2 node shapes with class targets, 9 property shapes.
pub const SHAPES_TTL: &str = r#"@prefix ex: <http://example.org/bench/> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

ex:PersonShape a sh:NodeShape ;
    sh:targetClass ex:Person ;
    sh:property [ sh:path ex:name ; sh:datatype xsd:string ; sh:minCount 1 ; sh:maxCount 1 ] ;
    sh:property [ sh:path ex:age ; sh:datatype xsd:integer ; sh:minInclusive 0 ; sh:maxInclusive 150 ; sh:maxCount 1 ] ;
    sh:property [ sh:path ex:email ; sh:pattern "^[^@ ]+@[^@ ]+\\.[a-z]+$" ] ;
    sh:property [ sh:path ex:knows ; sh:class ex:Person ; sh:nodeKind sh:IRI ] ;
    sh:property [ sh:path ex:birthDate ; sh:datatype xsd:date ; sh:maxCount 1 ] ;
    sh:property [ sh:path ex:employer ; sh:class ex:Company ; sh:maxCount 1 ] ;
    sh:property [ sh:path ex:status ; sh:in ( ex:Active ex:Retired ) ] .

ex:CompanyShape a sh:NodeShape ;
    sh:targetClass ex:Company ;
    sh:property [ sh:path ex:name ; sh:datatype xsd:string ; sh:minCount 1 ] ;
    sh:property [ sh:path ex:founded ; sh:datatype xsd:date ] .
"#;

/// The number of people for about `triples` triples.
pub fn people_for(triples: usize) -> usize {
    // Each person contributes PER_PERSON triples plus 3/PEOPLE_PER_COMPANY for companies, and
    // there is one subclass triple.
    (triples * PEOPLE_PER_COMPANY) / (PER_PERSON * PEOPLE_PER_COMPANY + 3)
}

/// N-Triples data for `people` people. Every 97th person has a malformed email, every 101st a
/// negative age, every 211th no name, every 307th an employer that is not a company.
pub fn data_ntriples(people: usize) -> String {
    const EX: &str = "http://example.org/bench/";
    const XSD: &str = "http://www.w3.org/2001/XMLSchema#";
    const TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
    let companies = people.div_ceil(PEOPLE_PER_COMPANY).max(1);
    let mut s = String::with_capacity(people * PER_PERSON * 110);
    let _ = writeln!(
        s,
        "<{EX}Employee> <http://www.w3.org/2000/01/rdf-schema#subClassOf> <{EX}Person> ."
    );
    for c in 0..companies {
        let _ = writeln!(s, "<{EX}c{c}> <{TYPE}> <{EX}Company> .");
        let _ = writeln!(s, "<{EX}c{c}> <{EX}name> \"Company {c}\" .");
        let _ = writeln!(
            s,
            "<{EX}c{c}> <{EX}founded> \"{}-01-01\"^^<{XSD}date> .",
            1900 + c % 120
        );
    }
    for i in 0..people {
        let p = format!("<{EX}p{i}>");
        let class = if i % 3 == 0 { "Employee" } else { "Person" };
        let _ = writeln!(s, "{p} <{TYPE}> <{EX}{class}> .");
        if i % 211 == 0 {
            let _ = writeln!(s, "{p} <{EX}nickname> \"P{i}\" .");
        } else {
            let _ = writeln!(s, "{p} <{EX}name> \"Person {i}\" .");
        }
        let age: i64 = if i % 101 == 0 { -1 } else { (i % 90) as i64 };
        let _ = writeln!(s, "{p} <{EX}age> \"{age}\"^^<{XSD}integer> .");
        if i % 97 == 0 {
            let _ = writeln!(s, "{p} <{EX}email> \"p{i} at example.org\" .");
        } else {
            let _ = writeln!(s, "{p} <{EX}email> \"p{i}@example.org\" .");
        }
        let _ = writeln!(s, "{p} <{EX}knows> <{EX}p{}> .", (i + 1) % people);
        let _ = writeln!(s, "{p} <{EX}knows> <{EX}p{}> .", (i + 7) % people);
        let _ = writeln!(
            s,
            "{p} <{EX}birthDate> \"{}-{:02}-{:02}\"^^<{XSD}date> .",
            1930 + i % 80,
            1 + i % 12,
            1 + i % 28
        );
        if i % 307 == 0 {
            let _ = writeln!(s, "{p} <{EX}employer> <{EX}p{}> .", (i + 3) % people);
        } else {
            let _ = writeln!(s, "{p} <{EX}employer> <{EX}c{}> .", i % companies);
        }
        let status = if i % 5 == 0 { "Retired" } else { "Active" };
        let _ = writeln!(s, "{p} <{EX}status> <{EX}{status}> .");
    }
    s
}

/// The number of results the data of `people` people must produce against [`SHAPES_TTL`].
pub fn expected_results(people: usize) -> usize {
    let count = |k: usize| people.div_ceil(k);
    // malformed email, negative age, missing name, non-company employer
    count(97) + count(101) + count(211) + count(307)
}

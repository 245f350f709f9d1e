//! The word lists behind `pluralize` and `singularize`. All entries are lowercase ASCII.
//!
//! Every list is documented in the module documentation of [`crate::inflect`]; keep the two in
//! step when editing.

/// Words with one form for singular and plural; both functions return them unchanged.
///
/// `data` and `metadata` are here on purpose: in code, `data` is used as a mass noun
/// (`UserData`, `load_data`) far more often than as the plural of `datum`.
pub(super) const UNCOUNTABLE: &[&str] = &[
    "advice",
    "aircraft",
    "baggage",
    "bison",
    "chaos",
    "chassis",
    "cosmos",
    "data",
    "debris",
    "deer",
    "equipment",
    "ethos",
    "evidence",
    "feedback",
    "firmware",
    "fish",
    "furniture",
    "hardware",
    "homework",
    "information",
    "knowledge",
    "kudos",
    "luggage",
    "media",
    "metadata",
    "middleware",
    "money",
    "moose",
    "music",
    "news",
    "offspring",
    "pathos",
    "police",
    "research",
    "rice",
    "salmon",
    "series",
    "sheep",
    "software",
    "species",
    "swine",
    "traffic",
    "trout",
];

/// Irregular (singular, plural) pairs, matched against the whole last word.
pub(super) const IRREGULAR: &[(&str, &str)] = &[
    ("appendix", "appendices"),
    ("child", "children"),
    ("corpus", "corpora"),
    ("criterion", "criteria"),
    ("foot", "feet"),
    ("genus", "genera"),
    ("goose", "geese"),
    ("louse", "lice"),
    ("man", "men"),
    ("matrix", "matrices"),
    ("mouse", "mice"),
    ("ox", "oxen"),
    ("person", "people"),
    ("phenomenon", "phenomena"),
    ("tooth", "teeth"),
    ("vertex", "vertices"),
    ("woman", "women"),
];

/// Irregular pairs that also apply at the end of a longer word (`salesperson` →
/// `salespeople`, `grandchild` → `grandchildren`, `chairwoman` → `chairwomen`).
pub(super) const IRREGULAR_SUFFIX: &[(&str, &str)] = &[
    ("child", "children"),
    ("person", "people"),
    ("woman", "women"),
];

/// Latin and Greek plurals that `singularize` understands although `pluralize` produces the
/// English form (`index` → `indexes`, `radius` → `radiuses`).
pub(super) const CLASSICAL_PLURALS: &[(&str, &str)] = &[
    ("alumni", "alumnus"),
    ("cacti", "cactus"),
    ("foci", "focus"),
    ("fungi", "fungus"),
    ("indices", "index"),
    ("nuclei", "nucleus"),
    ("octopi", "octopus"),
    ("radii", "radius"),
    ("stimuli", "stimulus"),
    ("syllabi", "syllabus"),
];

/// Singular nouns ending in `s` (other than `-ss`, `-us`, `-sis`) that take `-es`. `iris` is
/// deliberately absent: in RDF code `iris` is the plural of `iri`.
pub(super) const S_SINGULAR: &[&str] = &[
    "alias",
    "atlas",
    "bias",
    "canvas",
    "gas",
    "lens",
    "metropolis",
    "pelvis",
    "tennis",
    "thermos",
    "trellis",
];

/// Singular nouns ending in `-us` whose plural `-uses` `singularize` turns back into `-us`
/// (any other `-uses` is read as `-use` + `s`: `causes` → `cause`, `houses` → `house`).
pub(super) const US_SINGULAR: &[&str] = &[
    "abacus",
    "apparatus",
    "bonus",
    "bus",
    "cactus",
    "campus",
    "census",
    "chorus",
    "circus",
    "consensus",
    "focus",
    "fungus",
    "hippopotamus",
    "minus",
    "nexus",
    "nucleus",
    "octopus",
    "onus",
    "platypus",
    "plus",
    "prospectus",
    "radius",
    "sinus",
    "status",
    "stimulus",
    "surplus",
    "syllabus",
    "terminus",
    "thesaurus",
    "virus",
    "walrus",
];

/// Nouns ending in `u` whose plural ends in `-us` (so `menus` is plural, not a singular `-us`).
pub(super) const U_WORDS: &[&str] = &[
    "cpu", "emu", "gnu", "gpu", "guru", "haiku", "kudzu", "menu", "sku", "tofu", "tutu", "zebu",
];

/// Endings of `-sis` nouns whose plural `-ses` `singularize` turns back into `-sis`. Others
/// (`bases`, `phases`, `cases`) are read as `-se` + `s`.
pub(super) const SIS_ENDINGS: &[&str] = &[
    "crisis", "genesis", "gnosis", "lysis", "mphasis", "nemesis", "nopsis", "oasis", "thesis",
];

/// Nouns ending in `-ie` (so their plural `-ies` is not a `-y` plural). Matched as endings.
pub(super) const IE_WORDS: &[&str] = &[
    "auntie",
    "birdie",
    "boogie",
    "bookie",
    "brownie",
    "calorie",
    "collie",
    "cookie",
    "freebie",
    "genie",
    "goalie",
    "hippie",
    "hoagie",
    "lingerie",
    "menagerie",
    "movie",
    "newbie",
    "pixie",
    "prairie",
    "reverie",
    "rookie",
    "rotisserie",
    "selfie",
    "smoothie",
    "sortie",
    "talkie",
    "veggie",
    "zombie",
];

/// (singular, plural) pairs of `-f`/`-fe` nouns that change to `-ves`. Other `-f` nouns add
/// `s` (`roof` → `roofs`, `chief` → `chiefs`), and other `-ves` plurals drop the `s`
/// (`moves` → `move`, `archives` → `archive`).
pub(super) const F_TO_VES: &[(&str, &str)] = &[
    ("bookshelf", "bookshelves"),
    ("calf", "calves"),
    ("elf", "elves"),
    ("half", "halves"),
    ("housewife", "housewives"),
    ("knife", "knives"),
    ("leaf", "leaves"),
    ("life", "lives"),
    ("loaf", "loaves"),
    ("midwife", "midwives"),
    ("penknife", "penknives"),
    ("scarf", "scarves"),
    ("self", "selves"),
    ("sheaf", "sheaves"),
    ("shelf", "shelves"),
    ("thief", "thieves"),
    ("werewolf", "werewolves"),
    ("wife", "wives"),
    ("wolf", "wolves"),
];

/// Nouns ending in `-o` that take `-es`; every other `-o` noun adds `s` (`photo` → `photos`).
pub(super) const O_ES: &[&str] = &[
    "buffalo", "echo", "embargo", "hero", "mosquito", "potato", "tomato", "torpedo", "veto",
];

/// Nouns ending in `-ch` pronounced /k/, which add `s` (`epoch` → `epochs`).
pub(super) const CH_K: &[&str] = &[
    "epoch",
    "eunuch",
    "loch",
    "matriarch",
    "monarch",
    "oligarch",
    "patriarch",
    "stomach",
    "tech",
];

/// Nouns ending in `-che`, so `-ches` is read as `-che` + `s` (`caches` → `cache`). Matched as
/// endings.
pub(super) const CHE_WORDS: &[&str] = &[
    "attache",
    "avalanche",
    "cache",
    "cliche",
    "creche",
    "headache",
    "microfiche",
    "moustache",
    "mustache",
    "niche",
    "psyche",
    "quiche",
];

/// Nouns ending in a single `z` that double it before `-es` (`quiz` → `quizzes`).
pub(super) const DOUBLE_Z: &[&str] = &["fez", "quiz", "whiz"];

#[cfg(test)]
mod tests {
    use super::*;

    fn check_sorted_lowercase(name: &str, list: &[&str]) {
        for w in list {
            assert!(
                w.bytes().all(|b| b.is_ascii_lowercase()),
                "{name}: `{w}` is not lowercase ASCII"
            );
        }
        let mut sorted = list.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted, list, "{name} must be sorted and free of duplicates");
    }

    #[test]
    fn lists_are_sorted_lowercase_and_unique() {
        check_sorted_lowercase("UNCOUNTABLE", UNCOUNTABLE);
        check_sorted_lowercase("S_SINGULAR", S_SINGULAR);
        check_sorted_lowercase("US_SINGULAR", US_SINGULAR);
        check_sorted_lowercase("U_WORDS", U_WORDS);
        check_sorted_lowercase("SIS_ENDINGS", SIS_ENDINGS);
        check_sorted_lowercase("IE_WORDS", IE_WORDS);
        check_sorted_lowercase("O_ES", O_ES);
        check_sorted_lowercase("CH_K", CH_K);
        check_sorted_lowercase("CHE_WORDS", CHE_WORDS);
        check_sorted_lowercase("DOUBLE_Z", DOUBLE_Z);
        for (name, pairs) in [
            ("IRREGULAR", IRREGULAR),
            ("IRREGULAR_SUFFIX", IRREGULAR_SUFFIX),
            ("CLASSICAL_PLURALS", CLASSICAL_PLURALS),
            ("F_TO_VES", F_TO_VES),
        ] {
            let firsts: Vec<&str> = pairs.iter().map(|p| p.0).collect();
            let seconds: Vec<&str> = pairs.iter().map(|p| p.1).collect();
            check_sorted_lowercase(name, &firsts);
            for w in seconds {
                assert!(w.bytes().all(|b| b.is_ascii_lowercase()), "{name}: {w}");
            }
        }
    }

    #[test]
    fn no_word_is_in_two_conflicting_lists() {
        for w in UNCOUNTABLE {
            assert!(!IRREGULAR.iter().any(|(s, p)| s == w || p == w), "{w}");
            assert!(!S_SINGULAR.contains(w), "{w}");
            assert!(!US_SINGULAR.contains(w), "{w}");
        }
        for w in S_SINGULAR {
            assert!(!US_SINGULAR.contains(w), "{w}");
        }
    }
}

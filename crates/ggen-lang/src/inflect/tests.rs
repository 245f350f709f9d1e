use super::*;

#[track_caller]
fn plural_pairs(pairs: &[(&str, &str)]) {
    for (singular, plural) in pairs {
        assert_eq!(pluralize(singular), *plural, "pluralize({singular:?})");
        assert_eq!(singularize(plural), *singular, "singularize({plural:?})");
    }
}

#[test]
fn brief_examples() {
    assert_eq!(pluralize("user_profile"), "user_profiles");
    assert_eq!(pluralize("UserProfile"), "UserProfiles");
    assert_eq!(pluralize("category"), "categories");
    assert_eq!(
        pluralize(&crate::case::snake("UserProfile")),
        "user_profiles"
    );
    assert_eq!(pluralize("Address"), "Addresses");
    assert_eq!(pluralize("status"), "statuses");
    assert_eq!(pluralize("box"), "boxes");
    assert_eq!(pluralize("quiz"), "quizzes");
    assert_eq!(pluralize("leaf"), "leaves");
    assert_eq!(pluralize("analysis"), "analyses");
}

#[test]
fn irregulars_both_ways() {
    plural_pairs(&[
        ("person", "people"),
        ("child", "children"),
        ("mouse", "mice"),
        ("man", "men"),
        ("woman", "women"),
        ("goose", "geese"),
        ("tooth", "teeth"),
        ("foot", "feet"),
        ("ox", "oxen"),
        ("criterion", "criteria"),
        ("phenomenon", "phenomena"),
        ("matrix", "matrices"),
        ("vertex", "vertices"),
        ("appendix", "appendices"),
        ("corpus", "corpora"),
        ("genus", "genera"),
        ("salesperson", "salespeople"),
        ("grandchild", "grandchildren"),
        ("chairwoman", "chairwomen"),
    ]);
    // Irregular words only match whole unless listed as endings.
    assert_eq!(pluralize("human"), "humans");
    assert_eq!(singularize("humans"), "human");
    assert_eq!(pluralize("bluetooth"), "bluetooths");
    assert_eq!(pluralize("box"), "boxes");
    // The other form is returned unchanged.
    assert_eq!(pluralize("people"), "people");
    assert_eq!(pluralize("children"), "children");
    assert_eq!(singularize("person"), "person");
    assert_eq!(singularize("mouse"), "mouse");
}

#[test]
fn classical_plurals_are_understood_by_singularize() {
    for (plural, singular) in [
        ("indices", "index"),
        ("radii", "radius"),
        ("cacti", "cactus"),
        ("fungi", "fungus"),
        ("octopi", "octopus"),
    ] {
        assert_eq!(singularize(plural), singular);
    }
    assert_eq!(pluralize("index"), "indexes");
    assert_eq!(pluralize("radius"), "radiuses");
}

#[test]
fn uncountables_are_unchanged() {
    for w in [
        "equipment",
        "information",
        "series",
        "species",
        "sheep",
        "data",
        "metadata",
        "news",
        "fish",
        "software",
    ] {
        assert_eq!(pluralize(w), w);
        assert_eq!(singularize(w), w);
    }
    assert_eq!(singularize("UserData"), "UserData");
    assert_eq!(pluralize("user_metadata"), "user_metadata");
    assert_eq!(pluralize("TvSeries"), "TvSeries");
}

#[test]
fn rules_for_s_endings() {
    plural_pairs(&[
        ("address", "addresses"),
        ("class", "classes"),
        ("process", "processes"),
        ("status", "statuses"),
        ("bus", "buses"),
        ("bonus", "bonuses"),
        ("virus", "viruses"),
        ("analysis", "analyses"),
        ("crisis", "crises"),
        ("thesis", "theses"),
        ("hypothesis", "hypotheses"),
        ("diagnosis", "diagnoses"),
        ("synopsis", "synopses"),
        ("emphasis", "emphases"),
        ("oasis", "oases"),
        ("axis", "axes"),
        ("alias", "aliases"),
        ("atlas", "atlases"),
        ("bias", "biases"),
        ("canvas", "canvases"),
        ("gas", "gases"),
        ("lens", "lenses"),
    ]);
    // Words ending in `s` not covered above are taken to be plural already.
    assert_eq!(pluralize("users"), "users");
    assert_eq!(pluralize("areas"), "areas");
    assert_eq!(pluralize("taxis"), "taxis");
    assert_eq!(pluralize("menus"), "menus");
    assert_eq!(pluralize("bureaus"), "bureaus");
    // ... and singular words ending in `s` stay as they are.
    for w in [
        "address", "status", "analysis", "bus", "gas", "axis", "lens",
    ] {
        assert_eq!(singularize(w), w);
    }
    // `-uses` and `-ses` that are `-use`/`-se` plus `s`.
    for (plural, singular) in [
        ("causes", "cause"),
        ("houses", "house"),
        ("uses", "use"),
        ("cases", "case"),
        ("bases", "base"),
        ("phases", "phase"),
        ("databases", "database"),
        ("responses", "response"),
        ("doses", "dose"),
    ] {
        assert_eq!(singularize(plural), singular);
    }
}

#[test]
fn rules_for_y_f_o_and_sibilants() {
    plural_pairs(&[
        ("category", "categories"),
        ("city", "cities"),
        ("entry", "entries"),
        ("property", "properties"),
        ("query", "queries"),
        ("soliloquy", "soliloquies"),
        ("day", "days"),
        ("key", "keys"),
        ("toy", "toys"),
        ("guy", "guys"),
        ("movie", "movies"),
        ("cookie", "cookies"),
        ("zombie", "zombies"),
        ("pie", "pies"),
        ("tie", "ties"),
        ("leaf", "leaves"),
        ("wolf", "wolves"),
        ("half", "halves"),
        ("shelf", "shelves"),
        ("knife", "knives"),
        ("wife", "wives"),
        ("life", "lives"),
        ("thief", "thieves"),
        ("roof", "roofs"),
        ("chief", "chiefs"),
        ("belief", "beliefs"),
        ("safe", "safes"),
        ("move", "moves"),
        ("archive", "archives"),
        ("curve", "curves"),
        ("box", "boxes"),
        ("tax", "taxes"),
        ("index", "indexes"),
        ("suffix", "suffixes"),
        ("church", "churches"),
        ("match", "matches"),
        ("branch", "branches"),
        ("cache", "caches"),
        ("niche", "niches"),
        ("epoch", "epochs"),
        ("stomach", "stomachs"),
        ("dish", "dishes"),
        ("hash", "hashes"),
        ("buzz", "buzzes"),
        ("waltz", "waltzes"),
        ("quiz", "quizzes"),
        ("size", "sizes"),
        ("hero", "heroes"),
        ("potato", "potatoes"),
        ("echo", "echoes"),
        ("photo", "photos"),
        ("repo", "repos"),
        ("shoe", "shoes"),
        ("toe", "toes"),
        ("canoe", "canoes"),
        ("menu", "menus"),
        ("sku", "skus"),
        ("bureau", "bureaus"),
        ("taxi", "taxis"),
        ("api", "apis"),
        ("user", "users"),
        ("value", "values"),
        ("type", "types"),
    ]);
}

#[test]
fn casing_is_kept() {
    assert_eq!(pluralize("UserCategory"), "UserCategories");
    assert_eq!(pluralize("USER_CATEGORY"), "USER_CATEGORIES");
    assert_eq!(pluralize("user-category"), "user-categories");
    assert_eq!(pluralize("user category"), "user categories");
    assert_eq!(pluralize("userCategory"), "userCategories");
    assert_eq!(pluralize("Person"), "People");
    assert_eq!(pluralize("PERSON"), "PEOPLE");
    assert_eq!(singularize("People"), "Person");
    assert_eq!(singularize("CHILDREN"), "CHILD");
    assert_eq!(pluralize("SalesPerson"), "SalesPeople");
    assert_eq!(pluralize("HTTPServer"), "HTTPServers");
    assert_eq!(pluralize("Leaf"), "Leaves");
    assert_eq!(singularize("Leaves"), "Leaf");
    assert_eq!(pluralize("Analysis"), "Analyses");
    assert_eq!(singularize("MOUSE_MICE"), "MOUSE_MOUSE");
}

#[test]
fn acronyms() {
    assert_eq!(pluralize("UserID"), "UserIDs");
    assert_eq!(singularize("UserIDs"), "UserID");
    assert_eq!(pluralize("ImportURL"), "ImportURLs");
    assert_eq!(singularize("APIs"), "API");
    assert_eq!(pluralize("APIs"), "APIs");
    assert_eq!(singularize("IRIs"), "IRI");
    assert_eq!(singularize("SKUs"), "SKU");
    assert_eq!(pluralize("userId"), "userIds");
    assert_eq!(pluralize("USER_ID"), "USER_IDS");
    assert_eq!(singularize("USER_IDS"), "USER_ID");
    assert_eq!(pluralize("API"), "APIS");
}

#[test]
fn odd_inputs() {
    assert_eq!(pluralize(""), "");
    assert_eq!(singularize(""), "");
    assert_eq!(pluralize("___"), "___");
    assert_eq!(pluralize("users?"), "users?");
    assert_eq!(pluralize("user?"), "users?");
    assert_eq!(pluralize("user_"), "users_");
    assert_eq!(pluralize("item2"), "item2s");
    assert_eq!(pluralize("123"), "123s");
    assert_eq!(singularize("s"), "s");
    assert_eq!(pluralize("y"), "ys");
    assert_eq!(pluralize("größe"), "größes");
    assert_eq!(pluralize("Straße"), "Straßes");
    assert_eq!(pluralize("日本"), "日本s");
    assert_eq!(singularize("İs"), "İ");
}

#[test]
fn ordinalize_examples() {
    for (n, expected) in [
        ("0", "0th"),
        ("1", "1st"),
        ("2", "2nd"),
        ("3", "3rd"),
        ("4", "4th"),
        ("11", "11th"),
        ("12", "12th"),
        ("13", "13th"),
        ("21", "21st"),
        ("22", "22nd"),
        ("23", "23rd"),
        ("101", "101st"),
        ("111", "111th"),
        ("112", "112th"),
        ("1000", "1000th"),
        ("-1", "-1st"),
        ("-12", "-12th"),
        (" 23 ", "23rd"),
        (
            "123456789012345678901234567890",
            "123456789012345678901234567890th",
        ),
        (
            "123456789012345678901234567891",
            "123456789012345678901234567891st",
        ),
    ] {
        assert_eq!(ordinalize(n).unwrap(), expected, "{n}");
    }
    for bad in ["", "-", "abc", "1.5", "1st", "+1", "1 2", "١"] {
        assert_eq!(
            ordinalize(bad),
            Err(LangError::NotANumber {
                input: bad.to_owned()
            }),
            "{bad}"
        );
    }
}

#[test]
fn deordinalize_examples() {
    for (s, expected) in [
        ("1st", "1"),
        ("2nd", "2"),
        ("3rd", "3"),
        ("4th", "4"),
        ("11th", "11"),
        ("12th", "12"),
        ("13th", "13"),
        ("23rd", "23"),
        ("112th", "112"),
        ("-1st", "-1"),
        (" 21ST ", "21"),
    ] {
        assert_eq!(deordinalize(s).unwrap(), expected, "{s}");
    }
    for bad in ["", "1", "st", "1th", "11st", "2rd", "abc", "1é", "é"] {
        assert_eq!(
            deordinalize(bad),
            Err(LangError::NotAnOrdinal {
                input: bad.to_owned()
            }),
            "{bad}"
        );
    }
    for n in 0..=1200 {
        let s = n.to_string();
        assert_eq!(deordinalize(&ordinalize(&s).unwrap()).unwrap(), s);
    }
}

#[test]
fn foreign_key_examples() {
    assert_eq!(foreign_key("Message"), "message_id");
    assert_eq!(foreign_key("Admin::Post"), "post_id");
    assert_eq!(foreign_key("UserProfile"), "user_profile_id");
    assert_eq!(foreign_key("Admin::APIKey"), "api_key_id");
    assert_eq!(foreign_key("shop.Order"), "order_id");
    assert_eq!(foreign_key(""), "_id");
}

#[test]
fn demodulize_and_deconstantize() {
    for (input, demod, decon) in [
        ("A::B::C", "C", "A::B"),
        ("Net::HTTP", "HTTP", "Net"),
        ("::Net::HTTP", "HTTP", "::Net"),
        ("::Account", "Account", ""),
        ("Account", "Account", ""),
        ("", "", ""),
        ("A::", "", "A"),
        ("com.example.Shop", "Shop", "com.example"),
        ("pkg/sub/Thing", "Thing", "pkg/sub"),
        ("crate::model.Order", "Order", "crate::model"),
        ("a.b::C", "C", "a.b"),
        ("a::b.c/D", "D", "a::b.c"),
        ("a:b", "a:b", ""),
    ] {
        assert_eq!(demodulize(input), demod, "demodulize({input:?})");
        assert_eq!(deconstantize(input), decon, "deconstantize({input:?})");
    }
}

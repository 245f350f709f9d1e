//! English inflection for identifiers: `pluralize`, `singularize`, `ordinalize`,
//! `deordinalize`, `foreign_key`, `demodulize`, `deconstantize`.
//!
//! # Plurals and singulars
//!
//! [`pluralize`] and [`singularize`] change the **last word** of an identifier and keep
//! everything else, including the casing style:
//!
//! ```
//! use ggen_lang::inflect::{pluralize, singularize};
//! assert_eq!(pluralize("user_profile"), "user_profiles");
//! assert_eq!(pluralize("UserProfile"), "UserProfiles");
//! assert_eq!(pluralize("USER_CATEGORY"), "USER_CATEGORIES");
//! assert_eq!(pluralize("salesPerson"), "salesPeople");
//! assert_eq!(singularize("order-lines"), "order-line");
//! assert_eq!(singularize("UserIDs"), "UserID");
//! ```
//!
//! The last word is found like the case filters find words (see [`crate::case`]): after the
//! last character that is not a letter or digit, or at the last camel-case boundary. Characters
//! after the last letter or digit (`user?` → `users?`) are kept as they are. Letters that stay
//! keep their case; new letters are lowercase, or uppercase when the input has capitals and no
//! lowercase letter (`SHOUTY_SNAKE`). Two cases of acronyms in mixed-case input are handled on their own:
//! an all-capitals last word of two or more letters is pluralized by appending a lowercase `s`
//! (`UserID` → `UserIDs`, `ImportURL` → `ImportURLs`), and such a word followed by a lowercase
//! `s` is singularized by removing it (`APIs` → `API`).
//!
//! The rules, applied to the lowercased last word, first match wins:
//!
//! 1. **Uncountable** words are returned unchanged: advice, aircraft, baggage, bison, chaos,
//!    chassis, cosmos, **data**, debris, deer, equipment, ethos, evidence, feedback, firmware,
//!    fish, furniture, hardware, homework, information, knowledge, kudos, luggage, media,
//!    **metadata**, middleware, money, moose, music, news, offspring, pathos, police, research,
//!    rice, salmon, series, sheep, software, species, swine, traffic, trout. `data` is treated
//!    as uncountable (not as the plural of `datum`) because code uses it as a mass noun:
//!    `singularize("UserData")` stays `UserData`.
//! 2. **Irregular** pairs, matched against the whole word: appendix/appendices, child/children,
//!    corpus/corpora, criterion/criteria, foot/feet, genus/genera, goose/geese, louse/lice,
//!    man/men, matrix/matrices, mouse/mice, ox/oxen, person/people, phenomenon/phenomena,
//!    tooth/teeth, vertex/vertices, woman/women. `child`, `person` and `woman` also match at
//!    the end of a word (`grandchild` → `grandchildren`, `salesperson` → `salespeople`); the
//!    others do not (`human` → `humans`, `bluetooth` → `bluetooths`). A word that is already
//!    the other form is returned unchanged (`pluralize("people")` = `people`).
//!    `singularize` also knows the classical plurals alumni, cacti, foci, fungi, indices,
//!    nuclei, octopi, radii, stimuli and syllabi, though `pluralize` writes the English forms
//!    (`index` → `indexes`, `radius` → `radiuses`).
//! 3. **Words ending in `s`** (pluralize): `-ss` adds `es` (`address` → `addresses`); `-sis`
//!    becomes `-ses` (`analysis` → `analyses`) and `axis` becomes `axes`; `-us` adds
//!    `es` (`status` → `statuses`, `bus` → `buses`) unless it is the plural of a `-u` word
//!    (cpu, emu, gnu, gpu, guru, haiku, kudzu, menu, sku, tofu, tutu, zebu) or ends in `-eaus`;
//!    the singular `-s` words alias, atlas, bias, canvas, gas, lens, metropolis, pelvis,
//!    tennis, thermos, trellis add `es` (`iris` is not among them: in RDF code it is the
//!    plural of `iri`). **Any other word ending in `s` is taken to be plural
//!    already and returned unchanged** (`users`, `areas`, `taxis`), so `pluralize` is safe on
//!    names that are plural already.
//! 4. **`-y`** after a consonant or `qu` becomes `-ies` (`category` → `categories`); after a
//!    vowel it takes `s` (`key` → `keys`).
//! 5. **`-f`/`-fe`** become `-ves` only for bookshelf, calf, elf, half, housewife, knife, leaf,
//!    life, loaf, midwife, penknife, scarf, self, sheaf, shelf, thief, werewolf, wife, wolf;
//!    other words add `s` (`roof` → `roofs`, `chief` → `chiefs`, `safe` → `safes`).
//! 6. **`-x`, `-ch`, `-sh`, `-z`** add `es` (`box` → `boxes`, `church` → `churches`,
//!    `buzz` → `buzzes`); fez, quiz and whiz double the `z` (`quiz` → `quizzes`); the `-ch`
//!    words pronounced /k/ (epoch, eunuch, loch, matriarch, monarch, oligarch, patriarch,
//!    stomach, tech) add `s`.
//! 7. **`-o`** adds `es` for buffalo, echo, embargo, hero, mosquito, potato, tomato, torpedo,
//!    veto, and `s` otherwise (`photo` → `photos`).
//! 8. Anything else adds `s`.
//!
//! `singularize` reverses these rules: `-ies` becomes `-y` except for `-ie` nouns (movie,
//! cookie, zombie, … and one letter plus `ies`, such as `pies`); `-ves` becomes `-f`/`-fe` for the
//! words above and `-ve` otherwise (`moves` → `move`); `-sses` → `-ss`; `-uses` → `-us` only
//! for the `-us` nouns abacus, apparatus, bonus, bus, cactus, campus, census, chorus, circus,
//! consensus, focus, fungus, hippopotamus, minus, nexus, nucleus, octopus, onus, platypus,
//! plus, prospectus, radius, sinus, status, stimulus, surplus, syllabus, terminus, thesaurus,
//! virus, walrus (otherwise `causes` → `cause`); `-ses` → `-sis` for words ending in crisis,
//! genesis, gnosis, lysis, mphasis, nemesis, nopsis, oasis, thesis (otherwise `cases` →
//! `case`, `bases` → `base`, `phases` → `phase`); `-xes` → `-x` (and `axes` → `axis`);
//! `-ches` → `-ch` except for `-che` nouns (cache, niche, avalanche, …); `-shes` → `-sh`;
//! `quizzes`, `fezzes`, `whizzes` → `-z`, other `-zzes` and `-tzes` → `-zz`/`-tz`
//! (`buzzes` → `buzz`, `waltzes` → `waltz`); `-oes` → `-o` for the
//! `-o` words above and `-oe` otherwise (`shoes` → `shoe`); a final `s` is removed unless the
//! word ends in `-ss`, `-us` (other than the `-u` plurals above) or `-sis`, is `axis`, or is one of
//! the singular `-s` words. Words that do not look plural are returned unchanged.
//!
//! These are heuristics for identifiers, not a dictionary: `singularize(pluralize(w)) == w`
//! holds for the words in this crate's tests, not for every English word (`basis` → `bases` →
//! `base`).
//!
//! # Other inflections
//!
//! ```
//! use ggen_lang::inflect::*;
//! assert_eq!(ordinalize("23").unwrap(), "23rd");
//! assert_eq!(deordinalize("112th").unwrap(), "112");
//! assert_eq!(foreign_key("Admin::Post"), "post_id");
//! assert_eq!(demodulize("A::B::C"), "C");
//! assert_eq!(deconstantize("Net::HTTP"), "Net");
//! ```

mod tables;

use crate::error::LangError;
use tables::{
    CH_K, CHE_WORDS, CLASSICAL_PLURALS, DOUBLE_Z, F_TO_VES, IE_WORDS, IRREGULAR, IRREGULAR_SUFFIX,
    O_ES, S_SINGULAR, SIS_ENDINGS, U_WORDS, UNCOUNTABLE, US_SINGULAR,
};

/// The plural of the last word of `s`, keeping the rest and the casing style.
///
/// ```
/// use ggen_lang::inflect::pluralize;
/// assert_eq!(pluralize("category"), "categories");
/// assert_eq!(pluralize("Address"), "Addresses");
/// assert_eq!(pluralize("leaf"), "leaves");
/// assert_eq!(pluralize("equipment"), "equipment");
/// ```
pub fn pluralize(s: &str) -> String {
    inflect_last_word(s, Number::Plural)
}

/// The singular of the last word of `s`, keeping the rest and the casing style.
///
/// ```
/// use ggen_lang::inflect::singularize;
/// assert_eq!(singularize("categories"), "category");
/// assert_eq!(singularize("UserProfiles"), "UserProfile");
/// assert_eq!(singularize("analyses"), "analysis");
/// assert_eq!(singularize("people"), "person");
/// ```
pub fn singularize(s: &str) -> String {
    inflect_last_word(s, Number::Singular)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Number {
    Plural,
    Singular,
}

/// Split `s` into (head, last word, tail), inflect the word and join them again.
fn inflect_last_word(s: &str, number: Number) -> String {
    let Some((start, end)) = last_word_span(s) else {
        return s.to_owned();
    };
    let (Some(head), Some(word), Some(tail)) = (s.get(..start), s.get(start..end), s.get(end..))
    else {
        return s.to_owned();
    };
    let input_has_lower = s.chars().any(char::is_lowercase);
    let shouty = !input_has_lower && s.chars().any(char::is_uppercase);
    let word_has_lower = word.chars().any(char::is_lowercase);
    let upper_count = word.chars().filter(|c| c.is_uppercase()).count();

    let inflected = if input_has_lower && !word_has_lower && upper_count >= 2 {
        // An acronym in mixed-case input: `UserID` -> `UserIDs`.
        match number {
            Number::Plural => format!("{word}s"),
            Number::Singular => word.to_owned(),
        }
    } else if input_has_lower && is_acronym_plural(word) {
        // `APIs` -> `API`.
        match number {
            Number::Plural => word.to_owned(),
            Number::Singular => word.strip_suffix('s').unwrap_or(word).to_owned(),
        }
    } else {
        let rule = match number {
            Number::Plural => plural_of,
            Number::Singular => singular_of,
        };
        apply_keeping_case(word, shouty, rule)
    };
    format!("{head}{inflected}{tail}")
}

/// `true` for two or more capitals followed by a lowercase `s` (`APIs`).
fn is_acronym_plural(word: &str) -> bool {
    word.strip_suffix('s').is_some_and(|stem| {
        stem.chars().count() >= 2 && stem.chars().all(|c| c.is_uppercase() || c.is_ascii_digit())
    })
}

/// Byte range of the last word: the last run of alphanumeric characters, narrowed to its last
/// camel-case word (heck's boundaries), widened over an acronym plural such as `IDs`.
fn last_word_span(s: &str) -> Option<(usize, usize)> {
    let (last_i, last_c) = s.char_indices().rev().find(|(_, c)| c.is_alphanumeric())?;
    let end = last_i + last_c.len_utf8();
    let segment_start = s
        .char_indices()
        .rev()
        .filter(|(i, _)| *i < end)
        .find(|(_, c)| !c.is_alphanumeric())
        .map_or(0, |(i, c)| i + c.len_utf8());
    let segment = s.get(segment_start..end)?;

    // An acronym plural at the end (`UserIDs`): the word starts at the capitals.
    if let Some(stem) = segment.strip_suffix('s') {
        let run_start = stem
            .char_indices()
            .rev()
            .take_while(|(_, c)| c.is_uppercase())
            .last()
            .map(|(i, _)| i);
        if let Some(run_start) = run_start {
            let run_len = stem.get(run_start..).map_or(0, |r| r.chars().count());
            if run_len >= 2 {
                return Some((segment_start + run_start, end));
            }
        }
    }

    Some((segment_start + camel_word_start(segment), end))
}

/// Byte offset in `segment` (letters and digits only) where its last camel-case word starts,
/// using the same boundaries as `heck`.
fn camel_word_start(segment: &str) -> usize {
    #[derive(Clone, Copy, PartialEq, Eq)]
    enum Mode {
        Boundary,
        Lower,
        Upper,
    }
    let mut start = 0;
    let mut mode = Mode::Boundary;
    let mut chars = segment.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let Some(&(next_i, next)) = chars.peek() else {
            break;
        };
        let next_mode = if c.is_lowercase() {
            Mode::Lower
        } else if c.is_uppercase() {
            Mode::Upper
        } else {
            mode
        };
        if next_mode == Mode::Lower && next.is_uppercase() {
            start = next_i;
            mode = Mode::Boundary;
        } else if mode == Mode::Upper && c.is_uppercase() && next.is_lowercase() {
            start = i;
            mode = Mode::Boundary;
        } else {
            mode = next_mode;
        }
    }
    start
}

/// Lowercase one character when Unicode maps it to exactly one character; otherwise keep it.
fn lower_char(c: char) -> char {
    let mut it = c.to_lowercase();
    match (it.next(), it.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

/// Uppercase one character when Unicode maps it to exactly one character; otherwise keep it.
fn upper_char(c: char) -> char {
    let mut it = c.to_uppercase();
    match (it.next(), it.next()) {
        (Some(u), None) => u,
        _ => c,
    }
}

/// Apply `rule` to the lowercased word; characters of the result that match the original
/// (position by position, from the start) keep their original case, the rest are lowercase, or
/// uppercase when `shouty`.
fn apply_keeping_case(word: &str, shouty: bool, rule: fn(&str) -> String) -> String {
    let original: Vec<char> = word.chars().collect();
    let lower: String = original.iter().copied().map(lower_char).collect();
    let out = rule(&lower);
    let mut result = String::with_capacity(out.len());
    let mut in_prefix = true;
    for (i, c) in out.chars().enumerate() {
        match original.get(i) {
            Some(&o) if in_prefix && lower_char(o) == c => result.push(o),
            _ => {
                in_prefix = false;
                result.push(if shouty { upper_char(c) } else { c });
            }
        }
    }
    result
}

fn with(stem: &str, ending: &str) -> String {
    format!("{stem}{ending}")
}

/// The irregular form of `w` looked up in `pairs` (from the `from` side to the `to` side),
/// whole word or, for [`IRREGULAR_SUFFIX`], as an ending.
fn irregular(w: &str, to_plural: bool) -> Option<String> {
    let pick = |&(s, p): &(&'static str, &'static str)| if to_plural { (s, p) } else { (p, s) };
    if let Some((_, to)) = IRREGULAR.iter().map(pick).find(|(from, _)| *from == w) {
        return Some(to.to_owned());
    }
    IRREGULAR_SUFFIX.iter().map(pick).find_map(|(from, to)| {
        w.strip_suffix(from)
            .filter(|stem| !stem.is_empty())
            .map(|stem| with(stem, to))
    })
}

/// `true` when `w` is already in the form the other direction produces (`people`, `person`).
fn is_irregular_form(w: &str, plural_side: bool) -> bool {
    let side = |&(s, p): &(&'static str, &'static str)| if plural_side { p } else { s };
    IRREGULAR.iter().map(side).any(|x| x == w)
        || IRREGULAR_SUFFIX
            .iter()
            .map(side)
            .any(|x| w.strip_suffix(x).is_some_and(|stem| !stem.is_empty()))
}

/// The plural of a lowercase word.
fn plural_of(w: &str) -> String {
    if w.is_empty() || UNCOUNTABLE.contains(&w) {
        return w.to_owned();
    }
    if let Some(p) = irregular(w, true) {
        return p;
    }
    if is_irregular_form(w, true) {
        return w.to_owned();
    }
    if DOUBLE_Z.contains(&w) {
        return with(w, "zes");
    }
    if w.ends_with('s') {
        return plural_of_s_word(w);
    }
    if let Some(stem) = w.strip_suffix('y') {
        let after_vowel = stem.ends_with(['a', 'e', 'i', 'o', 'u']) && !stem.ends_with("qu");
        return if after_vowel || stem.is_empty() {
            with(w, "s")
        } else {
            with(stem, "ies")
        };
    }
    if let Some(&(_, p)) = F_TO_VES.iter().find(|(s, _)| *s == w) {
        return p.to_owned();
    }
    if w.ends_with("ch") && CH_K.contains(&w) {
        return with(w, "s");
    }
    if w.ends_with(['x', 'z']) || w.ends_with("ch") || w.ends_with("sh") {
        return with(w, "es");
    }
    if w.ends_with('o') && O_ES.contains(&w) {
        return with(w, "es");
    }
    with(w, "s")
}

/// The plural of a lowercase word ending in `s`.
fn plural_of_s_word(w: &str) -> String {
    if w.ends_with("ss") || S_SINGULAR.contains(&w) {
        return with(w, "es");
    }
    if w == "axis" {
        return "axes".to_owned();
    }
    if let Some(stem) = w.strip_suffix("is")
        && stem.ends_with('s')
    {
        return with(stem, "es");
    }
    if let Some(stem) = w.strip_suffix('s')
        && stem.ends_with('u')
    {
        let plural_of_u_word = U_WORDS.contains(&stem) || stem.ends_with("eau");
        return if plural_of_u_word {
            w.to_owned()
        } else {
            with(w, "es")
        };
    }
    // Any other word ending in `s` is taken to be plural already.
    w.to_owned()
}

/// The singular of a lowercase word.
fn singular_of(w: &str) -> String {
    if w.is_empty() || UNCOUNTABLE.contains(&w) {
        return w.to_owned();
    }
    if let Some(s) = irregular(w, false) {
        return s;
    }
    if let Some(&(_, s)) = CLASSICAL_PLURALS.iter().find(|(p, _)| *p == w) {
        return s.to_owned();
    }
    if is_irregular_form(w, false) || S_SINGULAR.contains(&w) {
        return w.to_owned();
    }
    if let Some(stem) = w.strip_suffix("zes")
        && DOUBLE_Z.contains(&stem)
    {
        return stem.to_owned();
    }
    if let Some(stem) = w.strip_suffix("ies") {
        return singular_of_ies(stem);
    }
    if let Some(stem) = w.strip_suffix("ves") {
        return match F_TO_VES.iter().find(|(_, p)| *p == w) {
            Some(&(s, _)) => s.to_owned(),
            None => with(stem, "ve"),
        };
    }
    if let Some(stem) = w.strip_suffix("es")
        && let Some(s) = singular_of_es(w, stem)
    {
        return s;
    }
    if w.ends_with("ss") || w.ends_with("sis") || w == "axis" {
        return w.to_owned();
    }
    if w.ends_with("us") {
        // `menus` -> `menu`, `bureaus` -> `bureau`; `status`, `bonus` stay.
        return match w.strip_suffix('s') {
            Some(u_word) if U_WORDS.contains(&u_word) || u_word.ends_with("eau") => {
                u_word.to_owned()
            }
            _ => w.to_owned(),
        };
    }
    match w.strip_suffix('s') {
        Some(stem) if !stem.is_empty() => stem.to_owned(),
        _ => w.to_owned(),
    }
}

/// Singular of a word ending in `-ies` (`stem` is the word without it).
fn singular_of_ies(stem: &str) -> String {
    let ie_word = with(stem, "ie");
    if stem.chars().count() <= 1 || IE_WORDS.iter().any(|e| ie_word.ends_with(e)) {
        ie_word
    } else {
        with(stem, "y")
    }
}

/// Singular of a word ending in `-es` (`stem` is the word without it), when one of the `-es`
/// rules applies; `None` lets the general rules decide.
fn singular_of_es(w: &str, stem: &str) -> Option<String> {
    if stem.ends_with("ss") {
        return Some(stem.to_owned());
    }
    if stem.ends_with("us") {
        return Some(if US_SINGULAR.contains(&stem) {
            stem.to_owned()
        } else {
            with(stem, "e")
        });
    }
    if let Some(base) = stem.strip_suffix('s') {
        let sis = with(base, "sis");
        return Some(if SIS_ENDINGS.iter().any(|e| sis.ends_with(e)) {
            sis
        } else if S_SINGULAR.contains(&stem) {
            stem.to_owned()
        } else {
            with(stem, "e")
        });
    }
    if stem.ends_with('x') {
        return Some(if w == "axes" {
            "axis".to_owned()
        } else {
            stem.to_owned()
        });
    }
    if stem.ends_with("ch") {
        let che = with(stem, "e");
        return Some(if CHE_WORDS.iter().any(|e| che.ends_with(e)) {
            che
        } else {
            stem.to_owned()
        });
    }
    if stem.ends_with("sh") || stem.ends_with("zz") || stem.ends_with("tz") {
        return Some(stem.to_owned());
    }
    if stem.ends_with('o') {
        return Some(if O_ES.contains(&stem) {
            stem.to_owned()
        } else {
            with(stem, "e")
        });
    }
    None
}

/// `1` → `1st`, `2` → `2nd`, `11` → `11th`, `112` → `112th`, `-23` → `-23rd`.
///
/// The input is trimmed, then must be an optional `-` followed by ASCII digits (any number of
/// them; no overflow is possible because only the last two digits matter).
///
/// # Errors
///
/// [`LangError::NotANumber`] for anything else.
pub fn ordinalize(s: &str) -> Result<String, LangError> {
    let number = s.trim();
    let suffix = ordinal_suffix(number).ok_or_else(|| LangError::NotANumber {
        input: s.to_owned(),
    })?;
    Ok(format!("{number}{suffix}"))
}

/// The English ordinal suffix of an integer written in decimal, or `None` if `number` is not
/// one.
fn ordinal_suffix(number: &str) -> Option<&'static str> {
    let digits = number.strip_prefix('-').unwrap_or(number);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut rev = digits.bytes().rev();
    let last = rev.next()?;
    let tens = rev.next();
    Some(match (tens, last) {
        (Some(b'1'), _) => "th",
        (_, b'1') => "st",
        (_, b'2') => "nd",
        (_, b'3') => "rd",
        _ => "th",
    })
}

/// `1st` → `1`, `23rd` → `23`, `11th` → `11`: the inverse of [`ordinalize`].
///
/// The input is trimmed; the suffix is matched case-insensitively and must be the right one
/// for the number (`1th` is refused).
///
/// # Errors
///
/// [`LangError::NotAnOrdinal`] when the input is not an integer with its ordinal suffix.
pub fn deordinalize(s: &str) -> Result<String, LangError> {
    let err = || LangError::NotAnOrdinal {
        input: s.to_owned(),
    };
    let t = s.trim();
    let split = t.len().checked_sub(2).ok_or_else(err)?;
    let (number, suffix) = t.split_at_checked(split).ok_or_else(err)?;
    match ordinal_suffix(number) {
        Some(expected) if expected.eq_ignore_ascii_case(suffix) => Ok(number.to_owned()),
        _ => Err(err()),
    }
}

/// Rails' `foreign_key`: the snake_case of the last path segment, plus `_id`.
///
/// ```
/// use ggen_lang::inflect::foreign_key;
/// assert_eq!(foreign_key("Message"), "message_id");
/// assert_eq!(foreign_key("Admin::Post"), "post_id");
/// assert_eq!(foreign_key("UserProfile"), "user_profile_id");
/// ```
pub fn foreign_key(s: &str) -> String {
    format!("{}_id", crate::case::snake(&demodulize(s)))
}

/// Everything after the last module separator: `A::B::C` → `C`.
///
/// The separators are `::` (Rust, Ruby, C++), `.` (Python, Java, TypeScript, Go packages) and
/// `/` (paths, Go import paths), whichever comes last: `a.b.C` → `C`, `pkg/sub/Thing` →
/// `Thing`, `Plain` → `Plain`, `A::` → `` (Rails behaviour).
pub fn demodulize(s: &str) -> String {
    match last_separator(s) {
        Some((_, end)) => s.get(end..).unwrap_or_default().to_owned(),
        None => s.to_owned(),
    }
}

/// Everything before the last module separator (see [`demodulize`] for the separators):
/// `Net::HTTP` → `Net`, `A::B::C` → `A::B`, `::Net::HTTP` → `::Net`, `Net` → ``.
pub fn deconstantize(s: &str) -> String {
    match last_separator(s) {
        Some((start, _)) => s.get(..start).unwrap_or_default().to_owned(),
        None => String::new(),
    }
}

/// Byte range of the last `::`, `.` or `/` in `s`.
fn last_separator(s: &str) -> Option<(usize, usize)> {
    let colons = s.rfind("::").map(|i| (i, i + 2));
    let other = s.rfind(['.', '/']).map(|i| (i, i + 1));
    match (colons, other) {
        (Some(a), Some(b)) => Some(if a.1 >= b.1 { a } else { b }),
        (a, b) => a.or(b),
    }
}

#[cfg(test)]
mod tests;

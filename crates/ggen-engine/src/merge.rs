//! Line-based three-way merge (diff3) of the content ggen last generated (base), the file on
//! disk (ours) and the new output (theirs).
//!
//! Both sides are diffed against the base; changes of one side apply where the other side left
//! the base alone. Changes that overlap — or touch: edits on adjacent lines conflict, as in
//! git — are identical (taken once) or a conflict. Conflicts are written as
//!
//! ```text
//! <<<<<<< ours
//! your lines
//! =======
//! the generated lines
//! >>>>>>> generated
//! ```
//!
//! without a base section. Lines keep their exact bytes (line endings included).

use similar::{Algorithm, DiffTag, capture_diff_slices};

/// First line of a conflict block.
pub const MARKER_OURS: &str = "<<<<<<< ours";
/// Separator between your lines and the generated lines.
pub const MARKER_SEP: &str = "=======";
/// Last line of a conflict block.
pub const MARKER_GENERATED: &str = ">>>>>>> generated";

/// How conflicting regions are resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolve {
    /// Overlapping changes become conflict blocks.
    Markers,
    /// Overlapping changes keep your lines.
    Ours,
    /// Every generated change becomes a conflict block, even where you changed nothing.
    AllMarkers,
}

/// The result of a merge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Merged {
    /// The merged text (with conflict blocks when `conflicts > 0`).
    pub text: String,
    /// Number of conflict blocks written.
    pub conflicts: usize,
    /// Number of overlapping regions resolved to your lines ([`Resolve::Ours`]).
    pub kept_ours: usize,
}

/// A changed region of one side: base lines `base.0..base.1` became side lines `side.0..side.1`.
#[derive(Debug, Clone, Copy)]
struct Hunk {
    base: (usize, usize),
    side: (usize, usize),
}

fn lines(text: &str) -> Vec<&str> {
    text.split_inclusive('\n').collect()
}

fn hunks(base: &[&str], side: &[&str]) -> Vec<Hunk> {
    let mut out: Vec<Hunk> = Vec::new();
    for op in capture_diff_slices(Algorithm::Myers, base, side) {
        let (tag, b, s) = op.as_tag_tuple();
        if tag == DiffTag::Equal {
            continue;
        }
        match out.last_mut() {
            // Consecutive changes form one hunk.
            Some(last) if last.base.1 == b.start && last.side.1 == s.start => {
                last.base.1 = b.end;
                last.side.1 = s.end;
            }
            _ => out.push(Hunk {
                base: (b.start, b.end),
                side: (s.start, s.end),
            }),
        }
    }
    out
}

/// The side's lines standing for base lines `g0..g1`, given the side's hunks inside that range.
fn side_range(hs: &[Hunk], g0: usize, g1: usize) -> (usize, usize) {
    match (hs.first(), hs.last()) {
        (Some(first), Some(last)) => (
            first.side.0.saturating_sub(first.base.0.saturating_sub(g0)),
            last.side.1 + g1.saturating_sub(last.base.1),
        ),
        _ => (g0, g1),
    }
}

fn push_lines(out: &mut String, ls: &[&str]) {
    for l in ls {
        out.push_str(l);
    }
}

fn push_block_side(out: &mut String, ls: &[&str]) {
    push_lines(out, ls);
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
}

fn push_conflict(out: &mut String, ours: &[&str], theirs: &[&str]) {
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    out.push_str(MARKER_OURS);
    out.push('\n');
    push_block_side(out, ours);
    out.push_str(MARKER_SEP);
    out.push('\n');
    push_block_side(out, theirs);
    out.push_str(MARKER_GENERATED);
    out.push('\n');
}

/// Merge `ours` and `theirs`, both derived from `base`.
pub fn merge3(base: &str, ours: &str, theirs: &str, resolve: Resolve) -> Merged {
    let b = lines(base);
    let o = lines(ours);
    let t = lines(theirs);
    let ho = hunks(&b, &o);
    let ht = hunks(&b, &t);
    // All hunks by base position: (hunk, is_ours).
    let mut all: Vec<(Hunk, bool)> = ho
        .iter()
        .map(|h| (*h, true))
        .chain(ht.iter().map(|h| (*h, false)))
        .collect();
    all.sort_by_key(|(h, ours)| (h.base.0, h.base.1, !*ours));
    let mut out = String::with_capacity(ours.len().max(theirs.len()));
    let mut merged = Merged {
        text: String::new(),
        conflicts: 0,
        kept_ours: 0,
    };
    let mut pos = 0usize; // next base line to emit
    let mut i = 0usize;
    while let Some((first, _)) = all.get(i) {
        // A group: hunks whose base ranges overlap or touch.
        let g0 = first.base.0;
        let mut g1 = first.base.1;
        let mut j = i;
        let mut group_ours: Vec<Hunk> = Vec::new();
        let mut group_theirs: Vec<Hunk> = Vec::new();
        while let Some((h, is_ours)) = all.get(j) {
            if j > i && h.base.0 > g1 {
                break;
            }
            g1 = g1.max(h.base.1);
            if *is_ours {
                group_ours.push(*h);
            } else {
                group_theirs.push(*h);
            }
            j += 1;
        }
        push_lines(&mut out, b.get(pos..g0).unwrap_or(&[]));
        let (o0, o1) = side_range(&group_ours, g0, g1);
        let (t0, t1) = side_range(&group_theirs, g0, g1);
        let ours_lines = o.get(o0..o1).unwrap_or(&[]);
        let theirs_lines = t.get(t0..t1).unwrap_or(&[]);
        match (group_ours.is_empty(), group_theirs.is_empty()) {
            (false, true) => push_lines(&mut out, ours_lines),
            (true, false) => {
                if resolve == Resolve::AllMarkers {
                    push_conflict(&mut out, ours_lines, theirs_lines);
                    merged.conflicts += 1;
                } else {
                    push_lines(&mut out, theirs_lines);
                }
            }
            _ => {
                if ours_lines == theirs_lines {
                    push_lines(&mut out, ours_lines);
                } else if resolve == Resolve::Ours {
                    push_lines(&mut out, ours_lines);
                    merged.kept_ours += 1;
                } else {
                    push_conflict(&mut out, ours_lines, theirs_lines);
                    merged.conflicts += 1;
                }
            }
        }
        pos = g1;
        i = j;
    }
    push_lines(&mut out, b.get(pos..).unwrap_or(&[]));
    merged.text = out;
    merged
}

/// Whether `text` still holds a conflict block written by ggen (a line that is exactly
/// `<<<<<<< ours` or `>>>>>>> generated`).
pub fn has_markers(text: &str) -> bool {
    text.lines()
        .map(|l| l.trim_end_matches('\r'))
        .any(|l| l == MARKER_OURS || l == MARKER_GENERATED)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "a\nb\nc\nd\ne\nf\ng\n";

    #[test]
    fn unrelated_changes_merge_cleanly() {
        let ours = "a\nB (mine)\nc\nd\ne\nf\ng\n";
        let theirs = "a\nb\nc\nd\ne\nF (generated)\ng\n";
        let m = merge3(BASE, ours, theirs, Resolve::Markers);
        assert_eq!(m.conflicts, 0);
        assert_eq!(m.text, "a\nB (mine)\nc\nd\ne\nF (generated)\ng\n");
    }

    #[test]
    fn insertions_and_deletions_on_both_sides() {
        let ours = "header\na\nb\nc\nd\ne\nf\ng\n";
        let theirs = "a\nb\nc\ne\nf\ng\nfooter\n";
        let m = merge3(BASE, ours, theirs, Resolve::Markers);
        assert_eq!(m.conflicts, 0);
        assert_eq!(m.text, "header\na\nb\nc\ne\nf\ng\nfooter\n");
    }

    #[test]
    fn one_side_only() {
        let ours = "a\nb\nc\nX\ne\nf\ng\n";
        assert_eq!(merge3(BASE, ours, BASE, Resolve::Markers).text, ours);
        assert_eq!(merge3(BASE, BASE, ours, Resolve::Markers).text, ours);
        assert_eq!(merge3(BASE, BASE, BASE, Resolve::Markers).text, BASE);
    }

    #[test]
    fn identical_changes_are_taken_once() {
        let both = "a\nb\nC\nd\ne\nf\ng\n";
        let m = merge3(BASE, both, both, Resolve::Markers);
        assert_eq!((m.text.as_str(), m.conflicts), (both, 0));
    }

    #[test]
    fn overlapping_changes_conflict() {
        let ours = "a\nb\nmine\nd\ne\nf\ng\n";
        let theirs = "a\nb\ngenerated\nd\ne\nf\ng\n";
        let m = merge3(BASE, ours, theirs, Resolve::Markers);
        assert_eq!(m.conflicts, 1);
        assert_eq!(
            m.text,
            "a\nb\n<<<<<<< ours\nmine\n=======\ngenerated\n>>>>>>> generated\nd\ne\nf\ng\n"
        );
        assert!(has_markers(&m.text));
        let k = merge3(BASE, ours, theirs, Resolve::Ours);
        assert_eq!((k.text.as_str(), k.conflicts, k.kept_ours), (ours, 0, 1));
    }

    #[test]
    fn adjacent_changes_conflict() {
        let ours = "a\nb\nC\nd\ne\nf\ng\n";
        let theirs = "a\nb\nc\nD\ne\nf\ng\n";
        let m = merge3(BASE, ours, theirs, Resolve::Markers);
        assert_eq!(m.conflicts, 1);
        assert_eq!(
            m.text,
            "a\nb\n<<<<<<< ours\nC\nd\n=======\nc\nD\n>>>>>>> generated\ne\nf\ng\n"
        );
    }

    #[test]
    fn insertions_at_the_same_place_conflict_unless_equal() {
        let ours = "a\nb\nc\nd\ne\nf\ng\nmine\n";
        let theirs = "a\nb\nc\nd\ne\nf\ng\ngen\n";
        let m = merge3(BASE, ours, theirs, Resolve::Markers);
        assert_eq!(m.conflicts, 1);
        assert!(
            m.text
                .ends_with("g\n<<<<<<< ours\nmine\n=======\ngen\n>>>>>>> generated\n"),
            "{}",
            m.text
        );
    }

    #[test]
    fn all_markers_marks_every_generated_change() {
        let ours = "a\nB (mine)\nc\nd\ne\nf\ng\n";
        let theirs = "a\nb\nc\nd\ne\nF\ng\n";
        let m = merge3(BASE, ours, theirs, Resolve::AllMarkers);
        assert_eq!(m.conflicts, 1);
        assert_eq!(
            m.text,
            "a\nB (mine)\nc\nd\ne\n<<<<<<< ours\nf\n=======\nF\n>>>>>>> generated\ng\n"
        );
        // Two-way: base = ours marks every difference.
        let m = merge3(ours, ours, theirs, Resolve::AllMarkers);
        assert_eq!(m.conflicts, 2);
    }

    #[test]
    fn missing_final_newline_and_crlf_are_kept() {
        let base = "a\r\nb\r\nc";
        let ours = "A\r\nb\r\nc";
        let theirs = "a\r\nb\r\nC";
        let m = merge3(base, ours, theirs, Resolve::Markers);
        assert_eq!((m.text.as_str(), m.conflicts), ("A\r\nb\r\nC", 0));
        // A conflict on a last line without newline still gets markers on their own lines.
        let m = merge3("x", "y", "z", Resolve::Markers);
        assert_eq!(m.text, "<<<<<<< ours\ny\n=======\nz\n>>>>>>> generated\n");
    }

    #[test]
    fn empty_inputs() {
        assert_eq!(merge3("", "", "", Resolve::Markers).text, "");
        let m = merge3("", "mine\n", "gen\n", Resolve::Markers);
        assert_eq!(m.conflicts, 1);
        let m = merge3("", "", "gen\n", Resolve::Markers);
        assert_eq!((m.text.as_str(), m.conflicts), ("gen\n", 0));
    }

    #[test]
    fn markers_are_recognised_only_as_whole_lines() {
        assert!(!has_markers("x <<<<<<< ours\n"));
        assert!(has_markers("x\r\n>>>>>>> generated\r\n"));
        assert!(!has_markers("Title\n=======\n"));
    }
}

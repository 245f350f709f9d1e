//! Protected regions: the lines between `ggen:keep:begin <id>` and `ggen:keep:end <id>` (the
//! marker text may sit in any comment syntax: `// …`, `# …`, `<!-- … -->`, `/* … */`) in the
//! file on disk replace the lines of the region with the same id in the new output, byte for
//! byte. Ids are letters, digits, `_`, `.` and `-`; regions do not nest and an id appears once
//! per file.

use std::collections::BTreeMap;

/// Text that opens a protected region.
pub const BEGIN: &str = "ggen:keep:begin";
/// Text that closes a protected region.
pub const END: &str = "ggen:keep:end";

/// Malformed protected-region markers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeepError {
    /// 1-based line.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// Which text has the malformed markers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SpliceError {
    /// The file on disk.
    Disk(KeepError),
    /// The new output (a template problem).
    Generated(KeepError),
}

/// The new output with the protected regions of the file on disk.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Spliced {
    /// The text.
    pub text: String,
    /// Ids of the regions whose lines on disk differ from the new output's (taken from disk).
    pub kept: Vec<String>,
    /// Ids of regions on disk that the new output does not have (their lines are not in `text`).
    pub missing: Vec<String>,
}

struct Region {
    /// Line index of the begin marker.
    begin: usize,
    /// Line index of the end marker.
    end: usize,
}

fn marker_id(line: &str, marker: &str) -> Option<Result<String, ()>> {
    let at = line.find(marker)?;
    let rest = line.get(at + marker.len()..).unwrap_or("");
    if !rest.starts_with([' ', '\t']) {
        return Some(Err(()));
    }
    let id: String = rest
        .trim_start_matches([' ', '\t'])
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
        .collect();
    // `<!-- ggen:keep:begin x-->`: the comment closer is not part of the id.
    let id = id.trim_end_matches('-').to_owned();
    Some(if id.is_empty() { Err(()) } else { Ok(id) })
}

fn regions(lines: &[&str]) -> Result<BTreeMap<String, Region>, KeepError> {
    let mut out: BTreeMap<String, Region> = BTreeMap::new();
    let mut open: Option<(String, usize)> = None;
    for (i, line) in lines.iter().enumerate() {
        let err = |message: String| KeepError {
            line: i + 1,
            message,
        };
        if let Some(id) = marker_id(line, BEGIN) {
            let id =
                id.map_err(|()| err(format!("`{BEGIN}` needs an id, e.g. `{BEGIN} imports`")))?;
            if let Some((other, at)) = &open {
                return Err(err(format!(
                    "protected region `{id}` opens inside region `{other}` (line {}); regions do not nest",
                    at + 1
                )));
            }
            if let Some(r) = out.get(&id) {
                return Err(err(format!(
                    "protected region `{id}` appears twice (first at line {})",
                    r.begin + 1
                )));
            }
            open = Some((id, i));
        } else if let Some(id) = marker_id(line, END) {
            let id = id.map_err(|()| err(format!("`{END}` needs an id, e.g. `{END} imports`")))?;
            match open.take() {
                Some((open_id, begin)) if open_id == id => {
                    out.insert(id, Region { begin, end: i });
                }
                Some((open_id, begin)) => {
                    return Err(err(format!(
                        "`{END} {id}` closes region `{open_id}` opened at line {}",
                        begin + 1
                    )));
                }
                None => return Err(err(format!("`{END} {id}` without `{BEGIN} {id}`"))),
            }
        }
    }
    if let Some((id, begin)) = open {
        return Err(KeepError {
            line: begin + 1,
            message: format!("`{BEGIN} {id}` has no `{END} {id}`"),
        });
    }
    Ok(out)
}

/// Whether a text has protected-region markers.
pub fn has_regions(text: &str) -> bool {
    text.contains(BEGIN) || text.contains(END)
}

/// Put the protected regions of `disk` into `new`.
pub fn splice(new: &str, disk: &str) -> Result<Spliced, SpliceError> {
    if !has_regions(disk) {
        return Ok(Spliced {
            text: new.to_owned(),
            ..Spliced::default()
        });
    }
    let d: Vec<&str> = disk.split_inclusive('\n').collect();
    let n: Vec<&str> = new.split_inclusive('\n').collect();
    let disk_regions = regions(&d).map_err(SpliceError::Disk)?;
    let new_regions = regions(&n).map_err(SpliceError::Generated)?;
    let mut by_begin: BTreeMap<usize, (&str, &Region)> = BTreeMap::new();
    let mut kept = Vec::new();
    for (id, r) in &new_regions {
        if let Some(dr) = disk_regions.get(id) {
            by_begin.insert(r.begin, (id, r));
            if d.get(dr.begin + 1..dr.end) != n.get(r.begin + 1..r.end) {
                kept.push(id.clone());
            }
        }
    }
    let missing = disk_regions
        .keys()
        .filter(|id| !new_regions.contains_key(*id))
        .cloned()
        .collect();
    let mut text = String::with_capacity(new.len().max(disk.len()));
    let mut i = 0;
    while let Some(line) = n.get(i) {
        text.push_str(line);
        if let Some((id, r)) = by_begin.get(&i)
            && let Some(dr) = disk_regions.get(*id)
        {
            for l in d.get(dr.begin + 1..dr.end).unwrap_or(&[]) {
                text.push_str(l);
            }
            i = r.end;
            continue;
        }
        i += 1;
    }
    Ok(Spliced {
        text,
        kept,
        missing,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_survive_in_any_comment_syntax() {
        let new = "a\n// ggen:keep:begin imports\n// default\n// ggen:keep:end imports\nb\n<!-- ggen:keep:begin notes -->\n<!-- ggen:keep:end notes -->\nc\n";
        let disk = "old a\n// ggen:keep:begin imports\nuse my::thing;\r\n  use other;  \n// ggen:keep:end imports\nold b\n<!-- ggen:keep:begin notes -->\nmy notes\n<!-- ggen:keep:end notes -->\n";
        let s = splice(new, disk).unwrap();
        assert_eq!(
            s.text,
            "a\n// ggen:keep:begin imports\nuse my::thing;\r\n  use other;  \n// ggen:keep:end imports\nb\n<!-- ggen:keep:begin notes -->\nmy notes\n<!-- ggen:keep:end notes -->\nc\n"
        );
        assert_eq!(s.kept, ["imports", "notes"]);
        // A region with the new output's own lines is not reported as kept.
        let s = splice(new, new).unwrap();
        assert_eq!(s.text, new);
        assert!(s.kept.is_empty());
        assert!(s.missing.is_empty());
    }

    #[test]
    fn ids_and_closers() {
        assert_eq!(
            marker_id("<!-- ggen:keep:begin my-id.2-->", BEGIN),
            Some(Ok("my-id.2".into()))
        );
        assert_eq!(
            marker_id("/* ggen:keep:end x */", END),
            Some(Ok("x".into()))
        );
        assert_eq!(marker_id("# ggen:keep:begin", BEGIN), Some(Err(())));
        assert_eq!(marker_id("nothing", BEGIN), None);
    }

    #[test]
    fn regions_the_new_output_lacks_are_reported() {
        let s = splice(
            "x\n",
            "# ggen:keep:begin gone\nmine\n# ggen:keep:end gone\n",
        )
        .unwrap();
        assert_eq!(s.missing, ["gone"]);
        assert_eq!(s.text, "x\n");
    }

    #[test]
    fn no_markers_on_disk_keeps_the_new_output() {
        let s = splice("# ggen:keep:begin a\n# ggen:keep:end a\n", "x\n").unwrap();
        assert_eq!(s.text, "# ggen:keep:begin a\n# ggen:keep:end a\n");
    }

    #[test]
    fn malformed_markers() {
        let e = |t: &str| regions(&t.split_inclusive('\n').collect::<Vec<_>>()).err();
        let x = e("# ggen:keep:begin a\n# ggen:keep:begin b\n").unwrap();
        assert_eq!(x.line, 2);
        assert!(x.message.contains("do not nest"), "{}", x.message);
        let x = e("# ggen:keep:begin a\n").unwrap();
        assert!(
            x.message.contains("has no `ggen:keep:end a`"),
            "{}",
            x.message
        );
        let x = e("# ggen:keep:end a\n").unwrap();
        assert!(x.message.contains("without"), "{}", x.message);
        let x = e("# ggen:keep:begin a\n# ggen:keep:end b\n").unwrap();
        assert!(x.message.contains("closes region `a`"), "{}", x.message);
        let x =
            e("# ggen:keep:begin a\n# ggen:keep:end a\n# ggen:keep:begin a\n# ggen:keep:end a\n")
                .unwrap();
        assert_eq!(x.line, 3);
        assert!(x.message.contains("twice"), "{}", x.message);
        let x = e("# ggen:keep:begin\n").unwrap();
        assert!(x.message.contains("needs an id"), "{}", x.message);
        assert!(matches!(
            splice(
                "# ggen:keep:begin a\n",
                "# ggen:keep:begin a\n# ggen:keep:end a\n"
            ),
            Err(SpliceError::Generated(_))
        ));
        assert!(matches!(
            splice("x\n", "# ggen:keep:begin a\n"),
            Err(SpliceError::Disk(_))
        ));
    }
}

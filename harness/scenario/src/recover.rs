//! Recovering after a shape error, so that one parse reports every mistake of a file: the
//! YAML parser stops at the first value it cannot read, so the part of the text that holds
//! it (a block-mapping entry, or the whole sequence item) is blanked out — replaced by empty
//! lines, so every later line keeps its number — and the text is parsed again. Pure text
//! work on block-style YAML; anything it cannot place makes the caller stop recovering.

/// Lines `from..to` (1-based, `to` exclusive) of a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region {
    pub from: usize,
    pub to: usize,
}

impl Region {
    pub fn contains(&self, line: usize) -> bool {
        (self.from..self.to).contains(&line)
    }
}

struct Line<'a> {
    indent: usize,
    content: &'a str,
}

impl Line<'_> {
    fn significant(&self) -> bool {
        !(self.content.is_empty() || self.content.starts_with('#'))
    }

    fn is_item(&self) -> bool {
        self.content == "-" || self.content.starts_with("- ")
    }

    /// Column (0-based) where an item's content starts.
    fn item_content(&self) -> usize {
        let after = &self.content[1..];
        self.indent + 1 + (after.len() - after.trim_start().len())
    }
}

fn lines(text: &str) -> Vec<Line<'_>> {
    text.split('\n')
        .map(|raw| {
            let raw = raw.trim_end_matches('\r');
            let content = raw.trim_start_matches(' ');
            Line {
                indent: raw.len() - content.len(),
                content: content.trim_end(),
            }
        })
        .collect()
}

/// The first significant line after `start` (1-based) indented at most `indent`, or the
/// line after the end.
fn end_of_block(all: &[Line<'_>], start: usize, indent: usize) -> usize {
    all.iter()
        .enumerate()
        .skip(start)
        .find(|(_, l)| l.significant() && l.indent <= indent)
        .map(|(i, _)| i + 1)
        .unwrap_or(all.len() + 1)
}

/// The innermost block-sequence item (`- ...`) that holds `line`.
pub fn enclosing_item(text: &str, line: usize) -> Option<Region> {
    let all = lines(text);
    let here = all.get(line.checked_sub(1)?)?;
    if here.is_item() {
        return Some(Region {
            from: line,
            to: end_of_block(&all, line, here.indent),
        });
    }
    let mut within = here.indent;
    for k in (1..line).rev() {
        let l = &all[k - 1];
        if !l.significant() {
            continue;
        }
        if l.is_item() && l.item_content() <= within {
            return Some(Region {
                from: k,
                to: end_of_block(&all, k, l.indent),
            });
        }
        within = within.min(l.indent);
    }
    None
}

/// What to blank for a bad value or key reported on `line`: the whole item when the
/// line starts a sequence item (`- ...`), else the block-mapping entry on that line with
/// its nested lines (a flow collection after the key goes with it). Also gives the
/// entry's key when only an entry is blanked.
pub fn region_at(text: &str, line: usize) -> Option<(Region, Option<String>)> {
    let all = lines(text);
    let here = all.get(line.checked_sub(1)?)?;
    if here.is_item() {
        return enclosing_item(text, line).map(|r| (r, None));
    }
    let (key, _) = here.content.split_once(':')?;
    Some((
        Region {
            from: line,
            to: end_of_block(&all, line, here.indent),
        },
        Some(key.trim().to_string()),
    ))
}

/// The text with the region's lines emptied (line numbers of the rest unchanged). When
/// the region is the last item left of a sequence, `[]` takes its place, so that the
/// sequence stays a sequence.
pub fn blank(text: &str, region: Region) -> String {
    let all = lines(text);
    let placeholder = all.get(region.from.wrapping_sub(1)).and_then(|first| {
        if !first.is_item() {
            return None;
        }
        let sibling = |l: &Line<'_>| l.is_item() && l.indent == first.indent;
        let before = all[..region.from - 1]
            .iter()
            .rev()
            .find(|l| l.significant())
            .is_some_and(sibling);
        let after = all
            .get(region.to.saturating_sub(1)..)
            .and_then(|rest| rest.iter().find(|l| l.significant()))
            .is_some_and(sibling);
        (!before && !after).then(|| format!("{}[]", " ".repeat(first.indent)))
    });
    text.split('\n')
        .enumerate()
        .map(|(i, l)| match (&placeholder, i + 1) {
            (Some(p), n) if n == region.from => p.as_str(),
            (_, n) if region.contains(n) => "",
            _ => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The text of a region (to look at what was blanked).
pub fn slice(text: &str, region: Region) -> String {
    text.split('\n')
        .enumerate()
        .filter(|(i, _)| region.contains(i + 1))
        .map(|(_, l)| l)
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "steps:\n  - wait_until:\n      until: { order: a }\n      timeout: forever\n  - advance_clock: 1h\nwaive: []\n";

    #[test]
    fn finds_items_and_entries() {
        assert_eq!(
            enclosing_item(DOC, 4),
            Some(Region { from: 2, to: 5 }),
            "the wait_until item"
        );
        assert_eq!(enclosing_item(DOC, 5), Some(Region { from: 5, to: 6 }));
        assert_eq!(enclosing_item(DOC, 6), None);
        assert_eq!(
            region_at(DOC, 4),
            Some((Region { from: 4, to: 5 }, Some("timeout".into())))
        );
        assert_eq!(
            region_at(DOC, 3),
            Some((Region { from: 3, to: 4 }, Some("until".into()))),
            "a flow mapping goes with its key"
        );
        assert_eq!(
            region_at(DOC, 5).map(|(r, _)| r),
            Some(Region { from: 5, to: 6 }),
            "on an item's first line the whole item goes"
        );
        let blanked = blank(DOC, Region { from: 4, to: 5 });
        assert_eq!(blanked.lines().count(), DOC.lines().count());
        assert!(!blanked.contains("forever"));
        let only = "catalog:\n  - { sku: A }\nsteps: []\n";
        assert_eq!(
            blank(only, Region { from: 2, to: 3 }),
            "catalog:\n  []\nsteps: []\n"
        );
        let two = "catalog:\n  - { sku: A }\n  - { sku: B }\n";
        assert_eq!(
            blank(two, Region { from: 2, to: 3 }),
            "catalog:\n\n  - { sku: B }\n"
        );
    }
}

//! Scenario names become file names (the integration's log, HAR files, reports): a name
//! must be a plain file name that stays in its folder. The parser refuses names that are
//! not ([`file_name_problem`]); wherever a name becomes a path, [`safe_file_name`] turns
//! it into one anyway, so a name that reached drydock another way cannot escape either.

/// The longest name, in bytes, that is kept as a file name (file systems allow 255 with
/// the extension).
pub const MAX_FILE_NAME: usize = 120;

/// Why `name` cannot be used as a file name, or `None` when it can.
pub fn file_name_problem(name: &str) -> Option<&'static str> {
    if name.contains(['/', '\\']) {
        Some("contains a path separator")
    } else if name.contains("..") {
        Some("contains `..`")
    } else if name.starts_with('.') {
        Some("starts with `.`")
    } else if name.chars().any(char::is_control) {
        Some("contains a control character")
    } else if name.chars().any(is_bidi_control) {
        Some("contains a right-to-left or other bidirectional control character")
    } else if name.len() > MAX_FILE_NAME {
        Some("is longer than 120 bytes")
    } else {
        None
    }
}

/// `name` as a file name that stays in its folder: separators, control and bidi
/// characters become `_`, leading dots and `..` go, it is cut to [`MAX_FILE_NAME`]
/// bytes, and an empty result becomes `scenario`.
pub fn safe_file_name(name: &str) -> String {
    let mut out: String = name
        .chars()
        .map(|c| {
            if matches!(c, '/' | '\\') || c.is_control() || is_bidi_control(c) {
                '_'
            } else {
                c
            }
        })
        .collect();
    while out.contains("..") {
        out = out.replace("..", "_");
    }
    let mut out = out.trim_start_matches('.').to_string();
    if out.len() > MAX_FILE_NAME {
        let mut cut = MAX_FILE_NAME;
        while !out.is_char_boundary(cut) {
            cut -= 1;
        }
        out.truncate(cut);
    }
    if out.trim().is_empty() {
        "scenario".into()
    } else {
        out
    }
}

/// Characters that reorder how text is shown (embeddings, overrides, isolates, marks):
/// in a name they can make `txt.exe` look like `exe.txt`.
pub fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

/// Where the top-level `name:` value starts in a scenario's text (1-based line and
/// column), for pointing at it.
pub(crate) fn name_location(text: &str) -> (usize, usize) {
    for (i, line) in text.lines().enumerate() {
        if let Some(rest) = line.strip_prefix("name:") {
            let value = rest.len() - rest.trim_start().len();
            return (i + 1, "name:".len() + value + 1);
        }
    }
    (1, 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsafe_names_are_named_and_sanitized_into_their_folder() {
        for (name, why) in [
            ("/tmp/x/ABSOLUTE", "path separator"),
            ("../../victim/RELATIVE", "path separator"),
            ("..", "`..`"),
            (".hidden", "starts with `.`"),
            ("a\u{202e}b", "bidirectional"),
            ("a\nb", "control"),
            ("a\u{1b}[31mred", "control"),
        ] {
            let problem = file_name_problem(name).unwrap_or_default();
            assert!(problem.contains(why), "{name:?}: {problem}");
            let safe = safe_file_name(name);
            assert_eq!(file_name_problem(&safe), None, "{name:?} -> {safe:?}");
        }
        assert_eq!(safe_file_name("/tmp/x/ABSOLUTE"), "_tmp_x_ABSOLUTE");
        assert_eq!(
            safe_file_name("../../victim/RELATIVE"),
            "____victim_RELATIVE"
        );
        assert_eq!(safe_file_name("..."), "_.");
        assert_eq!(safe_file_name("."), "scenario");
        let long = "é".repeat(100);
        assert!(file_name_problem(&long).is_some());
        assert!(safe_file_name(&long).len() <= MAX_FILE_NAME);
        assert_eq!(file_name_problem("order ships: 2 boxes (EU)"), None);
        assert_eq!(safe_file_name("order ships"), "order ships");
    }

    #[test]
    fn the_name_is_found_at_its_value() {
        assert_eq!(name_location("version: 1\nname:  x\n"), (2, 8));
        assert_eq!(name_location("version: 1\n"), (1, 1));
    }

    #[test]
    fn the_parser_refuses_unsafe_names_at_their_location() {
        let bundled = include_str!("../../../scenarios/address-rejected.yaml");
        assert!(crate::parse_scenario("ok.yaml", bundled).is_ok());
        for (name, yaml_name) in [
            ("/tmp/x/ABSOLUTE", "/tmp/x/ABSOLUTE".to_string()),
            ("../../victim/RELATIVE", "../../victim/RELATIVE".to_string()),
            ("a\u{202e}b", "\"a\\u202Eb\"".to_string()),
        ] {
            let text = bundled.replace("name: address-rejected", &format!("name: {yaml_name}"));
            let errors = crate::parse_scenario("bad.yaml", &text).expect_err(name);
            let p = &errors.problems[0];
            assert_eq!((p.line, p.column), (3, 7), "{name}: {p}");
            assert!(p.message.contains("scenario name"), "{name}: {p}");
            assert!(p.hint.as_deref().unwrap_or_default().contains("plain name"));
        }
    }
}

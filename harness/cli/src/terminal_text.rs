//! Text from scenario files, check details and file names is escaped before it reaches
//! the terminal: a control character could move the cursor, recolour or hide output, and
//! a bidirectional override could make one name read as another. Each becomes a visible
//! `\u{..}` escape. Multi-line text is split into lines by the caller first.

use std::borrow::Cow;

use drydock_scenario::file_name::is_bidi_control;

/// `text` with every control character (a tab apart) and bidirectional control escaped.
pub fn escaped(text: &str) -> Cow<'_, str> {
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| {
                if unsafe_char(c) {
                    c.escape_unicode().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect(),
    )
}

/// A control character (a tab apart) or a bidirectional control.
fn unsafe_char(c: char) -> bool {
    (c.is_control() && c != '\t') || is_bidi_control(c)
}

/// `text` with every character [`escaped`] would escape (line breaks apart) replaced by
/// `?` for each of its bytes: for quoting a file whose byte offsets must stay valid.
pub fn masked(text: &str) -> String {
    text.chars()
        .map(|c| {
            if unsafe_char(c) && !matches!(c, '\n' | '\r') {
                "?".repeat(c.len_utf8())
            } else {
                c.to_string()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{escaped, masked};

    #[test]
    fn masking_keeps_every_byte_offset() {
        let text = "name: a\u{202e}b\u{1b}c\nnext";
        let m = masked(text);
        assert_eq!(m, "name: a???b?c\nnext");
        assert_eq!(m.len(), text.len());
    }

    #[test]
    fn control_and_bidi_characters_become_visible_escapes() {
        assert_eq!(escaped("plain name\twith tab"), "plain name\twith tab");
        assert_eq!(escaped("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(escaped("exe.\u{202e}txt"), "exe.\\u{202e}txt");
        assert_eq!(escaped("one\nPASS two"), "one\\u{a}PASS two");
    }
}

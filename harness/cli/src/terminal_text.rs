//! Text from scenario files, check details and file names is escaped before it reaches
//! the terminal: a control character could move the cursor, recolour or hide output, and
//! a bidirectional override could make one name read as another. Each becomes a visible
//! `\u{..}` escape. Multi-line text is split into lines by the caller first.

use std::borrow::Cow;

use drydock_scenario::file_name::is_bidi_control;

/// `text` with every control character (a tab apart) and bidirectional control escaped.
pub fn escaped(text: &str) -> Cow<'_, str> {
    let unsafe_char = |c: char| (c.is_control() && c != '\t') || is_bidi_control(c);
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

#[cfg(test)]
mod tests {
    use super::escaped;

    #[test]
    fn control_and_bidi_characters_become_visible_escapes() {
        assert_eq!(escaped("plain name\twith tab"), "plain name\twith tab");
        assert_eq!(escaped("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(escaped("exe.\u{202e}txt"), "exe.\\u{202e}txt");
        assert_eq!(escaped("one\nPASS two"), "one\\u{a}PASS two");
    }
}

//! Rust source as the compiler reads it, for the tidy rules: comments removed, string
//! literals kept (a provider name in a string is code), and the items under
//! `#[cfg(test)]` left out (tests may name anything).

/// One line of source with its comments removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CodeLine {
    /// Counted from 1.
    pub number: usize,
    /// The code, string literals included.
    pub code: String,
    /// The code with the insides of string and char literals blanked: braces and
    /// attributes in it are the program's own.
    pub shape: String,
}

enum State {
    Code,
    LineComment,
    /// Nested block comments, this deep.
    Block(u32),
    Str,
    /// A raw string closed by `"` and this many `#`.
    RawStr(usize),
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The lines of `text` without comments (`//`, `/* */`, doc comments), numbered.
pub(crate) fn code_lines(text: &str) -> Vec<CodeLine> {
    let chars: Vec<char> = text.chars().collect();
    let mut lines = Vec::new();
    let (mut code, mut shape) = (String::new(), String::new());
    let mut state = State::Code;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '\n' {
            lines.push(CodeLine {
                number: lines.len() + 1,
                code: std::mem::take(&mut code),
                shape: std::mem::take(&mut shape),
            });
            if matches!(state, State::LineComment) {
                state = State::Code;
            }
            i += 1;
            continue;
        }
        let literal = |from: usize, to: usize, code: &mut String, shape: &mut String| {
            for (k, ch) in chars[from..to].iter().enumerate() {
                code.push(*ch);
                let edge = k == 0 || k + 1 == to - from;
                shape.push(if edge { *ch } else { ' ' });
            }
        };
        match state {
            State::Code => {
                let prev = i.checked_sub(1).map(|p| chars[p]);
                if c == '/' && next == Some('/') {
                    state = State::LineComment;
                    i += 2;
                } else if c == '/' && next == Some('*') {
                    state = State::Block(1);
                    i += 2;
                } else if c == '"' {
                    code.push(c);
                    shape.push(c);
                    state = State::Str;
                    i += 1;
                } else if c == 'r'
                    && !prev.is_some_and(|p| is_ident(p) && p != 'b')
                    && matches!(next, Some('"' | '#'))
                {
                    let hashes = chars[i + 1..].iter().take_while(|h| **h == '#').count();
                    if chars.get(i + 1 + hashes) == Some(&'"') {
                        literal(i, i + 2 + hashes, &mut code, &mut shape);
                        state = State::RawStr(hashes);
                        i += 2 + hashes;
                    } else {
                        code.push(c);
                        shape.push(c);
                        i += 1;
                    }
                } else if c == '\'' && next == Some('\\') {
                    // An escaped char literal: up to the quote after the escape.
                    let end = (i + 3..chars.len())
                        .find(|k| chars[*k] == '\'')
                        .unwrap_or(chars.len() - 1);
                    literal(i, end + 1, &mut code, &mut shape);
                    i = end + 1;
                } else if c == '\'' && chars.get(i + 2) == Some(&'\'') {
                    literal(i, i + 3, &mut code, &mut shape);
                    i += 3;
                } else {
                    // Code, or a lifetime.
                    code.push(c);
                    shape.push(c);
                    i += 1;
                }
            }
            State::LineComment => i += 1,
            State::Block(depth) => {
                if c == '*' && next == Some('/') {
                    state = if depth == 1 {
                        State::Code
                    } else {
                        State::Block(depth - 1)
                    };
                    i += 2;
                } else if c == '/' && next == Some('*') {
                    state = State::Block(depth + 1);
                    i += 2;
                } else {
                    i += 1;
                }
            }
            State::Str => {
                code.push(c);
                if c == '"' {
                    shape.push(c);
                    state = State::Code;
                } else {
                    shape.push(' ');
                }
                if c == '\\' && next.is_some_and(|n| n != '\n') {
                    code.extend(next);
                    shape.push(' ');
                    i += 1;
                }
                i += 1;
            }
            State::RawStr(hashes) => {
                let closes = c == '"'
                    && chars.len() > i + hashes
                    && chars[i + 1..=i + hashes].iter().all(|h| *h == '#');
                if closes {
                    literal(i, i + 1 + hashes, &mut code, &mut shape);
                    state = State::Code;
                    i += 1 + hashes;
                } else {
                    code.push(c);
                    shape.push(' ');
                    i += 1;
                }
            }
        }
    }
    lines.push(CodeLine {
        number: lines.len() + 1,
        code,
        shape,
    });
    lines
}

/// `lines` without the items under `#[cfg(test)]`: the attribute, any attributes after
/// it, and the item up to its `;` or its closing brace.
pub(crate) fn outside_tests(lines: Vec<CodeLine>) -> Vec<CodeLine> {
    let mut kept = Vec::new();
    let mut lines = lines.into_iter();
    while let Some(line) = lines.next() {
        let Some(rest) = line.shape.trim_start().strip_prefix("#[cfg(test)]") else {
            kept.push(line);
            continue;
        };
        let mut item = Item::default();
        if item.ends_with(rest) {
            continue;
        }
        for line in lines.by_ref() {
            if item.ends_with(&line.shape) {
                break;
            }
        }
    }
    kept
}

/// How far an item under an attribute has been read.
#[derive(Default)]
struct Item {
    depth: i64,
    opened: bool,
}

impl Item {
    /// Reads one more line of the item; true when the item ends on it.
    fn ends_with(&mut self, shape: &str) -> bool {
        for c in shape.chars() {
            match c {
                '{' => {
                    self.depth += 1;
                    self.opened = true;
                }
                '}' => self.depth -= 1,
                _ => {}
            }
        }
        let text = shape.trim();
        (self.opened && self.depth <= 0)
            || (!self.opened && !text.starts_with("#[") && text.ends_with(';'))
    }
}

#[test]
fn comments_go_strings_stay_and_tests_are_left_out() {
    let text = r##"use std::fs; // reads files
/* a block /* nested */ comment */ let s = "// not a comment {";
let c = '"'; let q = '\''; let r = r#"raw "shopify" {"#;
/// Shopify, in a doc comment.
fn f<'a>(x: &'a str) {}
#[cfg(test)]
#[allow(dead_code)]
mod tests {
    fn g() { let s = "}"; }
}
#[cfg(test)] use std::net;
const LAST: &str = "easypost";"##;
    let lines = outside_tests(code_lines(text));
    let code: Vec<(usize, &str)> = lines
        .iter()
        .map(|l| (l.number, l.code.trim()))
        .filter(|(_, c)| !c.is_empty())
        .collect();
    assert_eq!(
        code,
        [
            (1, "use std::fs;"),
            (2, r#"let s = "// not a comment {";"#),
            (
                3,
                r##"let c = '"'; let q = '\''; let r = r#"raw "shopify" {"#;"##
            ),
            (5, "fn f<'a>(x: &'a str) {}"),
            (12, r#"const LAST: &str = "easypost";"#),
        ]
    );
    assert_eq!(
        lines[2].shape.trim(),
        r##"let c = ' '; let q = '  '; let r = r "               "#;"##
    );
}

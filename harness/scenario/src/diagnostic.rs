//! Problems in a scenario file, each with file:line:column, the offending snippet and a
//! hint, rendered through miette. A file's problems are reported together.

use miette::{Diagnostic, NamedSource, SourceSpan};

/// One problem at one place in a scenario file.
#[derive(Debug, Clone, thiserror::Error, Diagnostic)]
#[error("{file}:{line}:{column}: {message}")]
pub struct Problem {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
    #[label("here")]
    pub span: SourceSpan,
    #[help]
    pub hint: Option<String>,
}

/// Every problem found in one scenario file.
#[derive(Debug, Clone, thiserror::Error, Diagnostic)]
#[error("{file} has {} problem{}", problems.len(), if problems.len() == 1 { "" } else { "s" })]
#[diagnostic(code(drydock::scenario))]
pub struct ScenarioErrors {
    pub file: String,
    #[source_code]
    pub source_code: NamedSource<String>,
    #[related]
    pub problems: Vec<Problem>,
}

/// Maps 1-based line/column (characters) to byte offsets of one text.
pub struct SourceMap<'a> {
    text: &'a str,
    line_starts: Vec<usize>,
}

impl<'a> SourceMap<'a> {
    pub fn new(text: &'a str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        SourceMap { text, line_starts }
    }

    /// The byte offset of (line, column), clamped into the text.
    pub fn offset(&self, line: usize, column: usize) -> usize {
        let Some(&start) = self.line_starts.get(line.saturating_sub(1)) else {
            return self.text.len();
        };
        let line_text = &self.text[start..];
        let line_text = line_text.split('\n').next().unwrap_or("");
        let within = line_text
            .char_indices()
            .nth(column.saturating_sub(1))
            .map(|(i, _)| i)
            .unwrap_or(line_text.len());
        start + within
    }

    /// A span from (line, column) to the end of the token there (at least one byte).
    pub fn token_span(&self, line: usize, column: usize) -> SourceSpan {
        let start = self.offset(line, column);
        let rest = &self.text[start..];
        let len = rest
            .char_indices()
            .find(|(_, c)| c.is_whitespace() || matches!(c, ',' | ']' | '}'))
            .map(|(i, _)| i)
            .unwrap_or(rest.len())
            .max(1)
            .min(rest.len());
        SourceSpan::new(start.into(), len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_count_characters_per_line() {
        let map = SourceMap::new("ab\ncdé f\n");
        assert_eq!(map.offset(1, 1), 0);
        assert_eq!(map.offset(2, 1), 3);
        assert_eq!(map.offset(2, 4), 7, "é is two bytes");
        assert_eq!(map.token_span(2, 1).len(), 4);
    }
}

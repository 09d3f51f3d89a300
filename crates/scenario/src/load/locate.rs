//! Maps a value's place in a parsed RON file (`steps[3].options[1].next`) back to its line and column.
//!
//! serde hands the validator plain values with no positions, so after ron has accepted a file
//! this module scans the same text once and records where every value starts. Semantic
//! diagnostics name a path; this turns it into `line:col`.

use std::collections::HashMap;

use serde::Serialize;

use crate::model::path::{PathSegment, ValuePath};

/// A 1-based line and column (columns count characters, as ron's do).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Position {
    /// Line, from 1.
    pub line: usize,
    /// Column in characters, from 1.
    pub column: usize,
}

impl Position {
    /// Line 1, column 1.
    pub const START: Position = Position { line: 1, column: 1 };

    /// The position of a byte offset in `text` (clamped to the end).
    pub fn of_offset(text: &str, offset: usize) -> Position {
        let offset = offset.min(text.len());
        let before = text.get(..offset).unwrap_or(text);
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        Position { line, column }
    }
}

/// Where each value of a RON document starts.
#[derive(Debug, Clone, Default)]
pub struct Locator {
    starts: HashMap<ValuePath, Position>,
}

impl Locator {
    /// Scans `text` (already accepted by ron). Tolerant: on text ron would reject it records
    /// what it can and never panics.
    pub fn scan(text: &str) -> Locator {
        let mut tokens = Vec::new();
        tokenize(text, |token, position| {
            tokens.push((token, position));
            true
        });
        let mut locator = Locator::default();
        let mut path = Vec::new();
        let mut scanner = Scanner {
            tokens: &tokens,
            at: 0,
            out: &mut locator.starts,
        };
        scanner.value(&mut path, 0);
        locator
    }

    /// The start of the value at `path`, if the file writes that value.
    pub fn get(&self, path: &[PathSegment]) -> Option<Position> {
        self.starts.get(path).copied()
    }

    /// The start of the value at `path`, or of its nearest recorded ancestor.
    pub fn find(&self, path: &[PathSegment]) -> Position {
        (0..=path.len())
            .rev()
            .find_map(|n| self.starts.get(&path[..n]).copied())
            .unwrap_or(Position::START)
    }
}

/// A field written in a struct: `owner(field: ...)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrittenField<'t> {
    /// The struct's name as written before its bracket (`Scene`, `Option`, `Breaches`).
    pub owner: &'t str,
    /// The field's name as written.
    pub field: &'t str,
    /// Where the field's name starts.
    pub position: Position,
}

/// Every `name: value` written directly inside a named struct `Owner( ... )`, in text order.
/// Tolerant: on text ron rejects it reports what it can and never panics.
pub fn written_fields(text: &str) -> Vec<WrittenField<'_>> {
    let mut tokens = Vec::new();
    tokenize(text, |token, position| {
        tokens.push((token, position));
        true
    });
    // The owner of each open bracket: the identifier written just before a `(`.
    let mut open: Vec<Option<&str>> = Vec::new();
    let mut out = Vec::new();
    for (k, (token, position)) in tokens.iter().enumerate() {
        match token {
            Token::Punct('(') => {
                let owner = match k.checked_sub(1).map(|j| &tokens[j].0) {
                    Some(Token::Ident(name)) => Some(*name),
                    _ => None,
                };
                open.push(owner);
            }
            Token::Punct('[') | Token::Punct('{') => open.push(None),
            Token::Punct(')') | Token::Punct(']') | Token::Punct('}') => {
                open.pop();
            }
            Token::Ident(name) => {
                let colon = matches!(tokens.get(k + 1), Some((Token::Punct(':'), _)));
                if colon && let Some(Some(owner)) = open.last() {
                    out.push(WrittenField {
                        owner,
                        field: name,
                        position: *position,
                    });
                }
            }
            _ => {}
        }
    }
    out
}

/// The first opening bracket nested deeper than `limit`, if any. Run before parsing so
/// pathological input is refused before any recursive code sees it.
///
/// It reads strings, raw strings, character literals and nested comments as the locator's
/// tokenizer does, but a byte at a time without building tokens: it runs over every file
/// loaded, so it must cost little next to the parse itself.
pub fn nesting_deeper_than(text: &str, limit: usize) -> Option<Position> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0usize;
    // Everything else is skipped a byte at a time without a second look.
    while let Some(n) = bytes[i..]
        .iter()
        .position(|&b| NESTING_SCAN_STOPS[usize::from(b)])
    {
        i += n;
        match bytes[i] {
            b'(' | b'[' | b'{' => {
                depth += 1;
                if depth > limit {
                    return Some(Position::of_offset(text, i));
                }
                i += 1;
            }
            b')' | b']' | b'}' => {
                depth = depth.saturating_sub(1);
                i += 1;
            }
            b'/' => {
                i = match bytes.get(i + 1) {
                    Some(b'/') => memchr::memchr(b'\n', &bytes[i..]).map_or(bytes.len(), |n| i + n),
                    Some(b'*') => after_block_comment(bytes, i + 2),
                    _ => i + 1,
                };
            }
            b'"' => {
                i = match raw_string_hashes(text, i) {
                    Some(hashes) => after_raw_string(bytes, i + 1, hashes),
                    None => after_quoted(bytes, i + 1, b'"'),
                };
            }
            _ => i = after_quoted(bytes, i + 1, b'\''),
        }
    }
    None
}

/// Bytes the nesting scan must look at: brackets, comment starts and quotes.
const NESTING_SCAN_STOPS: [bool; 256] = {
    let mut stops = [false; 256];
    let mut n = 0;
    let interesting = b"()[]{}/\"'";
    while n < interesting.len() {
        stops[interesting[n] as usize] = true;
        n += 1;
    }
    stops
};

/// If the `"` at byte `quote` opens a raw string, its number of `#`s. The tokenizer reads a
/// raw string where a whole word `r`, `br`, `r#..` or `br#..` is followed by `"`; the word
/// is the run of word characters just before the quote (letters, digits, `_ - + .`, and `#`
/// after the first character).
fn raw_string_hashes(text: &str, quote: usize) -> Option<usize> {
    let before = &text[..quote];
    let run_start = before
        .char_indices()
        .rev()
        .take_while(|&(_, c)| c.is_alphanumeric() || matches!(c, '_' | '-' | '+' | '.' | '#'))
        .last()
        .map_or(quote, |(i, _)| i);
    // A `#` cannot start a word: leading ones are punctuation before it.
    let word = before[run_start..].trim_start_matches('#').as_bytes();
    let raw = word == b"r" || word == b"br" || word.starts_with(b"r#") || word.starts_with(b"br#");
    raw.then(|| word.iter().filter(|&&b| b == b'#').count())
}

/// Past the end of a block comment whose opening `/*` ends just before `from`; RON block
/// comments nest.
fn after_block_comment(bytes: &[u8], from: usize) -> usize {
    let mut depth = 1usize;
    let mut i = from;
    // Only `/` and `*` can open or close a comment: jump between them.
    while let Some(n) = memchr::memchr2(b'/', b'*', &bytes[i..]) {
        let at = i + n;
        match (bytes[at], bytes.get(at + 1)) {
            (b'/', Some(b'*')) => {
                depth += 1;
                i = at + 2;
            }
            (b'*', Some(b'/')) => {
                depth -= 1;
                i = at + 2;
                if depth == 0 {
                    return i;
                }
            }
            _ => i = at + 1,
        }
    }
    bytes.len()
}

/// Past the closing `quote` of a string or character literal opened just before `from`.
fn after_quoted(bytes: &[u8], from: usize, quote: u8) -> usize {
    let mut i = from;
    while let Some(n) = memchr::memchr2(quote, b'\\', &bytes[i..]) {
        let at = i + n;
        if bytes[at] == quote {
            return at + 1;
        }
        // A backslash escapes whatever comes next, a quote included.
        i = at + 2;
        if i >= bytes.len() {
            break;
        }
    }
    bytes.len()
}

/// Past the closing `"` and `hashes` hashes of a raw string opened just before `from`.
fn after_raw_string(bytes: &[u8], from: usize, hashes: usize) -> usize {
    let mut i = from;
    while let Some(n) = memchr::memchr(b'"', &bytes[i..]) {
        let at = i + n;
        let closing = bytes[at + 1..]
            .iter()
            .take(hashes)
            .take_while(|&&b| b == b'#')
            .count();
        if closing == hashes {
            return at + 1 + hashes;
        }
        i = at + 1;
    }
    bytes.len()
}

/// The byte offset of a position in `text` (clamped to the end).
pub fn offset_of(text: &str, position: Position) -> usize {
    let mut offset = 0usize;
    for (n, line) in text.split_inclusive('\n').enumerate() {
        if n + 1 == position.line {
            return offset
                + line
                    .char_indices()
                    .nth(position.column.saturating_sub(1))
                    .map_or(line.len(), |(i, _)| i);
        }
        offset += line.len();
    }
    text.len()
}

/// The position of the first character at or after `from` that is not white space or a
/// comment: ron reports some errors where the blank before the token starts.
pub fn skip_blank(text: &str, from: Position) -> Position {
    let offset = offset_of(text, from);
    let rest = text.get(offset..).unwrap_or("");
    let trimmed = rest.trim_start();
    if trimmed.starts_with("//") || trimmed.starts_with("/*") || trimmed.is_empty() {
        return from;
    }
    Position::of_offset(text, offset + (rest.len() - trimmed.len()))
}

#[derive(Debug, Clone, PartialEq)]
enum Token<'t> {
    Ident(&'t str),
    Punct(char),
    Literal,
}

/// Passes each token of `text` with its position to `emit`, until `emit` returns false.
/// Streaming, and borrowing identifiers from the text, because it runs over every file
/// before parsing (the nesting check) and must cost little next to the parse.
fn tokenize<'t>(text: &'t str, mut emit: impl FnMut(Token<'t>, Position) -> bool) {
    let mut chars = text.char_indices().peekable();
    let (mut line, mut column) = (1usize, 1usize);
    // Advances one character, keeping line and column in step.
    let bump = |c: char, line: &mut usize, column: &mut usize| {
        if c == '\n' {
            *line += 1;
            *column = 1;
        } else {
            *column += 1;
        }
    };
    while let Some(&(_, c)) = chars.peek() {
        let here = Position { line, column };
        if c.is_whitespace() {
            chars.next();
            bump(c, &mut line, &mut column);
        } else if c == '/' {
            chars.next();
            bump(c, &mut line, &mut column);
            match chars.peek().map(|&(_, c)| c) {
                Some('/') => {
                    while let Some(&(_, c)) = chars.peek() {
                        if c == '\n' {
                            break;
                        }
                        chars.next();
                        bump(c, &mut line, &mut column);
                    }
                }
                Some('*') => {
                    // The opening `/*` is consumed here, so the comment starts one level deep;
                    // RON block comments nest.
                    chars.next();
                    bump('*', &mut line, &mut column);
                    let mut depth = 1usize;
                    let mut prev = '\0';
                    for (_, c) in chars.by_ref() {
                        bump(c, &mut line, &mut column);
                        if prev == '/' && c == '*' {
                            depth += 1;
                            prev = '\0';
                            continue;
                        }
                        if prev == '*' && c == '/' {
                            depth = depth.saturating_sub(1);
                            if depth == 0 {
                                break;
                            }
                            prev = '\0';
                            continue;
                        }
                        prev = c;
                    }
                }
                _ => {
                    if !emit(Token::Punct('/'), here) {
                        return;
                    }
                }
            }
        } else if c == '"' || c == '\'' {
            chars.next();
            bump(c, &mut line, &mut column);
            let mut escaped = false;
            for (_, d) in chars.by_ref() {
                bump(d, &mut line, &mut column);
                if escaped {
                    escaped = false;
                } else if d == '\\' {
                    escaped = true;
                } else if d == c {
                    break;
                }
            }
            if !emit(Token::Literal, here) {
                return;
            };
        } else if c.is_alphanumeric() || c == '_' || c == '-' || c == '+' || c == '.' {
            let start = chars.peek().map_or(text.len(), |&(i, _)| i);
            while let Some(&(_, d)) = chars.peek() {
                if d.is_alphanumeric() || d == '_' || d == '.' || d == '-' || d == '+' || d == '#' {
                    chars.next();
                    bump(d, &mut line, &mut column);
                } else {
                    break;
                }
            }
            let end = chars.peek().map_or(text.len(), |&(i, _)| i);
            let word = &text[start..end];
            // Raw and byte strings: r"..", r#".."#, b"..", br#".."#.
            if (word == "r" || word == "br" || word.starts_with("r#") || word.starts_with("br#"))
                && chars.peek().is_some_and(|&(_, d)| d == '"')
            {
                let hashes = word.chars().filter(|&h| h == '#').count();
                chars.next();
                bump('"', &mut line, &mut column);
                let mut closing = 0usize;
                let mut in_close = false;
                for (_, d) in chars.by_ref() {
                    bump(d, &mut line, &mut column);
                    if in_close && d == '#' {
                        closing += 1;
                    } else {
                        in_close = d == '"';
                        closing = 0;
                    }
                    if in_close && closing == hashes {
                        break;
                    }
                }
                if !emit(Token::Literal, here) {
                    return;
                };
            } else if word == "b" && chars.peek().is_some_and(|&(_, d)| d == '\'' || d == '"') {
                // A byte literal: the quote that follows is read as a literal next round.
            } else if word.starts_with(|d: char| d.is_alphabetic() || d == '_') {
                if !emit(Token::Ident(word.trim_start_matches("r#")), here) {
                    return;
                }
            } else {
                if !emit(Token::Literal, here) {
                    return;
                };
            }
        } else {
            chars.next();
            bump(c, &mut line, &mut column);
            if !emit(Token::Punct(c), here) {
                return;
            };
        }
    }
}

struct Scanner<'t, 'o> {
    tokens: &'t [(Token<'t>, Position)],
    at: usize,
    out: &'o mut HashMap<ValuePath, Position>,
}

/// Deeper than ron's own limit: text this deep was already rejected by the parser.
const MAX_DEPTH: usize = 256;

impl<'t> Scanner<'t, '_> {
    fn peek(&self, ahead: usize) -> Option<&'t Token<'t>> {
        self.tokens.get(self.at + ahead).map(|(t, _)| t)
    }

    fn value(&mut self, path: &mut ValuePath, depth: usize) {
        let Some((token, position)) = self.tokens.get(self.at).cloned() else {
            return;
        };
        self.out.entry(path.clone()).or_insert(position);
        if depth > MAX_DEPTH {
            self.at = self.tokens.len();
            return;
        }
        match token {
            Token::Ident(_) => {
                self.at += 1;
                if self.peek(0) == Some(&Token::Punct('(')) {
                    self.group(')', path, depth);
                }
            }
            Token::Punct('(') => self.group(')', path, depth),
            Token::Punct('[') => self.group(']', path, depth),
            Token::Punct('{') => self.group('}', path, depth),
            _ => self.at += 1,
        }
    }

    /// Reads `( fields )`, `( elements )`, `[ elements ]` or `{ key: value }` starting at the
    /// opening bracket.
    fn group(&mut self, close: char, path: &mut ValuePath, depth: usize) {
        self.at += 1;
        let mut index = 0usize;
        loop {
            match self.peek(0) {
                None => return,
                Some(Token::Punct(c)) if *c == close => {
                    self.at += 1;
                    return;
                }
                Some(Token::Punct(',')) => {
                    self.at += 1;
                    continue;
                }
                _ => {}
            }
            let before = self.at;
            let named = match (self.peek(0), self.peek(1)) {
                (Some(Token::Ident(name)), Some(Token::Punct(':'))) if close != ']' => Some(name),
                _ => None,
            };
            if let Some(name) = named {
                self.at += 2;
                path.push(PathSegment::Field(std::borrow::Cow::Owned(
                    (*name).to_owned(),
                )));
            } else {
                path.push(PathSegment::Index(index));
                index += 1;
            }
            self.value(path, depth + 1);
            path.pop();
            if close == '}' && self.peek(0) == Some(&Token::Punct(':')) {
                // A map entry: the key was read as element `index`; its value follows.
                self.at += 1;
                path.push(PathSegment::Index(index));
                index += 1;
                self.value(path, depth + 1);
                path.pop();
            }
            if self.at == before {
                self.at += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::path;

    /// The nesting check as the tokenizer sees the text: what the byte scanner must agree with.
    fn nesting_by_tokens(text: &str, limit: usize) -> Option<Position> {
        let mut depth = 0usize;
        let mut too_deep = None;
        tokenize(text, |token, position| {
            match token {
                Token::Punct('(' | '[' | '{') => {
                    depth += 1;
                    if depth > limit {
                        too_deep = Some(position);
                        return false;
                    }
                }
                Token::Punct(')' | ']' | '}') => depth = depth.saturating_sub(1),
                _ => {}
            }
            true
        });
        too_deep
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4000))]
        #[test]
        fn the_nesting_scan_agrees_with_the_tokenizer(
            text in "[\\[\\](){}\"'\\\\/*#rb_x1 \n\u{e9}\u{2014}\u{a0}]{0,60}",
            limit in 0usize..5,
        ) {
            proptest::prop_assert_eq!(nesting_deeper_than(&text, limit), nesting_by_tokens(&text, limit));
        }
    }

    #[test]
    fn the_nesting_scan_skips_what_is_not_code() {
        let cases = [
            ("[[[", Some(Position { line: 1, column: 3 })),
            ("[\"[[[\"]", None),
            ("['[', '[']", None),
            ("[r#\"[[\"#]", None),
            ("[br##\"[\"#[\"##]", None),
            ("[/* [[ /* [ */ [ */]", None),
            ("[// [[[\n]", None),
            ("[\"\\\"[[\"]", None),
            ("[\n é[[", Some(Position { line: 2, column: 4 })),
        ];
        for (text, expected) in cases {
            assert_eq!(nesting_deeper_than(text, 2), expected, "{text}");
            assert_eq!(nesting_by_tokens(text, 2), expected, "{text}");
        }
    }

    #[test]
    fn finds_nested_fields_and_list_items() {
        let text = "// head\nScenario(\n  id: \"x\",\r\n  steps: [\n    Scene(id: \"a\", next: \"b\"),\n    Decision(\n      id: \"b\", options: [Option(id: \"o\", next: \"z\")],\n    ),\n  ],\n)\n";
        let locator = Locator::scan(text);
        assert_eq!(locator.find(&path!["id"]), Position { line: 3, column: 7 });
        assert_eq!(
            locator.find(&path!["steps", 0, "next"]),
            Position {
                line: 5,
                column: 26
            }
        );
        assert_eq!(
            locator.find(&path!["steps", 1, "options", 0, "next"]),
            Position {
                line: 7,
                column: 48
            }
        );
        // A path that does not exist resolves to its nearest ancestor.
        assert_eq!(
            locator.find(&path!["steps", 1, "options", 0, "effects", 3]),
            Position {
                line: 7,
                column: 26
            }
        );
    }

    #[test]
    fn nested_block_comments_are_skipped_whole() {
        let text = "/* outer /* inner */ still comment [ [ ( */ (a: 1,\n b: 2)";
        let locator = Locator::scan(text);
        assert_eq!(locator.find(&path!["b"]), Position { line: 2, column: 5 });
    }

    #[test]
    fn strings_with_brackets_and_comments_do_not_confuse_it() {
        let text = "(a: \"( [ \\\" ]\", /* ( */ b: r#\"x\"# , c: 'c', d: [1, 2.5, -3], e: 4)";
        let locator = Locator::scan(text);
        assert_eq!(locator.find(&path!["e"]).column, 65);
        assert_eq!(locator.find(&path!["d", 2]).column, 57);
    }
}

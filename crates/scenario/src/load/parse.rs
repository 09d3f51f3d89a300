//! Turns a scenario file's bytes into a `Scenario`, or into a diagnostic at file:line:col.

use crate::load::diagnostic::{Diagnostic, Problem};
use crate::load::locate::{Locator, Position};
use crate::model::ron::{MAX_NESTING, ron_options};
use crate::model::scenario::Scenario;

/// Largest scenario file accepted: 1 MiB. A real scenario is a few tens of kilobytes.
pub const MAX_FILE_BYTES: usize = 1 << 20;
/// A scenario file that parsed, with what is needed to point at its parts.
#[derive(Debug, Clone)]
pub struct ParsedScenario {
    /// The file name as the user gave it.
    pub file: String,
    /// The text, without a byte-order mark.
    pub text: String,
    /// The scenario.
    pub scenario: Scenario,
    /// Where each value starts: scanned on first use, which is only when a diagnostic is
    /// reported, so a clean file is read once.
    locator: std::sync::OnceLock<Locator>,
}

impl ParsedScenario {
    /// A parsed scenario with its text.
    pub fn new(file: &str, text: &str, scenario: Scenario) -> ParsedScenario {
        ParsedScenario {
            file: file.to_owned(),
            text: text.to_owned(),
            scenario,
            locator: std::sync::OnceLock::new(),
        }
    }

    /// Where each value of the text starts.
    pub fn locator(&self) -> &Locator {
        self.locator.get_or_init(|| Locator::scan(&self.text))
    }

    /// A diagnostic at the value `path` points to.
    pub fn diagnostic(
        &self,
        path: &[crate::model::path::PathSegment],
        problem: Problem,
    ) -> Diagnostic {
        Diagnostic::new(&self.file, &self.text, self.locator().find(path), problem)
    }
}

/// Parses a scenario from raw file bytes.
///
/// Accepts a UTF-8 byte-order mark and CRLF line ends (editors on Windows write both).
///
/// # Errors
/// The diagnostics: the file is too large, not UTF-8, empty, or not a valid `Scenario`. ron
/// stops at its first error, so one is reported, except for misspelt field names: when the
/// first error is one, every unknown field of the file is reported, each at its place with
/// the valid names.
pub fn parse_scenario(file: &str, bytes: &[u8]) -> Result<ParsedScenario, Vec<Diagnostic>> {
    let at_start = |problem| vec![Diagnostic::new(file, "", Position::START, problem)];
    if bytes.len() > MAX_FILE_BYTES {
        return Err(at_start(Problem::FileTooLarge {
            bytes: bytes.len(),
            limit: MAX_FILE_BYTES,
        }));
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let good = String::from_utf8_lossy(&bytes[..e.valid_up_to()]);
            let position = Position::of_offset(&good, good.len());
            return Err(vec![Diagnostic::new(
                file,
                &good,
                position,
                Problem::NotUtf8 {
                    byte_offset: e.valid_up_to(),
                },
            )]);
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if is_blank(text) {
        return Err(at_start(Problem::Empty));
    }
    if let Some(position) = crate::load::locate::nesting_deeper_than(text, MAX_NESTING) {
        return Err(vec![Diagnostic::new(
            file,
            text,
            position,
            Problem::NestingTooDeep { limit: MAX_NESTING },
        )]);
    }
    match ron_options().from_str::<Scenario>(text) {
        Ok(scenario) => Ok(ParsedScenario::new(file, text, scenario)),
        Err(e) => {
            let reported = Position {
                line: e.span.start.line.max(1),
                column: e.span.start.col.max(1),
            };
            let position = if e.code == ron::Error::Eof {
                reported
            } else {
                crate::load::locate::skip_blank(text, reported)
            };
            let (position, problem) = if e.code == ron::Error::IntegerOutOfBounds {
                number_out_of_range(text, position)
            } else {
                (position, problem_from_ron(e.code))
            };
            let first = Diagnostic::new(file, text, position, problem);
            if matches!(first.problem, Problem::UnknownField { .. }) {
                let all = unknown_fields(file, text);
                if all.iter().any(|d| d.position == first.position) {
                    return Err(all);
                }
            }
            Err(vec![first])
        }
    }
}

/// Every field written in a struct of the format that the struct does not have, each at
/// its name with the valid names, in text order.
fn unknown_fields(file: &str, text: &str) -> Vec<Diagnostic> {
    let schema = crate::load::schema::scenario_fields();
    crate::load::locate::written_fields(text)
        .into_iter()
        .filter_map(|w| {
            let known = schema.get(w.owner)?;
            (!known.iter().any(|k| k == w.field)).then(|| {
                Diagnostic::new(
                    file,
                    text,
                    w.position,
                    Problem::UnknownField {
                        found: w.field.to_owned(),
                        expected: known.clone(),
                        within: Some(w.owner.to_owned()),
                    },
                )
            })
        })
        .collect()
}

/// The number at `at` and the field it was written for (`points: -15`), so the message can
/// say what that field takes.
fn number_out_of_range(text: &str, at: Position) -> (Position, Problem) {
    let mut offset = crate::load::locate::offset_of(text, at);
    // ron points after a sign: point at the number as written.
    if text[..offset].ends_with(['-', '+']) {
        offset -= 1;
    }
    let at = Position::of_offset(text, offset);
    let value: String = text[offset..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '+' | '_' | '.'))
        .collect();
    let before = text[..offset].trim_end();
    let field = before.strip_suffix(':').map(|b| {
        b.trim_end()
            .chars()
            .rev()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect::<String>()
            .chars()
            .rev()
            .collect::<String>()
    });
    (
        at,
        Problem::NumberOutOfRange {
            field: field.filter(|f| !f.is_empty()),
            value,
        },
    )
}

/// True when the text holds nothing but white space and comments.
fn is_blank(text: &str) -> bool {
    let mut rest = text.trim_start();
    loop {
        if let Some(after) = rest.strip_prefix("//") {
            rest = after.split_once('\n').map_or("", |(_, r)| r).trim_start();
        } else if let Some(after) = rest.strip_prefix("/*") {
            match after.split_once("*/") {
                Some((_, r)) => rest = r.trim_start(),
                None => return false,
            }
        } else {
            return rest.is_empty();
        }
    }
}

fn problem_from_ron(error: ron::Error) -> Problem {
    use ron::Error as E;
    let names = |list: &[&str]| list.iter().map(|s| (*s).to_owned()).collect();
    match error {
        E::Eof => Problem::UnexpectedEnd,
        E::ExpectedStringEnd => Problem::UnclosedString,
        E::NoSuchStructField {
            expected,
            found,
            outer,
        } => Problem::UnknownField {
            found,
            expected: names(expected),
            within: outer,
        },
        E::NoSuchEnumVariant {
            expected,
            found,
            outer,
        } => Problem::UnknownVariant {
            found,
            expected: names(expected),
            within: outer,
        },
        E::MissingStructField { field, outer } => Problem::MissingField {
            field: field.to_owned(),
            within: outer,
        },
        E::ExceededRecursionLimit => Problem::NestingTooDeep { limit: MAX_NESTING },
        other => Problem::Syntax {
            message: other.to_string(),
        },
    }
}

//! Scripted attempts: a plain-text list of a trainee's inputs, played through the runner without a window.
//!
//! One input a line: `flag CUE`, `unflag CUE`, `choose OPTION` or `continue`; `#` starts a
//! comment. Scenes, identify steps and feedback are continued past automatically when the
//! next line is an input for a later step, so a script needs only the trainee's decisions.

use crate::play::runner::{Event, Input, Runner, View};

/// An attempt a script can drive: a bare runner, or a recorded attempt writing every input.
pub trait Playable {
    /// The runner, for what is on screen.
    fn runner(&self) -> &Runner;
    /// Applies one input, returning its events or why it was not taken.
    ///
    /// # Errors
    /// The reason, in words.
    fn input(&mut self, input: &Input) -> Result<Vec<Event>, String>;
}

impl Playable for Runner {
    fn runner(&self) -> &Runner {
        self
    }

    fn input(&mut self, input: &Input) -> Result<Vec<Event>, String> {
        self.apply(input).map_err(|e| e.to_string())
    }
}

/// Why a script could not be played.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScriptError {
    /// A line that is not an input.
    #[error(
        "line {line}: `{text}` is not an input; write `flag CUE`, `unflag CUE`, `choose OPTION` or `continue`"
    )]
    Syntax {
        /// 1-based line.
        line: usize,
        /// The line's text.
        text: String,
    },
    /// The runner refused a line's input.
    #[error("line {line}: {reason}")]
    Refused {
        /// 1-based line.
        line: usize,
        /// Why.
        reason: String,
    },
    /// Continuing after the script never reached an ending.
    #[error("after the script the attempt goes round step `{step}` without reaching an ending")]
    Stuck {
        /// Where it was.
        step: String,
    },
    /// The script ran out at a decision.
    #[error("the script ends at decision `{step}`; choose one of: {}", .options.join(", "))]
    EndedAtDecision {
        /// The decision.
        step: String,
        /// Its unlocked options.
        options: Vec<String>,
    },
}

/// Parses a script into (line number, input) pairs.
///
/// # Errors
/// [`ScriptError::Syntax`] on the first line that is not an input.
pub fn parse_script(text: &str) -> Result<Vec<(usize, Input)>, ScriptError> {
    let mut out = Vec::new();
    for (n, raw) in text.lines().enumerate() {
        let line = raw.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let mut words = line.split_whitespace();
        let input = match (words.next(), words.next(), words.next()) {
            (Some("flag"), Some(cue), None) => Input::Flag(cue.to_owned()),
            (Some("unflag"), Some(cue), None) => Input::Unflag(cue.to_owned()),
            (Some("choose"), Some(option), None) => Input::Choose(option.to_owned()),
            (Some("continue"), None, None) => Input::Continue,
            _ => {
                return Err(ScriptError::Syntax {
                    line: n + 1,
                    text: raw.to_owned(),
                });
            }
        };
        out.push((n + 1, input));
    }
    Ok(out)
}

/// Plays a parsed script to the end of the attempt, appending every event to `events`.
///
/// # Errors
/// [`ScriptError::Refused`] when an input does not fit; [`ScriptError::EndedAtDecision`]
/// when the script runs out before an ending. Events up to the failure are kept.
pub fn play(
    runner: &mut impl Playable,
    script: &[(usize, Input)],
    events: &mut Vec<Event>,
) -> Result<(), ScriptError> {
    for (line, input) in script {
        let refused = |reason| ScriptError::Refused {
            line: *line,
            reason,
        };
        // Move past anything the input cannot apply to; bounded by the steps in the scenario.
        for _ in 0..=runner.runner().scenario().scenario.steps.len() * 2 {
            let skip = match (input, runner.runner().view()) {
                (Input::Continue, _) => false,
                (
                    Input::Choose(_),
                    View::Scene { .. } | View::Identify { .. } | View::Feedback { .. },
                ) => true,
                (Input::Flag(_) | Input::Unflag(_), View::Scene { .. } | View::Feedback { .. }) => {
                    true
                }
                _ => false,
            };
            if !skip {
                break;
            }
            events.extend(runner.input(&Input::Continue).map_err(refused)?);
        }
        events.extend(runner.input(input).map_err(refused)?);
    }
    // A validated scenario cannot loop without a decision; the bound makes sure an
    // unvalidated one cannot hang the caller either.
    let mut budget = runner.runner().scenario().scenario.steps.len() * 2 + 2;
    while !runner.runner().is_finished() {
        if budget == 0 {
            let step = runner
                .runner()
                .transcript()
                .visited
                .last()
                .cloned()
                .unwrap_or_default();
            return Err(ScriptError::Stuck { step });
        }
        budget -= 1;
        if let View::Decision { step, options } = runner.runner().view() {
            return Err(ScriptError::EndedAtDecision {
                step: step.id.clone(),
                options: options
                    .iter()
                    .filter(|o| o.unlocked)
                    .map(|o| o.option.id.clone())
                    .collect(),
            });
        }
        let line = script.last().map_or(0, |(l, _)| *l);
        events.extend(
            runner
                .input(&Input::Continue)
                .map_err(|reason| ScriptError::Refused { line, reason })?,
        );
    }
    Ok(())
}

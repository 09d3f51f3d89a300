//! Scripted attempts: a plain-text list of a trainee's inputs, played through the runner without a window.
//!
//! One input a line: `flag CUE`, `unflag CUE`, `choose OPTION` or `continue`; `#` starts a
//! comment. Scenes, identify steps and feedback are continued past automatically when the
//! next line is an input for a later step, so a script needs only the trainee's decisions.
//! `variant SCENE VARIANT` says which variant the script was written for: playing it with a
//! seed that draws another is an error that says so, instead of a puzzling refusal later.

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

/// A parsed script: the inputs, and the scene variants it was written for.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Script {
    /// (1-based line, input), in order.
    pub inputs: Vec<(usize, Input)>,
    /// Variants the script expects to be drawn.
    pub variants: Vec<ExpectedVariant>,
}

/// A `variant SCENE VARIANT` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpectedVariant {
    /// 1-based line.
    pub line: usize,
    /// The scene.
    pub scene: String,
    /// The variant the script was written for.
    pub variant: String,
}

/// Why a script could not be played.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScriptError {
    /// A line that is not an input.
    #[error(
        "line {line}: `{text}` is not an input; write `flag CUE`, `unflag CUE`, `choose OPTION`, `continue` or `variant SCENE VARIANT`"
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
    /// A `variant` line naming a scene or variant the scenario does not have.
    #[error("line {line}: {}", unknown_variant_text(.scene, .variant, .known))]
    UnknownVariant {
        /// 1-based line.
        line: usize,
        /// The scene named.
        scene: String,
        /// The variant named.
        variant: String,
        /// The scene's variants, or (when the scene has none or does not exist) the scenes
        /// that have variants.
        known: Vec<String>,
    },
    /// The seed drew another variant than the script expects.
    #[error(
        "line {line}: the script is written for variant `{expected}` of scene `{scene}`, but seed {seed} draws `{drawn}`: run with `--seed-for {scene}={expected}` to find a seed that draws it, or change the line to `variant {scene} {drawn}`"
    )]
    VariantMismatch {
        /// 1-based line of the `variant` line.
        line: usize,
        /// The scene.
        scene: String,
        /// The variant the script expects.
        expected: String,
        /// The variant drawn.
        drawn: String,
        /// The attempt's seed.
        seed: u64,
    },
    /// The attempt ended without showing a scene the script names a variant for.
    #[error(
        "line {line}: the script is written for variant `{variant}` of scene `{scene}`, but this attempt never reaches that scene: change the choices so it does, or remove the line"
    )]
    VariantNotReached {
        /// 1-based line.
        line: usize,
        /// The scene.
        scene: String,
        /// The variant expected.
        variant: String,
    },
    /// Continuing after the script never reached an ending.
    #[error(
        "after the script the attempt goes round step `{step}` without reaching an ending: run `silent-slavery validate` on the scenario"
    )]
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

fn unknown_variant_text(scene: &str, variant: &str, known: &[String]) -> String {
    let names = |what: &str| {
        if known.is_empty() {
            format!("the scenario has no {what}")
        } else {
            format!(
                "write one of {what}: {}",
                known
                    .iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
    };
    if known.iter().any(|k| k.contains('=')) || known.is_empty() {
        format!(
            "`{scene}` is not a scene with variants; {}",
            names("the scenes with variants (scene=variants)")
        )
    } else {
        format!(
            "scene `{scene}` has no variant `{variant}`; {}",
            names("its variants")
        )
    }
}

/// Parses a script: its inputs with their line numbers, and its `variant` lines.
///
/// # Errors
/// [`ScriptError::Syntax`] on the first line that is not an input.
pub fn parse_script(text: &str) -> Result<Script, ScriptError> {
    let mut out = Script::default();
    for (n, raw) in text.lines().enumerate() {
        let line = raw.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let mut words = line.split_whitespace();
        let input = match (words.next(), words.next(), words.next()) {
            (Some("variant"), Some(scene), Some(variant)) if words.next().is_none() => {
                out.variants.push(ExpectedVariant {
                    line: n + 1,
                    scene: scene.to_owned(),
                    variant: variant.to_owned(),
                });
                continue;
            }
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
        out.inputs.push((n + 1, input));
    }
    Ok(out)
}

/// Checks every `variant` line against the scenario: the scene exists and has that variant.
fn check_variants(runner: &Runner, script: &Script) -> Result<(), ScriptError> {
    use crate::model::scenario::Step;
    let steps = &runner.scenario().scenario.steps;
    for e in &script.variants {
        let scene = steps.iter().find_map(|s| match s {
            Step::Scene(scene) if scene.id == e.scene && !scene.variants.is_empty() => Some(scene),
            _ => None,
        });
        let known: Vec<String> = match scene {
            Some(scene) if scene.variants.iter().any(|v| v.id == e.variant) => continue,
            Some(scene) => scene.variants.iter().map(|v| v.id.clone()).collect(),
            None => steps
                .iter()
                .filter_map(|s| match s {
                    Step::Scene(scene) if !scene.variants.is_empty() => Some(format!(
                        "{}={}",
                        scene.id,
                        scene
                            .variants
                            .iter()
                            .map(|v| v.id.as_str())
                            .collect::<Vec<_>>()
                            .join("|")
                    )),
                    _ => None,
                })
                .collect(),
        };
        return Err(ScriptError::UnknownVariant {
            line: e.line,
            scene: e.scene.clone(),
            variant: e.variant.clone(),
            known,
        });
    }
    Ok(())
}

/// The first expectation the events break: a scene drawn with another variant.
fn broken_expectation(script: &Script, events: &[Event], seed: u64) -> Option<ScriptError> {
    events.iter().find_map(|event| match event {
        Event::VariantChosen { step, variant } => script
            .variants
            .iter()
            .find(|e| &e.scene == step && &e.variant != variant)
            .map(|e| ScriptError::VariantMismatch {
                line: e.line,
                scene: e.scene.clone(),
                expected: e.variant.clone(),
                drawn: variant.clone(),
                seed,
            }),
        _ => None,
    })
}

/// Plays a parsed script to the end of the attempt, appending every event to `events`.
///
/// # Errors
/// [`ScriptError::Refused`] when an input does not fit; [`ScriptError::EndedAtDecision`]
/// when the script runs out before an ending. Events up to the failure are kept.
pub fn play(
    runner: &mut impl Playable,
    script: &Script,
    events: &mut Vec<Event>,
) -> Result<(), ScriptError> {
    check_variants(runner.runner(), script)?;
    let seed = runner.runner().seed();
    // The first scene may have been drawn when the attempt started.
    if let Some(e) = broken_expectation(script, events, seed) {
        return Err(e);
    }
    for (line, input) in &script.inputs {
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
            let new = runner.input(&Input::Continue).map_err(refused)?;
            if let Some(e) = broken_expectation(script, &new, seed) {
                events.extend(new);
                return Err(e);
            }
            events.extend(new);
        }
        let new = runner.input(input).map_err(refused)?;
        if let Some(e) = broken_expectation(script, &new, seed) {
            events.extend(new);
            return Err(e);
        }
        events.extend(new);
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
        if let View::Decision { step, options, .. } = runner.runner().view() {
            return Err(ScriptError::EndedAtDecision {
                step: step.id.clone(),
                options: options
                    .iter()
                    .filter(|o| o.unlocked)
                    .map(|o| o.option.id.clone())
                    .collect(),
            });
        }
        let line = script.inputs.last().map_or(0, |(l, _)| *l);
        let new = runner
            .input(&Input::Continue)
            .map_err(|reason| ScriptError::Refused { line, reason })?;
        if let Some(e) = broken_expectation(script, &new, seed) {
            events.extend(new);
            return Err(e);
        }
        events.extend(new);
    }
    let drawn = &runner.runner().transcript().variants;
    if let Some(e) = script
        .variants
        .iter()
        .find(|e| !drawn.iter().any(|(scene, _)| scene == &e.scene))
    {
        return Err(ScriptError::VariantNotReached {
            line: e.line,
            scene: e.scene.clone(),
            variant: e.variant.clone(),
        });
    }
    Ok(())
}

/// The first seed from `from` (trying at most `tries`) with which `script` plays through
/// and draws every variant it names; `None` when no seed in that range does.
///
/// Which variant a seed draws depends on the draws before it (each shuffled decision
/// draws too), so seeds are tried by playing the whole script, not by a table.
pub fn seed_for(
    scenario: &std::sync::Arc<crate::load::loaded::LoadedScenario>,
    catalog: &std::sync::Arc<crate::model::catalog::Catalog>,
    script: &Script,
    from: u64,
    tries: u64,
) -> Option<u64> {
    (from..from.saturating_add(tries)).find(|&seed| {
        Runner::start(
            std::sync::Arc::clone(scenario),
            std::sync::Arc::clone(catalog),
            seed,
        )
        .ok()
        .is_some_and(|(mut runner, mut events)| play(&mut runner, script, &mut events).is_ok())
    })
}

//! The runner: a synchronous state machine that plays one attempt of a scenario, turning a trainee's inputs into events.
//!
//! It touches no files and no screens. Randomness (scene variants, option order) comes from a
//! ChaCha8 generator seeded at start, drawn in a fixed order as steps are presented, so the
//! same scenario, seed and inputs always give the same attempt.

use std::collections::BTreeSet;
use std::sync::Arc;

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::load::loaded::LoadedScenario;
use crate::model::catalog::{Catalog, CueTag};
use crate::model::scenario::{
    Cue, Decision, DecisionOption, Effect, Ending, Identify, Outcome, Scene, SceneVariant, Step,
    StepKind, route,
};
use crate::play::score::{self, AttemptScore, PassRule, Transcript};

/// Something the trainee does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Input {
    /// Flag a cue as concerning (identify steps only).
    Flag(String),
    /// Take a flag back (identify steps only).
    Unflag(String),
    /// Choose an option (decision steps only).
    Choose(String),
    /// Move on from a scene, an identify step or feedback.
    Continue,
}

/// Which way an effect went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum EffectKind {
    /// The rule was upheld.
    Upheld,
    /// The rule was breached.
    Breached,
}

/// Something that happened in the attempt, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Event {
    /// A step is now shown.
    StepPresented {
        /// Its id.
        step: String,
        /// Its kind.
        kind: StepKind,
    },
    /// A scene variant was drawn for this attempt.
    VariantChosen {
        /// The scene.
        step: String,
        /// The variant.
        variant: String,
    },
    /// Decision options were put in this order (option ids).
    OptionsOrdered {
        /// The decision.
        step: String,
        /// Option ids in display order.
        order: Vec<String>,
    },
    /// A cue was flagged.
    CueFlagged {
        /// The cue.
        cue: String,
    },
    /// A flag was taken back.
    CueUnflagged {
        /// The cue.
        cue: String,
    },
    /// An option was chosen.
    OptionChosen {
        /// The decision.
        step: String,
        /// The option.
        option: String,
    },
    /// The chosen option upheld or breached a rule.
    RuleEffect {
        /// The rule.
        rule: String,
        /// Its ruleset.
        ruleset: String,
        /// Upheld or breached.
        effect: EffectKind,
        /// Points (positive).
        points: u32,
        /// A critical breach.
        critical: bool,
    },
    /// A scenario flag was set.
    FlagSet {
        /// The flag.
        flag: String,
    },
    /// Feedback is shown for the chosen option.
    FeedbackShown {
        /// The decision.
        step: String,
        /// The option.
        option: String,
    },
    /// The attempt reached an ending.
    AttemptFinished {
        /// The ending.
        ending: String,
        /// Its outcome.
        outcome: Outcome,
    },
}

/// Why an input was refused. The runner's state is unchanged after an error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RunnerError {
    /// The scenario's start step does not exist (only possible for unvalidated scenarios).
    #[error("the scenario has no step `{0}`: check it with `silent-slavery validate`")]
    MissingStep(String),
    /// Flagging outside an identify step.
    #[error(
        "cues can only be flagged at an identify step; the current step is `{0}`: flag cues after the scene that shows them and before the `choose` that follows"
    )]
    NotIdentifying(String),
    /// A cue not offered at this identify step.
    #[error("cue `{cue}` has not been shown in this attempt: {}", match .variant {
        Some(v) => format!("it belongs to variant `{v}` of scene `{step}`, which this attempt did not draw; write `variant {step} {v}` in the script and run it with `--seed-for {step}={v}`"),
        None => format!("it is shown at step `{step}`, which this attempt has not reached yet; flag it at an identify step after `{step}`"),
    })]
    CueNotOffered {
        /// The cue.
        cue: String,
        /// The step that shows it.
        step: String,
        /// The variant that shows it, if a variant does.
        variant: Option<String>,
    },
    /// A cue id the scenario does not have.
    #[error("the scenario has no cue `{cue}`{}; copy the id from a `Cue(id: ...)` of the scenario", .suggestion.as_ref().map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default())]
    UnknownCue {
        /// The id given.
        cue: String,
        /// The closest cue id of the scenario.
        suggestion: Option<String>,
    },
    /// Choosing outside a decision.
    #[error("there is no decision to make at `{0}`: `choose` works only at a decision")]
    NotDeciding(String),
    /// An option id the decision does not have.
    #[error("decision `{step}` has no option `{option}`; write one of its options: {}", .options.join(", "))]
    UnknownOption {
        /// The decision.
        step: String,
        /// The id given.
        option: String,
        /// The decision's option ids.
        options: Vec<String>,
    },
    /// A locked option.
    #[error("option `{option}` is locked: {reason} Choose one of the open options: {}", .open.join(", "))]
    OptionLocked {
        /// The option.
        option: String,
        /// Why.
        reason: String,
        /// The options open now.
        open: Vec<String>,
    },
    /// Continue at a decision.
    #[error("decision `{0}` needs an option chosen before moving on: write `choose OPTION`")]
    ChoiceRequired(String),
    /// Any input after the ending.
    #[error("the attempt has finished: nothing more can be done in it")]
    Finished,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Position {
    At(usize),
    Feedback { step: usize, option: usize },
    Finished(usize),
}

/// A cue as presented: the cue and whether the trainee has flagged it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CueView<'a> {
    /// The cue.
    pub cue: &'a Cue,
    /// Flagged now.
    pub flagged: bool,
}

/// An option as presented.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OptionView<'a> {
    /// The option.
    pub option: &'a DecisionOption,
    /// False when its `requires` flags do not hold (show it greyed out with `locked_reason`).
    pub unlocked: bool,
}

/// What the trainee sees now.
#[derive(Debug, Clone, PartialEq)]
pub enum View<'a> {
    /// A scene, with the drawn variant and every cue it shows.
    Scene {
        /// The scene.
        scene: &'a Scene,
        /// The drawn variant.
        variant: Option<&'a SceneVariant>,
        /// The scene's cues then the variant's.
        cues: Vec<&'a Cue>,
    },
    /// An identify step with every cue seen so far, in the order shown.
    Identify {
        /// The step.
        step: &'a Identify,
        /// Cues seen so far.
        cues: Vec<CueView<'a>>,
    },
    /// A decision with options in this attempt's order.
    Decision {
        /// The step.
        step: &'a Decision,
        /// The decision's cues, in authored order.
        cues: Vec<&'a Cue>,
        /// Options, shuffled if the author allowed it.
        options: Vec<OptionView<'a>>,
    },
    /// Feedback on the option just chosen.
    Feedback {
        /// The decision.
        step: &'a Decision,
        /// The option chosen.
        option: &'a DecisionOption,
    },
    /// The ending.
    Finished {
        /// The ending.
        ending: &'a Ending,
    },
}

/// Plays one attempt.
#[derive(Debug, Clone)]
pub struct Runner {
    scenario: Arc<LoadedScenario>,
    catalog: Arc<Catalog>,
    seed: u64,
    rng: ChaCha8Rng,
    position: Position,
    flags: BTreeSet<String>,
    seen_cues: Vec<String>,
    variant: Option<usize>,
    order: Vec<usize>,
    transcript: Transcript,
    pass_rule: PassRule,
}

impl Runner {
    /// Starts an attempt at the scenario's first step.
    ///
    /// Returns the runner and the events of presenting the first step.
    ///
    /// # Errors
    /// [`RunnerError::MissingStep`] if the start step does not exist. A [`LoadedScenario`]
    /// has passed validation, so this does not happen for one from the library.
    pub fn start(
        scenario: Arc<LoadedScenario>,
        catalog: Arc<Catalog>,
        seed: u64,
    ) -> Result<(Runner, Vec<Event>), RunnerError> {
        let start = scenario
            .scenario
            .step_index(&scenario.scenario.start)
            .ok_or_else(|| RunnerError::MissingStep(scenario.scenario.start.clone()))?;
        let pass_rule = PassRule::of(&scenario.scenario);
        let mut runner = Runner {
            scenario,
            catalog,
            seed,
            rng: ChaCha8Rng::seed_from_u64(seed),
            position: Position::At(start),
            flags: BTreeSet::new(),
            seen_cues: Vec::new(),
            variant: None,
            order: Vec::new(),
            transcript: Transcript::default(),
            pass_rule,
        };
        let mut events = Vec::new();
        runner.enter(start, &mut events);
        Ok((runner, events))
    }

    /// The seed this attempt was started with.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The scenario being played.
    pub fn scenario(&self) -> &Arc<LoadedScenario> {
        &self.scenario
    }

    /// What happened so far, for scoring.
    pub fn transcript(&self) -> &Transcript {
        &self.transcript
    }

    /// Flags set so far.
    pub fn flags(&self) -> &BTreeSet<String> {
        &self.flags
    }

    /// Whether the attempt has reached an ending.
    pub fn is_finished(&self) -> bool {
        matches!(self.position, Position::Finished(_))
    }

    /// The conditions this attempt is judged by: the scenario's today, unless another
    /// rule was stamped on the attempt when it started (see [`Runner::with_pass_rule`]).
    pub fn pass_rule(&self) -> &PassRule {
        &self.pass_rule
    }

    /// The same attempt judged by `rule`: for an attempt resumed from the results store,
    /// the rule stamped on it when it started.
    pub fn with_pass_rule(mut self, rule: PassRule) -> Runner {
        self.pass_rule = rule;
        self
    }

    /// The score so far (final once finished).
    pub fn score(&self) -> AttemptScore {
        score::score(
            &self.scenario.scenario,
            &self.catalog,
            &self.scenario.bounds,
            &self.pass_rule,
            &self.transcript,
        )
    }

    /// What the trainee sees now.
    pub fn view(&self) -> View<'_> {
        let steps = &self.scenario.scenario.steps;
        match self.position {
            Position::At(i) => match &steps[i] {
                Step::Scene(scene) => {
                    let variant = self.variant.and_then(|v| scene.variants.get(v));
                    View::Scene {
                        scene,
                        variant,
                        cues: scene
                            .cues
                            .iter()
                            .chain(variant.into_iter().flat_map(|v| v.cues.iter()))
                            .collect(),
                    }
                }
                Step::Identify(step) => View::Identify {
                    step,
                    cues: self
                        .seen_cues
                        .iter()
                        .filter_map(|id| self.scenario.scenario.cue(id))
                        .map(|cue| CueView {
                            cue,
                            flagged: self.transcript.flagged_cues.contains(&cue.id),
                        })
                        .collect(),
                },
                Step::Decision(step) => View::Decision {
                    step,
                    cues: step.cues.iter().collect(),
                    options: self
                        .order
                        .iter()
                        .map(|&o| {
                            let option = &step.options[o];
                            OptionView {
                                option,
                                unlocked: option.is_unlocked(&self.flags),
                            }
                        })
                        .collect(),
                },
                Step::Ending(ending) => View::Finished { ending },
            },
            Position::Feedback { step, option } => match &steps[step] {
                Step::Decision(d) => View::Feedback {
                    step: d,
                    option: &d.options[option],
                },
                _ => unreachable!("feedback is only entered from a decision"),
            },
            Position::Finished(i) => match &steps[i] {
                Step::Ending(ending) => View::Finished { ending },
                _ => unreachable!("an attempt only finishes at an ending"),
            },
        }
    }

    /// The id of the step on screen: the decision while its feedback shows.
    pub fn current_step(&self) -> &str {
        let i = match self.position {
            Position::At(i) | Position::Finished(i) => i,
            Position::Feedback { step, .. } => step,
        };
        self.scenario.scenario.steps[i].id()
    }

    fn current_id(&self) -> String {
        self.current_step().to_owned()
    }

    /// Applies one input.
    ///
    /// # Errors
    /// [`RunnerError`] when the input does not fit the current step; nothing changes then.
    pub fn apply(&mut self, input: &Input) -> Result<Vec<Event>, RunnerError> {
        let mut events = Vec::new();
        let scenario = Arc::clone(&self.scenario);
        let steps = &scenario.scenario.steps;
        match (input, self.position.clone()) {
            (_, Position::Finished(_)) => return Err(RunnerError::Finished),
            (Input::Flag(cue) | Input::Unflag(cue), Position::At(i))
                if matches!(steps[i], Step::Identify(_)) =>
            {
                if !self.seen_cues.contains(cue) {
                    if scenario.scenario.cue(cue).is_none() {
                        return Err(RunnerError::UnknownCue {
                            cue: cue.clone(),
                            suggestion: crate::model::ids::suggest(
                                cue,
                                scenario.scenario.all_cues().map(|c| c.id.as_str()),
                            ),
                        });
                    }
                    return Err(self.not_offered(cue));
                }
                if matches!(input, Input::Flag(_)) {
                    if self.transcript.flagged_cues.insert(cue.clone()) {
                        events.push(Event::CueFlagged { cue: cue.clone() });
                    }
                } else if self.transcript.flagged_cues.remove(cue) {
                    events.push(Event::CueUnflagged { cue: cue.clone() });
                }
            }
            (Input::Flag(_) | Input::Unflag(_), _) => {
                return Err(RunnerError::NotIdentifying(self.current_id()));
            }
            (Input::Choose(option_id), Position::At(i)) => {
                let Step::Decision(decision) = &steps[i] else {
                    return Err(RunnerError::NotDeciding(self.current_id()));
                };
                let (o, option) = decision
                    .options
                    .iter()
                    .enumerate()
                    .find(|(_, o)| &o.id == option_id)
                    .ok_or_else(|| RunnerError::UnknownOption {
                        step: decision.id.clone(),
                        option: option_id.clone(),
                        options: decision.options.iter().map(|o| o.id.clone()).collect(),
                    })?;
                if !option.is_unlocked(&self.flags) {
                    let reason = option
                        .locked_reason
                        .clone()
                        .unwrap_or_else(|| "Not available yet.".to_owned());
                    return Err(RunnerError::OptionLocked {
                        option: option.id.clone(),
                        reason: if reason.ends_with(['.', '!', '?']) {
                            reason
                        } else {
                            format!("{reason}.")
                        },
                        open: decision
                            .options
                            .iter()
                            .filter(|o| o.is_unlocked(&self.flags))
                            .map(|o| o.id.clone())
                            .collect(),
                    });
                }
                self.transcript
                    .choices
                    .push((decision.id.clone(), option.id.clone()));
                events.push(Event::OptionChosen {
                    step: decision.id.clone(),
                    option: option.id.clone(),
                });
                for effect in &option.effects {
                    let Some((ruleset, _)) = self.catalog.rule(effect.rule()) else {
                        continue;
                    };
                    let (kind, points, critical) = match effect {
                        Effect::Upholds { points, .. } => (EffectKind::Upheld, *points, false),
                        Effect::Breaches {
                            points, critical, ..
                        } => (EffectKind::Breached, *points, *critical),
                    };
                    events.push(Event::RuleEffect {
                        rule: effect.rule().to_owned(),
                        ruleset: ruleset.id.clone(),
                        effect: kind,
                        points,
                        critical,
                    });
                }
                for flag in &option.sets {
                    if self.flags.insert(flag.clone()) {
                        events.push(Event::FlagSet { flag: flag.clone() });
                    }
                }
                self.position = Position::Feedback { step: i, option: o };
                events.push(Event::FeedbackShown {
                    step: decision.id.clone(),
                    option: option.id.clone(),
                });
            }
            (Input::Choose(_), _) => return Err(RunnerError::NotDeciding(self.current_id())),
            (Input::Continue, Position::At(i)) => {
                let next = match &steps[i] {
                    Step::Scene(s) => route(&s.next, &s.next_when, &self.flags),
                    Step::Identify(s) => route(&s.next, &s.next_when, &self.flags),
                    Step::Decision(d) => return Err(RunnerError::ChoiceRequired(d.id.clone())),
                    Step::Ending(_) => return Err(RunnerError::Finished),
                };
                self.go(next, &mut events)?;
            }
            (Input::Continue, Position::Feedback { step, option }) => {
                let Step::Decision(d) = &steps[step] else {
                    unreachable!("feedback is only entered from a decision")
                };
                self.go(&d.options[option].next, &mut events)?;
            }
        }
        Ok(events)
    }

    /// Why a cue of the scenario cannot be flagged yet: the step (and variant) that shows it.
    fn not_offered(&self, cue: &str) -> RunnerError {
        let steps = &self.scenario.scenario.steps;
        for step in steps {
            if let Step::Scene(scene) = step
                && let Some(v) = scene
                    .variants
                    .iter()
                    .find(|v| v.cues.iter().any(|c| c.id == cue))
            {
                return RunnerError::CueNotOffered {
                    cue: cue.to_owned(),
                    step: scene.id.clone(),
                    variant: Some(v.id.clone()),
                };
            }
        }
        let step = steps
            .iter()
            .find(|s| s.cues().any(|c| c.id == cue))
            .map_or_else(String::new, |s| s.id().to_owned());
        RunnerError::CueNotOffered {
            cue: cue.to_owned(),
            step,
            variant: None,
        }
    }

    fn go(&mut self, next: &str, events: &mut Vec<Event>) -> Result<(), RunnerError> {
        let i = self
            .scenario
            .scenario
            .step_index(next)
            .ok_or_else(|| RunnerError::MissingStep(next.to_owned()))?;
        self.enter(i, events);
        Ok(())
    }

    fn enter(&mut self, i: usize, events: &mut Vec<Event>) {
        let scenario = Arc::clone(&self.scenario);
        let step = &scenario.scenario.steps[i];
        self.position = Position::At(i);
        self.variant = None;
        self.order.clear();
        self.transcript.visited.push(step.id().to_owned());
        events.push(Event::StepPresented {
            step: step.id().to_owned(),
            kind: step.kind(),
        });
        match step {
            Step::Scene(scene) => {
                let mut cues: Vec<&Cue> = scene.cues.iter().collect();
                if !scene.variants.is_empty() {
                    let v = self.draw_variant(&scene.variants);
                    self.variant = Some(v);
                    let variant = &scene.variants[v];
                    self.transcript
                        .variants
                        .push((scene.id.clone(), variant.id.clone()));
                    events.push(Event::VariantChosen {
                        step: scene.id.clone(),
                        variant: variant.id.clone(),
                    });
                    cues.extend(variant.cues.iter());
                }
                for cue in cues {
                    if !self.seen_cues.contains(&cue.id) {
                        self.seen_cues.push(cue.id.clone());
                    }
                }
            }
            Step::Identify(_) => {
                self.transcript
                    .offered_cues
                    .extend(self.seen_cues.iter().cloned());
            }
            Step::Decision(decision) => {
                for cue in &decision.cues {
                    if !self.seen_cues.contains(&cue.id) {
                        self.seen_cues.push(cue.id.clone());
                    }
                }
                self.order = (0..decision.options.len()).collect();
                if decision.shuffle {
                    // Fisher–Yates with the attempt's generator: the order depends only on
                    // the seed and the steps presented before.
                    for k in (1..self.order.len()).rev() {
                        let j = self.rng.random_range(0..=k);
                        self.order.swap(k, j);
                    }
                }
                events.push(Event::OptionsOrdered {
                    step: decision.id.clone(),
                    order: self
                        .order
                        .iter()
                        .map(|&o| decision.options[o].id.clone())
                        .collect(),
                });
            }
            Step::Ending(ending) => {
                self.position = Position::Finished(i);
                self.transcript.ending = Some(ending.id.clone());
                events.push(Event::AttemptFinished {
                    ending: ending.id.clone(),
                    outcome: ending.outcome,
                });
            }
        }
    }

    fn draw_variant(&mut self, variants: &[SceneVariant]) -> usize {
        use rand::distr::Distribution;
        use rand::distr::weighted::WeightedIndex;
        // Validation requires every weight to be at least 1, so this only falls back for an
        // unvalidated scenario.
        match WeightedIndex::new(variants.iter().map(|v| v.weight)) {
            Ok(weights) => weights.sample(&mut self.rng),
            Err(_) => self.rng.random_range(0..variants.len()),
        }
    }

    /// Whether a cue is a red herring, for views that mark them after the attempt.
    pub fn is_red_herring(&self, cue: &Cue) -> bool {
        matches!(
            self.catalog.cue_tag(&cue.indicator),
            Some(CueTag::Caution(_))
        )
    }
}

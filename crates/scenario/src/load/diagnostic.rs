//! Problems found in a scenario file, as data: what is wrong, how bad, and where (file:line:col).

use serde::Serialize;

use crate::load::locate::Position;

/// How serious a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The scenario cannot be played until it is fixed.
    Error,
    /// The scenario plays, but something is probably not what the author meant.
    Warning,
}

/// Everything the parser and validator can find wrong in a scenario file.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Problem {
    /// The file is over the size limit.
    #[error(
        "the file is {bytes} bytes; scenario files are limited to {limit} bytes: split it into two scenarios"
    )]
    FileTooLarge {
        /// The file's size.
        bytes: usize,
        /// The limit.
        limit: usize,
    },
    /// The file is not UTF-8 text.
    #[error(
        "the file is not UTF-8 text (bad byte at offset {byte_offset}); save it as UTF-8 in your editor"
    )]
    NotUtf8 {
        /// Offset of the first bad byte.
        byte_offset: usize,
    },
    /// The file is empty or holds only comments.
    #[error(
        "the file is empty: a scenario file holds one `Scenario(...)`; `silent-slavery new ID --role ROLE` writes a starter"
    )]
    Empty,
    /// The file could not be read.
    #[error("cannot read the file: {message}; check that it exists and that you may read it")]
    Unreadable {
        /// The operating system's message.
        message: String,
    },
    /// RON syntax or type error, in ron's words.
    #[error(
        "{message}: check the commas, brackets and quotes here and at the end of the line above"
    )]
    Syntax {
        /// ron's message.
        message: String,
    },
    /// A string whose closing quote is missing.
    #[error("this text is never closed: add the closing \" where the text should end")]
    UnclosedString,
    /// The file ends in the middle of a value.
    #[error(
        "the file ends before the scenario is complete: add the closing bracket or quote that is missing"
    )]
    UnexpectedEnd,
    /// A field name that the format does not have.
    #[error("unknown field `{found}`{}; write one of the valid fields: {}", within_text(.within), .expected.join(", "))]
    UnknownField {
        /// The name written.
        found: String,
        /// The names allowed here.
        expected: Vec<String>,
        /// The struct it was written in.
        within: Option<String>,
    },
    /// A variant name that the format does not have.
    #[error("unknown value `{found}`{}; write one of: {}", within_text(.within), .expected.join(", "))]
    UnknownVariant {
        /// The name written.
        found: String,
        /// The names allowed here.
        expected: Vec<String>,
        /// The enum it was written for.
        within: Option<String>,
    },
    /// A required field is missing.
    #[error("missing field `{field}`{}: add `{field}: ...` (docs/scenario-format.md, section 3, lists every field)", within_text(.within))]
    MissingField {
        /// The missing field.
        field: String,
        /// The struct it belongs in.
        within: Option<String>,
    },
    /// Brackets nested past the limit.
    #[error(
        "brackets are nested more than {limit} deep: close the brackets left open before this one"
    )]
    NestingTooDeep {
        /// The limit.
        limit: usize,
    },
    /// A text field over the length limit.
    #[error(
        "this text is {chars} characters long; the limit is {limit}: shorten it or split it across two steps"
    )]
    TextTooLong {
        /// Its length in characters.
        chars: usize,
        /// The limit.
        limit: usize,
    },
    /// A whole number that is negative or too large, e.g. `points: -15`.
    #[error("{}", number_text(.field, .value))]
    NumberOutOfRange {
        /// The field it was written for, when the text before it names one.
        field: Option<String>,
        /// The number as written.
        value: String,
    },
    /// More steps than the limit.
    #[error("the scenario has {steps} steps; the limit is {limit}: split it into two scenarios")]
    TooManySteps {
        /// Steps written.
        steps: usize,
        /// The limit.
        limit: usize,
    },
    /// A share that must lie between 0 and 1.
    #[error("`{field}` is {value}; it must be between 0 and 1: write a share, e.g. 0.8 for 80%")]
    ShareOutOfRange {
        /// The field.
        field: &'static str,
        /// The value written.
        value: f64,
    },
    /// The scenario names a ruleset the catalogue does not have.
    #[error("unknown ruleset `{id}`; write one of the known rulesets: {}", .known.join(", "))]
    UnknownRuleset {
        /// The id written.
        id: String,
        /// The ids the catalogue has.
        known: Vec<String>,
    },
    /// `rulesets` names the same ruleset twice.
    #[error("ruleset `{id}` is listed twice in `rulesets`; list each ruleset once")]
    DuplicateRuleset {
        /// The id written twice.
        id: String,
    },
    /// `pass_ruleset` is not one of `rulesets`.
    #[error(
        "`pass_ruleset` is `{id}`, which is not in this scenario's `rulesets`: add it to `rulesets`, or name one of them"
    )]
    PassRulesetNotScored {
        /// The id written.
        id: String,
    },
    /// An id with characters other than lower-case letters, digits, `_` and `-`.
    #[error(
        "`{id}` is not a valid id: use lower-case letters, digits, `_` and `-`, starting with a letter or digit (e.g. `speak_alone`)"
    )]
    InvalidId {
        /// The id written.
        id: String,
    },
    /// Two steps share an id.
    #[error(
        "step id `{id}` is used twice (first at line {first_line}): rename one of them, and the `next` that should lead to it"
    )]
    DuplicateStepId {
        /// The id.
        id: String,
        /// Line of the first use.
        first_line: usize,
    },
    /// Two options of one decision share an id.
    #[error(
        "option id `{id}` is used twice in decision `{step}`: give each option of a decision its own id"
    )]
    DuplicateOptionId {
        /// The decision.
        step: String,
        /// The option id.
        id: String,
    },
    /// Two cues share an id.
    #[error(
        "cue id `{id}` is used twice (first at line {first_line}): cue ids are unique across the whole scenario, variants included, so rename one"
    )]
    DuplicateCueId {
        /// The id.
        id: String,
        /// Line of the first use.
        first_line: usize,
    },
    /// Two variants of one scene share an id.
    #[error(
        "variant id `{id}` is used twice in scene `{step}`: give each variant of a scene its own id"
    )]
    DuplicateVariantId {
        /// The scene.
        step: String,
        /// The variant id.
        id: String,
    },
    /// `start` or a `next` names no step.
    #[error(
        "`{next}` is not a step in this scenario{}; write one of its steps: {}",
        suggestion_text(.suggestion), some_of(.steps)
    )]
    UnknownStep {
        /// The id written.
        next: String,
        /// The closest existing step id.
        suggestion: Option<String>,
        /// Every step id of the scenario, in file order.
        steps: Vec<String>,
    },
    /// No path from `start` reaches this step.
    #[error(
        "step `{id}` can never be reached from the start step `{start}`: point a `next` or an option's `next` at it, or delete it"
    )]
    UnreachableStep {
        /// The step.
        id: String,
        /// The start step.
        start: String,
    },
    /// No path from this step reaches an ending.
    #[error(
        "from step `{id}` there is no way to reach an ending: give it a `next` (or an option) that leads on to an `Ending`"
    )]
    NoWayToEnding {
        /// The step.
        id: String,
    },
    /// A loop with no way out to an ending.
    #[error("steps {} form a loop with no way out to an ending: give one of them a `next` or an option that leads out to an `Ending`", list(.steps))]
    CycleWithNoExit {
        /// The steps in the loop.
        steps: Vec<String>,
    },
    /// A decision with fewer than two options.
    #[error(
        "decision `{step}` has {count} option(s); a decision needs at least two: add an option, or make the step a `Scene`"
    )]
    TooFewOptions {
        /// The decision.
        step: String,
        /// Options written.
        count: usize,
    },
    /// A scene's image file is not where the scenario says (or lies outside its folder).
    #[error("image `{file}` is not found: {reason}")]
    ImageNotFound {
        /// The file as written.
        file: String,
        /// Why: not in the folder, or outside it.
        reason: String,
    },
    /// A scene's image has no alt text.
    #[error(
        "the image of `{step}` has no alt text: describe what it shows for a trainee who cannot see it"
    )]
    ImageWithoutAlt {
        /// The scene.
        step: String,
    },
    /// A cue names an id that is neither an indicator nor a caution.
    #[error("`{id}` is not an indicator or caution id in the catalogue{}; find the id with `silent-slavery catalog indicators`", suggestion_text(.suggestion))]
    UnknownIndicator {
        /// The id written.
        id: String,
        /// The closest catalogue id.
        suggestion: Option<String>,
    },
    /// An effect names a rule that no ruleset has.
    #[error("`{id}` is not a rule in any ruleset{}; find the id with `silent-slavery catalog rules`", suggestion_text(.suggestion))]
    UnknownRule {
        /// The id written.
        id: String,
        /// The closest rule id.
        suggestion: Option<String>,
    },
    /// An effect names a rule of a ruleset the scenario is not scored against.
    #[error(
        "rule `{rule}` belongs to ruleset `{ruleset}`, which this scenario is not scored against, so it counts for nothing: add `{ruleset}` to `rulesets`, or name a rule of a ruleset the scenario is scored against"
    )]
    RuleOutsideScenarioRulesets {
        /// The rule.
        rule: String,
        /// Its ruleset.
        ruleset: String,
    },
    /// An effect names a rule that is not a trainee decision.
    #[error(
        "rule `{rule}` is not scored for trainee decisions (it is served elsewhere): name another rule; `silent-slavery catalog rules` marks the rules that are not scored"
    )]
    UnscoredRule {
        /// The rule.
        rule: String,
    },
    /// A scene variant that can never be drawn.
    #[error(
        "variant `{variant}` has weight 0, so it is never drawn; give it a weight of 1 or more, or remove it"
    )]
    ZeroWeightVariant {
        /// The variant.
        variant: String,
    },
    /// A `{cue}` marker names no cue that is always shown with its text.
    #[error("{}", marker_text(.marker, .step, .found))]
    UnknownCueMarker {
        /// The marker's id.
        marker: String,
        /// The step whose text holds it.
        step: String,
        /// Where a cue with that id is, if anywhere: this is what says what to do.
        found: MarkerFound,
    },
    /// A flag is tested but never set.
    #[error(
        "flag `{flag}` is tested here but no option ever sets it{}: add it to an option's `sets`, or correct its spelling",
        suggestion_text(.suggestion)
    )]
    FlagNeverSet {
        /// The flag.
        flag: String,
        /// The closest flag some option sets.
        suggestion: Option<String>,
    },
    /// An identify step that can be reached before any cue was shown.
    #[error(
        "identify step `{step}` has no cues before it: no scene or decision that can lead here shows a cue; add cues before it, or remove this step"
    )]
    IdentifyWithoutCues {
        /// The step.
        step: String,
    },
    /// A decision where every option is locked on some path.
    #[error("every option of decision `{step}` is locked when reached with flags {}: leave one option open in that case, or loosen the `requires` and `requires_not` lists", list(.flags))]
    AllOptionsLocked {
        /// The decision.
        step: String,
        /// The flags set on the path that locks them all.
        flags: Vec<String>,
    },
    /// No path passes under the deciding ruleset.
    #[error(
        "no path through the scenario passes under `{ruleset}`: the best path without a critical breach scores {best} of {max} points, and passing needs {} (mastery {mastery}); raise the points of the right options, take `critical: true` off a right answer, or lower `mastery_score`", (.mastery * *.max as f64).ceil()
    )]
    NoPassingPath {
        /// The deciding ruleset.
        ruleset: String,
        /// Best raw score found on a path without critical breaches (or overall).
        best: i64,
        /// The maximum.
        max: i64,
        /// The mastery score.
        mastery: f64,
    },
    /// The deciding ruleset has nothing to score.
    #[error(
        "nothing can be scored under `{ruleset}`{}: no option upholds or breaches one of its rules with points to gain, so every trainee would score 0 of 0; give options `Upholds` and `Breaches` effects for its rules (`silent-slavery catalog rules` lists them), or take it out of `rulesets`",
        if *deciding { ", the ruleset that decides pass or fail" } else { "" }
    )]
    RulesetNotScored {
        /// The ruleset.
        ruleset: String,
        /// Whether it is the `pass_ruleset`.
        deciding: bool,
    },
    /// A decision none of whose options has an effect.
    #[error(
        "no option of decision `{step}` upholds or breaches any rule, so it is not scored: give its options effects, or make the step a `Scene`"
    )]
    AllOptionsUnscored {
        /// The decision.
        step: String,
    },
    /// The state graph is too large to check.
    #[error(
        "the scenario has more than {limit} distinct states (steps × flags × cues seen); it is too large to check, so split it or use fewer flags"
    )]
    TooManyStates {
        /// The limit.
        limit: usize,
    },
    /// A state from which no ending can be reached.
    #[error("a trainee can reach step `{step}` with flags {} set and then never reach an ending: a route or lock leaves them going round for ever; add a route or an open option that leads on in that case", list(.flags))]
    TrapWithFlags {
        /// The step.
        step: String,
        /// The flags set then.
        flags: Vec<String>,
    },
    /// An option with points that can be chosen over and over.
    #[error(
        "option `{option}` of decision `{step}` leads back to where it was chosen with nothing changed, so its points could be collected again and again: take its effects off, or let it set a flag that ends the loop"
    )]
    LoopWithPoints {
        /// The decision.
        step: String,
        /// The option.
        option: String,
    },
    /// A course's name for a learning system (Totara's short name or ID number) that the
    /// learning system would not match: it compares them exactly.
    #[error(
        "`{field}` is {value:?}, which {fault}; Totara and Moodle match it character for character, so write it exactly as the learning system has it"
    )]
    LearningSystemName {
        /// `short_name` or `id_number`.
        field: &'static str,
        /// The value written.
        value: String,
        /// What is wrong with it ("is empty", "ends with a space"...).
        fault: &'static str,
    },
    /// Two courses share an id, a short name or an ID number.
    #[error("`{field}` {value:?} is also used by the course in {other}; each course needs its own")]
    DuplicateCourseName {
        /// `id`, `short_name` or `id_number`.
        field: &'static str,
        /// The value.
        value: String,
        /// The other course's file.
        other: String,
    },
    /// Two files define the same scenario id.
    #[error(
        "scenario id `{id}` is also defined in {other}: give one of them a new id (its file name without .ron)"
    )]
    DuplicateScenarioId {
        /// The id.
        id: String,
        /// The other file.
        other: String,
    },
    /// A surface strategy needing no knowledge passes (audit; docs/authoring.md "Fair options").
    #[error(
        "a trainee who knows nothing passes this way ({strategy}): {passed} of {plays} plays pass (scaled up to {best_scaled:.2}{}); make right and wrong options alike in length and wording so the surface gives nothing away",
        .example.as_ref().map(|e| format!(", e.g. {e}")).unwrap_or_default()
    )]
    GuessingPasses {
        /// The strategy, e.g. "always the longest option, flag every cue".
        strategy: String,
        /// Plays (one per combination of scene variants and ties) that pass.
        passed: usize,
        /// Plays worked out.
        plays: usize,
        /// The highest scaled score among them.
        best_scaled: f64,
        /// The variants of one passing play, for reproducing it.
        example: Option<String>,
    },
    /// Uniformly random play passes too often (audit).
    #[error(
        "random play (any option, each cue flagged with probability 1/2) passes with probability {:.3}%{}; the limit is {:.1}%: fewer decisions should offer more than one creditable option, or more should decide the outcome",
        .probability * 100.0, if *.exact { "" } else { " at most" }, .limit * 100.0
    )]
    RandomPlayPasses {
        /// The probability (or its upper bound).
        probability: f64,
        /// Whether it is exact or an upper bound.
        exact: bool,
        /// The limit.
        limit: f64,
    },
    /// The best option is the longest in too many decisions of the library (audit).
    #[error(
        "the best option is the longest in {longest} of {decisions} decisions of the library ({:.0}%; chance {:.0}%, limit {:.0}%); {here} of them are in this file, the first here: shorten the best options or lengthen others so the longest is right no more often than chance",
        .share * 100.0, .chance * 100.0, .limit * 100.0
    )]
    BestOptionOftenLongest {
        /// Decisions whose best option is (one of) the longest.
        longest: usize,
        /// Decisions audited.
        decisions: usize,
        /// `longest / decisions`.
        share: f64,
        /// The share expected by chance.
        chance: f64,
        /// The share above which this is reported.
        limit: f64,
        /// How many of them are in this file.
        here: usize,
    },
    /// The best option's length stands out from the others' (audit).
    #[error(
        "the best option of decision `{step}` is {ratio:.2} times the mean length of the others ({best_chars} against {others_mean:.0} characters); keep it between {low} and {high} so length gives nothing away"
    )]
    BestOptionLengthStandsOut {
        /// The decision.
        step: String,
        /// Best option length ÷ mean length of the other options.
        ratio: f64,
        /// The best option's length in characters.
        best_chars: usize,
        /// The other options' mean length in characters.
        others_mean: f64,
        /// Lowest ratio accepted.
        low: f64,
        /// Highest ratio accepted.
        high: f64,
    },
    /// A word or phrase only right (or only wrong) options use (audit).
    #[error(
        "\"{term}\" appears only in {} options: in {decisions} decisions of the library and never in {}; a guesser learns it. Use it in both, or in neither",
        if *.in_best { "best" } else { "wrong" }, if *.in_best { "a wrong one" } else { "a best one" }
    )]
    VocabularyTell {
        /// The word or two-word phrase, case-folded.
        term: String,
        /// True when only best options use it; false when only wrong ones do.
        in_best: bool,
        /// Decisions it appears in.
        decisions: usize,
    },
    /// A decision with more than one critical option (audit).
    #[error(
        "decision `{step}` has {count} options that breach a rule critically; as a rule keep one, and make the others near misses or ordinary mistakes"
    )]
    SeveralCriticalOptions {
        /// The decision.
        step: String,
        /// Critical options.
        count: usize,
    },
    /// An option locked in every state that reaches its decision (audit).
    #[error(
        "option `{option}` of decision `{step}` is locked whenever the decision is reached, so no trainee can choose it: remove it, or change its `requires` so some path unlocks it"
    )]
    OptionNeverUnlocked {
        /// The decision.
        step: String,
        /// The option.
        option: String,
    },
}

/// Where a cue that a `{marker}` names was found, for saying what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MarkerFound {
    /// No cue of the scenario has that id.
    Nowhere {
        /// The closest cue id the text may place.
        suggestion: Option<String>,
        /// The cue ids the text may place.
        allowed: Vec<String>,
    },
    /// A cue of this variant of the same scene: shown only when the variant is drawn.
    InVariant(String),
    /// A cue of another step.
    InStep(String),
}

fn marker_text(marker: &str, step: &str, found: &MarkerFound) -> String {
    match found {
        MarkerFound::Nowhere {
            suggestion,
            allowed,
        } => format!(
            "`{{{marker}}}` places a cue, but step `{step}` has no cue `{marker}`{}; write {}, or take the braces away to show the words as they are",
            suggestion_text(suggestion),
            if allowed.is_empty() {
                "a `Cue` with that id in the step's `cues`".to_owned()
            } else {
                format!("the id of a cue this text may place: {}", some_of(allowed))
            }
        ),
        MarkerFound::InVariant(variant) => format!(
            "`{{{marker}}}` places cue `{marker}` of variant `{variant}`, which is on screen only when that variant is drawn, and a variant's text goes after the scene's text: move `{{{marker}}}` into the `text` of variant `{variant}`, or move the cue into the `cues` of step `{step}`"
        ),
        MarkerFound::InStep(other) => format!(
            "`{{{marker}}}` places cue `{marker}` of step `{other}`, but a marker can place only a cue of its own step (`{step}`): move the cue into this step's `cues`, or take the marker out"
        ),
    }
}

fn number_text(field: &Option<String>, value: &str) -> String {
    match field.as_deref() {
        Some("points") => {
            let magnitude = value.trim_start_matches('-');
            format!(
                "`points` is {value}, but points are a whole number, 0 or more: `Breaches` subtracts them, so write `Breaches(rule: \"...\", points: {magnitude})` to take {magnitude} points away"
            )
        }
        Some(field) => format!(
            "`{field}` is {value}, but it must be a whole number from 0 to {}: write a number in that range",
            u32::MAX
        ),
        None => format!(
            "{value} is not a number this field takes: write a whole number from 0 to {}",
            u32::MAX
        ),
    }
}

/// At most 25 items, quoted and joined, then how many more there are.
fn some_of(items: &[String]) -> String {
    const SHOWN: usize = 25;
    let mut out = items
        .iter()
        .take(SHOWN)
        .map(|i| format!("`{i}`"))
        .collect::<Vec<_>>()
        .join(", ");
    if items.len() > SHOWN {
        out.push_str(&format!(" and {} more", items.len() - SHOWN));
    }
    out
}

fn within_text(within: &Option<String>) -> String {
    within
        .as_ref()
        .map(|w| format!(" in `{w}`"))
        .unwrap_or_default()
}

fn suggestion_text(suggestion: &Option<String>) -> String {
    suggestion
        .as_ref()
        .map(|s| format!(" (did you mean `{s}`?)"))
        .unwrap_or_default()
}

fn list(items: &[String]) -> String {
    if items.is_empty() {
        "(none)".to_owned()
    } else {
        items
            .iter()
            .map(|i| format!("`{i}`"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl Problem {
    /// How serious the problem is.
    pub fn severity(&self) -> Severity {
        match self {
            Problem::RuleOutsideScenarioRulesets { .. }
            | Problem::AllOptionsUnscored { .. }
            | Problem::BestOptionLengthStandsOut { .. }
            | Problem::VocabularyTell { .. }
            | Problem::SeveralCriticalOptions { .. }
            | Problem::OptionNeverUnlocked { .. } => Severity::Warning,
            _ => Severity::Error,
        }
    }

    /// A stable kebab-case code for tools and tests, e.g. `unknown-step`.
    pub fn code(&self) -> &'static str {
        match self {
            Problem::FileTooLarge { .. } => "file-too-large",
            Problem::NotUtf8 { .. } => "not-utf8",
            Problem::Empty => "empty-file",
            Problem::Unreadable { .. } => "unreadable",
            Problem::Syntax { .. } => "syntax",
            Problem::UnexpectedEnd => "unexpected-end",
            Problem::UnclosedString => "unclosed-string",
            Problem::UnknownField { .. } => "unknown-field",
            Problem::UnknownVariant { .. } => "unknown-variant",
            Problem::MissingField { .. } => "missing-field",
            Problem::NestingTooDeep { .. } => "nesting-too-deep",
            Problem::TextTooLong { .. } => "text-too-long",
            Problem::NumberOutOfRange { .. } => "number-out-of-range",
            Problem::TooManySteps { .. } => "too-many-steps",
            Problem::ShareOutOfRange { .. } => "share-out-of-range",
            Problem::UnknownRuleset { .. } => "unknown-ruleset",
            Problem::DuplicateRuleset { .. } => "duplicate-ruleset",
            Problem::PassRulesetNotScored { .. } => "pass-ruleset-not-scored",
            Problem::InvalidId { .. } => "invalid-id",
            Problem::DuplicateStepId { .. } => "duplicate-step-id",
            Problem::DuplicateOptionId { .. } => "duplicate-option-id",
            Problem::DuplicateCueId { .. } => "duplicate-cue-id",
            Problem::DuplicateVariantId { .. } => "duplicate-variant-id",
            Problem::UnknownStep { .. } => "unknown-step",
            Problem::UnreachableStep { .. } => "unreachable-step",
            Problem::NoWayToEnding { .. } => "no-way-to-ending",
            Problem::CycleWithNoExit { .. } => "cycle-with-no-exit",
            Problem::TooFewOptions { .. } => "too-few-options",
            Problem::ImageNotFound { .. } => "image-not-found",
            Problem::ImageWithoutAlt { .. } => "image-without-alt",
            Problem::UnknownIndicator { .. } => "unknown-indicator",
            Problem::UnknownRule { .. } => "unknown-rule",
            Problem::RuleOutsideScenarioRulesets { .. } => "rule-outside-scenario-rulesets",
            Problem::UnscoredRule { .. } => "unscored-rule",
            Problem::UnknownCueMarker { .. } => "unknown-cue-marker",
            Problem::ZeroWeightVariant { .. } => "zero-weight-variant",
            Problem::FlagNeverSet { .. } => "flag-never-set",
            Problem::IdentifyWithoutCues { .. } => "identify-without-cues",
            Problem::AllOptionsLocked { .. } => "all-options-locked",
            Problem::NoPassingPath { .. } => "no-passing-path",
            Problem::RulesetNotScored { .. } => "ruleset-not-scored",
            Problem::AllOptionsUnscored { .. } => "all-options-unscored",
            Problem::TooManyStates { .. } => "too-many-states",
            Problem::TrapWithFlags { .. } => "trap-with-flags",
            Problem::LoopWithPoints { .. } => "loop-with-points",
            Problem::DuplicateScenarioId { .. } => "duplicate-scenario-id",
            Problem::LearningSystemName { .. } => "learning-system-name",
            Problem::DuplicateCourseName { .. } => "duplicate-course-name",
            Problem::GuessingPasses { .. } => "guessing-passes",
            Problem::RandomPlayPasses { .. } => "random-play-passes",
            Problem::BestOptionOftenLongest { .. } => "best-option-often-longest",
            Problem::BestOptionLengthStandsOut { .. } => "best-option-length-stands-out",
            Problem::VocabularyTell { .. } => "vocabulary-tell",
            Problem::SeveralCriticalOptions { .. } => "several-critical-options",
            Problem::OptionNeverUnlocked { .. } => "option-never-unlocked",
        }
    }
}

/// One problem at one place in one file.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    /// The file, as the user named it.
    pub file: String,
    /// Where in the file.
    pub position: Position,
    /// What is wrong.
    pub problem: Problem,
    /// The text of the offending line (without its line end), for display.
    pub source_line: String,
    /// How serious it is here: the problem's own severity, or a warning where an error of
    /// the audit is shown beside validation (see [`Diagnostic::as_warning`]).
    severity: Severity,
}

impl Diagnostic {
    /// A diagnostic at `position` in `text`.
    pub fn new(file: &str, text: &str, position: Position, problem: Problem) -> Diagnostic {
        let source_line = text
            .lines()
            .nth(position.line.saturating_sub(1))
            .unwrap_or("")
            .trim_end_matches('\r')
            .to_owned();
        Diagnostic {
            file: file.to_owned(),
            position,
            severity: problem.severity(),
            problem,
            source_line,
        }
    }

    /// How serious the diagnostic is.
    pub fn severity(&self) -> Severity {
        self.severity
    }

    /// The same diagnostic as a warning: `validate` shows the audit's findings this way, so
    /// a scenario that plays is never refused for them there (`audit` keeps them errors).
    pub fn as_warning(mut self) -> Diagnostic {
        self.severity = Severity::Warning;
        self
    }

    /// `file:line:col: severity: message`, the offending line, and a caret under the column.
    pub fn render(&self) -> String {
        let severity = match self.severity() {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut out = format!(
            "{}:{}:{}: {severity}: {}",
            self.file, self.position.line, self.position.column, self.problem
        );
        if !self.source_line.is_empty() {
            let gutter = self.position.line.to_string();
            // Tabs keep their width so the caret lines up under the column.
            let pad: String = self
                .source_line
                .chars()
                .take(self.position.column.saturating_sub(1))
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            out.push_str(&format!(
                "\n {gutter} | {}\n {} | {pad}^",
                self.source_line,
                " ".repeat(gutter.len())
            ));
        }
        out
    }

    /// The diagnostic as a JSON-ready record: file, line, column, severity, code, message,
    /// source_line.
    pub fn to_record(&self) -> DiagnosticRecord {
        DiagnosticRecord {
            file: self.file.clone(),
            line: self.position.line,
            column: self.position.column,
            severity: self.severity(),
            code: self.problem.code(),
            message: self.problem.to_string(),
            source_line: self.source_line.clone(),
        }
    }
}

/// A diagnostic flattened for `--format json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DiagnosticRecord {
    /// The file.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column (characters).
    pub column: usize,
    /// `error` or `warning`.
    pub severity: Severity,
    /// Stable code, e.g. `unknown-step`.
    pub code: &'static str,
    /// Human-readable message.
    pub message: String,
    /// The offending line.
    pub source_line: String,
}

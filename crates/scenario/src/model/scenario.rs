//! The scenario model: what a trainer writes in a `.ron` file, as plain Rust types.
//!
//! Every authored struct denies unknown fields and every enum is explicitly tagged, so a
//! misspelt field is an error at its line and column, never a silent default. The format is
//! documented for trainers in `docs/scenario-format.md`.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

/// One branching training scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Stable snake_case id; attempts and exports refer to it.
    pub id: String,
    /// Raised by the author whenever the content changes in a way that matters for results.
    pub version: u32,
    /// Title shown on the home screen.
    pub title: String,
    /// One or two sentences shown before the trainee starts.
    pub summary: String,
    /// The trainee's role in this scenario.
    pub role: Role,
    /// Where it happens, e.g. "Arrivals hall of a regional airport, early evening".
    pub setting: String,
    /// Shown before the scenario starts, with the option to go back; `None` for no warning.
    #[serde(default)]
    pub content_warning: Option<String>,
    /// Expected playing time in minutes.
    pub estimated_minutes: u32,
    /// Forms of exploitation the scenario deals with (for filtering and coverage).
    #[serde(default)]
    pub forms: Vec<ExploitationForm>,
    /// Ids of the rulesets the scenario is scored against (default: the 2003 recommendations
    /// and current England & Wales practice).
    #[serde(default = "default_rulesets")]
    pub rulesets: Vec<String>,
    /// The ruleset whose score decides pass or fail; the others are reported beside it.
    #[serde(default = "default_pass_ruleset")]
    pub pass_ruleset: String,
    /// Share of the best achievable score needed to pass, 0–1 (cmi5's mastery score).
    #[serde(default = "default_mastery_score")]
    pub mastery_score: f64,
    /// Share of the true indicators the trainee must flag at identify steps to pass, 0–1.
    #[serde(default = "default_min_recall")]
    pub min_identification_recall: f64,
    /// Identification points lost for each red herring (`caution_*` cue) flagged (default 5).
    #[serde(default = "default_caution_penalty")]
    pub caution_penalty: u32,
    /// Most red herrings an attempt may flag and still pass (default 1): flagging every
    /// cue offered must not pay (docs/scoring.md). Left out of the stored form when it is
    /// the default, so the content hash of a scenario that does not set it is unchanged.
    #[serde(
        default = "default_max_red_herrings_flagged",
        skip_serializing_if = "is_default_max_red_herrings_flagged"
    )]
    pub max_red_herrings_flagged: u32,
    /// Id of the first step.
    pub start: String,
    /// The steps, in any order.
    pub steps: Vec<Step>,
}

fn default_rulesets() -> Vec<String> {
    vec![DEFAULT_PASS_RULESET.to_owned(), "uk-ew-current".to_owned()]
}

fn default_pass_ruleset() -> String {
    DEFAULT_PASS_RULESET.to_owned()
}

/// Id of the ruleset that decides pass/fail unless a scenario says otherwise.
pub const DEFAULT_PASS_RULESET: &str = "silent-slavery-2003";

/// Default mastery score: 0.8 of the best achievable score.
pub const DEFAULT_MASTERY_SCORE: f64 = 0.8;
/// Default identification threshold: at least half of the true indicators flagged.
pub const DEFAULT_MIN_RECALL: f64 = 0.5;

fn default_mastery_score() -> f64 {
    DEFAULT_MASTERY_SCORE
}

fn default_min_recall() -> f64 {
    DEFAULT_MIN_RECALL
}

/// Default limit on red herrings flagged in a passing attempt.
pub const DEFAULT_MAX_RED_HERRINGS_FLAGGED: u32 = 1;

fn default_max_red_herrings_flagged() -> u32 {
    DEFAULT_MAX_RED_HERRINGS_FLAGGED
}

fn is_default_max_red_herrings_flagged(n: &u32) -> bool {
    *n == DEFAULT_MAX_RED_HERRINGS_FLAGGED
}

/// The trainee's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Role {
    /// Uniformed police officer answering calls.
    PoliceResponseOfficer,
    /// Roads policing officer.
    RoadsPolicingOfficer,
    /// Police search or warrant team member.
    PoliceSearchTeam,
    /// Custody sergeant or detention officer.
    CustodyOfficer,
    /// Detective or investigating officer.
    Investigator,
    /// Police front counter staff or call handler.
    FrontCounterStaff,
    /// Home Office Immigration Enforcement officer.
    ImmigrationOfficer,
    /// Border Force officer at a port or airport.
    BorderForceOfficer,
    /// Local authority social worker (children's or adults' services; 2003 rec 12 names
    /// social workers beside police and immigration officers).
    SocialWorker,
}

impl Role {
    /// Display name, e.g. "Border Force officer".
    pub fn label(self) -> &'static str {
        match self {
            Role::PoliceResponseOfficer => "Police response officer",
            Role::RoadsPolicingOfficer => "Roads policing officer",
            Role::PoliceSearchTeam => "Police search team",
            Role::CustodyOfficer => "Custody officer",
            Role::Investigator => "Investigating officer",
            Role::FrontCounterStaff => "Front counter staff",
            Role::ImmigrationOfficer => "Immigration officer",
            Role::BorderForceOfficer => "Border Force officer",
            Role::SocialWorker => "Local authority social worker",
        }
    }
}

/// The three groups of frontline staff the 2003 conference addressed (rec 12: police,
/// immigration officers and social workers). Rule pairings and starter scenarios differ by
/// group, because the 2003 wording assumes one of them in places.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum RoleGroup {
    /// Police officers and staff.
    Police,
    /// Immigration Enforcement and Border Force.
    Immigration,
    /// Local authority social care.
    SocialCare,
}

impl RoleGroup {
    /// Every group, in this order.
    pub const ALL: [RoleGroup; 3] = [
        RoleGroup::Police,
        RoleGroup::Immigration,
        RoleGroup::SocialCare,
    ];

    /// Display name: "police", "immigration", "social care".
    pub fn label(self) -> &'static str {
        match self {
            RoleGroup::Police => "police",
            RoleGroup::Immigration => "immigration",
            RoleGroup::SocialCare => "social care",
        }
    }
}

impl Role {
    /// Every role, in the order of the format's documentation.
    pub const ALL: [Role; 9] = [
        Role::PoliceResponseOfficer,
        Role::RoadsPolicingOfficer,
        Role::PoliceSearchTeam,
        Role::CustodyOfficer,
        Role::Investigator,
        Role::FrontCounterStaff,
        Role::ImmigrationOfficer,
        Role::BorderForceOfficer,
        Role::SocialWorker,
    ];

    /// The group of staff the role belongs to.
    pub fn group(self) -> RoleGroup {
        match self {
            Role::ImmigrationOfficer | Role::BorderForceOfficer => RoleGroup::Immigration,
            Role::SocialWorker => RoleGroup::SocialCare,
            _ => RoleGroup::Police,
        }
    }
}

/// Form of exploitation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ExploitationForm {
    /// Sexual exploitation.
    Sexual,
    /// Forced or compulsory labour.
    Labour,
    /// Domestic servitude.
    DomesticServitude,
    /// Criminal exploitation (cannabis cultivation, county lines, forced begging or theft).
    Criminal,
    /// Child exploitation of any form.
    Child,
    /// Forced marriage.
    ForcedMarriage,
    /// Organ removal.
    OrganRemoval,
    /// Financial exploitation.
    Financial,
}

/// One step of a scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Step {
    /// Narrative with observable cues.
    Scene(Scene),
    /// The trainee flags the cues seen so far that concern them.
    Identify(Identify),
    /// The trainee chooses one option.
    Decision(Decision),
    /// The scenario ends.
    Ending(Ending),
}

impl Step {
    /// The step's id.
    pub fn id(&self) -> &str {
        match self {
            Step::Scene(s) => &s.id,
            Step::Identify(s) => &s.id,
            Step::Decision(s) => &s.id,
            Step::Ending(s) => &s.id,
        }
    }

    /// Every cue the step can show, in the order it shows them: a scene's own then each
    /// variant's, a decision's; none for identify steps and endings.
    pub fn cues(&self) -> impl Iterator<Item = &Cue> {
        let (own, variants): (&[Cue], &[SceneVariant]) = match self {
            Step::Scene(s) => (&s.cues, &s.variants),
            Step::Decision(d) => (&d.cues, &[]),
            Step::Identify(_) | Step::Ending(_) => (&[], &[]),
        };
        own.iter()
            .chain(variants.iter().flat_map(|v| v.cues.iter()))
    }

    /// The kind of step, as a word.
    pub fn kind(&self) -> StepKind {
        match self {
            Step::Scene(_) => StepKind::Scene,
            Step::Identify(_) => StepKind::Identify,
            Step::Decision(_) => StepKind::Decision,
            Step::Ending(_) => StepKind::Ending,
        }
    }

    /// Every step id this step can lead to, with the field path (relative to the step) that
    /// names it, in authored order.
    pub fn successors(&self) -> Vec<(&str, Vec<crate::model::path::PathSegment>)> {
        use crate::model::path::PathSegment as P;
        let mut out = Vec::new();
        match self {
            Step::Scene(Scene {
                next, next_when, ..
            })
            | Step::Identify(Identify {
                next, next_when, ..
            }) => {
                out.push((next.as_str(), vec![P::field("next")]));
                for (i, route) in next_when.iter().enumerate() {
                    out.push((
                        route.next.as_str(),
                        vec![P::field("next_when"), P::Index(i), P::field("next")],
                    ));
                }
            }
            Step::Decision(d) => {
                for (i, option) in d.options.iter().enumerate() {
                    out.push((
                        option.next.as_str(),
                        vec![P::field("options"), P::Index(i), P::field("next")],
                    ));
                }
            }
            Step::Ending(_) => {}
        }
        out
    }
}

/// The kind of a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum StepKind {
    /// [`Scene`].
    Scene,
    /// [`Identify`].
    Identify,
    /// [`Decision`].
    Decision,
    /// [`Ending`].
    Ending,
}

/// Narrative the trainee reads, with the observable cues in it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scene {
    /// Unique step id.
    pub id: String,
    /// Who is speaking, if anyone ("Narrator" when omitted).
    #[serde(default)]
    pub speaker: Option<String>,
    /// The narrative. `{cue_id}` places a cue's text inline; cues not placed are shown after
    /// the text.
    pub text: String,
    /// Observable details, each tagged with an indicator or `caution_*` id.
    #[serde(default)]
    pub cues: Vec<Cue>,
    /// Alternative versions: one is chosen per attempt (seeded) and its text and cues are
    /// added to the scene's own.
    #[serde(default)]
    pub variants: Vec<SceneVariant>,
    /// The step that follows when no `next_when` route applies.
    pub next: String,
    /// Routes taken instead of `next` when their flags hold; the first that holds wins.
    #[serde(default)]
    pub next_when: Vec<Route>,
    /// A picture of the setting shown above the text, if the author gave one.
    // Left out of the serialised form when absent, so the content hash (SHA-256 of the JSON)
    // of every scenario written before images existed stays the same.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<SceneImage>,
}

/// A picture of a scene's setting (a trainer's photo of a kitchen, a yard, a counter).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SceneImage {
    /// The image file (PNG or JPEG), relative to the scenario file's folder, e.g.
    /// `images/kitchen.jpg`; it must lie in that folder or below it.
    pub file: String,
    /// What the picture shows, for a trainee who cannot see it (read by screen readers and
    /// shown if the image cannot be drawn). Required and not empty.
    pub alt: String,
}

/// An observable detail in a scene.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cue {
    /// Unique cue id within the scenario.
    pub id: String,
    /// What the trainee sees or hears, as it reads in the scene.
    pub text: String,
    /// The indicator id from `indicators.ron`, or a `caution_*` id for a red herring.
    pub indicator: String,
}

/// One authored version of a scene.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SceneVariant {
    /// Id, unique within the scene.
    pub id: String,
    /// Text added after the scene's text.
    #[serde(default)]
    pub text: String,
    /// Cues added to the scene's cues.
    #[serde(default)]
    pub cues: Vec<Cue>,
    /// Relative chance of being chosen (default 1).
    #[serde(default = "one")]
    pub weight: u32,
}

fn one() -> u32 {
    1
}

/// A conditional route to another step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Route {
    /// Flags that must all be set.
    #[serde(default)]
    pub flags: Vec<String>,
    /// Flags that must all be unset.
    #[serde(default)]
    pub not_flags: Vec<String>,
    /// The step to go to.
    pub next: String,
}

impl Route {
    /// Whether the route applies with these flags set.
    pub fn holds(&self, flags: &BTreeSet<String>) -> bool {
        self.flags.iter().all(|f| flags.contains(f))
            && !self.not_flags.iter().any(|f| flags.contains(f))
    }
}

/// Picks the next step of a scene or identify step: the first route that holds, else `next`.
pub fn route<'a>(next: &'a str, next_when: &'a [Route], flags: &BTreeSet<String>) -> &'a str {
    next_when
        .iter()
        .find(|r| r.holds(flags))
        .map_or(next, |r| r.next.as_str())
}

/// The trainee flags which of the cues seen so far concern them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Identify {
    /// Unique step id.
    pub id: String,
    /// The question put to the trainee.
    pub prompt: String,
    /// The step that follows.
    pub next: String,
    /// Conditional routes, as for scenes.
    #[serde(default)]
    pub next_when: Vec<Route>,
}

/// Default points lost per red herring flagged.
pub const DEFAULT_CAUTION_PENALTY: u32 = 5;

fn default_caution_penalty() -> u32 {
    DEFAULT_CAUTION_PENALTY
}

/// The trainee chooses one of several options.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// Unique step id.
    pub id: String,
    /// Who is speaking, if anyone.
    #[serde(default)]
    pub speaker: Option<String>,
    /// The situation and question. `{cue_id}` places one of the decision's own cues inline;
    /// cues not placed are shown after the prompt.
    pub prompt: String,
    /// Observable details in the prompt ("the driver offers to interpret"), tagged like a
    /// scene's: seen when the decision is shown, and offered at the next identify step.
    /// Left out of the stored form when empty, so the content hash of a scenario without
    /// them is unchanged.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cues: Vec<Cue>,
    /// Whether option order is shuffled per attempt (default true).
    #[serde(default = "yes")]
    pub shuffle: bool,
    /// The options (at least two).
    pub options: Vec<DecisionOption>,
}

fn yes() -> bool {
    true
}

/// One option of a decision. Written `Option(...)` in a scenario file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "Option")]
pub struct DecisionOption {
    /// Id, unique within the decision.
    pub id: String,
    /// What the trainee reads on the button.
    pub text: String,
    /// Shown after choosing: why this was right or wrong, in plain words.
    pub feedback: String,
    /// The step that follows.
    pub next: String,
    /// Rules this option upholds or breaches, with points.
    #[serde(default)]
    pub effects: Vec<Effect>,
    /// Flags set when chosen.
    #[serde(default)]
    pub sets: Vec<String>,
    /// Flags that must all be set for the option to be available.
    #[serde(default)]
    pub requires: Vec<String>,
    /// Flags that must all be unset for the option to be available.
    #[serde(default)]
    pub requires_not: Vec<String>,
    /// Shown on a locked option, greyed out, e.g. "You have not called children's services".
    #[serde(default)]
    pub locked_reason: Option<String>,
    /// What choosing this option counts as in the training lead's KPI report (2003 rec 8:
    /// victims identified and referred, investigations opened).
    #[serde(default)]
    pub counts_as: Vec<Milestone>,
}

/// An outcome a training lead counts per unit (2003 recommendation 8 asks forces to track
/// staff trained, investigations and victims identified).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Milestone {
    /// The right referral for this person was made (NRM with consent, child referral,
    /// or the duty to notify for an adult who declined).
    RightReferral,
    /// A crime was recorded and an investigation opened.
    InvestigationOpened,
}

impl DecisionOption {
    /// Whether the option can be chosen with these flags set.
    pub fn is_unlocked(&self, flags: &BTreeSet<String>) -> bool {
        self.requires.iter().all(|f| flags.contains(f))
            && !self.requires_not.iter().any(|f| flags.contains(f))
    }
}

/// What choosing an option does to the trainee's score under one rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Effect {
    /// The option is good practice under `rule`: adds `points`.
    Upholds {
        /// A rule id from any ruleset.
        rule: String,
        /// Points added (0 or more).
        points: u32,
    },
    /// The option breaches `rule`: subtracts `points`; a critical breach fails the attempt
    /// whatever the points.
    Breaches {
        /// A rule id from any ruleset.
        rule: String,
        /// Points subtracted (0 or more).
        points: u32,
        /// Fails the attempt under the rule's ruleset (e.g. no children's services for a
        /// child; help made conditional on evidence; the person handed back to the
        /// suspected controller).
        #[serde(default)]
        critical: bool,
    },
}

impl Effect {
    /// The rule this effect names.
    pub fn rule(&self) -> &str {
        match self {
            Effect::Upholds { rule, .. } | Effect::Breaches { rule, .. } => rule,
        }
    }

    /// Signed points: positive when upheld, negative when breached.
    pub fn signed_points(&self) -> i64 {
        match self {
            Effect::Upholds { points, .. } => i64::from(*points),
            Effect::Breaches { points, .. } => -i64::from(*points),
        }
    }

    /// Whether this is a critical breach.
    pub fn is_critical(&self) -> bool {
        matches!(self, Effect::Breaches { critical: true, .. })
    }
}

/// The end of a scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ending {
    /// Unique step id.
    pub id: String,
    /// What happened to the person.
    pub outcome: Outcome,
    /// Headline shown at the end.
    pub title: String,
    /// Closing text.
    pub text: String,
}

/// What happened to the person at the end of a scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Outcome {
    /// Identified as a potential victim, safe, and referred the right way.
    SafeguardedAndReferred,
    /// Referred in the end, after a delay or a mistake that cost safety or trust.
    ReferredLate,
    /// Not identified: the person was dealt with as something else.
    NotIdentified,
    /// The person was lost: back with the controller, gone missing or removed.
    VictimLost,
    /// The response itself caused harm.
    HarmCaused,
    /// Looked into with care and no exploitation found: the person was treated fairly, told
    /// where help is, and neither treated as a victim against the facts nor punished (for
    /// example a smuggled adult who is not exploited; 2003 principle 4).
    NoExploitationFound,
}

impl Outcome {
    /// Display name.
    pub fn label(self) -> &'static str {
        match self {
            Outcome::SafeguardedAndReferred => "Safeguarded and referred",
            Outcome::ReferredLate => "Referred late",
            Outcome::NotIdentified => "Not identified",
            Outcome::VictimLost => "Victim lost",
            Outcome::HarmCaused => "Harm caused",
            Outcome::NoExploitationFound => "No exploitation found, treated fairly",
        }
    }
}

impl Scenario {
    /// The step with this id.
    pub fn step(&self, id: &str) -> Option<&Step> {
        self.steps.iter().find(|s| s.id() == id)
    }

    /// Step id → index of its first definition, for walks that look steps up on every move.
    pub fn step_indices(&self) -> std::collections::HashMap<&str, usize> {
        // Reversed, so the first definition of a duplicated id wins, as in `step_index`.
        self.steps
            .iter()
            .enumerate()
            .rev()
            .map(|(i, s)| (s.id(), i))
            .collect()
    }

    /// Index of the step with this id.
    pub fn step_index(&self, id: &str) -> Option<usize> {
        self.steps.iter().position(|s| s.id() == id)
    }

    /// Every cue of the scenario: each scene's own and every variant's, and each
    /// decision's, in step order.
    pub fn all_cues(&self) -> impl Iterator<Item = &Cue> {
        // No allocation: scoring looks cues up by id many times per attempt.
        self.steps.iter().flat_map(Step::cues)
    }

    /// The cue with this id.
    pub fn cue(&self, id: &str) -> Option<&Cue> {
        self.all_cues().find(|c| c.id == id)
    }
}

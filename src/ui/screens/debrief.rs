//! The debrief: the outcome, every pass condition with the trainee's figure and what a failed one means, each decision where a better option was open (once, with the rules it touched), the indicators missed, the red herrings flagged, and the points per rule in a labelled table.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};
use silent_slavery_scenario::model::catalog::{Catalog, CueTag, RuleKind};
use silent_slavery_scenario::model::scenario::{Effect, Scenario, Step};
use silent_slavery_scenario::play::review::{chosen_option, review_choices};
use silent_slavery_scenario::play::score::{AttemptScore, Identification, PassCondition, Scaled};
use uuid::Uuid;

use crate::sim::{CatalogResource, FinishedAttempt, Screen, Session, TraineeAction};
use crate::ui::frame::{Chrome, show};
use crate::ui::input;
use crate::ui::intent::Intent;
use crate::ui::screens::playing::scene_text;
use crate::ui::settings::DisplaySettings;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        EguiPrimaryContextPass,
        system.run_if(in_state(Screen::Debrief)).after(Chrome),
    );
}

/// One ruleset's score in the debrief.
#[derive(Debug, Clone, PartialEq)]
pub struct RulesetLine {
    /// Ruleset title.
    pub title: String,
    /// Points scored.
    pub raw: i64,
    /// The best achievable.
    pub max: i64,
    /// The scaled score.
    pub scaled: Scaled,
    /// Whether this ruleset decides pass or fail.
    pub decides: bool,
    /// Passed under this ruleset.
    pub passed: bool,
}

/// One condition of passing: the trainee's figure against the threshold, and for a failed
/// one what it means in plain words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConditionLine {
    /// "true indicators flagged at least 50%: 33% (NOT MET)" ([`PassCondition`]'s words,
    /// with the deciding ruleset's title for its id).
    pub text: String,
    /// Whether it was met.
    pub met: bool,
    /// For a condition not met: why it matters and where the debrief shows what to do.
    pub why: Option<String>,
}

/// A rule a choice touched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleNote {
    /// "Rec 4: Help not conditional on evidence".
    pub rule: String,
    /// "breached: −10 points; critical: this alone fails the attempt", or "upheld: +10 points".
    pub effect: String,
    /// Whether the choice breached it.
    pub breached: bool,
    /// For a breach: what counts as breaching it, what it asks, and today's practice where
    /// it differs (from the catalogue).
    pub explanation: Vec<String>,
}

/// The better option that was open at a decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BetterChoice {
    /// What it said.
    pub text: String,
    /// Why it is right: its feedback.
    pub why: String,
    /// Rules it upholds, as "Rec 4, E&W 7".
    pub upholds: String,
}

/// One decision worth going over: a better option was open, or the choice breached a rule.
/// Listed once however many rules the choice touched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionLesson {
    /// The decision's question, as the trainee saw it.
    pub prompt: String,
    /// What the trainee chose.
    pub chosen: String,
    /// The feedback they were given on it.
    pub feedback: String,
    /// The best option open then, if it beats the choice.
    pub better: Option<BetterChoice>,
    /// The rules the choice touched: breaches first.
    pub rules: Vec<RuleNote>,
}

/// One rule's points in an attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleRow {
    /// Short code, e.g. "Rec 9" or "E&W 10".
    pub code: String,
    /// The rule's title.
    pub title: String,
    /// Points gained by upholding it.
    pub upheld: i64,
    /// Points lost by breaching it (a positive number).
    pub breached: i64,
    /// Whether a breach of it was critical.
    pub critical: bool,
}

/// The rules one ruleset scored in the attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleTable {
    /// "Silent Slavery conference recommendations (2003) — decides pass or fail".
    pub heading: String,
    /// What the codes in this table mean, in words.
    pub codes: String,
    /// The rules touched, breached ones first, then in the catalogue's order.
    pub rows: Vec<RuleRow>,
}

/// The debrief's contents.
#[derive(Debug, Clone, PartialEq)]
pub struct DebriefView {
    /// Scenario title.
    pub title: String,
    /// For a finished attempt reviewed from the home screen: when it finished.
    pub reviewed: Option<String>,
    /// The ending's headline and outcome.
    pub outcome: String,
    /// The ending's closing text.
    pub closing: String,
    /// Passed overall.
    pub passed: bool,
    /// Each condition of passing with the trainee's figure and the threshold.
    pub conditions: Vec<ConditionLine>,
    /// Score per ruleset.
    pub rulesets: Vec<RulesetLine>,
    /// Identification recall and precision, as a sentence.
    pub identification: String,
    /// "3 of your 5 choices were the best open to you."
    pub choices_summary: String,
    /// Decisions worth going over, in the order they were made.
    pub decisions: Vec<DecisionLesson>,
    /// Indicators present and not flagged: "cue text — indicator name: definition".
    pub missed: Vec<String>,
    /// Red herrings flagged: "cue text — why it is not an indicator on its own".
    pub red_herrings: Vec<String>,
    /// Points per rule, one table per ruleset, the deciding ruleset first.
    pub rule_tables: Vec<RuleTable>,
}

/// The debrief of a finished attempt (just played, or rebuilt from the store for review).
pub fn view(finished: &FinishedAttempt, catalog: &Catalog) -> DebriefView {
    let s = &finished.scenario.scenario;
    let score = &finished.score;
    let ending = finished
        .transcript
        .ending
        .as_deref()
        .and_then(|id| match s.step(id) {
            Some(Step::Ending(e)) => Some(e),
            _ => None,
        });
    let (choices_summary, decisions) = decision_lessons(finished, catalog);
    DebriefView {
        title: s.title.clone(),
        reviewed: finished.reviewed.map(|at| {
            format!(
                "Your attempt that finished on {} at {:02}:{:02} (UTC)",
                at.date(),
                at.hour(),
                at.minute()
            )
        }),
        outcome: ending.map_or("Not finished".into(), |e| {
            format!("{} ({})", e.title, e.outcome.label())
        }),
        closing: ending.map_or(String::new(), |e| e.text.clone()),
        passed: score.passed,
        conditions: condition_lines(score, catalog, !decisions.is_empty()),
        rulesets: ruleset_lines(score, catalog),
        identification: identification_sentence(&score.identification),
        choices_summary,
        decisions,
        missed: cue_lines(
            s,
            catalog,
            &score.identification.missed_indicators,
            |tag| match tag {
                CueTag::Indicator(i) => format!("{}: {}", i.name, i.definition),
                CueTag::Caution(c) => c.name.clone(),
            },
        ),
        red_herrings: cue_lines(
            s,
            catalog,
            &score.identification.red_herrings_flagged,
            |tag| match tag {
                CueTag::Caution(c) => c.why_not_alone.clone(),
                CueTag::Indicator(i) => i.name.clone(),
            },
        ),
        rule_tables: rule_tables(score, catalog),
    }
}

/// A ruleset's title from the catalogue, or its id when the catalogue lacks it.
fn ruleset_title(catalog: &Catalog, id: &str) -> String {
    catalog
        .rulesets
        .get(id)
        .map_or_else(|| id.to_owned(), |set| set.title.clone())
}

/// Every condition of passing in the trainee's words, with what a failed one means.
/// `decisions_to_go_over`: whether the debrief lists a decision where points were lost.
fn condition_lines(
    score: &AttemptScore,
    catalog: &Catalog,
    decisions_to_go_over: bool,
) -> Vec<ConditionLine> {
    let id = &score.identification;
    let deciding = score.ruleset(&score.pass_ruleset);
    score
        .pass_conditions()
        .into_iter()
        .map(|condition| {
            let met = condition.met();
            let why = (!met).then(|| match &condition {
                PassCondition::Finished { .. } => {
                    "The attempt did not reach an ending.".to_owned()
                }
                PassCondition::Mastery { .. } => format!(
                    "Your choices earned {} points and your flags {}: {} of the {} points the best path earns{}. {}",
                    number(deciding.map_or(0, |r| r.decision_points)),
                    number(deciding.map_or(0, |r| r.identification_points)),
                    number(deciding.map_or(0, |r| r.raw)),
                    deciding.map_or(0, |r| r.max),
                    if deciding.is_some_and(|r| r.raw < 0) {
                        " (a total below zero counts as 0%)"
                    } else {
                        ""
                    },
                    if decisions_to_go_over {
                        "The decisions below show where points were lost and what would have earned them."
                    } else {
                        "Every choice was the best open to you at the time: the points were lost in flagging (the indicators you did not flag and any red herrings you flagged are listed below)."
                    }
                ),
                // Counted per rule breached, not per choice: one choice can breach a rule of
                // each ruleset.
                PassCondition::NoCriticalBreach { breaches } => format!(
                    "Your choices breached a rule critically {} (marked critical below): a critical breach is something the recommendations treat as unacceptable whatever else goes well, and one alone fails the attempt.",
                    if *breaches == 1 {
                        "once".to_owned()
                    } else {
                        format!("{breaches} times")
                    }
                ),
                PassCondition::Recall { .. } => format!(
                    "You flagged {} of the {} indicators shown. Indicators are prompts to ask more, never proof, but an officer who does not notice them does not ask. The ones you did not flag are listed below.",
                    id.flagged_indicators.len(),
                    id.flagged_indicators.len() + id.missed_indicators.len(),
                ),
                PassCondition::RedHerrings { flagged, limit } => format!(
                    "You flagged {flagged} details that are not indicators on their own (at most {limit} may be). Treating someone's nationality, work or status as a sign of trafficking is stereotyping; the list below says why each is not an indicator."
                ),
            });
            // The deciding ruleset by its title, not its id.
            let condition = match condition {
                PassCondition::Mastery {
                    ruleset,
                    scaled,
                    threshold,
                } => PassCondition::Mastery {
                    ruleset: ruleset_title(catalog, &ruleset),
                    scaled,
                    threshold,
                },
                other => other,
            };
            ConditionLine {
                text: condition.to_string(),
                met,
                why,
            }
        })
        .collect()
}

/// The score under each ruleset, with its title from the catalogue.
fn ruleset_lines(score: &AttemptScore, catalog: &Catalog) -> Vec<RulesetLine> {
    score
        .rulesets
        .iter()
        .map(|r| RulesetLine {
            title: ruleset_title(catalog, &r.ruleset),
            raw: r.raw,
            max: r.max,
            scaled: r.scaled_score(),
            decides: r.ruleset == score.pass_ruleset,
            passed: r.passed,
        })
        .collect()
}

/// "Rec 4: Help not conditional on evidence": a rule's code and title.
fn rule_name(catalog: &Catalog, rule: &str) -> String {
    catalog.rule(rule).map_or_else(
        || rule.to_owned(),
        |(_, r)| format!("{}: {}", r.label, r.title),
    )
}

/// What the codes of a ruleset's rules mean, from the kinds of rule it holds.
fn codes_sentence(catalog: &Catalog, ruleset: &str) -> String {
    let Some(set) = catalog.rulesets.get(ruleset) else {
        return String::new();
    };
    let prefix = |kind: RuleKind| {
        set.rules
            .iter()
            .find(|r| r.kind == kind)
            .and_then(|r| r.label.rsplit_once(' ').map(|(p, _)| p.to_owned()))
    };
    let mut parts = Vec::new();
    if let Some(p) = prefix(RuleKind::Principle) {
        parts.push(format!(
            "\"{p} 1\" is the first of the principles set out before the recommendations"
        ));
    }
    if let Some(p) = prefix(RuleKind::Recommendation) {
        parts.push(format!("\"{p} 9\" is recommendation 9"));
    }
    if let Some(p) = prefix(RuleKind::Practice) {
        parts.push(format!(
            "\"{p} 10\" is point 10 of today's law and statutory guidance in England and Wales"
        ));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!("Codes: {}.", parts.join("; "))
    }
}

/// One table per ruleset of the rules the attempt touched, the deciding ruleset first.
fn rule_tables(score: &AttemptScore, catalog: &Catalog) -> Vec<RuleTable> {
    let mut ordered: Vec<_> = score.rulesets.iter().collect();
    ordered.sort_by_key(|r| r.ruleset != score.pass_ruleset);
    ordered
        .into_iter()
        .filter(|r| !r.rules.is_empty())
        .map(|r| {
            let set = catalog.rulesets.get(&r.ruleset);
            let position = |rule: &str| {
                set.and_then(|s| s.rules.iter().position(|x| x.id == rule))
                    .unwrap_or(usize::MAX)
            };
            let mut tallies: Vec<_> = r.rules.iter().collect();
            tallies.sort_by_key(|t| (t.breached == 0, position(&t.rule)));
            RuleTable {
                heading: if r.ruleset == score.pass_ruleset {
                    format!(
                        "{}: decides pass or fail",
                        ruleset_title(catalog, &r.ruleset)
                    )
                } else {
                    ruleset_title(catalog, &r.ruleset)
                },
                codes: codes_sentence(catalog, &r.ruleset),
                rows: tallies
                    .into_iter()
                    .map(|t| {
                        let (code, title) = catalog.rule(&t.rule).map_or_else(
                            || (t.rule.clone(), String::new()),
                            |(_, rule)| (rule.label.clone(), rule.title.clone()),
                        );
                        RuleRow {
                            code,
                            title,
                            upheld: t.upheld,
                            breached: t.breached,
                            critical: t.critical,
                        }
                    })
                    .collect(),
            }
        })
        .collect()
}

/// "cue text — explanation" for each cue id, explained from its catalogue tag.
fn cue_lines(
    s: &Scenario,
    catalog: &Catalog,
    ids: &[String],
    explain: impl Fn(CueTag<'_>) -> String,
) -> Vec<String> {
    ids.iter()
        .filter_map(|id| {
            s.cue(id).map(|c| {
                let why = catalog
                    .cue_tag(&c.indicator)
                    .map(&explain)
                    .unwrap_or_default();
                format!("{} — {why}", c.text)
            })
        })
        .collect()
}

/// Identification recall and precision, as a sentence.
fn identification_sentence(id: &Identification) -> String {
    let flagged = id.flagged_indicators.len() + id.red_herrings_flagged.len();
    let present = id.flagged_indicators.len() + id.missed_indicators.len();
    let on = id.flagged_indicators.len();
    let flags = match (flagged, on) {
        (1, 1) => "your one flag was on a real indicator".to_owned(),
        (1, _) => "your one flag was not on a real indicator".to_owned(),
        _ => format!("{on} of your {flagged} flags were on a real indicator"),
    };
    if flagged == 0 {
        format!("Indicators: you flagged none of the {present} shown.")
    } else {
        format!(
            "Indicators: you flagged {on} of the {present} shown ({:.0}%); {flags}.",
            id.recall * 100.0,
        )
    }
}

/// A whole number with a true minus sign: "−15", "0", "20".
fn number(n: i64) -> String {
    if n < 0 {
        format!("−{}", n.unsigned_abs())
    } else {
        n.to_string()
    }
}

/// "+10 points" or "−10 points".
fn signed(points: i64) -> String {
    if points < 0 {
        format!("−{} points", -points)
    } else {
        format!("+{points} points")
    }
}

/// The decisions worth going over, each once with the rules its choice touched, and how
/// many choices were the best open.
fn decision_lessons(
    finished: &FinishedAttempt,
    catalog: &Catalog,
) -> (String, Vec<DecisionLesson>) {
    let s = &finished.scenario.scenario;
    let reviews = review_choices(
        s,
        catalog,
        &finished.score.pass_ruleset,
        &finished.transcript,
    );
    let best = reviews.iter().filter(|r| r.better.is_none()).count();
    let summary = match (reviews.len(), best) {
        (0, _) => "You made no choices.".to_owned(),
        (1, 1) => "Your one choice was the best open to you at the time.".to_owned(),
        (1, _) => "Your one choice was not the best open to you at the time.".to_owned(),
        (n, best) if best == n => {
            format!("All {n} of your choices were the best open to you at the time.")
        }
        (n, 1) => format!("1 of your {n} choices was the best open to you at the time."),
        (n, best) => format!("{best} of your {n} choices were the best open to you at the time."),
    };
    let lessons = reviews
        .iter()
        .filter_map(|review| {
            let Some(Step::Decision(decision)) = s.step(&review.step) else {
                return None;
            };
            let chosen = chosen_option(s, &review.step, &review.chosen)?;
            let mut rules: Vec<RuleNote> = chosen
                .effects
                .iter()
                // As in scoring: rules of rulesets the scenario is not scored against count
                // for nothing, so they are not taught from either.
                .filter(|e| {
                    catalog
                        .rule(e.rule())
                        .is_some_and(|(set, _)| s.rulesets.contains(&set.id))
                })
                .map(|e| rule_note(catalog, e))
                .collect();
            let better = review
                .better
                .as_deref()
                .and_then(|b| chosen_option(s, &review.step, b));
            if better.is_none() && !rules.iter().any(|r| r.breached) {
                return None;
            }
            // Breaches first: they are what the decision teaches.
            rules.sort_by_key(|r| !r.breached);
            let cues: Vec<_> = decision.cues.iter().collect();
            Some(DecisionLesson {
                prompt: scene_text(&decision.prompt, "", &cues),
                chosen: chosen.text.clone(),
                feedback: chosen.feedback.clone(),
                better: better.map(|b| BetterChoice {
                    text: b.text.clone(),
                    why: b.feedback.clone(),
                    upholds: b
                        .effects
                        .iter()
                        .filter(|e| matches!(e, Effect::Upholds { .. }))
                        .filter_map(|e| catalog.rule(e.rule()).map(|(_, r)| r.label.clone()))
                        .collect::<Vec<_>>()
                        .join(", "),
                }),
                rules,
            })
        })
        .collect();
    (summary, lessons)
}

/// What a choice did to one rule, and for a breach why it counts as one.
fn rule_note(catalog: &Catalog, effect: &Effect) -> RuleNote {
    let rule = catalog.rule(effect.rule()).map(|(_, r)| r);
    match effect {
        Effect::Upholds { points, .. } => RuleNote {
            rule: rule_name(catalog, effect.rule()),
            effect: format!("upheld: {}", signed(i64::from(*points))),
            breached: false,
            explanation: Vec::new(),
        },
        Effect::Breaches {
            points, critical, ..
        } => RuleNote {
            rule: rule_name(catalog, effect.rule()),
            effect: format!(
                "breached: {}{}",
                signed(-i64::from(*points)),
                if *critical {
                    "; critical: this alone fails the attempt"
                } else {
                    ""
                }
            ),
            breached: true,
            explanation: rule
                .map(|r| {
                    let mut lines = vec![
                        format!("What it asks ({}): {}", r.citation, r.summary),
                        format!("A breach looks like this: {}", r.breaching),
                        format!("Upholding it looks like this: {}", r.correct_decision),
                    ];
                    if let Some(now) = &r.current_practice {
                        lines.push(format!("Today: {now}"));
                    }
                    lines
                })
                .unwrap_or_default(),
        },
    }
}

/// The debrief: the verdict and why, the decisions to go over, what was missed, the points
/// per rule. Enter goes back.
pub fn widget(ui: &mut egui::Ui, view: &DebriefView) -> Option<Intent> {
    let mut intent = None;
    crate::ui::frame::title_bar(ui, &format!("Debrief: {}", view.title), |ui| {
        if ui.button("Back to scenarios (Enter)").clicked() || input::shortcut(ui, egui::Key::Enter)
        {
            intent = Some(Intent::Back);
        }
    });
    if let Some(when) = &view.reviewed {
        ui.label(egui::RichText::new(when).italics());
    }
    input::scroll_area(ui, "debrief", |ui| {
        verdict(ui, view);
        conditions(ui, view);
        scores(ui, view);
        decisions(ui, view);
        flagged_and_missed(ui, view);
        points_per_rule(ui, &view.rule_tables);
    });
    intent
}

/// Passed or not, the ending and its closing text.
fn verdict(ui: &mut egui::Ui, view: &DebriefView) {
    let verdict = if view.passed { "PASSED" } else { "NOT PASSED" };
    let colour = if view.passed {
        ui.visuals().text_color()
    } else {
        ui.visuals().error_fg_color
    };
    ui.label(
        egui::RichText::new(format!("{verdict} — {}", view.outcome))
            .strong()
            .color(colour),
    );
    ui.label(&view.closing);
    ui.add_space(8.0);
}

/// Every condition of passing; a failed one in the error colour with what it means.
fn conditions(ui: &mut egui::Ui, view: &DebriefView) {
    ui.label(egui::RichText::new("To pass, every condition must be met:").strong());
    for c in &view.conditions {
        // "×", not "✘": the default fonts have no "✘" and would draw an empty box.
        let text = egui::RichText::new(format!("{} {}", if c.met { "✔" } else { "×" }, c.text));
        if c.met {
            ui.label(text);
        } else {
            ui.label(text.strong().color(ui.visuals().error_fg_color));
        }
        if let Some(why) = &c.why {
            ui.indent(("why", &c.text), |ui| ui.label(why));
        }
    }
    ui.add_space(8.0);
}

/// The score under each ruleset, and identification as a sentence.
fn scores(ui: &mut egui::Ui, view: &DebriefView) {
    for r in &view.rulesets {
        let decides = if r.decides {
            " (decides pass or fail)"
        } else {
            ""
        };
        ui.label(format!(
            "{}{decides}: {} of {} points ({}) — {}",
            r.title,
            number(r.raw),
            r.max,
            r.scaled.percent_short(),
            if r.passed { "pass" } else { "not passed" }
        ));
    }
    ui.label(&view.identification);
    ui.add_space(8.0);
}

/// Each decision worth going over, once: the choice, the better option and why, the rules.
fn decisions(ui: &mut egui::Ui, view: &DebriefView) {
    ui.strong("Your decisions");
    ui.label(&view.choices_summary);
    for (n, d) in view.decisions.iter().enumerate() {
        ui.group(|ui| {
            ui.set_width(ui.available_width());
            ui.label(egui::RichText::new(&d.prompt).weak());
            ui.label(egui::RichText::new(format!("You chose: {}", d.chosen)).strong());
            ui.label(format!("What you were told: {}", d.feedback));
            if let Some(b) = &d.better {
                ui.add_space(4.0);
                ui.label(egui::RichText::new(format!("A better choice: {}", b.text)).strong());
                ui.label(format!("Why: {}", b.why));
                if !b.upholds.is_empty() {
                    ui.label(format!("It upholds {}.", b.upholds));
                }
            } else {
                ui.label(
                    egui::RichText::new("This was the best option open to you at this point.")
                        .italics(),
                );
            }
            for r in &d.rules {
                ui.add_space(4.0);
                let head = egui::RichText::new(format!("{} — {}", r.rule, r.effect));
                if r.breached {
                    ui.label(head.strong().color(ui.visuals().error_fg_color));
                } else {
                    ui.label(head);
                }
                ui.indent(("rule", n, &r.rule), |ui| {
                    for line in &r.explanation {
                        ui.label(line);
                    }
                });
            }
        });
    }
    ui.add_space(8.0);
}

/// The indicators not flagged, and the red herrings flagged with why they are not
/// indicators on their own.
fn flagged_and_missed(ui: &mut egui::Ui, view: &DebriefView) {
    if !view.missed.is_empty() {
        ui.strong("Indicators you did not flag");
        ui.label("Each is a prompt to ask more, not proof on its own:");
        for m in &view.missed {
            ui.label(format!("• {m}"));
        }
        ui.add_space(8.0);
    }
    if !view.red_herrings.is_empty() {
        ui.strong("Details you flagged that are not indicators on their own");
        for r in &view.red_herrings {
            ui.label(format!("• {r}"));
        }
        ui.add_space(8.0);
    }
}

/// Colours for points gained and lost that read on the theme in use: dark on the light
/// theme, bright on the dark (high-contrast) one. The signed figures beside them say the
/// same, so colour is never the only sign.
fn bar_colours(visuals: &egui::Visuals) -> (egui::Color32, egui::Color32) {
    if visuals.dark_mode {
        (
            egui::Color32::from_rgb(90, 230, 120),
            egui::Color32::from_rgb(255, 120, 100),
        )
    } else {
        (
            egui::Color32::from_rgb(20, 110, 45),
            egui::Color32::from_rgb(170, 30, 30),
        )
    }
}

/// The points per rule, one labelled table per ruleset: code, title, points gained and lost
/// in words, and a bar to compare rows (lost to the left of the line, gained to the right).
fn points_per_rule(ui: &mut egui::Ui, tables: &[RuleTable]) {
    if tables.is_empty() {
        return;
    }
    ui.strong("Points per rule");
    let widest = tables
        .iter()
        .flat_map(|t| &t.rows)
        .map(|r| r.upheld.max(r.breached))
        .max()
        .unwrap_or(1)
        .max(1) as f32;
    let (gained, lost) = bar_colours(ui.visuals());
    for (n, table) in tables.iter().enumerate() {
        ui.add_space(4.0);
        ui.label(egui::RichText::new(&table.heading).strong());
        ui.label(egui::RichText::new(&table.codes).weak());
        egui::Grid::new(("rules", n))
            .striped(true)
            .num_columns(4)
            .show(ui, |ui| {
                for row in &table.rows {
                    ui.strong(&row.code);
                    ui.label(&row.title);
                    let mut points = Vec::new();
                    if row.upheld > 0 {
                        points.push(format!("gained {}", signed(row.upheld)));
                    }
                    if row.breached > 0 {
                        points.push(format!(
                            "lost {}{}",
                            signed(-row.breached),
                            if row.critical { " (critical)" } else { "" }
                        ));
                    }
                    if points.is_empty() {
                        points.push("no points either way".into());
                    }
                    ui.label(points.join(", "));
                    let height = ui.text_style_height(&egui::TextStyle::Body);
                    let (rect, _) =
                        ui.allocate_exact_size(egui::vec2(160.0, height), egui::Sense::hover());
                    let half = rect.width() / 2.0;
                    let painter = ui.painter();
                    let left = half * row.breached as f32 / widest;
                    let right = half * row.upheld as f32 / widest;
                    painter.rect_filled(
                        egui::Rect::from_min_max(
                            egui::pos2(rect.center().x - left, rect.top() + 2.0),
                            egui::pos2(rect.center().x, rect.bottom() - 2.0),
                        ),
                        0.0,
                        lost,
                    );
                    painter.rect_filled(
                        egui::Rect::from_min_max(
                            egui::pos2(rect.center().x, rect.top() + 2.0),
                            egui::pos2(rect.center().x + right, rect.bottom() - 2.0),
                        ),
                        0.0,
                        gained,
                    );
                    painter.vline(
                        rect.center().x,
                        rect.y_range(),
                        ui.visuals().widgets.noninteractive.fg_stroke,
                    );
                    ui.end_row();
                }
            });
    }
}

fn system(
    mut contexts: EguiContexts,
    session: Res<Session>,
    catalog: Res<CatalogResource>,
    mut settings: ResMut<DisplaySettings>,
    mut actions: MessageWriter<TraineeAction>,
    mut cached: Local<Option<((Uuid, bool), DebriefView)>>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let Some(finished) = &session.finished else {
        return Ok(());
    };
    // Built once per attempt shown, not on every frame.
    let key = (finished.id, finished.reviewed.is_some());
    if cached.as_ref().is_none_or(|(shown, _)| *shown != key) {
        *cached = Some((key, view(finished, &catalog.0)));
    }
    let Some((_, view)) = cached.as_ref() else {
        return Ok(());
    };
    show(
        ctx,
        &mut settings,
        &mut actions,
        egui::Id::new(("debrief", key)),
        |ui| widget(ui, view),
    );
    Ok(())
}

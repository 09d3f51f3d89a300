//! The home screen: the trainee's progress in each course, the scenarios with their status and best score (from this workstation and, when fetched, the learning record store), resume, review of any finished attempt, a question before "Start again" sets an unfinished attempt aside, and (for trainers) the author panel with broken files and the audit's findings.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};
use silent_slavery_results::attempt::{AttemptRecord, AttemptStatus};
use silent_slavery_results::course::{Course, CourseStatus, MoveOn, scaled_score};
use silent_slavery_results::store::Store;
use silent_slavery_scenario::model::catalog::Catalog;
use silent_slavery_scenario::play::score::Scaled;

use crate::sim::{
    CatalogResource, Courses, HistoryState, Results, ScenarioLibrary, Screen, Session, SimConfig,
    TraineeAction, TraineeHistory,
};
use crate::ui::frame::{Chrome, show};
use crate::ui::input;
use crate::ui::intent::Intent;
use crate::ui::settings::DisplaySettings;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        EguiPrimaryContextPass,
        system.run_if(in_state(Screen::Home)).after(Chrome),
    );
}

/// The course for the home screen's heading: with several, the widest, since the home
/// screen lists every scenario whichever course it belongs to.
pub fn course_title(courses: &[Course]) -> Option<String> {
    courses
        .iter()
        .max_by_key(|c| (c.scenarios.len(), std::cmp::Reverse(c.id.clone())))
        .map(|c| c.title.clone())
}

/// A trainee's progress in one course, as `silent-slavery report` counts it
/// ([`Course::standing`]).
#[derive(Debug, Clone, PartialEq)]
pub struct CourseProgress {
    /// The course title.
    pub title: String,
    /// Required scenarios done under the course's moveOn rule.
    pub done: usize,
    /// Required scenarios.
    pub required: usize,
    /// What "done" means in this course: "passed" or "finished".
    pub done_means: &'static str,
    /// Whether the course is complete.
    pub complete: bool,
}

impl CourseProgress {
    /// "Trafficking indicators and referral — frontline: 3 of 14 passed".
    pub fn line(&self) -> String {
        format!(
            "{}: {} of {} {}{}",
            self.title,
            self.done,
            self.required,
            self.done_means,
            if self.complete {
                " — course complete"
            } else {
                ""
            }
        )
    }
}

/// The trainee's progress in each course, the furthest on first.
pub fn course_progress(courses: &[Course], attempts: &[AttemptRecord]) -> Vec<CourseProgress> {
    let mut out: Vec<CourseProgress> = courses
        .iter()
        .map(|c| {
            let standing = c.standing(attempts);
            CourseProgress {
                title: c.title.clone(),
                done: standing.scenarios.iter().filter(|s| s.done).count(),
                required: standing.scenarios.len(),
                done_means: match c.move_on {
                    MoveOn::Passed | MoveOn::CompletedAndPassed => "passed",
                    MoveOn::Completed | MoveOn::CompletedOrPassed | MoveOn::NotApplicable => {
                        "finished"
                    }
                },
                complete: standing.status == CourseStatus::Completed,
            }
        })
        .collect();
    // Stable: among equals, the courses keep their file order.
    out.sort_by_key(|p| std::cmp::Reverse(p.done));
    out
}

/// One finished attempt, for review.
#[derive(Debug, Clone, PartialEq)]
pub struct FinishedLine {
    /// The attempt id.
    pub id: String,
    /// When it finished: "2026-12-03 14:05 UTC".
    pub when: String,
    /// Its score under the deciding ruleset.
    pub score: Scaled,
    /// Whether it passed.
    pub passed: bool,
}

impl FinishedLine {
    /// "2026-12-03 14:05 UTC: 83.1%, passed".
    pub fn line(&self) -> String {
        format!(
            "{}: {}, {}",
            self.when,
            self.score.percent_short(),
            if self.passed { "passed" } else { "not passed" }
        )
    }
}

/// Where the trainee was last (their attempt touched most recently, read from the store so
/// it survives a restart): named at the top of the home screen, with the way back in.
#[derive(Debug, Clone, PartialEq)]
pub struct LeftOff {
    /// The scenario's id: its card is marked and scrolled into view.
    pub scenario: String,
    /// "Where you left off: “Dawn stop”, 6 answers saved, last on 2026-12-03 14:05 UTC.", or
    /// "Last played: “Dawn stop”, finished on 2026-12-03 14:05 UTC with 83.1%, passed."
    pub line: String,
    /// The attempt, if it is unfinished (the trainee can resume it).
    pub resume: Option<String>,
    /// The attempt, if it is finished (the trainee can review it).
    pub review: Option<String>,
}

/// "2026-12-03 14:05 UTC".
fn minute(at: time::OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    format!("{} {:02}:{:02} UTC", at.date(), at.hour(), at.minute())
}

/// The question asked before "Start again" sets an unfinished attempt aside.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartAgainQuestion {
    /// "Start “Dawn stop” again?"
    pub title: String,
    /// What happens to the unfinished attempt.
    pub detail: String,
}

/// A trainee's standing in one scenario.
#[derive(Debug, Clone, PartialEq)]
pub enum ScenarioStatus {
    /// No attempt yet.
    NotStarted,
    /// An attempt is unfinished; its id.
    InProgress(String),
    /// The best finished attempt passed, with its score.
    Passed(Scaled),
    /// Finished attempts, none passed; the best score.
    Failed(Scaled),
}

/// One scenario on the home screen.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioCard {
    /// Scenario id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Role and setting, in a line.
    pub subtitle: String,
    /// Summary.
    pub summary: String,
    /// Estimated minutes.
    pub minutes: u32,
    /// The trainee's standing.
    pub status: ScenarioStatus,
    /// The trainee's finished attempts, newest first, each of which can be reviewed.
    pub finished: Vec<FinishedLine>,
    /// Whether the standing comes from an attempt on another workstation (read from the
    /// learning record store), not from this workstation's store.
    pub elsewhere: bool,
}

/// The home screen's contents.
#[derive(Debug, Clone, PartialEq)]
pub struct HomeView {
    /// Who is signed in: "Name (staff number), unit".
    pub trainee: String,
    /// The course title, if the scenarios belong to one.
    pub course: Option<String>,
    /// The trainee's progress in each course.
    pub progress: Vec<CourseProgress>,
    /// A "Start again" waiting for an answer.
    pub start_again: Option<StartAgainQuestion>,
    /// Where the trainee was last, if they have played before.
    pub left_off: Option<LeftOff>,
    /// Whether to scroll the card of [`HomeView::left_off`] into view: on arriving at the
    /// home screen (the system sets it for the first frame only).
    pub scroll_to_left_off: bool,
    /// Scenarios that can be played.
    pub scenarios: Vec<ScenarioCard>,
    /// Scenario files that did not load, as rendered diagnostics (for trainers).
    pub broken: Vec<String>,
    /// The assessment audit's findings on the playable scenarios, as rendered warnings
    /// (author mode only; empty for trainees).
    pub audit: Vec<String>,
    /// A message to show, e.g. why something failed.
    pub notice: Option<String>,
    /// Where the statuses come from, when a learning record store is configured: being
    /// checked, included, or offline (this workstation's results only).
    pub history: Option<String>,
    /// Whether trainers' tools are on (the author preview button).
    pub author: bool,
}

/// What the home screen says when there is nothing to play: the folder holds no scenario
/// that loads (a trainer sees why in the author panel).
pub const NO_SCENARIOS: &str = "There are no scenarios to play on this workstation: the scenarios folder holds none that load. Tell your trainer or IT desk.";

/// What the home screen says about the trainee's results from other workstations.
pub fn history_line(state: &HistoryState) -> Option<String> {
    match state {
        HistoryState::NoLrs => None,
        HistoryState::Fetching => Some(
            "Checking the learning record store for your results from other workstations…".into(),
        ),
        HistoryState::Fetched(n) => Some(format!(
            "Your results from other workstations are included (the learning record store holds {n} finished attempt(s) of yours)."
        )),
        HistoryState::Offline(why) => Some(format!(
            "Offline: the learning record store could not be reached, so only this workstation's results are shown. ({why})"
        )),
    }
}

/// The home screen for the signed-in trainee: only their own attempts are read, from this
/// workstation's store and, when fetched, from the learning record store (`history`): those
/// count towards statuses, best scores and course progress; only this workstation's can be
/// resumed or reviewed.
pub fn view(
    session: &Session,
    library: &ScenarioLibrary,
    store: &Store,
    history: &TraineeHistory,
    courses: &[Course],
    author: bool,
    audit: Vec<String>,
) -> HomeView {
    let trainee =
        session
            .trainee
            .clone()
            .unwrap_or_else(|| silent_slavery_results::attempt::Trainee {
                staff_number: String::new(),
                name: String::new(),
                unit: String::new(),
            });
    let attempts = store.attempts_of(&trainee.staff_number).unwrap_or_default();
    // The LRS holds this workstation's synced attempts too: each attempt counts once, and
    // one held here is shown as from here.
    let here: std::collections::BTreeSet<_> = attempts.iter().map(|a| a.id).collect();
    let elsewhere: Vec<&AttemptRecord> = history
        .attempts
        .iter()
        .filter(|a| {
            history.staff_number.as_deref() == Some(trainee.staff_number.as_str())
                && a.staff_number == trainee.staff_number
                && !here.contains(&a.id)
        })
        .collect();
    let everywhere: Vec<AttemptRecord> = attempts
        .iter()
        .chain(elsewhere.iter().copied())
        .cloned()
        .collect();
    let scenarios = library
        .playable()
        .iter()
        .map(|s| {
            let mine: Vec<_> = attempts
                .iter()
                .filter(|a| a.scenario_id == s.scenario.id)
                .collect();
            let unfinished = mine
                .iter()
                .rev()
                .find(|a| a.status == AttemptStatus::InProgress);
            let of_scenario = |a: &&&AttemptRecord| a.scenario_id == s.scenario.id;
            // Ties go to an attempt made here.
            let best = mine
                .iter()
                .map(|a| (*a, true))
                .chain(elsewhere.iter().filter(of_scenario).map(|a| (*a, false)))
                .filter(|(a, _)| a.status == AttemptStatus::Finished)
                .map(|(a, here)| {
                    (
                        a.passed == Some(true),
                        scaled_score(a).unwrap_or(Scaled::ZERO),
                        here,
                    )
                })
                .max();
            let mut finished: Vec<FinishedLine> = mine
                .iter()
                .filter(|a| a.status == AttemptStatus::Finished)
                .map(|a| FinishedLine {
                    id: a.id.to_string(),
                    when: a.finished_at.map_or_else(String::new, minute),
                    score: scaled_score(a).unwrap_or(Scaled::ZERO),
                    passed: a.passed == Some(true),
                })
                .collect();
            finished.reverse();
            let (status, from_elsewhere) = match (unfinished, best) {
                (Some(a), _) => (ScenarioStatus::InProgress(a.id.to_string()), false),
                (None, Some((true, s, here))) => (ScenarioStatus::Passed(s), !here),
                (None, Some((false, s, here))) => (ScenarioStatus::Failed(s), !here),
                (None, None) => (ScenarioStatus::NotStarted, false),
            };
            ScenarioCard {
                id: s.scenario.id.clone(),
                title: s.scenario.title.clone(),
                subtitle: format!("{} · {}", s.scenario.role.label(), s.scenario.setting),
                summary: s.scenario.summary.clone(),
                minutes: s.scenario.estimated_minutes,
                status,
                finished,
                elsewhere: from_elsewhere,
            }
        })
        .collect();
    HomeView {
        trainee: if trainee.unit.is_empty() {
            format!("{} ({})", trainee.name, trainee.staff_number)
        } else {
            format!(
                "{} ({}), {}",
                trainee.name, trainee.staff_number, trainee.unit
            )
        },
        course: course_title(courses),
        progress: course_progress(courses, &everywhere),
        start_again: session.start_again.as_ref().map(|p| StartAgainQuestion {
            title: format!("Start “{}” again?", p.title),
            detail: format!(
                "Your unfinished attempt ({} answer{} saved) will be set aside: it stays in your record, but you can no longer resume it.",
                p.inputs,
                if p.inputs == 1 { "" } else { "s" }
            ),
        }),
        left_off: left_off(store, &trainee.staff_number, &attempts, library),
        scroll_to_left_off: false,
        scenarios,
        broken: library.problems().iter().map(|d| d.render()).collect(),
        audit,
        notice: session.notice.clone(),
        history: history_line(&history.state),
        author,
    }
}

/// Where the trainee was last: their most recently touched attempt, if its scenario is
/// still offered.
fn left_off(
    store: &Store,
    staff_number: &str,
    attempts: &[AttemptRecord],
    library: &ScenarioLibrary,
) -> Option<LeftOff> {
    let last = store.last_activity(staff_number).ok()??;
    let attempt = attempts.iter().find(|a| a.id == last.attempt)?;
    let title = library
        .scenario(&attempt.scenario_id)?
        .scenario
        .title
        .clone();
    let answers = |n: u32| format!("{n} answer{}", if n == 1 { "" } else { "s" });
    let (line, resume, review) = match attempt.status {
        AttemptStatus::InProgress => (
            format!(
                "Where you left off: “{title}”, {} saved, last on {}.",
                answers(last.inputs),
                minute(last.at)
            ),
            Some(attempt.id.to_string()),
            None,
        ),
        AttemptStatus::Finished => (
            format!(
                "Last played: “{title}”, finished on {}{}.",
                minute(last.at),
                scaled_score(attempt).map_or_else(String::new, |s| format!(
                    " with {}, {}",
                    s.percent_short(),
                    if attempt.passed == Some(true) {
                        "passed"
                    } else {
                        "not passed"
                    }
                ))
            ),
            None,
            Some(attempt.id.to_string()),
        ),
    };
    Some(LeftOff {
        scenario: attempt.scenario_id.clone(),
        line,
        resume,
        review,
    })
}

/// The assessment audit of the playable scenarios, rendered as warnings at file:line:col
/// (as `silent-slavery validate` shows them), for the author panel. Files are read from
/// `asset_root` to place each finding.
pub fn audit_findings(
    library: &ScenarioLibrary,
    catalog: &Catalog,
    asset_root: &std::path::Path,
) -> Vec<String> {
    let playable = library.playable();
    silent_slavery_scenario::analysis::audit::audit(playable.iter().map(|s| &**s), catalog)
        .diagnostics(|file| std::fs::read_to_string(asset_root.join(file)).ok())
        .into_iter()
        .map(|d| d.as_warning().render())
        .collect()
}

/// The home screen: scenarios with the trainee's status, resume, and sign out.
pub fn widget(ui: &mut egui::Ui, view: &HomeView) -> Option<Intent> {
    let mut intent = None;
    // Heading and trainee on separate rows, so a long name or large text never overlaps.
    ui.heading(view.course.as_deref().unwrap_or("Scenarios"));
    ui.horizontal_wrapped(|ui| {
        ui.label(&view.trainee);
        if ui.button("Sign out").clicked() {
            intent = Some(Intent::SignOut);
        }
        if view.author
            && ui
                .button("Author preview")
                .on_hover_text("For trainers: any step of any scenario, and every path's score")
                .clicked()
        {
            intent = Some(Intent::AuthorPreview);
        }
    });
    for course in &view.progress {
        ui.add(
            egui::ProgressBar::new(course.done as f32 / course.required.max(1) as f32)
                .text(course.line()),
        );
    }
    if let Some(left_off) = &view.left_off {
        ui.horizontal_wrapped(|ui| {
            ui.label(&left_off.line);
            if let Some(id) = &left_off.resume
                && ui.button("Carry on").clicked()
            {
                intent = Some(Intent::Resume(id.clone()));
            }
            if let Some(id) = &left_off.review
                && ui.button("Review it").clicked()
            {
                intent = Some(Intent::Review(id.clone()));
            }
        });
    }
    if let Some(notice) = &view.notice {
        ui.colored_label(ui.visuals().warn_fg_color, notice);
    }
    if let Some(history) = &view.history {
        ui.label(egui::RichText::new(history).weak());
    }
    if let Some(question) = &view.start_again
        && let Some(answer) = start_again_question(ui, question)
    {
        intent = Some(answer);
    }
    ui.separator();
    if view.scenarios.is_empty() {
        ui.colored_label(ui.visuals().warn_fg_color, NO_SCENARIOS);
    }
    if !view.broken.is_empty() {
        let heading = format!(
            "Author panel: {} problem(s) in scenario files; those scenarios are not listed until fixed",
            view.broken.len()
        );
        ui.collapsing(
            egui::RichText::new(heading).color(ui.visuals().warn_fg_color),
            |ui| {
                for d in &view.broken {
                    ui.monospace(d);
                }
            },
        );
    }
    if !view.audit.is_empty() {
        let heading = format!(
            "Author panel: {} audit warning(s): could a trainee who knows nothing pass? (silent-slavery audit)",
            view.audit.len()
        );
        ui.collapsing(
            egui::RichText::new(heading).color(ui.visuals().warn_fg_color),
            |ui| {
                egui::ScrollArea::vertical()
                    .id_salt("audit")
                    .max_height(240.0)
                    .show(ui, |ui| {
                        for d in &view.audit {
                            ui.monospace(d);
                        }
                    });
            },
        );
    }
    // Number keys wait while a text field has the focus or a question is open.
    let typing = ui.ctx().egui_wants_keyboard_input() || view.start_again.is_some();
    let keys = input::ItemKeys::read(ui, view.scenarios.len(), !typing);
    ui.label(
        egui::RichText::new(format!(
            "{} (open or resume a scenario), or Tab to a button; Page Up and Down scroll.",
            keys.hint()
        ))
        .weak(),
    );
    input::scroll_area(ui, "scenarios", |ui| {
        for (n, card) in view.scenarios.iter().enumerate() {
            if keys.chosen == Some(n) {
                intent = Some(Intent::Open(card.id.clone()));
            }
            let here = view
                .left_off
                .as_ref()
                .is_some_and(|l| l.scenario == card.id);
            let group = ui.group(|ui| {
                ui.set_width(ui.available_width());
                ui.horizontal(|ui| {
                    ui.strong(format!("{}. {}", keys.label(n), card.title));
                    if here {
                        ui.label(egui::RichText::new("(where you left off)").italics());
                    }
                    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                        let (label, resume) = status_label(card);
                        if let Some(id) = resume
                            && ui.button("Resume").clicked()
                        {
                            intent = Some(Intent::Resume(id.clone()));
                        }
                        let start = if matches!(card.status, ScenarioStatus::NotStarted) {
                            "Start"
                        } else {
                            "Start again"
                        };
                        if ui.button(start).on_hover_text(&card.summary).clicked() {
                            // With an attempt unfinished, starting again asks first.
                            intent = Some(if resume.is_some() {
                                Intent::StartAgain(card.id.clone())
                            } else {
                                Intent::Open(card.id.clone())
                            });
                        }
                        if let Some(last) = card.finished.first()
                            && ui
                                .button("Review")
                                .on_hover_text(format!(
                                    "Your last finished attempt: {}",
                                    last.line()
                                ))
                                .clicked()
                        {
                            intent = Some(Intent::Review(last.id.clone()));
                        }
                        ui.label(label);
                    });
                });
                if card.finished.len() > 1 {
                    ui.collapsing(
                        format!("Your {} finished attempts", card.finished.len()),
                        |ui| {
                            for attempt in &card.finished {
                                ui.horizontal(|ui| {
                                    ui.label(attempt.line());
                                    if ui.button("Review").clicked() {
                                        intent = Some(Intent::Review(attempt.id.clone()));
                                    }
                                });
                            }
                        },
                    );
                }
                ui.label(format!(
                    "{} · about {} minutes",
                    card.subtitle, card.minutes
                ));
                ui.label(egui::RichText::new(&card.summary).weak());
            });
            if here && view.scroll_to_left_off {
                group.response.scroll_to_me(Some(egui::Align::Center));
            }
        }
    });
    intent
}

/// Asks before "Start again" sets an unfinished attempt aside. Keeping it is the default:
/// Escape or a click beside the question keeps it too.
fn start_again_question(ui: &egui::Ui, question: &StartAgainQuestion) -> Option<Intent> {
    let mut answer = None;
    let modal = egui::Modal::new(egui::Id::new("start again?")).show(ui.ctx(), |ui| {
        ui.set_max_width(480.0);
        ui.heading(&question.title);
        ui.label(&question.detail);
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            let keep = ui.button("Keep my attempt");
            if keep.clicked() {
                answer = Some(Intent::CancelStartAgain);
            }
            if ui.button("Set it aside and start again").clicked() {
                answer = Some(Intent::ConfirmStartAgain);
            }
            // The safe answer has the keyboard focus, so Enter or Space keeps the attempt.
            if !ui.memory(|m| m.focused().is_some()) {
                keep.request_focus();
            }
        });
    });
    if answer.is_none() && modal.should_close() {
        answer = Some(Intent::CancelStartAgain);
    }
    answer
}

/// A card's status as the trainee reads it, and the attempt to resume if any.
pub fn status_label(card: &ScenarioCard) -> (String, Option<&String>) {
    let from = if card.elsewhere {
        " (on another workstation)"
    } else {
        ""
    };
    match &card.status {
        ScenarioStatus::NotStarted => ("Not started".to_owned(), None),
        ScenarioStatus::InProgress(id) => ("In progress".to_owned(), Some(id)),
        ScenarioStatus::Passed(s) => (format!("Passed, best {}{from}", s.percent_short()), None),
        ScenarioStatus::Failed(s) => (
            format!("Not passed yet, best {}{from}", s.percent_short()),
            None,
        ),
    }
}

fn system(
    mut contexts: EguiContexts,
    session: Res<Session>,
    library: Res<ScenarioLibrary>,
    results: Res<Results>,
    history: Res<TraineeHistory>,
    config: Res<SimConfig>,
    courses: Res<Courses>,
    catalog: Res<CatalogResource>,
    mut settings: ResMut<DisplaySettings>,
    mut actions: MessageWriter<TraineeAction>,
    screen: Res<State<Screen>>,
    mut cached: Local<Option<HomeView>>,
    mut audit: Local<Option<Vec<String>>>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    // The audit walks every scenario: only for trainers, and only when the library changed.
    if config.author && (audit.is_none() || library.is_changed()) {
        *audit = Some(audit_findings(&library, &catalog.0, &config.asset_root));
    }
    // The view reads the trainee's attempts from the store: only again when the session
    // (a finished or left attempt, a new sign-in) or the library changed, not every frame.
    // Arriving at the home screen (the state changed since this system last ran) brings
    // the card of where the trainee left off into view, once.
    let arrived = screen.is_changed();
    // A history read from the LRS arriving changes it too.
    if cached.is_none()
        || arrived
        || session.is_changed()
        || library.is_changed()
        || history.is_changed()
    {
        *cached = match results.0.lock() {
            Ok(store) => Some(view(
                &session,
                &library,
                &store,
                &history,
                &courses.0,
                config.author,
                audit.clone().unwrap_or_default(),
            )),
            Err(_) => return Ok(()),
        };
    }
    let Some(view) = cached.as_mut() else {
        return Ok(());
    };
    view.scroll_to_left_off = arrived;
    show(
        ctx,
        &mut settings,
        &mut actions,
        egui::Id::new("home"),
        |ui| widget(ui, view),
    );
    view.scroll_to_left_off = false;
    Ok(())
}

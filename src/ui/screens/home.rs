//! The home screen: the scenarios with the trainee's status and best score (from this workstation and, when fetched, the learning record store), resume, and (for trainers) the author panel with broken files and the audit's findings.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};
use silent_slavery_results::attempt::{AttemptRecord, AttemptStatus};
use silent_slavery_results::course::scaled_score;
use silent_slavery_results::store::Store;
use silent_slavery_scenario::model::catalog::Catalog;
use silent_slavery_scenario::play::score::Scaled;

use crate::sim::{
    CatalogResource, HistoryState, Results, ScenarioLibrary, Screen, Session, SimConfig,
    TraineeAction, TraineeHistory,
};
use crate::ui::frame::{Chrome, number_key, show};
use crate::ui::intent::Intent;
use crate::ui::settings::DisplaySettings;

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<CourseTitle>()
        .add_systems(Startup, find_course)
        .add_systems(
            EguiPrimaryContextPass,
            system.run_if(in_state(Screen::Home)).after(Chrome),
        );
}

/// The course the shipped scenarios belong to, for the home screen's heading.
#[derive(Resource, Default)]
struct CourseTitle(Option<String>);

fn find_course(config: Res<SimConfig>, mut title: ResMut<CourseTitle>) {
    let dir = config.asset_root.join(&config.scenarios).join("courses");
    let (courses, _) = silent_slavery_results::course::load_courses(&dir);
    // With several courses, the heading names the widest: the home screen lists every
    // scenario, whichever course it belongs to.
    title.0 = courses
        .into_iter()
        .max_by_key(|c| (c.scenarios.len(), std::cmp::Reverse(c.id.clone())))
        .map(|c| c.title);
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
/// workstation's store and, when fetched, from the learning record store (`history`).
pub fn view(
    session: &Session,
    library: &ScenarioLibrary,
    store: &Store,
    history: &TraineeHistory,
    course: Option<String>,
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
    let scenarios = library
        .playable()
        .iter()
        .map(|s| {
            let of_scenario = |a: &&AttemptRecord| a.scenario_id == s.scenario.id;
            let mine: Vec<_> = attempts.iter().filter(of_scenario).collect();
            let unfinished = mine
                .iter()
                .rev()
                .find(|a| a.status == AttemptStatus::InProgress);
            let finished = mine.iter().map(|a| (*a, true)).chain(
                elsewhere
                    .iter()
                    .copied()
                    .filter(of_scenario)
                    .map(|a| (a, false)),
            );
            // Ties go to an attempt made here.
            let best = finished
                .filter(|(a, _)| a.status == AttemptStatus::Finished)
                .map(|(a, here)| {
                    (
                        a.passed == Some(true),
                        scaled_score(a).unwrap_or(Scaled::ZERO),
                        here,
                    )
                })
                .max();
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
        course,
        scenarios,
        broken: library.problems().iter().map(|d| d.render()).collect(),
        audit,
        notice: session.notice.clone(),
        history: history_line(&history.state),
        author,
    }
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
    if let Some(notice) = &view.notice {
        ui.colored_label(ui.visuals().warn_fg_color, notice);
    }
    if let Some(history) = &view.history {
        ui.label(egui::RichText::new(history).weak());
    }
    ui.separator();
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
    ui.label(
        egui::RichText::new(
            "Press a scenario's number (1–9) to open or resume it, or Tab to a button.",
        )
        .weak(),
    );
    let typing = ui.memory(|m| m.focused().is_some());
    egui::ScrollArea::vertical().show(ui, |ui| {
        for (n, card) in view.scenarios.iter().enumerate() {
            if !typing && number_key(ui, n) {
                intent = Some(Intent::Open(card.id.clone()));
            }
            ui.group(|ui| {
                ui.set_width(ui.available_width());
                ui.horizontal(|ui| {
                    ui.strong(format!("{}. {}", n + 1, card.title));
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
                            intent = Some(Intent::Open(card.id.clone()));
                        }
                        ui.label(label);
                    });
                });
                ui.label(format!(
                    "{} · about {} minutes",
                    card.subtitle, card.minutes
                ));
                ui.label(egui::RichText::new(&card.summary).weak());
            });
        }
    });
    intent
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
    course: Res<CourseTitle>,
    catalog: Res<CatalogResource>,
    mut settings: ResMut<DisplaySettings>,
    mut actions: MessageWriter<TraineeAction>,
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
    if cached.is_none() || session.is_changed() || library.is_changed() || history.is_changed() {
        *cached = match results.0.lock() {
            Ok(store) => Some(view(
                &session,
                &library,
                &store,
                &history,
                course.0.clone(),
                config.author,
                audit.clone().unwrap_or_default(),
            )),
            Err(_) => return Ok(()),
        };
    }
    let Some(view) = cached.as_ref() else {
        return Ok(());
    };
    show(ctx, &mut settings, &mut actions, |ui| widget(ui, view));
    Ok(())
}

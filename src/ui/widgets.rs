//! Pure egui widgets for each screen: each takes a view model and returns what the trainee asked for, so they can be tested without Bevy.

use bevy_egui::egui;
use egui_plot::{Bar, BarChart, Plot};

/// What the trainee asked for on a screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Intent {
    /// Sign in with these details.
    SignIn {
        /// Staff or collar number.
        staff_number: String,
        /// Name.
        name: String,
        /// Unit.
        unit: String,
    },
    /// Sign out.
    SignOut,
    /// Open a scenario by id (resuming an unfinished attempt at it).
    Open(String),
    /// Start a scenario afresh although an attempt at it is unfinished.
    StartAgain(String),
    /// Resume an unfinished attempt.
    Resume(String),
    /// Go on past the content warning.
    AcceptWarning,
    /// Go back a screen.
    Back,
    /// Flag a cue.
    Flag(String),
    /// Take a flag back.
    Unflag(String),
    /// Choose an option.
    Choose(String),
    /// Move on.
    Continue,
    /// Make text larger (+1) or smaller (-1).
    TextSize(i8),
    /// Switch the high-contrast theme.
    ToggleContrast,
    /// Open the author preview.
    AuthorPreview,
    /// In the author preview, show this scenario (by index).
    PreviewScenario(usize),
    /// In the author preview, show this step (by index).
    PreviewStep(usize),
}

/// The sign-in form's contents (kept between frames by the caller).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SignInForm {
    /// Staff or collar number typed so far.
    pub staff_number: String,
    /// Name typed so far.
    pub name: String,
    /// Unit (remembered per workstation).
    pub unit: String,
    /// Why the last attempt to sign in was refused.
    pub problem: Option<String>,
}

/// Sign in: staff number, name and unit. No password: this is not access control.
pub fn sign_in(ui: &mut egui::Ui, form: &mut SignInForm) -> Option<Intent> {
    let mut intent = None;
    ui.vertical_centered(|ui| {
        ui.add_space(24.0);
        ui.heading("Silent Slavery Trainer");
        ui.label("Sign in to play the scenarios and see your results.");
        ui.add_space(16.0);
    });
    egui::Grid::new("sign_in")
        .num_columns(2)
        .spacing([12.0, 8.0])
        .show(ui, |ui| {
            ui.label("Staff or collar number");
            let staff =
                ui.add(egui::TextEdit::singleline(&mut form.staff_number).hint_text("e.g. 4521"));
            ui.end_row();
            ui.label("Name");
            ui.add(egui::TextEdit::singleline(&mut form.name));
            ui.end_row();
            ui.label("Unit");
            ui.add(egui::TextEdit::singleline(&mut form.unit).hint_text("e.g. North Response"));
            ui.end_row();
            if form.staff_number.is_empty()
                && !staff.has_focus()
                && ui.memory(|m| m.focused().is_none())
            {
                staff.request_focus();
            }
        });
    ui.add_space(8.0);
    if let Some(problem) = &form.problem {
        ui.colored_label(ui.visuals().error_fg_color, problem);
    }
    let enter = ui.input(|i| i.key_pressed(egui::Key::Enter));
    if ui.button("Sign in").clicked() || enter {
        intent = Some(Intent::SignIn {
            staff_number: form.staff_number.trim().to_owned(),
            name: form.name.trim().to_owned(),
            unit: form.unit.trim().to_owned(),
        });
    }
    intent
}

/// A trainee's standing in one scenario.
#[derive(Debug, Clone, PartialEq)]
pub enum ScenarioStatus {
    /// No attempt yet.
    NotStarted,
    /// An attempt is unfinished; its id.
    InProgress(String),
    /// The best finished attempt passed, with its score (0–1).
    Passed(f64),
    /// Finished attempts, none passed; the best score (0–1).
    Failed(f64),
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
    /// Whether trainers' tools are on (the author preview button).
    pub author: bool,
}

/// The home screen: scenarios with the trainee's status, resume, and sign out.
pub fn home(ui: &mut egui::Ui, view: &HomeView) -> Option<Intent> {
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
                        let (label, resume) = match &card.status {
                            ScenarioStatus::NotStarted => ("Not started".to_owned(), None),
                            ScenarioStatus::InProgress(id) => ("In progress".to_owned(), Some(id)),
                            ScenarioStatus::Passed(s) => {
                                (format!("Passed, best {:.0}%", s * 100.0), None)
                            }
                            ScenarioStatus::Failed(s) => {
                                (format!("Not passed yet, best {:.0}%", s * 100.0), None)
                            }
                        };
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

/// The content warning before a scenario.
pub fn content_warning(ui: &mut egui::Ui, title: &str, warning: &str) -> Option<Intent> {
    let mut intent = None;
    ui.heading(title);
    ui.add_space(8.0);
    ui.strong("Content warning");
    ui.label(warning);
    ui.label("You can stop at any time and come back later: your progress is saved.");
    ui.add_space(12.0);
    ui.horizontal(|ui| {
        if ui.button("Continue to the scenario").clicked()
            || ui.input(|i| i.key_pressed(egui::Key::Enter))
        {
            intent = Some(Intent::AcceptWarning);
        }
        if ui.button("Go back").clicked() || ui.input(|i| i.key_pressed(egui::Key::Escape)) {
            intent = Some(Intent::Back);
        }
    });
    intent
}

/// A cue as shown on the playing screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CueItem {
    /// Cue id.
    pub id: String,
    /// What the trainee sees.
    pub text: String,
    /// Flagged now.
    pub flagged: bool,
}

/// An option as shown on the playing screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionItem {
    /// Option id.
    pub id: String,
    /// Button text.
    pub text: String,
    /// Why it is locked, if it is.
    pub locked: Option<String>,
}

/// What the playing screen shows now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepView {
    /// A scene: speaker, text (with cues placed), and the cues shown.
    Scene {
        /// Who speaks.
        speaker: String,
        /// The narrative with cue texts in place.
        text: String,
    },
    /// Flag the cues that concern you.
    Identify {
        /// The question.
        prompt: String,
        /// Cues seen so far.
        cues: Vec<CueItem>,
    },
    /// Choose an option.
    Decision {
        /// Who speaks.
        speaker: Option<String>,
        /// The question.
        prompt: String,
        /// Options in this attempt's order.
        options: Vec<OptionItem>,
    },
    /// Feedback on the choice just made.
    Feedback {
        /// The option chosen.
        chosen: String,
        /// Why it was right or wrong.
        feedback: String,
    },
}

/// The playing screen's contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlayView {
    /// Scenario title.
    pub title: String,
    /// Steps presented so far (for the progress bar).
    pub steps_done: usize,
    /// Steps on the longest path (an estimate of the whole).
    pub steps_total: usize,
    /// The step.
    pub step: StepView,
    /// A problem to show (e.g. an input that could not be saved).
    pub notice: Option<String>,
}

/// The playing screen: scene text, cues to flag, options (number keys), feedback.
pub fn playing(ui: &mut egui::Ui, view: &PlayView) -> Option<Intent> {
    let mut intent = None;
    ui.horizontal(|ui| {
        ui.heading(&view.title);
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui.button("Save and leave").clicked() {
                intent = Some(Intent::Back);
            }
        });
    });
    let progress = (view.steps_done as f32 / view.steps_total.max(1) as f32).clamp(0.0, 1.0);
    ui.add(egui::ProgressBar::new(progress).text(format!(
        "Step {} of about {}",
        view.steps_done, view.steps_total
    )));
    if let Some(notice) = &view.notice {
        ui.colored_label(ui.visuals().error_fg_color, notice);
    }
    ui.separator();
    let pressed = |ui: &egui::Ui, key| ui.input(|i| i.key_pressed(key));
    egui::ScrollArea::vertical().show(ui, |ui| match &view.step {
        StepView::Scene { speaker, text } => {
            ui.label(egui::RichText::new(speaker).italics());
            ui.label(text);
            ui.add_space(12.0);
            if ui.button("Continue (Enter)").clicked() || pressed(ui, egui::Key::Enter) {
                intent = Some(Intent::Continue);
            }
        }
        StepView::Identify { prompt, cues } => {
            ui.strong(prompt);
            ui.label(
                egui::RichText::new(
                    "Number keys 1–9 flag and unflag; Tab and Space reach any item.",
                )
                .weak(),
            );
            ui.add_space(8.0);
            for (n, cue) in cues.iter().enumerate() {
                let mut flagged = cue.flagged;
                let label = format!("{}. {}", n + 1, cue.text);
                let key_hit = number_key(ui, n);
                if ui.checkbox(&mut flagged, label).changed() || key_hit {
                    intent = Some(if cue.flagged {
                        Intent::Unflag(cue.id.clone())
                    } else {
                        Intent::Flag(cue.id.clone())
                    });
                }
            }
            ui.add_space(12.0);
            if ui.button("Done flagging (Enter)").clicked() || pressed(ui, egui::Key::Enter) {
                intent = Some(Intent::Continue);
            }
        }
        StepView::Decision {
            speaker,
            prompt,
            options,
        } => {
            if let Some(speaker) = speaker {
                ui.label(egui::RichText::new(speaker).italics());
            }
            ui.strong(prompt);
            ui.add_space(8.0);
            for (n, option) in options.iter().enumerate() {
                let text = format!("{}. {}", n + 1, option.text);
                let button = egui::Button::new(egui::RichText::new(text)).wrap();
                let response = ui.add_enabled(option.locked.is_none(), button);
                let response = match &option.locked {
                    Some(reason) => response.on_disabled_hover_text(reason),
                    None => response,
                };
                if let Some(reason) = &option.locked {
                    ui.label(
                        egui::RichText::new(format!("Locked: {reason}"))
                            .weak()
                            .small(),
                    );
                }
                if option.locked.is_none() && (response.clicked() || number_key(ui, n)) {
                    intent = Some(Intent::Choose(option.id.clone()));
                }
            }
        }
        StepView::Feedback { chosen, feedback } => {
            ui.label(egui::RichText::new(format!("You chose: {chosen}")).italics());
            ui.add_space(4.0);
            ui.label(feedback);
            ui.add_space(12.0);
            if ui.button("Continue (Enter)").clicked() || pressed(ui, egui::Key::Enter) {
                intent = Some(Intent::Continue);
            }
        }
    });
    if intent.is_none() && pressed(ui, egui::Key::Escape) {
        intent = Some(Intent::Back);
    }
    intent
}

fn number_key(ui: &egui::Ui, n: usize) -> bool {
    const KEYS: [egui::Key; 9] = [
        egui::Key::Num1,
        egui::Key::Num2,
        egui::Key::Num3,
        egui::Key::Num4,
        egui::Key::Num5,
        egui::Key::Num6,
        egui::Key::Num7,
        egui::Key::Num8,
        egui::Key::Num9,
    ];
    KEYS.get(n)
        .is_some_and(|k| ui.input(|i| i.key_pressed(*k) && !i.modifiers.any()))
}

/// One ruleset's score in the debrief.
#[derive(Debug, Clone, PartialEq)]
pub struct RulesetLine {
    /// Ruleset title.
    pub title: String,
    /// Points of the maximum, and the share.
    pub raw: i64,
    /// The best achievable.
    pub max: i64,
    /// Share 0–1.
    pub scaled: f64,
    /// Whether this ruleset decides pass or fail.
    pub decides: bool,
    /// Passed under this ruleset.
    pub passed: bool,
}

/// Points upheld and breached under one rule, for the chart.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleBar {
    /// Short label, e.g. "Rec 9".
    pub label: String,
    /// Points gained.
    pub upheld: i64,
    /// Points lost.
    pub breached: i64,
}

/// A choice that breached a rule, explained.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lesson {
    /// What the trainee chose.
    pub choice: String,
    /// The rule breached: label and title.
    pub rule: String,
    /// Whether the breach was critical.
    pub critical: bool,
    /// What the rule asks.
    pub summary: String,
    /// Today's practice where it differs from 2003.
    pub current_practice: Option<String>,
}

/// The debrief's contents.
#[derive(Debug, Clone, PartialEq)]
pub struct DebriefView {
    /// Scenario title.
    pub title: String,
    /// The ending's headline and outcome.
    pub outcome: String,
    /// The ending's closing text.
    pub closing: String,
    /// Passed overall.
    pub passed: bool,
    /// Each condition of passing with the trainee's figure and the threshold, and whether
    /// it was met ("red herrings flagged at most 1: 3 (NOT MET)").
    pub conditions: Vec<(String, bool)>,
    /// Score per ruleset.
    pub rulesets: Vec<RulesetLine>,
    /// Chart bars, one per rule touched (deciding ruleset first).
    pub bars: Vec<RuleBar>,
    /// Indicators present and not flagged: "cue text — indicator name".
    pub missed: Vec<String>,
    /// Red herrings flagged: "cue text — why it is not an indicator on its own".
    pub red_herrings: Vec<String>,
    /// Identification recall and precision, as a sentence.
    pub identification: String,
    /// Choices that breached a rule.
    pub lessons: Vec<Lesson>,
}

/// The debrief: outcome, pass or fail, scores, a chart per rule, what was missed and why.
pub fn debrief(ui: &mut egui::Ui, view: &DebriefView) -> Option<Intent> {
    let mut intent = None;
    ui.horizontal(|ui| {
        ui.heading(format!("Debrief: {}", view.title));
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui.button("Back to scenarios (Enter)").clicked()
                || ui.input(|i| i.key_pressed(egui::Key::Enter))
            {
                intent = Some(Intent::Back);
            }
        });
    });
    egui::ScrollArea::vertical().show(ui, |ui| {
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
        ui.label(egui::RichText::new("To pass, every condition must be met:").strong());
        for (condition, met) in &view.conditions {
            let text = egui::RichText::new(format!("{} {condition}", if *met { "✔" } else { "✘" }));
            if *met {
                ui.label(text);
            } else {
                ui.label(text.strong().color(ui.visuals().error_fg_color));
            }
        }
        ui.add_space(8.0);
        for r in &view.rulesets {
            let decides = if r.decides {
                " (decides pass or fail)"
            } else {
                ""
            };
            ui.label(format!(
                "{}{decides}: {} of {} points ({:.0}%) — {}",
                r.title,
                r.raw,
                r.max,
                r.scaled * 100.0,
                if r.passed { "pass" } else { "not passed" }
            ));
        }
        ui.label(&view.identification);
        ui.add_space(8.0);
        ui.strong("Points upheld and breached per rule");
        ui.label(egui::RichText::new("Green above the line: upheld. Red below: breached.").weak());
        let upheld: Vec<Bar> = view
            .bars
            .iter()
            .enumerate()
            .map(|(n, b)| {
                Bar::new(n as f64, b.upheld as f64)
                    .name(&b.label)
                    .width(0.6)
            })
            .collect();
        let breached: Vec<Bar> = view
            .bars
            .iter()
            .enumerate()
            .map(|(n, b)| {
                Bar::new(n as f64, -(b.breached as f64))
                    .name(&b.label)
                    .width(0.6)
            })
            .collect();
        let labels: Vec<String> = view.bars.iter().map(|b| b.label.clone()).collect();
        Plot::new("rules")
            .height(220.0)
            // One grid mark per rule, so every column is labelled.
            .x_grid_spacer(egui_plot::uniform_grid_spacer(|_| [1.0, 5.0, 10.0]))
            .allow_drag(false)
            .allow_zoom(false)
            .allow_scroll(false)
            .x_axis_formatter(move |mark, _| {
                let n = mark.value.round();
                if (mark.value - n).abs() < 1e-6 && n >= 0.0 {
                    labels.get(n as usize).cloned().unwrap_or_default()
                } else {
                    String::new()
                }
            })
            .show(ui, |plot| {
                // Upheld above the line, breached below it, one column per rule.
                plot.bar_chart(
                    BarChart::new("Upheld", upheld).color(egui::Color32::from_rgb(30, 130, 60)),
                );
                plot.bar_chart(
                    BarChart::new("Breached", breached).color(egui::Color32::from_rgb(190, 40, 40)),
                );
            });
        ui.add_space(8.0);
        if !view.lessons.is_empty() {
            ui.strong("Where a choice went against a recommendation");
            for l in &view.lessons {
                ui.group(|ui| {
                    ui.set_width(ui.available_width());
                    let critical = if l.critical {
                        " — critical: this alone fails the attempt"
                    } else {
                        ""
                    };
                    ui.label(egui::RichText::new(format!("You chose: {}", l.choice)).italics());
                    ui.label(egui::RichText::new(format!("{}{critical}", l.rule)).strong());
                    ui.label(&l.summary);
                    if let Some(now) = &l.current_practice {
                        ui.label(egui::RichText::new(format!("Today: {now}")).weak());
                    }
                });
            }
        }
        if !view.missed.is_empty() {
            ui.add_space(8.0);
            ui.strong("Indicators you did not flag");
            for m in &view.missed {
                ui.label(format!("• {m}"));
            }
        }
        if !view.red_herrings.is_empty() {
            ui.add_space(8.0);
            ui.strong("Details you flagged that are not indicators on their own");
            for r in &view.red_herrings {
                ui.label(format!("• {r}"));
            }
        }
    });
    intent
}

/// One path in the author preview.
#[derive(Debug, Clone, PartialEq)]
pub struct PathRow {
    /// Options chosen, joined with " > ", then the ending.
    pub route: String,
    /// Scaled score under each ruleset, as text.
    pub scores: String,
    /// Passes.
    pub passed: bool,
}

/// The author preview's contents.
#[derive(Debug, Clone, PartialEq)]
pub struct AuthorView {
    /// Scenario titles, in library order.
    pub scenarios: Vec<String>,
    /// The scenario shown.
    pub scenario: usize,
    /// Its steps: "id (kind)".
    pub steps: Vec<String>,
    /// The step shown.
    pub step: usize,
    /// The step's content, as the trainee would read it, with option effects and feedback.
    pub preview: Vec<String>,
    /// Every path (up to the limit) with its scores.
    pub paths: Vec<PathRow>,
    /// "N paths, M pass", and whether the list stopped at its limit.
    pub summary: String,
}

/// The author preview: jump to any step of any scenario and see every path's score.
pub fn author_preview(ui: &mut egui::Ui, view: &AuthorView) -> Option<Intent> {
    let mut intent = None;
    ui.horizontal(|ui| {
        ui.heading("Author preview");
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui.button("Back to scenarios").clicked()
                || ui.input(|i| i.key_pressed(egui::Key::Escape))
            {
                intent = Some(Intent::Back);
            }
        });
    });
    ui.horizontal(|ui| {
        egui::ComboBox::from_label("Scenario")
            .selected_text(
                view.scenarios
                    .get(view.scenario)
                    .cloned()
                    .unwrap_or_default(),
            )
            .show_ui(ui, |ui| {
                for (n, title) in view.scenarios.iter().enumerate() {
                    if ui.selectable_label(n == view.scenario, title).clicked() {
                        intent = Some(Intent::PreviewScenario(n));
                    }
                }
            });
        egui::ComboBox::from_label("Step")
            .selected_text(view.steps.get(view.step).cloned().unwrap_or_default())
            .show_ui(ui, |ui| {
                for (n, step) in view.steps.iter().enumerate() {
                    if ui.selectable_label(n == view.step, step).clicked() {
                        intent = Some(Intent::PreviewStep(n));
                    }
                }
            });
    });
    ui.separator();
    egui::ScrollArea::vertical().show(ui, |ui| {
        for line in &view.preview {
            ui.label(line);
        }
        ui.separator();
        ui.strong(&view.summary);
        egui::Grid::new("paths").striped(true).show(ui, |ui| {
            for row in &view.paths {
                ui.label(if row.passed { "PASS" } else { "fail" });
                ui.label(&row.route);
                ui.label(&row.scores);
                ui.end_row();
            }
        });
    });
    intent
}

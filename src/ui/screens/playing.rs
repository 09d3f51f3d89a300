//! The playing screen: a scene with its details, an identify step (the details marked in the text as read, with the list of cues as a summary), a decision with its options (locked ones with the reason), feedback, and the keys that reach them.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};
use silent_slavery_results::record::RecordedAttempt;
use silent_slavery_scenario::model::scenario::{Cue, Step};
use silent_slavery_scenario::play::runner::{Input, Runner, View};

use crate::sim::{Screen, Session, TraineeAction};
use crate::ui::frame::{Chrome, show};
use crate::ui::input;
use crate::ui::intent::Intent;
use crate::ui::settings::DisplaySettings;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        EguiPrimaryContextPass,
        system.run_if(in_state(Screen::Playing)).after(Chrome),
    );
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

/// A scene's picture as the playing screen shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SceneImageView {
    /// The image's asset path (relative to the asset root: beside the scenario file).
    pub asset: String,
    /// What it shows, for a trainee who cannot see it; shown in its place until it loads or
    /// if it cannot be drawn.
    pub alt: String,
    /// The egui texture once Bevy has loaded the image, with its size in pixels.
    pub texture: Option<(egui::TextureId, [u32; 2])>,
}

/// A piece of a passage of text on an identify step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Span {
    /// Words to read.
    Text(String),
    /// A cue's words, marked by clicking: the index into the step's cues.
    Cue(usize),
    /// A paragraph break.
    Break,
}

/// A scene (or decision) the trainee has read, as an identify step shows it again so the
/// details can be marked in the text ("mark the words").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Passage {
    /// Who speaks.
    pub speaker: String,
    /// The text, with each cue the step offers as its own span.
    pub spans: Vec<Span>,
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
        /// The picture of the setting, when the scenario gives one.
        image: Option<SceneImageView>,
    },
    /// Flag the cues that concern you.
    Identify {
        /// The question.
        prompt: String,
        /// The scenes read so far that hold the cues, to mark them in the text.
        passages: Vec<Passage>,
        /// Cues seen so far: the summary list (and the number keys).
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
    /// An input waiting for a busy store: shown as given, with every other input held back
    /// until it is saved.
    pub saving: Option<Input>,
}

/// A scene's text with each `{cue}` replaced by the cue's words, and unplaced cues after it.
pub fn scene_text(text: &str, extra: &str, cues: &[&Cue]) -> String {
    let mut out = text.to_owned();
    let mut unplaced = Vec::new();
    if !extra.is_empty() {
        out.push_str("\n\n");
        out.push_str(extra);
    }
    for cue in cues {
        let marker = format!("{{{}}}", cue.id);
        if out.contains(&marker) {
            out = out.replace(&marker, &cue.text);
        } else {
            unplaced.push(cue.text.as_str());
        }
    }
    for cue in unplaced {
        out.push_str("\n\n");
        out.push_str(cue);
    }
    out
}

/// `text` split into words and the cues of `cues` placed in it by their `{id}` markers
/// (indices into `cues`); cues of `own` that have no marker follow as paragraphs of their own,
/// as [`scene_text`] places them.
pub fn spans(text: &str, own: &[&Cue], cues: &[CueItem]) -> Vec<Span> {
    let index = |id: &str| cues.iter().position(|c| c.id == id);
    let mut out = Vec::new();
    let words = |out: &mut Vec<Span>, text: &str| {
        for (n, paragraph) in text.split("\n\n").enumerate() {
            if n > 0 {
                out.push(Span::Break);
            }
            if !paragraph.is_empty() {
                out.push(Span::Text(paragraph.to_owned()));
            }
        }
    };
    let mut rest = text;
    let mut placed = Vec::new();
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else {
            break;
        };
        let id = &rest[open + 1..close];
        let Some(cue) = own.iter().find(|c| c.id == id) else {
            // Not one of this text's cues: kept as written, as `scene_text` keeps it.
            words(&mut out, &rest[..=close]);
            rest = &rest[close + 1..];
            continue;
        };
        words(&mut out, &rest[..open]);
        match index(id) {
            Some(i) => out.push(Span::Cue(i)),
            None => words(&mut out, &cue.text),
        }
        placed.push(id);
        rest = &rest[close + 1..];
    }
    words(&mut out, rest);
    for cue in own.iter().filter(|c| !placed.contains(&c.id.as_str())) {
        out.push(Span::Break);
        match index(&cue.id) {
            Some(i) => out.push(Span::Cue(i)),
            None => words(&mut out, &cue.text),
        }
    }
    // Neighbouring words were split at markers only; join them for fewer labels.
    let mut joined: Vec<Span> = Vec::new();
    for span in out {
        match (joined.last_mut(), span) {
            (Some(Span::Text(a)), Span::Text(b)) => a.push_str(&b),
            (_, span) => joined.push(span),
        }
    }
    joined
}

/// The scenes and decisions the trainee has read in this attempt that hold a cue of `cues`,
/// in the order read, each once (with the scene variant drawn).
pub fn passages(runner: &Runner, cues: &[CueItem]) -> Vec<Passage> {
    let scenario = &runner.scenario().scenario;
    let transcript = runner.transcript();
    let mut seen: Vec<&str> = Vec::new();
    let mut out = Vec::new();
    for step_id in &transcript.visited {
        if seen.contains(&step_id.as_str()) {
            continue;
        }
        seen.push(step_id);
        let Some(step) = scenario.step_index(step_id).map(|i| &scenario.steps[i]) else {
            continue;
        };
        let (speaker, text, own): (String, String, Vec<&Cue>) = match step {
            Step::Scene(scene) => {
                let variant = transcript
                    .variants
                    .iter()
                    .rev()
                    .find(|(s, _)| s == &scene.id)
                    .and_then(|(_, v)| scene.variants.iter().find(|sv| &sv.id == v));
                let mut text = scene.text.clone();
                let mut own: Vec<&Cue> = scene.cues.iter().collect();
                if let Some(v) = variant {
                    text.push_str("\n\n");
                    text.push_str(&v.text);
                    own.extend(v.cues.iter());
                }
                (
                    scene.speaker.clone().unwrap_or_else(|| "Narrator".into()),
                    text,
                    own,
                )
            }
            Step::Decision(d) if !d.cues.is_empty() => (
                d.speaker.clone().unwrap_or_else(|| "Narrator".into()),
                d.prompt.clone(),
                d.cues.iter().collect(),
            ),
            _ => continue,
        };
        let spans = spans(&text, &own, cues);
        if spans.iter().any(|s| matches!(s, Span::Cue(_))) {
            out.push(Passage { speaker, spans });
        }
    }
    out
}

/// The asset path of an image written `image` in the scenario whose asset path is `scenario`:
/// relative to the scenario file's folder, with `/` separators as Bevy's asset paths use.
pub fn image_asset(scenario: &str, image: &str) -> String {
    match scenario.rfind('/') {
        Some(slash) => format!("{}/{}", &scenario[..slash], image),
        None => image.to_owned(),
    }
}

/// The playing screen for the attempt under way.
pub fn view(attempt: &RecordedAttempt, notice: Option<String>, saving: Option<Input>) -> PlayView {
    let runner = attempt.runner();
    let scenario = &runner.scenario().scenario;
    let step = match runner.view() {
        View::Scene {
            scene,
            variant,
            cues,
        } => StepView::Scene {
            speaker: scene.speaker.clone().unwrap_or_else(|| "Narrator".into()),
            text: scene_text(&scene.text, variant.map_or("", |v| v.text.as_str()), &cues),
            image: scene.image.as_ref().map(|image| SceneImageView {
                asset: image_asset(&runner.scenario().file, &image.file),
                alt: image.alt.clone(),
                texture: None,
            }),
        },
        View::Identify { step, cues } => {
            let cues: Vec<CueItem> = cues
                .iter()
                .map(|c| CueItem {
                    id: c.cue.id.clone(),
                    text: c.cue.text.clone(),
                    flagged: c.flagged,
                })
                .collect();
            StepView::Identify {
                prompt: step.prompt.clone(),
                passages: passages(runner, &cues),
                cues,
            }
        }
        View::Decision {
            step,
            cues,
            options,
        } => StepView::Decision {
            speaker: step.speaker.clone(),
            prompt: scene_text(&step.prompt, "", &cues),
            options: options
                .iter()
                .map(|o| OptionItem {
                    id: o.option.id.clone(),
                    text: o.option.text.clone(),
                    locked: (!o.unlocked).then(|| {
                        o.option
                            .locked_reason
                            .clone()
                            .unwrap_or_else(|| "Not available yet.".into())
                    }),
                })
                .collect(),
        },
        View::Feedback { option, .. } => StepView::Feedback {
            chosen: option.text.clone(),
            feedback: option.feedback.clone(),
        },
        View::Finished { ending } => StepView::Feedback {
            chosen: ending.title.clone(),
            feedback: ending.text.clone(),
        },
    };
    PlayView {
        title: scenario.title.clone(),
        steps_done: runner.transcript().visited.len(),
        steps_total: scenario
            .steps
            .iter()
            .filter(|s| !matches!(s, Step::Ending(_)))
            .count(),
        step,
        notice,
        saving,
    }
}

impl PlayView {
    /// What is on screen, for [`crate::ui::frame::frame`]: each step (and the feedback after
    /// a decision) is its own screen, so nothing pressed on one acts on the next; flagging a
    /// cue stays on the same screen.
    pub fn on_screen(&self) -> egui::Id {
        let kind = match &self.step {
            StepView::Scene { .. } => "scene",
            StepView::Identify { .. } => "identify",
            StepView::Decision { .. } => "decision",
            StepView::Feedback { .. } => "feedback",
        };
        let chosen = match &self.step {
            StepView::Feedback { chosen, .. } => chosen.as_str(),
            _ => "",
        };
        egui::Id::new(("playing", &self.title, self.steps_done, kind, chosen))
    }
}

/// A scene's picture, as wide as the text column and at most two fifths of the screen's
/// height, with its alt text; the alt text alone until it has loaded.
fn scene_image(ui: &mut egui::Ui, image: &SceneImageView) {
    match image.texture {
        Some((texture, [w, h])) => {
            let most = egui::vec2(ui.available_width(), ui.ctx().content_rect().height() * 0.4);
            ui.add(
                egui::Image::new((texture, egui::vec2(w as f32, h as f32)))
                    .max_size(most)
                    .alt_text(&image.alt),
            )
            .on_hover_text(&image.alt);
        }
        None => {
            ui.label(egui::RichText::new(format!("Picture: {}", image.alt)).italics());
        }
    }
    ui.add_space(6.0);
}

/// A cue's words in a passage, underlined, highlighted when flagged, clicked (or Space or
/// Enter with the keyboard focus on it) to mark or unmark; true when clicked.
fn marked_words(ui: &mut egui::Ui, text: &str, flagged: bool, enabled: bool) -> bool {
    let mut words = egui::RichText::new(text).underline();
    if flagged {
        words = words
            .strong()
            .background_color(ui.visuals().selection.bg_fill);
    }
    let response = ui
        .add_enabled(enabled, egui::Label::new(words).sense(egui::Sense::click()))
        .on_hover_text(if flagged {
            "Flagged: click to unflag"
        } else {
            "Click to flag this detail"
        });
    response.clicked()
}

/// What the trainee reads after "Done flagging" with nothing flagged.
pub const NOTHING_FLAGGED: &str = "You have not flagged anything. If nothing in this scene concerns you, go on; otherwise flag the details that do.";

/// The playing screen: scene text, cues to flag, options (number keys), feedback.
pub fn widget(ui: &mut egui::Ui, view: &PlayView) -> Option<Intent> {
    let mut intent = None;
    crate::ui::frame::title_bar(ui, &view.title, |ui| {
        if ui.button("Save and leave").clicked() {
            intent = Some(Intent::Back);
        }
    });
    let progress = (view.steps_done as f32 / view.steps_total.max(1) as f32).clamp(0.0, 1.0);
    ui.add(egui::ProgressBar::new(progress).text(format!(
        "Step {} of about {}",
        view.steps_done, view.steps_total
    )));
    match (&view.notice, &view.saving) {
        (Some(notice), Some(_)) => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.colored_label(ui.visuals().warn_fg_color, notice);
            });
        }
        (Some(notice), None) => {
            ui.colored_label(ui.visuals().error_fg_color, notice);
        }
        (None, _) => {}
    }
    ui.separator();
    let waiting = view.saving.is_some();
    // While an input waits for the store, keys and clicks on the step are held back.
    let pressed = |ui: &egui::Ui, key| !waiting && input::shortcut(ui, key);
    let waiting_for = |input: Input| view.saving.as_ref() == Some(&input);
    // The answer waiting for the store says so on its own button.
    let label = |text: String, waiting_here: bool| {
        if waiting_here {
            format!("{text} — your answer, being saved")
        } else {
            text
        }
    };
    // "Done flagging" with nothing flagged asks first (remembered for this step only).
    let asking_id = ui.id().with("nothing flagged?");
    let nothing_flagged =
        matches!(&view.step, StepView::Identify { cues, .. } if !cues.iter().any(|c| c.flagged));
    let asking = nothing_flagged
        && ui.data(|d| {
            d.get_temp::<input::OnScreen<bool>>(asking_id)
                .is_some_and(|a| a.0)
        });
    let items = match &view.step {
        StepView::Identify { cues, .. } => cues.len(),
        StepView::Decision { options, .. } => options.len(),
        _ => 0,
    };
    let keys = input::ItemKeys::read(ui, items, !waiting && !asking);
    let mut ask = None;
    input::scroll_area(ui, "playing", |ui| match &view.step {
        StepView::Scene {
            speaker,
            text,
            image,
        } => {
            if let Some(image) = image {
                scene_image(ui, image);
            }
            ui.label(egui::RichText::new(speaker).italics());
            ui.label(text);
            ui.add_space(12.0);
            let button = egui::Button::new(label(
                "Continue (Enter)".into(),
                waiting_for(Input::Continue),
            ));
            if ui.add_enabled(!waiting, button).clicked() || pressed(ui, egui::Key::Enter) {
                intent = Some(Intent::Continue);
            }
        }
        StepView::Identify {
            prompt,
            passages,
            cues,
        } => {
            // A flag waiting to be saved shows as the trainee set it.
            let shown_flagged = |cue: &CueItem| {
                if waiting_for(Input::Flag(cue.id.clone())) {
                    true
                } else if waiting_for(Input::Unflag(cue.id.clone())) {
                    false
                } else {
                    cue.flagged
                }
            };
            let toggle = |cue: &CueItem| {
                if cue.flagged {
                    Intent::Unflag(cue.id.clone())
                } else {
                    Intent::Flag(cue.id.clone())
                }
            };
            ui.strong(prompt);
            if !passages.is_empty() {
                ui.label(
                    egui::RichText::new(
                        "Mark the details that concern you as you read: click an underlined passage (again to unmark it).",
                    )
                    .weak(),
                );
                for passage in passages {
                    ui.add_space(6.0);
                    ui.label(egui::RichText::new(&passage.speaker).italics());
                    // Each paragraph wraps on its own, with a blank line's space between, as
                    // the scene showed it.
                    for (n, paragraph) in
                        passage.spans.split(|span| *span == Span::Break).enumerate()
                    {
                        if n > 0 {
                            ui.add_space(ui.text_style_height(&egui::TextStyle::Body));
                        }
                        ui.horizontal_wrapped(|ui| {
                            ui.spacing_mut().item_spacing.x = 0.0;
                            for span in paragraph {
                                match span {
                                    Span::Text(text) => {
                                        ui.label(text);
                                    }
                                    Span::Break => {}
                                    Span::Cue(i) => {
                                        let Some(cue) = cues.get(*i) else { continue };
                                        if marked_words(ui, &cue.text, shown_flagged(cue), !waiting)
                                        {
                                            intent = Some(toggle(cue));
                                        }
                                    }
                                }
                            }
                        });
                    }
                }
                ui.add_space(10.0);
                ui.strong("Your flags");
            }
            ui.label(
                egui::RichText::new(format!(
                    "{} to flag or unflag it; Tab reaches any item, Space ticks it.",
                    keys.hint()
                ))
                .weak(),
            );
            ui.add_space(8.0);
            for (n, cue) in cues.iter().enumerate() {
                let mut flagged = shown_flagged(cue);
                let label = format!("{}. {}", keys.label(n), cue.text);
                let changed = ui
                    .add_enabled(!waiting, egui::Checkbox::new(&mut flagged, label))
                    .changed();
                if changed || keys.chosen == Some(n) {
                    intent = Some(toggle(cue));
                }
            }
            ui.add_space(12.0);
            if asking {
                ui.colored_label(ui.visuals().warn_fg_color, NOTHING_FLAGGED);
                ui.horizontal_wrapped(|ui| {
                    if ui.button("Go on without flagging (Enter)").clicked()
                        || pressed(ui, egui::Key::Enter)
                    {
                        intent = Some(Intent::Continue);
                        ask = Some(false);
                    }
                    if ui.button("Look again (Esc)").clicked()
                        || ui.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::Escape))
                    {
                        ask = Some(false);
                    }
                });
            } else {
                let button = egui::Button::new(label(
                    "Done flagging (Enter)".into(),
                    waiting_for(Input::Continue),
                ));
                if ui.add_enabled(!waiting, button).clicked() || pressed(ui, egui::Key::Enter) {
                    if nothing_flagged {
                        ask = Some(true);
                    } else {
                        intent = Some(Intent::Continue);
                    }
                }
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
            if options.len() > 9 {
                ui.label(egui::RichText::new(keys.hint()).strong());
            }
            ui.add_space(8.0);
            for (n, option) in options.iter().enumerate() {
                let text = format!("{}. {}", keys.label(n), option.text);
                let waiting_here = waiting_for(Input::Choose(option.id.clone()));
                let button = egui::Button::new(label(text, waiting_here))
                    .wrap()
                    .selected(waiting_here);
                let response = ui.add_enabled(option.locked.is_none() && !waiting, button);
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
                if option.locked.is_none() && (response.clicked() || keys.chosen == Some(n)) {
                    intent = Some(Intent::Choose(option.id.clone()));
                }
            }
        }
        StepView::Feedback { chosen, feedback } => {
            ui.label(egui::RichText::new(format!("You chose: {chosen}")).italics());
            ui.add_space(4.0);
            ui.label(feedback);
            ui.add_space(12.0);
            let button = egui::Button::new(label(
                "Continue (Enter)".into(),
                waiting_for(Input::Continue),
            ));
            if ui.add_enabled(!waiting, button).clicked() || pressed(ui, egui::Key::Enter) {
                intent = Some(Intent::Continue);
            }
        }
    });
    if let Some(ask) = ask {
        ui.data_mut(|d| d.insert_temp(asking_id, input::OnScreen(ask)));
    }
    if intent.is_none() && !waiting && input::key(ui, egui::Key::Escape) {
        intent = Some(Intent::Back);
    }
    intent
}

/// Scene pictures loaded so far, by asset path: kept for the session, so going back and forth
/// does not load a picture again.
#[derive(Default)]
struct SceneImages(std::collections::HashMap<String, Handle<Image>>);

#[allow(clippy::too_many_arguments)]
fn system(
    mut contexts: EguiContexts,
    session: Res<Session>,
    server: Res<AssetServer>,
    images: Res<Assets<Image>>,
    mut loaded: Local<SceneImages>,
    mut redraw: MessageWriter<bevy::window::RequestRedraw>,
    mut settings: ResMut<DisplaySettings>,
    mut actions: MessageWriter<TraineeAction>,
) -> Result {
    let Some(attempt) = &session.attempt else {
        return Ok(());
    };
    let mut view = view(
        attempt,
        session.notice.clone(),
        session.saving.as_ref().map(|s| s.input.clone()),
    );
    if let StepView::Scene {
        image: Some(image), ..
    } = &mut view.step
    {
        let handle = loaded
            .0
            .entry(image.asset.clone())
            .or_insert_with(|| server.load(image.asset.clone()))
            .clone();
        if let Some(picture) = images.get(&handle) {
            let size = picture.size();
            let texture = contexts.add_image(bevy_egui::EguiTextureHandle::Strong(handle));
            image.texture = Some((texture, [size.x, size.y]));
        } else if server.load_state(&handle).is_loading() {
            // The window draws only on input: draw again when the picture arrives.
            redraw.write(bevy::window::RequestRedraw);
        }
    }
    let ctx = contexts.ctx_mut()?;
    show(ctx, &mut settings, &mut actions, view.on_screen(), |ui| {
        widget(ui, &view)
    });
    Ok(())
}

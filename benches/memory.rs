//! Memory while playing: ten shipped scenarios played one after another through the app without a window, every screen drawn with egui as the window would, and the peak resident memory (VmHWM) printed after each, to show whether it grows per scenario.
//!
//! `cargo bench --profile ci --bench memory` (or `--profile release` for release figures; the
//! method and figures are in docs/performance.md). Linux only: it reads `/proc/self/status`.

use std::path::Path;

use bevy::prelude::*;
use silent_slavery::sim::{Results, ScenarioLibrary, Screen, Session, SignInAction, TraineeAction};
use silent_slavery::ui::DisplaySettings;
use silent_slavery::ui::screens::{debrief, home, playing};
use silent_slavery_scenario::model::catalog::Catalog;
use silent_slavery_scenario::play::runner::{Input, View};

#[path = "../tests/support/headless.rs"]
mod headless;
use headless::{app, screen, send};

/// Frames drawn per screen: a trainee's screen is redrawn on every pointer move.
const FRAMES_PER_SCREEN: usize = 5;

/// A line of `/proc/self/status` in kB (`VmHWM`, `VmRSS`); 0 where there is none.
fn status_kb(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

/// The textures egui asked the renderer to keep (id to bytes), as the window's renderer
/// would hold them on the GPU.
type Textures = std::collections::HashMap<egui::TextureId, usize>;

/// Draws `draw` as the window would: a full egui pass, tessellated, `FRAMES_PER_SCREEN` times.
fn draw_frames(ctx: &egui::Context, textures: &mut Textures, mut draw: impl FnMut(&egui::Context)) {
    for _ in 0..FRAMES_PER_SCREEN {
        let input = egui::RawInput {
            screen_rect: Some(egui::Rect::from_min_size(
                egui::Pos2::ZERO,
                egui::vec2(1366.0, 768.0),
            )),
            ..Default::default()
        };
        let mut output = ctx.run_ui(input, |ui| draw(ui.ctx()));
        for (id, deltas) in &output.textures_delta.set {
            for delta in deltas {
                if delta.pos.is_none() {
                    textures.insert(*id, delta.image.width() * delta.image.height() * 4);
                }
            }
        }
        for id in &output.textures_delta.free {
            textures.remove(id);
        }
        output.textures_delta.clear();
        let shapes = ctx.tessellate(output.shapes, output.pixels_per_point);
        std::hint::black_box(shapes);
    }
}

/// The input a trainee who takes the first option offered makes: flags nothing, goes on.
fn next_input(app: &App) -> Input {
    let session = app.world().resource::<Session>();
    let Some(attempt) = session.attempt.as_ref() else {
        return Input::Continue;
    };
    match attempt.runner().view() {
        View::Decision { options, .. } => options
            .iter()
            .find(|o| o.unlocked)
            .map_or(Input::Continue, |o| Input::Choose(o.option.id.clone())),
        _ => Input::Continue,
    }
}

fn main() {
    // `cargo bench` passes `--bench`; nothing to parse.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("results.sqlite3");
    let catalog = Catalog::embedded().expect("catalogue");
    let ctx = egui::Context::default();
    let mut settings = DisplaySettings::default();
    let mut textures = Textures::new();
    ctx.set_zoom_factor(settings.scale);

    let mut app = app(root, &db);
    let ids: Vec<String> = app
        .world()
        .resource::<ScenarioLibrary>()
        .playable()
        .iter()
        .map(|s| s.scenario.id.clone())
        .take(10)
        .collect();
    assert_eq!(ids.len(), 10, "ten shipped scenarios");
    send(
        &mut app,
        TraineeAction::SignIn(SignInAction::Open {
            staff_number: "4521".into(),
            name: "A. Example".into(),
            unit: "North".into(),
        }),
    );
    assert_eq!(screen(&app), Screen::Home);
    println!("scenario\tsteps\tVmHWM kB\tVmRSS kB\ttextures kB\tegui entries");
    println!(
        "signed in\t-\t{}\t{}",
        status_kb("VmHWM:"),
        status_kb("VmRSS:")
    );
    // More rounds (the same ten again, each a new attempt) show whether growth levels off.
    let rounds: usize = std::env::var("SILENT_SLAVERY_MEMORY_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(1);
    let mut peaks = Vec::new();
    for id in ids.iter().cycle().take(ids.len() * rounds) {
        {
            let world = app.world();
            let session = world.resource::<Session>();
            let library = world.resource::<ScenarioLibrary>();
            let store = world.resource::<Results>().0.lock().expect("store");
            let history = world.resource::<silent_slavery::sim::TraineeHistory>();
            let view = home::view(session, library, &store, history, &[], true, Vec::new());
            drop(store);
            draw_frames(&ctx, &mut textures, |ctx| {
                silent_slavery::ui::frame::frame(ctx, &mut settings, egui::Id::new("home"), |ui| {
                    home::widget(ui, &view)
                });
            });
        }
        send(&mut app, TraineeAction::Open(id.clone()));
        if screen(&app) == Screen::ContentWarning {
            send(&mut app, TraineeAction::AcceptWarning);
        }
        assert_eq!(screen(&app), Screen::Playing, "{id} opens");
        let mut steps = 0;
        while screen(&app) == Screen::Playing && steps < 500 {
            let view = {
                let session = app.world().resource::<Session>();
                playing::view(session.attempt.as_ref().expect("playing"), None, None)
            };
            draw_frames(&ctx, &mut textures, |ctx| {
                silent_slavery::ui::frame::frame(ctx, &mut settings, view.on_screen(), |ui| {
                    playing::widget(ui, &view)
                });
            });
            let input = next_input(&app);
            send(&mut app, TraineeAction::Input(input));
            steps += 1;
        }
        assert_eq!(screen(&app), Screen::Debrief, "{id} finishes");
        let view = {
            let session = app.world().resource::<Session>();
            debrief::view(session.finished.as_ref().expect("finished"), &catalog)
        };
        draw_frames(&ctx, &mut textures, |ctx| {
            silent_slavery::ui::frame::frame(ctx, &mut settings, egui::Id::new("debrief"), |ui| {
                debrief::widget(ui, &view)
            });
        });
        send(&mut app, TraineeAction::Back);
        assert_eq!(screen(&app), Screen::Home);
        let hwm = status_kb("VmHWM:");
        peaks.push(hwm);
        println!(
            "{id}\t{steps}\t{hwm}\t{}\t{}\t{}",
            status_kb("VmRSS:"),
            textures.values().sum::<usize>() / 1024,
            ctx.memory(|m| m.data.len())
        );
    }
    let first = peaks.first().copied().unwrap_or(0);
    let last = peaks.last().copied().unwrap_or(0);
    println!(
        "VmHWM after the first scenario {first} kB, after the last ({}) {last} kB: {} kB more over {} scenarios",
        peaks.len(),
        last.saturating_sub(first),
        peaks.len().saturating_sub(1)
    );
}

//! The statistics view, for trainers in author mode: one scenario's item analysis from the recorded attempts (as `silent-slavery stats` prints it), with a chart of facility and discrimination per decision and the option shares of a chosen decision, beside the audit's findings on the same scenario.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};
use egui_plot::{Bar, BarChart, Legend, Plot};
use silent_slavery_results::stats::{self, Figure, StatsReport};
use silent_slavery_scenario::analysis::audit;
use silent_slavery_scenario::load::diagnostic::Diagnostic;

use crate::sim::{CatalogResource, Results, ScenarioLibrary, Screen, SimConfig, TraineeAction};
use crate::ui::frame::{Chrome, author_tool_heading, frame_wide, scenario_picker};
use crate::ui::settings::DisplaySettings;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        EguiPrimaryContextPass,
        system.run_if(in_state(Screen::Statistics)).after(Chrome),
    );
}

/// What a trainer asked for on the statistics view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatisticsIntent {
    /// Back to the author preview.
    Back,
    /// Show this scenario (index in the list).
    Scenario(usize),
    /// Show this version of it (index in the list).
    Version(usize),
    /// Show this decision's options (index in the version's decisions).
    Decision(usize),
}

/// One decision's row.
#[derive(Debug, Clone, PartialEq)]
pub struct DecisionRow {
    /// The decision's step id.
    pub step: String,
    /// Finished attempts that reached it.
    pub reached: u64,
    /// Facility, 0–1.
    pub facility: Figure,
    /// Discrimination, −1–1.
    pub discrimination: Figure,
    /// Discriminative efficiency.
    pub efficiency: Figure,
    /// Median time to decide, seconds.
    pub median_seconds: Figure,
    /// Each flag's reason.
    pub flags: Vec<String>,
}

/// One option of the chosen decision.
#[derive(Debug, Clone, PartialEq)]
pub struct OptionRow {
    /// Option id.
    pub id: String,
    /// What the trainee reads.
    pub text: String,
    /// Points under the deciding ruleset.
    pub points: i64,
    /// Whether it is a best option.
    pub best: bool,
    /// Times chosen.
    pub chosen: u64,
    /// Share of the choices.
    pub share: Figure,
}

/// The statistics view's contents.
#[derive(Debug, Clone, PartialEq)]
pub struct StatisticsView {
    /// Scenario titles, in library order.
    pub scenarios: Vec<String>,
    /// The scenario shown.
    pub scenario: usize,
    /// Its versions with attempts: "v3 (a1b2c3d4e5f6): 120 finished".
    pub versions: Vec<String>,
    /// The version shown.
    pub version: usize,
    /// The version's summary, a line each (attempts, pass rate, score, time, endings).
    pub summary: Vec<String>,
    /// Its decisions.
    pub decisions: Vec<DecisionRow>,
    /// The decision whose options are shown.
    pub decision: usize,
    /// Its options.
    pub options: Vec<OptionRow>,
    /// The audit's findings on this scenario, rendered.
    pub audit: Vec<String>,
    /// Said instead of figures when there are none (no attempts, or the store failed).
    pub notice: Option<String>,
}

/// The view of `scenario`'s item analysis: `report` holds the scenario's versions (the
/// selection picked it), `version` and `decision` are indices into them (kept in range).
pub fn view(
    report: &StatsReport,
    scenarios: Vec<String>,
    scenario: usize,
    version: usize,
    decision: usize,
    audit: Vec<String>,
) -> StatisticsView {
    let mut out = StatisticsView {
        scenarios,
        scenario,
        versions: report
            .versions
            .iter()
            .map(|v| {
                format!(
                    "v{} ({}): {} finished",
                    v.version,
                    &v.content_hash[..v.content_hash.len().min(12)],
                    v.finished
                )
            })
            .collect(),
        version: 0,
        summary: Vec::new(),
        decisions: Vec::new(),
        decision: 0,
        options: Vec::new(),
        audit,
        notice: None,
    };
    let Some(v) = report
        .versions
        .get(version.min(report.versions.len().saturating_sub(1)))
    else {
        out.notice =
            Some("No attempts at this scenario are recorded in this results store yet.".into());
        return out;
    };
    out.version = version.min(report.versions.len() - 1);
    out.summary = vec![
        format!(
            "{} finished attempt(s), {} unfinished; passed {}; scaled score mean {}, SD {}; median time {}",
            v.finished,
            v.unfinished,
            v.pass_rate.percent(),
            v.mean_score.percent(),
            v.score_sd.percent(),
            v.median_seconds.seconds()
        ),
        format!(
            "Endings: {}",
            v.endings
                .iter()
                .map(|e| format!("{} {} ({})", e.title, e.share.percent(), e.count))
                .collect::<Vec<_>>()
                .join("; ")
        ),
        format!(
            "Points under {}. Shares, means and medians need {} attempts, correlations {}.",
            v.pass_ruleset,
            report.thresholds.min_attempts,
            report.thresholds.min_attempts_for_correlation
        ),
    ];
    out.decisions = v
        .decisions
        .iter()
        .map(|d| DecisionRow {
            step: d.step.clone(),
            reached: d.reached,
            facility: d.facility,
            discrimination: d.discrimination,
            efficiency: d.efficiency,
            median_seconds: d.median_seconds,
            flags: d.flags.iter().map(|f| f.reason()).collect(),
        })
        .collect();
    out.decision = decision.min(v.decisions.len().saturating_sub(1));
    if let Some(d) = v.decisions.get(out.decision) {
        out.options = d
            .options
            .iter()
            .map(|o| OptionRow {
                id: o.id.clone(),
                text: o.text.clone(),
                points: o.points,
                best: o.best,
                chosen: o.chosen,
                share: o.share,
            })
            .collect();
    }
    out
}

/// The audit's findings on one scenario file, rendered as warnings at file:line:col.
pub fn audit_of(findings: &[Diagnostic], file: &str) -> Vec<String> {
    findings
        .iter()
        .filter(|d| d.file == file)
        .map(|d| d.clone().as_warning().render())
        .collect()
}

/// Bars labelled by `labels` along the x axis, one grid mark per bar.
fn labelled_plot(id: &str, labels: Vec<String>, height: f32) -> Plot<'static> {
    Plot::new(id)
        .height(height)
        .x_grid_spacer(egui_plot::uniform_grid_spacer(|_| [1.0, 5.0, 10.0]))
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        // Shares and facility run from 0 to 1; discrimination below 0 widens the scale.
        .include_y(0.0)
        .include_y(1.0)
        .y_grid_spacer(egui_plot::uniform_grid_spacer(|_| [0.1, 0.5, 1.0]))
        .y_axis_formatter(|mark, _| format!("{:.1}", mark.value))
        .legend(Legend::default())
        .x_axis_formatter(move |mark, _| {
            let n = mark.value.round();
            if (mark.value - n).abs() < 1e-6 && n >= 0.0 {
                labels.get(n as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        })
}

/// Facility and discrimination per decision, side by side; a decision with too few
/// attempts has no bar (its row says why).
fn decision_chart(ui: &mut egui::Ui, decisions: &[DecisionRow]) {
    let bars = |offset: f64, figure: fn(&DecisionRow) -> Figure| -> Vec<Bar> {
        decisions
            .iter()
            .enumerate()
            .filter_map(|(n, d)| {
                figure(d)
                    .value()
                    .map(|v| Bar::new(n as f64 + offset, v).name(&d.step).width(0.35))
            })
            .collect()
    };
    let facility = bars(-0.18, |d| d.facility);
    let discrimination = bars(0.18, |d| d.discrimination);
    let labels = decisions.iter().map(|d| d.step.clone()).collect();
    labelled_plot("stats_decisions", labels, 200.0).show(ui, |plot| {
        plot.bar_chart(
            BarChart::new("Facility", facility).color(egui::Color32::from_rgb(40, 100, 180)),
        );
        plot.bar_chart(
            BarChart::new("Discrimination", discrimination)
                .color(egui::Color32::from_rgb(200, 120, 20)),
        );
    });
}

/// The chosen decision's option shares.
fn option_chart(ui: &mut egui::Ui, options: &[OptionRow]) {
    let bars: Vec<Bar> = options
        .iter()
        .enumerate()
        .filter_map(|(n, o)| {
            o.share
                .value()
                .map(|v| Bar::new(n as f64, v).name(&o.id).width(0.6))
        })
        .collect();
    let labels = options.iter().map(|o| o.id.clone()).collect();
    labelled_plot("stats_options", labels, 160.0).show(ui, |plot| {
        plot.bar_chart(
            BarChart::new("Share of choices", bars).color(egui::Color32::from_rgb(30, 130, 60)),
        );
    });
}

/// The statistics view: pick a scenario and version, see the figures per decision, click a
/// decision for its options; the audit's findings on the scenario alongside.
pub fn widget(ui: &mut egui::Ui, view: &StatisticsView) -> Option<StatisticsIntent> {
    let mut intent = None;
    if author_tool_heading(ui, "Statistics") {
        intent = Some(StatisticsIntent::Back);
    }
    ui.horizontal(|ui| {
        if let Some(n) = scenario_picker(ui, &view.scenarios, view.scenario) {
            intent = Some(StatisticsIntent::Scenario(n));
        }
        if !view.versions.is_empty() {
            egui::ComboBox::from_label("Version")
                .selected_text(view.versions.get(view.version).cloned().unwrap_or_default())
                .show_ui(ui, |ui| {
                    for (n, label) in view.versions.iter().enumerate() {
                        if ui.selectable_label(n == view.version, label).clicked() {
                            intent = Some(StatisticsIntent::Version(n));
                        }
                    }
                });
        }
    });
    ui.separator();
    egui::Panel::right("stats_audit")
        .resizable(true)
        .default_size(320.0)
        .show(ui, |ui| {
            ui.strong(format!(
                "Audit findings on this scenario: {}",
                view.audit.len()
            ));
            egui::ScrollArea::vertical()
                .id_salt("stats_audit_scroll")
                .show(ui, |ui| {
                    if view.audit.is_empty() {
                        ui.label("None: a trainee who knows nothing cannot pass it.");
                    }
                    for finding in &view.audit {
                        ui.monospace(finding);
                    }
                });
        });
    crate::ui::input::scroll_area(ui, "stats_main", |ui| {
        if let Some(notice) = &view.notice {
            ui.label(notice);
            return;
        }
        for line in &view.summary {
            ui.label(line);
        }
        ui.add_space(6.0);
        ui.strong("Facility and discrimination per decision");
        decision_chart(ui, &view.decisions);
        egui::Grid::new("stats_decision_rows")
            .striped(true)
            .show(ui, |ui| {
                for heading in [
                    "Decision",
                    "Reached",
                    "Facility",
                    "Discrimination",
                    "Efficiency",
                    "Median time",
                ] {
                    ui.strong(heading);
                }
                ui.end_row();
                for (n, d) in view.decisions.iter().enumerate() {
                    let label = if d.flags.is_empty() {
                        d.step.clone()
                    } else {
                        format!("{} ⚑{}", d.step, d.flags.len())
                    };
                    if ui
                        .selectable_label(n == view.decision, label)
                        .on_hover_text("Show this decision's options")
                        .clicked()
                    {
                        intent = Some(StatisticsIntent::Decision(n));
                    }
                    ui.label(d.reached.to_string());
                    ui.label(d.facility.percent());
                    ui.label(d.discrimination.decimal());
                    ui.label(d.efficiency.percent());
                    ui.label(d.median_seconds.seconds());
                    ui.end_row();
                }
            });
        if let Some(d) = view.decisions.get(view.decision) {
            ui.add_space(6.0);
            ui.strong(format!("Options of {}: share of the choices", d.step));
            option_chart(ui, &view.options);
            egui::Grid::new("stats_option_rows")
                .striped(true)
                .show(ui, |ui| {
                    for o in &view.options {
                        ui.label(if o.best {
                            format!("{} (best)", o.id)
                        } else {
                            o.id.clone()
                        });
                        ui.label(format!("{:+}", o.points));
                        ui.label(o.share.percent());
                        ui.label(format!("{} chosen", o.chosen));
                        ui.label(egui::RichText::new(&o.text).weak());
                        ui.end_row();
                    }
                });
            for flag in &d.flags {
                ui.colored_label(ui.visuals().warn_fg_color, format!("Flag: {flag}"));
            }
        }
    });
    intent
}

/// What the view keeps between frames: the selection, and the figures and findings worked
/// out once per visit (reading the store each frame would be far too slow).
#[derive(Default)]
struct StatisticsState {
    scenario: usize,
    version: Option<usize>,
    decision: usize,
    report: Option<(String, Result<StatsReport, String>)>,
    findings: Option<Vec<Diagnostic>>,
}

#[allow(clippy::too_many_arguments)]
fn system(
    mut contexts: EguiContexts,
    library: Res<ScenarioLibrary>,
    catalog: Res<CatalogResource>,
    results: Res<Results>,
    config: Res<SimConfig>,
    screen: Res<State<Screen>>,
    mut state: Local<StatisticsState>,
    mut settings: ResMut<DisplaySettings>,
    mut actions: MessageWriter<TraineeAction>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let scenarios = library.playable();
    if scenarios.is_empty() {
        return Ok(());
    }
    // Each visit reads the store afresh: attempts may have been played since.
    if screen.is_changed() || library.is_changed() {
        state.report = None;
        state.findings = None;
    }
    state.scenario = state.scenario.min(scenarios.len() - 1);
    let loaded = &scenarios[state.scenario];
    let id = loaded.scenario.id.clone();
    if state.report.as_ref().is_none_or(|(shown, _)| *shown != id) {
        let selection = stats::Selection {
            scenario: Some(&id),
            ..stats::Selection::default()
        };
        let report = match results.0.lock() {
            Ok(store) => stats::analyse(&store, &catalog.0, &selection, |_, _| {})
                .map_err(|e| format!("The results store could not be read: {e}")),
            Err(_) => Err("The results store is unavailable; restart the app.".to_owned()),
        };
        state.report = Some((id.clone(), report));
    }
    if state.findings.is_none() {
        state.findings = Some(
            audit::audit(scenarios.iter().map(|s| &**s), &catalog.0)
                .diagnostics(|file| std::fs::read_to_string(config.asset_root.join(file)).ok()),
        );
    }
    let audit = audit_of(state.findings.as_deref().unwrap_or_default(), &loaded.file);
    let titles = scenarios.iter().map(|s| s.scenario.title.clone()).collect();
    let view = match state.report.as_ref().map(|(_, r)| r) {
        Some(Ok(report)) => {
            // The newest version unless the trainer picked another.
            let newest = report.versions.len().saturating_sub(1);
            view(
                report,
                titles,
                state.scenario,
                state.version.unwrap_or(newest),
                state.decision,
                audit,
            )
        }
        Some(Err(message)) => StatisticsView {
            scenarios: titles,
            scenario: state.scenario,
            versions: Vec::new(),
            version: 0,
            summary: Vec::new(),
            decisions: Vec::new(),
            decision: 0,
            options: Vec::new(),
            audit,
            notice: Some(message.clone()),
        },
        None => return Ok(()),
    };
    match frame_wide(ctx, &mut settings, egui::Id::new("statistics"), |ui| {
        widget(ui, &view)
    }) {
        Some(StatisticsIntent::Back) => {
            actions.write(TraineeAction::AuthorPreview);
        }
        Some(StatisticsIntent::Scenario(n)) => {
            *state = StatisticsState {
                scenario: n,
                findings: state.findings.take(),
                ..StatisticsState::default()
            };
        }
        Some(StatisticsIntent::Version(n)) => {
            state.version = Some(n);
            state.decision = 0;
        }
        Some(StatisticsIntent::Decision(n)) => state.decision = n,
        None => {}
    }
    Ok(())
}

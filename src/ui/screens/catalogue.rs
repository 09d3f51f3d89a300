//! The catalogue reference in author mode: every rule and indicator, searchable, with what upholding and breaching a rule look like, its partners, each indicator's weight and definition, and the scenarios that use each (as `silent-slavery catalog` prints them).

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};
use silent_slavery_scenario::analysis::coverage::is_template;
use silent_slavery_scenario::analysis::reference::Reference;

use crate::sim::{CatalogResource, ScenarioLibrary, Screen, TraineeAction};
use crate::ui::frame::{Chrome, show};
use crate::ui::intent::Intent;
use crate::ui::settings::DisplaySettings;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        EguiPrimaryContextPass,
        system.run_if(in_state(Screen::Catalogue)).after(Chrome),
    );
}

/// One entry as the screen shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryRow {
    /// The id to copy into a scenario.
    pub id: String,
    /// "Rule, silent-slavery-2003, Rec 4: Protection not conditional on evidence", and so on.
    pub heading: String,
    /// What it says, a line each.
    pub lines: Vec<String>,
}

/// The catalogue screen's contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogueView {
    /// The entries matching the search, rules first, then indicators and red herrings.
    pub entries: Vec<EntryRow>,
    /// How many entries there are in all.
    pub total: usize,
}

fn used(ids: &std::collections::BTreeSet<String>) -> String {
    if ids.is_empty() {
        "no scenario".to_owned()
    } else {
        ids.iter().cloned().collect::<Vec<_>>().join(", ")
    }
}

/// The entries of `reference` matching `query` (every word, case ignored).
pub fn view(reference: &Reference, query: &str) -> CatalogueView {
    let found = reference.search(query);
    let mut entries = Vec::new();
    for r in &found.rules {
        let mut lines = vec![
            format!("Asks: {}", r.text),
            format!("Upholding: {}", r.upholding),
            format!("Breaching: {}", r.breaching),
        ];
        if let Some(today) = &r.current_practice {
            lines.push(format!("Today: {today}"));
        }
        let partners: Vec<String> = r
            .partners
            .iter()
            .map(|p| {
                let roles: Vec<&str> = p.roles.iter().map(|g| g.label()).collect();
                format!("{} ({}; for {})", p.rule, p.title, roles.join(", "))
            })
            .collect();
        lines.push(format!(
            "Partners: {}",
            if partners.is_empty() {
                "none".to_owned()
            } else {
                partners.join("; ")
            }
        ));
        if !r.scored {
            lines.push("Not scored: not a trainee decision; options cannot name it.".to_owned());
        }
        lines.push(format!(
            "Upheld in: {}. Breached in: {}.",
            used(&r.upheld_in),
            used(&r.breached_in)
        ));
        entries.push(EntryRow {
            id: r.id.clone(),
            heading: format!("Rule, {}, {}: {}", r.ruleset, r.label, r.title),
            lines,
        });
    }
    for i in &found.indicators {
        entries.push(EntryRow {
            id: i.id.clone(),
            heading: format!(
                "Indicator, {:?} ({} points), {}: {}",
                i.weight, i.points, i.category_name, i.name
            ),
            lines: vec![
                i.definition.clone(),
                format!(
                    "Sources: {}",
                    i.sources
                        .iter()
                        .map(|(code, _)| code.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                format!("Used in: {}.", used(&i.used_in)),
            ],
        });
    }
    for c in &found.cautions {
        entries.push(EntryRow {
            id: c.id.clone(),
            heading: format!("Red herring: {}", c.name),
            lines: vec![
                c.why_not_alone.clone(),
                format!("Used in: {}.", used(&c.used_in)),
            ],
        });
    }
    CatalogueView {
        entries,
        total: reference.rules.len() + reference.indicators.len() + reference.cautions.len(),
    }
}

/// The catalogue: a search box and the matching entries, each id selectable to copy.
pub fn widget(ui: &mut egui::Ui, view: &CatalogueView, query: &mut String) -> Option<Intent> {
    let mut intent = None;
    ui.horizontal(|ui| {
        ui.heading("Catalogue: rules and indicators");
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui.button("Back to the author preview").clicked()
                || ui.input(|i| i.key_pressed(egui::Key::Escape))
            {
                intent = Some(Intent::AuthorPreview);
            }
        });
    });
    ui.horizontal(|ui| {
        ui.label("Search");
        ui.add(
            egui::TextEdit::singleline(query)
                .hint_text("words in an id, title or definition, e.g. interpreter")
                .desired_width(360.0),
        );
    });
    ui.label(
        egui::RichText::new(format!("{} of {} entries", view.entries.len(), view.total)).weak(),
    );
    ui.separator();
    crate::ui::input::scroll_area(ui, "catalogue", |ui| {
        for entry in &view.entries {
            ui.add(
                egui::Label::new(egui::RichText::new(&entry.id).monospace().strong())
                    .selectable(true),
            );
            ui.label(egui::RichText::new(&entry.heading).italics());
            for line in &entry.lines {
                ui.label(line);
            }
            ui.separator();
        }
        if view.entries.is_empty() {
            ui.label("Nothing matches: try fewer words.");
        }
    });
    intent
}

fn system(
    mut contexts: EguiContexts,
    library: Res<ScenarioLibrary>,
    catalog: Res<CatalogResource>,
    mut reference: Local<Option<Reference>>,
    mut query: Local<String>,
    mut settings: ResMut<DisplaySettings>,
    mut actions: MessageWriter<TraineeAction>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    if library.is_changed() || reference.is_none() {
        let scenarios: Vec<_> = library
            .playable()
            .iter()
            .filter(|s| !is_template(&s.file))
            .map(|s| (**s).clone())
            .collect();
        *reference = Some(Reference::of(&catalog.0, &scenarios));
    }
    let Some(reference) = reference.as_ref() else {
        return Ok(());
    };
    let view = view(reference, &query);
    show(
        ctx,
        &mut settings,
        &mut actions,
        egui::Id::new("catalogue"),
        |ui| widget(ui, &view, &mut query),
    );
    Ok(())
}

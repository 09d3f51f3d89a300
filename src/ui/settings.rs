//! Display settings: text size and high contrast kept with each trainee in the results store (applied at sign-in, saved on change), the workstation's own for the sign-in screen, and the unit last signed in with.

use std::path::PathBuf;

use bevy::prelude::*;
use serde::{Deserialize, Serialize};
use silent_slavery_results::attempt::DisplayPreferences;

use crate::sim::{Results, Session};

/// Display settings in force. Outside a trainee's session they are the workstation's, saved as
/// RON in the platform's config folder; while a trainee is signed in they are the trainee's,
/// kept in the results store ([`plugin`]).
#[derive(Resource, Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DisplaySettings {
    /// Text and widget scale, 0.8–2.0.
    pub scale: f32,
    /// The high-contrast theme.
    pub high_contrast: bool,
    /// The unit last signed in with on this workstation.
    pub unit: String,
    /// Where the settings are saved; none in tests.
    #[serde(skip)]
    pub file: Option<PathBuf>,
}

impl Default for DisplaySettings {
    fn default() -> Self {
        DisplaySettings {
            scale: 1.25,
            high_contrast: false,
            unit: String::new(),
            file: None,
        }
    }
}

impl DisplaySettings {
    /// The settings file in the platform config folder.
    pub fn default_file() -> Option<PathBuf> {
        directories::ProjectDirs::from("uk.org", "Silent Slavery", "silent-slavery-trainer")
            .map(|d| d.config_dir().join("display.ron"))
    }

    /// Loads from `file`, or the defaults when it is missing or unreadable (a bad settings
    /// file must not stop a trainee).
    pub fn load(file: Option<PathBuf>) -> DisplaySettings {
        let mut settings = file
            .as_ref()
            .and_then(|f| std::fs::read_to_string(f).ok())
            .and_then(|t| ron::from_str::<DisplaySettings>(&t).ok())
            .unwrap_or_default();
        settings.scale = settings.scale.clamp(0.8, 2.0);
        settings.file = file;
        settings
    }

    /// Saves to its file, if it has one; failures are logged, never fatal.
    pub fn save(&self) {
        let Some(file) = &self.file else { return };
        let text = match ron::ser::to_string_pretty(self, ron::ser::PrettyConfig::default()) {
            Ok(text) => text,
            Err(e) => return warn!("display settings not saved: {e}"),
        };
        if let Some(dir) = file.parent()
            && let Err(e) = std::fs::create_dir_all(dir)
        {
            return warn!("display settings not saved: {e}");
        }
        if let Err(e) = std::fs::write(file, text) {
            warn!("display settings not saved: {e}");
        }
    }

    /// One step larger (`+1`) or smaller (`-1`).
    pub fn step(&mut self, direction: i8) {
        self.scale = (self.scale + 0.1 * f32::from(direction)).clamp(0.8, 2.0);
    }

    /// The text size and contrast, as the store keeps them.
    pub fn preferences(&self) -> DisplayPreferences {
        DisplayPreferences {
            text_scale: self.scale,
            high_contrast: self.high_contrast,
        }
    }

    /// Puts `preferences` in force (the scale held to what the app offers).
    pub fn apply(&mut self, preferences: DisplayPreferences) {
        self.scale = preferences.text_scale.clamp(0.8, 2.0);
        self.high_contrast = preferences.high_contrast;
    }
}

/// Display settings and where they are kept; headless, so the app without a window (and its
/// tests) keeps them too.
pub fn plugin(app: &mut App) {
    app.init_resource::<DisplaySettings>()
        .add_systems(PostUpdate, keep_with_trainee);
}

/// Whose settings are in force and what was last saved for them.
#[derive(Default)]
struct Kept {
    /// The signed-in trainee's staff number, `None` for the workstation.
    who: Option<String>,
    /// The workstation's settings while a trainee has the screen, put back at sign-out.
    workstation: Option<DisplayPreferences>,
    /// What was last loaded or saved, to save only a change.
    saved: Option<DisplayPreferences>,
}

/// Applies a trainee's kept settings when they sign in (one with none kept starts from what the
/// sign-in screen showed, and keeps it), saves any change to them while signed in, puts the
/// workstation's back at sign-out, and saves the workstation's own changes to its file. Store
/// failures are logged: a trainee is never stopped for their text size.
fn keep_with_trainee(
    session: Res<Session>,
    results: Option<Res<Results>>,
    mut settings: ResMut<DisplaySettings>,
    mut kept: Local<Kept>,
) {
    let who = session.trainee.as_ref().map(|t| t.staff_number.clone());
    let now = settings.preferences();
    if who != kept.who {
        match &who {
            Some(staff_number) => {
                // Switching straight from one trainee to another still restores the
                // workstation's at sign-out, not the first trainee's.
                if kept.who.is_none() {
                    kept.workstation = Some(now);
                }
                let stored = results.as_ref().and_then(|r| match r.0.lock() {
                    Ok(store) => store
                        .display_preferences(staff_number)
                        .map_err(|e| warn!("display settings of {staff_number} not read: {e}"))
                        .ok()
                        .flatten(),
                    Err(_) => None,
                });
                match stored {
                    Some(theirs) => settings.apply(theirs),
                    // A first sign-in keeps what they may have just set on the sign-in screen.
                    None => save_for(results.as_deref(), staff_number, now),
                }
            }
            None => {
                if let Some(workstation) = kept.workstation.take() {
                    settings.apply(workstation);
                }
            }
        }
        kept.who = who;
        kept.saved = Some(settings.preferences());
        return;
    }
    if kept.saved == Some(now) {
        return;
    }
    match &kept.who {
        Some(staff_number) => save_for(results.as_deref(), staff_number, now),
        None => settings.save(),
    }
    kept.saved = Some(now);
}

/// Saves `preferences` for the trainee; a failure is logged.
fn save_for(results: Option<&Results>, staff_number: &str, preferences: DisplayPreferences) {
    let Some(results) = results else { return };
    let saved = match results.0.lock() {
        Ok(store) => store
            .set_display_preferences(staff_number, &preferences)
            .map_err(|e| e.to_string()),
        Err(_) => Err("the store is unusable after a panic".to_owned()),
    };
    if let Err(e) = saved {
        warn!("display settings of {staff_number} not saved: {e}");
    }
}

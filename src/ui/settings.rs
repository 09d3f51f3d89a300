//! Display settings a trainee changes and the workstation remembers: text size, high contrast, and the unit last signed in with.

use std::path::PathBuf;

use bevy::prelude::*;
use serde::{Deserialize, Serialize};

/// Display settings, saved as RON in the platform's config folder.
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
}

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<DisplaySettings>();
}

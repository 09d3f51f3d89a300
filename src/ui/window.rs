//! The window opened within the screen: sized from the monitor it opens on (never wider or taller than its work area) and centred.

use bevy::prelude::*;
use bevy::window::{Monitor, PrimaryMonitor, PrimaryWindow, WindowPosition};

/// The size the window asks for on a large screen, in logical pixels.
pub const PREFERRED: Vec2 = Vec2::new(1280.0, 800.0);

/// The smallest window the layout is made for (logical pixels): a 1024×600 netbook screen
/// less its panels.
pub const SMALLEST: Vec2 = Vec2::new(800.0, 540.0);

/// Share of the screen the window may take: room for a taskbar, a top panel and the title bar.
const SHARE: Vec2 = Vec2::new(0.94, 0.88);

pub(super) fn plugin(app: &mut App) {
    app.add_systems(Update, fit_to_monitor);
}

/// The window size for a monitor of `screen` logical pixels: [`PREFERRED`], shrunk to fit
/// within the screen's usable share, and never below [`SMALLEST`] unless the screen itself
/// is smaller.
pub fn fitted_size(screen: Vec2) -> Vec2 {
    let room = screen * SHARE;
    PREFERRED.min(room).max(SMALLEST.min(screen)).round()
}

/// Sizes and centres the primary window once the primary monitor is known (winit reports
/// monitors after the window opens), so a 1366×768 screen shows the whole window, the
/// display settings along its bottom included.
fn fit_to_monitor(
    monitors: Query<&Monitor, With<PrimaryMonitor>>,
    mut windows: Query<&mut Window, With<PrimaryWindow>>,
    mut done: Local<bool>,
) {
    if *done {
        return;
    }
    let (Some(monitor), Ok(mut window)) = (monitors.iter().next(), windows.single_mut()) else {
        return;
    };
    let scale = monitor.scale_factor.max(0.5) as f32;
    let screen = Vec2::new(
        monitor.physical_width as f32,
        monitor.physical_height as f32,
    ) / scale;
    let size = fitted_size(screen);
    window.resolution.set(size.x, size.y);
    // Placed from the new size: `Centered` would be worked out from the size the window
    // opened at and leave the larger one running off the screen.
    let corner =
        monitor.physical_position.as_vec2() + ((screen - size) / 2.0).max(Vec2::ZERO) * scale;
    window.position = WindowPosition::At(corner.round().as_ivec2());
    info!(
        "window {}x{} on a {}x{} screen",
        size.x, size.y, screen.x, screen.y
    );
    *done = true;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_fits_within_every_common_screen() {
        for (w, h) in [
            (1366.0, 768.0),
            (1024.0, 600.0),
            (1280.0, 720.0),
            (1920.0, 1080.0),
            (2560.0, 1440.0),
            (800.0, 600.0),
        ] {
            let screen = Vec2::new(w, h);
            let size = fitted_size(screen);
            assert!(size.x <= w && size.y <= h, "{size} on a {w}x{h} screen");
        }
        assert_eq!(fitted_size(Vec2::new(1920.0, 1080.0)), PREFERRED);
        // The 768-pixel screen of the issue: the window leaves room for the panels.
        let on_768 = fitted_size(Vec2::new(1366.0, 768.0));
        assert!(on_768.y <= 680.0 && on_768.x == 1280.0, "{on_768}");
        assert_eq!(
            fitted_size(Vec2::new(1024.0, 600.0)),
            Vec2::new(963.0, 540.0)
        );
    }
}

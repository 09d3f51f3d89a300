//! The graphics fallback in a real window under Xvfb: with the Vulkan driver hidden the app starts on OpenGL (Mesa through EGL) and takes a sign-in; with OpenGL hidden too it exits with one plain message naming both backends and what to install.

use std::path::Path;
use std::process::Command;

#[path = "support/window.rs"]
mod window;
use window::{Display, RunningApp, open_workstation};

/// Hides every Vulkan driver from the Vulkan loader.
const NO_VULKAN: &str = "/nonexistent/vulkan_icd.json";
/// Hides every EGL vendor library from libglvnd.
const NO_EGL: &str = "/nonexistent/egl_vendor.json";

#[test]
fn without_vulkan_the_app_starts_on_opengl_and_takes_a_sign_in() {
    if !window::tools_present() {
        return;
    }
    let work = tempfile::tempdir().expect("temp dir");
    let db = work.path().join("results.sqlite3");
    let workstation = open_workstation(work.path());
    let display = Display::start();
    let app = RunningApp::start(
        &display,
        &db,
        work.path(),
        &[
            ("SILENT_SLAVERY_WORKSTATION", &workstation),
            ("VK_ICD_FILENAMES", Path::new(NO_VULKAN)),
        ],
    );
    assert!(
        app.log().contains("graphics: OpenGL ("),
        "the app's log:\n{}",
        app.log()
    );
    display.fill_in(&[("4521", "Tab"), ("A. Example", "Tab"), ("North", "Return")]);
    let signed_in = window::trainee_recorded(&db, "4521", 20);
    assert!(
        signed_in,
        "the sign-in was not taken; the app's log:\n{}",
        app.log()
    );
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&shots).expect("screenshot folder");
    std::thread::sleep(std::time::Duration::from_secs(1));
    display.screenshot(&shots.join("home-opengl.png"));
    assert!(
        !app.log().contains("panicked"),
        "the app's log:\n{}",
        app.log()
    );
}

#[test]
fn with_neither_vulkan_nor_opengl_the_app_says_what_it_tried_and_what_to_install() {
    if !window::tools_present() {
        return;
    }
    let work = tempfile::tempdir().expect("temp dir");
    let workstation = open_workstation(work.path());
    let display = Display::start();
    let out = Command::new(env!("CARGO_BIN_EXE_silent-slavery"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("DISPLAY", &display.name)
        .env_remove("WAYLAND_DISPLAY")
        .env_remove("WGPU_BACKEND")
        .env("SILENT_SLAVERY_DB", work.path().join("results.sqlite3"))
        .env("SILENT_SLAVERY_WORKSTATION", &workstation)
        .env("XDG_CONFIG_HOME", work.path().join("config"))
        .env("XDG_DATA_HOME", work.path().join("data"))
        .env("VK_ICD_FILENAMES", NO_VULKAN)
        .env("__EGL_VENDOR_LIBRARY_FILENAMES", NO_EGL)
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains(
            "error: the app could not start its graphics: it tried Vulkan (no Vulkan driver answered), then OpenGL through EGL (no OpenGL driver could be loaded)."
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("`apt-get install mesa-vulkan-drivers` for Vulkan, or `apt-get install libegl1 libgl1-mesa-dri` for OpenGL"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

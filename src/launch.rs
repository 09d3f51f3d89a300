//! Starting the desktop app: where its scenarios and results are, the learning record store it sends to in the background, and a plain message when the machine has no usable graphics.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use silent_slavery_results::store::Store;
use silent_slavery_results::xapi::outbox;
use silent_slavery_results::xapi::statements::XapiConfig;
use silent_slavery_scenario::model::catalog::Catalog;

/// Starts the desktop app on the scenarios in `scenarios` (else `scenarios/` in the current
/// folder, else beside the program).
///
/// # Errors
/// No display, an unusable store path, no scenarios folder where it looked, a damaged
/// workstation configuration or LRS settings.
pub fn run_app(
    catalog: Arc<Catalog>,
    db: Option<&Path>,
    scenarios: Option<&Path>,
    author: bool,
) -> Result<ExitCode> {
    #[cfg(target_os = "linux")]
    if std::env::var_os("DISPLAY").is_none() && std::env::var_os("WAYLAND_DISPLAY").is_none() {
        bail!(
            "no graphical display (neither DISPLAY nor WAYLAND_DISPLAY is set): the app needs a desktop session; the command line works without one (silent-slavery --help)"
        );
    }
    plain_graphics_failures();
    if let Err(e) = silent_slavery::shutdown::install_handler() {
        eprintln!(
            "note: Ctrl+C, SIGTERM and SIGHUP keep the handling the app was started with ({e})"
        );
    }
    let db = Store::resolve_path(db)?;
    // The scenarios folder is the asset root, so the file watcher (on with `--author`) watches
    // it alone, not the whole repository.
    let asset_root = scenarios_folder(scenarios)?;
    let (workstation, from) = silent_slavery_results::identity::Workstation::load()?;
    match &from {
        Some(file) => eprintln!(
            "identity: {} (from {})",
            workstation.identity.identified_by().as_str(),
            file.display()
        ),
        None => eprintln!("identity: staff number and PIN (no workstation configuration)"),
    }
    // Settings are checked before the graphics are started, so a mistake in them is the one
    // message the operator reads.
    let lrs = background_sync()?;
    let renderer = match silent_slavery::graphics::choose() {
        Ok(renderer) => renderer,
        Err(no_graphics) => {
            eprintln!("error: {no_graphics}");
            return Ok(ExitCode::from(3));
        }
    };
    eprintln!("graphics: {}", renderer.backend);
    let exit = silent_slavery::app::run(
        silent_slavery::app::AppOptions {
            asset_root,
            db,
            settings_file: silent_slavery::ui::DisplaySettings::default_file(),
            author,
            catalog,
            lrs,
            identity: workstation.identity,
            os_account: whoami::username().ok(),
        },
        renderer,
    )
    .context("starting the app")?;
    Ok(match exit {
        bevy::app::AppExit::Success => ExitCode::SUCCESS,
        bevy::app::AppExit::Error(code) => ExitCode::from(code.get()),
    })
}

/// The scenarios folder the app plays: the one named, else `scenarios/` in the current folder
/// (as the README's command runs it), else `scenarios/` beside the program (installed).
///
/// # Errors
/// When the folder named, or both defaults, do not exist: a trainee would otherwise face an
/// empty home screen with no reason given.
fn scenarios_folder(named: Option<&Path>) -> Result<PathBuf> {
    if let Some(dir) = named {
        if !dir.is_dir() {
            bail!(
                "the scenarios folder {} does not exist or is not a folder (--scenarios or SILENT_SLAVERY_SCENARIOS)",
                dir.display()
            );
        }
        // Bevy reads a relative asset root from beside the program, not the current folder.
        return Ok(std::path::absolute(dir)?);
    }
    let here = std::env::current_dir()?.join("scenarios");
    let beside = std::env::current_exe()?
        .parent()
        .map(|dir| dir.join("scenarios"));
    match beside {
        _ if here.is_dir() => Ok(here),
        Some(beside) if beside.is_dir() => Ok(beside),
        beside => bail!(
            "no scenarios folder: looked in {}{}; run the app from the folder that holds scenarios/, or name it with --scenarios DIR (or SILENT_SLAVERY_SCENARIOS)",
            here.display(),
            beside
                .map(|b| format!(" and beside the program, {}", b.display()))
                .unwrap_or_default()
        ),
    }
}

/// The LRS the app sends to in the background, when SILENT_SLAVERY_LRS,
/// SILENT_SLAVERY_LRS_USER, SILENT_SLAVERY_LRS_PASSWORD_FILE and
/// SILENT_SLAVERY_XAPI_HOME_PAGE are all set (docs/operations.md).
fn background_sync() -> Result<Option<silent_slavery::app::BackgroundSync>> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let Some(endpoint) = var("SILENT_SLAVERY_LRS") else {
        return Ok(None);
    };
    let (user, password_file, home_page) = (
        var("SILENT_SLAVERY_LRS_USER"),
        var("SILENT_SLAVERY_LRS_PASSWORD_FILE"),
        var("SILENT_SLAVERY_XAPI_HOME_PAGE"),
    );
    let (Some(user), Some(password_file), Some(home_page)) = (&user, &password_file, &home_page)
    else {
        let missing: Vec<&str> = [
            ("SILENT_SLAVERY_LRS_USER", &user),
            ("SILENT_SLAVERY_LRS_PASSWORD_FILE", &password_file),
            ("SILENT_SLAVERY_XAPI_HOME_PAGE", &home_page),
        ]
        .into_iter()
        .filter(|(_, value)| value.is_none())
        .map(|(name, _)| name)
        .collect();
        bail!(
            "SILENT_SLAVERY_LRS is set, so the app would send results there, but {} {} not set (docs/operations.md, \"Connecting a learning record store\")",
            missing.join(" and "),
            if missing.len() == 1 { "is" } else { "are" }
        );
    };
    let password = std::fs::read_to_string(&password_file)
        .with_context(|| format!("reading the password file {password_file}"))?;
    let key_file = var("SILENT_SLAVERY_XAPI_PSEUDONYMISE_KEY_FILE").map(PathBuf::from);
    let config = XapiConfig::from_settings(
        Some(home_page.clone()),
        var("SILENT_SLAVERY_XAPI_ACTIVITY_BASE"),
        key_file.as_deref(),
    )?;
    let minutes: u64 = match var("SILENT_SLAVERY_LRS_SYNC_MINUTES") {
        None => 5,
        Some(m) => m.trim().parse().with_context(|| {
            format!("SILENT_SLAVERY_LRS_SYNC_MINUTES is {m:?}: give a whole number of minutes")
        })?,
    };
    Ok(Some(silent_slavery::app::BackgroundSync {
        config,
        lrs: outbox::Lrs::new(
            &endpoint,
            user,
            password.trim_end_matches(['\r', '\n']),
            outbox::Backoff::default(),
        )?,
        interval: std::time::Duration::from_secs(minutes.max(1) * 60),
    }))
}

/// Turns the renderer's panics on a machine with no usable graphics into a plain message:
/// a trainee or their IT desk should read what to install, not a backtrace.
fn plain_graphics_failures() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        if message.contains("Unable to find a GPU")
            || message.contains("Failed to build event loop")
        {
            eprintln!(
                "error: the app could not start its graphics: no usable graphics adapter or display was found.\n\
                 Check that the app runs in a desktop session (DISPLAY is set). On a workstation without a GPU, install Mesa's software drivers: on Debian and Ubuntu, mesa-vulkan-drivers for Vulkan, or libegl1 and libgl1-mesa-dri for OpenGL.\n\
                 The command line works without graphics: silent-slavery --help"
            );
            std::process::exit(3);
        }
        default(info);
    }));
}

//! Ends the app promptly on Ctrl+C, SIGTERM or SIGHUP (a logout, a shutdown, an operator's `kill`), even while its reactive window sleeps between events.
//!
//! Bevy's own handler (`TerminalCtrlCHandlerPlugin`) only raises a flag that a system reads on
//! the next update, and a reactive window that is not focused waits up to a minute for one; a
//! session ending would then kill the app instead of letting it close its store. This handler
//! raises the same flag and wakes the event loop. Every input is committed when it is made, so
//! nothing recorded depends on this; it keeps the exit clean and on time.

use std::sync::OnceLock;

use bevy::app::TerminalCtrlCHandlerPlugin;
use bevy::prelude::*;
use bevy::winit::{EventLoopProxy, EventLoopProxyWrapper, WinitUserEvent};

/// The running app's event loop, once it exists, for the signal handler to wake.
static EVENT_LOOP: OnceLock<EventLoopProxy<WinitUserEvent>> = OnceLock::new();

/// Installs the signal handler. Call it as the app starts, before the graphics and the window
/// (which take most of a second): a signal meanwhile raises the flag, and the first update
/// exits.
///
/// # Errors
/// When SIGINT, SIGTERM or SIGHUP already has a handler or is ignored (started by `nohup` or
/// as a script's background job): they then keep that handling, and SIGTERM ends the app at
/// once, as it would have for whoever started it.
pub fn install_handler() -> Result<(), ctrlc::Error> {
    ctrlc::try_set_handler(|| {
        // The first signal asks for a clean exit; a second one exits at once.
        TerminalCtrlCHandlerPlugin::gracefully_exit();
        if let Some(proxy) = EVENT_LOOP.get() {
            // A closed event loop means the app is already leaving.
            let _ = proxy.send_event(WinitUserEvent::WakeUp);
        }
    })
}

/// Gives the handler ([`install_handler`]) the event loop to wake, and adds the system that
/// turns its flag into [`AppExit`] (code 130, whichever signal it was).
///
/// Add it after Bevy's `WinitPlugin` (which makes the event loop) and with Bevy's
/// `TerminalCtrlCHandlerPlugin` disabled: a process has one handler. A signal before the first
/// update is not lost: the flag is read in every update, the first included.
pub fn plugin(app: &mut App) {
    if let Some(proxy) = app.world().get_resource::<EventLoopProxyWrapper>() {
        let _ = EVENT_LOOP.set((**proxy).clone());
    }
    app.add_systems(Update, TerminalCtrlCHandlerPlugin::exit_on_flag);
}

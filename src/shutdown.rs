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

/// Installs the handler and the system that turns its flag into [`AppExit`] (code 130, whichever
/// signal it was).
///
/// Add it after Bevy's `WinitPlugin` (which makes the event loop) and with Bevy's
/// `TerminalCtrlCHandlerPlugin` disabled: a process has one handler. A signal before the first
/// update is not lost: the flag is read in every update, the first included.
pub fn plugin(app: &mut App) {
    if let Some(proxy) = app.world().get_resource::<EventLoopProxyWrapper>() {
        let _ = EVENT_LOOP.set((**proxy).clone());
    }
    if let Err(e) = ctrlc::try_set_handler(|| {
        // The first signal asks for a clean exit; a second one exits at once.
        TerminalCtrlCHandlerPlugin::gracefully_exit();
        if let Some(proxy) = EVENT_LOOP.get() {
            // A closed event loop means the app is already leaving.
            let _ = proxy.send_event(WinitUserEvent::WakeUp);
        }
    }) {
        // Started with these signals ignored (nohup, a background job): they stay ignored,
        // and SIGTERM ends the app at once, as it did for whoever started it.
        info!("Ctrl+C, SIGTERM and SIGHUP keep the handling the app was started with: {e}");
    }
    app.add_systems(Update, TerminalCtrlCHandlerPlugin::exit_on_flag);
}

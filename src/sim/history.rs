//! The signed-in trainee's finished attempts on other workstations, fetched from the learning record store in the background at sign-in, never holding up the screen; offline, the app goes on with this workstation's store and says so.

use std::sync::Mutex;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::Duration;

use bevy::prelude::*;
use silent_slavery_results::attempt::AttemptRecord;
use silent_slavery_results::xapi::outbox::{Backoff, Lrs};
use silent_slavery_results::xapi::read;
use silent_slavery_results::xapi::statements::XapiConfig;

use super::Session;

/// The learning record store the trainee's history is read from (the one the app sends
/// to); without it the app shows this workstation's results alone.
#[derive(Resource, Clone)]
pub struct HistorySource {
    /// The LRS.
    pub lrs: Lrs,
    /// The settings statements are sent with (which statements are this product's, and
    /// how trainees are named in them).
    pub config: XapiConfig,
    /// Tries and timeout of each page: short, so an offline LRS is reported soon.
    pub backoff: Backoff,
}

impl HistorySource {
    /// A source with the app's back-off: two tries, 10 seconds each.
    pub fn new(lrs: Lrs, config: XapiConfig) -> HistorySource {
        HistorySource {
            lrs,
            config,
            backoff: Backoff {
                tries: 2,
                first_wait: Duration::from_millis(500),
                timeout: Duration::from_secs(10),
            },
        }
    }
}

/// Where the trainee's history from other workstations stands.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum HistoryState {
    /// No LRS is configured: this workstation's results are all there is.
    #[default]
    NoLrs,
    /// Being read from the LRS.
    Fetching,
    /// Read: how many finished attempts the LRS holds for the trainee.
    Fetched(usize),
    /// The LRS could not be read; why.
    Offline(String),
}

/// The signed-in trainee's finished attempts as the LRS holds them.
#[derive(Resource, Debug, Default)]
pub struct TraineeHistory {
    /// Whose history this is.
    pub staff_number: Option<String>,
    /// Where the fetch stands.
    pub state: HistoryState,
    /// Their finished attempts in the LRS (this workstation's among them).
    pub attempts: Vec<AttemptRecord>,
}

/// Fetch results coming back from background threads: (staff number, attempts or why not).
type Fetched = (String, Result<Vec<AttemptRecord>, String>);

#[derive(Resource)]
struct Inbox {
    sender: Sender<Fetched>,
    receiver: Mutex<Receiver<Fetched>>,
}

pub(super) fn plugin(app: &mut App) {
    let (sender, receiver) = channel();
    app.init_resource::<TraineeHistory>()
        .insert_resource(Inbox {
            sender,
            receiver: Mutex::new(receiver),
        })
        .add_systems(Update, (start_fetch, receive).chain());
}

/// On sign-in (a new trainee in the session), starts reading their history on a thread of
/// its own; on sign-out, forgets it.
fn start_fetch(
    session: Res<Session>,
    source: Option<Res<HistorySource>>,
    inbox: Res<Inbox>,
    mut history: ResMut<TraineeHistory>,
) {
    if !session.is_changed() {
        return;
    }
    let staff = session.trainee.as_ref().map(|t| t.staff_number.clone());
    if staff == history.staff_number {
        return;
    }
    *history = TraineeHistory {
        staff_number: staff.clone(),
        ..TraineeHistory::default()
    };
    let (Some(staff), Some(source)) = (staff, source) else {
        return;
    };
    history.state = HistoryState::Fetching;
    let sender = inbox.sender.clone();
    let source = source.clone();
    std::thread::spawn(move || {
        let fetched = read::history_from_lrs(&source.lrs, &source.config, &staff, source.backoff)
            .map(|(attempts, _)| attempts)
            .map_err(|e| e.to_string());
        // The app may have closed meanwhile: nobody to tell.
        let _ = sender.send((staff, fetched));
    });
}

/// Takes what the background reads found, for the trainee still signed in.
fn receive(inbox: Res<Inbox>, mut history: ResMut<TraineeHistory>) {
    let Ok(receiver) = inbox.receiver.lock() else {
        return;
    };
    while let Ok((staff, fetched)) = receiver.try_recv() {
        if history.staff_number.as_deref() != Some(staff.as_str()) {
            continue;
        }
        match fetched {
            Ok(attempts) => {
                history.state = HistoryState::Fetched(attempts.len());
                history.attempts = attempts;
            }
            Err(why) => {
                warn!("the trainee's history could not be read from the LRS: {why}");
                history.state = HistoryState::Offline(why);
                history.attempts.clear();
            }
        }
    }
}

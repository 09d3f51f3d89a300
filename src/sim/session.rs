//! The trainee's session: sign in, open, play and leave scenarios, every input recorded before the screen moves on.

use std::sync::Arc;

use bevy::prelude::*;
use silent_slavery_results::attempt::{ChangedVersionChoice, IdentifiedBy, Trainee};
use silent_slavery_results::record::{RecordError, RecordedAttempt};
use silent_slavery_results::store::Store;
use silent_slavery_scenario::load::loaded::LoadedScenario;
use silent_slavery_scenario::play::runner::Input;
use silent_slavery_scenario::play::score::{AttemptScore, Transcript};
use uuid::Uuid;

use super::sign_in::{SignInAction, SignInStage};
use super::{CatalogResource, Results, ScenarioLibrary, Screen, SimConfig};

/// Something the trainee did. The UI sends these; the session acts on them.
#[derive(Message, Debug, Clone, PartialEq, Eq)]
pub enum TraineeAction {
    /// A step of signing in (src/sim/sign_in.rs acts on it).
    SignIn(SignInAction),
    /// Sign out.
    SignOut,
    /// Open a scenario by id: its content warning first, if it has one; an unfinished
    /// attempt at it is resumed instead of starting a new one.
    Open(String),
    /// Start a scenario afresh even if an attempt at it is unfinished (that one stays
    /// saved, and can no longer be resumed from the home screen).
    StartAgain(String),
    /// Go on past the content warning.
    AcceptWarning,
    /// Resume an unfinished attempt by id.
    Resume(Uuid),
    /// An input to the attempt being played.
    Input(Input),
    /// Go back: from the warning or the debrief to the home screen; from a scenario, save
    /// and leave (it can be resumed).
    Back,
    /// Open the author preview.
    AuthorPreview,
    /// Move a damaged results store aside to a dated name and start a new one.
    SetAsideStore,
    /// Close the app.
    Quit,
    /// Open another trainers' screen (the catalogue or the step graph); refused unless the
    /// app runs with trainers' tools.
    AuthorTool(Screen),
    /// Open the statistics view (author mode).
    Statistics,
    /// On the "scenario changed" screen: finish the version started, or start again on the
    /// new one (both recorded).
    ChangedScenario(ChangedVersionChoice),
}

/// An unfinished attempt whose scenario has been edited since it started: the trainee is
/// asked how to go on before anything else happens to it.
#[derive(Debug, Clone)]
pub struct ChangedScenario {
    /// The attempt.
    pub attempt: Uuid,
    /// When it started, UTC.
    pub started_at: time::OffsetDateTime,
    /// The version it started on.
    pub started_version: u32,
    /// The scenario as it is now.
    pub current: Arc<LoadedScenario>,
}

/// An attempt that has just finished, for the debrief.
#[derive(Debug, Clone)]
pub struct FinishedAttempt {
    /// The attempt id.
    pub id: Uuid,
    /// The scenario as played.
    pub scenario: Arc<LoadedScenario>,
    /// Its score.
    pub score: AttemptScore,
    /// What happened.
    pub transcript: Transcript,
}

/// The signed-in trainee and what they are doing.
#[derive(Resource, Default)]
pub struct Session {
    /// Who is signed in.
    pub trainee: Option<Trainee>,
    /// Where a sign-in has got to.
    pub sign_in: SignInStage,
    /// How they were identified (stamped on every attempt they start).
    pub identified_by: Option<IdentifiedBy>,
    /// The scenario waiting behind its content warning.
    pub pending: Option<Arc<LoadedScenario>>,
    /// The attempt being played.
    pub attempt: Option<RecordedAttempt>,
    /// The attempt just finished.
    pub finished: Option<FinishedAttempt>,
    /// A message for the trainee (why something did not happen).
    pub notice: Option<String>,
    /// An input waiting for a busy store: kept, and saved the moment the store is free.
    pub saving: Option<PendingSave>,
    /// The attempt waiting for the trainee's choice on a changed scenario.
    pub changed: Option<ChangedScenario>,
}

/// An input the store was too busy to take, tried again with back-off (docs/operations.md,
/// "A busy store").
#[derive(Debug, Clone, PartialEq)]
pub struct PendingSave {
    /// The input, exactly as the trainee gave it.
    pub input: Input,
    /// Tries so far (the first included).
    pub tries: u32,
    /// When to try next, in seconds of the app's real-time clock.
    pub next_try: f64,
}

impl PendingSave {
    /// Seconds between tries: a quarter of a second, doubling up to four.
    pub fn delay(tries: u32) -> f64 {
        (0.25 * 2f64.powi(tries.saturating_sub(1).min(4) as i32)).min(4.0)
    }
}

/// What the trainee reads while an input waits for a busy store.
pub const BUSY_SAVING: &str = "Saving… The results store is busy: another program (a report, an export or a backup) is using it. Your answer is kept on this screen and will be saved as soon as the store is free; you do not need to do anything.";

/// What the trainee reads when signing in or starting could not wait for a busy store.
pub const BUSY_TRY_AGAIN: &str = "The results store is busy: another program (a report, an export or a backup) is using it. Nothing was lost; try again in a moment.";

/// How long one try at the store may wait for another program's lock: short, so the screen
/// never freezes; the input is tried again later instead.
pub const APP_BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_millis(150);

pub(super) fn plugin(app: &mut App) {
    if let Some(results) = app.world().get_resource::<Results>()
        && let Ok(store) = results.0.lock()
        && let Err(e) = store.set_busy_timeout(APP_BUSY_TIMEOUT)
    {
        warn!("could not shorten the store's busy timeout: {e}");
    }
    app.add_message::<TraineeAction>()
        .init_resource::<Session>()
        .add_systems(Update, (act, retry_save.after(act)));
}

/// Tries a waiting input again when its time comes.
fn retry_save(mut session: ResMut<Session>, results: Res<Results>, time: Res<Time<Real>>) {
    let now = time.elapsed_secs_f64();
    let Some(pending) = session.saving.clone() else {
        return;
    };
    if now < pending.next_try {
        return;
    }
    let Ok(store) = results.0.lock() else {
        return;
    };
    save(&mut session, &store, &pending.input, pending.tries, now);
}

fn new_seed() -> u64 {
    Uuid::new_v4().as_u64_pair().0
}

fn act(
    mut actions: MessageReader<TraineeAction>,
    mut session: ResMut<Session>,
    results: Res<Results>,
    catalog: Res<CatalogResource>,
    library: Res<ScenarioLibrary>,
    screen: Res<State<Screen>>,
    config: Res<SimConfig>,
    time: Res<Time<Real>>,
    damaged: Option<Res<super::DamagedStore>>,
    mut next: ResMut<NextState<Screen>>,
) {
    // Until a damaged store is dealt with, the app takes nothing else (nothing could be
    // kept: the session runs on an empty store in memory).
    if damaged.is_some() {
        actions.clear();
        return;
    }
    let Ok(store) = results.0.lock() else {
        session.notice = Some("The results store is unavailable; restart the app.".into());
        return;
    };
    let mut at = *screen.get();
    let now = time.elapsed_secs_f64();
    for action in actions.read() {
        let goto = match action {
            TraineeAction::SignIn(_) => None,
            TraineeAction::SignOut => {
                *session = Session::default();
                Some(Screen::SignIn)
            }
            TraineeAction::Open(id) if unfinished(&session, &store, id).is_some() => {
                let attempt = unfinished(&session, &store, id).unwrap_or_default();
                resume_or_ask(&mut session, &store, &catalog, &library, attempt)
            }
            TraineeAction::StartAgain(id) | TraineeAction::Open(id) => match library.scenario(id) {
                None => {
                    session.notice = Some(format!("The scenario `{id}` is not available."));
                    None
                }
                Some(scenario) if scenario.scenario.content_warning.is_some() => {
                    session.pending = Some(scenario);
                    Some(Screen::ContentWarning)
                }
                Some(scenario) => start(&mut session, &store, &catalog, scenario),
            },
            TraineeAction::AcceptWarning => match session.pending.take() {
                Some(scenario) => start(&mut session, &store, &catalog, scenario),
                None => Some(Screen::Home),
            },
            TraineeAction::Resume(id) => {
                resume_or_ask(&mut session, &store, &catalog, &library, *id)
            }
            TraineeAction::ChangedScenario(choice) => match session.changed.take() {
                Some(changed) => {
                    go_on_after_change(&mut session, &store, &catalog, changed, *choice)
                }
                None => None,
            },
            // One input at a time: while one waits for the store, others are not taken (a
            // double click or a held key must not jump ahead of it).
            TraineeAction::Input(_) if session.saving.is_some() => None,
            TraineeAction::Input(input) => play(&mut session, &store, input, now),
            TraineeAction::AuthorPreview => {
                (config.author && session.trainee.is_some()).then_some(Screen::Author)
            }
            // The damaged store's own system acts on these.
            TraineeAction::SetAsideStore | TraineeAction::Quit => None,
            TraineeAction::AuthorTool(tool) => (config.author
                && session.trainee.is_some()
                && matches!(tool, Screen::Catalogue | Screen::Graph))
            .then_some(*tool),
            TraineeAction::Statistics => {
                (config.author && session.trainee.is_some()).then_some(Screen::Statistics)
            }
            TraineeAction::Back => {
                session.pending = None;
                session.changed = None;
                session.finished = None;
                // The attempt is already saved input by input: leaving loses nothing but an
                // input still waiting for a busy store, which the trainee chose to leave.
                session.attempt = None;
                session.saving = None;
                (at != Screen::SignIn).then_some(Screen::Home)
            }
        };
        if let Some(screen) = goto {
            at = screen;
            next.set(screen);
        }
    }
}

/// The signed-in trainee's newest unfinished attempt at a scenario.
fn unfinished(session: &Session, store: &Store, scenario: &str) -> Option<Uuid> {
    let staff = &session.trainee.as_ref()?.staff_number;
    store
        .unfinished(staff)
        .ok()?
        .into_iter()
        .find(|a| a.scenario_id == scenario)
        .map(|a| a.id)
}

fn start(
    session: &mut Session,
    store: &Store,
    catalog: &CatalogResource,
    scenario: Arc<LoadedScenario>,
) -> Option<Screen> {
    let staff = session.trainee.as_ref()?.staff_number.clone();
    let identified_by = session.identified_by.unwrap_or(IdentifiedBy::Open);
    match RecordedAttempt::start(
        store,
        &staff,
        identified_by,
        scenario,
        Arc::clone(&catalog.0),
        new_seed(),
    ) {
        Ok((attempt, _)) => {
            session.attempt = Some(attempt);
            session.finished = None;
            session.notice = None;
            Some(Screen::Playing)
        }
        Err(RecordError::NotSaved(e)) if e.is_busy() => {
            session.notice = Some(BUSY_TRY_AGAIN.into());
            Some(Screen::Home)
        }
        Err(e) => {
            session.notice = Some(format!("The scenario could not start: {e}"));
            Some(Screen::Home)
        }
    }
}

/// Resumes an attempt, unless its scenario has been edited since it started and the trainee
/// has not yet said how to go on: then the "scenario changed" screen asks, since the
/// attempt would otherwise go on, silently, on a version the trainer has replaced.
fn resume_or_ask(
    session: &mut Session,
    store: &Store,
    catalog: &CatalogResource,
    library: &ScenarioLibrary,
    id: Uuid,
) -> Option<Screen> {
    let record = match store.attempt(id) {
        Ok(record) => record,
        Err(e) if e.is_busy() => {
            session.notice = Some(BUSY_TRY_AGAIN.into());
            return None;
        }
        Err(e) => {
            session.notice = Some(format!("The attempt could not be resumed: {e}"));
            return None;
        }
    };
    let current = library
        .scenario(&record.scenario_id)
        .filter(|now| now.content_hash() != record.content_hash);
    let owned = session
        .trainee
        .as_ref()
        .is_some_and(|t| t.staff_number == record.staff_number);
    let undecided = matches!(store.changed_version_choice(id), Ok(None));
    match current {
        Some(current) if owned && undecided => {
            session.changed = Some(ChangedScenario {
                attempt: id,
                started_at: record.started_at,
                started_version: record.scenario_version,
                current,
            });
            session.notice = None;
            Some(Screen::ScenarioChanged)
        }
        _ => resume(session, store, catalog, id),
    }
}

/// Acts on the trainee's choice for an attempt whose scenario changed, and records it.
fn go_on_after_change(
    session: &mut Session,
    store: &Store,
    catalog: &CatalogResource,
    changed: ChangedScenario,
    choice: ChangedVersionChoice,
) -> Option<Screen> {
    let at = time::OffsetDateTime::now_utc();
    let restarted_as = match choice {
        ChangedVersionChoice::FinishStarted => None,
        ChangedVersionChoice::StartNew => {
            let screen = start(session, store, catalog, Arc::clone(&changed.current));
            match &session.attempt {
                Some(attempt) => Some(attempt.id),
                // Not started (a busy store): nothing recorded, the question comes back.
                None => return screen,
            }
        }
    };
    if let Err(e) = store.record_changed_version_choice(changed.attempt, choice, restarted_as, at) {
        // The new attempt (if any) is recorded; only the note of the choice is missing.
        warn!(
            "could not record the choice for attempt {}: {e}",
            changed.attempt
        );
    }
    match choice {
        ChangedVersionChoice::FinishStarted => resume(session, store, catalog, changed.attempt),
        ChangedVersionChoice::StartNew => Some(Screen::Playing),
    }
}

fn resume(
    session: &mut Session,
    store: &Store,
    catalog: &CatalogResource,
    id: Uuid,
) -> Option<Screen> {
    let staff = session.trainee.as_ref()?.staff_number.clone();
    match store.resume(id, Arc::clone(&catalog.0)) {
        // One trainee's screens never show another's attempts.
        Ok(resumed) if resumed.record.staff_number == staff => {
            session.attempt = Some(RecordedAttempt::resumed(
                id,
                resumed.runner,
                resumed.next_seq,
            ));
            session.notice = None;
            Some(Screen::Playing)
        }
        Ok(_) => {
            session.notice = Some("That attempt belongs to someone else.".into());
            None
        }
        Err(e) if e.is_busy() => {
            session.notice = Some(BUSY_TRY_AGAIN.into());
            None
        }
        Err(e) => {
            session.notice = Some(format!("The attempt could not be resumed: {e}"));
            None
        }
    }
}

fn play(session: &mut Session, store: &Store, input: &Input, now: f64) -> Option<Screen> {
    save(session, store, input, 0, now)
}

/// Applies and saves an input (try number `tries + 1`); a busy store keeps it waiting.
fn save(
    session: &mut Session,
    store: &Store,
    input: &Input,
    tries: u32,
    now: f64,
) -> Option<Screen> {
    let attempt = session.attempt.as_mut()?;
    match attempt.apply(store, input) {
        Ok(_) => {
            session.notice = None;
            session.saving = None;
            if attempt.runner().is_finished() {
                let runner = attempt.runner();
                session.finished = Some(FinishedAttempt {
                    id: attempt.id,
                    scenario: Arc::clone(runner.scenario()),
                    score: runner.score(),
                    transcript: runner.transcript().clone(),
                });
                session.attempt = None;
                return Some(Screen::Debrief);
            }
            None
        }
        // An input that does not fit the step (a stale click) changes nothing.
        Err(RecordError::Refused(_)) => {
            session.saving = None;
            None
        }
        Err(RecordError::NotSaved(e)) if e.is_busy() => {
            session.saving = Some(PendingSave {
                input: input.clone(),
                tries: tries + 1,
                next_try: now + PendingSave::delay(tries + 1),
            });
            session.notice = Some(BUSY_SAVING.into());
            None
        }
        Err(RecordError::NotSaved(e)) => {
            session.saving = None;
            session.notice = Some(format!(
                "Your answer could not be saved, so nothing changed; try again. ({e})"
            ));
            None
        }
    }
}

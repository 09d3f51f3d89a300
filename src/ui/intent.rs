//! What a trainee can ask for on any screen: the one type every widget returns.

/// What the trainee asked for on a screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Intent {
    /// A step of signing in.
    SignIn(crate::sim::SignInAction),
    /// Sign out.
    SignOut,
    /// Open a scenario by id (resuming an unfinished attempt at it).
    Open(String),
    /// Start a scenario afresh although an attempt at it is unfinished.
    StartAgain(String),
    /// Resume an unfinished attempt.
    Resume(String),
    /// Go on past the content warning.
    AcceptWarning,
    /// Go back a screen.
    Back,
    /// Flag a cue.
    Flag(String),
    /// Take a flag back.
    Unflag(String),
    /// Choose an option.
    Choose(String),
    /// Move on.
    Continue,
    /// Make text larger (+1) or smaller (-1).
    TextSize(i8),
    /// Switch the high-contrast theme.
    ToggleContrast,
    /// Open the author preview.
    AuthorPreview,
    /// Open the statistics view (author mode).
    Statistics,
    /// In the author preview, show this scenario (by index).
    PreviewScenario(usize),
    /// In the author preview, show this step (by index).
    PreviewStep(usize),
    /// Move a damaged results store aside and start a new one.
    SetAsideStore,
    /// Close the app.
    Quit,
    /// In author mode, open the catalogue of rules and indicators.
    Catalogue,
    /// In author mode, open the step graph.
    StepGraph,
    /// The scenario of an unfinished attempt changed: finish the version started, or start
    /// again on the new one.
    ChangedScenario(silent_slavery_results::attempt::ChangedVersionChoice),
}

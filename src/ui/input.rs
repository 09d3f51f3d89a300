//! Input that records what the trainee meant: clicks however long the pointer rested, no click or key carried over into the next screen, held keys acting once, Enter doing one thing, items beyond 9 reached by two digits, and every scrollable screen scrolled by keyboard with the focus kept in view.

use std::time::Instant;

use bevy::prelude::*;
use bevy_egui::{EguiInput, EguiPreUpdateSet, egui};

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        PreUpdate,
        true_clock
            .after(EguiPreUpdateSet::ProcessInput)
            .before(EguiPreUpdateSet::BeginPass),
    );
}

/// egui's clock as the wall clock says, at the moment the input is handed over.
///
/// bevy_egui stamps input with `Time<Real>`, which Bevy takes from the end of the *previous*
/// frame's rendering. A reactive window sleeps between inputs, so after the pointer rested on
/// a button for a second the press was stamped a second early and egui took the 100 ms click
/// for a 1.1 s press, too long to be a click: the trainee's click was lost.
fn true_clock(mut clock: Local<Option<Instant>>, mut inputs: Query<&mut EguiInput>) {
    let start = *clock.get_or_insert_with(Instant::now);
    let now = start.elapsed().as_secs_f64();
    for mut input in &mut inputs {
        input.time = Some(now);
    }
}

/// Keys that act (choose, flag, go on, leave): a held one acts once, so its repeats are dropped.
fn acts(key: egui::Key) -> bool {
    use egui::Key::*;
    matches!(
        key,
        Enter
            | Space
            | Escape
            | Num0
            | Num1
            | Num2
            | Num3
            | Num4
            | Num5
            | Num6
            | Num7
            | Num8
            | Num9
    )
}

/// Makes this frame's input mean what the trainee did; call before anything is drawn.
///
/// A press held any length of time and released where it started is a click (egui's 0.8 s
/// limit lost slow clicks), and the auto-repeats of a held action key are dropped.
pub fn begin_frame(ctx: &egui::Context) {
    if ctx.options(|o| o.input_options.max_click_duration.is_finite()) {
        ctx.options_mut(|o| o.input_options.max_click_duration = f64::INFINITY);
    }
    ctx.input_mut(|i| {
        i.events
            .retain(|e| !matches!(e, egui::Event::Key { key, repeat: true, .. } if acts(*key)));
    });
}

/// Something a screen remembers between frames (in egui's memory, under an id inside the
/// screen), forgotten when another screen comes: every step of a scenario is a screen of its
/// own, so memory kept per screen would pile up over a session.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OnScreen<T>(pub T);

/// Forgets what earlier screens kept: their scroll positions and [`OnScreen`] values. Each
/// screen then starts at its top, and a session's memory does not grow with the steps played
/// (docs/performance.md, "Memory while playing").
fn forget_earlier_screens(ctx: &egui::Context) {
    ctx.data_mut(|d| {
        d.remove_by_type::<egui::containers::scroll_area::State>();
        d.remove_by_type::<OnScreen<usize>>();
        d.remove_by_type::<OnScreen<bool>>();
        d.remove_by_type::<OnScreen<Option<egui::Id>>>();
    });
}

/// What the guard remembers between frames (egui's temporary memory).
#[derive(Clone, Copy, Debug)]
struct GuardState {
    /// What is on screen.
    screen: egui::Id,
    /// The first frame it was drawn in.
    first_pass: u64,
    /// Whether the pointer press under way started on this screen, after it was drawn.
    press_counts: bool,
    /// The screen the first click of a double or triple click landed on.
    series_screen: egui::Id,
    /// Whether a widget had the keyboard focus when the last frame ended.
    focused_at_end: bool,
}

/// Holds back what the trainee did not do on the screen in front of them: a click whose press,
/// or whose double click, began on an earlier screen, and a key pressed in the frame that
/// first drew this screen (before the trainee could see it).
#[derive(Debug)]
pub struct Guard {
    pointer_ok: bool,
    keys_ok: bool,
    released: bool,
}

impl Guard {
    /// Reads this frame's input against `screen` (what is on screen: each step of a scenario
    /// is its own). A screen seen for the first time takes the keyboard focus from whatever
    /// had it, so a focused button cannot carry into a new screen.
    pub fn begin(ctx: &egui::Context, screen: egui::Id) -> Guard {
        let id = egui::Id::new("silent-slavery input guard");
        let pass = ctx.cumulative_pass_nr();
        let mut state = ctx
            .data(|d| d.get_temp::<GuardState>(id))
            .unwrap_or(GuardState {
                screen: egui::Id::NULL,
                first_pass: pass,
                press_counts: false,
                series_screen: egui::Id::NULL,
                focused_at_end: false,
            });
        if state.screen != screen {
            state.screen = screen;
            state.first_pass = pass;
            state.press_counts = false;
            ctx.memory_mut(|m| {
                if let Some(focused) = m.focused() {
                    m.surrender_focus(focused);
                }
            });
            forget_earlier_screens(ctx);
        }
        // egui answers Escape by taking the focus from the focused widget; that is all the
        // key does then, so the screen must not also take it for "leave".
        if state.focused_at_end {
            ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::Escape));
        }
        let shown_before = state.first_pass < pass;
        let (pressed, released, repeated_click, key_pressed) = ctx.input(|i| {
            (
                i.pointer.any_pressed(),
                i.pointer.any_released(),
                i.pointer
                    .button_double_clicked(egui::PointerButton::Primary)
                    || i.pointer
                        .button_triple_clicked(egui::PointerButton::Primary),
                i.events
                    .iter()
                    .any(|e| matches!(e, egui::Event::Key { pressed: true, .. })),
            )
        });
        if pressed {
            state.press_counts = shown_before;
        }
        let mut pointer_ok = state.press_counts;
        if released {
            if repeated_click {
                // The second click of a double click counts only where the first one landed.
                pointer_ok &= state.series_screen == screen;
            } else {
                state.series_screen = screen;
            }
        }
        ctx.data_mut(|d| d.insert_temp(id, state));
        Guard {
            pointer_ok,
            keys_ok: shown_before || !key_pressed,
            released,
        }
    }

    /// Notes, once the screen is drawn, whether a widget holds the keyboard focus (so that
    /// the next frame's Escape only takes it away).
    pub fn end(ctx: &egui::Context) {
        let id = egui::Id::new("silent-slavery input guard");
        let focused = ctx.memory(|m| m.focused().is_some());
        ctx.data_mut(|d| {
            if let Some(mut state) = d.get_temp::<GuardState>(id) {
                state.focused_at_end = focused;
                d.insert_temp(id, state);
            }
        });
    }

    /// `got`, unless it came from input the trainee gave another screen.
    pub fn admit<R>(&self, got: Option<R>) -> Option<R> {
        let stale = (self.released && !self.pointer_ok) || !self.keys_ok;
        got.filter(|_| !stale)
    }

    /// Whether this frame's keys may act on the screen (false in the frame that first drew it).
    pub fn keys_ok(&self) -> bool {
        self.keys_ok
    }
}

/// A key pressed this frame with no modifier, not a repeat (Escape to leave, say).
pub fn key(ui: &egui::Ui, key: egui::Key) -> bool {
    ui.input(|i| {
        i.events.iter().any(|e| {
            matches!(e, egui::Event::Key { key: k, pressed: true, repeat: false, modifiers, .. }
                if *k == key && !modifiers.any())
        })
    })
}

/// A screen-wide key (Enter to go on): pressed with no modifier, and no
/// widget has the keyboard focus, since Enter or Space then belongs to that widget: one
/// key, one action.
pub fn shortcut(ui: &egui::Ui, key: egui::Key) -> bool {
    ui.memory(|m| m.focused().is_none()) && self::key(ui, key)
}

const DIGITS: [egui::Key; 10] = [
    egui::Key::Num0,
    egui::Key::Num1,
    egui::Key::Num2,
    egui::Key::Num3,
    egui::Key::Num4,
    egui::Key::Num5,
    egui::Key::Num6,
    egui::Key::Num7,
    egui::Key::Num8,
    egui::Key::Num9,
];

/// The digit typed this frame (no modifier, not a repeat).
fn digit(ui: &egui::Ui) -> Option<usize> {
    ui.input(|i| {
        i.events.iter().find_map(|e| match e {
            egui::Event::Key {
                key,
                pressed: true,
                repeat: false,
                modifiers,
                ..
            } if !modifiers.any() => DIGITS.iter().position(|d| d == key),
            _ => None,
        })
    })
}

/// Number keys for a list of `count` items: one digit for up to nine, two digits (`01` to
/// `99`, the first shown on screen until the second comes) beyond, so every item is reached
/// directly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemKeys {
    count: usize,
    /// The first of two digits, typed and waiting for the second.
    pub pending: Option<usize>,
    /// The item (0-based) whose number was completed this frame.
    pub chosen: Option<usize>,
}

impl ItemKeys {
    /// Reads the number keys for `count` items; `listening` false (a text field or a question
    /// has the keyboard) ignores them. Escape clears a half-typed number (and is used up).
    pub fn read(ui: &egui::Ui, count: usize, listening: bool) -> ItemKeys {
        let id = ui.id().with("item keys");
        let mut pending = ui.data(|d| d.get_temp::<OnScreen<usize>>(id)).map(|p| p.0);
        let mut chosen = None;
        if listening && let Some(d) = digit(ui) {
            if count <= 9 {
                chosen = (1..=count).contains(&d).then(|| d - 1);
            } else if let Some(first) = pending.take() {
                let n = first * 10 + d;
                chosen = (1..=count).contains(&n).then(|| n - 1);
            } else if d * 10 <= count {
                pending = Some(d);
            }
        }
        if pending.is_some()
            && ui.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::Escape))
        {
            pending = None;
        }
        ui.data_mut(|d| match pending {
            Some(p) => {
                d.insert_temp(id, OnScreen(p));
            }
            None => {
                d.remove::<OnScreen<usize>>(id);
            }
        });
        ItemKeys {
            count,
            pending,
            chosen,
        }
    }

    /// The number shown beside item `n` (0-based): `7`, or `07` in a list of ten or more.
    pub fn label(&self, n: usize) -> String {
        if self.count <= 9 {
            format!("{}", n + 1)
        } else {
            format!("{:02}", n + 1)
        }
    }

    /// What the keys do, for the line above the list.
    pub fn hint(&self) -> String {
        match (self.count, self.pending) {
            (0, _) => String::new(),
            (1..=9, _) => format!("Keys 1–{} pick an item", self.count),
            (_, None) => format!(
                "Type an item's two digits (01–{:02}) to pick it",
                self.count
            ),
            (_, Some(first)) => {
                format!("Typed {first}_: now the second digit (Esc to clear)")
            }
        }
    }
}

/// A vertical scroll area that the keyboard scrolls (Page Up and Down, Home and End, and the
/// arrows when no widget has the focus) and that brings a widget into view when it takes
/// the keyboard focus.
pub fn scroll_area<R>(ui: &mut egui::Ui, id_salt: &str, add: impl FnOnce(&mut egui::Ui) -> R) -> R {
    egui::ScrollArea::vertical()
        .id_salt(id_salt)
        .auto_shrink([false, false])
        .show(ui, |ui| {
            let out = add(ui);
            scroll_by_keyboard(ui);
            out
        })
        .inner
}

/// Scrolls the enclosing scroll area by keys and to the newly focused widget. Call inside
/// the scroll area, after its contents.
pub fn scroll_by_keyboard(ui: &mut egui::Ui) {
    let page = ui.clip_rect().height() * 0.9;
    let line = 40.0;
    let typing = ui.ctx().egui_wants_keyboard_input();
    let nothing_focused = ui.memory(|m| m.focused().is_none());
    let delta = ui.input(|i| {
        let mut delta = 0.0;
        for e in &i.events {
            if let egui::Event::Key {
                key, pressed: true, ..
            } = e
            {
                delta += match key {
                    egui::Key::PageDown => -page,
                    egui::Key::PageUp => page,
                    egui::Key::End if !typing => -1.0e7,
                    egui::Key::Home if !typing => 1.0e7,
                    egui::Key::ArrowDown if nothing_focused => -line,
                    egui::Key::ArrowUp if nothing_focused => line,
                    _ => 0.0,
                };
            }
        }
        delta
    });
    if delta != 0.0 {
        ui.scroll_with_delta_animation(
            egui::vec2(0.0, delta),
            egui::style::ScrollAnimation::none(),
        );
    }
    // A widget that has just taken the focus (Tab) is brought into view.
    let seen = ui.id().with("focus seen");
    let focused = ui.memory(|m| m.focused());
    if ui.data(|d| d.get_temp::<OnScreen<Option<egui::Id>>>(seen)) != Some(OnScreen(focused)) {
        ui.data_mut(|d| d.insert_temp(seen, OnScreen(focused)));
        if let Some(rect) = focused
            .and_then(|id| ui.ctx().read_response(id))
            .map(|r| r.rect)
            && ui.min_rect().contains_rect(rect)
            && !ui.clip_rect().contains_rect(rect)
        {
            ui.scroll_to_rect(rect, None);
        }
    }
}

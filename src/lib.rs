//! Silent Slavery Trainer's desktop app: the headless simulation plugin and the window and egui plugins around the core crate.

pub mod app;
pub mod graphics;
pub mod shutdown;
pub mod sim;
pub mod ui;

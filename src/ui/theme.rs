//! The designed look: the two themes' colours (WCAG AA contrast in the normal theme, AAA in high contrast), a type scale, and the reading measure that keeps lines of text to about 80 characters.

use bevy_egui::egui;

/// Body text size in points before the trainee's text size (`DisplaySettings::scale`, 1.25
/// by default, so about 16 px on screen).
pub const BODY: f32 = 13.0;

/// Ratio between steps of the type scale (a major third): small, body, subheading, heading.
pub const STEP: f32 = 1.25;

/// Characters a line of running text aims at: readable prose runs 70–90 (with spaces).
pub const MEASURE_CHARS: f32 = 80.0;

/// The smallest contrast ratio allowed for text in the normal theme (WCAG 2.2 AA, 1.4.3).
pub const AA: f32 = 4.5;

/// The smallest contrast ratio allowed for text in the high-contrast theme (WCAG AAA, 1.4.6).
pub const AAA: f32 = 7.0;

/// The type scale: every text style as a size on one scale, so headings, body and notes
/// keep their proportions at any text size.
pub fn text_styles() -> std::collections::BTreeMap<egui::TextStyle, egui::FontId> {
    use egui::{FontFamily, FontId, TextStyle};
    [
        (
            TextStyle::Small,
            FontId::new(BODY / STEP, FontFamily::Proportional),
        ),
        (TextStyle::Body, FontId::new(BODY, FontFamily::Proportional)),
        (
            TextStyle::Button,
            FontId::new(BODY, FontFamily::Proportional),
        ),
        (
            TextStyle::Monospace,
            FontId::new(BODY * 0.92, FontFamily::Monospace),
        ),
        (
            TextStyle::Heading,
            FontId::new(BODY * STEP * STEP, FontFamily::Proportional),
        ),
    ]
    .into()
}

/// The normal theme: near-black text on an off-white page, every text colour at least
/// [`AA`] against every background it is drawn on.
pub fn normal() -> egui::Visuals {
    let mut v = egui::Visuals::light();
    let page = egui::Color32::from_rgb(0xF7, 0xF7, 0xF5);
    let ink = egui::Color32::from_rgb(0x1A, 0x1A, 0x1A);
    v.panel_fill = page;
    v.window_fill = page;
    v.faint_bg_color = egui::Color32::from_rgb(0xEC, 0xEC, 0xE8);
    v.extreme_bg_color = egui::Color32::WHITE;
    v.override_text_color = Some(ink);
    // egui's weak text is the text colour at 60% alpha: grey on grey. A real grey instead.
    v.weak_text_color = Some(egui::Color32::from_rgb(0x4D, 0x4D, 0x4D));
    v.hyperlink_color = egui::Color32::from_rgb(0x0B, 0x4F, 0xA8);
    v.warn_fg_color = egui::Color32::from_rgb(0x8A, 0x45, 0x00);
    v.error_fg_color = egui::Color32::from_rgb(0xA8, 0x10, 0x10);
    for (w, fill) in [
        (&mut v.widgets.noninteractive, page),
        (
            &mut v.widgets.inactive,
            egui::Color32::from_rgb(0xE2, 0xE2, 0xDE),
        ),
        (
            &mut v.widgets.hovered,
            egui::Color32::from_rgb(0xD2, 0xD8, 0xE4),
        ),
        (
            &mut v.widgets.active,
            egui::Color32::from_rgb(0xC0, 0xCC, 0xE0),
        ),
        (
            &mut v.widgets.open,
            egui::Color32::from_rgb(0xD8, 0xD8, 0xD4),
        ),
    ] {
        w.fg_stroke.color = ink;
        if w.bg_fill != egui::Color32::TRANSPARENT {
            w.bg_fill = fill;
        }
        w.weak_bg_fill = fill;
    }
    v.widgets.inactive.bg_stroke =
        egui::Stroke::new(1.0, egui::Color32::from_rgb(0x76, 0x76, 0x70));
    v.selection.bg_fill = egui::Color32::from_rgb(0xB8, 0xD4, 0xF5);
    // The keyboard focus must be easy to see.
    v.selection.stroke = egui::Stroke::new(2.5, egui::Color32::from_rgb(0x0B, 0x4F, 0xA8));
    v
}

/// The high-contrast theme: white on black, yellow outlines, every text colour at least
/// [`AAA`] against every background it is drawn on.
pub fn high_contrast() -> egui::Visuals {
    let mut v = egui::Visuals::dark();
    let black = egui::Color32::BLACK;
    v.override_text_color = Some(egui::Color32::WHITE);
    v.weak_text_color = Some(egui::Color32::from_rgb(0xD0, 0xD0, 0xD0));
    v.panel_fill = black;
    v.window_fill = black;
    v.faint_bg_color = egui::Color32::from_rgb(0x1C, 0x1C, 0x1C);
    v.extreme_bg_color = black;
    v.hyperlink_color = egui::Color32::from_rgb(0x7F, 0xD4, 0xFF);
    v.warn_fg_color = egui::Color32::from_rgb(0xFF, 0xD7, 0x00);
    v.error_fg_color = egui::Color32::from_rgb(0xFF, 0x9A, 0x8A);
    for w in [
        &mut v.widgets.noninteractive,
        &mut v.widgets.inactive,
        &mut v.widgets.hovered,
        &mut v.widgets.active,
        &mut v.widgets.open,
    ] {
        w.fg_stroke.color = egui::Color32::WHITE;
        w.bg_fill = black;
        w.weak_bg_fill = black;
    }
    v.widgets.inactive.bg_stroke = egui::Stroke::new(1.5, egui::Color32::YELLOW);
    v.widgets.hovered.bg_stroke = egui::Stroke::new(3.0, egui::Color32::WHITE);
    v.widgets.active.bg_stroke = egui::Stroke::new(3.0, egui::Color32::YELLOW);
    v.selection.bg_fill = egui::Color32::from_rgb(0x00, 0x3C, 0x8C);
    // The keyboard focus must be the most visible thing on screen.
    v.selection.stroke = egui::Stroke::new(4.0, egui::Color32::from_rgb(0, 255, 255));
    v
}

/// The theme for the setting.
pub fn visuals(high_contrast: bool) -> egui::Visuals {
    if high_contrast {
        self::high_contrast()
    } else {
        normal()
    }
}

/// Relative luminance of an opaque sRGB colour (WCAG 2.2 definition), 0 (black) to 1 (white).
pub fn luminance(c: egui::Color32) -> f32 {
    let channel = |v: u8| {
        let s = f32::from(v) / 255.0;
        if s <= 0.04045 {
            s / 12.92
        } else {
            ((s + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(c.r()) + 0.7152 * channel(c.g()) + 0.0722 * channel(c.b())
}

/// `text` as it shows over the opaque `ground`: egui colours are premultiplied, so a
/// translucent one (egui's own weak text is the text colour at 60%) is blended.
pub fn over(text: egui::Color32, ground: egui::Color32) -> egui::Color32 {
    let keep = 1.0 - f32::from(text.a()) / 255.0;
    let mix = |t: u8, g: u8| (f32::from(t) + f32::from(g) * keep).round().min(255.0) as u8;
    egui::Color32::from_rgb(
        mix(text.r(), ground.r()),
        mix(text.g(), ground.g()),
        mix(text.b(), ground.b()),
    )
}

/// WCAG contrast ratio of `text` drawn on `ground`, 1 to 21 (a translucent text colour is
/// blended over the ground first).
pub fn contrast(text: egui::Color32, ground: egui::Color32) -> f32 {
    let (la, lb) = (luminance(over(text, ground)), luminance(ground));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// Every (what, text colour, background) pair a theme draws text with: body, weak, warning,
/// error and link text on the page, the faint stripe and the text-field background, and each
/// widget state's text on its own fill and on the selection.
pub fn text_pairs(v: &egui::Visuals) -> Vec<(String, egui::Color32, egui::Color32)> {
    let mut pairs = Vec::new();
    let texts = [
        ("text", v.text_color()),
        ("weak text", v.weak_text_color()),
        ("warning", v.warn_fg_color),
        ("error", v.error_fg_color),
        ("link", v.hyperlink_color),
    ];
    let grounds = [
        ("page", v.panel_fill),
        ("window", v.window_fill),
        ("stripe", v.faint_bg_color),
        ("field", v.text_edit_bg_color()),
    ];
    for (t, tc) in texts {
        for (g, gc) in grounds {
            pairs.push((format!("{t} on {g}"), tc, gc));
        }
    }
    for (state, w) in [
        ("inactive", &v.widgets.inactive),
        ("hovered", &v.widgets.hovered),
        ("active", &v.widgets.active),
        ("open", &v.widgets.open),
    ] {
        // Buttons draw their text in the theme's text colour when it is overridden.
        let text = v.override_text_color.unwrap_or(w.fg_stroke.color);
        pairs.push((format!("{state} button text"), text, w.weak_bg_fill));
        pairs.push((format!("{state} widget text"), text, w.bg_fill));
    }
    pairs.push((
        "selected text".into(),
        v.override_text_color.unwrap_or(v.strong_text_color()),
        v.selection.bg_fill,
    ));
    pairs
}

/// The width of the reading column for body text in `ui`: [`MEASURE_CHARS`] average
/// characters of English prose, in points.
pub fn measure(ui: &egui::Ui) -> f32 {
    let font = egui::TextStyle::Body.resolve(ui.style());
    ui.ctx().fonts_mut(|f| average_char_width(f, &font)) * MEASURE_CHARS
}

/// The mean advance of a character of ordinary English text (with its spaces) in `font`.
pub fn average_char_width(fonts: &mut egui::epaint::FontsView<'_>, font: &egui::FontId) -> f32 {
    const SAMPLE: &str = "The driver answers for the men and holds their passports; none of them knows the address where they sleep.";
    let galley = fonts.layout_no_wrap(SAMPLE.to_owned(), font.clone(), egui::Color32::BLACK);
    galley.size().x / SAMPLE.chars().count() as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contrast_is_computed_as_wcag_defines_it() {
        assert!((contrast(egui::Color32::BLACK, egui::Color32::WHITE) - 21.0).abs() < 0.01);
        assert!((contrast(egui::Color32::WHITE, egui::Color32::WHITE) - 1.0).abs() < 1e-6);
        // #767676 on white is the classic just-passing AA grey (4.54:1).
        let grey = egui::Color32::from_gray(0x76);
        assert!((contrast(grey, egui::Color32::WHITE) - 4.54).abs() < 0.01);
    }

    #[test]
    fn every_text_colour_meets_aa_in_the_normal_theme_and_aaa_in_high_contrast() {
        for (theme, v, least) in [
            ("normal", normal(), AA),
            ("high contrast", high_contrast(), AAA),
        ] {
            let pairs = text_pairs(&v);
            assert!(pairs.len() > 20);
            let failing: Vec<String> = pairs
                .iter()
                .map(|(what, t, g)| (what, contrast(*t, *g)))
                .filter(|(_, ratio)| *ratio < least)
                .map(|(what, ratio)| format!("{what}: {ratio:.2}"))
                .collect();
            assert!(failing.is_empty(), "{theme} below {least}:1: {failing:?}");
        }
    }

    #[test]
    fn egui_own_light_theme_fails_where_ours_passes() {
        // Why the theme exists: egui's light theme draws weak text below AA.
        let v = egui::Visuals::light();
        let weak = contrast(v.weak_text_color(), v.panel_fill);
        assert!(weak < AA, "{weak}");
        let ours = normal();
        assert!(contrast(ours.weak_text_color(), ours.panel_fill) >= AA);
    }

    #[test]
    fn the_type_scale_steps_by_one_ratio() {
        let styles = text_styles();
        let size = |s: egui::TextStyle| styles[&s].size;
        assert!((size(egui::TextStyle::Body) / size(egui::TextStyle::Small) - STEP).abs() < 1e-4);
        assert!(
            (size(egui::TextStyle::Heading) / size(egui::TextStyle::Body) - STEP * STEP).abs()
                < 1e-4
        );
    }
}

//! The step graph as a picture a trainer can open without installing anything: each step with its kind, cues and best reachable score, each ending's outcome, each option with the flags it sets and needs (locked ones dashed), laid out by layout-rs and written as SVG, or as marks for the app to paint.

use std::collections::BTreeMap;

use layout::backends::svg::SVGWriter;
use layout::core::base::Orientation;
use layout::core::color::Color;
use layout::core::format::{ClipHandle, RenderBackend};
use layout::core::geometry::Point;
use layout::core::style::{LineStyleKind, StyleAttr};
use layout::std_shapes::render::get_shape_size;
use layout::std_shapes::shapes::{Arrow, Element, LineEndKind, ShapeKind};
use layout::topo::layout::VisualGraph;
use serde::Serialize;

use crate::analysis::states;
use crate::model::catalog::{Catalog, CueTag};
use crate::model::scenario::{Route, Scenario, Step, StepKind};

/// One font size for the whole picture: layout-rs keeps a style per size in a hash map, so
/// one size keeps the SVG the same byte for byte from run to run.
const FONT_SIZE: usize = 14;

/// A scenario's steps and moves, labelled the way the picture shows them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StepPicture {
    /// The ruleset whose scores the steps show (the scenario's `pass_ruleset`).
    pub ruleset: String,
    /// The best raw score of the whole scenario under it.
    pub max: i64,
    /// The lowest raw score that passes (`mastery_score` of `max`, rounded up).
    pub pass_mark: i64,
    /// One node per step, in file order.
    pub nodes: Vec<PictureNode>,
    /// One edge per `next`, route and option.
    pub edges: Vec<PictureEdge>,
}

/// A step in the picture.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PictureNode {
    /// The step id.
    pub id: String,
    /// Its kind.
    pub kind: StepKind,
    /// Whether it is the start step.
    pub start: bool,
    /// The lines of its label: id, kind (with an ending's outcome), cues, best score.
    pub label: Vec<String>,
    /// The best total score of an attempt through it (perfect identification), if any
    /// attempt reaches it.
    pub best: Option<i64>,
}

/// A move in the picture.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PictureEdge {
    /// Index of the step it leaves.
    pub from: usize,
    /// Index of the step it leads to.
    pub to: usize,
    /// Its label lines: the option id, `sets ...`, `needs ...`, `CRITICAL`; or a route's
    /// condition (`if a and b, not c`), or `otherwise` beside routes.
    pub label: Vec<String>,
    /// An option that some flags lock (`requires` or `requires_not`): drawn dashed.
    pub lockable: bool,
    /// An option that breaches a rule critically: drawn red.
    pub critical: bool,
}

/// Why a picture could not be drawn.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PictureError {
    /// The layout library gave up on this graph.
    #[error(
        "the step graph could not be laid out ({0}); write it as DOT with `--format dot` and draw it with Graphviz instead"
    )]
    Layout(String),
}

/// "if a and b, not c": the flags a route needs set and unset.
pub fn route_label(route: &Route) -> String {
    let mut parts = Vec::new();
    if !route.flags.is_empty() {
        parts.push(route.flags.join(" and "));
    }
    if !route.not_flags.is_empty() {
        parts.push(format!("not {}", route.not_flags.join(", not ")));
    }
    if parts.is_empty() {
        "always".to_owned()
    } else {
        format!("if {}", parts.join(", "))
    }
}

impl StepPicture {
    /// The picture of a scenario (checked by validation: every `next` names a step).
    pub fn of(scenario: &Scenario, catalog: &Catalog) -> StepPicture {
        let ruleset = scenario.pass_ruleset.clone();
        // `None` when the state graph is too large to walk whole: no scores are shown then.
        let best =
            states::best_through_steps(scenario, catalog, &ruleset, states::DEFAULT_STATE_LIMIT);
        let max = best
            .as_ref()
            .and_then(|b| b.get(&scenario.start))
            .copied()
            .unwrap_or(0);
        let pass_mark = (scenario.mastery_score * max as f64 - 1e-9).ceil() as i64;
        let nodes = scenario
            .steps
            .iter()
            .map(|step| node(scenario, catalog, step, best.as_ref(), max, pass_mark))
            .collect();
        let index = scenario.step_indices();
        let mut edges = Vec::new();
        for (i, step) in scenario.steps.iter().enumerate() {
            let labels: Vec<(Vec<String>, bool, bool)> = match step {
                Step::Decision(d) => d
                    .options
                    .iter()
                    .map(|o| {
                        let mut label = vec![o.id.clone()];
                        if !o.sets.is_empty() {
                            label.push(format!("sets {}", o.sets.join(", ")));
                        }
                        let lockable = !o.requires.is_empty() || !o.requires_not.is_empty();
                        if lockable {
                            let mut needs: Vec<String> = o.requires.clone();
                            needs.extend(o.requires_not.iter().map(|f| format!("not {f}")));
                            label.push(format!("needs {}", needs.join(", ")));
                        }
                        let critical = o
                            .effects
                            .iter()
                            .any(|e| e.is_critical() && catalog.rule(e.rule()).is_some());
                        if critical {
                            label.push("CRITICAL".to_owned());
                        }
                        (label, lockable, critical)
                    })
                    .collect(),
                Step::Scene(s) => routes(&s.next_when),
                Step::Identify(s) => routes(&s.next_when),
                Step::Ending(_) => Vec::new(),
            };
            for ((next, _), (label, lockable, critical)) in
                step.successors().into_iter().zip(labels)
            {
                if let Some(&j) = index.get(next) {
                    edges.push(PictureEdge {
                        from: i,
                        to: j,
                        label,
                        lockable,
                        critical,
                    });
                }
            }
        }
        StepPicture {
            ruleset,
            max,
            pass_mark,
            nodes,
            edges,
        }
    }

    /// The picture as SVG (one file, no scripts, no external fonts), laid out top to bottom.
    ///
    /// # Errors
    /// [`PictureError::Layout`] if the layout library fails on the graph.
    pub fn to_svg(&self) -> Result<String, PictureError> {
        let mut svg = SVGWriter::new();
        self.lay_out(&mut svg)?;
        Ok(svg.finalize())
    }

    /// The picture as marks to paint, in the order they are drawn (steps first, then moves),
    /// in the picture's own units (about a pixel each at 100% zoom).
    ///
    /// # Errors
    /// [`PictureError::Layout`] if the layout library fails on the graph.
    pub fn marks(&self) -> Result<Vec<Mark>, PictureError> {
        let mut recorder = Recorder::default();
        self.lay_out(&mut recorder)?;
        Ok(recorder.marks)
    }

    fn lay_out(&self, backend: &mut dyn RenderBackend) -> Result<(), PictureError> {
        let mut graph = VisualGraph::new(Orientation::TopToBottom);
        let handles: Vec<_> = self
            .nodes
            .iter()
            .map(|n| {
                let shape = ShapeKind::new_box(&n.label.join("\n"));
                let (fill, width) = match n.kind {
                    StepKind::Scene => (0xeef3fbff, 1),
                    StepKind::Identify => (0xfff4d6ff, 1),
                    StepKind::Decision => (0xe9f6ecff, 1),
                    StepKind::Ending => (0xf2f2f2ff, 1),
                };
                let look = StyleAttr::new(
                    Color::new(0x333333ff),
                    if n.start { 3 } else { width },
                    Some(Color::new(fill)),
                    if n.kind == StepKind::Ending { 12 } else { 2 },
                    FONT_SIZE,
                );
                let size = get_shape_size(Orientation::TopToBottom, &shape, FONT_SIZE, false);
                graph.add_node(Element::create(shape, look, Orientation::TopToBottom, size))
            })
            .collect();
        for e in &self.edges {
            let colour = if e.critical { 0xb00020ff } else { 0x333333ff };
            let look = StyleAttr::new(Color::new(colour), 1, None, 0, FONT_SIZE);
            let style = if e.lockable {
                LineStyleKind::Dashed
            } else {
                LineStyleKind::Normal
            };
            let arrow = Arrow::new(
                LineEndKind::None,
                LineEndKind::Arrow,
                style,
                &e.label.join("\n"),
                &look,
                &None,
                &None,
            );
            graph.add_edge(arrow, handles[e.from], handles[e.to]);
        }
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            graph.do_it(false, false, false, backend);
        }))
        .map_err(|panic| {
            PictureError::Layout(
                panic
                    .downcast_ref::<&str>()
                    .map(|s| (*s).to_owned())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "no reason given".to_owned()),
            )
        })
    }
}

/// The routes' labels, then `otherwise` for `next` (or nothing when there are no routes).
fn routes(next_when: &[Route]) -> Vec<(Vec<String>, bool, bool)> {
    let fallback = if next_when.is_empty() {
        Vec::new()
    } else {
        vec!["otherwise".to_owned()]
    };
    std::iter::once((fallback, false, false))
        .chain(
            next_when
                .iter()
                .map(|r| (vec![route_label(r)], false, false)),
        )
        .collect()
}

fn node(
    scenario: &Scenario,
    catalog: &Catalog,
    step: &Step,
    best: Option<&BTreeMap<String, i64>>,
    max: i64,
    pass_mark: i64,
) -> PictureNode {
    let mut label = vec![step.id().to_owned()];
    label.push(match step {
        Step::Scene(s) if !s.variants.is_empty() => {
            format!("scene, {} variants", s.variants.len())
        }
        Step::Scene(_) => "scene".to_owned(),
        Step::Identify(_) => "identify".to_owned(),
        Step::Decision(_) => "decision".to_owned(),
        Step::Ending(e) => format!("ending: {}", e.outcome.label()),
    });
    let cues: Vec<_> = step.cues().collect();
    if !cues.is_empty() {
        let herrings = cues
            .iter()
            .filter(|c| matches!(catalog.cue_tag(&c.indicator), Some(CueTag::Caution(_))))
            .count();
        label.push(if herrings == 0 {
            format!("{} cues", cues.len())
        } else {
            format!("{} cues, {herrings} red herring(s)", cues.len())
        });
    }
    let scores = best;
    let best = scores.and_then(|b| b.get(step.id())).copied();
    match (scores, best) {
        (_, Some(b)) => label.push(format!(
            "best {b} of {max}{}",
            if b < pass_mark { ": cannot pass" } else { "" }
        )),
        (Some(_), None) => label.push("not reached".to_owned()),
        (None, None) => {}
    }
    PictureNode {
        id: step.id().to_owned(),
        kind: step.kind(),
        start: step.id() == scenario.start,
        label,
        best,
    }
}

/// Something to paint, in picture units; colours are RGBA (`0xRRGGBBAA`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Mark {
    /// A rectangle with its top-left corner at (x, y).
    Rect {
        /// Left.
        x: f64,
        /// Top.
        y: f64,
        /// Width.
        width: f64,
        /// Height.
        height: f64,
        /// Fill colour, if filled.
        fill: Option<u32>,
        /// Outline colour.
        stroke: u32,
        /// Outline width.
        stroke_width: f64,
        /// Corner radius.
        rounded: f64,
    },
    /// Text centred on (x, y), one line per `\n`.
    Text {
        /// Centre, across.
        x: f64,
        /// Centre, down.
        y: f64,
        /// The text.
        text: String,
        /// Font size.
        size: f64,
    },
    /// A curve through these points (Bézier curves already flattened), with an arrow head
    /// at its end.
    Arrow {
        /// The points, in order.
        points: Vec<(f64, f64)>,
        /// Drawn dashed.
        dashed: bool,
        /// Colour.
        stroke: u32,
        /// Width.
        stroke_width: f64,
    },
}

/// A layout-rs backend that keeps what it is asked to draw as [`Mark`]s.
#[derive(Default)]
struct Recorder {
    marks: Vec<Mark>,
}

fn rgba(colour: &Color) -> u32 {
    u32::from_str_radix(colour.to_web_color().trim_start_matches('#'), 16).unwrap_or(0xff)
}

/// Points along the cubic Bézier from `a` to `d` with control points `b` and `c`.
fn bezier(a: Point, b: Point, c: Point, d: Point, out: &mut Vec<(f64, f64)>) {
    const STEPS: usize = 12;
    for k in 1..=STEPS {
        let t = k as f64 / STEPS as f64;
        let u = 1.0 - t;
        let x = u * u * u * a.x + 3.0 * u * u * t * b.x + 3.0 * u * t * t * c.x + t * t * t * d.x;
        let y = u * u * u * a.y + 3.0 * u * u * t * b.y + 3.0 * u * t * t * c.y + t * t * t * d.y;
        out.push((x, y));
    }
}

impl RenderBackend for Recorder {
    fn draw_rect(
        &mut self,
        xy: Point,
        size: Point,
        look: &StyleAttr,
        _properties: Option<String>,
        _clip: Option<ClipHandle>,
    ) {
        self.marks.push(Mark::Rect {
            x: xy.x,
            y: xy.y,
            width: size.x,
            height: size.y,
            fill: look.fill_color.as_ref().map(rgba),
            stroke: rgba(&look.line_color),
            stroke_width: look.line_width as f64,
            rounded: look.rounded as f64,
        });
    }

    fn draw_line(
        &mut self,
        start: Point,
        stop: Point,
        look: &StyleAttr,
        _properties: Option<String>,
    ) {
        self.marks.push(Mark::Arrow {
            points: vec![(start.x, start.y), (stop.x, stop.y)],
            dashed: false,
            stroke: rgba(&look.line_color),
            stroke_width: look.line_width as f64,
        });
    }

    fn draw_circle(
        &mut self,
        xy: Point,
        size: Point,
        look: &StyleAttr,
        _properties: Option<String>,
    ) {
        // The picture has no round shapes; kept as its bounding box should one appear.
        self.marks.push(Mark::Rect {
            x: xy.x - size.x / 2.0,
            y: xy.y - size.y / 2.0,
            width: size.x,
            height: size.y,
            fill: look.fill_color.as_ref().map(rgba),
            stroke: rgba(&look.line_color),
            stroke_width: look.line_width as f64,
            rounded: size.x.min(size.y) / 2.0,
        });
    }

    fn draw_text(&mut self, xy: Point, text: &str, look: &StyleAttr) {
        self.marks.push(Mark::Text {
            x: xy.x,
            y: xy.y,
            text: text.to_owned(),
            size: look.font_size as f64,
        });
    }

    fn draw_arrow(
        &mut self,
        path: &[(Point, Point)],
        dashed: bool,
        _head: (bool, bool),
        look: &StyleAttr,
        _properties: Option<String>,
        _text: &str,
    ) {
        // The path is SVG's "M p0 C c0, c1, p1 S c, p ...": the first pair is the start and
        // its control point, each later pair the incoming control point and the point.
        if path.len() < 2 {
            return;
        }
        let mut points = vec![(path[0].0.x, path[0].0.y)];
        let (mut from, mut out_ctrl) = (path[0].0, path[0].1);
        for pair in &path[1..] {
            let (in_ctrl, to) = pair;
            bezier(from, out_ctrl, *in_ctrl, *to, &mut points);
            // "S" mirrors the previous incoming control point about the point reached.
            out_ctrl = Point::new(2.0 * to.x - in_ctrl.x, 2.0 * to.y - in_ctrl.y);
            from = *to;
        }
        self.marks.push(Mark::Arrow {
            points,
            dashed,
            stroke: rgba(&look.line_color),
            stroke_width: look.line_width as f64,
        });
    }

    fn create_clip(&mut self, _xy: Point, _size: Point, _rounded_px: usize) -> ClipHandle {
        0
    }
}

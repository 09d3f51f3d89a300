//! Writes a scenario's step picture as Graphviz DOT, with the same labels as the SVG, for trainers who use Graphviz.

use std::fmt::Write as _;

use crate::analysis::picture::StepPicture;
use crate::model::scenario::StepKind;

fn quoted(lines: &[String]) -> String {
    lines
        .iter()
        .map(|l| l.replace('\\', "\\\\").replace('"', "\\\""))
        .collect::<Vec<_>>()
        .join("\\n")
}

/// The picture as a DOT digraph: one node per step (shaped by kind: scenes boxes, identify
/// steps parallelograms, decisions diamonds, endings double octagons; the start in bold),
/// one edge per `next`, route or option with the picture's label (options that flags can
/// lock dashed, critical ones red).
pub fn to_dot(picture: &StepPicture) -> String {
    let mut out = String::from("digraph {\n");
    for (i, node) in picture.nodes.iter().enumerate() {
        let shape = match node.kind {
            StepKind::Scene => "box",
            StepKind::Identify => "parallelogram",
            StepKind::Decision => "diamond",
            StepKind::Ending => "doubleoctagon",
        };
        let bold = if node.start { ", style=bold" } else { "" };
        let _ = writeln!(
            out,
            "    {i} [ label=\"{}\", shape={shape}{bold} ]",
            quoted(&node.label)
        );
    }
    for edge in &picture.edges {
        let mut attrs = format!("label=\"{}\"", quoted(&edge.label));
        if edge.lockable {
            attrs.push_str(", style=dashed");
        }
        if edge.critical {
            attrs.push_str(", color=red");
        }
        let _ = writeln!(out, "    {} -> {} [ {attrs} ]", edge.from, edge.to);
    }
    out.push_str("}\n");
    out
}

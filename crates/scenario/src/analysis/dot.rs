//! Writes a scenario's step graph as Graphviz DOT, so a trainer can see its shape.

use petgraph::dot::{Config, Dot};
use petgraph::graph::DiGraph;

use crate::model::scenario::{Route, Scenario, Step};

/// "if a+b, not c": the flags a route needs set and unset.
fn route_label(route: &Route) -> String {
    let mut parts = Vec::new();
    if !route.flags.is_empty() {
        parts.push(route.flags.join("+"));
    }
    if !route.not_flags.is_empty() {
        parts.push(format!("not {}", route.not_flags.join("+")));
    }
    format!("if {}", parts.join(", "))
}

/// The scenario as a DOT digraph: one node per step (shaped by kind, endings labelled with
/// their outcome), one edge per `next`, route or option (labelled with the option id).
pub fn to_dot(scenario: &Scenario) -> String {
    let mut graph: DiGraph<(String, &'static str), String> = DiGraph::new();
    let nodes: Vec<_> = scenario
        .steps
        .iter()
        .map(|step| {
            let (label, shape) = match step {
                Step::Scene(s) => (format!("{}\\n(scene)", s.id), "box"),
                Step::Identify(s) => (format!("{}\\n(identify)", s.id), "parallelogram"),
                Step::Decision(s) => (format!("{}\\n(decision)", s.id), "diamond"),
                Step::Ending(s) => (format!("{}\\n{}", s.id, s.outcome.label()), "doubleoctagon"),
            };
            graph.add_node((label, shape))
        })
        .collect();
    for (i, step) in scenario.steps.iter().enumerate() {
        let labels: Vec<String> = match step {
            Step::Decision(d) => d.options.iter().map(|o| o.id.clone()).collect(),
            Step::Scene(s) => std::iter::once(String::new())
                .chain(s.next_when.iter().map(route_label))
                .collect(),
            Step::Identify(s) => std::iter::once(String::new())
                .chain(s.next_when.iter().map(route_label))
                .collect(),
            Step::Ending(_) => Vec::new(),
        };
        for ((next, _), label) in step.successors().into_iter().zip(labels) {
            if let Some(j) = scenario.step_index(next) {
                graph.add_edge(nodes[i], nodes[j], label);
            }
        }
    }
    let start = scenario.step_index(&scenario.start);
    let edge_attrs = |_: &_, edge: petgraph::graph::EdgeReference<'_, String>| {
        format!("label=\"{}\"", edge.weight().replace('"', "'"))
    };
    let node_attrs =
        |_: &_, (index, (label, shape)): (petgraph::graph::NodeIndex, &(String, &str))| {
            let bold = if Some(index.index()) == start {
                ", style=bold"
            } else {
                ""
            };
            format!("label=\"{}\", shape={shape}{bold}", label.replace('"', "'"))
        };
    let dot = Dot::with_attr_getters(
        &graph,
        &[Config::NodeNoLabel, Config::EdgeNoLabel],
        &edge_attrs,
        &node_attrs,
    );
    format!("{dot:?}")
}

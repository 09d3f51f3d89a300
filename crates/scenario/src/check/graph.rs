//! The step graph: every step reachable, an ending reachable from every step, no cycle without a way out, enough options.

// foldhash: the keys are the scenario's own ids, and SipHash was a large part of checking.
use foldhash::HashMap;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::{Dfs, Reversed};

use super::Checker;
use crate::load::diagnostic::Problem;
use crate::model::scenario::Step;
use crate::path;

impl<'a> Checker<'a> {
    pub(super) fn graph(&mut self, index: &HashMap<&'a str, usize>) {
        let s = self.scenario();
        let mut graph: DiGraph<usize, ()> = DiGraph::new();
        let nodes: Vec<NodeIndex> = (0..s.steps.len()).map(|i| graph.add_node(i)).collect();
        for (i, step) in s.steps.iter().enumerate() {
            for (next, _) in step.successors() {
                if let Some(&j) = index.get(next) {
                    graph.update_edge(nodes[i], nodes[j], ());
                }
            }
        }
        let Some(&start) = index.get(s.start.as_str()) else {
            return;
        };
        let mut reachable = vec![false; s.steps.len()];
        let mut dfs = Dfs::new(&graph, nodes[start]);
        while let Some(n) = dfs.next(&graph) {
            reachable[graph[n]] = true;
        }
        let mut ends = vec![false; s.steps.len()];
        let reversed = Reversed(&graph);
        let mut dfs = Dfs::empty(reversed);
        for (i, step) in s.steps.iter().enumerate() {
            if matches!(step, Step::Ending(_)) {
                dfs.move_to(nodes[i]);
                while let Some(n) = dfs.next(reversed) {
                    ends[graph[n]] = true;
                }
            }
        }
        for (i, step) in s.steps.iter().enumerate() {
            if !reachable[i] && index.get(step.id()) == Some(&i) {
                self.report(
                    path!["steps", i, "id"],
                    Problem::UnreachableStep {
                        id: step.id().to_owned(),
                        start: s.start.clone(),
                    },
                );
            }
        }
        let mut in_trap_cycle = vec![false; s.steps.len()];
        for component in petgraph::algo::tarjan_scc(&graph) {
            let looped = component.len() > 1 || graph.contains_edge(component[0], component[0]);
            let mut members: Vec<usize> = component.iter().map(|n| graph[*n]).collect();
            members.sort_unstable();
            if looped && members.iter().all(|&m| !ends[m] && reachable[m]) {
                for &m in &members {
                    in_trap_cycle[m] = true;
                }
                self.report(
                    path!["steps", members[0], "id"],
                    Problem::CycleWithNoExit {
                        steps: members
                            .iter()
                            .map(|&m| s.steps[m].id().to_owned())
                            .collect(),
                    },
                );
            }
        }
        for (i, step) in s.steps.iter().enumerate() {
            if reachable[i] && !ends[i] && !in_trap_cycle[i] {
                self.report(
                    path!["steps", i, "id"],
                    Problem::NoWayToEnding {
                        id: step.id().to_owned(),
                    },
                );
            }
        }
        for (i, step) in s.steps.iter().enumerate() {
            if !(reachable[i] && matches!(step, Step::Identify(_))) {
                continue;
            }
            let mut dfs = Dfs::new(reversed, nodes[i]);
            let mut cues_before = false;
            while let Some(n) = dfs.next(reversed) {
                let j = graph[n];
                if j == i || !reachable[j] {
                    continue;
                }
                cues_before |= s.steps[j].cues().next().is_some();
            }
            if !cues_before {
                self.report(
                    path!["steps", i, "id"],
                    Problem::IdentifyWithoutCues {
                        step: step.id().to_owned(),
                    },
                );
            }
        }
    }
}

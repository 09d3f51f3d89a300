//! The scenario's state graph: every distinct situation a trainee can be in, used to find traps, point-farming loops, and the best and worst achievable scores without listing every path.
//!
//! A state is a step together with everything that can change what happens next or how
//! it scores: the flags set, the cues seen, and the cues offered for flagging so far. The
//! number of states grows with the scenario's real branching, not with the number of paths,
//! so a chain of 20 three-way decisions has about 60 states and 3^20 paths.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use petgraph::graph::{DiGraph, NodeIndex};

use crate::catalog::{Catalog, CueTag};
use crate::scenario::{Effect, Scenario, Step, route};
use crate::score::ScoreBounds;

/// Most states explored before the analysis gives up and says so.
pub const DEFAULT_STATE_LIMIT: usize = 200_000;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    step: usize,
    flags: BTreeSet<u32>,
    seen: BTreeSet<u32>,
    offered: BTreeSet<u32>,
}

/// A move from one state to another.
#[derive(Debug, Clone)]
struct Move {
    /// Points per scenario ruleset (same order as `Scenario::rulesets`).
    points: Vec<i64>,
    /// Whether the move breaches some rule critically.
    critical: bool,
    /// The decision and option, for a choice.
    choice: Option<(usize, usize)>,
}

/// What the analysis found.
#[derive(Debug, Clone, Default)]
pub struct Analysis {
    /// Best and worst raw score per ruleset.
    pub bounds: BTreeMap<String, ScoreBounds>,
    /// Per ruleset, the best raw score on a path with no critical breach (with perfect
    /// identification); `None` when every path has one.
    pub best_without_critical: BTreeMap<String, Option<i64>>,
    /// Decisions reached with every option locked: (decision id, flags set then).
    pub locked_decisions: Vec<(String, Vec<String>)>,
    /// Steps reached in a state from which no ending can be reached: (step id, flags).
    pub traps: Vec<(String, Vec<String>)>,
    /// Options with points that can be chosen again and again because they lead back to
    /// where they were chosen: (decision id, option id).
    pub loops_with_points: Vec<(String, String)>,
    /// States explored.
    pub states: usize,
    /// True when the state limit was reached; the other fields then cover only part.
    pub truncated: bool,
}

/// Builds and analyses the state graph of a scenario whose step references are valid.
pub fn analyse(scenario: &Scenario, catalog: &Catalog, limit: usize) -> Analysis {
    let mut out = Analysis::default();
    // Looked up on every move: a map keeps the walk linear in the number of moves.
    let step_of = scenario.step_indices();
    let Some(&start) = step_of.get(scenario.start.as_str()) else {
        return out;
    };
    let mut flag_ids: HashMap<&str, u32> = HashMap::new();
    let mut cue_ids: HashMap<&str, u32> = HashMap::new();
    let mut cue_list: Vec<&str> = Vec::new();
    for cue in scenario.all_cues() {
        cue_ids.entry(cue.id.as_str()).or_insert_with(|| {
            cue_list.push(cue.id.as_str());
            (cue_list.len() - 1) as u32
        });
    }
    // Every flag a state can hold is set by some option: intern them all up front.
    let mut flag_names: Vec<&str> = Vec::new();
    for step in &scenario.steps {
        if let Step::Decision(d) = step {
            for f in d.options.iter().flat_map(|o| o.sets.iter()) {
                flag_ids.entry(f.as_str()).or_insert_with(|| {
                    flag_names.push(f.as_str());
                    (flag_names.len() - 1) as u32
                });
            }
        }
    }
    let rulesets = &scenario.rulesets;
    let points_of = |effects: &[Effect]| -> (Vec<i64>, bool) {
        let mut points = vec![0i64; rulesets.len()];
        let mut critical = false;
        for e in effects {
            if let Some((set, _)) = catalog.rule(e.rule()) {
                if let Some(i) = rulesets.iter().position(|r| r == &set.id) {
                    points[i] += e.signed_points();
                }
                critical |= e.is_critical();
            }
        }
        (points, critical)
    };

    let mut graph: DiGraph<Key, Move> = DiGraph::new();
    let mut index: HashMap<Key, NodeIndex> = HashMap::new();
    let first = Key {
        step: start,
        flags: BTreeSet::new(),
        seen: BTreeSet::new(),
        offered: BTreeSet::new(),
    };
    let n = graph.add_node(first.clone());
    index.insert(first, n);
    let mut queue = vec![n];
    while let Some(node) = queue.pop() {
        let key = graph[node].clone();
        let flag_set: BTreeSet<String> = key
            .flags
            .iter()
            .map(|&f| flag_names[f as usize].to_owned())
            .collect();
        let mut next: Vec<(Key, Move)> = Vec::new();
        let plain = |k: Key| {
            (
                k,
                Move {
                    points: vec![0; rulesets.len()],
                    critical: false,
                    choice: None,
                },
            )
        };
        let goto = |k: &Key, id: &str| {
            step_of.get(id).map(|&s| Key {
                step: s,
                ..k.clone()
            })
        };
        match &scenario.steps[key.step] {
            Step::Scene(scene) => {
                let mut seen = key.seen.clone();
                seen.extend(scene.cues.iter().filter_map(|c| cue_ids.get(c.id.as_str())));
                let target = route(&scene.next, &scene.next_when, &flag_set);
                let base = Key {
                    seen,
                    ..key.clone()
                };
                if scene.variants.is_empty() {
                    next.extend(goto(&base, target).map(plain));
                } else {
                    for variant in &scene.variants {
                        let mut k = base.clone();
                        k.seen.extend(
                            variant
                                .cues
                                .iter()
                                .filter_map(|c| cue_ids.get(c.id.as_str())),
                        );
                        next.extend(goto(&k, target).map(plain));
                    }
                }
            }
            Step::Identify(identify) => {
                let mut k = key.clone();
                k.offered.extend(key.seen.iter().copied());
                let target = route(&identify.next, &identify.next_when, &flag_set);
                next.extend(goto(&k, target).map(plain));
            }
            Step::Decision(decision) => {
                let open: Vec<(usize, _)> = decision
                    .options
                    .iter()
                    .enumerate()
                    .filter(|(_, o)| o.is_unlocked(&flag_set))
                    .collect();
                if open.is_empty() {
                    out.locked_decisions
                        .push((decision.id.clone(), flag_set.iter().cloned().collect()));
                }
                for (o, option) in open {
                    let mut k = key.clone();
                    k.flags
                        .extend(option.sets.iter().filter_map(|f| flag_ids.get(f.as_str())));
                    if let Some(target) = goto(&k, &option.next) {
                        let (points, critical) = points_of(&option.effects);
                        next.push((
                            target,
                            Move {
                                points,
                                critical,
                                choice: Some((key.step, o)),
                            },
                        ));
                    }
                }
            }
            Step::Ending(_) => {}
        }
        for (k, m) in next {
            let target = match index.get(&k) {
                Some(&t) => t,
                None => {
                    if index.len() >= limit {
                        out.truncated = true;
                        continue;
                    }
                    let t = graph.add_node(k.clone());
                    index.insert(k, t);
                    queue.push(t);
                    t
                }
            };
            graph.add_edge(node, target, m);
        }
    }
    out.states = graph.node_count();

    // Identification at an ending: best flags every true indicator offered, worst flags
    // every red herring and nothing else.
    let weights: Vec<(i64, i64)> = cue_list
        .iter()
        .map(|id| {
            let tag = scenario.cue(id).and_then(|c| catalog.cue_tag(&c.indicator));
            match tag {
                Some(CueTag::Indicator(i)) => (i.weight.points(), 0),
                Some(CueTag::Caution(_)) => (0, -i64::from(scenario.caution_penalty)),
                None => (0, 0),
            }
        })
        .collect();
    let terminal = |k: &Key| -> Option<(i64, i64)> {
        matches!(scenario.steps[k.step], Step::Ending(_)).then(|| {
            k.offered.iter().fold((0, 0), |(best, worst), &c| {
                let (b, w) = weights[c as usize];
                (best + b, worst + w)
            })
        })
    };

    let sccs = petgraph::algo::tarjan_scc(&graph);
    let mut scc_of = vec![0usize; graph.node_count()];
    for (i, scc) in sccs.iter().enumerate() {
        for n in scc {
            scc_of[n.index()] = i;
        }
    }
    // Loops: a move inside one component can be repeated, so it must carry no points.
    let mut farming = BTreeSet::new();
    for edge in graph.edge_indices() {
        let Some((a, b)) = graph.edge_endpoints(edge) else {
            continue;
        };
        let m = &graph[edge];
        if scc_of[a.index()] == scc_of[b.index()]
            && m.points.iter().any(|p| *p != 0)
            && let Some((step, option)) = m.choice
        {
            farming.insert((step, option));
        }
    }
    for (step, option) in farming {
        if let Step::Decision(d) = &scenario.steps[step] {
            out.loops_with_points
                .push((d.id.clone(), d.options[option].id.clone()));
        }
    }

    // Dynamic programming over components in reverse topological order (tarjan_scc's order):
    // a component's value is the best exit from any of its members.
    let value = |pick_max: bool, r: usize, skip_critical: bool, ident: fn((i64, i64)) -> i64| {
        let mut best: Vec<Option<i64>> = vec![None; sccs.len()];
        for (i, scc) in sccs.iter().enumerate() {
            let mut v: Option<i64> = None;
            let mut offer = |x: i64| {
                v = Some(match v {
                    None => x,
                    Some(y) if pick_max => y.max(x),
                    Some(y) => y.min(x),
                });
            };
            for &n in scc {
                if let Some(t) = terminal(&graph[n]) {
                    offer(ident(t));
                }
                for edge in graph.edges(n) {
                    use petgraph::visit::EdgeRef;
                    let target = scc_of[edge.target().index()];
                    let m = edge.weight();
                    if skip_critical && m.critical {
                        continue;
                    }
                    if target == i {
                        continue;
                    }
                    if let Some(after) = best[target] {
                        offer(m.points[r] + after);
                    }
                }
            }
            best[i] = v;
        }
        best[scc_of[0]]
    };
    for (r, ruleset) in rulesets.iter().enumerate() {
        let max = value(true, r, false, |t| t.0);
        let min = value(false, r, false, |t| t.1);
        if let (Some(max), Some(min)) = (max, min) {
            out.bounds.insert(ruleset.clone(), ScoreBounds { min, max });
        }
        out.best_without_critical
            .insert(ruleset.clone(), value(true, r, true, |t| t.0));
    }

    // Traps: states from which no ending can be reached.
    let mut alive = vec![false; sccs.len()];
    for (i, scc) in sccs.iter().enumerate() {
        alive[i] = scc.iter().any(|&n| {
            terminal(&graph[n]).is_some()
                || graph.neighbors(n).any(|t| {
                    let j = scc_of[t.index()];
                    j != i && alive[j]
                })
        });
    }
    let mut reported = BTreeSet::new();
    for n in graph.node_indices() {
        let k = &graph[n];
        let dead = !alive[scc_of[n.index()]];
        let locked = matches!(&scenario.steps[k.step], Step::Decision(_))
            && graph.neighbors(n).next().is_none();
        // A locked decision explains the dead states before it; report it alone.
        if dead
            && !locked
            && !out.truncated
            && out.locked_decisions.is_empty()
            && reported.insert(k.step)
        {
            let flags: Vec<String> = k
                .flags
                .iter()
                .map(|&f| flag_names[f as usize].to_owned())
                .collect();
            out.traps
                .push((scenario.steps[k.step].id().to_owned(), flags));
        }
    }
    out.locked_decisions.sort();
    out.locked_decisions.dedup();
    out
}

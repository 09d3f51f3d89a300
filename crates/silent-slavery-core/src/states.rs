//! The scenario's state graph: every distinct situation a trainee can be in, used to find traps, point-farming loops, and the best and worst achievable scores without listing every path.
//!
//! A state is a step together with everything that can change what happens next or how
//! it scores: the flags set, the cues seen, and the cues offered for flagging so far. The
//! number of states grows with the scenario's real branching, not with the number of paths,
//! so a chain of 20 three-way decisions has about 60 states and 3^20 paths.

use std::collections::{BTreeMap, BTreeSet};

// foldhash rather than the standard SipHash: the keys are our own ids and small numbers,
// not attacker-chosen, and hashing is a large part of the walk.
use foldhash::{HashMap, HashMapExt};

use petgraph::graph::{DiGraph, NodeIndex};

use crate::catalog::{Catalog, CueTag};
use crate::scenario::{Scenario, Step, route};
use crate::score::ScoreBounds;

/// Most states explored before the analysis gives up and says so.
pub const DEFAULT_STATE_LIMIT: usize = 200_000;

/// A state: the step, and the flags set, cues seen and cues offered so far, each a set
/// interned in [`Sets`]. Copying and hashing four numbers keeps the walk cheap: most moves
/// leave the sets as they were.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Key {
    step: usize,
    flags: SetId,
    seen: SetId,
    offered: SetId,
}

/// An interned set of flag or cue numbers.
type SetId = u32;

/// Every distinct set met in the walk, stored once, sorted. Set 0 is the empty set.
struct Sets {
    ids: HashMap<Vec<u32>, SetId>,
    sets: Vec<Vec<u32>>,
}

impl Sets {
    fn new() -> Sets {
        let mut ids = HashMap::new();
        ids.insert(Vec::new(), 0);
        Sets {
            ids,
            sets: vec![Vec::new()],
        }
    }

    fn get(&self, id: SetId) -> &[u32] {
        &self.sets[id as usize]
    }

    /// The set `id` with `extra` added: `id` itself when nothing is new.
    fn union(&mut self, id: SetId, extra: impl IntoIterator<Item = u32>) -> SetId {
        let mut grown: Option<Vec<u32>> = None;
        for x in extra {
            let current = grown.as_deref().unwrap_or(&self.sets[id as usize]);
            if let Err(at) = current.binary_search(&x) {
                grown
                    .get_or_insert_with(|| self.sets[id as usize].clone())
                    .insert(at, x);
            }
        }
        let Some(set) = grown else {
            return id;
        };
        if let Some(&known) = self.ids.get(&set) {
            return known;
        }
        let new = self.sets.len() as SetId;
        self.sets.push(set.clone());
        self.ids.insert(set, new);
        new
    }
}

/// A move from one state to another.
#[derive(Debug, Clone, Copy)]
struct Move {
    /// Whether the move breaches some rule critically.
    critical: bool,
    /// The decision and option, for a choice; its points are in the option table.
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
    // Reversed, so the first definition of a duplicated id wins, as in `step_indices`.
    let step_of: HashMap<&str, usize> = scenario
        .steps
        .iter()
        .enumerate()
        .rev()
        .map(|(i, s)| (s.id(), i))
        .collect();
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
    let width = rulesets.len();
    // Per rule id: `None` if the catalogue does not know it (it is ignored), else the
    // position of its ruleset among the scenario's, if there. A scenario names few rules
    // many times over.
    let mut rule_slots: HashMap<&str, Option<Option<usize>>> = HashMap::new();
    // What each option scores, worked out once rather than on every state that offers it,
    // in one flat table: `width` points per option, options numbered from `option_base`.
    let mut option_base = vec![0usize; scenario.steps.len()];
    let mut option_points: Vec<i64> = Vec::new();
    let mut option_critical: Vec<bool> = Vec::new();
    for (i, step) in scenario.steps.iter().enumerate() {
        option_base[i] = option_critical.len();
        let Step::Decision(d) = step else {
            continue;
        };
        for option in &d.options {
            let row = option_points.len();
            option_points.resize(row + width, 0);
            let mut critical = false;
            for e in &option.effects {
                let slot = *rule_slots.entry(e.rule()).or_insert_with(|| {
                    catalog
                        .rule(e.rule())
                        .map(|(set, _)| rulesets.iter().position(|r| r == &set.id))
                });
                if let Some(slot) = slot {
                    if let Some(r) = slot {
                        option_points[row + r] += e.signed_points();
                    }
                    critical |= e.is_critical();
                }
            }
            option_critical.push(critical);
        }
    }
    let option_row = |(step, o): (usize, usize)| {
        let row = (option_base[step] + o) * width;
        &option_points[row..row + width]
    };
    let points = |m: &Move, r: usize| m.choice.map_or(0, |c| option_row(c)[r]);

    let mut sets = Sets::new();
    // Flag names of each flag set, for routes and option locks, built once per set.
    let mut flag_names_of: HashMap<SetId, BTreeSet<String>> = HashMap::new();
    let mut graph: DiGraph<Key, Move> = DiGraph::new();
    let mut index: HashMap<Key, NodeIndex> = HashMap::new();
    let first = Key {
        step: start,
        flags: 0,
        seen: 0,
        offered: 0,
    };
    let n = graph.add_node(first);
    index.insert(first, n);
    let mut queue = vec![n];
    let mut next: Vec<(Key, Move)> = Vec::new();
    while let Some(node) = queue.pop() {
        let key = graph[node];
        let flag_set = flag_names_of.entry(key.flags).or_insert_with(|| {
            sets.get(key.flags)
                .iter()
                .map(|&f| flag_names[f as usize].to_owned())
                .collect()
        });
        next.clear();
        let plain = Move {
            critical: false,
            choice: None,
        };
        match &scenario.steps[key.step] {
            Step::Scene(scene) => {
                let target = route(&scene.next, &scene.next_when, flag_set);
                let seen = sets.union(
                    key.seen,
                    scene
                        .cues
                        .iter()
                        .filter_map(|c| cue_ids.get(c.id.as_str()).copied()),
                );
                if let Some(&step) = step_of.get(target) {
                    if scene.variants.is_empty() {
                        next.push((Key { step, seen, ..key }, plain));
                    } else {
                        for variant in &scene.variants {
                            let seen = sets.union(
                                seen,
                                variant
                                    .cues
                                    .iter()
                                    .filter_map(|c| cue_ids.get(c.id.as_str()).copied()),
                            );
                            next.push((Key { step, seen, ..key }, plain));
                        }
                    }
                }
            }
            Step::Identify(identify) => {
                let target = route(&identify.next, &identify.next_when, flag_set);
                let seen = sets.get(key.seen).to_vec();
                let offered = sets.union(key.offered, seen);
                if let Some(&step) = step_of.get(target) {
                    next.push((
                        Key {
                            step,
                            offered,
                            ..key
                        },
                        plain,
                    ));
                }
            }
            Step::Decision(decision) => {
                let open: Vec<usize> = decision
                    .options
                    .iter()
                    .enumerate()
                    .filter(|(_, o)| o.is_unlocked(flag_set))
                    .map(|(o, _)| o)
                    .collect();
                if open.is_empty() {
                    out.locked_decisions
                        .push((decision.id.clone(), flag_set.iter().cloned().collect()));
                }
                for o in open {
                    let option = &decision.options[o];
                    let Some(&step) = step_of.get(option.next.as_str()) else {
                        continue;
                    };
                    let flags = sets.union(
                        key.flags,
                        option
                            .sets
                            .iter()
                            .filter_map(|f| flag_ids.get(f.as_str()).copied()),
                    );
                    next.push((
                        Key { step, flags, ..key },
                        Move {
                            critical: option_critical[option_base[key.step] + o],
                            choice: Some((key.step, o)),
                        },
                    ));
                }
            }
            Step::Ending(_) => {}
        }
        for &(k, m) in &next {
            let target = match index.get(&k) {
                Some(&t) => t,
                None => {
                    if index.len() >= limit {
                        out.truncated = true;
                        continue;
                    }
                    let t = graph.add_node(k);
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
            sets.get(k.offered)
                .iter()
                .fold((0, 0), |(best, worst), &c| {
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
            && let Some((step, option)) = m.choice
            && option_row((step, option)).iter().any(|p| *p != 0)
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
                        offer(points(m, r) + after);
                    }
                }
            }
            best[i] = v;
        }
        best[scc_of[0]]
    };
    for (r, ruleset) in rulesets.iter().enumerate() {
        // A ruleset listed twice has its points at its first place only (`points_of`): the
        // later place would overwrite its bounds with a zero-point walk.
        if out.best_without_critical.contains_key(ruleset) {
            continue;
        }
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
            let flags: Vec<String> = sets
                .get(k.flags)
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

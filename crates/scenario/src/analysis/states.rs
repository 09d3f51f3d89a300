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

use crate::model::bounds::ScoreBounds;
use crate::model::catalog::{Catalog, CueTag};
use crate::model::scenario::{Scenario, Step, route};

/// Most states explored before the analysis gives up and says so.
pub const DEFAULT_STATE_LIMIT: usize = 200_000;

/// A state: the step, and the flags set, cues seen and cues offered so far, each a set
/// interned in [`Sets`]. Copying and hashing four numbers keeps the walk cheap: most moves
/// leave the sets as they were.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Key {
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
pub(crate) struct Move {
    /// Whether the move breaches some rule critically.
    pub(crate) critical: bool,
    /// The decision and option, for a choice; its points are in the option table.
    pub(crate) choice: Option<(usize, usize)>,
    /// The scene variant drawn, for a move out of a scene with variants.
    pub(crate) variant: Option<usize>,
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

/// What each option scores under each of the scenario's rulesets, worked out once rather
/// than on every state that offers it, in one flat table.
pub(crate) struct OptionTable {
    /// Rulesets scored, in the scenario's order (the table's columns).
    width: usize,
    /// Per step, the number of the step's first option in the table.
    base: Vec<usize>,
    /// `width` points per option.
    points: Vec<i64>,
    /// Whether the option breaches any rule critically.
    critical: Vec<bool>,
}

impl OptionTable {
    fn new(scenario: &Scenario, catalog: &Catalog) -> OptionTable {
        let rulesets = &scenario.rulesets;
        let width = rulesets.len();
        // Per rule id: `None` if the catalogue does not know it (it is ignored), else the
        // position of its ruleset among the scenario's, if there. A scenario names few rules
        // many times over.
        let mut rule_slots: HashMap<&str, Option<Option<usize>>> = HashMap::new();
        let mut table = OptionTable {
            width,
            base: vec![0; scenario.steps.len()],
            points: Vec::new(),
            critical: Vec::new(),
        };
        for (i, step) in scenario.steps.iter().enumerate() {
            table.base[i] = table.critical.len();
            let Step::Decision(d) = step else {
                continue;
            };
            for option in &d.options {
                let row = table.points.len();
                table.points.resize(row + width, 0);
                let mut critical = false;
                for e in &option.effects {
                    let slot = *rule_slots.entry(e.rule()).or_insert_with(|| {
                        catalog
                            .rule(e.rule())
                            .map(|(set, _)| rulesets.iter().position(|r| r == &set.id))
                    });
                    if let Some(slot) = slot {
                        if let Some(r) = slot {
                            table.points[row + r] += e.signed_points();
                        }
                        critical |= e.is_critical();
                    }
                }
                table.critical.push(critical);
            }
        }
        table
    }

    /// Points of option `o` of decision step `step`, one per ruleset.
    pub(crate) fn row(&self, (step, o): (usize, usize)) -> &[i64] {
        let row = (self.base[step] + o) * self.width;
        &self.points[row..row + self.width]
    }

    /// Whether option `o` of decision step `step` breaches a rule critically.
    pub(crate) fn critical(&self, (step, o): (usize, usize)) -> bool {
        self.critical[self.base[step] + o]
    }

    /// Points of a move under the ruleset in column `r`: 0 for a move that is no choice.
    pub(crate) fn points(&self, m: &Move, r: usize) -> i64 {
        m.choice.map_or(0, |c| self.row(c)[r])
    }
}

/// The state graph of a scenario: every state reachable from the start, and every move.
pub(crate) struct StateGraph<'s> {
    scenario: &'s Scenario,
    /// States and moves; node 0 is the start.
    pub(crate) graph: DiGraph<Key, Move>,
    sets: Sets,
    flag_names: Vec<&'s str>,
    cue_list: Vec<&'s str>,
    /// Option points and critical breaches.
    pub(crate) options: OptionTable,
    /// Decisions reached with every option locked: (decision id, flags set then).
    pub(crate) locked_decisions: Vec<(String, Vec<String>)>,
    /// True when the state limit was reached: the graph is then only part of the whole.
    pub(crate) truncated: bool,
}

impl<'s> StateGraph<'s> {
    /// Walks every state reachable from the start, up to `limit` states. A scenario whose
    /// start step does not exist has an empty graph.
    pub(crate) fn build(scenario: &'s Scenario, catalog: &Catalog, limit: usize) -> StateGraph<'s> {
        let mut out = StateGraph {
            scenario,
            graph: DiGraph::new(),
            sets: Sets::new(),
            flag_names: Vec::new(),
            cue_list: Vec::new(),
            options: OptionTable::new(scenario, catalog),
            locked_decisions: Vec::new(),
            truncated: false,
        };
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
        let mut cue_ids: HashMap<&str, u32> = HashMap::new();
        for cue in scenario.all_cues() {
            cue_ids.entry(cue.id.as_str()).or_insert_with(|| {
                out.cue_list.push(cue.id.as_str());
                (out.cue_list.len() - 1) as u32
            });
        }
        // Every flag a state can hold is set by some option: intern them all up front.
        let mut flag_ids: HashMap<&str, u32> = HashMap::new();
        for step in &scenario.steps {
            if let Step::Decision(d) = step {
                for f in d.options.iter().flat_map(|o| o.sets.iter()) {
                    flag_ids.entry(f.as_str()).or_insert_with(|| {
                        out.flag_names.push(f.as_str());
                        (out.flag_names.len() - 1) as u32
                    });
                }
            }
        }

        let sets = &mut out.sets;
        let graph = &mut out.graph;
        // Flag names of each flag set, for routes and option locks, built once per set.
        let mut flag_names_of: HashMap<SetId, BTreeSet<String>> = HashMap::new();
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
                    .map(|&f| out.flag_names[f as usize].to_owned())
                    .collect()
            });
            next.clear();
            let plain = Move {
                critical: false,
                choice: None,
                variant: None,
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
                            for (v, variant) in scene.variants.iter().enumerate() {
                                let seen = sets.union(
                                    seen,
                                    variant
                                        .cues
                                        .iter()
                                        .filter_map(|c| cue_ids.get(c.id.as_str()).copied()),
                                );
                                let drawn = Move {
                                    variant: Some(v),
                                    ..plain
                                };
                                next.push((Key { step, seen, ..key }, drawn));
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
                    // The prompt's cues are seen whichever option is chosen.
                    let seen = sets.union(
                        key.seen,
                        decision
                            .cues
                            .iter()
                            .filter_map(|c| cue_ids.get(c.id.as_str()).copied()),
                    );
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
                            Key {
                                step,
                                flags,
                                seen,
                                ..key
                            },
                            Move {
                                critical: out.options.critical((key.step, o)),
                                choice: Some((key.step, o)),
                                variant: None,
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
        out.locked_decisions.sort();
        out.locked_decisions.dedup();
        out
    }

    /// The start state (the graph is empty when the start step does not exist).
    pub(crate) fn start(&self) -> Option<NodeIndex> {
        (self.graph.node_count() > 0).then(|| NodeIndex::new(0))
    }

    /// The step index of a state.
    pub(crate) fn step(&self, n: NodeIndex) -> usize {
        self.graph[n].step
    }

    /// Whether a state is at an ending.
    pub(crate) fn is_ending(&self, n: NodeIndex) -> bool {
        matches!(self.scenario.steps[self.graph[n].step], Step::Ending(_))
    }

    /// The flags set in a state, by name.
    pub(crate) fn flags(&self, n: NodeIndex) -> Vec<String> {
        self.sets
            .get(self.graph[n].flags)
            .iter()
            .map(|&f| self.flag_names[f as usize].to_owned())
            .collect()
    }

    /// The interned set of cues offered for flagging in a state: equal ids, equal sets.
    pub(crate) fn offered_set(&self, n: NodeIndex) -> u32 {
        self.graph[n].offered
    }

    /// The cue ids offered for flagging in a state.
    pub(crate) fn offered_cues(&self, n: NodeIndex) -> impl Iterator<Item = &'s str> + '_ {
        self.sets
            .get(self.graph[n].offered)
            .iter()
            .map(|&c| self.cue_list[c as usize])
    }

    /// The strongly connected components in reverse topological order (endings first), and
    /// the component of each state.
    pub(crate) fn components(&self) -> (Vec<Vec<NodeIndex>>, Vec<usize>) {
        let sccs = petgraph::algo::tarjan_scc(&self.graph);
        let mut scc_of = vec![0usize; self.graph.node_count()];
        for (i, scc) in sccs.iter().enumerate() {
            for n in scc {
                scc_of[n.index()] = i;
            }
        }
        (sccs, scc_of)
    }
}

/// Builds and analyses the state graph of a scenario whose step references are valid.
pub fn analyse(scenario: &Scenario, catalog: &Catalog, limit: usize) -> Analysis {
    let states = StateGraph::build(scenario, catalog, limit);
    let mut out = Analysis {
        states: states.graph.node_count(),
        truncated: states.truncated,
        locked_decisions: states.locked_decisions.clone(),
        ..Analysis::default()
    };
    if states.start().is_none() {
        return out;
    }
    let (sccs, scc_of) = states.components();
    out.loops_with_points = loops_with_points(&states, &scc_of);
    scores(&states, catalog, &sccs, &scc_of, &mut out);
    out.traps = traps(&states, &sccs, &scc_of, &out);
    out
}

/// Options with points on a move inside one component: they can be repeated.
fn loops_with_points(states: &StateGraph<'_>, scc_of: &[usize]) -> Vec<(String, String)> {
    let graph = &states.graph;
    let mut farming = BTreeSet::new();
    for edge in graph.edge_indices() {
        let Some((a, b)) = graph.edge_endpoints(edge) else {
            continue;
        };
        if scc_of[a.index()] == scc_of[b.index()]
            && let Some(choice) = graph[edge].choice
            && states.options.row(choice).iter().any(|p| *p != 0)
        {
            farming.insert(choice);
        }
    }
    farming
        .into_iter()
        .filter_map(|(step, option)| match &states.scenario.steps[step] {
            Step::Decision(d) => Some((d.id.clone(), d.options[option].id.clone())),
            _ => None,
        })
        .collect()
}

/// Best and worst raw scores per ruleset, and the best without a critical breach.
fn scores(
    states: &StateGraph<'_>,
    catalog: &Catalog,
    sccs: &[Vec<NodeIndex>],
    scc_of: &[usize],
    out: &mut Analysis,
) {
    let scenario = states.scenario;
    let graph = &states.graph;
    // Identification at an ending: best flags every true indicator offered, worst flags
    // every red herring and nothing else.
    let weights: Vec<(i64, i64)> = states
        .cue_list
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
            states
                .sets
                .get(k.offered)
                .iter()
                .fold((0, 0), |(best, worst), &c| {
                    let (b, w) = weights[c as usize];
                    (best + b, worst + w)
                })
        })
    };

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
                        offer(states.options.points(m, r) + after);
                    }
                }
            }
            best[i] = v;
        }
        best[scc_of[0]]
    };
    for (r, ruleset) in scenario.rulesets.iter().enumerate() {
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
}

/// Steps reached in a state from which no ending can be reached, once per step.
fn traps(
    states: &StateGraph<'_>,
    sccs: &[Vec<NodeIndex>],
    scc_of: &[usize],
    out: &Analysis,
) -> Vec<(String, Vec<String>)> {
    let scenario = states.scenario;
    let graph = &states.graph;
    let mut alive = vec![false; sccs.len()];
    for (i, scc) in sccs.iter().enumerate() {
        alive[i] = scc.iter().any(|&n| {
            states.is_ending(n)
                || graph.neighbors(n).any(|t| {
                    let j = scc_of[t.index()];
                    j != i && alive[j]
                })
        });
    }
    let mut reported = BTreeSet::new();
    let mut traps = Vec::new();
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
            traps.push((scenario.steps[k.step].id().to_owned(), states.flags(n)));
        }
    }
    traps
}

/// Per step, the best total score under `ruleset` of any attempt that goes through it, with
/// perfect identification (every true indicator offered is flagged): points earned on the
/// way there plus the best still to come. Steps no attempt reaches are left out; `None`
/// when the ruleset is not scored or the state graph is too large to walk whole.
pub fn best_through_steps(
    scenario: &Scenario,
    catalog: &Catalog,
    ruleset: &str,
    limit: usize,
) -> Option<BTreeMap<String, i64>> {
    let r = scenario.rulesets.iter().position(|x| x == ruleset)?;
    let states = StateGraph::build(scenario, catalog, limit);
    if states.truncated {
        return None;
    }
    let start = states.start()?;
    let graph = &states.graph;
    let (sccs, scc_of) = states.components();
    let weights: Vec<i64> = states
        .cue_list
        .iter()
        .map(
            |id| match scenario.cue(id).and_then(|c| catalog.cue_tag(&c.indicator)) {
                Some(CueTag::Indicator(i)) => i.weight.points(),
                _ => 0,
            },
        )
        .collect();
    use petgraph::visit::EdgeRef;
    // Moves inside a component carry no points (validation refuses point-farming loops), so
    // every state of a component shares its values.
    let mut ahead: Vec<Option<i64>> = vec![None; sccs.len()];
    for (i, scc) in sccs.iter().enumerate() {
        let mut best: Option<i64> = None;
        for &n in scc {
            if states.is_ending(n) {
                let ident = states
                    .sets
                    .get(graph[n].offered)
                    .iter()
                    .map(|&c| weights[c as usize])
                    .sum::<i64>();
                best = best.max(Some(ident));
            }
            for edge in graph.edges(n) {
                let j = scc_of[edge.target().index()];
                if j != i
                    && let Some(after) = ahead[j]
                {
                    best = best.max(Some(states.options.points(edge.weight(), r) + after));
                }
            }
        }
        ahead[i] = best;
    }
    let mut behind: Vec<Option<i64>> = vec![None; sccs.len()];
    behind[scc_of[start.index()]] = Some(0);
    // tarjan_scc lists components with the ones leading nowhere first: walk it backwards.
    for (i, scc) in sccs.iter().enumerate().rev() {
        let Some(here) = behind[i] else {
            continue;
        };
        for &n in scc {
            for edge in graph.edges(n) {
                let j = scc_of[edge.target().index()];
                if j != i {
                    let there = here + states.options.points(edge.weight(), r);
                    behind[j] = behind[j].max(Some(there));
                }
            }
        }
    }
    let mut out: BTreeMap<String, i64> = BTreeMap::new();
    for n in graph.node_indices() {
        let i = scc_of[n.index()];
        if let (Some(b), Some(a)) = (behind[i], ahead[i]) {
            let id = scenario.steps[states.step(n)].id().to_owned();
            let best = out.entry(id).or_insert(b + a);
            *best = (*best).max(b + a);
        }
    }
    Some(out)
}

//! Import circles: the strongly connected sets of a crate's module graph (Tarjan), each shown
//! as one circle through it with the place each step is made.
use crate::modules::{Crate, Edge, ModId};
use std::collections::BTreeMap;

/// One line per circle: `a -> b (a.rs:12 `crate::b::f`) -> a (b.rs:3 `super::a::g`)`.
pub fn circles(krate: &Crate, edges: &[Edge]) -> Vec<String> {
    let n = krate.modules.len();
    let mut out_edges: Vec<Vec<&Edge>> = vec![Vec::new(); n];
    for e in edges {
        out_edges[e.from].push(e);
    }
    strongly_connected(n, &out_edges)
        .into_iter()
        .filter(|set| set.len() > 1)
        .map(|set| describe(krate, &out_edges, &set))
        .collect()
}

/// Tarjan's algorithm, iterative (deep module trees must not overflow the stack).
fn strongly_connected(n: usize, out_edges: &[Vec<&Edge>]) -> Vec<Vec<ModId>> {
    let mut index: Vec<Option<usize>> = vec![None; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut sets = Vec::new();
    let mut next = 0;
    for start in 0..n {
        if index[start].is_some() {
            continue;
        }
        // (node, how many of its edges were followed)
        let mut work = vec![(start, 0usize)];
        index[start] = Some(next);
        low[start] = next;
        next += 1;
        stack.push(start);
        on_stack[start] = true;
        while let Some(&mut (v, ref mut i)) = work.last_mut() {
            if let Some(e) = out_edges[v].get(*i) {
                *i += 1;
                let w = e.to;
                match index[w] {
                    None => {
                        index[w] = Some(next);
                        low[w] = next;
                        next += 1;
                        stack.push(w);
                        on_stack[w] = true;
                        work.push((w, 0));
                    }
                    Some(iw) if on_stack[w] => low[v] = low[v].min(iw),
                    Some(_) => {}
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if Some(low[v]) == index[v] {
                let mut set = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    set.push(w);
                    if w == v {
                        break;
                    }
                }
                set.sort();
                sets.push(set);
            }
        }
    }
    sets
}

/// A shortest circle from the set's first module back to itself, within the set.
fn describe(krate: &Crate, out_edges: &[Vec<&Edge>], set: &[ModId]) -> String {
    let start = set[0];
    let mut came_from: BTreeMap<ModId, &Edge> = BTreeMap::new();
    let mut queue = std::collections::VecDeque::from([start]);
    let mut closing: Option<&Edge> = None;
    'search: while let Some(v) = queue.pop_front() {
        for e in &out_edges[v] {
            if !set.contains(&e.to) {
                continue;
            }
            if e.to == start {
                closing = Some(e);
                break 'search;
            }
            if let std::collections::btree_map::Entry::Vacant(slot) = came_from.entry(e.to) {
                slot.insert(e);
                queue.push_back(e.to);
            }
        }
    }
    let mut steps: Vec<&Edge> = Vec::new();
    if let Some(last) = closing {
        steps.push(last);
        let mut at = last.from;
        while at != start {
            let e = came_from[&at];
            steps.push(e);
            at = e.from;
        }
        steps.reverse();
    }
    let mut text = krate.modules[start].name();
    for e in steps {
        let file = krate.modules[e.from].file.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
        text.push_str(&format!(" -> {} ({file}:{} `{}`)", krate.modules[e.to].name(), e.line, e.text));
    }
    if set.len() > 2 {
        let all: Vec<String> = set.iter().map(|m| krate.modules[*m].name()).collect();
        text.push_str(&format!(" [the set: {}]", all.join(", ")));
    }
    text
}

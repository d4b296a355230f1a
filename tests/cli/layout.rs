//! The house rules of `src/` (issue 16): imports run downward only, so no file imports
//! one that imports it back, and every file opens with a `//!` comment saying its one
//! concern. A small reader of the sources rather than a cargo plugin: it takes every
//! `use` path and every `crate::`/`super::`/child-module path outside tests and
//! comments, resolves it to the file that defines it, and looks for cycles.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::util::root;

/// A file's module path: `src/lib.rs` is `[]`, `src/load/mod.rs` and `src/load.rs`
/// are `["load"]`, `src/load/ids.rs` is `["load", "ids"]`.
fn module_of(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).unwrap();
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let last = parts.pop().unwrap();
    let stem = last.trim_end_matches(".rs");
    let root_file = parts.is_empty() && matches!(stem, "lib" | "main");
    if stem != "mod" && !root_file {
        parts.push(stem.to_owned());
    }
    parts
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The code of a file without comments, string and char literals, and without the
/// `#[cfg(test)]` modules (which must come last in a file).
fn code_of(text: &str) -> String {
    let text = match text.find("#[cfg(test)]") {
        Some(i) => &text[..i],
        None => text,
    };
    let c: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < c.len() {
        match c[i] {
            '/' if c.get(i + 1) == Some(&'/') => {
                while i < c.len() && c[i] != '\n' {
                    i += 1;
                }
            }
            '/' if c.get(i + 1) == Some(&'*') => {
                i += 2;
                while i + 1 < c.len() && !(c[i] == '*' && c[i + 1] == '/') {
                    i += 1;
                }
                i += 2;
            }
            'r' if matches!(c.get(i + 1), Some('"') | Some('#'))
                && (i == 0 || !(c[i - 1].is_alphanumeric() || c[i - 1] == '_')) =>
            {
                // A raw string: r"…", r#"…"#.
                let mut j = i + 1;
                let mut hashes = 0;
                while c.get(j) == Some(&'#') {
                    hashes += 1;
                    j += 1;
                }
                if c.get(j) != Some(&'"') {
                    out.push(c[i]);
                    i += 1;
                    continue;
                }
                j += 1;
                loop {
                    if j >= c.len() {
                        break;
                    }
                    if c[j] == '"' && (1..=hashes).all(|k| c.get(j + k) == Some(&'#')) {
                        j += hashes + 1;
                        break;
                    }
                    j += 1;
                }
                out.push_str("\"\"");
                i = j;
            }
            '"' => {
                i += 1;
                while i < c.len() && c[i] != '"' {
                    if c[i] == '\\' {
                        i += 1;
                    }
                    i += 1;
                }
                i += 1;
                out.push_str("\"\"");
            }
            '\'' => {
                // A char literal ('x', '\n', '"'), or a lifetime ('a).
                if c.get(i + 1) == Some(&'\\') {
                    i += 2;
                    while i < c.len() && c[i] != '\'' {
                        i += 1;
                    }
                    i += 1;
                    out.push_str("' '");
                } else if c.get(i + 2) == Some(&'\'') {
                    i += 3;
                    out.push_str("' '");
                } else {
                    out.push('\'');
                    i += 1;
                }
            }
            ch => {
                out.push(ch);
                i += 1;
            }
        }
    }
    out
}

/// Expands a `use` tree (`a::{b, c::{d, e}}`) into its paths.
fn expand(tree: &str) -> Vec<String> {
    // `x as y` names x; white space means nothing else in a tree.
    let words: Vec<&str> = tree.split_whitespace().collect();
    let mut tree = String::new();
    let mut k = 0;
    while k < words.len() {
        if words[k] == "as" && k + 1 < words.len() {
            // Keep what follows the new name (`R},`).
            let next = words[k + 1];
            let cut = next
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(next.len());
            tree.push_str(&next[cut..]);
            k += 2;
            continue;
        }
        tree.push_str(words[k]);
        k += 1;
    }
    let Some(open) = tree.find('{') else {
        return vec![tree];
    };
    let prefix = &tree[..open];
    let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
    let mut items = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, ch) in inner.char_indices() {
        match ch {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items.push(&inner[start..]);
    items
        .into_iter()
        .filter(|s| !s.is_empty())
        .flat_map(|item| {
            expand(item)
                .into_iter()
                .map(move |p| format!("{prefix}{p}"))
        })
        .collect()
}

/// Every path a file's code names: `use` trees, and `crate::…`, `super::…`,
/// `self::…` and `child::…` paths in expressions and types.
fn paths_in(code: &str, children: &BTreeSet<String>) -> Vec<String> {
    let mut out = Vec::new();
    let b = code.as_bytes();
    let ident = |ch: u8| ch.is_ascii_alphanumeric() || ch == b'_';
    let mut i = 0;
    while i < b.len() {
        if !ident(b[i]) || (i > 0 && (ident(b[i - 1]) || b[i - 1] == b':')) {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < b.len() && ident(b[j]) {
            j += 1;
        }
        let word = &code[i..j];
        if word == "use" && j < b.len() && b[j].is_ascii_whitespace() {
            let end = code[j..].find(';').map_or(code.len(), |k| j + k);
            out.extend(expand(&code[j..end]));
            i = end;
            continue;
        }
        if code[j..].starts_with("::")
            && (matches!(word, "crate" | "super" | "self") || children.contains(word))
        {
            let mut k = j;
            while code[k..].starts_with("::") && k + 2 < b.len() && ident(b[k + 2]) {
                k += 2;
                while k < b.len() && ident(b[k]) {
                    k += 1;
                }
            }
            out.push(code[i..k].to_owned());
            i = k;
            continue;
        }
        i = j;
    }
    out
}

/// The file a path names, from the file whose module is `here`: the deepest module
/// along the path that has a file. None for other crates and for names in `here`.
fn resolve(
    path: &str,
    here: &[String],
    files: &BTreeMap<Vec<String>, PathBuf>,
    macros: &BTreeMap<String, Vec<String>>,
) -> Option<Vec<String>> {
    let segs: Vec<&str> = path.split("::").filter(|s| !s.is_empty()).collect();
    let (mut module, rest): (Vec<String>, &[&str]) = match segs.first()? {
        &"crate" => (Vec::new(), &segs[1..]),
        &"self" => (here.to_vec(), &segs[1..]),
        &"super" => {
            let mut m = here.to_vec();
            let mut n = 0;
            while segs.get(n) == Some(&"super") {
                m.pop();
                n += 1;
            }
            (m, &segs[n..])
        }
        first => {
            let mut child = here.to_vec();
            child.push((*first).to_owned());
            if !files.contains_key(&child) {
                return None;
            }
            (here.to_vec(), &segs[..])
        }
    };
    // `crate::some_macro!`: a #[macro_export] macro lives where it is defined.
    if module.is_empty()
        && let [name] = rest
        && let Some(m) = macros.get(*name)
    {
        return Some(m.clone());
    }
    for s in rest {
        module.push((*s).to_owned());
        if !files.contains_key(&module) {
            module.pop();
            break;
        }
    }
    Some(module)
}

fn name(m: &[String]) -> String {
    if m.is_empty() {
        "crate".into()
    } else {
        m.join("::")
    }
}

/// Every file's imports, as module paths.
fn import_graph() -> BTreeMap<Vec<String>, BTreeSet<Vec<String>>> {
    let src = root().join("src");
    let mut list = Vec::new();
    rust_files(&src, &mut list);
    let mut files = BTreeMap::new();
    let mut codes = BTreeMap::new();
    let mut macros = BTreeMap::new();
    for f in list {
        if f.ends_with("main.rs") {
            continue;
        }
        let m = module_of(&src, &f);
        let code = code_of(&std::fs::read_to_string(&f).unwrap());
        for (k, _) in code.match_indices("macro_rules!") {
            let name: String = code[k + 12..]
                .trim_start()
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            macros.insert(name, m.clone());
        }
        codes.insert(m.clone(), code);
        files.insert(m, f);
    }
    let mut graph = BTreeMap::new();
    for (m, code) in &codes {
        let children: BTreeSet<String> = files
            .keys()
            .filter(|k| k.len() == m.len() + 1 && k.starts_with(m))
            .map(|k| k[m.len()].clone())
            .collect();
        let mut deps = BTreeSet::new();
        for p in paths_in(code, &children) {
            // A `mod x;` line declares a child; it imports nothing.
            if let Some(to) = resolve(&p, m, &files, &macros)
                && &to != m
            {
                deps.insert(to);
            }
        }
        graph.insert(m.clone(), deps);
    }
    graph
}

/// A cycle through `from`, if any: the files in order, back to `from`.
fn cycle_through(
    from: &Vec<String>,
    graph: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
) -> Option<Vec<Vec<String>>> {
    // Breadth-first from `from`'s imports back to `from`, keeping the way taken.
    let mut came: BTreeMap<Vec<String>, Vec<String>> = BTreeMap::new();
    let mut queue: std::collections::VecDeque<Vec<String>> = graph[from].iter().cloned().collect();
    for n in &queue {
        came.insert(n.clone(), from.clone());
    }
    while let Some(n) = queue.pop_front() {
        if &n == from {
            let mut way = vec![from.clone()];
            let mut at = came[from].clone();
            while &at != from {
                way.push(at.clone());
                at = came[&at].clone();
            }
            way.push(from.clone());
            way.reverse();
            return Some(way);
        }
        for next in graph.get(&n).into_iter().flatten() {
            if !came.contains_key(next) {
                came.insert(next.clone(), n.clone());
                queue.push_back(next.clone());
            }
        }
    }
    None
}

#[test]
fn no_module_imports_one_that_imports_it_back() {
    let graph = import_graph();
    assert!(graph.len() > 30, "{} files read", graph.len());
    // The reader finds what it should: known downward imports.
    let edge = |a: &str, b: &str| {
        let key = |s: &str| -> Vec<String> {
            if s == "crate" {
                Vec::new()
            } else {
                s.split("::").map(str::to_owned).collect()
            }
        };
        graph[&key(a)].contains(&key(b))
    };
    assert!(edge("cli", "report"), "cli imports report");
    assert!(edge("eval", "model"), "eval imports model");
    let mut cycles = BTreeSet::new();
    for m in graph.keys() {
        if let Some(way) = cycle_through(m, &graph) {
            // One line per cycle, whichever file it was found from.
            let mut names: Vec<String> = way[..way.len() - 1].iter().map(|m| name(m)).collect();
            let first = names
                .iter()
                .enumerate()
                .min_by_key(|(_, n)| n.as_str())
                .map_or(0, |(i, _)| i);
            names.rotate_left(first);
            names.push(names[0].clone());
            cycles.insert(names.join(" → "));
        }
    }
    assert!(
        cycles.is_empty(),
        "modules that import each other:\n{}",
        cycles.into_iter().collect::<Vec<_>>().join("\n")
    );
}

#[test]
fn every_source_file_says_its_one_concern() {
    let src = root().join("src");
    let mut list = Vec::new();
    rust_files(&src, &mut list);
    let mut bad = Vec::new();
    for f in &list {
        let text = std::fs::read_to_string(f).unwrap();
        let lines = text.lines().count();
        let limit = if f.starts_with(src.join("load")) {
            650
        } else {
            950
        };
        let rel = f.strip_prefix(&src).unwrap().display().to_string();
        if !text.starts_with("//!") {
            bad.push(format!("{rel}: no `//!` comment on its first line"));
        }
        if lines > limit {
            bad.push(format!("{rel}: {lines} lines (at most about {limit})"));
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn the_reader_resolves_paths_and_finds_cycles() {
    // The reader's own pieces, on made-up text.
    assert_eq!(
        expand(" super::{Plan, parse::{Keys, Refs as R}, quota}"),
        vec![
            "super::Plan",
            "super::parse::Keys",
            "super::parse::Refs",
            "super::quota"
        ]
    );
    let code = code_of(
        "use a::b; // crate::x::y\nlet s = \"crate::z\"; let c = '\"'; crate::w::v();\n#[cfg(test)]\nmod tests { use crate::t; }",
    );
    let children = BTreeSet::from(["b".to_owned()]);
    assert_eq!(paths_in(&code, &children), vec!["a::b", "crate::w::v"]);
    let m = |s: &str| -> Vec<String> { s.split("::").map(str::to_owned).collect() };
    let graph = BTreeMap::from([
        (m("a"), BTreeSet::from([m("b")])),
        (m("b"), BTreeSet::from([m("c")])),
        (m("c"), BTreeSet::from([m("a")])),
        (m("d"), BTreeSet::from([m("a")])),
    ]);
    assert_eq!(
        cycle_through(&m("a"), &graph),
        Some(vec![m("a"), m("b"), m("c"), m("a")])
    );
    assert_eq!(cycle_through(&m("d"), &graph), None);
}

//! The module level: one crate root's module tree (following `mod` declarations and `#[path]`
//! as the compiler does), every path each module names (`use` trees, paths in code and types,
//! paths inside macro invocations and `macro_rules!` bodies), and those paths resolved to the
//! modules they reach, re-exports (`pub use`) followed to where an item is defined.
use anyhow::{Context, Result, anyhow};
use proc_macro2::{TokenStream, TokenTree};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use syn::visit::Visit;

/// A module's index in [`Crate::modules`].
pub type ModId = usize;

/// A path a module names, where it names it.
#[derive(Clone, Debug)]
pub struct Reference {
    pub segments: Vec<String>,
    pub line: usize,
}

/// One `use` of a module: the name it binds (`None` for a glob) and the path it imports.
#[derive(Clone, Debug)]
pub struct Import {
    pub name: Option<String>,
    pub segments: Vec<String>,
}

/// One module: a file or an inline `mod name { ... }`.
#[derive(Debug)]
pub struct Module {
    /// Its path from the crate root (empty for the root).
    pub path: Vec<String>,
    pub file: PathBuf,
    pub parent: Option<ModId>,
    pub children: Vec<(String, ModId)>,
    pub imports: Vec<Import>,
    pub references: Vec<Reference>,
}

impl Module {
    /// `crate::a::b`, as messages name it.
    pub fn name(&self) -> String {
        if self.path.is_empty() { "crate".into() } else { self.path.join("::") }
    }

    fn child(&self, name: &str) -> Option<ModId> {
        self.children.iter().find(|(n, _)| n == name).map(|(_, id)| *id)
    }
}

/// An edge of the module graph: `from` names `to`, first at `line` of `from`'s file.
#[derive(Clone, Debug)]
pub struct Edge {
    pub from: ModId,
    pub to: ModId,
    pub line: usize,
    pub text: String,
}

/// One crate root's modules.
#[derive(Debug)]
pub struct Crate {
    pub modules: Vec<Module>,
    /// What could not be read (a declared module without a file): reported as faults.
    pub problems: Vec<String>,
}

impl Crate {
    /// Reads the module tree from a crate root (`src/lib.rs`, `src/main.rs`, a `[[bin]]` path).
    pub fn read(root: &Path) -> Result<Crate> {
        let mut krate = Crate { modules: Vec::new(), problems: Vec::new() };
        let file = parse(root)?;
        // The root file and `mod.rs` files own the directory they are in.
        let dir = root.parent().unwrap_or(Path::new(".")).to_path_buf();
        krate.add(Vec::new(), root, None, &file.items, &dir)?;
        Ok(krate)
    }

    fn add(
        &mut self,
        path: Vec<String>,
        file: &Path,
        parent: Option<ModId>,
        items: &[syn::Item],
        dir: &Path,
    ) -> Result<ModId> {
        let id = self.modules.len();
        let mut collector = Collector::default();
        for item in items {
            collector.visit_item(item);
        }
        self.modules.push(Module {
            path: path.clone(),
            file: file.to_path_buf(),
            parent,
            children: Vec::new(),
            imports: collector.imports,
            references: collector.references,
        });
        if let Some(p) = parent {
            let name = path.last().cloned().unwrap_or_default();
            self.modules[p].children.push((name, id));
        }
        for item in items {
            let syn::Item::Mod(m) = item else { continue };
            let name = m.ident.to_string();
            let mut child_path = path.clone();
            child_path.push(name.clone());
            let explicit = path_attribute(&m.attrs);
            match &m.content {
                Some((_, inner)) => {
                    // An inline module's file children live in a folder named after it.
                    let child_dir = match &explicit {
                        Some(p) => dir.join(p),
                        None => dir.join(&name),
                    };
                    self.add(child_path, file, Some(id), inner, &child_dir)?;
                }
                None => {
                    let candidates = match &explicit {
                        Some(p) => vec![dir.join(p)],
                        None => vec![dir.join(format!("{name}.rs")), dir.join(&name).join("mod.rs")],
                    };
                    let Some(found) = candidates.iter().find(|c| c.is_file()) else {
                        self.problems.push(format!(
                            "module `{}` is declared in {} but none of {} exists",
                            child_path.join("::"),
                            file.display(),
                            candidates.iter().map(|c| c.display().to_string()).collect::<Vec<_>>().join(", ")
                        ));
                        continue;
                    };
                    let parsed = parse(found)?;
                    let is_mod_rs = found.file_name().is_some_and(|f| f == "mod.rs") || explicit.is_some();
                    let child_dir =
                        if is_mod_rs { found.parent().unwrap_or(dir).to_path_buf() } else { found.with_extension("") };
                    self.add(child_path, found, Some(id), &parsed.items, &child_dir)?;
                }
            }
        }
        Ok(id)
    }

    /// The module a path reaches from `from`, following child modules and `use` bindings;
    /// `None` when it leaves the crate (std, another crate) or names a local item only.
    pub fn resolve(&self, from: ModId, segments: &[String]) -> Option<ModId> {
        self.resolve_depth(from, segments, 0).map(|(m, _)| m)
    }

    /// The module reached, and whether every segment named a module (so a `use` of it binds a
    /// module that a longer path may continue from).
    fn resolve_depth(&self, from: ModId, segments: &[String], depth: usize) -> Option<(ModId, bool)> {
        if depth > 16 || segments.is_empty() {
            return None;
        }
        let mut rest = segments;
        let mut current = match rest[0].as_str() {
            "crate" | "$crate" => {
                rest = &rest[1..];
                0
            }
            "self" => {
                rest = &rest[1..];
                from
            }
            "super" => {
                let mut m = from;
                while rest.first().is_some_and(|s| s == "super") {
                    m = self.modules[m].parent?;
                    rest = &rest[1..];
                }
                m
            }
            first => {
                if let Some(child) = self.modules[from].child(first) {
                    rest = &rest[1..];
                    child
                } else if let Some(import) = self.binding(from, first) {
                    let (m, whole) = self.resolve_depth(from, &import.segments, depth + 1)?;
                    if !whole {
                        return Some((m, false));
                    }
                    rest = &rest[1..];
                    m
                } else {
                    return None;
                }
            }
        };
        while let Some(seg) = rest.first() {
            if let Some(child) = self.modules[current].child(seg) {
                current = child;
                rest = &rest[1..];
            } else if let Some(import) = self.binding(current, seg) {
                // A re-export: the item lives where the `use` points.
                let (m, whole) = self.resolve_depth(current, &import.segments, depth + 1)?;
                if !whole {
                    return Some((m, false));
                }
                current = m;
                rest = &rest[1..];
            } else {
                return Some((current, false));
            }
        }
        Some((current, true))
    }

    fn binding(&self, module: ModId, name: &str) -> Option<&Import> {
        self.modules[module].imports.iter().find(|i| i.name.as_deref() == Some(name))
    }

    /// Every reference from one module to another, one edge per (from, to) pair with the
    /// first place it is made.
    pub fn edges(&self) -> Vec<Edge> {
        let mut out: Vec<Edge> = Vec::new();
        let mut seen = BTreeSet::new();
        for (from, module) in self.modules.iter().enumerate() {
            for r in &module.references {
                let Some(to) = self.resolve(from, &r.segments) else { continue };
                if to != from && seen.insert((from, to)) {
                    out.push(Edge { from, to, line: r.line, text: r.segments.join("::") });
                }
            }
        }
        out
    }
}

impl Crate {
    /// The module at `path` from the root, if the crate has it.
    pub fn find(&self, path: &[String]) -> Option<ModId> {
        self.modules.iter().position(|m| m.path == path)
    }

    /// The child of `parent` whose subtree holds `m`, if any.
    fn child_holding(&self, parent: ModId, mut m: ModId) -> Option<ModId> {
        loop {
            let up = self.modules[m].parent?;
            if up == parent {
                return Some(m);
            }
            m = up;
        }
    }

    /// Every edge from one child (or its descendants) of the module at `parent` to another.
    pub fn siblings_naming_each_other(&self, parent: &[String], edges: &[Edge]) -> Vec<String> {
        let Some(p) = self.find(parent) else { return Vec::new() };
        let mut out = Vec::new();
        for e in edges {
            let (Some(a), Some(b)) = (self.child_holding(p, e.from), self.child_holding(p, e.to)) else { continue };
            if a != b {
                let file = self.modules[e.from].file.file_name().map(|f| f.to_string_lossy().into_owned());
                out.push(format!(
                    "{} names {} ({}:{} `{}`): the children of {} are separate and share through other modules",
                    self.modules[a].name(),
                    self.modules[b].name(),
                    file.unwrap_or_default(),
                    e.line,
                    e.text,
                    self.modules[p].name()
                ));
            }
        }
        out
    }
}

fn parse(path: &Path) -> Result<syn::File> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    syn::parse_file(&text).map_err(|e| {
        let at = e.span().start();
        anyhow!("{}:{}:{}: does not parse as Rust: {e}", path.display(), at.line, at.column + 1)
    })
}

/// `#[path = "..."]` on a module.
fn path_attribute(attrs: &[syn::Attribute]) -> Option<String> {
    attrs.iter().find_map(|a| {
        let syn::Meta::NameValue(nv) = &a.meta else { return None };
        if !nv.path.is_ident("path") {
            return None;
        }
        match &nv.value {
            syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) => Some(s.value()),
            _ => None,
        }
    })
}

/// Collects a module's own imports and references; child modules are modules of their own.
#[derive(Default)]
struct Collector {
    imports: Vec<Import>,
    references: Vec<Reference>,
}

impl Collector {
    fn use_tree(&mut self, prefix: &mut Vec<String>, tree: &syn::UseTree, line: usize) {
        match tree {
            syn::UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                self.use_tree(prefix, &p.tree, line);
                prefix.pop();
            }
            syn::UseTree::Name(n) => {
                let name = n.ident.to_string();
                let mut segments = prefix.clone();
                // `use a::b::{self}` binds `b`.
                let bound = if name == "self" { prefix.last().cloned() } else { Some(name.clone()) };
                if name != "self" {
                    segments.push(name);
                }
                self.import(bound, segments, line);
            }
            syn::UseTree::Rename(r) => {
                let mut segments = prefix.clone();
                if r.ident != "self" {
                    segments.push(r.ident.to_string());
                }
                self.import(Some(r.rename.to_string()), segments, line);
            }
            syn::UseTree::Glob(_) => self.import(None, prefix.clone(), line),
            syn::UseTree::Group(g) => {
                for t in &g.items {
                    self.use_tree(prefix, t, line);
                }
            }
        }
    }

    fn import(&mut self, name: Option<String>, segments: Vec<String>, line: usize) {
        if segments.is_empty() {
            return;
        }
        self.references.push(Reference { segments: segments.clone(), line });
        self.imports.push(Import { name, segments });
    }

    /// Paths in a token stream the parser does not expand (macro invocations, `macro_rules!`
    /// bodies): every run `a::b::c`, `$crate::x`, `::a::b` (extern: ignored later).
    fn tokens(&mut self, stream: TokenStream) {
        let tokens: Vec<TokenTree> = stream.into_iter().collect();
        let mut i = 0;
        while i < tokens.len() {
            match &tokens[i] {
                TokenTree::Group(g) => {
                    self.tokens(g.stream());
                    i += 1;
                }
                TokenTree::Ident(first) => {
                    let line = first.span().start().line;
                    let dollar = i > 0 && matches!(&tokens[i - 1], TokenTree::Punct(p) if p.as_char() == '$');
                    let mut segments = vec![if dollar { format!("${first}") } else { first.to_string() }];
                    let mut j = i + 1;
                    while j + 2 < tokens.len() && is_path_sep(&tokens, j) {
                        match &tokens[j + 2] {
                            TokenTree::Ident(next) => {
                                segments.push(next.to_string());
                                j += 3;
                            }
                            _ => break,
                        }
                    }
                    // A path with a `::` after a segment; a lone identifier names no module.
                    if segments.len() > 1 && !is_path_sep_before(&tokens, i) {
                        self.references.push(Reference { segments, line });
                    }
                    i = j.max(i + 1);
                }
                TokenTree::Punct(_) | TokenTree::Literal(_) => i += 1,
            }
        }
    }
}

/// `::` at `tokens[j..j + 2]`.
fn is_path_sep(tokens: &[TokenTree], j: usize) -> bool {
    matches!((&tokens[j], &tokens[j + 1]), (TokenTree::Punct(a), TokenTree::Punct(b))
        if a.as_char() == ':' && b.as_char() == ':' && a.spacing() == proc_macro2::Spacing::Joint)
}

/// A `::` right before `tokens[i]` (a path that starts at the extern root).
fn is_path_sep_before(tokens: &[TokenTree], i: usize) -> bool {
    i >= 2 && is_path_sep(tokens, i - 2)
}

impl<'ast> Visit<'ast> for Collector {
    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        // Its attributes belong to this module's source; its content is a module of its own.
        for a in &m.attrs {
            self.visit_attribute(a);
        }
    }

    fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
        let line = u.use_token.span.start().line;
        let mut prefix = Vec::new();
        if u.leading_colon.is_some() {
            // `use ::name::...` is an extern crate.
            return;
        }
        self.use_tree(&mut prefix, &u.tree, line);
    }

    fn visit_path(&mut self, p: &'ast syn::Path) {
        if p.leading_colon.is_none() && p.segments.len() > 1 {
            let segments: Vec<String> = p.segments.iter().map(|s| s.ident.to_string()).collect();
            let line = p.segments.first().map(|s| s.ident.span().start().line).unwrap_or(0);
            self.references.push(Reference { segments, line });
        }
        syn::visit::visit_path(self, p);
    }

    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        self.visit_path(&m.path);
        self.tokens(m.tokens.clone());
    }
}

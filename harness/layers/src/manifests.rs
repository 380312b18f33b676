//! The crate level: the workspace's members and drivers as their manifests say, the layer
//! table, the runtime crates the drivers declare, and the rules between them.
use anyhow::{Context, Result, anyhow, bail};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Where a crate stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A workspace member under `harness/`.
    Harness,
    /// Any other workspace member (the guest workloads).
    Workload,
    /// A runtime driver: a cargo workspace of its own under the drivers folder.
    Driver,
}

/// One dependency as a manifest names it.
#[derive(Clone, Debug)]
pub struct Dependency {
    /// The crate's name (the `package = ...` of a renamed dependency).
    pub name: String,
    /// `dependencies`, `dev-dependencies`, `build-dependencies` (target tables included).
    pub section: String,
}

impl Dependency {
    /// Whether it is built into the crate itself (not only into its tests).
    pub fn is_build(&self) -> bool {
        !self.section.ends_with("dev-dependencies")
    }
}

/// One crate's manifest.
#[derive(Debug)]
pub struct Package {
    pub name: String,
    pub dir: PathBuf,
    /// Its folder relative to the tree (`harness/measure`, `harness/drivers/wasmi`).
    pub folder: String,
    pub kind: Kind,
    pub dependencies: Vec<Dependency>,
    manifest: toml::Table,
}

impl Package {
    fn load(root: &Path, dir: &Path, kind: Kind) -> Result<Package> {
        let path = dir.join("Cargo.toml");
        let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
        let manifest: toml::Table = text.parse().with_context(|| format!("{} is not valid TOML", path.display()))?;
        let name = manifest
            .get("package")
            .and_then(|p| p.get("name"))
            .and_then(|n| n.as_str())
            .ok_or_else(|| anyhow!("{} has no package name", path.display()))?
            .to_string();
        let mut dependencies = Vec::new();
        let mut read = |table: &toml::Table, prefix: &str| {
            for section in ["dependencies", "dev-dependencies", "build-dependencies"] {
                if let Some(deps) = table.get(section).and_then(|d| d.as_table()) {
                    for (key, spec) in deps {
                        let name = spec.get("package").and_then(|p| p.as_str()).unwrap_or(key).to_string();
                        dependencies.push(Dependency { name, section: format!("{prefix}{section}") });
                    }
                }
            }
        };
        read(&manifest, "");
        if let Some(targets) = manifest.get("target").and_then(|t| t.as_table()) {
            for (cfg, table) in targets {
                if let Some(table) = table.as_table() {
                    read(table, &format!("target.{cfg}."));
                }
            }
        }
        let folder = dir.strip_prefix(root).unwrap_or(dir).to_string_lossy().into_owned();
        Ok(Package { name, dir: dir.to_path_buf(), folder, kind, dependencies, manifest })
    }

    /// `[package.metadata.wasmgauge] <key>`.
    fn metadata(&self, key: &str) -> Option<&toml::Value> {
        self.manifest.get("package")?.get("metadata")?.get("wasmgauge")?.get(key)
    }

    /// The runtime crates (or npm packages) a driver declares; `None` when it declares none.
    pub fn declared_runtimes(&self) -> Option<Vec<String>> {
        let list = self.metadata("runtimes")?.as_array()?;
        Some(list.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
    }

    /// The roots of its crates: the library and every executable, as cargo finds them.
    pub fn roots(&self) -> Vec<PathBuf> {
        let mut roots = Vec::new();
        let lib = self.manifest.get("lib").and_then(|l| l.get("path")).and_then(|p| p.as_str());
        match lib {
            Some(p) => roots.push(self.dir.join(p)),
            None if self.dir.join("src/lib.rs").is_file() => roots.push(self.dir.join("src/lib.rs")),
            None => {}
        }
        let bins = self.manifest.get("bin").and_then(|b| b.as_array()).cloned().unwrap_or_default();
        let mut bin_paths: Vec<PathBuf> =
            bins.iter().filter_map(|b| b.get("path")?.as_str().map(|p| self.dir.join(p))).collect();
        if bin_paths.is_empty() && self.dir.join("src/main.rs").is_file() {
            bin_paths.push(self.dir.join("src/main.rs"));
        }
        roots.extend(bin_paths);
        roots
    }

    fn depends_on(&self, name: &str) -> bool {
        self.dependencies.iter().any(|d| d.name == name)
    }
}

/// The workspace, its drivers and the layer table.
pub struct Tree {
    pub root: PathBuf,
    pub packages: Vec<Package>,
    /// Layer table rows: a crate name (or a driver folder, `harness/drivers/*` for every
    /// driver) -> the crates of the workspace it may depend on.
    pub layers: BTreeMap<String, BTreeSet<String>>,
    /// The folder that holds the drivers.
    pub drivers_folder: String,
    /// `crate::module` paths whose child modules must not name one another
    /// (`[workspace.metadata.wasmgauge] separate`): e.g. the scenarios of `measure`.
    pub separate: Vec<(String, Vec<String>)>,
    /// Package names in the harness's own `Cargo.lock`.
    lock_packages: BTreeSet<String>,
}

/// Every subfolder of `dir` that has a `Cargo.toml`, sorted.
fn crate_dirs(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        if path.join("Cargo.toml").is_file() {
            out.push(path);
        }
    }
    out.sort();
    Ok(out)
}

impl Tree {
    pub fn load(root: &Path) -> Result<Tree> {
        let path = root.join("Cargo.toml");
        let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
        let top: toml::Table = text.parse().with_context(|| format!("{} is not valid TOML", path.display()))?;
        let workspace = top.get("workspace").ok_or_else(|| anyhow!("{} has no [workspace]", path.display()))?;
        let strings = |key: &str| -> Vec<String> {
            workspace
                .get(key)
                .and_then(|m| m.as_array())
                .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
                .unwrap_or_default()
        };
        let excluded: BTreeSet<PathBuf> = strings("exclude").iter().map(|e| root.join(e)).collect();
        let meta = workspace
            .get("metadata")
            .and_then(|m| m.get("wasmgauge"))
            .ok_or_else(|| anyhow!("{} has no [workspace.metadata.wasmgauge]", path.display()))?;
        let drivers_folder = meta
            .get("drivers")
            .and_then(|d| d.as_str())
            .ok_or_else(|| anyhow!("[workspace.metadata.wasmgauge] names no `drivers` folder"))?
            .to_string();
        let mut separate = Vec::new();
        for entry in meta.get("separate").and_then(|s| s.as_array()).into_iter().flatten() {
            let text = entry.as_str().ok_or_else(|| anyhow!("`separate` lists `crate::module` paths"))?;
            let (krate, module) =
                text.split_once("::").ok_or_else(|| anyhow!("`separate` entry `{text}` is not `crate::module`"))?;
            separate.push((krate.to_string(), module.split("::").map(str::to_string).collect()));
        }
        let mut layers = BTreeMap::new();
        for (name, allowed) in meta.get("layers").and_then(|l| l.as_table()).into_iter().flatten() {
            let allowed = allowed
                .as_array()
                .ok_or_else(|| anyhow!("layer row `{name}` is not a list of crates"))?
                .iter()
                .map(|v| v.as_str().map(str::to_string).ok_or_else(|| anyhow!("layer row `{name}`: not a name")))
                .collect::<Result<BTreeSet<_>>>()?;
            layers.insert(name.clone(), allowed);
        }
        if layers.is_empty() {
            bail!("[workspace.metadata.wasmgauge.layers] is missing or empty");
        }
        let mut packages = Vec::new();
        for member in strings("members") {
            let dirs = match member.strip_suffix("/*") {
                Some(parent) => crate_dirs(&root.join(parent))?,
                None => vec![root.join(&member)],
            };
            for dir in dirs.into_iter().filter(|d| !excluded.contains(d)) {
                let kind = if dir.starts_with(root.join("harness")) { Kind::Harness } else { Kind::Workload };
                packages.push(Package::load(root, &dir, kind)?);
            }
        }
        for dir in crate_dirs(&root.join(&drivers_folder))? {
            packages.push(Package::load(root, &dir, Kind::Driver)?);
        }
        let lock = std::fs::read_to_string(root.join("Cargo.lock")).unwrap_or_default();
        let lock_packages = lock
            .parse::<toml::Table>()
            .ok()
            .and_then(|t| t.get("package").and_then(|p| p.as_array()).cloned())
            .unwrap_or_default()
            .iter()
            .filter_map(|p| p.get("name").and_then(|n| n.as_str()).map(str::to_string))
            .collect();
        Ok(Tree { root: root.to_path_buf(), packages, layers, drivers_folder, separate, lock_packages })
    }

    fn members(&self) -> impl Iterator<Item = &Package> {
        self.packages.iter().filter(|p| p.kind != Kind::Driver)
    }

    fn is_member(&self, name: &str) -> bool {
        self.members().any(|p| p.name == name)
    }

    /// Every runtime crate the drivers declare, sorted.
    pub fn runtimes(&self) -> Vec<String> {
        let all: BTreeSet<String> = self
            .packages
            .iter()
            .filter(|p| p.kind == Kind::Driver)
            .flat_map(|p| p.declared_runtimes())
            .flatten()
            .collect();
        all.into_iter().collect()
    }

    /// The layer row that governs a crate: its name, or for a driver its folder, else the
    /// drivers' shared row.
    pub fn row_of(&self, package: &Package) -> Option<(&str, &BTreeSet<String>)> {
        let keys: Vec<String> = match package.kind {
            Kind::Driver => vec![package.folder.clone(), format!("{}/*", self.drivers_folder)],
            _ => vec![package.name.clone()],
        };
        keys.iter().find_map(|k| self.layers.get_key_value(k.as_str())).map(|(k, v)| (k.as_str(), v))
    }

    /// Every fault at the crate level.
    pub fn check(&self) -> Vec<String> {
        let mut errors = Vec::new();
        let runtimes = self.runtimes();
        let declared_by = |runtime: &str| {
            self.packages
                .iter()
                .filter(|p| p.declared_runtimes().is_some_and(|r| r.iter().any(|x| x == runtime)))
                .map(|p| p.folder.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        for key in self.layers.keys() {
            let is_driver_row = key.starts_with(&format!("{}/", self.drivers_folder));
            if !is_driver_row && !self.is_member(key) {
                errors.push(format!("the layer table has a row for `{key}`, which is no crate of the workspace"));
            }
        }
        for package in &self.packages {
            let who = format!("{} ({})", package.name, package.folder);
            match package.kind {
                Kind::Workload => {
                    for d in package.dependencies.iter().filter(|d| d.is_build()) {
                        if self.members().any(|p| p.name == d.name && p.kind == Kind::Harness) {
                            errors.push(format!(
                                "{who} depends on {}, a harness crate: workloads are the bottom layer",
                                d.name
                            ));
                        }
                    }
                }
                Kind::Harness | Kind::Driver => match self.row_of(package) {
                    None => errors
                        .push(format!("{who} has no row in the layer table ([workspace.metadata.wasmgauge.layers])")),
                    Some((row, allowed)) => {
                        for d in package.dependencies.iter().filter(|d| d.is_build()) {
                            if self.is_member(&d.name) && !allowed.contains(&d.name) {
                                errors.push(format!(
                                    "{who} depends on {} ({}), which its layer row `{row}` does not allow: a crate at its own layer or above",
                                    d.name, d.section
                                ));
                            }
                        }
                    }
                },
            }
            if package.kind == Kind::Driver {
                match package.declared_runtimes() {
                    None => errors.push(format!(
                        "{who} declares no runtimes ([package.metadata.wasmgauge] runtimes = [...], empty for none)"
                    )),
                    Some(list) => {
                        let npm = std::fs::read_to_string(package.dir.join("package.json")).unwrap_or_default();
                        for r in list {
                            if !package.depends_on(&r) && !npm.contains(&format!("\"{r}\"")) {
                                errors.push(format!(
                                    "{who} declares the runtime `{r}`, but neither its manifest nor its package.json names it"
                                ));
                            }
                        }
                    }
                }
            } else {
                for d in &package.dependencies {
                    if runtimes.contains(&d.name) {
                        errors.push(format!(
                            "{who} names the runtime crate {} in [{}] (declared by {}): runtimes belong in {}/",
                            d.name,
                            d.section,
                            declared_by(&d.name),
                            self.drivers_folder
                        ));
                    }
                }
            }
        }
        for r in &runtimes {
            if self.lock_packages.contains(r) {
                errors.push(format!(
                    "the workspace's Cargo.lock holds the runtime crate {r} (declared by {}): some harness crate pulls it in",
                    declared_by(r)
                ));
            }
        }
        errors
    }
}

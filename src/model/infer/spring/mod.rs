//! Spring configuration resolved the way Spring Boot resolves it: each service's own files
//! (`bootstrap.yml`, `application.yml` and their profile documents, `application-{profile}.yml`),
//! then what its configuration server serves it (`application.yml` and `{app}.yml` of the
//! repository, with their profiles), then its environment (`SPRING_DATASOURCE_URL` is
//! `spring.datasource.url`), and every `${placeholder}` expanded against the result. The
//! active profiles come from `SPRING_PROFILES_ACTIVE` in the deployment, else from the files.
//! A module that no deployment runs becomes a service of its own, named by
//! `spring.application.name` or its folder.

mod placeholders;
mod profiles;
mod sources;

use std::collections::{BTreeMap, BTreeSet};

use crate::load::appconfig::Setting;
use crate::load::imports::{AppConfigFile, Imports};
use crate::source::Span;

use super::classify::{Infra, Role};
use super::units::{Target, Unit, Units};
use placeholders::canonical_key;

/// What resolution found besides the settings: variables nothing sets, and notes.
#[derive(Debug, Default)]
pub struct Resolution {
    /// (variable, service, where it is used).
    pub unset: Vec<(String, String, Span)>,
    pub notes: Vec<String>,
    /// Services that import a configuration server whose repository the scan did not find.
    without_repository: BTreeSet<String>,
}

/// Resolves every service's Spring configuration into `Unit::settings`.
pub fn resolve(imports: &Imports, units: &mut Units, declared: &BTreeSet<String>) -> Resolution {
    let mut out = Resolution::default();
    let files = &imports.app_configs;
    let is_repository = |f: &AppConfigFile| {
        let dir = crate::load::canonical(&f.dir);
        imports.config_repositories.contains(&dir)
    };
    let repository: Vec<&AppConfigFile> = files.iter().filter(|f| is_repository(f)).collect();
    let mut owned: BTreeMap<usize, Vec<&AppConfigFile>> = BTreeMap::new();
    for file in files.iter().filter(|f| !is_repository(f)) {
        let owner = owner(units, file, declared);
        owned.entry(owner).or_default().push(file);
    }
    // A property that other values use as a placeholder and that holds a bare host name is a
    // variable (`app.auth-server: auth-server`), not a setting of its own: its uses draw the
    // edges. A full address used as a placeholder (`spring.cloud.config.uri`) is both.
    let variables: BTreeSet<String> = files
        .iter()
        .flat_map(|f| f.config.values())
        .flat_map(|(_, v, _)| placeholders::names(v))
        .map(|n| canonical_key(&n))
        .collect();
    for (index, local) in owned {
        resolve_unit(units, index, &local, &repository, &variables, &mut out);
    }
    let names: Vec<String> = std::mem::take(&mut out.without_repository)
        .iter()
        .map(|n| format!("`{n}`"))
        .collect();
    match names.len() {
        0 => {}
        1 => out.notes.push(format!(
            "{} imports its configuration from a configuration server whose repository the scan did not find; only its own files were read",
            names[0]
        )),
        _ => out.notes.push(format!(
            "{} import their configuration from a configuration server whose repository the scan did not find; only their own files were read",
            names.join(", ")
        )),
    }
    out
}

/// The unit that runs a configuration file, created when no deployment does.
fn owner(units: &mut Units, file: &AppConfigFile, declared: &BTreeSet<String>) -> usize {
    if let Some(i) = units.owner_by_context(&file.path) {
        return i;
    }
    let name = file.config.name.as_ref().map(|(n, _)| n.as_str());
    if let Some(i) = name.and_then(|n| units.hosts.get(&n.to_ascii_lowercase())?.unit) {
        return i;
    }
    if let Some(i) = units.owner_by_folder(&file.path) {
        return i;
    }
    if let Some(i) = units.owner_by_image(&module_name(&file.path)) {
        return i;
    }
    // A folder named after a service a manifest declares belongs to it.
    let manifest_folder = crate::load::canonical(&file.dir)
        .ancestors()
        .filter_map(|a| a.file_name().map(|n| n.to_string_lossy().into_owned()))
        .find(|n| declared.contains(n));
    let (name, span) = match (&file.config.name, manifest_folder) {
        (Some((n, s)), _) if !n.contains("${") => (n.clone(), *s),
        (_, Some(folder)) => (folder, Span::file_start(file.config.source)),
        _ => (
            module_name(&file.path),
            Span::file_start(file.config.source),
        ),
    };
    let mut unit = Unit::new(
        name.clone(),
        Role::Service,
        span,
        format!("Spring application {name}"),
    );
    unit.container = false;
    unit.addressable = true;
    let index = units.add(unit);
    units
        .hosts
        .entry(name.to_ascii_lowercase())
        .or_insert(Target {
            unit: Some(index),
            external: None,
            ports: BTreeMap::new(),
        });
    index
}

/// The module a configuration file belongs to: the folder above `src/main/resources`, else
/// the file's own folder.
fn module_name(path: &std::path::Path) -> String {
    let dir = path.parent().unwrap_or(path);
    let module = if dir.ends_with("src/main/resources") {
        dir.parent()
            .and_then(|p| p.parent())
            .and_then(|p| p.parent())
    } else {
        Some(dir)
    };
    module.and_then(|m| m.file_name()).map_or_else(
        || "application".to_owned(),
        |n| n.to_string_lossy().into_owned(),
    )
}

fn resolve_unit(
    units: &mut Units,
    index: usize,
    local: &[&AppConfigFile],
    repository: &[&AppConfigFile],
    variables: &BTreeSet<String>,
    out: &mut Resolution,
) {
    let unit = &units.units[index];
    let env: Vec<Setting> = unit.env.clone();
    let mut profile_sets: Vec<Vec<String>> = env
        .iter()
        .filter(|(k, _, _)| canonical_key(k) == "spring.profiles.active")
        .map(|(_, v, _)| profiles::parse_list(v))
        .collect();
    profile_sets.dedup();
    if profile_sets.is_empty() {
        let declared = sources::default_value(local, "spring.profiles.active");
        profile_sets.push(profiles::parse_list(declared.as_deref().unwrap_or("")));
    }
    let mut settings: Vec<Setting> = Vec::new();
    let mut app_name = None;
    for active in &profile_sets {
        let local_docs = sources::local(local, active);
        let local_merged = merge(&local_docs, &[]);
        let name = local_merged
            .get("spring.application.name")
            .map(|(_, v, _)| v.clone())
            .filter(|n| !n.contains("${"))
            .unwrap_or_else(|| units.units[index].name.clone());
        let imports_server = local_merged.iter().any(|(k, (_, v, _))| {
            (k == "spring.config.import" && v.contains("configserver:"))
                || k.starts_with("spring.cloud.config.uri")
        });
        let mut docs = local_docs;
        if imports_server {
            if repository.is_empty() {
                out.without_repository.insert(name.clone());
            }
            docs.extend(sources::repository(repository, &name, active));
        }
        let mut merged = merge(&docs, &env);
        drop_unused_binders(&mut merged);
        let service = &units.units[index].name;
        for (key, value, span) in expand_all(&merged, &env, variables, service, out) {
            if !settings.iter().any(|(k, v, _)| *k == key && *v == value) {
                settings.push((key, value, span));
            }
        }
        app_name.get_or_insert(name);
    }
    let unit = &mut units.units[index];
    if let Some(role) = role_of_settings(&settings)
        && unit.role == Role::Service
    {
        unit.role = role;
    }
    unit.gateway |= settings
        .iter()
        .any(|(k, _, _)| k.starts_with("spring.cloud.gateway.routes"));
    unit.settings.extend(settings);
    if let Some(name) = app_name {
        units
            .hosts
            .entry(name.to_ascii_lowercase())
            .or_insert(Target {
                unit: Some(index),
                external: None,
                ports: BTreeMap::new(),
            });
    }
}

/// The settings of `docs` in order, later ones overriding earlier ones, then the environment
/// over all of them: canonical key -> (key as written, value, position).
fn merge(docs: &[&Setting], env: &[Setting]) -> BTreeMap<String, Setting> {
    let mut merged: BTreeMap<String, Setting> = BTreeMap::new();
    for setting in docs.iter().copied().chain(env) {
        merged.insert(canonical_key(&setting.0), setting.clone());
    }
    merged
}

/// Every setting from the files (not the environment, read on its own), with placeholders
/// expanded; encrypted values (`{cipher}...`) and variables are left out.
fn expand_all(
    merged: &BTreeMap<String, Setting>,
    env: &[Setting],
    variables: &BTreeSet<String>,
    service: &str,
    out: &mut Resolution,
) -> Vec<Setting> {
    let lookup = |name: &str| {
        merged
            .get(&canonical_key(name))
            .map(|(_, v, _)| v.clone())
            .or_else(|| {
                env.iter()
                    .find(|(k, _, _)| k == name)
                    .map(|(_, v, _)| v.clone())
            })
    };
    let from_env = |s: &Setting| env.iter().any(|e| e.2 == s.2 && e.0 == s.0);
    let mut settings: Vec<Setting> = merged
        .values()
        .filter(|s| !from_env(s) && !s.1.starts_with("{cipher}"))
        .filter(|s| !(variables.contains(&canonical_key(&s.0)) && is_bare_word(&s.1)))
        .map(|(key, value, span)| {
            let (expanded, unset) = placeholders::expand(value, &lookup);
            for name in unset {
                out.unset.push((name, service.to_owned(), *span));
            }
            (key.clone(), expanded, *span)
        })
        .collect();
    settings.sort_by_key(|s| (s.2.source, s.2.offset));
    settings
}

/// A value that is one word, a host name without scheme or port: what a variable holds.
fn is_bare_word(value: &str) -> bool {
    !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'))
}

/// Spring Cloud Stream reads the settings of the binder it uses: with
/// `spring.cloud.stream.default-binder: rabbit`, the Kafka binder's brokers are not addresses
/// the service dials.
fn drop_unused_binders(merged: &mut BTreeMap<String, Setting>) {
    let Some((_, chosen, _)) = merged.get("spring.cloud.stream.defaultbinder") else {
        return;
    };
    let chosen = chosen.to_ascii_lowercase();
    merged.retain(|key, _| {
        ["kafka", "rabbit"]
            .iter()
            .filter(|b| **b != chosen)
            .all(|b| !key.starts_with(&format!("spring.cloud.stream.{b}.binder")))
    });
}

/// What a service's own settings say it is: a configuration server, service discovery.
fn role_of_settings(settings: &[Setting]) -> Option<Role> {
    let has = |prefix: &str| {
        settings
            .iter()
            .any(|(k, _, _)| canonical_key(k).starts_with(prefix))
    };
    let is_false = |key: &str| {
        settings
            .iter()
            .any(|(k, v, _)| canonical_key(k) == key && v.eq_ignore_ascii_case("false"))
    };
    if has("spring.cloud.config.server.") {
        Some(Role::Infrastructure(Infra::ConfigServer))
    } else if has("eureka.server.")
        || (is_false("eureka.client.registerwitheureka") && is_false("eureka.client.fetchregistry"))
    {
        Some(Role::Infrastructure(Infra::Discovery))
    } else {
        None
    }
}

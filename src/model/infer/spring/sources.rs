//! The documents that apply to a service, in Spring's order (later ones win): its own
//! `bootstrap` and `application` files with their active profile documents and
//! `application-{profile}` files; then, from a configuration server's repository,
//! `application`, `application-{profile}`, `{app}` and `{app}-{profile}`.

use crate::load::appconfig::Setting;
use crate::load::imports::AppConfigFile;

use super::placeholders::canonical_key;
use super::profiles;

/// A file's name without its extension.
fn stem(file: &AppConfigFile) -> String {
    let name = file
        .path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    [".yml", ".yaml", ".properties"]
        .iter()
        .find_map(|ext| name.strip_suffix(ext))
        .unwrap_or(&name)
        .to_owned()
}

/// The settings of a file's documents that `active` turns on, in order.
fn active_values<'a>(file: &'a AppConfigFile, active: &[String]) -> Vec<&'a Setting> {
    file.config
        .documents
        .iter()
        .filter(|d| {
            d.on_profile
                .as_deref()
                .is_none_or(|e| profiles::matches(e, active))
        })
        .flat_map(|d| d.values.iter())
        .collect()
}

/// The documents of the files named `base` and `base-{profile}`, in that order.
fn layered<'a>(files: &[&'a AppConfigFile], base: &str, active: &[String]) -> Vec<&'a Setting> {
    let base = base.to_ascii_lowercase();
    let mut out = Vec::new();
    for file in files
        .iter()
        .filter(|f| stem(f).to_ascii_lowercase() == base)
    {
        out.extend(active_values(file, active));
    }
    for profile in active {
        let name = format!("{base}-{}", profile.to_ascii_lowercase());
        for file in files
            .iter()
            .filter(|f| stem(f).to_ascii_lowercase() == name)
        {
            out.extend(active_values(file, active));
        }
    }
    out
}

/// A service's own files.
pub fn local<'a>(files: &[&'a AppConfigFile], active: &[String]) -> Vec<&'a Setting> {
    let mut out = layered(files, "bootstrap", active);
    out.extend(layered(files, "application", active));
    out
}

/// What a configuration server's repository serves the application `app`.
pub fn repository<'a>(
    files: &[&'a AppConfigFile],
    app: &str,
    active: &[String],
) -> Vec<&'a Setting> {
    let mut out = layered(files, "application", active);
    if !app.eq_ignore_ascii_case("application") {
        out.extend(layered(files, app, active));
    }
    out
}

/// A key's value in the profile-free documents of a service's own files.
pub fn default_value(files: &[&AppConfigFile], key: &str) -> Option<String> {
    files
        .iter()
        .flat_map(|f| f.config.documents.iter())
        .filter(|d| d.on_profile.is_none())
        .flat_map(|d| d.values.iter())
        .find(|(k, _, _)| canonical_key(k) == key)
        .map(|(_, v, _)| v.clone())
}

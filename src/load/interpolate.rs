//! `.env` files and compose-style variable interpolation: `$VAR`, `${VAR}`, `${VAR:-default}`,
//! `${VAR-default}`, `${VAR:+alt}`, `${VAR+alt}`, `${VAR:?message}`, `${VAR?message}`, `$$`, and
//! references nested inside defaults.

use std::collections::BTreeMap;

/// A `.env` file read as compose reads it.
#[derive(Debug, Clone, Default)]
pub struct DotEnv {
    /// Each variable's value; one that uses a variable defined nowhere above it stays as written.
    pub vars: BTreeMap<String, String>,
    /// Those values, expanded with what was defined (the rest empty), and what was missing:
    /// reported where a service passes the variable on (`- EMAIL_ADDR`).
    pub unresolved: BTreeMap<String, (String, Vec<Problem>)>,
}

/// Variables from a `.env` file: `KEY=value`, `export KEY=value`, quotes, comments.
pub fn parse_dotenv(text: &str) -> DotEnv {
    let mut out = DotEnv::default();
    for entry in read_dotenv(text) {
        if let Some(unresolved) = entry.unresolved {
            out.unresolved.insert(entry.key.clone(), unresolved);
        }
        out.vars.insert(entry.key, entry.value);
    }
    out
}

/// The entries of a `.env` file in order, each with the byte offset of its line.
pub fn dotenv_entries(text: &str) -> Vec<(String, String, usize)> {
    read_dotenv(text)
        .into_iter()
        .map(|e| (e.key, e.value, e.offset))
        .collect()
}

/// One `KEY=value` line.
struct Entry {
    key: String,
    value: String,
    offset: usize,
    unresolved: Option<(String, Vec<Problem>)>,
}

/// The entries of a `.env` file in order. As compose does, a value may use the variables
/// defined above it (`CART_ADDR=cart:${CART_PORT}`); a single-quoted value is taken as written.
/// A value that refers to nothing defined above is kept as written, with what it lacks.
fn read_dotenv(text: &str) -> Vec<Entry> {
    let mut entries: Vec<Entry> = Vec::new();
    let mut above: BTreeMap<String, String> = BTreeMap::new();
    let mut offset = 0;
    for raw in text.split_inclusive('\n') {
        let start = offset;
        offset += raw.len();
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").unwrap_or(line);
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let key = key.trim();
        if key.is_empty()
            || !key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
        {
            continue;
        }
        let (value, literal) = dotenv_value(value.trim());
        let (value, unresolved) = if literal || !value.contains('$') {
            (value, None)
        } else {
            match interpolate(&value, &|k| above.get(k).cloned()) {
                (expanded, problems) if problems.is_empty() => (expanded, None),
                found => (value, Some(found)),
            }
        };
        above.insert(key.to_owned(), value.clone());
        entries.push(Entry {
            key: key.to_owned(),
            value,
            offset: start + raw.len() - raw.trim_start().len(),
            unresolved,
        });
    }
    entries
}

/// A value without its quotes, and whether it was single-quoted (taken literally).
fn dotenv_value(raw: &str) -> (String, bool) {
    if let Some(inner) = raw.strip_prefix('\'') {
        return (inner.split('\'').next().unwrap_or("").to_owned(), true);
    }
    if let Some(inner) = raw.strip_prefix('"') {
        let mut out = String::new();
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            match c {
                '"' => break,
                '\\' => match chars.next() {
                    Some('n') => out.push('\n'),
                    Some('t') => out.push('\t'),
                    Some(other) => out.push(other),
                    None => {}
                },
                c => out.push(c),
            }
        }
        return (out, false);
    }
    // An unquoted value ends at a comment that follows whitespace.
    (
        raw.split(" #").next().unwrap_or("").trim().to_owned(),
        false,
    )
}

/// What interpolation could not do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// A variable with no value and no default.
    Unset(String),
    /// `${VAR:?message}` with VAR unset: the file's own error message.
    Required(String, String),
    /// A `${` with no closing brace.
    Unclosed,
    /// A bare environment entry (`- API_TOKEN`) whose value `.env` does not give.
    NotInDotenv(String),
}

/// Replaces variable references in `text`, looking values up with `vars`. Unset variables
/// without a default become empty, and are reported.
pub fn interpolate(text: &str, vars: &dyn Fn(&str) -> Option<String>) -> (String, Vec<Problem>) {
    let mut problems = Vec::new();
    let out = expand(text, vars, &mut problems, 0);
    (out, problems)
}

fn expand(
    text: &str,
    vars: &dyn Fn(&str) -> Option<String>,
    problems: &mut Vec<Problem>,
    depth: usize,
) -> String {
    if depth > 16 {
        problems.push(Problem::Unclosed);
        return String::new();
    }
    let mut out = String::with_capacity(text.len());
    let bytes: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c != '$' {
            out.push(c);
            i += 1;
            continue;
        }
        match bytes.get(i + 1) {
            Some('$') => {
                out.push('$');
                i += 2;
            }
            Some('{') => {
                // Find the matching brace, allowing nested `${...}` in the default.
                let mut level = 0;
                let mut end = None;
                let mut j = i + 1;
                while j < bytes.len() {
                    match bytes[j] {
                        '{' => level += 1,
                        '}' => {
                            level -= 1;
                            if level == 0 {
                                end = Some(j);
                                break;
                            }
                        }
                        _ => {}
                    }
                    j += 1;
                }
                let Some(end) = end else {
                    problems.push(Problem::Unclosed);
                    out.extend(&bytes[i..]);
                    break;
                };
                let inner: String = bytes[i + 2..end].iter().collect();
                out.push_str(&braced(&inner, vars, problems, depth));
                i = end + 1;
            }
            Some(n) if n.is_ascii_alphabetic() || *n == '_' => {
                let mut j = i + 1;
                while j < bytes.len() && (bytes[j].is_ascii_alphanumeric() || bytes[j] == '_') {
                    j += 1;
                }
                let name: String = bytes[i + 1..j].iter().collect();
                match vars(&name) {
                    Some(v) => out.push_str(&v),
                    None => problems.push(Problem::Unset(name)),
                }
                i = j;
            }
            _ => {
                out.push('$');
                i += 1;
            }
        }
    }
    out
}

/// The inside of `${...}`.
fn braced(
    inner: &str,
    vars: &dyn Fn(&str) -> Option<String>,
    problems: &mut Vec<Problem>,
    depth: usize,
) -> String {
    let name_end = inner
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(inner.len());
    let (name, rest) = inner.split_at(name_end);
    let value = vars(name);
    let set_nonempty = value.as_deref().is_some_and(|v| !v.is_empty());
    let sub = |s: &str, problems: &mut Vec<Problem>| expand(s, vars, problems, depth + 1);
    if let Some(default) = rest.strip_prefix(":-") {
        return if set_nonempty {
            value.unwrap_or_default()
        } else {
            sub(default, problems)
        };
    }
    if let Some(default) = rest.strip_prefix('-') {
        return match value {
            Some(v) => v,
            None => sub(default, problems),
        };
    }
    if let Some(alt) = rest.strip_prefix(":+") {
        return if set_nonempty {
            sub(alt, problems)
        } else {
            String::new()
        };
    }
    if let Some(alt) = rest.strip_prefix('+') {
        return if value.is_some() {
            sub(alt, problems)
        } else {
            String::new()
        };
    }
    if let Some(message) = rest.strip_prefix(":?").or_else(|| rest.strip_prefix('?')) {
        let strict = rest.starts_with(":?");
        let missing = if strict {
            !set_nonempty
        } else {
            value.is_none()
        };
        if missing {
            problems.push(Problem::Required(name.to_owned(), message.to_owned()));
            return String::new();
        }
        return value.unwrap_or_default();
    }
    match value {
        Some(v) => v,
        None => {
            problems.push(Problem::Unset(name.to_owned()));
            String::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> (String, Vec<Problem>) {
        let vars: BTreeMap<String, String> = [("HOST", "cart"), ("PORT", "7070"), ("EMPTY", "")]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        interpolate(text, &|k| vars.get(k).cloned())
    }

    #[test]
    fn every_form_expands() {
        assert_eq!(run("${HOST}:$PORT").0, "cart:7070");
        assert_eq!(run("${NOPE:-redis}:${PORT}").0, "redis:7070");
        assert_eq!(run("${EMPTY:-x}|${EMPTY-x}").0, "x|");
        assert_eq!(run("${HOST:+set}|${NOPE:+set}").0, "set|");
        assert_eq!(run("$$HOST").0, "$HOST");
        assert_eq!(run("${NOPE:-${HOST}}").0, "cart");
        assert_eq!(
            run("http://${NOPE:-${ALSO:-fallback}}:80").0,
            "http://fallback:80"
        );
    }

    #[test]
    fn problems_are_reported() {
        assert_eq!(run("${NOPE}").1, vec![Problem::Unset("NOPE".into())]);
        assert_eq!(
            run("${NOPE:?set NOPE first}").1,
            vec![Problem::Required("NOPE".into(), "set NOPE first".into())]
        );
        assert_eq!(run("${HOST").1, vec![Problem::Unclosed]);
    }

    #[test]
    fn dotenv_files_parse() {
        let vars = parse_dotenv(
            "# c\nA=1\nexport B='two words'\nC=\"x\\ny\"\nD=plain # comment\nbad line\n",
        )
        .vars;
        assert_eq!(vars["A"], "1");
        assert_eq!(vars["B"], "two words");
        assert_eq!(vars["C"], "x\ny");
        assert_eq!(vars["D"], "plain");
        assert_eq!(vars.len(), 4);
    }

    #[test]
    fn dotenv_values_use_the_variables_above_them() {
        let dotenv = parse_dotenv(
            "PORT=7070\nADDR=cart:${PORT}\nURL=\"http://${ADDR}/v1\"\nRAW='${PORT}'\nEARLY=${LATER:-x}${LATER}\nLATER=1\nDEFAULTED=${NOPE:-db}:5432\n",
        );
        let vars = &dotenv.vars;
        assert_eq!(vars["ADDR"], "cart:7070");
        assert_eq!(vars["URL"], "http://cart:7070/v1");
        assert_eq!(vars["RAW"], "${PORT}");
        // A variable defined below is not seen: the value stays as written, to be reported.
        assert_eq!(vars["EARLY"], "${LATER:-x}${LATER}");
        assert_eq!(vars["DEFAULTED"], "db:5432");
        // What it lacks is kept for whoever passes the variable on; a literal lacks nothing.
        assert_eq!(
            dotenv.unresolved["EARLY"],
            ("x".to_owned(), vec![Problem::Unset("LATER".into())])
        );
        assert!(!dotenv.unresolved.contains_key("RAW"));
    }
}

//! Spring property placeholders: `${key}`, `${key:default}`, nested (`${a:${b}}`), looked up
//! with relaxed binding (`spring.cloud.config.uri`, `SPRING_CLOUD_CONFIG_URI` and
//! `spring.cloud.config.URI` are one key).

/// The canonical form of a property name: lower case, no dashes or underscores, dots kept;
/// an environment variable's underscores are its dots.
pub fn canonical_key(key: &str) -> String {
    let dotted = if key.contains('.') {
        key.to_owned()
    } else {
        key.replace('_', ".")
    };
    dotted
        .chars()
        .filter(|c| *c != '-' && *c != '_')
        .flat_map(char::to_lowercase)
        .collect()
}

/// Expands the placeholders of `value`; `lookup` takes a property name as written. Names it
/// cannot find and that have no default are returned, and expand to nothing.
pub fn expand(value: &str, lookup: &dyn Fn(&str) -> Option<String>) -> (String, Vec<String>) {
    let mut unset = Vec::new();
    let out = expand_at(value, lookup, &mut unset, 0);
    (out, unset)
}

fn expand_at(
    value: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
    unset: &mut Vec<String>,
    depth: usize,
) -> String {
    if depth > 8 || !value.contains("${") {
        return value.to_owned();
    }
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(start) = rest.find("${") {
        // `\${` and `$\{` are escapes for a literal placeholder.
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = closing(after) else {
            out.push_str(&rest[start..]);
            return out;
        };
        let inner = &after[..end];
        let (name, default) = split_default(inner);
        let name = expand_at(name, lookup, unset, depth + 1);
        match lookup(&name) {
            Some(found) => out.push_str(&expand_at(&found, lookup, unset, depth + 1)),
            None => match default {
                Some(d) => out.push_str(&expand_at(d, lookup, unset, depth + 1)),
                None if name.starts_with("random.") => {}
                None => unset.push(name),
            },
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

/// The property names a value uses as placeholders, nested ones included.
pub fn names(value: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = value;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        let Some(end) = closing(after) else { break };
        let inner = &after[..end];
        let (name, default) = split_default(inner);
        if !name.contains("${") {
            out.push(name.to_owned());
        }
        out.extend(names(name));
        out.extend(default.map(names).unwrap_or_default());
        rest = &after[end + 1..];
    }
    out
}

/// The index of the `}` that closes a placeholder whose `${` was just read.
fn closing(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'$' if bytes.get(i + 1) == Some(&b'{') => {
                depth += 1;
                i += 1;
            }
            b'}' if depth == 0 => return Some(i),
            b'}' => depth -= 1,
            _ => {}
        }
        i += 1;
    }
    None
}

/// `name:default` at the top level (a `:` inside a nested placeholder does not count).
fn split_default(inner: &str) -> (&str, Option<&str>) {
    let mut depth = 0usize;
    let bytes = inner.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        match b {
            b'{' => depth += 1,
            b'}' => depth = depth.saturating_sub(1),
            b':' if depth == 0 => return (&inner[..i], Some(&inner[i + 1..])),
            _ => {}
        }
    }
    (inner, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(value: &str) -> (String, Vec<String>) {
        let lookup = |k: &str| match canonical_key(k).as_str() {
            "app.host" => Some("eureka".to_owned()),
            "server.port" => Some("8761".to_owned()),
            "app.alias" => Some("${app.host}".to_owned()),
            _ => None,
        };
        expand(value, &lookup)
    }

    #[test]
    fn placeholders_expand() {
        assert_eq!(
            run("http://${app.host}:${server.port}/").0,
            "http://eureka:8761/"
        );
        assert_eq!(run("${APP_HOST}").0, "eureka");
        assert_eq!(
            run("${app.alias}").0,
            "eureka",
            "values are expanded in turn"
        );
        assert_eq!(
            run("${nope:localhost}:${nope2:${server.port}}").0,
            "localhost:8761"
        );
        assert_eq!(run("${nope}").1, vec!["nope".to_owned()]);
        assert_eq!(run("${random.uuid}").1, Vec::<String>::new());
        assert_eq!(
            run("%5p [${spring.application.name:},%X{traceId:-}]").0,
            "%5p [,%X{traceId:-}]"
        );
    }

    #[test]
    fn relaxed_names() {
        assert_eq!(
            canonical_key("SPRING_CLOUD_CONFIG_URI"),
            "spring.cloud.config.uri"
        );
        assert_eq!(
            canonical_key("spring.cloud.config.failFast"),
            "spring.cloud.config.failfast"
        );
        assert_eq!(
            canonical_key("spring.data.mongodb.auto-index"),
            "spring.data.mongodb.autoindex"
        );
    }
}

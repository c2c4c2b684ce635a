//! What a `.proto` file must be before protox reads it. protox's parser recurses once per
//! nested brace, so a custom option value nested thousands deep overflows the stack and kills
//! the process; and an import that climbs out of its import root (`../x.proto`, `/etc/x`) is
//! no protobuf import at all. Both are refused here, with the place, before compiling.

use super::import_of;

/// Braces, brackets and angle brackets (messages, option values, text-format messages) nested
/// deeper than this are refused. Hand-written files nest a few levels; protox overflows its
/// stack past a few thousand.
pub const MAX_DEPTH: usize = 64;

/// Why a file is not compiled, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub offset: usize,
    pub len: usize,
    pub message: String,
    pub help: &'static str,
}

/// The first reason not to hand `text` to protox, if there is one.
pub fn check(text: &str) -> Option<Refusal> {
    if let Some(offset) = too_deep(text) {
        return Some(Refusal {
            offset,
            len: 1,
            message: format!(
                "the file nests braces more than {MAX_DEPTH} levels deep (messages or option values), so it was not compiled"
            ),
            help: "flatten the nested option value or messages",
        });
    }
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if let Some(name) = import_of(line).filter(|n| climbs_out(n)) {
            let at = offset + line.find(name.as_str()).unwrap_or(0);
            return Some(Refusal {
                offset: at,
                len: name.len(),
                message: format!(
                    "import `{}` leaves its import root (`..` or an absolute path), so the file was not compiled",
                    crate::escape::line(&name)
                ),
                help: "import the file by its path below an import root, and list that root under `proto_roots` in commaudit.yaml",
            });
        }
        offset += line.len();
    }
    None
}

/// Whether an import name leaves the root it is resolved from.
fn climbs_out(name: &str) -> bool {
    name.starts_with(['/', '\\'])
        || name.contains('\\')
        || name.get(1..2) == Some(":")
        || name.split('/').any(|part| part == "..")
}

/// The byte offset where nesting first passes [`MAX_DEPTH`], skipping comments and strings.
fn too_deep(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i < bytes.len() && !(bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/')) {
                    i += 1;
                }
                i += 1;
            }
            quote @ (b'"' | b'\'') => {
                i += 1;
                while i < bytes.len() && bytes[i] != quote && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'{' | b'[' | b'<' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Some(i);
                }
            }
            b'}' | b']' | b'>' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_option_values_are_refused_where_they_pass_the_limit() {
        let deep = format!(
            "option (m) = {}1{};",
            "{ a: ".repeat(10_000),
            " }".repeat(10_000)
        );
        let refusal = check(&deep).unwrap();
        assert_eq!(refusal.offset, 13 + 5 * MAX_DEPTH);
        let fine = format!(
            "message A {{ map<string, int32> m = 1; }} // {}",
            "{".repeat(100)
        );
        assert_eq!(check(&fine), None);
        let quoted = format!("option x = \"{}\";", "{".repeat(100));
        assert_eq!(check(&quoted), None);
    }

    #[test]
    fn imports_that_climb_out_are_refused() {
        for name in [
            "../x.proto",
            "a/../../x.proto",
            "/etc/passwd",
            "C:/x.proto",
            "a\\b.proto",
        ] {
            let text = format!("syntax = \"proto3\";\nimport \"{name}\";\n");
            let refusal = check(&text).unwrap();
            assert_eq!(&text[refusal.offset..][..refusal.len], name);
        }
        assert_eq!(check("import \"google/api/annotations.proto\";\n"), None);
    }
}

//! The top-level sections of a configuration `init --force` replaces, kept as written: what
//! they declare (brokers, datastores, services, rule settings, ignores, exclusions) shapes the
//! next scan, so a new file that dropped them would report what `init` itself caused.

/// One top-level key and its text: the comments just above it, its line, and everything
/// indented below it, ending with a newline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub key: String,
    pub text: String,
}

/// The block-style top-level sections of a YAML document, in order. Comment lines and blank
/// lines just above a key belong to it; the document's opening comments belong to no section.
pub fn sections(text: &str) -> Vec<Section> {
    let mut out: Vec<Section> = Vec::new();
    let mut pending: Vec<&str> = Vec::new();
    for line in text.lines() {
        if let Some(key) = top_level_key(line) {
            // Comments and blank lines at the end of the previous section lead into this one.
            let mut lead: Vec<String> = Vec::new();
            if let Some(last) = out.last_mut() {
                let mut lines: Vec<String> = last.text.lines().map(str::to_owned).collect();
                while lines.len() > 1 && lines.last().is_some_and(|l| is_comment_or_blank(l)) {
                    lead.push(lines.pop().unwrap_or_default());
                }
                lead.reverse();
                last.text = lines.join("\n") + "\n";
            } else {
                // Before the first key: only the comments right above it (after the last blank
                // line) belong to it; the rest is the file's own introduction.
                let start = pending
                    .iter()
                    .rposition(|l| l.trim().is_empty())
                    .map_or(0, |i| i + 1);
                lead = pending[start..].iter().map(|l| (*l).to_owned()).collect();
            }
            pending.clear();
            let mut text = lead.join("\n");
            if !text.is_empty() {
                text.push('\n');
            }
            text.push_str(line);
            text.push('\n');
            out.push(Section {
                key: key.to_owned(),
                text,
            });
        } else if let Some(last) = out.last_mut() {
            last.text.push_str(line);
            last.text.push('\n');
        } else {
            pending.push(line);
        }
    }
    // A section ends with its own content: trailing blank lines go.
    for s in &mut out {
        let trimmed = s.text.trim_end().to_owned();
        s.text = trimmed + "\n";
    }
    out
}

/// The key a line starts at the top level (`brokers:`, `name: x`), if it does.
fn top_level_key(line: &str) -> Option<&str> {
    let first = line.chars().next()?;
    if !(first.is_ascii_alphabetic() || first == '_' || first == '"' || first == '\'') {
        return None;
    }
    let (key, _) = line.split_once(':')?;
    let key = key.trim().trim_matches(['"', '\'']);
    (!key.is_empty() && !key.contains(' ')).then_some(key)
}

fn is_comment_or_blank(line: &str) -> bool {
    let t = line.trim_start();
    t.is_empty() || t.starts_with('#')
}

/// The section of `key`, if the document has one.
pub fn find<'a>(sections: &'a [Section], key: &str) -> Option<&'a Section> {
    sections.iter().find(|s| s.key == key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_keep_their_comments_and_bodies() {
        let text = "# intro\n\n# the name\nname: x\n\n# roots\nproto_roots:\n  - proto\n\nbrokers:\n  - name: nats\n    kind: nats-jetstream\n    description: >-\n      two lines\n\n      of text\nrules: { CA301: { severity: off } }\n";
        let s = sections(text);
        let keys: Vec<&str> = s.iter().map(|s| s.key.as_str()).collect();
        assert_eq!(keys, ["name", "proto_roots", "brokers", "rules"]);
        assert_eq!(s[0].text, "# the name\nname: x\n");
        assert_eq!(s[1].text, "\n# roots\nproto_roots:\n  - proto\n");
        assert_eq!(
            s[2].text,
            "brokers:\n  - name: nats\n    kind: nats-jetstream\n    description: >-\n      two lines\n\n      of text\n"
        );
        assert_eq!(s[3].text, "rules: { CA301: { severity: off } }\n");
        assert!(find(&s, "datastores").is_none());
        assert!(sections("").is_empty());
        assert!(sections("- a\n- b\n").is_empty());
    }
}

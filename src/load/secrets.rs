//! What counts as a secret in configuration, so that it is never echoed: values of settings
//! whose name says they hold one (`DB_PASSWORD`, `stripeApiKey`), and the credentials in URLs
//! (`https://user:pass@host`). Environment files are kept as sources with these masked, so a
//! finding that points into one shows the line, not the secret.

/// Words that mark a setting's value as secret, matched against the words of its name.
const SECRET_WORDS: [&str; 9] = [
    "password",
    "passwd",
    "pwd",
    "pass",
    "secret",
    "token",
    "key",
    "apikey",
    "credentials",
];

/// Whether a setting's name says its value is a secret.
pub fn looks_secret(key: &str) -> bool {
    let lower = key.to_ascii_lowercase();
    if ["password", "secret", "token", "apikey", "credential"]
        .iter()
        .any(|w| lower.contains(w))
    {
        return true;
    }
    words(key).any(|w| SECRET_WORDS.contains(&w.as_str()))
}

/// The words of a setting's name: split at punctuation and at lower-to-upper case changes.
fn words(key: &str) -> impl Iterator<Item = String> + '_ {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut prev_lower = false;
    for c in key.chars() {
        let boundary = !c.is_ascii_alphanumeric() || (c.is_ascii_uppercase() && prev_lower);
        if boundary && !word.is_empty() {
            out.push(std::mem::take(&mut word));
        }
        if c.is_ascii_alphanumeric() {
            word.push(c.to_ascii_lowercase());
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
    }
    if !word.is_empty() {
        out.push(word);
    }
    out.into_iter()
}

/// The byte range of the credentials in a URL (`user:pass` in `scheme://user:pass@host`).
pub fn userinfo(value: &str) -> Option<std::ops::Range<usize>> {
    let start = value.find("://")? + 3;
    let authority_end = value[start..]
        .find(['/', '?', '#'])
        .map_or(value.len(), |i| start + i);
    let at = value[start..authority_end].rfind('@')? + start;
    (at > start).then_some(start..at)
}

/// The byte ranges of the secrets inside one value: URL credentials, and the values of
/// secret-named pairs in connection strings and queries (`Password=x;`, `password=x `,
/// `?token=x`).
pub fn secret_parts(value: &str) -> Vec<std::ops::Range<usize>> {
    let mut out: Vec<std::ops::Range<usize>> = userinfo(value).into_iter().collect();
    let mut start = 0;
    for part in value.split_inclusive([';', ' ', ',', '&', '?']) {
        let body = part.trim_end_matches([';', ' ', ',', '&', '?']);
        if let Some(eq) = body.find('=') {
            let key = body[..eq].rsplit(['=', ':', '/']).next().unwrap_or("");
            if looks_secret(key) && eq + 1 < body.len() {
                out.push(start + eq + 1..start + body.len());
            }
        }
        start += part.len();
    }
    out
}

/// `text` with every byte in `range` replaced by `*`: same length, so offsets still hold.
fn blank(text: &mut String, range: std::ops::Range<usize>) {
    let stars = "*".repeat(range.len());
    text.replace_range(range, &stars);
}

/// An environment file (`KEY=value` lines) as it may be shown: the values of secret-named
/// keys and the credentials in URLs replaced by `*`, byte for byte.
pub fn masked_env(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let mut shown = line.to_owned();
        if let Some(eq) = line.find('=') {
            let key = line[..eq].trim().trim_start_matches("export ").trim();
            let value_end = line.trim_end_matches(['\n', '\r']).len();
            let value = eq + 1..value_end;
            if looks_secret(key) {
                blank(&mut shown, value);
            } else {
                for range in secret_parts(&line[value.clone()]) {
                    blank(
                        &mut shown,
                        value.start + range.start..value.start + range.end,
                    );
                }
            }
        }
        out.push_str(&shown);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_names_are_recognised() {
        for key in [
            "DB_PASSWORD",
            "stripeApiKey",
            "spring.datasource.password",
            "GITHUB_TOKEN",
            "AWS_SECRET_ACCESS_KEY",
            "client-secret",
            "PG_PASS",
        ] {
            assert!(looks_secret(key), "{key}");
        }
        for key in [
            "ORDERS_URL",
            "REDIS_HOST",
            "KAFKA_TOPIC",
            "monkey_port",
            "AUTH_URL",
        ] {
            assert!(!looks_secret(key), "{key}");
        }
    }

    #[test]
    fn masking_keeps_lengths_and_hides_values() {
        let text = "A_URL=http://u:p@h:1/x\nDB_PASSWORD=hunter2\r\nPLAIN=cart:7070\n";
        let shown = masked_env(text);
        assert_eq!(shown.len(), text.len());
        assert_eq!(
            shown,
            "A_URL=http://***@h:1/x\nDB_PASSWORD=*******\r\nPLAIN=cart:7070\n"
        );
    }

    #[test]
    fn connection_strings_keep_their_shape() {
        let text =
            "PG=host=db password=s3 dbname=x\nSQL=Server=a;Password=p;\nU=http://h/?token=t&a=1\n";
        assert_eq!(
            masked_env(text),
            "PG=host=db password=** dbname=x\nSQL=Server=a;Password=*;\nU=http://h/?token=*&a=1\n"
        );
    }

    #[test]
    fn userinfo_is_found_only_in_the_authority() {
        assert_eq!(userinfo("postgres://a:b@db/x"), Some(11..14));
        assert_eq!(userinfo("http://h/a@b"), None);
        assert_eq!(userinfo("no url"), None);
    }
}

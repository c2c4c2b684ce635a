//! Spring profiles: which documents and files a set of active profiles turns on. Expressions
//! are those of `spring.config.activate.on-profile`: `docker`, `docker,kafka` (either),
//! `prod & eu`, `!test`, `(a | b) & !c`.

/// Whether a document for `expression` is active under `active`.
pub fn matches(expression: &str, active: &[String]) -> bool {
    expression
        .split(',')
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .any(|e| {
            let tokens = tokenize(e);
            let mut pos = 0;
            let result = or(&tokens, &mut pos, active);
            result && pos == tokens.len()
        })
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Name(String),
    Or,
    And,
    Not,
    Open,
    Close,
}

fn tokenize(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut name = String::new();
    let flush = |name: &mut String, out: &mut Vec<Token>| {
        if !name.is_empty() {
            out.push(Token::Name(std::mem::take(name)));
        }
    };
    for c in text.chars() {
        let token = match c {
            '|' => Some(Token::Or),
            '&' => Some(Token::And),
            '!' => Some(Token::Not),
            '(' => Some(Token::Open),
            ')' => Some(Token::Close),
            c if c.is_whitespace() => None,
            c => {
                name.push(c);
                continue;
            }
        };
        flush(&mut name, &mut out);
        out.extend(token);
    }
    flush(&mut name, &mut out);
    out
}

fn or(tokens: &[Token], pos: &mut usize, active: &[String]) -> bool {
    let mut value = and(tokens, pos, active);
    while tokens.get(*pos) == Some(&Token::Or) {
        *pos += 1;
        value |= and(tokens, pos, active);
    }
    value
}

fn and(tokens: &[Token], pos: &mut usize, active: &[String]) -> bool {
    let mut value = unary(tokens, pos, active);
    while tokens.get(*pos) == Some(&Token::And) {
        *pos += 1;
        value &= unary(tokens, pos, active);
    }
    value
}

fn unary(tokens: &[Token], pos: &mut usize, active: &[String]) -> bool {
    match tokens.get(*pos) {
        Some(Token::Not) => {
            *pos += 1;
            !unary(tokens, pos, active)
        }
        Some(Token::Open) => {
            *pos += 1;
            let value = or(tokens, pos, active);
            if tokens.get(*pos) == Some(&Token::Close) {
                *pos += 1;
            }
            value
        }
        Some(Token::Name(name)) => {
            *pos += 1;
            active.iter().any(|a| a == name)
        }
        _ => false,
    }
}

/// The active profiles a `SPRING_PROFILES_ACTIVE` or `spring.profiles.active` value names,
/// in order; `default` when it names none.
pub fn parse_list(value: &str) -> Vec<String> {
    let list: Vec<String> = value
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect();
    if list.is_empty() {
        vec!["default".to_owned()]
    } else {
        list
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expressions() {
        let active = parse_list("docker, kafka");
        assert!(matches("docker", &active));
        assert!(matches("prod,docker", &active));
        assert!(matches("docker & kafka", &active));
        assert!(!matches("docker & !kafka", &active));
        assert!(matches("(prod | docker) & !test", &active));
        assert!(!matches("streaming_partitioned", &active));
        assert_eq!(parse_list(" "), vec!["default".to_owned()]);
    }
}

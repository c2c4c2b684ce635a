//! The nginx configuration grammar: directives (`name args;`), blocks (`name args { ... }`),
//! single- and double-quoted strings with escapes, `#` comments, and variables (`$host`,
//! `${CART_HOST}`), each with its byte offset. Malformed input gives the directives read so
//! far and one located problem, never a panic; nesting is read with an explicit stack.

/// A word or quoted string, unquoted, with where it starts and how long it is in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub text: String,
    pub offset: u32,
    pub len: u32,
}

/// One directive: its name, arguments and, for a block directive, its children.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    pub name: Word,
    pub args: Vec<Word>,
    pub block: Option<Vec<Directive>>,
}

/// Why the text is not a valid configuration, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub message: String,
    pub offset: u32,
    pub len: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Word(Word),
    Open(u32),
    Close(u32),
    Semicolon(u32),
}

/// Blocks deeper than this are refused: no real configuration comes close.
const MAX_DEPTH: usize = 64;

/// Parses a whole file. On a problem, the directives completed before it are kept.
pub fn parse(text: &str) -> (Vec<Directive>, Option<Problem>) {
    let mut lexer = Lexer { text, pos: 0 };
    // Each open block: the directive that opened it, and its children so far.
    let mut stack: Vec<(Directive, Vec<Directive>)> = Vec::new();
    let mut top: Vec<Directive> = Vec::new();
    let mut pending: Vec<Word> = Vec::new();
    let problem = loop {
        let token = match lexer.next_token() {
            Ok(Some(t)) => t,
            Ok(None) => break end_of_input(&stack, &pending),
            Err(problem) => break Some(problem),
        };
        match token {
            Token::Word(w) => pending.push(w),
            Token::Semicolon(at) => {
                let mut words = std::mem::take(&mut pending).into_iter();
                let Some(name) = words.next() else {
                    break Some(problem_at(at, 1, "`;` with no directive before it"));
                };
                let directive = Directive {
                    name,
                    args: words.collect(),
                    block: None,
                };
                children(&mut stack, &mut top).push(directive);
            }
            Token::Open(at) => {
                let mut words = std::mem::take(&mut pending).into_iter();
                let Some(name) = words.next() else {
                    break Some(problem_at(at, 1, "`{` with no directive before it"));
                };
                if stack.len() >= MAX_DEPTH {
                    break Some(problem_at(
                        at,
                        1,
                        &format!("blocks nested deeper than {MAX_DEPTH} levels"),
                    ));
                }
                let directive = Directive {
                    name,
                    args: words.collect(),
                    block: None,
                };
                if is_raw_block(&directive.name.text) {
                    if let Err(problem) = lexer.skip_raw_block(at) {
                        break Some(problem);
                    }
                    children(&mut stack, &mut top).push(Directive {
                        block: Some(Vec::new()),
                        ..directive
                    });
                } else {
                    stack.push((directive, Vec::new()));
                }
            }
            Token::Close(at) => {
                if let Some(word) = pending.first() {
                    break Some(problem_at(
                        word.offset,
                        word.len,
                        &format!("directive `{}` is not terminated by `;`", word.text),
                    ));
                }
                let Some((mut directive, kids)) = stack.pop() else {
                    break Some(problem_at(at, 1, "`}` closes no block"));
                };
                directive.block = Some(kids);
                children(&mut stack, &mut top).push(directive);
            }
        }
    };
    // Close what is still open so the directives read so far are kept.
    while let Some((mut directive, kids)) = stack.pop() {
        directive.block = Some(kids);
        children(&mut stack, &mut top).push(directive);
    }
    (top, problem)
}

fn children<'a>(
    stack: &'a mut [(Directive, Vec<Directive>)],
    top: &'a mut Vec<Directive>,
) -> &'a mut Vec<Directive> {
    match stack.last_mut() {
        Some((_, kids)) => kids,
        None => top,
    }
}

fn end_of_input(stack: &[(Directive, Vec<Directive>)], pending: &[Word]) -> Option<Problem> {
    if let Some(word) = pending.first() {
        return Some(problem_at(
            word.offset,
            word.len,
            &format!("directive `{}` is not terminated by `;`", word.text),
        ));
    }
    stack.last().map(|(d, _)| {
        problem_at(
            d.name.offset,
            d.name.len,
            &format!("block `{}` is not closed by `}}`", d.name.text),
        )
    })
}

fn problem_at(offset: u32, len: u32, message: &str) -> Problem {
    Problem {
        message: message.to_owned(),
        offset,
        len,
    }
}

/// Blocks whose body is another language (Lua, JavaScript), skipped as raw text.
fn is_raw_block(name: &str) -> bool {
    name.ends_with("_by_lua_block") || name.ends_with("_lua_block") || name == "js_block"
}

struct Lexer<'a> {
    text: &'a str,
    pos: usize,
}

impl Lexer<'_> {
    fn peek(&self) -> Option<char> {
        self.text[self.pos..].chars().next()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn next_token(&mut self) -> Result<Option<Token>, Problem> {
        loop {
            match self.peek() {
                None => return Ok(None),
                Some(c) if c.is_whitespace() => {
                    self.bump();
                }
                Some('#') => {
                    while let Some(c) = self.bump() {
                        if c == '\n' {
                            break;
                        }
                    }
                }
                Some(_) => break,
            }
        }
        let start = self.pos as u32;
        match self.bump() {
            Some('{') => Ok(Some(Token::Open(start))),
            Some('}') => Ok(Some(Token::Close(start))),
            Some(';') => Ok(Some(Token::Semicolon(start))),
            Some(q @ ('"' | '\'')) => self.quoted(q, start).map(|w| Some(Token::Word(w))),
            Some(c) => Ok(Some(Token::Word(self.word(c, start)))),
            None => Ok(None),
        }
    }

    fn quoted(&mut self, quote: char, start: u32) -> Result<Word, Problem> {
        let mut text = String::new();
        loop {
            match self.bump() {
                None => return Err(problem_at(start, 1, "quoted string is not closed")),
                Some('\\') => match self.bump() {
                    Some(c) if c == quote || c == '\\' => text.push(c),
                    Some('n') => text.push('\n'),
                    Some('t') => text.push('\t'),
                    Some(c) => {
                        text.push('\\');
                        text.push(c);
                    }
                    None => return Err(problem_at(start, 1, "quoted string is not closed")),
                },
                Some(c) if c == quote => break,
                Some(c) => text.push(c),
            }
        }
        Ok(Word {
            text,
            offset: start,
            len: self.pos as u32 - start,
        })
    }

    /// A bare word: up to whitespace, `;`, `{` or `}`; `${name}` is kept whole.
    fn word(&mut self, first: char, start: u32) -> Word {
        let mut text = String::from(first);
        let mut escaped = first == '\\';
        if first == '$' && self.peek() == Some('{') {
            self.variable_braces(&mut text);
        }
        while let Some(c) = self.peek() {
            if !escaped && (c.is_whitespace() || matches!(c, ';' | '{' | '}')) {
                break;
            }
            self.bump();
            text.push(c);
            if !escaped && c == '$' && self.peek() == Some('{') {
                self.variable_braces(&mut text);
            }
            escaped = !escaped && c == '\\';
        }
        Word {
            text,
            offset: start,
            len: self.pos as u32 - start,
        }
    }

    /// `{name}` after a `$`, when it closes on the same word.
    fn variable_braces(&mut self, text: &mut String) {
        let rest = &self.text[self.pos..];
        let close = rest
            .char_indices()
            .take_while(|(_, c)| !c.is_whitespace() && *c != ';')
            .find(|(_, c)| *c == '}');
        if let Some((end, _)) = close {
            text.push_str(&rest[..=end]);
            self.pos += end + 1;
        }
    }

    /// Skips a block of another language up to its matching `}`, minding its strings and
    /// comments. `open` is where its `{` is.
    fn skip_raw_block(&mut self, open: u32) -> Result<(), Problem> {
        let mut depth = 1usize;
        while let Some(c) = self.bump() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        return Ok(());
                    }
                }
                '"' | '\'' => {
                    while let Some(d) = self.bump() {
                        if d == '\\' {
                            self.bump();
                        } else if d == c || d == '\n' {
                            break;
                        }
                    }
                }
                '-' if self.peek() == Some('-') => {
                    while let Some(d) = self.bump() {
                        if d == '\n' {
                            break;
                        }
                    }
                }
                _ => {}
            }
        }
        Err(problem_at(open, 1, "block is not closed by `}`"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `name(arg|arg){child child}`.
    fn render(dirs: &[Directive]) -> String {
        dirs.iter()
            .map(|d| {
                let args: Vec<&str> = d.args.iter().map(|a| a.text.as_str()).collect();
                let block = d
                    .block
                    .as_ref()
                    .map_or(String::new(), |kids| format!("{{{}}}", render(kids)));
                format!("{}({}){block}", d.name.text, args.join("|"))
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn blocks_quotes_comments_and_variables() {
        let text = "# top\nhttp {\n  server {\n    listen 80; # inline\n    location /api/ {\n      proxy_pass http://${CART_HOST}:8080/;\n      add_header X-A \"a;b\" always;\n      return 200 'it\\'s';\n    }\n  }\n}\n";
        let (dirs, problem) = parse(text);
        assert_eq!(problem, None);
        assert_eq!(
            render(&dirs),
            "http(){server(){listen(80) location(/api/){proxy_pass(http://${CART_HOST}:8080/) add_header(X-A|a;b|always) return(200|it's)}}}"
        );
        let server = &dirs[0].block.as_ref().unwrap()[0];
        let location = &server.block.as_ref().unwrap()[1];
        let pass = &location.block.as_ref().unwrap()[0];
        let at = pass.args[0].offset as usize;
        assert!(text[at..].starts_with("http://${CART_HOST}"));
        assert_eq!(pass.args[0].len as usize, "http://${CART_HOST}:8080/".len());
    }

    #[test]
    fn lua_blocks_are_skipped_whole() {
        let (dirs, problem) = parse(
            "location / { content_by_lua_block { local t = {a = \"}\"} -- }\n ngx.say(t) } }\nlisten 80;",
        );
        assert_eq!(problem, None);
        assert_eq!(dirs.len(), 2);
    }

    #[test]
    fn malformed_input_is_located_and_keeps_what_was_read() {
        let cases = [
            ("upstream a { server a:1; }\nserver {", "block `server` is not closed by `}`", 27),
            ("listen 80", "directive `listen` is not terminated by `;`", 0),
            ("listen 80; }", "`}` closes no block", 11),
            ("return 200 \"open;", "quoted string is not closed", 11),
            ("{ x; }", "`{` with no directive before it", 0),
            ("server { listen 80 }", "directive `listen` is not terminated by `;`", 9),
        ];
        for (text, message, offset) in cases {
            let (_, problem) = parse(text);
            let problem = problem.unwrap_or_else(|| panic!("{text}"));
            assert_eq!((problem.message.as_str(), problem.offset), (message, offset));
        }
        let (dirs, _) = parse("upstream a { server a:1; }\nserver { location / {");
        assert_eq!(dirs.len(), 2);
    }

    #[test]
    fn deep_nesting_is_refused_not_overflowed() {
        let text = "a {".repeat(10_000);
        let (_, problem) = parse(&text);
        assert!(problem.unwrap().message.contains("nested deeper"));
    }

    #[test]
    fn arbitrary_bytes_never_panic() {
        for text in ["${", "$", "'", "\\", "a\\", "\u{feff}é {", "}}}", "a ${B", "#", ";;"] {
            let _ = parse(text);
        }
    }
}

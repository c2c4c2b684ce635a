//! Source files read during a run, and spans that point into them.
//!
//! Every item a loader produces keeps a [`Span`], so every finding can name the file, line and
//! column to change. Files are stored once; spans are small copyable handles into them.

use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Identity of a file in [`Sources`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SourceId(pub u32);

/// A file as read from disk (or built in), with the name we show to users.
#[derive(Debug)]
pub struct SourceFile {
    /// Path as shown to users: relative to the working directory when possible, with `/`.
    pub name: String,
    /// Path used to open the file.
    pub path: PathBuf,
    pub text: Arc<str>,
    /// Byte offset of the start of every line, for offset -> line/column conversion.
    line_starts: Vec<u32>,
}

impl SourceFile {
    pub fn new(name: String, path: PathBuf, text: Arc<str>) -> Self {
        let line_starts = std::iter::once(0)
            .chain(
                text.match_indices('\n')
                    .map(|(i, _)| u32::try_from(i + 1).unwrap_or(u32::MAX)),
            )
            .collect();
        Self {
            name,
            path,
            text,
            line_starts,
        }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: u32) -> (u32, u32) {
        let offset = offset.min(u32::try_from(self.text.len()).unwrap_or(u32::MAX));
        let line = self.line_starts.partition_point(|&s| s <= offset).max(1) - 1;
        let start = self.line_starts[line] as usize;
        let end = (offset as usize).min(self.text.len());
        let column = self
            .text
            .get(start..end)
            .map_or(end - start, |s| s.chars().count());
        (line as u32 + 1, column as u32 + 1)
    }

    /// Byte offset of a 1-based line and 1-based character column.
    pub fn offset_of(&self, line: u32, column: u32) -> u32 {
        let Some(&start) = self.line_starts.get(line.saturating_sub(1) as usize) else {
            return u32::try_from(self.text.len()).unwrap_or(u32::MAX);
        };
        let rest = self.text.get(start as usize..).unwrap_or("");
        let line_text = rest.split('\n').next().unwrap_or("");
        let byte = line_text
            .char_indices()
            .nth(column.saturating_sub(1) as usize)
            .map_or(line_text.len(), |(i, _)| i);
        start + byte as u32
    }

    /// The text of a 1-based line, without its line break.
    pub fn line_text(&self, line: u32) -> &str {
        let Some(&start) = self.line_starts.get(line.saturating_sub(1) as usize) else {
            return "";
        };
        let rest = self.text.get(start as usize..).unwrap_or("");
        rest.split('\n').next().unwrap_or("").trim_end_matches('\r')
    }

    pub fn line_count(&self) -> u32 {
        self.line_starts.len() as u32
    }
}

/// Every file read during a run, addressed by [`SourceId`].
#[derive(Debug, Default)]
pub struct Sources {
    files: Vec<SourceFile>,
}

impl Sources {
    pub fn add(&mut self, name: String, path: PathBuf, text: Arc<str>) -> SourceId {
        self.push(SourceFile::new(name, path, text))
    }

    /// Adds a file prepared elsewhere (on another core, for instance).
    pub fn push(&mut self, file: SourceFile) -> SourceId {
        let id = SourceId(self.files.len() as u32);
        self.files.push(file);
        id
    }

    pub fn get(&self, id: SourceId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    pub fn find_path(&self, path: &Path) -> Option<SourceId> {
        self.files
            .iter()
            .position(|f| f.path == path)
            .map(|i| SourceId(i as u32))
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (SourceId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (SourceId(i as u32), f))
    }

    /// Resolves a span to a location users can read.
    pub fn locate(&self, span: Span) -> Location<'_> {
        let file = self.get(span.source);
        let (line, column) = file.line_col(span.offset);
        let (end_line, end_column) = file.line_col(span.offset + span.len);
        Location {
            file: &file.name,
            line,
            column,
            end_line,
            end_column,
        }
    }
}

/// A byte range in one source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub source: SourceId,
    pub offset: u32,
    pub len: u32,
}

impl Span {
    pub fn new(source: SourceId, offset: u32, len: u32) -> Self {
        Self {
            source,
            offset,
            len,
        }
    }

    /// A span covering the start of a file, for findings about a whole file.
    pub fn file_start(source: SourceId) -> Self {
        Self::new(source, 0, 0)
    }
}

/// A span resolved to 1-based lines and columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Location<'a> {
    pub file: &'a str,
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
}

/// The working directory, asked once per run rather than once per file (commaudit never
/// changes it).
pub fn working_dir() -> Option<&'static Path> {
    static CWD: std::sync::OnceLock<Option<PathBuf>> = std::sync::OnceLock::new();
    CWD.get_or_init(|| std::env::current_dir().ok()).as_deref()
}

/// What [`std::path::absolute`] gives, without asking the system for the working directory
/// once per path.
pub fn absolute(path: &Path) -> std::io::Result<PathBuf> {
    match working_dir() {
        Some(cwd) if cfg!(unix) && path.is_relative() && !path.as_os_str().is_empty() => {
            let mut out: PathBuf = cwd.join(path).components().collect();
            // A trailing separator is kept, as the standard library keeps it.
            if path.as_os_str().as_encoded_bytes().ends_with(b"/") {
                out.push("");
            }
            Ok(out)
        }
        _ => std::path::absolute(path),
    }
}

/// The name users see for a path: relative to the working directory when it lies below it,
/// always with forward slashes, without a leading `./`, and with unsafe characters escaped
/// ([`crate::escape::line`]).
pub fn display_name(path: &Path) -> String {
    let shown = working_dir()
        .and_then(|cwd| path.strip_prefix(cwd).ok())
        .unwrap_or(path);
    let mut parts: Vec<String> = Vec::new();
    for part in shown.components() {
        use std::path::Component;
        match part {
            Component::CurDir => {}
            Component::ParentDir => match parts.last() {
                Some(last) if last != ".." && !last.is_empty() => {
                    parts.pop();
                }
                _ => parts.push("..".into()),
            },
            Component::RootDir => parts.push(String::new()),
            Component::Prefix(p) => parts.push(p.as_os_str().to_string_lossy().into_owned()),
            // A file name may hold anything but `/` and NUL: line breaks and escape
            // sequences are written visibly, once, here.
            Component::Normal(n) => {
                parts.push(crate::escape::line(&n.to_string_lossy()).into_owned());
            }
        }
    }
    let joined = parts.join("/");
    if joined.is_empty() {
        ".".into()
    } else {
        joined
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absolute_paths_are_those_the_standard_library_gives() {
        for path in [
            "a", "./a", "a/./b", "a/../b", "a/", "..", "a//b", "./", "/x/./y", "/x/../y",
        ] {
            let ours = absolute(Path::new(path)).unwrap();
            let theirs = std::path::absolute(path).unwrap();
            assert_eq!(ours.as_os_str(), theirs.as_os_str(), "{path}");
        }
        assert!(absolute(Path::new("")).is_err());
    }

    fn file(text: &str) -> SourceFile {
        SourceFile::new("f".into(), "f".into(), text.into())
    }

    #[test]
    fn line_and_column_are_one_based_and_count_characters() {
        let f = file("ab\ncdé\nx");
        assert_eq!(f.line_col(0), (1, 1));
        assert_eq!(f.line_col(3), (2, 1));
        assert_eq!(f.line_col(7), (2, 4)); // after the two-byte é
        assert_eq!(f.line_col(8), (3, 1));
        assert_eq!(f.line_col(1000), (3, 2));
    }

    #[test]
    fn offset_of_inverts_line_col() {
        let f = file("ab\ncdé\nx");
        for offset in [0, 1, 3, 4, 5, 7, 9] {
            let (l, c) = f.line_col(offset);
            assert_eq!(f.offset_of(l, c), offset);
        }
        assert_eq!(f.line_text(2), "cdé");
    }

    #[test]
    fn display_names_are_normalised() {
        assert_eq!(display_name(Path::new("./a/b/../c.yaml")), "a/c.yaml");
        assert_eq!(display_name(Path::new("../x/y")), "../x/y");
    }
}

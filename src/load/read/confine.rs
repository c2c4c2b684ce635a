//! The one way commaudit opens an input file. A pull request controls every byte of the
//! checkout, symbolic links included, so a path is resolved one component at a time: nothing
//! outside the scanned folders is opened or even looked at, `.git` folders are never entered,
//! only regular files are opened, and the size limit is checked before reading and enforced
//! while reading.

use std::collections::HashSet;
use std::ffi::OsString;
use std::fs::{File, Metadata};
use std::io::Read;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, RwLock};

use super::{ReadProblem, decode};

/// Symbolic links followed while resolving one path (the kernel's own limit is 40).
const MAX_LINKS: usize = 40;

/// The folders commaudit may read below, and the largest file it reads.
#[derive(Debug, Clone, Default)]
pub struct Reader {
    /// Physical paths (every symbolic link resolved).
    roots: Vec<PathBuf>,
    max_bytes: u64,
    /// Folders inside the roots already resolved to themselves (a real folder, no link on the
    /// way): resolving a path below one starts there, instead of looking at every folder from
    /// `/` again for each of thousands of files.
    resolved: Arc<RwLock<HashSet<PathBuf>>>,
}

/// The repository holding `path`: the nearest folder at or above it that holds `.git`.
pub fn repository_of(path: &Path) -> Option<PathBuf> {
    path.ancestors()
        .find(|dir| dir.join(".git").exists())
        .map(Path::to_path_buf)
}

enum Part {
    Root(OsString),
    Parent,
    Name(OsString),
}

fn parts(path: &Path) -> Vec<Part> {
    path.components()
        .filter_map(|c| match c {
            Component::Prefix(p) => Some(Part::Root(p.as_os_str().to_owned())),
            Component::RootDir => Some(Part::Root(OsString::from("/"))),
            Component::CurDir => None,
            Component::ParentDir => Some(Part::Parent),
            Component::Normal(n) => Some(Part::Name(n.to_owned())),
        })
        .collect()
}

fn io(err: std::io::Error) -> ReadProblem {
    match err.kind() {
        std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory => ReadProblem::NotFound,
        _ => ReadProblem::Io(err.to_string()),
    }
}

impl Reader {
    /// A reader confined to the folders of `scanned`: each path's repository (the nearest
    /// folder above it holding `.git`), else the scanned folder itself (a file's folder);
    /// plus the `allowed` folders, named on the command line. Paths that do not exist are
    /// left out.
    pub fn new(scanned: &[PathBuf], allowed: &[PathBuf], max_bytes: u64) -> Reader {
        let mut roots: Vec<PathBuf> = Vec::new();
        for path in scanned {
            let Ok(physical) = std::fs::canonicalize(path) else {
                continue;
            };
            let dir = if physical.is_dir() {
                physical
            } else {
                physical
                    .parent()
                    .map_or(physical.clone(), Path::to_path_buf)
            };
            roots.push(repository_of(&dir).unwrap_or(dir));
        }
        roots.extend(allowed.iter().filter_map(|p| std::fs::canonicalize(p).ok()));
        roots.sort();
        roots.dedup();
        Reader {
            roots,
            max_bytes,
            resolved: Arc::default(),
        }
    }

    pub fn max_bytes(&self) -> u64 {
        self.max_bytes
    }

    /// The folders reads are confined to.
    pub fn roots(&self) -> &[PathBuf] {
        &self.roots
    }

    /// The root that holds the physical path `path`.
    pub fn root_of(&self, path: &Path) -> Option<&Path> {
        self.roots
            .iter()
            .filter(|r| path.starts_with(r))
            .max_by_key(|r| r.components().count())
            .map(PathBuf::as_path)
    }

    /// Whether a physical path lies inside the roots.
    pub fn contains(&self, path: &Path) -> bool {
        self.root_of(path).is_some()
    }

    /// Whether resolving may look at `path`: it is inside a root or on the way to one.
    fn may_visit(&self, path: &Path) -> bool {
        self.roots
            .iter()
            .any(|r| path.starts_with(r) || r.starts_with(path))
    }

    /// The physical path of `path` (every symbolic link resolved), refused when it leads
    /// outside the roots or into `.git`. The part of the path before it first enters a root
    /// is the caller's (the working folder, a scanned path); once inside, every step must stay
    /// inside a root or on the way to one, so nothing else outside is looked at. Whatever
    /// fails outside the roots is reported as outside, so a refusal never tells what exists
    /// there.
    pub fn resolve(&self, path: &Path) -> Result<PathBuf, ReadProblem> {
        self.resolve_looked(path).map(|(physical, _)| physical)
    }

    /// [`Reader::resolve`], with what the last look at the physical path saw when it was looked
    /// at (not when the path ends in a folder resolved before).
    fn resolve_looked(&self, path: &Path) -> Result<(PathBuf, Option<Metadata>), ReadProblem> {
        let absolute = crate::source::absolute(path).map_err(|_| ReadProblem::Outside)?;
        let (mut current, mut todo, mut entered) = self.known_start(&absolute);
        todo.reverse();
        let mut links = 0;
        let mut looked = None;
        while let Some(part) = todo.pop() {
            let next = match part {
                Part::Root(root) => PathBuf::from(root),
                Part::Parent => current.parent().map_or(current.clone(), Path::to_path_buf),
                Part::Name(name) => current.join(name),
            };
            if entered && !self.may_visit(&next) {
                return Err(ReadProblem::Outside);
            }
            let inside = self.contains(&next);
            if inside && next.file_name().is_some_and(|n| n == ".git") {
                return Err(ReadProblem::InsideGit);
            }
            let meta = match std::fs::symlink_metadata(&next) {
                Ok(meta) => meta,
                Err(err) if inside => return Err(io(err)),
                Err(_) => return Err(ReadProblem::Outside),
            };
            if meta.file_type().is_symlink() {
                links += 1;
                if links > MAX_LINKS {
                    return Err(ReadProblem::LinkLoop);
                }
                let target = std::fs::read_link(&next).map_err(io)?;
                todo.extend(parts(&target).into_iter().rev());
            } else {
                if inside && meta.is_dir() {
                    self.resolved
                        .write()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .insert(next.clone());
                }
                current = next;
                entered |= inside;
                looked = Some(meta);
            }
        }
        if self.contains(&current) {
            Ok((current, looked))
        } else {
            Err(ReadProblem::Outside)
        }
    }

    /// Where resolving `absolute` starts: its deepest folder already resolved inside the
    /// roots, with the parts left below it; else `/` with every part. A path that climbs
    /// (`..`) starts at `/`, since its folders are not its prefixes.
    fn known_start(&self, absolute: &Path) -> (PathBuf, Vec<Part>, bool) {
        let climbs = absolute
            .components()
            .any(|c| matches!(c, Component::ParentDir | Component::CurDir));
        if !climbs {
            let known = self
                .resolved
                .read()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if let Some(dir) = absolute.ancestors().skip(1).find(|d| known.contains(*d)) {
                let rest = absolute.strip_prefix(dir).unwrap_or(absolute);
                return (dir.to_path_buf(), parts(rest), true);
            }
        }
        (PathBuf::new(), parts(absolute), false)
    }

    /// The physical path of a folder inside the roots (for `include:` and `proto_roots:`).
    pub fn resolve_dir(&self, path: &Path) -> Result<PathBuf, ReadProblem> {
        let physical = self.resolve(path)?;
        if physical.is_dir() {
            Ok(physical)
        } else {
            Err(ReadProblem::NotFound)
        }
    }

    /// What the physical path of `path` is, refused as [`Reader::resolve`] refuses; `Ok`
    /// only for a regular file.
    pub fn check_file(&self, path: &Path) -> Result<PathBuf, ReadProblem> {
        let (physical, looked) = self.resolve_looked(path)?;
        // Resolving looked at the file itself already; opening it looks again (`read_regular`).
        let meta = match looked {
            Some(meta) => meta,
            None => std::fs::symlink_metadata(&physical).map_err(io)?,
        };
        regular(&meta)?;
        Ok(physical)
    }

    /// Reads a text file inside the roots.
    pub fn read_text(&self, path: &Path) -> Result<String, ReadProblem> {
        decode(self.read_bytes(path)?)
    }

    /// Reads the bytes of a file inside the roots, at most the size limit.
    pub fn read_bytes(&self, path: &Path) -> Result<Vec<u8>, ReadProblem> {
        let physical = self.check_file(path)?;
        read_regular(&physical, self.max_bytes)
    }

    /// Reads a text file at a physical path [`Reader::check_file`] returned.
    pub fn read_checked(&self, physical: &Path) -> Result<String, ReadProblem> {
        decode(read_regular(physical, self.max_bytes)?)
    }

    /// The first `n` bytes of a file inside the roots, as lossy text (for telling what a file
    /// too large to read is).
    pub fn read_head(&self, path: &Path, n: u64) -> String {
        let head = self
            .check_file(path)
            .and_then(|physical| open(&physical))
            .map(|file| {
                let mut buf = Vec::new();
                let _ = file.take(n).read_to_end(&mut buf);
                buf
            })
            .unwrap_or_default();
        String::from_utf8_lossy(&head).into_owned()
    }

    /// Reads a file named on the command line (`--config`, `--baseline`). A path inside the
    /// roots is checkout content and is confined like any other; a path outside them was
    /// chosen by whoever runs commaudit and is read where it leads, still only when it is a
    /// regular file within the size limit.
    pub fn read_named(&self, path: &Path) -> Result<String, ReadProblem> {
        if self.contains(&crate::load::canonical(path)) {
            return self.read_text(path);
        }
        let physical = std::fs::canonicalize(path).map_err(io)?;
        let meta = std::fs::symlink_metadata(&physical).map_err(io)?;
        regular(&meta)?;
        decode(read_regular(&physical, self.max_bytes)?)
    }
}

/// Refuses what is not a regular file, saying what it is.
fn regular(meta: &Metadata) -> Result<(), ReadProblem> {
    let kind = meta.file_type();
    if kind.is_file() {
        return Ok(());
    }
    if kind.is_dir() {
        return Err(ReadProblem::NotRegular("a folder"));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return Err(ReadProblem::NotRegular("a named pipe (FIFO)"));
        }
        if kind.is_char_device() || kind.is_block_device() {
            return Err(ReadProblem::NotRegular("a device"));
        }
        if kind.is_socket() {
            return Err(ReadProblem::NotRegular("a socket"));
        }
    }
    Err(ReadProblem::NotRegular("a special file"))
}

/// Opens without following a symbolic link and without blocking (a FIFO swapped in after the
/// check must not hang the run).
fn open(path: &Path) -> Result<File, ReadProblem> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    options.open(path).map_err(io)
}

/// Reads a regular file whole, refusing it when it is, or grows, larger than `max` bytes.
fn read_regular(physical: &Path, max: u64) -> Result<Vec<u8>, ReadProblem> {
    let file = open(physical)?;
    let meta = file.metadata().map_err(io)?;
    regular(&meta)?;
    if meta.len() > max {
        return Err(ReadProblem::TooLarge {
            bytes: Some(meta.len()),
            limit: max,
        });
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(max.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > max {
        return Err(ReadProblem::TooLarge {
            bytes: None,
            limit: max,
        });
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setup() -> (tempfile::TempDir, PathBuf, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let base = std::fs::canonicalize(dir.path()).unwrap();
        let root = base.join("repo");
        let outside = base.join("outside");
        std::fs::create_dir_all(root.join("sub")).unwrap();
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::write(outside.join("secret.env"), "TOKEN=x\n").unwrap();
        std::fs::write(root.join("sub/a.yaml"), "a: 1\n").unwrap();
        (dir, root, outside)
    }

    #[test]
    fn reads_inside_and_refuses_outside() {
        let (_dir, root, outside) = setup();
        let reader = Reader::new(std::slice::from_ref(&root), &[], 1024);
        assert_eq!(
            reader.read_text(&root.join("sub/a.yaml")).unwrap(),
            "a: 1\n"
        );
        assert_eq!(
            reader.read_text(&root.join("sub/../sub/a.yaml")).unwrap(),
            "a: 1\n"
        );
        for path in [
            outside.join("secret.env"),
            root.join("../outside/secret.env"),
            root.join("../outside/missing"),
        ] {
            assert_eq!(
                reader.read_text(&path),
                Err(ReadProblem::Outside),
                "{path:?}"
            );
        }
        assert_eq!(
            reader.read_text(&root.join("missing.yaml")),
            Err(ReadProblem::NotFound)
        );
    }

    #[cfg(unix)]
    #[test]
    fn symbolic_links_are_followed_only_inside() {
        let (_dir, root, outside) = setup();
        let link = |target: &Path, at: &str| {
            std::os::unix::fs::symlink(target, root.join(at)).unwrap();
        };
        link(Path::new("../outside/secret.env"), ".env");
        link(&outside, "out");
        link(Path::new("sub/a.yaml"), "inside.yaml");
        link(Path::new("loop"), "loop");
        link(Path::new("/dev/zero"), "zero.yaml");
        let reader = Reader::new(std::slice::from_ref(&root), &[], 1024);
        assert_eq!(
            reader.read_text(&root.join(".env")),
            Err(ReadProblem::Outside)
        );
        assert_eq!(
            reader.read_text(&root.join("out/secret.env")),
            Err(ReadProblem::Outside)
        );
        assert_eq!(
            reader.read_text(&root.join("zero.yaml")),
            Err(ReadProblem::Outside)
        );
        assert_eq!(
            reader.read_text(&root.join("loop")),
            Err(ReadProblem::LinkLoop)
        );
        assert_eq!(
            reader.read_text(&root.join("inside.yaml")).unwrap(),
            "a: 1\n"
        );
        let allowed = Reader::new(std::slice::from_ref(&root), &[outside], 1024);
        assert!(allowed.read_text(&root.join(".env")).is_ok());
    }

    #[test]
    fn folders_already_resolved_do_not_let_a_link_below_them_out() {
        let (_dir, root, outside) = setup();
        std::os::unix::fs::symlink(&outside, root.join("sub/out")).unwrap();
        let reader = Reader::new(std::slice::from_ref(&root), &[], 1024);
        // Resolves, and remembers, the root and `sub`.
        assert!(reader.read_text(&root.join("sub/a.yaml")).is_ok());
        assert!(reader.resolved.read().unwrap().contains(&root.join("sub")));
        assert_eq!(
            reader.read_text(&root.join("sub/out/secret.env")),
            Err(ReadProblem::Outside)
        );
        assert_eq!(
            reader.read_text(&root.join("sub/../../outside/secret.env")),
            Err(ReadProblem::Outside)
        );
        assert!(!reader.resolved.read().unwrap().contains(&outside));
    }

    #[test]
    fn git_folders_are_never_read() {
        let (_dir, root, _) = setup();
        std::fs::create_dir_all(root.join(".git")).unwrap();
        std::fs::write(root.join(".git/config"), "token").unwrap();
        let reader = Reader::new(&[root.join("sub")], &[], 1024);
        assert_eq!(
            reader.roots(),
            std::slice::from_ref(&root),
            "the repository is the root"
        );
        assert_eq!(
            reader.read_text(&root.join("sub/../.git/config")),
            Err(ReadProblem::InsideGit)
        );
    }

    #[cfg(unix)]
    #[test]
    fn only_regular_files_within_the_limit_are_read() {
        let (_dir, root, _) = setup();
        let fifo = root.join("pipe.env");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        let reader = Reader::new(std::slice::from_ref(&root), &[], 4);
        if made.is_ok_and(|s| s.success()) {
            assert_eq!(
                reader.read_text(&fifo),
                Err(ReadProblem::NotRegular("a named pipe (FIFO)"))
            );
        }
        assert_eq!(
            reader.read_text(&root.join("sub")),
            Err(ReadProblem::NotRegular("a folder"))
        );
        assert_eq!(
            reader.read_text(&root.join("sub/a.yaml")),
            Err(ReadProblem::TooLarge {
                bytes: Some(5),
                limit: 4
            })
        );
    }
}

//! The one way commaudit writes a file (reports, `--*-output`, baselines, `init`): whole or not
//! at all, and only where it was asked to. The checkout may be hostile, so the text goes to a
//! temporary file created exclusively, under an unpredictable name, in the target's folder
//! (a planted symbolic link at a guessable name cannot redirect it), and is then renamed over
//! the target, which never writes through what was there. A target that is a symbolic link,
//! a pipe, a device or a folder is refused, and so is one of the run's own inputs, or a folder
//! inside the checkout that a symbolic link leads out of. The temporary file is removed on
//! every error.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::audit::Audit;
use crate::load::canonical;
use crate::load::read::Reader;

/// What a write must leave alone: the folders the run read from (to tell the checkout from
/// elsewhere) and the files it read.
#[derive(Debug, Default)]
pub struct Guard {
    reader: Reader,
    /// Physical paths of the inputs.
    inputs: Vec<PathBuf>,
}

impl Guard {
    /// The guard for a run's audit: none of its input files may be written over.
    pub fn of(audit: &Audit) -> Guard {
        let mut inputs: Vec<PathBuf> = audit
            .sources
            .iter()
            .filter_map(|(_, f)| std::fs::canonicalize(&f.path).ok())
            .collect();
        inputs.sort();
        inputs.dedup();
        Guard {
            reader: audit.reader.clone(),
            inputs,
        }
    }

    /// A guard confined like `reader`, with no inputs to protect.
    pub fn within(reader: Reader) -> Guard {
        Guard {
            reader,
            inputs: Vec::new(),
        }
    }

    /// Lets the write replace `path` even though it was read (a baseline being updated).
    pub fn except(mut self, path: &Path) -> Guard {
        if let Ok(physical) = std::fs::canonicalize(path) {
            self.inputs.retain(|p| *p != physical);
        }
        self
    }

    /// Why `path` must not be written, if it must not.
    fn refusal(&self, path: &Path, dir: &Path) -> Option<String> {
        let in_checkout = self.reader.contains(&canonical(path));
        match std::fs::canonicalize(dir) {
            Ok(physical) if in_checkout && !self.reader.contains(&physical) => {
                return Some(format!(
                    "its folder `{}` leads outside the scanned repository through a symbolic link",
                    dir.display()
                ));
            }
            Ok(physical) if physical.components().any(|c| c.as_os_str() == ".git") => {
                return Some("it is inside a `.git` folder".into());
            }
            Ok(physical) if !physical.is_dir() => {
                return Some(format!("`{}` is not a folder", dir.display()));
            }
            Ok(_) => {}
            Err(_) => return Some(format!("folder `{}` does not exist", dir.display())),
        }
        let meta = std::fs::symlink_metadata(path).ok()?;
        let kind = meta.file_type();
        if kind.is_symlink() {
            return Some("it is a symbolic link, and commaudit does not write through one".into());
        }
        if kind.is_dir() {
            return Some("it is a folder".into());
        }
        if !kind.is_file() {
            return Some("it is not a regular file (a pipe, a device or a socket)".into());
        }
        let physical = std::fs::canonicalize(path).ok()?;
        self.inputs
            .binary_search(&physical)
            .is_ok()
            .then(|| "it is one of the files this run read".into())
    }
}

/// Writes `text` to `path` as a whole; the message says what went wrong, with the path.
pub fn write(path: &Path, text: &str, guard: &Guard) -> Result<(), String> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if path.file_name().is_none() {
        return Err(format!("`{}` is not a file path", path.display()));
    }
    if let Some(why) = guard.refusal(path, &dir) {
        return Err(format!("refusing to write `{}`: {why}", path.display()));
    }
    let failed = |err: std::io::Error| format!("cannot write `{}`: {err}", path.display());
    let mut builder = tempfile::Builder::new();
    builder.prefix(".commaudit-").suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o644));
    }
    // Dropping the temporary file on any error below removes it.
    let mut temp = builder.tempfile_in(&dir).map_err(failed)?;
    temp.write_all(text.as_bytes()).map_err(failed)?;
    temp.as_file().sync_all().map_err(failed)?;
    temp.persist(path).map_err(|err| failed(err.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guard(dir: &Path) -> Guard {
        Guard::within(Reader::new(&[dir.to_path_buf()], &[], 1 << 20))
    }

    fn entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn replaces_whole_files_and_leaves_no_temporary_behind() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.json");
        write(&path, "one", &guard(dir.path())).unwrap();
        write(&path, "two", &guard(dir.path())).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "two");
        assert_eq!(entries(dir.path()), ["out.json"]);
        let missing = write(
            &dir.path().join("missing/out.json"),
            "x",
            &guard(dir.path()),
        );
        assert!(missing.unwrap_err().contains("does not exist"));
    }

    #[cfg(unix)]
    #[test]
    fn symbolic_links_and_special_files_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim.txt");
        std::fs::write(&victim, "keep").unwrap();
        let link = dir.path().join("out.md");
        std::os::unix::fs::symlink(&victim, &link).unwrap();
        let err = write(&link, "x", &guard(dir.path())).unwrap_err();
        assert!(err.contains("symbolic link"), "{err}");
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep");
        let err = write(dir.path(), "x", &guard(dir.path())).unwrap_err();
        assert!(err.contains("folder"), "{err}");
        assert_eq!(entries(dir.path()), ["out.md", "victim.txt"]);
    }

    #[test]
    fn inputs_are_not_written_over() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("orders.yaml");
        std::fs::write(&input, "service: orders\n").unwrap();
        let mut g = guard(dir.path());
        g.inputs = vec![std::fs::canonicalize(&input).unwrap()];
        let err = write(&input, "x", &g).unwrap_err();
        assert!(err.contains("files this run read"), "{err}");
        write(&input, "service: orders2\n", &g.except(&input)).unwrap();
    }
}

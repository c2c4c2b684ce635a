//! Writing a file whole or not at all: the text goes to a temporary file in the same folder,
//! which is then renamed over the target, so a reader (or a crash) never sees half a report.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes `text` to `path` atomically; the message says what went wrong, with the path.
pub fn write(path: &Path, text: &str) -> Result<(), String> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| format!("`{}` is not a file path", path.display()))?;
    if !dir.is_dir() {
        return Err(format!(
            "cannot write `{}`: folder `{}` does not exist",
            path.display(),
            dir.display()
        ));
    }
    let temp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = std::fs::File::create(&temp)
        .and_then(|mut f| {
            f.write_all(text.as_bytes())?;
            f.sync_all()
        })
        .and_then(|()| std::fs::rename(&temp, path));
    result.map_err(|err| {
        let _ = std::fs::remove_file(&temp);
        format!("cannot write `{}`: {err}", path.display())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_whole_files_and_leaves_no_temporary_behind() {
        let dir = std::env::temp_dir().join(format!("commaudit-atomic-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("out.json");
        write(&path, "one").unwrap();
        write(&path, "two").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "two");
        let names: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().collect();
        assert_eq!(names.len(), 1);
        assert!(write(&dir.join("missing/out.json"), "x").is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

//! Reading one file from disk safely: a size limit, binary and UTF-8 checks, a stripped BOM.

use std::path::Path;

/// Files larger than this are reported, not read (16 MiB: larger than any hand-written spec).
pub const DEFAULT_MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Why a file could not be read as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadProblem {
    Io(String),
    TooLarge {
        bytes: u64,
        limit: u64,
    },
    Binary,
    /// Not UTF-8: the byte offset of the first bad byte, and the text up to there (lossy), so
    /// the line can still be shown.
    NotUtf8 {
        offset: usize,
        lossy: String,
    },
}

impl ReadProblem {
    pub fn message(&self) -> String {
        match self {
            ReadProblem::Io(err) => format!("cannot read the file: {err}"),
            ReadProblem::TooLarge { bytes, limit } => format!(
                "the file is {}, larger than the {} limit",
                human_bytes(*bytes),
                human_bytes(*limit)
            ),
            ReadProblem::Binary => "the file holds binary data, not text".into(),
            ReadProblem::NotUtf8 { offset, .. } => {
                format!("the file is not valid UTF-8 (first bad byte at offset {offset})")
            }
        }
    }

    pub fn help(&self) -> &'static str {
        match self {
            ReadProblem::Io(_) => "check that the file exists and is readable",
            ReadProblem::TooLarge { .. } => {
                "exclude the file with `exclude:` in commaudit.yaml, or raise the limit with --max-file-size"
            }
            ReadProblem::Binary => {
                "exclude the file with `exclude:` in commaudit.yaml, or rename it if it is not YAML, JSON or .proto"
            }
            ReadProblem::NotUtf8 { .. } => "save the file as UTF-8",
        }
    }
}

/// Reads a text file, refusing what would make parsing slow or meaningless.
pub fn read_text(path: &Path, max_bytes: u64) -> Result<String, ReadProblem> {
    let size = std::fs::metadata(path)
        .map_err(|e| ReadProblem::Io(e.to_string()))?
        .len();
    if size > max_bytes {
        return Err(ReadProblem::TooLarge {
            bytes: size,
            limit: max_bytes,
        });
    }
    let bytes = std::fs::read(path).map_err(|e| ReadProblem::Io(e.to_string()))?;
    decode(bytes)
}

/// Bytes to text: BOM removed, NUL bytes refused, invalid UTF-8 located.
pub fn decode(mut bytes: Vec<u8>) -> Result<String, ReadProblem> {
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        bytes.drain(..3);
    }
    if bytes.iter().take(8192).any(|&b| b == 0) {
        return Err(ReadProblem::Binary);
    }
    String::from_utf8(bytes).map_err(|err| {
        let offset = err.utf8_error().valid_up_to();
        let lossy = String::from_utf8_lossy(err.as_bytes()).into_owned();
        ReadProblem::NotUtf8 { offset, lossy }
    })
}

pub fn human_bytes(bytes: u64) -> String {
    const MIB: f64 = 1024.0 * 1024.0;
    if bytes >= 1024 * 1024 {
        format!("{:.1} MiB", bytes as f64 / MIB)
    } else if bytes >= 1024 {
        format!("{:.1} KiB", bytes as f64 / 1024.0)
    } else {
        format!("{bytes} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boms_are_stripped() {
        assert_eq!(decode(b"\xEF\xBB\xBFa: 1".to_vec()).unwrap(), "a: 1");
    }

    #[test]
    fn nul_bytes_mean_binary() {
        assert_eq!(decode(b"a\0b".to_vec()), Err(ReadProblem::Binary));
    }

    #[test]
    fn invalid_utf8_is_located() {
        match decode(b"a: 1\nb: \xFF\n".to_vec()) {
            Err(ReadProblem::NotUtf8 { offset, lossy }) => {
                assert_eq!(offset, 8);
                assert!(lossy.contains('\u{FFFD}'));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn sizes_read_well() {
        assert_eq!(human_bytes(20 * 1024 * 1024), "20.0 MiB");
        assert_eq!(human_bytes(10), "10 bytes");
    }
}

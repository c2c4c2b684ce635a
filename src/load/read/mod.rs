//! Reading input files: the one confined way to open them ([`Reader`]), and turning their
//! bytes into text (a stripped BOM, binary and UTF-16 refused, invalid UTF-8 located).

mod confine;

pub use confine::{Reader, repository_of};

/// Files larger than this are reported, not read (16 MiB: larger than any hand-written spec).
pub const DEFAULT_MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Why a file was not read, or could not be read as text. Never holds the file's content,
/// except the lossy text of a file that is UTF-8 up to a bad byte (a file inside the scanned
/// folders, shown so the bad line can be found).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadProblem {
    Io(String),
    /// No file at the path (inside the scanned folders).
    NotFound,
    /// `bytes` is `None` when the file grew past the limit while it was read.
    TooLarge {
        bytes: Option<u64>,
        limit: u64,
    },
    /// The path leads outside the scanned folders: by `..`, an absolute path, or a symbolic
    /// link. Nothing there is opened or even looked at.
    Outside,
    /// The path leads into a `.git` folder, which holds credentials and is never read.
    InsideGit,
    /// A named pipe, a device, a socket or a folder: what it is.
    NotRegular(&'static str),
    /// More symbolic links than the system allows in one path (a loop).
    LinkLoop,
    Binary,
    /// UTF-16 text (with a byte order mark, or NUL bytes in every other position).
    Utf16,
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
            ReadProblem::NotFound => "the file does not exist".into(),
            ReadProblem::TooLarge {
                bytes: Some(bytes),
                limit,
            } => format!(
                "the file is {}, larger than the {} limit",
                human_bytes(*bytes),
                human_bytes(*limit)
            ),
            ReadProblem::TooLarge { bytes: None, limit } => {
                format!("the file is larger than the {} limit", human_bytes(*limit))
            }
            ReadProblem::Outside => "it leads outside the scanned folders".into(),
            ReadProblem::InsideGit => {
                "it lies inside a `.git` folder, which commaudit never reads".into()
            }
            ReadProblem::NotRegular(what) => format!("it is {what}, not a regular file"),
            ReadProblem::LinkLoop => "its symbolic links form a loop".into(),
            ReadProblem::Binary => "the file holds binary data, not text".into(),
            ReadProblem::Utf16 => "the file is UTF-16 text; commaudit reads UTF-8".into(),
            ReadProblem::NotUtf8 { offset, .. } => {
                format!("the file is not valid UTF-8 (first bad byte at offset {offset})")
            }
        }
    }

    pub fn help(&self) -> &'static str {
        match self {
            ReadProblem::Io(_) => "check that the file exists and is readable",
            ReadProblem::NotFound => "fix the path or add the file",
            ReadProblem::TooLarge { .. } => {
                "exclude the file with `exclude:` in commaudit.yaml, or raise the limit with --max-file-size"
            }
            ReadProblem::Outside => {
                "keep the files commaudit reads inside the repository (a symbolic link must point inside it too), or pass --allow-dir with a folder to read outside it"
            }
            ReadProblem::InsideGit => "point at a file in the working tree instead",
            ReadProblem::NotRegular(_) | ReadProblem::LinkLoop => {
                "replace it with a regular file, or exclude it with `exclude:` in commaudit.yaml"
            }
            ReadProblem::Binary => {
                "exclude the file with `exclude:` in commaudit.yaml, or rename it if it is not YAML, JSON or .proto"
            }
            ReadProblem::Utf16 => "re-save the file as UTF-8",
            ReadProblem::NotUtf8 { .. } => "save the file as UTF-8",
        }
    }

    /// Whether the file was refused before its content was looked at (as opposed to read and
    /// found unusable).
    pub fn is_refusal(&self) -> bool {
        !matches!(
            self,
            ReadProblem::TooLarge { .. }
                | ReadProblem::Binary
                | ReadProblem::Utf16
                | ReadProblem::NotUtf8 { .. }
        )
    }
}

/// Bytes to text: BOM removed, NUL bytes refused, invalid UTF-8 located.
pub fn decode(mut bytes: Vec<u8>) -> Result<String, ReadProblem> {
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        bytes.drain(..3);
    }
    if is_utf16(&bytes) {
        return Err(ReadProblem::Utf16);
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

/// A UTF-16 byte order mark, or ASCII text written as UTF-16 without one (every other byte
/// of the first line NUL).
fn is_utf16(bytes: &[u8]) -> bool {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return true;
    }
    let head = &bytes[..bytes.len().min(64) & !1];
    let zero_at = |parity: usize| {
        head.len() >= 4
            && head
                .chunks(2)
                .all(|pair| pair[parity] == 0 && pair[1 - parity] != 0)
    };
    zero_at(0) || zero_at(1)
}

pub fn human_bytes(bytes: u64) -> String {
    const MIB: f64 = 1024.0 * 1024.0;
    if bytes >= 1024 * 1024 * 1024 {
        format!("{:.1} GiB", bytes as f64 / (MIB * 1024.0))
    } else if bytes >= 1024 * 1024 {
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
    fn utf16_is_named_as_such() {
        assert_eq!(decode(b"\xFF\xFEa\0:\0".to_vec()), Err(ReadProblem::Utf16));
        assert_eq!(decode(b"\xFE\xFF\0a\0:".to_vec()), Err(ReadProblem::Utf16));
        assert_eq!(
            decode(b"a\x00:\x00 \x001\x00".to_vec()),
            Err(ReadProblem::Utf16)
        );
        assert_eq!(decode(b"\0\0\0\x01".to_vec()), Err(ReadProblem::Binary));
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
        assert_eq!(human_bytes(1 << 30), "1.0 GiB");
    }
}

//! Durations as proxies and meshes write them: `30s`, `0.25s`, `1m30s`, `500ms`, `1h`, and a
//! bare number in a unit the format chooses (seconds for nginx and Envoy).

/// Milliseconds in `text`; a bare number counts in `bare_unit_ms`. `None` when it is not a
/// duration.
pub fn millis(text: &str, bare_unit_ms: f64) -> Option<f64> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let mut total = 0.0;
    let mut rest = text;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        if digits == 0 {
            return None;
        }
        let value: f64 = rest[..digits].parse().ok()?;
        rest = &rest[digits..];
        let units: [(&str, f64); 7] = [
            ("ms", 1.0),
            ("us", 0.001),
            ("ns", 0.000_001),
            ("s", 1000.0),
            ("m", 60_000.0),
            ("h", 3_600_000.0),
            ("d", 86_400_000.0),
        ];
        match units.iter().find(|(u, _)| rest.starts_with(u)) {
            Some((unit, scale)) => {
                total += value * scale;
                rest = &rest[unit.len()..];
            }
            None if rest.is_empty() => total += value * bare_unit_ms,
            None => return None,
        }
    }
    total.is_finite().then_some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shape() {
        assert_eq!(millis("30s", 1000.0), Some(30_000.0));
        assert_eq!(millis("0.25s", 1000.0), Some(250.0));
        assert_eq!(millis("60", 1000.0), Some(60_000.0));
        assert_eq!(millis("500ms", 1000.0), Some(500.0));
        assert_eq!(millis("1m30s", 1000.0), Some(90_000.0));
        assert_eq!(millis("1h", 1000.0), Some(3_600_000.0));
        assert_eq!(millis("soon", 1000.0), None);
        assert_eq!(millis("10x", 1000.0), None);
        assert_eq!(millis("", 1000.0), None);
    }
}

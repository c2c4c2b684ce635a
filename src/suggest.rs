//! "Did you mean" suggestions for misspelled names: services, keys, rules, options.

/// The candidate closest to `word`, if it is close enough to be a plausible typo.
///
/// Close enough means a normalised Damerau-Levenshtein similarity of at least 0.7, or one
/// name containing the other (`inventory` for `inventory-svc`). Ties go to the first candidate
/// in sorted order, so suggestions do not depend on declaration order.
pub fn closest<'a, I>(word: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let word_lower = word.to_lowercase();
    let mut best: Option<(f64, &'a str)> = None;
    let mut sorted: Vec<&'a str> = candidates.into_iter().collect();
    sorted.sort_unstable();
    sorted.dedup();
    for candidate in sorted {
        if candidate == word {
            continue;
        }
        let lower = candidate.to_lowercase();
        let mut score = strsim::normalized_damerau_levenshtein(&word_lower, &lower);
        let shorter = word_lower.len().min(lower.len());
        if shorter >= 4 && (lower.contains(&word_lower) || word_lower.contains(&lower)) {
            score = score.max(0.8);
        }
        let common = word_lower
            .chars()
            .zip(lower.chars())
            .take_while(|(a, b)| a == b)
            .count();
        if common >= 4 && common * 5 >= shorter * 3 {
            score = score.max(0.75);
        }
        if score >= 0.7 && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, candidate));
        }
    }
    best.map(|(_, c)| c)
}

/// "did you mean `x`?" or nothing.
pub fn did_you_mean<'a, I>(word: &str, candidates: I) -> Option<String>
where
    I: IntoIterator<Item = &'a str>,
{
    closest(word, candidates).map(|c| format!("did you mean `{c}`?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_find_their_word() {
        let names = ["inventory", "invoicing", "orders", "payments"];
        assert_eq!(closest("inventroy", names), Some("inventory"));
        assert_eq!(closest("order", names), Some("orders"));
        assert_eq!(closest("paymnets", names), Some("payments"));
    }

    #[test]
    fn unrelated_words_get_no_suggestion() {
        assert_eq!(closest("shipping", ["inventory", "orders"]), None);
        assert_eq!(closest("x", ["inventory"]), None);
    }

    #[test]
    fn keys_with_suffixes_are_found() {
        assert_eq!(
            closest("timeout", ["to", "timeout_ms", "retries"]),
            Some("timeout_ms")
        );
        assert_eq!(
            closest("retry", ["to", "timeout_ms", "retries"]),
            Some("retries")
        );
    }
}

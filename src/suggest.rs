//! "Did you mean" suggestions for misspelled names: services, keys, rules, options.

/// The candidate closest to `word`, if it is close enough to be a plausible typo.
///
/// Close enough means a few edits away (one per four characters, at least one and at most
/// three; a swap of neighbours is one edit), or a name that contains the other (`inventory` for
/// `inventory-svc`), or a name that the other shortens (`retry` for `retries`). Ties go to the
/// candidate first in sorted order, so suggestions do not depend on declaration order.
pub fn closest<'a, I>(word: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    Suggester::new(candidates).closest(word)
}

/// Candidates prepared once for many lookups (one per unknown name in a large system), with a
/// bound on the total work: past it, lookups return nothing rather than slow the scan down.
pub struct Suggester<'a> {
    entries: Vec<Entry<'a>>,
    budget: std::cell::Cell<usize>,
}

struct Entry<'a> {
    text: &'a str,
    lower: String,
    chars: Vec<char>,
    bag: Bag,
}

/// Candidate comparisons one suggester may make in all.
const BUDGET: usize = 500_000;

impl<'a> Suggester<'a> {
    pub fn new<I: IntoIterator<Item = &'a str>>(candidates: I) -> Self {
        let mut texts: Vec<&'a str> = candidates.into_iter().collect();
        texts.sort_unstable();
        texts.dedup();
        let entries = texts
            .into_iter()
            .map(|text| {
                let lower = text.to_lowercase();
                Entry {
                    text,
                    chars: lower.chars().collect(),
                    bag: Bag::of(&lower),
                    lower,
                }
            })
            .collect();
        Suggester {
            entries,
            budget: std::cell::Cell::new(BUDGET),
        }
    }

    pub fn closest(&self, word: &str) -> Option<&'a str> {
        let left = self.budget.get();
        if left < self.entries.len() {
            return None;
        }
        self.budget.set(left - self.entries.len());
        let word_lower = word.to_lowercase();
        let word_chars: Vec<char> = word_lower.chars().collect();
        let word_len = word_chars.len();
        let allowed = (word_len / 4).clamp(1, 3);
        let word_bag = Bag::of(&word_lower);
        // Rank: a few edits away first (by distance), then containment or shortening.
        let mut best: Option<((u8, usize), &'a str)> = None;
        for entry in &self.entries {
            if entry.text == word {
                continue;
            }
            let len = entry.chars.len();
            let near =
                word_len.abs_diff(len) <= allowed && word_bag.distance(&entry.bag) <= allowed;
            let edits = if near {
                bounded_edits(&word_chars, &entry.chars, allowed)
            } else {
                None
            };
            let rank = match edits {
                Some(d) => Some((0, d)),
                None if word_len.min(len) >= 4
                    && (contains(&entry.lower, &word_lower)
                        || contains(&word_lower, &entry.lower)
                        || shortens(&word_lower, &entry.lower)) =>
                {
                    Some((1, word_len.abs_diff(len)))
                }
                None => None,
            };
            // Entries are sorted, so the first of equal rank wins.
            if let Some(r) = rank
                && best.is_none_or(|(b, _)| r < b)
            {
                best = Some((r, entry.text));
            }
        }
        best.map(|(_, c)| c)
    }

    /// "did you mean `x`?" or nothing.
    pub fn did_you_mean(&self, word: &str) -> Option<String> {
        self.closest(word).map(|c| format!("did you mean `{c}`?"))
    }
}

/// Edits (insert, delete, replace, swap neighbours) between `a` and `b`, or `None` as soon as
/// they must exceed `max`: only a band of width `2 * max + 1` of the table is filled.
fn bounded_edits(a: &[char], b: &[char], max: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    let big = max + 1;
    let width = b.len() + 1;
    let mut before = vec![big; width];
    let mut prev: Vec<usize> = (0..width).map(|j| j.min(big)).collect();
    let mut row = vec![big; width];
    for i in 1..=a.len() {
        let lo = i.saturating_sub(max).max(1);
        let hi = (i + max).min(b.len());
        row.fill(big);
        row[0] = i.min(big);
        let mut best = row[0];
        for j in lo..=hi {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (prev[j - 1] + cost).min(prev[j] + 1).min(row[j - 1] + 1);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(before[j - 2] + 1);
            }
            row[j] = v.min(big);
            best = best.min(row[j]);
        }
        if best > max {
            return None;
        }
        std::mem::swap(&mut before, &mut prev);
        std::mem::swap(&mut prev, &mut row);
    }
    Some(prev[b.len()]).filter(|d| *d <= max)
}

/// `haystack.contains(needle)`, without setting up a search when the needle is longer.
fn contains(haystack: &str, needle: &str) -> bool {
    haystack.len() >= needle.len() && haystack.contains(needle)
}

/// One is the other cut short, give or take its last letter: `retry` and `retries`.
fn shortens(a: &str, b: &str) -> bool {
    // Four equal first characters are four equal first bytes: most pairs stop here, before
    // any character is counted.
    if a.len() < 4 || b.len() < 4 || a.as_bytes()[..4] != b.as_bytes()[..4] {
        return false;
    }
    let common = a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count();
    let (la, lb) = (a.chars().count(), b.chars().count());
    common >= 4 && common + 1 >= la.min(lb) && la.abs_diff(lb) >= 2
}

/// Letter counts, for a quick lower bound on the edit distance.
struct Bag([i16; 64]);

impl Bag {
    fn of(text: &str) -> Bag {
        let mut counts = [0i16; 64];
        for c in text.chars() {
            let slot = (c as u32 % 64) as usize;
            counts[slot] = counts[slot].saturating_add(1);
        }
        Bag(counts)
    }

    /// A lower bound on the edits between the two texts.
    fn distance(&self, other: &Bag) -> usize {
        // Without branches, so the 64 slots are compared several at a time: this runs once
        // per candidate and lookup.
        let (mut more, mut fewer) = (0i32, 0i32);
        for (a, b) in self.0.iter().zip(&other.0) {
            let d = i32::from(*a) - i32::from(*b);
            more += d.max(0);
            fewer += (-d).max(0);
        }
        more.max(fewer).unsigned_abs() as usize
    }
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
        assert_eq!(closest("natz", ["nats", "kafka"]), Some("nats"));
        assert_eq!(closest("CA0004", ["CA004", "CA005"]), Some("CA004"));
    }

    #[test]
    fn unrelated_words_get_no_suggestion() {
        assert_eq!(closest("shipping", ["inventory", "orders"]), None);
        assert_eq!(closest("x", ["inventory"]), None);
        assert_eq!(
            closest("events.svc-1234", ["events.svc-5678", "events.svc-9012"]),
            None
        );
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

    #[test]
    fn bounded_edits_count_swaps_as_one() {
        let v = |s: &str| s.chars().collect::<Vec<_>>();
        assert_eq!(bounded_edits(&v("inventroy"), &v("inventory"), 2), Some(1));
        assert_eq!(bounded_edits(&v("kitten"), &v("sitting"), 3), Some(3));
        assert_eq!(bounded_edits(&v("kitten"), &v("sitting"), 2), None);
        assert_eq!(bounded_edits(&v(""), &v("ab"), 2), Some(2));
        assert_eq!(bounded_edits(&v("abc"), &v("abc"), 1), Some(0));
    }

    #[test]
    fn the_nearest_of_several_wins() {
        assert_eq!(
            closest("orders.complete", ["orders.completed", "orders.comp"]),
            Some("orders.completed")
        );
    }
}

//! Coordinates with one decimal, as `format!("{x:.1}")` writes them, without the general float
//! formatting in the common case: a 5,000-service drawing writes about a million of them.

use std::fmt::{self, Write};

/// `x` with one decimal, byte for byte what `{:.1}` gives.
#[derive(Debug, Clone, Copy)]
pub struct F1(pub f64);

impl fmt::Display for F1 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let x = self.0;
        let tenths = x * 10.0;
        let nearest = tenths.round();
        // Below 10^12 the product is off the exact value by under 10^-3, so a product farther
        // than that from a half rounds as the exact value does. Halves, signs, huge and
        // non-finite values go to the general formatting, which rounds halves to even and
        // writes `-0.0`.
        if x.is_sign_positive() && tenths < 1e12 && (tenths - nearest).abs() < 0.49 {
            let n = nearest as u64;
            write!(f, "{}.{}", n / 10, n % 10)
        } else {
            write!(f, "{x:.1}")
        }
    }
}

/// Appends `x` with one decimal to `out`.
pub fn push(out: &mut String, x: f64) {
    let _ = write!(out, "{}", F1(x));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_of_value_is_written_as_the_general_formatting_writes_it() {
        let mut values = vec![
            0.0,
            -0.0,
            0.04,
            0.05,
            0.15,
            0.25,
            0.35,
            0.45,
            0.75,
            1.25,
            2.5,
            -0.04,
            -3.25,
            9.95,
            99.95,
            1e11,
            1e12,
            1e15,
            1e300,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            86504.25,
            0.1 + 0.2,
            5e-324,
        ];
        // Coordinates as a layout makes them, and values one step either side of a half.
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        for _ in 0..200_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let x = (seed % 100_000_000) as f64 / 997.0;
            values.push(x);
            let half = (seed % 2_000_000) as f64 / 10.0 + 0.05;
            values.extend([half, half.next_up(), half.next_down()]);
        }
        for x in values {
            assert_eq!(F1(x).to_string(), format!("{x:.1}"), "{x:e}");
        }
    }
}

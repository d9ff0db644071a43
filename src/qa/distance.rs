//! Edit distance with a bound, and how many edits a word of a given length may take: the
//! typo tolerance of the lexicon and of unit names.

/// The typo allowance of one label word of `len` characters (see the module docs).
pub fn allowance(len: usize) -> usize {
    match len {
        0..=4 => 0,
        5..=8 => 1,
        _ => 2,
    }
}

/// The Damerau-Levenshtein distance (optimal string alignment: insertions, deletions,
/// substitutions and swaps of two neighbours, each costing one) between `a` and `b`, or `None`
/// if it is larger than `max`. Stops as soon as every cell of a row exceeds `max`.
pub fn bounded_distance(a: &[char], b: &[char], max: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    if a.is_empty() || b.is_empty() {
        let d = a.len().max(b.len());
        return (d <= max).then_some(d);
    }
    let width = b.len() + 1;
    // Three rows: two back (for swaps), previous, current.
    let mut before: Vec<usize> = vec![0; width];
    let mut previous: Vec<usize> = (0..width).collect();
    let mut current: Vec<usize> = vec![0; width];
    for i in 1..=a.len() {
        current[0] = i;
        let mut row_min = current[0];
        for j in 1..width {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (previous[j] + 1)
                .min(current[j - 1] + 1)
                .min(previous[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(before[j - 2] + 1);
            }
            current[j] = d;
            row_min = row_min.min(d);
        }
        if row_min > max {
            return None;
        }
        std::mem::swap(&mut before, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    let d = previous[b.len()];
    (d <= max).then_some(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measures_damerau_levenshtein_distance() {
        let cases: &[(&str, &str, usize, Option<usize>)] = &[
            ("ingolstat", "ingolstadt", 2, Some(1)),
            ("ingolstadt", "ingolstadt", 0, Some(0)),
            ("hongarjie", "hongarije", 2, Some(1)),
            ("brussle", "brussel", 1, Some(1)),
            ("agorai", "agoria", 1, Some(1)),
            ("q8tron", "q8etron", 1, Some(1)),
            ("abc", "xyz", 2, None),
            ("", "ab", 2, Some(2)),
            ("", "abc", 2, None),
            ("kitten", "sitting", 3, Some(3)),
            ("kitten", "sitting", 2, None),
        ];
        for (a, b, max, expected) in cases {
            let (a_chars, b_chars): (Vec<char>, Vec<char>) =
                (a.chars().collect(), b.chars().collect());
            assert_eq!(
                bounded_distance(&a_chars, &b_chars, *max),
                *expected,
                "{a} ~ {b}"
            );
        }
    }
}

//! Which strings kubectl's YAML writer (sigs.k8s.io/yaml over gopkg.in/yaml.v2) will not write
//! plain, independent of the emitter used here: yaml.v2's `encoder.stringv` (encode.go) writes a
//! string double-quoted when `resolve("", s)` (resolve.go) reads it back as another type, and
//! `parseTimestamp` there makes every timestamp-shaped string such a one — so kubectl writes
//! `creationTimestamp: "2024-01-01T00:00:00Z"`.

/// Whether yaml.v2's `parseTimestamp` accepts `s`: four digits and `-` first, then one of the
/// layouts `2006-1-2T15:4:5.999999999Z07:00` (also with `t`), `2006-1-2 15:4:5.999999999` or
/// `2006-1-2`, with Go's `time.Parse` rules (1-2 digit fields, ranges checked).
pub fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 5 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return false;
    }
    let mut p = Parser { b, i: 5 };
    let Some(year) = std::str::from_utf8(&b[..4])
        .ok()
        .and_then(|y| y.parse::<u32>().ok())
    else {
        return false;
    };
    let (Some(month), true, Some(day)) = (p.num(), p.eat(b'-'), p.num()) else {
        return false;
    };
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return false;
    }
    if p.done() {
        return true;
    }
    let with_zone = match b[p.i] {
        b'T' | b't' => true,
        b' ' => false,
        _ => return false,
    };
    p.i += 1;
    let (Some(h), true, Some(m), true, Some(sec)) =
        (p.num(), p.eat(b':'), p.num(), p.eat(b':'), p.num())
    else {
        return false;
    };
    if h > 23 || m > 59 || sec > 59 {
        return false;
    }
    if p.eat(b'.') {
        let start = p.i;
        while p.i < b.len() && b[p.i].is_ascii_digit() {
            p.i += 1;
        }
        if p.i == start {
            return false;
        }
    }
    if !with_zone {
        return p.done();
    }
    if p.eat(b'Z') {
        return p.done();
    }
    if !(p.eat(b'+') || p.eat(b'-')) {
        return false;
    }
    let two = |p: &mut Parser| {
        let ok = p.i + 2 <= p.b.len() && p.b[p.i..p.i + 2].iter().all(u8::is_ascii_digit);
        p.i += 2;
        ok
    };
    two(&mut p) && p.eat(b':') && two(&mut p) && p.done()
}

struct Parser<'a> {
    b: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    /// One or two digits (Go's `getnum` for the `1`, `2`, `15`, `4`, `5` layout elements).
    fn num(&mut self) -> Option<u32> {
        let start = self.i;
        while self.i < self.b.len() && self.i - start < 2 && self.b[self.i].is_ascii_digit() {
            self.i += 1;
        }
        std::str::from_utf8(&self.b[start..self.i])
            .ok()?
            .parse()
            .ok()
    }

    fn eat(&mut self, c: u8) -> bool {
        let hit = self.b.get(self.i) == Some(&c);
        if hit {
            self.i += 1;
        }
        hit
    }

    fn done(&self) -> bool {
        self.i >= self.b.len()
    }
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::is_timestamp;

    #[test]
    fn timestamps_as_yaml_v2_reads_them() {
        for s in [
            "2024-01-01T00:00:00Z",
            "2026-12-04T12:40:18Z",
            "2024-1-2t3:04:05.123+02:00",
            "2024-01-01 10:00:00",
            "2024-01-01",
            "2024-2-29",
        ] {
            assert!(is_timestamp(s), "{s}");
        }
        for s in [
            "2023-2-29",
            "2024-13-01",
            "2024-01-01T",
            "2024-01-01T25:00:00Z",
            "2024-01-01 10:00:00Z",
            "12024-01-01",
            "2024-01-01x",
            "web-0",
            "2024",
        ] {
            assert!(!is_timestamp(s), "{s}");
        }
    }
}

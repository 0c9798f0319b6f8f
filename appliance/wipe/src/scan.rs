//! Scanning a live process's memory for a canary: every readable mapping of `/proc/PID/maps`,
//! read through `/proc/PID/mem`. Needs root (or the same user and a dumpable process).

use std::fs::File;
use std::io::{self, BufRead, BufReader};
use std::os::unix::fs::FileExt;

/// Mappings that are not memory of the process's own (kernel pages that cannot be read through
/// `/proc/PID/mem`).
const SKIPPED: [&str; 2] = ["[vvar]", "[vsyscall]"];
/// How much of a mapping is read at once.
const CHUNK: usize = 1 << 20;

/// One mapping where a needle was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hit {
    /// Which needle (index into the needles given).
    pub needle: usize,
    /// The mapping's name (`[heap]`, `[stack]`, a file, or empty for anonymous memory).
    pub mapping: String,
    /// Address of the match.
    pub address: u64,
}

/// What a scan saw.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Scan {
    /// Every match.
    pub hits: Vec<Hit>,
    /// Bytes read.
    pub bytes: u64,
    /// Mappings read.
    pub mappings: usize,
}

impl Scan {
    /// Matches of needle `index`.
    pub fn count(&self, index: usize) -> usize {
        self.hits.iter().filter(|hit| hit.needle == index).count()
    }
}

/// Scans every readable mapping of process `pid` for each of `needles`.
pub fn scan_process(pid: u32, needles: &[&[u8]]) -> io::Result<Scan> {
    let maps = File::open(format!("/proc/{pid}/maps"))?;
    let mem = File::open(format!("/proc/{pid}/mem"))?;
    let longest = needles.iter().map(|n| n.len()).max().unwrap_or(0);
    let mut scan = Scan::default();
    let mut buffer = vec![0u8; CHUNK + longest];
    for line in BufReader::new(maps).lines() {
        let line = line?;
        let mut fields = line.split_whitespace();
        let (Some(range), Some(perms)) = (fields.next(), fields.next()) else { continue };
        let name = fields.nth(3).unwrap_or("").to_owned();
        if !perms.starts_with('r') || SKIPPED.contains(&name.as_str()) {
            continue;
        }
        let Some((start, end)) = range.split_once('-') else { continue };
        let (Ok(start), Ok(end)) = (u64::from_str_radix(start, 16), u64::from_str_radix(end, 16))
        else {
            continue;
        };
        scan.mappings += 1;
        let mut offset = start;
        while offset < end {
            // Read a chunk plus an overlap, so a needle across a chunk boundary is still found.
            let want = usize::try_from(end - offset).unwrap_or(usize::MAX).min(CHUNK + longest);
            let read = match mem.read_at(&mut buffer[..want], offset) {
                Ok(0) => break,
                Ok(read) => read,
                // Guard pages and similar cannot be read: skip to the next mapping.
                Err(error) if error.raw_os_error() == Some(libc::EIO) => break,
                Err(error) => return Err(error),
            };
            let window = &buffer[..read];
            for (index, needle) in needles.iter().enumerate() {
                if needle.is_empty() {
                    continue;
                }
                for at in find_all(window, needle) {
                    // Matches starting in the overlap are found again by the next chunk.
                    if at < CHUNK || read < CHUNK + longest {
                        scan.hits.push(Hit {
                            needle: index,
                            mapping: name.clone(),
                            address: offset + at as u64,
                        });
                    }
                }
            }
            scan.bytes += read.min(CHUNK) as u64;
            offset += CHUNK as u64;
        }
    }
    scan.hits.sort_by_key(|hit| (hit.needle, hit.address));
    scan.hits.dedup();
    Ok(scan)
}

/// Start offsets of every occurrence of `needle` in `haystack`.
pub fn find_all<'a>(haystack: &'a [u8], needle: &'a [u8]) -> impl Iterator<Item = usize> + 'a {
    let first = needle.first().copied();
    haystack
        .windows(needle.len().max(1))
        .enumerate()
        .filter(move |(_, window)| Some(window[0]) == first && *window == needle)
        .map(|(at, _)| at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_every_occurrence() {
        let hits: Vec<usize> = find_all(b"abcabcab", b"cab").collect();
        assert_eq!(hits, [2, 5]);
        assert_eq!(find_all(b"short", b"longer needle").count(), 0);
    }

    #[test]
    fn finds_a_needle_in_its_own_process() {
        // Built at run time, so the needle is not also a literal in the test binary.
        let needle: String = (0..32).map(|i| char::from(b'a' + (i * 7 % 26) as u8)).collect();
        let copy = needle.clone();
        let scan = scan_process(std::process::id(), &[needle.as_bytes()]).expect("scanning self");
        assert!(scan.count(0) >= 2, "both copies are found: {scan:?}");
        assert!(scan.mappings > 0 && scan.bytes > 0);
        drop(copy);
    }
}

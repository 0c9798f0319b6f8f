//! Reading and writing session content without leaving copies in I/O buffers.
//!
//! The standard library's stdin and stdout keep their own buffers for the life of the process,
//! and a `BufReader` keeps the last bytes it read: each would hold the last utterance long after
//! the wipe. These types read and write through file descriptors of their own, with buffers that
//! are zeroed as soon as their bytes are used.

use std::fs::File;
use std::io::{self, BufRead, Read, Write};
use std::os::fd::AsFd;

use zeroize::{Zeroize, Zeroizing};

/// Size of the read and write buffers.
const BUFFER: usize = 16 * 1024;

/// A buffered reader whose buffer is wiped as it is consumed.
pub struct SecretReader<R> {
    inner: R,
    buffer: Zeroizing<Box<[u8]>>,
    position: usize,
    filled: usize,
}

impl<R: Read> SecretReader<R> {
    /// Reads from `inner`.
    pub fn new(inner: R) -> Self {
        Self {
            inner,
            buffer: Zeroizing::new(vec![0; BUFFER].into_boxed_slice()),
            position: 0,
            filled: 0,
        }
    }
}

impl SecretReader<File> {
    /// Reads the process's standard input through a descriptor of its own, bypassing the
    /// standard library's stdin buffer.
    pub fn stdin() -> io::Result<Self> {
        let fd = io::stdin().as_fd().try_clone_to_owned()?;
        Ok(Self::new(File::from(fd)))
    }
}

impl<R: Read> Read for SecretReader<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(out.len());
        out[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl<R: Read> BufRead for SecretReader<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.position == self.filled {
            self.position = 0;
            self.filled = self.inner.read(&mut self.buffer)?;
        }
        Ok(&self.buffer[self.position..self.filled])
    }

    fn consume(&mut self, amount: usize) {
        let end = (self.position + amount).min(self.filled);
        self.buffer[self.position..end].zeroize();
        self.position = end;
    }
}

/// A buffered writer whose buffer is wiped after every flush.
pub struct SecretWriter<W: Write> {
    inner: W,
    buffer: Zeroizing<Vec<u8>>,
}

impl<W: Write> SecretWriter<W> {
    /// Writes to `inner`.
    pub fn new(inner: W) -> Self {
        Self { inner, buffer: Zeroizing::new(Vec::with_capacity(BUFFER)) }
    }
}

impl SecretWriter<File> {
    /// Writes to the process's standard output through a descriptor of its own, bypassing the
    /// standard library's stdout buffer.
    pub fn stdout() -> io::Result<Self> {
        let fd = io::stdout().as_fd().try_clone_to_owned()?;
        Ok(Self::new(File::from(fd)))
    }
}

impl<W: Write> Write for SecretWriter<W> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        if self.buffer.len() + bytes.len() > self.buffer.capacity() {
            self.flush()?;
        }
        if bytes.len() > self.buffer.capacity() {
            // Too big to buffer: straight through, nothing kept.
            return self.inner.write(bytes);
        }
        // Fits in the spare capacity: no reallocation.
        self.buffer.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        let result = self.inner.write_all(&self.buffer).and_then(|()| self.inner.flush());
        // `zeroize` wipes the whole capacity and empties the vector, keeping its allocation.
        self.buffer.zeroize();
        result
    }
}

impl<W: Write> Drop for SecretWriter<W> {
    fn drop(&mut self) {
        // Nothing can report a failure here; the buffer is wiped either way.
        let _ = self.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reader_wipes_what_it_has_handed_out() {
        let mut reader = SecretReader::new(&b"first line\nsecond\n"[..]);
        let mut line = String::new();
        reader.read_line(&mut line).expect("reading from memory");
        assert_eq!(line, "first line\n");
        assert!(!reader.buffer.windows(5).any(|w| w == b"first"), "consumed bytes are wiped");
        assert!(reader.buffer.windows(6).any(|w| w == b"second"), "unread bytes are kept");
    }

    #[test]
    fn the_writer_passes_everything_through_and_keeps_nothing() {
        let mut sink = Vec::new();
        {
            let mut writer = SecretWriter::new(&mut sink);
            writer.write_all(b"small").expect("writing");
            let capacity = writer.buffer.capacity();
            writer.write_all(&vec![b'x'; BUFFER * 2]).expect("writing");
            writer.flush().expect("flushing");
            assert!(writer.buffer.is_empty());
            assert_eq!(writer.buffer.capacity(), capacity, "the buffer never grew");
        }
        assert_eq!(sink.len(), 5 + BUFFER * 2);
        assert!(sink.starts_with(b"small"));
    }
}

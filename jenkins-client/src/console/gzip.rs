//! Incremental gunzip for progressiveText bodies.
//!
//! Jenkins compresses a progressiveText answer over 4 KiB when the request
//! accepts gzip (Stapler's `LargeText.createWriter`). The HTTP stack of
//! `dcos-auth` does not decompress, so the console asks for gzip itself and
//! inflates here, chunk by chunk, so a large log is never held whole.

use std::io::Write;

use bytes::Bytes;
use flate2::write::GzDecoder;

use super::ConsoleError;

/// Inflates a gzip body fed in pieces of any size.
pub struct Gunzip {
    inner: GzDecoder<Vec<u8>>,
}

impl std::fmt::Debug for Gunzip {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gunzip").finish_non_exhaustive()
    }
}

impl Default for Gunzip {
    fn default() -> Self {
        Gunzip::new()
    }
}

impl Gunzip {
    /// A decoder at the start of a gzip stream.
    pub fn new() -> Self {
        Gunzip {
            inner: GzDecoder::new(Vec::new()),
        }
    }

    /// Feeds the next compressed piece and returns the text it completes
    /// (possibly empty).
    pub fn feed(&mut self, input: &[u8]) -> Result<Bytes, ConsoleError> {
        self.inner
            .write_all(input)
            .map_err(|e| ConsoleError::Gzip(e.to_string()))?;
        Ok(Bytes::from(std::mem::take(self.inner.get_mut())))
    }

    /// Ends the stream: returns the last text, or an error when the gzip
    /// stream was cut short.
    pub fn finish(mut self) -> Result<Bytes, ConsoleError> {
        self.inner
            .try_finish()
            .map_err(|e| ConsoleError::Gzip(e.to_string()))?;
        let out = std::mem::take(self.inner.get_mut());
        // A complete member has a CRC and length trailer; without it the
        // body was cut off.
        let done = self
            .inner
            .finish()
            .map_err(|e| ConsoleError::Gzip(e.to_string()))?;
        let mut out = out;
        out.extend_from_slice(&done);
        Ok(Bytes::from(out))
    }
}

#[cfg(test)]
mod tests {
    use flate2::Compression;
    use flate2::write::GzEncoder;

    use super::*;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut e = GzEncoder::new(Vec::new(), Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn inflates_a_body_split_at_every_byte() {
        let text: Vec<u8> = (0..400)
            .flat_map(|i| format!("line {i} ✓\r\n").into_bytes())
            .collect();
        let packed = gzip(&text);
        for cut in 0..=packed.len() {
            let mut g = Gunzip::new();
            let mut out = Vec::new();
            out.extend_from_slice(&g.feed(&packed[..cut]).unwrap());
            out.extend_from_slice(&g.feed(&packed[cut..]).unwrap());
            out.extend_from_slice(&g.finish().unwrap());
            assert_eq!(out, text, "cut at {cut}");
        }
        let mut g = Gunzip::new();
        let mut out = Vec::new();
        for b in &packed {
            out.extend_from_slice(&g.feed(std::slice::from_ref(b)).unwrap());
        }
        out.extend_from_slice(&g.finish().unwrap());
        assert_eq!(out, text);
    }

    #[test]
    fn a_cut_stream_is_an_error() {
        let packed = gzip(b"hello world, hello world");
        let mut g = Gunzip::new();
        g.feed(&packed[..packed.len() - 4]).unwrap();
        assert!(matches!(g.finish(), Err(ConsoleError::Gzip(_))));
    }

    #[test]
    fn garbage_is_an_error() {
        let mut g = Gunzip::new();
        assert!(g.feed(b"this is not gzip at all").is_err());
    }
}

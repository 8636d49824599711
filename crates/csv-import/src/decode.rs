//! Streaming decode of legacy encodings into UTF-8 for the parser, counting malformed sequences.
//! No replacement character is ever silent: the count becomes a visible file-level warning.

use encoding_rs::{Decoder, DecoderResult, Encoding};
use std::io::Read;

/// An `io::Read` of UTF-8 produced chunk by chunk from bytes in any encoding.
pub struct DecodeReader<'a> {
    src: &'a [u8],
    decoder: Decoder,
    pending: [u8; 8],
    pending_len: usize,
    finished: bool,
    /// Malformed byte sequences replaced by U+FFFD so far.
    pub replacements: u64,
}

impl<'a> DecodeReader<'a> {
    pub fn new(encoding: &'static Encoding, src: &'a [u8]) -> Self {
        Self {
            src,
            decoder: encoding.new_decoder_without_bom_handling(),
            pending: [0; 8],
            pending_len: 0,
            finished: false,
            replacements: 0,
        }
    }
}

impl Read for DecodeReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.pending_len > 0 {
            let n = self.pending_len.min(buf.len());
            buf[..n].copy_from_slice(&self.pending[..n]);
            self.pending.copy_within(n..self.pending_len, 0);
            self.pending_len -= n;
            return Ok(n);
        }
        if buf.len() < 8 {
            // Too small for every decoder's widest output: decode into a scratch, hand it out piecewise.
            let mut scratch = [0u8; 8];
            let n = self.read(&mut scratch)?;
            let take = n.min(buf.len());
            buf[..take].copy_from_slice(&scratch[..take]);
            self.pending[..n - take].copy_from_slice(&scratch[take..n]);
            self.pending_len = n - take;
            return Ok(take);
        }
        let mut written = 0;
        while written == 0 {
            if self.finished {
                return Ok(0);
            }
            let chunk = self.src.len().min(64 * 1024);
            let last = chunk == self.src.len();
            let (res, read, w) = self.decoder.decode_to_utf8_without_replacement(
                &self.src[..chunk],
                &mut buf[written..],
                last,
            );
            self.src = &self.src[read..];
            written += w;
            match res {
                DecoderResult::InputEmpty => {
                    if last {
                        self.finished = true;
                    }
                }
                DecoderResult::OutputFull => {
                    if written == 0 {
                        return Err(std::io::Error::other("decoder made no progress"));
                    }
                }
                DecoderResult::Malformed(_, _) => {
                    self.replacements += 1;
                    let fffd = "\u{FFFD}".as_bytes();
                    let room = buf.len() - written;
                    let n = room.min(3);
                    buf[written..written + n].copy_from_slice(&fffd[..n]);
                    self.pending[..3 - n].copy_from_slice(&fffd[n..]);
                    self.pending_len = 3 - n;
                    written += n;
                }
            }
        }
        Ok(written)
    }
}

/// Decodes a whole buffer (a head for a preview, or a small file) to a String, counting replacements.
pub fn decode_all(encoding: &'static Encoding, src: &[u8]) -> (String, u64) {
    let mut reader = DecodeReader::new(encoding, src);
    let mut out = Vec::with_capacity(src.len() + src.len() / 2);
    // Reading from a DecodeReader cannot fail: it only touches memory.
    let _ = reader.read_to_end(&mut out);
    let replacements = reader.replacements;
    (
        String::from_utf8(out)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
        replacements,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_big5_and_counts_replacements() {
        let (bytes, _, _) = encoding_rs::BIG5.encode("陳大文,chen@example.com\n");
        let (s, n) = decode_all(encoding_rs::BIG5, &bytes);
        assert_eq!(s, "陳大文,chen@example.com\n");
        assert_eq!(n, 0);
        let (s, n) = decode_all(encoding_rs::UTF_8, b"a\xFFb\xFEc");
        assert_eq!(s, "a\u{FFFD}b\u{FFFD}c");
        assert_eq!(n, 2);
    }

    #[test]
    fn tiny_buffers_still_make_progress() {
        let (bytes, _, _) = encoding_rs::SHIFT_JIS.encode("山田太郎\n");
        let mut r = DecodeReader::new(encoding_rs::SHIFT_JIS, &bytes);
        let mut out = Vec::new();
        let mut b = [0u8; 1];
        for _ in 0..1000 {
            match r.read(&mut b).unwrap() {
                0 => break,
                n => out.extend_from_slice(&b[..n]),
            }
        }
        assert_eq!(String::from_utf8(out).unwrap(), "山田太郎\n");
    }
}

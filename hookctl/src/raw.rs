//! Raw HTTP/1.1 requests (`verify --request`) and the `--explain` text of a failed verify.

use std::fmt::Write as _;

use pos_webhooks::{Message, Scheme, Signer};

use crate::Failure;
use crate::commands::Options;

/// A request read from a file: its headers and body (the request line is checked, not kept).
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct RawRequest {
    pub(crate) method: String,
    pub(crate) target: String,
    pub(crate) headers: Vec<(String, Vec<u8>)>,
    pub(crate) body: Vec<u8>,
}

/// Splits off one line (without its `\n` and an `\r` before it); `None` at the end.
fn line(input: &[u8]) -> Option<(&[u8], &[u8])> {
    if input.is_empty() {
        return None;
    }
    match input.iter().position(|&b| b == b'\n') {
        Some(end) => {
            let (text, rest) = input.split_at(end);
            Some((text.strip_suffix(b"\r").unwrap_or(text), rest.get(1..)?))
        }
        None => Some((input, &[])),
    }
}

/// Reads a raw HTTP/1.1 request: request line, headers, blank line, body. Lines end in CRLF or
/// LF. A `curl -v` capture works too: its `* ` lines are skipped and the `> ` prefixes
/// dropped. The body is `Content-Length` bytes if given (chunked bodies are decoded), else the
/// rest of the input.
pub(crate) fn parse_request(input: &[u8]) -> Result<RawRequest, String> {
    let mut rest = input;
    let mut request_line = None;
    let mut headers = Vec::new();
    let mut curl = false;
    loop {
        let Some((text, after)) = line(rest) else {
            if request_line.is_none() {
                return Err("no request line".to_owned());
            }
            // Headers with no blank line after them: no body.
            rest = &[];
            break;
        };
        rest = after;
        let mut text = text;
        if request_line.is_none() {
            if text.starts_with(b"* ") || text.is_empty() {
                continue;
            }
            if let Some(stripped) = text.strip_prefix(b"> ") {
                curl = true;
                text = stripped;
            }
            request_line = Some(text);
            continue;
        }
        if curl {
            if text == b">" {
                break;
            }
            text = text
                .strip_prefix(b"> ")
                .or_else(|| text.strip_prefix(b">"))
                .unwrap_or(text);
        }
        if text.is_empty() {
            break;
        }
        let colon = text.iter().position(|&b| b == b':').ok_or_else(|| {
            format!(
                "header line {:?} has no colon",
                text.escape_ascii().to_string()
            )
        })?;
        let (name, value) = text.split_at(colon);
        let name = std::str::from_utf8(name.trim_ascii())
            .ok()
            .filter(|name| http::HeaderName::from_bytes(name.as_bytes()).is_ok())
            .ok_or_else(|| format!("invalid header name {:?}", name.escape_ascii().to_string()))?;
        let value = value.get(1..).unwrap_or_default().trim_ascii().to_vec();
        headers.push((name.to_owned(), value));
    }
    let request_line = request_line.unwrap_or_default();
    let parts: Vec<&[u8]> = request_line.split(|&b| b == b' ').collect();
    let [method, target, version] = parts.as_slice() else {
        return Err(format!(
            "bad request line {:?} (expected `METHOD TARGET HTTP/1.1`)",
            request_line.escape_ascii().to_string()
        ));
    };
    if !version.starts_with(b"HTTP/") {
        return Err(format!(
            "bad request line {:?} (expected `METHOD TARGET HTTP/1.1`)",
            request_line.escape_ascii().to_string()
        ));
    }
    let get = |wanted: &str| {
        headers
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(wanted))
            .map(|(_, value)| String::from_utf8_lossy(value).into_owned())
    };
    let body =
        if get("transfer-encoding").is_some_and(|te| te.to_ascii_lowercase().contains("chunked")) {
            dechunk(rest)?
        } else if let Some(length) = get("content-length") {
            let length: usize = length
                .trim()
                .parse()
                .map_err(|_| format!("bad content-length {length:?}"))?;
            rest.get(..length)
                .ok_or_else(|| {
                    format!(
                        "the body is {} bytes, shorter than its content-length {length}",
                        rest.len()
                    )
                })?
                .to_vec()
        } else {
            rest.to_vec()
        };
    Ok(RawRequest {
        method: String::from_utf8_lossy(method).into_owned(),
        target: String::from_utf8_lossy(target).into_owned(),
        headers,
        body,
    })
}

/// Decodes a chunked body (chunk extensions and trailers are ignored).
fn dechunk(mut input: &[u8]) -> Result<Vec<u8>, String> {
    let mut body = Vec::new();
    loop {
        let (size_line, rest) = line(input).ok_or("chunked body ends before its last chunk")?;
        let size_text = String::from_utf8_lossy(size_line);
        let size_text = size_text.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(size_text, 16)
            .map_err(|_| format!("bad chunk size {size_text:?}"))?;
        if size == 0 {
            return Ok(body);
        }
        let chunk = rest
            .get(..size)
            .ok_or_else(|| format!("chunk of {size} bytes is cut short"))?;
        body.extend_from_slice(chunk);
        let after = rest.get(size..).unwrap_or_default();
        input = after
            .strip_prefix(b"\r\n")
            .or_else(|| after.strip_prefix(b"\n"))
            .ok_or("a chunk does not end with a line break")?;
    }
}

fn header<'a>(headers: &'a [(String, Vec<u8>)], wanted: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(wanted))
        .and_then(|(_, value)| std::str::from_utf8(value).ok())
}

/// The `t=`/`ts=` field of a list signature header.
fn field<'a>(value: &'a str, key: &str) -> Option<&'a str> {
    value.split(',').find_map(|part| {
        let (k, v) = part.trim().split_once('=')?;
        (k == key).then_some(v)
    })
}

/// At most `limit` bytes from the start or end of `body`, escaped.
fn excerpt(bytes: &[u8]) -> String {
    bytes.escape_ascii().to_string()
}

/// The `--explain` text: what was received, what was signed, and what each secret would
/// have produced. Secrets are never printed (Linga's "signature" is the token itself, so
/// nothing is printed for it).
pub(crate) fn explain(
    options: &Options,
    headers: &[(String, Vec<u8>)],
    body: &[u8],
) -> Result<String, Failure> {
    const EXCERPT: usize = 48;
    let scheme = options.scheme()?;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "explain: scheme {scheme} signs {}",
        scheme.signed_content()
    );
    let newline = if body.ends_with(b"\n") {
        "ends in a newline"
    } else {
        "does not end in a newline"
    };
    let _ = writeln!(out, "body: {} bytes, {newline}", body.len());
    if body.len() <= 2 * EXCERPT {
        let _ = writeln!(out, "body bytes: \"{}\"", excerpt(body));
    } else {
        let start = body.get(..EXCERPT).unwrap_or_default();
        let end = body.get(body.len() - EXCERPT..).unwrap_or_default();
        let _ = writeln!(
            out,
            "body starts: \"{}\"\nbody ends: \"{}\"",
            excerpt(start),
            excerpt(end)
        );
    }
    for name in scheme.headers() {
        match header(headers, name) {
            Some(value) => {
                let _ = writeln!(out, "received {name}: {value}");
            }
            None => {
                let _ = writeln!(out, "received {name}: (missing)");
            }
        }
    }

    // What was signed: the prefix the scheme puts before the body.
    let (timestamp, id) = match scheme {
        Scheme::Standard => (
            header(headers, "webhook-timestamp").map(str::trim),
            header(headers, "webhook-id").map(str::trim),
        ),
        Scheme::Stripe => (
            header(headers, "stripe-signature").and_then(|v| field(v, "t")),
            None,
        ),
        Scheme::Ordergroove => (
            header(headers, "ordergroove-signature").and_then(|v| field(v, "ts")),
            None,
        ),
        _ => (None, None),
    };
    let timestamp: Option<i64> = timestamp.and_then(|t| t.parse().ok());
    match scheme {
        Scheme::Linga => {
            let name = options.header_name.as_deref().unwrap_or("<--header-name>");
            let received = header(headers, name).is_some();
            let _ = writeln!(
                out,
                "signed content: nothing; linga sends a static token in {name} ({}); tokens \
                 are secrets and are not shown",
                if received { "present" } else { "missing" }
            );
            return Ok(out);
        }
        Scheme::Standard | Scheme::Stripe | Scheme::Ordergroove => match (timestamp, id) {
            (Some(ts), Some(id)) if scheme == Scheme::Standard => {
                let _ = writeln!(
                    out,
                    "signed content: \"{id}.{ts}.\" followed by the {}-byte body",
                    body.len()
                );
            }
            (Some(ts), _) if scheme != Scheme::Standard => {
                let _ = writeln!(
                    out,
                    "signed content: \"{ts}.\" followed by the {}-byte body",
                    body.len()
                );
            }
            _ => {
                let _ = writeln!(
                    out,
                    "signed content: unknown, the received headers carry no usable timestamp{}",
                    if scheme == Scheme::Standard {
                        " and id"
                    } else {
                        ""
                    }
                );
                return Ok(out);
            }
        },
        Scheme::Square => {
            let url = options.url.as_deref().unwrap_or_default();
            let _ = writeln!(
                out,
                "signed content: \"{url}\" followed by the {}-byte body",
                body.len()
            );
        }
        _ => {
            let _ = writeln!(
                out,
                "signed content: the {}-byte body, nothing else",
                body.len()
            );
        }
    }

    let mut message = Message::new(body);
    if let Some(ts) = timestamp {
        message = message.timestamp(ts);
    }
    if let Some(id) = id {
        message = message.id(id);
    }
    let name = scheme.headers().last().copied().unwrap_or_default();
    for (index, secret) in options.secrets()?.iter().enumerate() {
        let mut builder = Signer::builder(scheme).secret(secret);
        if let Some(url) = &options.url {
            builder = builder.notification_url(url);
        }
        let number = index + 1;
        let line = builder
            .build()
            .map_err(|e| e.to_string())
            .and_then(|signer| signer.sign(&message).map_err(|e| e.to_string()));
        let _ = match line {
            Ok(signed) => writeln!(
                out,
                "secret #{number} would send {name}: {}",
                signed.signature()
            ),
            Err(error) => writeln!(out, "secret #{number} cannot sign it: {error}"),
        };
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(request: &RawRequest) -> Vec<(&str, &[u8])> {
        request
            .headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_slice()))
            .collect()
    }

    #[test]
    fn crlf_and_lf_with_content_length() {
        for text in [
            &b"POST /hooks HTTP/1.1\r\nHost: x\r\nX-A:  b \r\nContent-Length: 4\r\n\r\nbody and more"[..],
            b"POST /hooks HTTP/1.1\nHost: x\nX-A: b\ncontent-length: 4\n\nbody\n",
        ] {
            let request = parse_request(text).unwrap();
            assert_eq!(request.method, "POST");
            assert_eq!(request.target, "/hooks");
            assert_eq!(request.body, b"body");
            assert_eq!(headers(&request)[1], ("X-A", &b"b"[..]));
        }
    }

    #[test]
    fn no_length_keeps_the_rest_and_chunked_is_decoded() {
        let request = parse_request(b"POST / HTTP/1.1\nA: 1\n\nall\nof it\n").unwrap();
        assert_eq!(request.body, b"all\nof it\n");
        let request = parse_request(
            b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n5;x=y\r\npedia\r\n0\r\n\r\n",
        )
        .unwrap();
        assert_eq!(request.body, b"Wikipedia");
    }

    #[test]
    fn curl_verbose_capture() {
        let request = parse_request(
            b"* Connected to localhost\n> POST /h HTTP/1.1\n> Host: localhost\n> X-Sig: abc\n>\n{}",
        )
        .unwrap();
        assert_eq!(request.target, "/h");
        assert_eq!(headers(&request)[1], ("X-Sig", &b"abc"[..]));
        assert_eq!(request.body, b"{}");
    }

    #[test]
    fn malformed_requests_say_what_is_wrong() {
        let cases: [(&[u8], &str); 5] = [
            (b"", "no request line"),
            (b"hello\n\n", "bad request line"),
            (b"POST / HTTP/1.1\nno colon\n\n", "no colon"),
            (
                b"POST / HTTP/1.1\nContent-Length: 10\n\nshort",
                "shorter than its content-length 10",
            ),
            (
                b"POST / HTTP/1.1\nTransfer-Encoding: chunked\n\nzz\n",
                "bad chunk size",
            ),
        ];
        for (text, expected) in cases {
            let error = parse_request(text).unwrap_err();
            assert!(error.contains(expected), "{error:?} lacks {expected:?}");
        }
    }
}

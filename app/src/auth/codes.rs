//! One-time codes that are read out or typed: enrollment codes and supporter invites.
use crate::secrets::{random_bytes, NoRandomness};

/// Crockford's base 32: no I, L, O or U, so nothing looks alike when read out.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const CODE_CHARS: usize = 10;

/// A new code of 10 characters (50 random bits), shown as `ABCDE-FGHJK`.
pub fn new_code() -> Result<String, NoRandomness> {
    let bytes = random_bytes::<8>()?;
    let mut bits = u64::from_le_bytes(bytes);
    let mut code = String::with_capacity(CODE_CHARS + 1);
    for i in 0..CODE_CHARS {
        if i == CODE_CHARS / 2 {
            code.push('-');
        }
        code.push(ALPHABET[(bits & 31) as usize] as char);
        bits >>= 5;
    }
    Ok(code)
}

/// A typed code in its one canonical form, forgiving what people do when typing: case,
/// spaces and dashes, and the letters that look like digits. `None` when it cannot be a code.
pub fn normalize_code(typed: &str) -> Option<String> {
    let mut code = String::with_capacity(CODE_CHARS);
    for c in typed.chars() {
        let c = match c.to_ascii_uppercase() {
            ' ' | '-' => continue,
            'O' => '0',
            'I' | 'L' => '1',
            c if ALPHABET.contains(&(c as u8)) && c.is_ascii() => c,
            _ => return None,
        };
        code.push(c);
        if code.len() > CODE_CHARS {
            return None;
        }
    }
    (code.len() == CODE_CHARS).then(|| format!("{}-{}", &code[..5], &code[5..]))
}

/// The link a code makes: `/enrol?code=...` or `/join?code=...` on this site.
pub fn code_link(public_url: &str, page: &str, code: &str) -> String {
    format!("{}/{page}?code={code}", public_url.trim_end_matches('/'))
}

/// A QR code of `text` as inline SVG, for a phone's camera; `None` if it does not fit.
pub fn qr_svg(text: &str) -> Option<String> {
    let code = qrcode::QrCode::new(text.as_bytes()).ok()?;
    let svg = code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build();
    // Inline in the page: the XML declaration has no place there.
    Some(match svg.find("<svg") {
        Some(start) => svg[start..].to_owned(),
        None => svg,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_typeable_and_normalize_to_themselves() {
        for _ in 0..100 {
            let code = new_code().unwrap();
            assert_eq!(code.len(), 11);
            assert_eq!(normalize_code(&code).as_deref(), Some(code.as_str()));
            let typed = code.to_lowercase().replace('-', " ");
            assert_eq!(normalize_code(&typed).as_deref(), Some(code.as_str()));
        }
        assert_ne!(new_code().unwrap(), new_code().unwrap());
    }

    #[test]
    fn links_and_qr_codes() {
        let link = code_link("https://w.example/", "enrol", "ABCDE-FGHJK");
        assert_eq!(link, "https://w.example/enrol?code=ABCDE-FGHJK");
        let svg = qr_svg(&link).unwrap();
        assert!(svg.starts_with("<svg") && svg.contains("</svg>"));
    }

    #[test]
    fn look_alikes_and_garbage() {
        assert_eq!(
            normalize_code("o1lI0-abcde").as_deref(),
            Some("01110-ABCDE")
        );
        assert_eq!(normalize_code("ABCDE"), None);
        assert_eq!(normalize_code("ABCDE-FGHJKM"), None);
        assert_eq!(normalize_code("ABCDE-FGHJ!"), None);
        assert_eq!(normalize_code("ABCDE-FGHJU"), None);
        assert_eq!(normalize_code(&"A".repeat(10_000)), None);
        assert_eq!(normalize_code("ABCDE\u{0}FGHJK"), None);
    }
}

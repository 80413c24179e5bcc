/** C/C++ literal helpers for the generated header. */

/** A C string literal. Octal escapes for non-printable bytes: hex escapes would swallow following hex digits. */
export function cString(s: string): string {
  let out = '"';
  for (const byte of new TextEncoder().encode(s)) {
    if (byte === 0x22) out += '\\"';
    else if (byte === 0x5c) out += '\\\\';
    else if (byte === 0x3f)
      out += '\\?'; // no trigraphs
    else if (byte >= 0x20 && byte < 0x7f) out += String.fromCharCode(byte);
    else out += `\\${byte.toString(8).padStart(3, '0')}`;
  }
  return `${out}"`;
}

/** Longest delimiter C++ allows in a raw string literal. */
const MAX_RAW_DELIMITER = 16;

/** A raw string literal R"d(...)d" whose delimiter does not occur in the content. */
export function cRawString(content: string, preferred = 'json'): string {
  for (let i = 0; ; i++) {
    const d = i === 0 ? preferred : `${preferred}${i}`;
    if (d.length > MAX_RAW_DELIMITER) throw new Error('no raw-string delimiter fits');
    if (!content.includes(`)${d}"`)) return `R"${d}(${content})${d}"`;
  }
}

/** "fan-2" -> "FAN_2": a macro-safe identifier part. */
export function macroPart(name: string): string {
  const s = name.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
  return /^[0-9]/.test(s) ? `_${s}` : s;
}

/** A comment line that cannot end the comment early or continue onto the next line. */
export function commentText(s: string): string {
  return s.replace(/[\r\n]+/g, ' ').replace(/\\$/, '\\ ');
}

// Internal helpers shared by the modules of this package (not exported through package.json).

/**
 * Full-width digits (０-９, U+FF10-U+FF19) to ASCII. People type ID and phone numbers with a
 * Chinese IME in full-width mode; the digits mean the same thing and must compare equal.
 */
export function toAsciiDigits(text: string): string {
  return text.replace(/[\uFF10-\uFF19]/gu, (digit) => String.fromCharCode(digit.charCodeAt(0) - 0xfee0));
}

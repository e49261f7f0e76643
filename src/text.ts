/**
 * Line/column lookup and UTF-8 byte ↔ UTF-16 offset conversion for one file's text.
 * libpg-query reports byte offsets; everything else in rollsafe uses string offsets.
 */
export class SourceText {
  readonly text: string;
  private lineStarts: number[] | undefined;
  private byteToCharMap: Uint32Array | undefined;
  private charToByteMap: Uint32Array | undefined;
  private readonly ascii: boolean;

  constructor(text: string) {
    this.text = text;
    // eslint-disable-next-line no-control-regex
    this.ascii = !/[^\x00-\x7f]/.test(text);
  }

  /** 1-based line and column of a string offset. */
  position(offset: number): { line: number; column: number } {
    const starts = this.starts();
    let lo = 0;
    let hi = starts.length - 1;
    const at = Math.max(0, Math.min(offset, this.text.length));
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= at) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: at - starts[lo]! + 1 };
  }

  /** String offset of a 1-based line and column. */
  offsetOf(line: number, column: number): number {
    const starts = this.starts();
    const start = starts[Math.max(0, Math.min(line - 1, starts.length - 1))]!;
    return Math.min(this.text.length, start + column - 1);
  }

  /** The text of a 1-based line, without its line break. */
  lineText(line: number): string {
    const starts = this.starts();
    if (line < 1 || line > starts.length) return '';
    const start = starts[line - 1]!;
    const end = line < starts.length ? starts[line]! - 1 : this.text.length;
    return this.text.slice(start, end).replace(/\r$/, '');
  }

  get lineCount(): number {
    return this.starts().length;
  }

  /** String offset of a UTF-8 byte offset into the same text. */
  byteToChar(byteOffset: number): number {
    if (this.ascii) return byteOffset;
    const map = this.byteMap();
    if (byteOffset <= 0) return 0;
    if (byteOffset >= map.length) return this.text.length;
    return map[byteOffset]!;
  }

  /** UTF-8 byte offset of a string offset. */
  charToByte(charOffset: number): number {
    if (this.ascii) return charOffset;
    if (charOffset <= 0) return 0;
    this.byteMap();
    return this.charToByteMap![Math.min(charOffset, this.text.length)]!;
  }

  private starts(): number[] {
    if (!this.lineStarts) {
      const starts = [0];
      const t = this.text;
      for (let i = t.indexOf('\n'); i !== -1; i = t.indexOf('\n', i + 1)) starts.push(i + 1);
      this.lineStarts = starts;
    }
    return this.lineStarts;
  }

  private byteMap(): Uint32Array {
    if (!this.byteToCharMap) {
      const t = this.text;
      const total = Buffer.byteLength(t, 'utf8');
      const map = new Uint32Array(total + 1);
      // The other way round, as Buffer.byteLength(text.slice(0, i)) counts: a slice that ends inside a
      // surrogate pair ends with a lone high surrogate, encoded in 3 bytes.
      const chars = new Uint32Array(t.length + 1);
      let byte = 0;
      for (let i = 0; i < t.length; i++) {
        chars[i] = byte;
        const code = t.charCodeAt(i);
        let width: number;
        if (code < 0x80) width = 1;
        else if (code < 0x800) width = 2;
        else if (code >= 0xd800 && code <= 0xdbff && i + 1 < t.length) {
          const next = t.charCodeAt(i + 1);
          if (next >= 0xdc00 && next <= 0xdfff) {
            chars[i + 1] = byte + 3;
            for (let k = 0; k < 4; k++) map[byte + k] = i;
            byte += 4;
            i++;
            continue;
          }
          width = 3;
        } else width = 3;
        for (let k = 0; k < width; k++) map[byte + k] = i;
        byte += width;
      }
      map[total] = t.length;
      chars[t.length] = total;
      this.byteToCharMap = map;
      this.charToByteMap = chars;
    }
    return this.byteToCharMap;
  }
}

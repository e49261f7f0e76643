/**
 * Include/exclude globs of the config, matched against repository-relative paths. Node's `path.matchesGlob`
 * prints an ExperimentalWarning on Node 20, so rollsafe carries this small matcher:
 * `*`, `?`, `**`, `{a,b}`, `[abc]`, and gitignore's habits (a pattern without `/` matches at any depth;
 * a pattern that matches a folder matches everything below it).
 */

export class Glob {
  readonly pattern: string;
  private readonly regex: RegExp;

  constructor(pattern: string) {
    this.pattern = pattern;
    let p = pattern.trim().replace(/\\/g, '/').replace(/^\.\//, '');
    if (p.endsWith('/')) p = p.slice(0, -1);
    const anchored = p.startsWith('/') || p.includes('/');
    if (p.startsWith('/')) p = p.slice(1);
    this.regex = new RegExp(`^${anchored ? '' : '(?:.*/)?'}${toRegex(p)}$`);
  }

  /** Whether the path, or one of the folders containing it, matches. */
  matches(path: string): boolean {
    if (this.regex.test(path)) return true;
    for (let i = path.lastIndexOf('/'); i > 0; i = path.lastIndexOf('/', i - 1)) {
      if (this.regex.test(path.slice(0, i))) return true;
    }
    return false;
  }
}

function toRegex(glob: string): string {
  let out = '';
  let braces = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        // `**/` matches zero or more folders; a trailing `**` matches anything.
        const slash = glob[i + 2] === '/';
        out += slash ? '(?:.*/)?' : '.*';
        i += slash ? 2 : 1;
      } else out += '[^/]*';
    } else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close < 0) out += '\\[';
      else {
        let body = glob.slice(i + 1, close).replace(/\\/g, '\\\\');
        if (body.startsWith('!')) body = `^${body.slice(1)}`;
        out += `[${body}]`;
        i = close;
      }
    } else if (c === '{') {
      braces++;
      out += '(?:';
    } else if (c === '}' && braces > 0) {
      braces--;
      out += ')';
    } else if (c === ',' && braces > 0) out += '|';
    else out += c.replace(/[.+^$()|\\]/g, '\\$&');
  }
  return out + ')'.repeat(braces);
}

/** A list of globs; an empty list matches nothing. */
export class GlobList {
  private readonly globs: Glob[];
  constructor(patterns: readonly string[] = []) {
    this.globs = patterns.filter((p) => p.trim() !== '').map((p) => new Glob(p));
  }
  get empty(): boolean {
    return this.globs.length === 0;
  }
  matches(path: string): boolean {
    return this.globs.some((g) => g.matches(path));
  }
}

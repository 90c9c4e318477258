import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, normalize, sep } from 'node:path';

/**
 * A strict applier of unified diffs (`diff -u`, `git diff`), enough for the patches in
 * infra/ferretdb/patches: it needs no `patch` or `git` on the machine. Strict means every hunk
 * must match the file exactly at the line it names (no fuzz, no offset), since the patches are
 * always applied to the pristine upstream sources they were made from. Paths drop their first
 * component (`-p1`: `a/x.go` is `x.go`). Text before the first `---` line is a comment.
 */

export interface FilePatch {
  /** Path relative to the patched directory; null for a file the patch creates. */
  readonly oldPath: string | null;
  /** Null for a file the patch deletes. */
  readonly newPath: string | null;
  readonly hunks: readonly Hunk[];
}

interface Hunk {
  readonly oldStart: number;
  readonly oldCount: number;
  readonly header: string;
  /** Each line keeps its first character: ' ' context, '-' removed, '+' added. */
  readonly lines: readonly string[];
  /** Set by `\ No newline at end of file` after the last line of the new text. */
  readonly newNoNewline: boolean;
}

export class PatchError extends Error {
  override readonly name = 'PatchError';
}

function patchPath(raw: string, line: number): string | null {
  const path = (raw.split('\t')[0] ?? '').trim();
  if (path === '/dev/null') return null;
  const slash = path.indexOf('/');
  const stripped = slash >= 0 ? path.slice(slash + 1) : path;
  const normalized = normalize(stripped);
  if (stripped === '' || isAbsolute(stripped) || normalized === '..' || normalized.startsWith(`..${sep}`)) {
    throw new PatchError(`line ${line}: unsafe path "${path}"`);
  }
  return normalized;
}

/** Parses a unified diff into one entry per file. */
export function parseUnifiedDiff(text: string): FilePatch[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const files: FilePatch[] = [];
  let i = 0;
  const at = (index: number): string => lines[index] ?? '';
  while (i < lines.length) {
    if (!at(i).startsWith('--- ') || !at(i + 1).startsWith('+++ ')) {
      i += 1;
      continue;
    }
    const oldPath = patchPath(at(i).slice(4), i + 1);
    const newPath = patchPath(at(i + 1).slice(4), i + 2);
    if (oldPath === null && newPath === null) throw new PatchError(`line ${i + 1}: both sides are /dev/null`);
    i += 2;
    const hunks: Hunk[] = [];
    while (i < lines.length && at(i).startsWith('@@ ')) {
      const header = at(i);
      const match = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/.exec(header);
      if (!match) throw new PatchError(`line ${i + 1}: bad hunk header "${header}"`);
      const oldStart = Number(match[1]);
      const oldCount = match[2] === undefined ? 1 : Number(match[2]);
      const newCount = match[4] === undefined ? 1 : Number(match[4]);
      i += 1;
      const body: string[] = [];
      let oldSeen = 0;
      let newSeen = 0;
      let newNoNewline = false;
      while (oldSeen < oldCount || newSeen < newCount || lines[i]?.startsWith('\\')) {
        const line = lines[i];
        if (line === undefined) throw new PatchError(`hunk "${header}" ends early`);
        // Some editors strip the single space of an empty context line.
        const kind = line === '' ? ' ' : line[0];
        if (kind === '\\') {
          const last = body.at(-1)?.[0];
          if (last === '+' || last === ' ') newNoNewline = true;
        } else if (kind === ' ' || kind === '-' || kind === '+') {
          body.push(line === '' ? ' ' : line);
          if (kind !== '+') oldSeen += 1;
          if (kind !== '-') newSeen += 1;
        } else {
          throw new PatchError(`line ${i + 1}: unexpected "${line}" in hunk "${header}"`);
        }
        i += 1;
      }
      if (oldSeen !== oldCount || newSeen !== newCount) throw new PatchError(`hunk "${header}" has ${oldSeen}/${newSeen} lines`);
      hunks.push({ oldStart, oldCount, header, lines: body, newNoNewline });
    }
    if (hunks.length === 0) throw new PatchError(`no hunk for ${newPath ?? oldPath ?? ''}`);
    files.push({ oldPath, newPath, hunks });
  }
  if (files.length === 0) throw new PatchError('no file changes found (expected "--- a/..." and "+++ b/..." lines)');
  return files;
}

/** Applies one file's hunks to its text (null for a file that does not exist yet). */
export function applyFilePatch(original: string | null, patch: FilePatch): string | null {
  const name = patch.oldPath ?? patch.newPath ?? '';
  if (patch.oldPath === null && original !== null) throw new PatchError(`${name}: the patch creates it, but it exists`);
  if (patch.oldPath !== null && original === null) throw new PatchError(`${name}: the patch changes it, but it does not exist`);
  const lines = original === null || original === '' ? [] : original.split('\n');
  let endsWithNewline = original === null || original === '' || lines.at(-1) === '';
  if (lines.at(-1) === '') lines.pop();
  const result: string[] = [];
  let next = 0; // index of the first line of `lines` not yet copied
  for (const hunk of patch.hunks) {
    // A hunk that removes nothing names the line after which it inserts.
    const at = hunk.oldCount === 0 ? hunk.oldStart : hunk.oldStart - 1;
    if (at < next) throw new PatchError(`${name}: hunk "${hunk.header}" overlaps the previous one`);
    result.push(...lines.slice(next, at));
    let position = at;
    for (const line of hunk.lines) {
      const kind = line[0];
      const content = line.slice(1);
      if (kind === '+') {
        result.push(content);
        continue;
      }
      if (lines[position] !== content) {
        const current = lines[position];
        const found = current === undefined ? 'the end of the file' : `"${current}"`;
        throw new PatchError(`${name}: hunk "${hunk.header}" does not match at line ${position + 1}: expected "${content}", found ${found}`);
      }
      if (kind === ' ') result.push(content);
      position += 1;
    }
    next = position;
    // A hunk that reaches the end of the file says whether the new text ends with a newline.
    if (next === lines.length) endsWithNewline = !hunk.newNoNewline;
  }
  result.push(...lines.slice(next));
  if (patch.newPath === null) {
    if (result.length > 0) throw new PatchError(`${name}: the patch deletes it, but lines remain`);
    return null;
  }
  if (result.length === 0) return '';
  return result.join('\n') + (endsWithNewline ? '\n' : '');
}

/**
 * Applies a unified diff to the files under `dir`. Every hunk is checked before any file is
 * written, so a patch that does not apply leaves the directory as it was. Returns the paths
 * of the files it created, changed or deleted.
 */
export function applyPatchToDirectory(dir: string, patchText: string): string[] {
  const changes: { path: string; text: string | null; oldPath: string | null }[] = [];
  for (const file of parseUnifiedDiff(patchText)) {
    const source = file.oldPath === null ? null : join(dir, file.oldPath);
    const original = source !== null && existsSync(source) ? readFileSync(source, 'utf8') : null;
    const text = applyFilePatch(original, file);
    changes.push({ path: file.newPath ?? file.oldPath ?? '', text, oldPath: file.oldPath });
  }
  for (const change of changes) {
    const target = join(dir, change.path);
    if (change.text === null) {
      rmSync(target);
      continue;
    }
    if (change.oldPath !== null && change.oldPath !== change.path) rmSync(join(dir, change.oldPath));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, change.text);
  }
  return changes.map((change) => change.path);
}

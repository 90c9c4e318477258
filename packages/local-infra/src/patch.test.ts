import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findRepoRoot } from './config.js';
import { applyFilePatch, applyPatchToDirectory, parseUnifiedDiff, PatchError } from './patch.js';

const ORIGINAL = ['package x', '', 'const a = 1', 'const b = 2', 'const c = 3', '', 'func f() {}', ''].join('\n');

const CHANGE = `A comment before the first file is ignored.
--- a/x.go
+++ b/x.go
@@ -2,4 +2,5 @@
 
-const a = 1
+const a = 10 // changed
+const a2 = 11
 const b = 2
 const c = 3
@@ -7,1 +8,2 @@
 func f() {}
+func g() {}
--- /dev/null
+++ b/sub/new.go
@@ -0,0 +1,2 @@
+package sub
+// new
`;

describe('parseUnifiedDiff', () => {
  it('reads files and hunks, skipping the leading comment and the a/ b/ prefixes', () => {
    const files = parseUnifiedDiff(CHANGE);
    expect(files.map((file) => [file.oldPath, file.newPath, file.hunks.length])).toEqual([
      ['x.go', 'x.go', 2],
      [null, join('sub', 'new.go'), 1],
    ]);
  });

  it.each([
    ['--- a/../etc/passwd\n+++ b/../etc/passwd\n@@ -1 +1 @@\n-a\n+b\n', 'unsafe path'],
    ['--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n-a\n+b\n', 'ends early'],
    ['just text\n', 'no file changes'],
  ])('refuses %j', (text, message) => {
    expect(() => parseUnifiedDiff(text)).toThrow(message);
  });
});

describe('applyFilePatch', () => {
  it('applies hunks at the lines they name and keeps the final newline', () => {
    const [file] = parseUnifiedDiff(CHANGE);
    expect(applyFilePatch(ORIGINAL, file!)).toBe(
      ['package x', '', 'const a = 10 // changed', 'const a2 = 11', 'const b = 2', 'const c = 3', '', 'func f() {}', 'func g() {}', ''].join('\n'),
    );
  });

  it('refuses a hunk whose lines differ (no fuzz), naming the file and the line', () => {
    const [file] = parseUnifiedDiff(CHANGE);
    expect(() => applyFilePatch(ORIGINAL.replace('const a = 1', 'const a = 2'), file!)).toThrow(
      new PatchError('x.go: hunk "@@ -2,4 +2,5 @@" does not match at line 3: expected "const a = 1", found "const a = 2"'),
    );
  });

  it('refuses to create a file that exists, or to change one that does not', () => {
    const [change, creation] = parseUnifiedDiff(CHANGE);
    expect(() => applyFilePatch('package sub\n', creation!)).toThrow('the patch creates it, but it exists');
    expect(() => applyFilePatch(null, change!)).toThrow('does not exist');
  });

  it('honours "\\ No newline at end of file"', () => {
    const [file] = parseUnifiedDiff('--- a/t\n+++ b/t\n@@ -1 +1 @@\n-x\n\\ No newline at end of file\n+y\n\\ No newline at end of file\n');
    expect(applyFilePatch('x', file!)).toBe('y');
  });
});

describe('applyPatchToDirectory', () => {
  it('changes and creates files, and writes nothing when one hunk fails', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mz-patch-unit-'));
    writeFileSync(join(dir, 'x.go'), ORIGINAL);
    const broken = CHANGE.replace(' func f() {}\n+func g() {}', ' func h() {}\n+func g() {}');
    expect(() => applyPatchToDirectory(dir, broken)).toThrow(PatchError);
    expect(readFileSync(join(dir, 'x.go'), 'utf8')).toBe(ORIGINAL);
    expect(existsSync(join(dir, 'sub'))).toBe(false);

    expect(applyPatchToDirectory(dir, CHANGE)).toEqual(['x.go', join('sub', 'new.go')]);
    expect(readFileSync(join(dir, 'sub', 'new.go'), 'utf8')).toBe('package sub\n// new\n');
    expect(readFileSync(join(dir, 'x.go'), 'utf8')).toContain('func g() {}\n');
  });

  it('parses every FerretDB patch committed in infra/ferretdb/patches', () => {
    const patches = join(findRepoRoot(), 'infra', 'ferretdb', 'patches');
    const names = readdirSync(patches).filter((name) => name.endsWith('.patch'));
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) {
      const files = parseUnifiedDiff(readFileSync(join(patches, name), 'utf8'));
      expect(files.length, name).toBeGreaterThan(0);
    }
  });
});

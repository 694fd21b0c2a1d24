// Where each test is written in the public specification (`spec.json`), so
// Go to Test and a failure's inline message land on that test's own lines,
// not on line 1 of the file for every test. Read from the file's text with a
// position-keeping JSON parser: the hub may lay the file out in any way.

import { findNodeAtLocation, parseTree, type Node } from 'jsonc-parser';

/** A test's place in the file: 0-based lines of its object's first and last line. */
export interface SpecLocation {
  line: number;
  endLine: number;
}

/** `group/name` → where that test's object is in `text`; tests the text does not hold are left out. */
export function specTestLocations(text: string): Map<string, SpecLocation> {
  const out = new Map<string, SpecLocation>();
  const root = parseTree(text);
  if (!root) return out;
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
  const lineOf = (offset: number): number => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const stringAt = (node: Node | undefined, key: string): string | undefined => {
    const v = node ? findNodeAtLocation(node, [key]) : undefined;
    return v?.type === 'string' ? (v.value as string) : undefined;
  };
  const groups = findNodeAtLocation(root, ['groups']);
  for (const group of groups?.type === 'array' ? (groups.children ?? []) : []) {
    const groupName = stringAt(group, 'name');
    const tests = findNodeAtLocation(group, ['tests']);
    if (groupName === undefined || tests?.type !== 'array') continue;
    for (const test of tests.children ?? []) {
      const name = stringAt(test, 'name');
      if (name === undefined) continue;
      out.set(`${groupName}/${name}`, { line: lineOf(test.offset), endLine: lineOf(test.offset + test.length) });
    }
  }
  return out;
}
